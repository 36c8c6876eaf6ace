"""Sign-in throttling per account and per client address, and Django's password validators on
sign-up (issue 19, defect 5)."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.reliability


def sign_in(username: str, password: str, address: str = "203.0.113.7"):
    return APIClient(REMOTE_ADDR=address).post("/api/v1/auth/login/", {"username": username, "password": password},
                                               format="json")


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_with_when_to_retry(cast, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    for _ in range(5):
        assert sign_in("member", "wrong").status_code == 400
    refused = sign_in("member", "member-password")
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.json()["detail"]
    assert "Try again in" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= settings.LOGIN_THROTTLE_WINDOW_S


def test_the_account_lock_holds_from_another_address_and_other_accounts_still_sign_in(cast, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        sign_in("member", "wrong", address="198.51.100.1")
    assert sign_in("member", "member-password", address="198.51.100.2").status_code == 429
    assert sign_in("MEMBER", "member-password", address="198.51.100.2").status_code == 429, "names are case-blind"
    assert sign_in("owner", "owner-password", address="198.51.100.1").status_code == 200


def test_one_address_guessing_many_accounts_is_stopped_and_other_addresses_are_not(cast, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for name in ("a", "b", "c", "d"):
        assert sign_in(name, "guess", address="192.0.2.9").status_code == 400
    refused = sign_in("owner", "owner-password", address="192.0.2.9")
    assert refused.status_code == 429 and "from your address" in refused.json()["detail"]
    assert sign_in("owner", "owner-password", address="192.0.2.10").status_code == 200


def test_a_successful_sign_in_clears_the_accounts_failures(cast, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(2):
        sign_in("member", "wrong")
    assert sign_in("member", "member-password").status_code == 200
    for _ in range(2):
        sign_in("member", "wrong")
    assert sign_in("member", "member-password").status_code == 200


def test_sixty_wrong_passwords_at_full_speed_do_not_let_the_right_one_in(cast):
    for _ in range(60):
        assert sign_in("member", "wrong").status_code in (400, 429)
    assert sign_in("member", "member-password").status_code == 429


def invite(api) -> str:
    from django.core import mail

    response = api("owner").post("/api/v1/workspaces/lab/members/", {"email": "new@example.org", "role": "member"},
                                 format="json")
    assert response.status_code == 202, response.content
    return mail.outbox[-1].body.split("/invitations/")[1].split()[0]


def test_sign_up_refuses_common_numeric_and_username_like_passwords_with_the_reasons(api, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    token = invite(api)
    for password, reason in (("password123", "too common"), ("4815162342", "entirely numeric"),
                             ("newcomer-x", "too similar")):
        response = APIClient().post(f"/api/v1/invitations/{token}/accept/",
                                    {"username": "newcomer", "password": password}, format="json")
        assert response.status_code == 400, password
        assert reason in " ".join(response.json()["errors"]["password"]), response.json()
    good = APIClient().post(f"/api/v1/invitations/{token}/accept/",
                            {"username": "newcomer", "password": "larch-umbrella-quartz"}, format="json")
    assert good.status_code == 201
