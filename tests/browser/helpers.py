"""Steps the browser tests share."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def sign_in(page, stack) -> None:
    page.goto(stack.base_url + "/runs")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password-1")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/runs$"))


def choose(page, label: str, text: str) -> None:
    select = page.get_by_label(label, exact=True)
    select.select_option(value=select.locator("option", has_text=text).first.get_attribute("value"))
