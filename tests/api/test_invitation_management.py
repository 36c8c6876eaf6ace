"""Invitations from both sides: an account invited by username accepts or declines in the UI; the
workspace's owners and admins list the open invitations, send one again and revoke one; and who
may do each."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from webapp.accounts.models import AuditEvent, Invitation, Membership, User


@pytest.fixture
def invite(api, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL = "https://distillery.example.org"

    def send(by="owner", **body):
        return api(by).post("/api/v1/workspaces/lab/members/", {"role": "member", **body}, format="json")

    return send


def link_tokens() -> list[str]:
    return [re.search(r"https://distillery\.example\.org/invitations/(\S+?)\s", m.body).group(1) for m in mail.outbox]


def pending(client, slug="lab"):
    return client.get(f"/api/v1/workspaces/{slug}/invitations/")


def test_an_account_invited_by_username_sees_the_invitation_and_joins_by_accepting_it(invite, api, cast):
    response = invite(username="outsider", role="admin")
    assert response.status_code == 202, response.json()
    assert response.json()["username"] == "outsider" and response.json()["role"] == "admin"
    assert mail.outbox == [], "an account without an address hears of it in the UI"
    assert not Membership.objects.filter(user=cast["outsider"], workspace=cast["workspace"]).exists()
    [shown] = api("outsider").get("/api/v1/invitations/").json()
    refused = api("member").post(f"/api/v1/invitations/{shown['token']}/accept/", format="json")
    assert refused.status_code == 403 and "for the account 'outsider'" in refused.json()["detail"]
    joined = api("outsider").post(f"/api/v1/invitations/{shown['token']}/accept/", format="json")
    assert joined.status_code == 200 and joined.json()["role"] == "admin"
    assert Membership.objects.get(user=cast["outsider"], workspace=cast["workspace"]).role == "admin"
    assert pending(api("owner")).json() == []


def test_an_account_with_an_address_also_gets_the_mail_which_asks_it_to_sign_in(invite, cast):
    User.objects.filter(pk=cast["outsider"].pk).update(email="outsider@example.org")
    assert invite(username="outsider").status_code == 202
    assert mail.outbox[0].to == ["outsider@example.org"] and "Sign in as outsider" in mail.outbox[0].body
    signing_up = APIClient().post(f"/api/v1/invitations/{link_tokens()[0]}/accept/",
                                  {"username": "someone", "password": "a-long-enough-password"}, format="json")
    assert signing_up.status_code == 400 and "sign in with it" in signing_up.json()["detail"]
    assert not User.objects.filter(username="someone").exists()


def test_declining_closes_the_invitation_without_joining(invite, api, cast):
    invite(username="outsider")
    [shown] = api("outsider").get("/api/v1/invitations/").json()
    assert api("member").post(f"/api/v1/invitations/{shown['token']}/decline/").status_code == 403
    assert api("outsider").post(f"/api/v1/invitations/{shown['token']}/decline/").status_code == 204
    assert api("outsider").get("/api/v1/invitations/").json() == [] and pending(api("owner")).json() == []
    assert not Membership.objects.filter(user=cast["outsider"], workspace=cast["workspace"]).exists()
    assert api("outsider").post(f"/api/v1/invitations/{shown['token']}/accept/").status_code == 400
    assert AuditEvent.objects.filter(action="member.decline", actor=cast["outsider"]).exists()


def test_inviting_a_member_or_nobody_is_refused_saying_why(invite):
    taken = invite(username="viewer")
    assert taken.status_code == 409 and "viewer is already a member of 'lab'" in taken.json()["detail"]
    unknown = invite(username="nobody")
    assert unknown.status_code == 400
    assert "invite them by e-mail address instead" in unknown.json()["errors"]["username"][0]
    assert invite(by="owner", email="x@example.org", username="outsider").status_code == 400
    assert not Invitation.objects.exists()


def test_managers_list_the_open_invitations_newest_first(invite, api):
    invite(email="first@example.org", role="viewer")
    invite(username="outsider")
    rows = pending(api("owner")).json()
    assert [(r["email"], r["username"], r["role"], r["invited_by"], r["expired"]) for r in rows] == [
        ("", "outsider", "member", "owner", False), ("first@example.org", None, "viewer", "owner", False)]
    invite(email="FIRST@example.org", role="admin")  # a newer invitation to the same address replaces the older
    assert [(r["email"], r["role"]) for r in pending(api("owner")).json()][0] == ("FIRST@example.org", "admin")
    assert len(pending(api("owner")).json()) == 2


def test_resending_sends_a_new_link_and_the_old_one_stops_working(invite, api, cast):
    invite(email="newcomer@example.org", role="viewer")
    [row] = pending(api("owner")).json()
    resent = api("owner").post(f"/api/v1/workspaces/lab/invitations/{row['id']}/resend/")
    assert resent.status_code == 202 and resent.json()["id"] != row["id"] and resent.json()["role"] == "viewer"
    old, new = link_tokens()
    assert old != new
    assert APIClient().post(f"/api/v1/invitations/{old}/accept/", {"username": "newcomer", "password":
                            "a-long-enough-password"}, format="json").status_code == 400
    assert [r["id"] for r in pending(api("owner")).json()] == [resent.json()["id"]]
    joined = APIClient().post(f"/api/v1/invitations/{new}/accept/", {"username": "newcomer", "password":
                              "a-long-enough-password"}, format="json")
    assert joined.status_code == 201 and joined.json()["role"] == "viewer"


def test_resending_counts_against_the_rate_limit(invite, api, settings):
    settings.INVITATIONS_PER_ADDRESS_PER_DAY = 2
    invite(email="newcomer@example.org")
    [row] = pending(api("owner")).json()
    assert api("owner").post(f"/api/v1/workspaces/lab/invitations/{row['id']}/resend/").status_code == 202
    [row] = pending(api("owner")).json()
    assert api("owner").post(f"/api/v1/workspaces/lab/invitations/{row['id']}/resend/").status_code == 429
    assert len(mail.outbox) == 2


def test_revoking_closes_the_link(invite, api):
    invite(email="newcomer@example.org")
    [row] = pending(api("owner")).json()
    assert api("owner").delete(f"/api/v1/workspaces/lab/invitations/{row['id']}/").status_code == 204
    assert pending(api("owner")).json() == []
    refused = APIClient().post(f"/api/v1/invitations/{link_tokens()[0]}/accept/",
                               {"username": "newcomer", "password": "a-long-enough-password"}, format="json")
    assert refused.status_code == 400 and "revoked" in refused.json()["detail"]
    assert api("owner").delete(f"/api/v1/workspaces/lab/invitations/{row['id']}/").status_code == 404
    assert AuditEvent.objects.filter(action="member.invite_revoke").count() == 1


@pytest.mark.parametrize("who,status", [("member", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_and_admins_see_resend_or_revoke_invitations(invite, api, who, status):
    invite(email="newcomer@example.org")
    invitation = Invitation.objects.get()
    client = api(who)
    assert pending(client).status_code == status
    assert client.post(f"/api/v1/workspaces/lab/invitations/{invitation.id}/resend/").status_code == status
    assert client.delete(f"/api/v1/workspaces/lab/invitations/{invitation.id}/").status_code == status
    assert Invitation.objects.get().revoked_at is None and len(mail.outbox) == 1


def test_signed_out_callers_are_refused(invite):
    invite(email="newcomer@example.org")
    invitation = Invitation.objects.get()
    anonymous = APIClient()
    assert pending(anonymous).status_code == 401
    assert anonymous.get("/api/v1/invitations/").status_code == 401
    assert anonymous.post(f"/api/v1/invitations/{invitation.token}/decline/").status_code == 401
    assert anonymous.delete(f"/api/v1/workspaces/lab/invitations/{invitation.id}/").status_code == 401


def test_an_admin_may_manage_invitations_but_not_invite_an_owner(invite, api, cast):
    Membership.objects.filter(user=cast["member"]).update(role="admin")
    assert invite(by="member", email="boss@example.org", role="owner").status_code == 403
    assert invite(by="member", email="helper@example.org").status_code == 202
    assert len(pending(api("member")).json()) == 1


def test_the_open_invitations_are_listed_in_a_fixed_number_of_queries(invite, api, django_assert_max_num_queries):
    for n in range(5):
        invite(email=f"person{n}@example.org")
    invite(username="outsider")
    client = api("owner")
    with django_assert_max_num_queries(8):
        assert len(pending(client).json()) == 6
