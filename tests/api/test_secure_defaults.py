"""Secure defaults of the web tier (issue 19, defect 9): CSRF on the sign-in form, security headers
(CSP, HSTS, cookies), bounded JSON bodies. Settings per entry point: tests/test_settings.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.reliability

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"


def test_signing_in_without_the_csrf_token_is_refused_saying_where_to_get_it(cast):
    browser = APIClient(enforce_csrf_checks=True)
    response = browser.post("/api/v1/auth/login/", {"username": "member", "password": "member-password"},
                            format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"] and "X-CSRFToken" in response.json()["detail"]
    assert browser.get("/api/v1/auth/me/").status_code == 401, "no session was made"


def test_a_signed_out_browser_gets_the_csrf_cookie_from_me_and_from_the_page_and_then_signs_in(cast):
    browser = APIClient(enforce_csrf_checks=True)
    assert browser.get("/api/v1/auth/me/").status_code == 401
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/auth/login/", {"username": "member", "password": "member-password"},
                            format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    page = APIClient(enforce_csrf_checks=True)
    page.get("/login")
    assert page.cookies["csrftoken"].value


def test_every_response_carries_a_content_security_policy_without_inline_script(db):
    response = APIClient().get("/api/v1/runs/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"


def test_the_page_templates_have_no_inline_script_the_policy_would_block():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if text.startswith("{% extends"):
            continue  # a library's page with a block replaced: checked rendered, in the API docs tests below
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, flags=re.S)
        assert scripts, template
        for attributes, body in scripts:
            assert "src=" in attributes and not body.strip(), f"inline script in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"


@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_https_responses_carry_hsts_when_it_is_on(db):
    assert "max-age=31536000" in APIClient().get("/api/v1/runs/", secure=True)["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in APIClient().get("/api/v1/runs/")


def test_a_json_body_over_the_limit_is_refused_with_413_naming_the_limit(api, settings):
    settings.JSON_MAX_BODY_BYTES = 2000
    client = api("member")
    big = client.post("/api/v1/workspaces/", {"name": "x" * 50, "padding": "y" * 5000}, format="json")
    assert big.status_code == 413
    assert "at most 2000 bytes" in big.json()["detail"] and "JSON_MAX_BODY_BYTES" in big.json()["detail"]
    assert client.post("/api/v1/workspaces/", {"name": "Small"}, format="json").status_code == 201



def docs_page(cast, path: str):
    from django.test import Client

    client = Client()
    client.force_login(cast["member"])
    page = client.get(path)
    assert page.status_code == 200
    return client, page, page.content.decode()


def assert_served_from_here(client, html: str) -> None:
    """Every script, style sheet, icon and link of the page is a path on this server, and answers."""
    addresses = [a.replace("&amp;", "&") for a in re.findall(r'(?:src|href)="([^"]*)"', html)]
    assert addresses
    for address in addresses:
        assert address.startswith("/") and not address.startswith("//"), f"{address} is not served from here"
        assert client.get(address).status_code == 200, address
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_pages_load_everything_from_the_installation_under_a_self_only_policy(cast, path):
    client, page, html = docs_page(cast, path)
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
        assert "src=" in attributes and not body.strip(), "the policy blocks inline script"
    assert_served_from_here(client, html)
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "cdn" not in policy and "https:" not in policy


def test_the_swagger_page_start_up_script_is_served_from_here(cast):
    client, _, html = docs_page(cast, "/api/docs/")
    script_url = re.search(r'<script src="([^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
