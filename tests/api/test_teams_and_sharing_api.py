"""Members and roles, the audit log, comparison, multi-run series and read-only share links."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.test_runs_api import launch
from webapp.accounts.models import Membership, Role
from webapp.runs.models import Run
from webapp.runs.services.metrics import metrics_ingest


def test_an_owner_changes_a_role_and_an_admin_cannot_touch_owners(api, cast):
    owner = api("owner")
    response = owner.patch("/api/v1/workspaces/lab/members/member/", {"role": "admin"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "admin"
    admin = api("member")  # now an admin
    assert admin.patch("/api/v1/workspaces/lab/members/owner/", {"role": "viewer"}, format="json").status_code == 403
    assert admin.patch("/api/v1/workspaces/lab/members/viewer/", {"role": "owner"}, format="json").status_code == 403
    assert admin.patch("/api/v1/workspaces/lab/members/viewer/", {"role": "member"}, format="json").status_code == 200
    assert api("viewer").delete("/api/v1/workspaces/lab/members/member/").status_code == 403


def test_the_last_owner_can_neither_leave_nor_be_demoted(api, cast):
    owner = api("owner")
    assert owner.patch("/api/v1/workspaces/lab/members/owner/", {"role": "admin"}, format="json").status_code == 409
    response = owner.delete("/api/v1/workspaces/lab/members/owner/")
    assert response.status_code == 409 and "last owner" in response.json()["detail"]
    owner.patch("/api/v1/workspaces/lab/members/member/", {"role": "owner"}, format="json")
    assert owner.delete("/api/v1/workspaces/lab/members/owner/").status_code == 204
    assert not Membership.objects.filter(user=cast["owner"], workspace=cast["workspace"]).exists()


def test_a_member_may_leave_and_outsiders_get_404(api, cast):
    assert api("outsider").delete("/api/v1/workspaces/lab/members/viewer/").status_code == 404
    assert api("viewer").delete("/api/v1/workspaces/lab/members/viewer/").status_code == 204
    assert api("owner").delete("/api/v1/workspaces/lab/members/nobody/").status_code == 404


def test_the_audit_log_records_who_did_what(api, registry_objects):
    member = api("member")
    run_id = launch(member, registry_objects).json()["id"]
    member.post(f"/api/v1/runs/{run_id}/cancel/")
    api("owner").patch("/api/v1/workspaces/lab/members/viewer/", {"role": "member"}, format="json")
    events = api("viewer").get("/api/v1/workspaces/lab/audit/").json()["results"]
    assert [(e["actor"], e["action"]) for e in events][:3] == [
        ("owner", "member.role"), ("member", "run.cancel"), ("member", "run.create")]
    assert events[0]["detail"] == {"username": "viewer", "old": "viewer", "new": "member"}
    assert api("outsider").get("/api/v1/workspaces/lab/audit/").status_code == 404


@pytest.fixture
def two_runs(api, registry_objects):
    client = api("member")
    first = launch(client, registry_objects).json()["id"]
    second = client.post(f"/api/v1/runs/{first}/clone/", {"config": {"temperature": 4.0}}, format="json").json()["id"]
    for run_id, loss in ((first, 2.0), (second, 1.0)):
        metrics_ingest(run=Run.objects.get(pk=run_id), points=[("eval/loss", s, loss + s, float(s)) for s in range(3)])
    return first, second


def test_compare_shows_summaries_and_only_the_config_paths_that_differ(api, two_runs):
    first, second = two_runs
    body = api("viewer").get(f"/api/v1/compare/?runs={first},{second}").json()
    assert [r["id"] for r in body["runs"]] == [first, second]
    assert body["config"]["differing"] == ["temperature"]
    default = body["runs"][0]["config"]["temperature"]
    assert default != 4.0 and body["config"]["values"]["temperature"] == {str(first): default, str(second): 4.0}
    assert body["runs"][1]["summaries"]["eval/loss"]["min"] == 1.0


def test_series_of_several_runs_come_in_one_request(api, two_runs):
    first, second = two_runs
    series = api("viewer").get(f"/api/v1/series/?runs={first},{second}&names=eval/loss").json()["series"]
    assert [(s["run"], s["values"]) for s in series] == [(first, [2.0, 3.0, 4.0]), (second, [1.0, 2.0, 3.0])]


def test_comparing_a_run_i_cannot_see_is_404_and_bad_ids_are_400(api, two_runs):
    first, second = two_runs
    missing = api("outsider").get(f"/api/v1/compare/?runs={first},{second}")
    assert missing.status_code == 404 and missing.json()["errors"]["runs"] == [str(first), str(second)]
    assert api("viewer").get("/api/v1/compare/?runs=a,b").status_code == 400
    assert api("viewer").get("/api/v1/compare/").status_code == 400


def test_a_share_link_shows_runs_signed_out_until_it_is_revoked(api, two_runs):
    first, second = two_runs
    member = api("member")
    assert api("viewer").post("/api/v1/share-links/", {"workspace": "lab", "runs": [first]},
                              format="json").status_code == 403
    created = member.post("/api/v1/share-links/", {"workspace": "lab", "runs": [first, second], "title": "kd vs kd"},
                          format="json")
    assert created.status_code == 201
    link = created.json()
    assert len(link["token"]) >= 40 and link["url"] == f"/shared/{link['token']}"

    anonymous = APIClient()
    shared = anonymous.get(f"/api/v1/shared/{link['token']}/")
    assert shared.status_code == 200
    assert shared.json()["title"] == "kd vs kd" and shared.json()["config"]["differing"] == ["temperature"]
    series = anonymous.get(f"/api/v1/shared/{link['token']}/series/?names=eval/loss").json()["series"]
    assert len(series) == 2
    # The link opens exactly its runs, nothing else.
    assert anonymous.get(f"/api/v1/runs/{first}/").status_code == 401
    assert anonymous.get("/api/v1/shared/not-a-token/").status_code == 404

    listed = api("viewer").get("/api/v1/share-links/?workspace=lab")
    assert listed.status_code == 200
    assert [(entry["id"], entry["title"], entry["runs"], entry["created_by"]) for entry in listed.json()] == [
        (link["id"], "kd vs kd", sorted([first, second]), "member")]
    assert api("outsider").get("/api/v1/share-links/").json() == []

    assert api("outsider").delete(f"/api/v1/share-links/{link['id']}/").status_code == 404
    assert member.delete(f"/api/v1/share-links/{link['id']}/").status_code == 204
    assert anonymous.get(f"/api/v1/shared/{link['token']}/").status_code == 404
    assert member.get("/api/v1/share-links/?workspace=lab").json() == []  # a revoked link leaves the list
    actions = [e["action"] for e in member.get("/api/v1/workspaces/lab/audit/").json()["results"]]
    assert actions[:2] == ["share.revoke", "share.create"]


def test_a_share_link_cannot_include_another_workspaces_run(api, registry_objects, cast):
    run_id = launch(api("member"), registry_objects).json()["id"]
    Membership.objects.create(user=cast["member"], workspace_id=cast["outsider"].memberships.get().workspace_id,
                              role=Role.MEMBER)
    response = api("member").post("/api/v1/share-links/", {"workspace": "elsewhere", "runs": [run_id]}, format="json")
    assert response.status_code == 400 and "runs" in response.json()["errors"]


def test_a_share_link_names_the_models_and_datasets_its_config_diff_gives_by_id(api, two_runs, registry_objects):
    member = api("member")
    link = member.post("/api/v1/share-links/", {"workspace": "lab", "runs": list(two_runs)}, format="json").json()
    shared = APIClient().get(f"/api/v1/shared/{link['token']}/").json()
    objs = registry_objects
    assert shared["config"]["values"]["teacher"] == {str(run): objs["teacher"].id for run in two_runs}
    assert shared["inputs"] == {
        "models": {str(objs["student"].id): "student", str(objs["teacher"].id): "teacher"},
        "datasets": {str(objs["train"].id): "train", str(objs["validation"].id): "val"},
    }
