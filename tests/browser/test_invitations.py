"""Inviting a team from the UI: the owner invites two addresses in Settings, someone with an account
accepts in the app and someone without one makes it from the e-mailed link; the members list then
shows both with their roles. The API docs render from the installation, with no internet."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def mailed_link(stack, address: str) -> str:
    """The invitation link of the newest message to `address` in the file-based outbox."""
    messages = sorted((stack.workdir / "data" / "mail").glob("*.log"), key=lambda p: p.stat().st_mtime)
    for path in reversed(messages):
        text = path.read_text()
        if f"To: {address}" in text:
            return re.search(r"(http://\S+/invitations/\S+?) to accept", text).group(1)
    raise AssertionError(f"no invitation was mailed to {address}")


def invite(page, address: str, role: str) -> None:
    page.get_by_label("E-mail address or username").fill(address)
    page.get_by_label("Role", exact=True).select_option(role)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invitation-sent")).to_contain_text(f"Invited {address} as {role}")


def test_the_owner_invites_two_addresses_and_both_join_with_their_roles(page, stack, browser):
    stack.manage("create_api_token", "bob", "--password", "bob-password-1")
    stack.manage("shell", "-c", "from webapp.accounts.models import User; "
                                "User.objects.filter(username='bob').update(email='bob@example.org')")
    sign_in(page, stack)
    page.goto(stack.base_url + "/settings")
    invite(page, "bob@example.org", "member")
    invite(page, "carol@example.org", "viewer")
    pending = page.get_by_test_id("pending-invitations")
    expect(pending.locator("tbody tr")).to_have_count(2)
    expect(pending).to_contain_text("bob@example.org")
    expect(page.get_by_test_id("settings-members")).not_to_contain_text("bob")

    # Bob has an account: signed in, the app shows him the invitation, and he joins.
    bob = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    bob.goto(stack.base_url + "/runs")
    bob.get_by_label("Username").fill("bob")
    bob.get_by_label("Password").fill("bob-password-1")
    bob.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(bob.get_by_test_id("your-invitations")).to_contain_text("alice invited you to Lab as member.")
    bob.get_by_role("button", name="Join Lab").click()
    expect(bob.get_by_test_id("your-invitations")).to_have_count(0)
    expect(bob.get_by_label("Workspace")).to_have_value("lab")
    bob.context.close()

    # Carol has none: the e-mailed link lets her make one, and she is in.
    link = mailed_link(stack, "carol@example.org")
    assert link.startswith(stack.base_url + "/invitations/"), "PUBLIC_URL is the server's own address"
    carol = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    carol.goto(link)
    expect(carol).to_have_url(re.compile(r"/login\?next="))
    carol.get_by_label("Choose a username").fill("carol")
    carol.get_by_label("Choose a password").fill("carol-password-1")
    carol.get_by_role("button", name="Make account and join").click()
    expect(carol).to_have_url(re.compile(r"/runs$"))
    expect(carol.get_by_label("Workspace")).to_have_value("lab")
    carol.context.close()

    page.reload()
    members = page.get_by_test_id("settings-members")
    expect(members.locator("tr[data-username='carol']")).to_be_visible()
    expect(page.get_by_label("Role for bob")).to_have_value("member")
    expect(page.get_by_label("Role for carol")).to_have_value("viewer")
    expect(page.get_by_test_id("pending-invitations")).to_contain_text("No invitation is waiting")


def test_the_api_docs_render_the_operations_from_the_installation_alone(page, stack):
    """Every request the pages make goes to this server (no CDN; ReDoc's search worker is a blob: of
    this origin), nothing breaks the Content-Security-Policy, and both list the API's operations."""
    local = (stack.base_url, "blob:" + stack.base_url, "data:")
    elsewhere, refused = [], []
    page.on("request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, stack)
    page.goto(stack.base_url + "/api/docs/")
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/v1/runs/").first).to_be_visible()
    page.goto(stack.base_url + "/api/redoc/")
    expect(page.get_by_text("/api/v1/runs/").first).to_be_attached()
    assert elsewhere == [] and refused == []
