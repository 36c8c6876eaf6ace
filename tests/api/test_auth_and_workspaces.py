"""Signing in, API tokens and workspace membership, with the 400/401/403/404 cases."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from webapp.accounts.models import ApiToken


def csrf_token(client: APIClient) -> str:
    """The csrftoken cookie a signed-out browser gets (from GET /auth/me/, as the SPA asks first)."""
    client.get("/api/v1/auth/me/")
    return client.cookies["csrftoken"].value


def test_a_session_login_sets_the_session_and_me_answers(cast):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/login/", {"username": "member", "password": "member-password"}, format="json",
                           HTTP_X_CSRFTOKEN=csrf_token(client))
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me/").json()["username"] == "member"


def test_logout_ends_the_session(cast):
    client = APIClient(enforce_csrf_checks=True)
    client.post("/api/v1/auth/login/", {"username": "member", "password": "member-password"}, format="json",
                HTTP_X_CSRFTOKEN=csrf_token(client))
    csrf = client.get("/api/v1/auth/me/").cookies["csrftoken"].value
    response = client.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_a_wrong_password_is_refused_with_a_message(cast):
    response = APIClient().post("/api/v1/auth/login/", {"username": "member", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "Wrong username or password" in response.json()["detail"]


def test_anonymous_requests_get_401_with_how_to_authenticate(db):
    response = APIClient().get("/api/v1/runs/")
    assert response.status_code == 401
    assert "Authorization: Token" in response.json()["detail"]


def test_a_wrong_token_gets_401_naming_the_problem(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token dst_not-a-real-token")
    response = client.get("/api/v1/runs/")
    assert response.status_code == 401
    assert "Invalid or revoked API token" in response.json()["detail"]


def test_a_token_is_shown_once_stored_hashed_and_stops_working_when_revoked(api, cast):
    client = api("member")
    created = client.post("/api/v1/tokens/", {"name": "ci"}, format="json").json()
    plain = created["token"]
    stored = ApiToken.objects.get(pk=created["id"])
    assert plain not in stored.token_hash and len(stored.token_hash) == 64
    assert "token" not in client.get("/api/v1/tokens/").json()[0]

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {plain}")
    assert other.get("/api/v1/workspaces/").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert client.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204
    assert other.get("/api/v1/workspaces/").status_code == 401


def test_workspaces_list_only_mine_with_my_role(api):
    body = api("viewer").get("/api/v1/workspaces/").json()
    assert [(w["slug"], w["role"]) for w in body] == [("lab", "viewer")]


def test_a_workspace_shows_its_members_with_roles_and_my_own_role(api):
    response = api("viewer").get("/api/v1/workspaces/lab/")
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["name"], body["role"]) == ("lab", "Lab", "viewer")
    assert [(m["username"], m["role"]) for m in body["members"]] == [
        ("member", "member"), ("owner", "owner"), ("viewer", "viewer")]


def test_an_outsider_gets_404_for_a_workspace_it_does_not_belong_to(api):
    assert api("outsider").get("/api/v1/workspaces/lab/").status_code == 404


def test_creating_a_workspace_makes_me_its_owner_and_a_taken_slug_is_a_conflict(api):
    client = api("member")
    response = client.post("/api/v1/workspaces/", {"name": "New team", "slug": "new-team"}, format="json")
    assert response.status_code == 201 and response.json()["role"] == "owner"
    assert client.post("/api/v1/workspaces/", {"name": "Again", "slug": "new-team"}, format="json").status_code == 409


@pytest.mark.parametrize("actor,expected", [("owner", 202), ("member", 403), ("viewer", 403)])
def test_only_owners_and_admins_invite_members(api, cast, actor, expected):
    from webapp.accounts.models import User

    User.objects.create_user(username="newcomer", password="x" * 12)
    response = api(actor).post("/api/v1/workspaces/lab/members/", {"username": "newcomer", "role": "member"},
                               format="json")
    assert response.status_code == expected


def test_unknown_fields_are_rejected_not_dropped(api):
    response = api("member").post("/api/v1/workspaces/", {"name": "x", "colour": "red"}, format="json")
    assert response.status_code == 400
    assert "colour" in response.json()["errors"]


def test_an_expired_token_is_refused_with_its_expiry_date(api, cast):
    from datetime import timedelta

    from django.utils import timezone

    created = api("member").post("/api/v1/tokens/", {"name": "short", "expires_in_days": 1}, format="json").json()
    ApiToken.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created['token']}")
    response = client.get("/api/v1/workspaces/")
    assert response.status_code == 401 and "expired on" in response.json()["detail"]


def test_a_workspace_scoped_token_sees_only_its_workspaces_and_cannot_widen_itself(api, cast):
    from webapp.accounts.models import Membership, Role, Workspace

    Membership.objects.create(user=cast["member"], workspace=Workspace.objects.get(slug="elsewhere"), role=Role.MEMBER)
    session = api("member")
    created = session.post("/api/v1/tokens/", {"name": "ci", "workspaces": ["lab"]}, format="json").json()
    assert created["workspaces"] == ["lab"]
    scoped = APIClient()
    scoped.credentials(HTTP_AUTHORIZATION=f"Token {created['token']}")
    assert [w["slug"] for w in scoped.get("/api/v1/workspaces/").json()] == ["lab"]
    assert scoped.get("/api/v1/workspaces/elsewhere/").status_code == 404
    assert scoped.get("/api/v1/runs/?workspace=elsewhere").json()["count"] == 0
    minted = scoped.post("/api/v1/tokens/", {"name": "wider"}, format="json").json()
    assert minted["workspaces"] == ["lab"]
    assert scoped.post("/api/v1/tokens/", {"name": "x", "workspaces": ["elsewhere"]}, format="json").status_code == 404
    assert session.post("/api/v1/tokens/", {"name": "x", "expires_in_days": 0}, format="json").status_code == 400


def test_a_workspace_scoped_token_lists_and_revokes_only_itself_not_the_users_other_tokens(api, cast):
    session = api("member")  # an unscoped token of the same user
    created = session.post("/api/v1/tokens/", {"name": "ci", "workspaces": ["lab"]}, format="json").json()
    scoped = APIClient()
    scoped.credentials(HTTP_AUTHORIZATION=f"Token {created['token']}")
    assert [t["name"] for t in scoped.get("/api/v1/tokens/").json()] == ["ci"]
    others = [t["id"] for t in session.get("/api/v1/tokens/").json() if t["id"] != created["id"]]
    assert others, "the user has a token the scoped one must not see"
    for token_id in others:
        assert scoped.delete(f"/api/v1/tokens/{token_id}/").status_code == 404
    assert session.get("/api/v1/workspaces/").status_code == 200, "the unscoped token still works"
    assert scoped.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204, "a token may revoke itself"
    assert scoped.get("/api/v1/workspaces/").status_code == 401
