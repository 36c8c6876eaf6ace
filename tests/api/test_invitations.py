"""Invitations by e-mail address: the mail and its link, joining with it signed in, making an
account through it (the only way to sign up), and every way to get it wrong."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from webapp.accounts.models import Invitation, Membership, User


@pytest.fixture
def invite(api, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL = "https://distillery.example.org"

    def send(address="newcomer@example.org", role="member", by="owner"):
        return api(by).post("/api/v1/workspaces/lab/members/", {"email": address, "role": role}, format="json")

    return send


def token_from_mail() -> str:
    [message] = mail.outbox
    return re.search(r"https://distillery\.example\.org/invitations/(\S+)", message.body).group(1)


def accept(client, token, **body):
    return client.post(f"/api/v1/invitations/{token}/accept/", body, format="json")


def test_an_address_without_an_account_gets_a_mail_whose_link_makes_one_and_joins(invite, cast):
    response = invite(role="viewer")
    assert response.status_code == 202 and response.json()["email"] == "newcomer@example.org"
    assert mail.outbox[0].to == ["newcomer@example.org"] and "'Lab' as viewer" in mail.outbox[0].body
    token = token_from_mail()

    visitor = APIClient()
    joined = accept(visitor, token, username="newcomer", password="a-long-enough-password")
    assert joined.status_code == 201, joined.json()
    assert joined.json() == {"workspace": "lab", "username": "newcomer", "role": "viewer"}
    user = User.objects.get(username="newcomer")
    assert user.email == "newcomer@example.org" and user.check_password("a-long-enough-password")
    assert visitor.get("/api/v1/auth/me/").json()["username"] == "newcomer", "signed in by the sign-up"
    assert accept(APIClient(), token, username="another", password="a-long-enough-password").status_code == 400


def test_a_signed_in_user_without_an_address_joins_with_the_link_and_takes_the_invited_address(invite, api, cast):
    User.objects.filter(pk=cast["outsider"].pk).update(email="")
    invite("Outsider.Work@example.org", role="member")
    response = accept(api("outsider"), token_from_mail())
    assert response.status_code == 200 and response.json() == {"workspace": "lab", "username": "outsider",
                                                               "role": "member"}
    assert Membership.objects.get(user=cast["outsider"], workspace=cast["workspace"]).role == "member"
    assert User.objects.get(pk=cast["outsider"].pk).email == "Outsider.Work@example.org"


def test_a_link_sent_to_another_address_does_not_let_a_signed_in_account_in(invite, api, cast):
    User.objects.filter(pk=cast["outsider"].pk).update(email="outsider@example.org")
    invite("someone-else@example.org", role="admin")
    token = token_from_mail()
    refused = accept(api("outsider"), token)
    assert refused.status_code == 403
    assert "sent to someone-else@example.org" in refused.json()["detail"]
    assert "Sign in with the account that has that address" in refused.json()["detail"]
    assert not Membership.objects.filter(user=cast["outsider"], workspace=cast["workspace"]).exists()
    assert Invitation.objects.get().accepted_at is None, "still there for the person it was sent to"

    User.objects.filter(pk=cast["outsider"].pk).update(email="SOMEONE-ELSE@example.org")  # addresses ignore case
    assert accept(api("outsider"), token).status_code == 200


def test_an_address_that_has_an_account_gets_an_invitation_and_joins_only_when_it_accepts(invite, api, cast):
    cast["outsider"].email = "outsider@example.org"
    cast["outsider"].save()
    response = invite("Outsider@Example.org", role="viewer")
    assert response.status_code == 202 and response.json()["email"] == "Outsider@Example.org"
    assert mail.outbox[0].to == ["Outsider@Example.org"]
    assert not Membership.objects.filter(user=cast["outsider"], workspace=cast["workspace"]).exists(), \
        "nobody joins without consent"
    [shown] = api("outsider").get("/api/v1/invitations/").json()
    assert (shown["workspace"], shown["workspace_name"], shown["role"], shown["invited_by"]) == (
        "lab", "Lab", "viewer", "owner")
    assert shown["token"] == token_from_mail()
    assert api("member").get("/api/v1/invitations/").json() == [], "nobody else sees it"
    joined = accept(api("outsider"), shown["token"])
    assert joined.status_code == 200 and joined.json() == {"workspace": "lab", "username": "outsider",
                                                          "role": "viewer"}
    assert api("outsider").get("/api/v1/invitations/").json() == []


def test_signing_up_refuses_a_weak_password_a_taken_name_or_nothing_and_creates_nothing(invite, cast):
    invite()
    token = token_from_mail()
    weak = accept(APIClient(), token, username="newcomer", password="short")
    assert weak.status_code == 400 and "password" in weak.json()["errors"]
    taken = accept(APIClient(), token, username="Member", password="a-long-enough-password")
    assert taken.status_code == 400 and "is taken" in taken.json()["errors"]["username"][0]
    empty = accept(APIClient(), token)
    assert empty.status_code == 400 and "Sign in to accept" in empty.json()["detail"]
    assert not User.objects.filter(username="newcomer").exists()
    assert Invitation.objects.get().accepted_at is None, "still usable"


def test_an_unknown_or_expired_invitation_is_refused(invite, api, cast):
    assert accept(api("outsider"), "no-such-token").status_code == 400
    invite()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = accept(APIClient(), token_from_mail(), username="late", password="a-long-enough-password")
    assert expired.status_code == 400 and "expired" in expired.json()["detail"]
    assert not User.objects.filter(username="late").exists()


def test_only_managers_invite_and_only_owners_invite_owners(invite, api, cast):
    assert invite(by="member").status_code == 403
    assert invite(by="viewer").status_code == 403
    assert invite(by="outsider").status_code == 404
    assert APIClient().post("/api/v1/workspaces/lab/members/", {"email": "x@example.org", "role": "member"},
                            format="json").status_code == 401
    assert mail.outbox == []
    both = api("owner").post("/api/v1/workspaces/lab/members/", {"email": "x@example.org", "username": "member",
                                                                 "role": "member"}, format="json")
    assert both.status_code == 400


def test_invitation_emails_are_rate_limited_per_inviter_with_when_to_retry(invite, settings):
    settings.INVITATIONS_PER_USER_PER_HOUR = 3
    for n in range(3):
        assert invite(f"person{n}@example.org").status_code == 202
    refused = invite("person9@example.org")
    assert refused.status_code == 429
    assert "3 invitations in the last hour" in refused.json()["detail"] and "Try again in 60 minutes" in refused.json()[
        "detail"]
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert len(mail.outbox) == 3 and not Invitation.objects.filter(email="person9@example.org").exists()


def test_one_address_cannot_be_flooded_with_invitations_from_many_workspaces(invite, api, settings):
    settings.INVITATIONS_PER_ADDRESS_PER_DAY = 2
    assert invite("target@example.org").status_code == 202
    assert invite("target@example.org").status_code == 202
    elsewhere = api("outsider").post("/api/v1/workspaces/elsewhere/members/",
                                     {"email": "TARGET@example.org", "role": "viewer"}, format="json")
    assert elsewhere.status_code == 429
    assert "target@example.org was already invited 2 times in the last day" in elsewhere.json()["detail"].lower()
    assert len(mail.outbox) == 2
