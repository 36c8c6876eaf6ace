"""Sweeps: grid and random expansion, all-or-nothing validation, ranking by a metric."""
from __future__ import annotations

from webapp.runs.models import Run, Sweep
from webapp.runs.services.metrics import metrics_ingest


def sweep_body(objs, **overrides):
    body = {"workspace": "lab", "name": "lr-sweep", "method": "kd_forward_kl", "student": objs["student"].id,
            "teacher": objs["teacher"].id, "train_dataset": objs["train"].id,
            "config": {"alpha": 0.5, "training": {"max_steps": 20}}, "strategy": "grid",
            "parameters": {"config.training.learning_rate": [0.001, 0.003], "config.temperature": [1.0, 2.0, 4.0]}}
    body.update(overrides)
    return body


def test_a_grid_sweep_creates_one_queued_run_per_combination(api, registry_objects, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api("member").post("/api/v1/sweeps/", sweep_body(registry_objects), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    combos = {(r["config"]["training"]["learning_rate"], r["config"]["temperature"]) for r in body["runs"]}
    assert combos == {(lr, t) for lr in (0.001, 0.003) for t in (1.0, 2.0, 4.0)}
    assert all(r["config"]["alpha"] == 0.5 and r["sweep"] == body["id"] for r in body["runs"])
    assert len(callbacks) == 6 and body["best"] is None
    assert "learning_rate=0.001" in body["runs"][0]["name"]


def test_a_random_sweep_is_reproducible_from_its_seed_and_respects_bounds(api, registry_objects):
    body = sweep_body(registry_objects, strategy="random", count=5, seed=3,
                      parameters={"config.training.learning_rate": {"min": 1e-4, "max": 1e-2, "log": True},
                                  "config.alpha": {"min": 0.0, "max": 1.0}})
    first = api("member").post("/api/v1/sweeps/", body, format="json").json()
    second = api("member").post("/api/v1/sweeps/", body, format="json").json()
    values = [(r["config"]["training"]["learning_rate"], r["config"]["alpha"]) for r in first["runs"]]
    assert values == [(r["config"]["training"]["learning_rate"], r["config"]["alpha"]) for r in second["runs"]]
    assert all(1e-4 <= lr <= 1e-2 and 0 <= alpha <= 1 for lr, alpha in values) and len(set(values)) == 5


def test_one_invalid_combination_creates_nothing(api, registry_objects, django_capture_on_commit_callbacks):
    body = sweep_body(registry_objects, parameters={"config.alpha": [0.5, 2.0]})
    with django_capture_on_commit_callbacks() as callbacks:
        response = api("member").post("/api/v1/sweeps/", body, format="json")
    assert response.status_code == 400
    assert "Sweep run 2 (alpha=2)" in response.json()["detail"] and "config.alpha" in response.json()["errors"]
    assert callbacks == [] and Run.objects.count() == 0 and Sweep.objects.count() == 0


def test_unsweepable_paths_and_oversized_grids_are_refused(api, registry_objects):
    client = api("member")
    bad_path = client.post("/api/v1/sweeps/", sweep_body(registry_objects, parameters={"student": [1, 2]}),
                           format="json")
    assert bad_path.status_code == 400 and "cannot be swept" in bad_path.json()["detail"]
    big = {"config.training.learning_rate": list(range(1, 12)), "config.temperature": list(range(1, 11))}
    too_big = client.post("/api/v1/sweeps/", sweep_body(registry_objects, parameters=big), format="json")
    assert too_big.status_code == 400 and "110 runs" in too_big.json()["detail"]
    assert api("viewer").post("/api/v1/sweeps/", sweep_body(registry_objects), format="json").status_code == 403


def test_the_sweep_names_its_best_run_by_the_chosen_metric(api, registry_objects):
    body = api("member").post("/api/v1/sweeps/", sweep_body(registry_objects), format="json").json()
    for run, loss in zip(body["runs"], (3.0, 1.5, 2.0, 0.5, 4.0, 2.5)):
        metrics_ingest(run=Run.objects.get(pk=run["id"]),
                       points=[("eval/loss", 1, loss + 1, 1.0), ("eval/loss", 2, loss, 2.0)])
    detail = api("viewer").get(f"/api/v1/sweeps/{body['id']}/").json()
    assert detail["best"] == {"run": body["runs"][3]["id"], "value": 0.5}
    listed = api("viewer").get(f"/api/v1/runs/?workspace=lab&sweep={body['id']}").json()
    assert listed["count"] == 6
    assert api("outsider").get(f"/api/v1/sweeps/{body['id']}/").status_code == 404


def test_the_sweeps_list_shows_a_workspaces_sweeps_to_its_members_only(api, registry_objects):
    created = api("member").post("/api/v1/sweeps/", sweep_body(registry_objects), format="json").json()
    listed = api("viewer").get("/api/v1/sweeps/?workspace=lab")
    assert listed.status_code == 200
    assert [(s["id"], s["name"], s["strategy"], s["creator"], s["workspace"]) for s in listed.json()] == [
        (created["id"], "lr-sweep", "grid", "member", "lab")]
    assert api("viewer").get("/api/v1/sweeps/").json() == listed.json()  # every workspace of mine
    assert api("outsider").get("/api/v1/sweeps/").json() == []
    assert api("outsider").get("/api/v1/sweeps/?workspace=lab").json() == []
