"""Run templates through the API: save a run's settings under a name, list, launch, delete."""
from __future__ import annotations

from rest_framework.test import APIClient

from webapp.runs.models import Run, RunTemplate


def template_body(objs, **overrides):
    body = {"workspace": "lab", "name": "distil at T=2", "description": "Our usual distillation.",
            "method": "kd_forward_kl", "config": {"temperature": 2.0, "training": {"max_steps": 10}},
            "student": objs["student"].id, "teacher": objs["teacher"].id, "train_dataset": objs["train"].id,
            "validation_dataset": objs["validation"].id, "seed": 3}
    body.update(overrides)
    return body


def test_a_member_saves_a_template_that_keeps_names_and_launches_like_the_run(api, registry_objects):
    client = api("member")
    response = client.post("/api/v1/templates/", template_body(registry_objects), format="json")
    assert response.status_code == 201, response.json()
    saved = response.json()
    assert (saved["student"], saved["teacher"], saved["train_dataset"], saved["seed"]) == (
        "student", "teacher", "train", 3)
    assert saved["config"]["temperature"] == 2.0 and saved["config"]["training"]["max_steps"] == 10
    assert [t["name"] for t in client.get("/api/v1/templates/?workspace=lab").json()] == ["distil at T=2"]

    run = client.post(f"/api/v1/templates/{saved['id']}/launch/").json()
    launched = Run.objects.get(pk=run["id"])
    assert (launched.method, launched.teacher.name, launched.seed) == ("kd_forward_kl", "teacher", 3)


def test_a_template_is_checked_like_a_run(api, registry_objects):
    client = api("member")
    bad_config = client.post("/api/v1/templates/", template_body(registry_objects, config={"alpha": 3}), format="json")
    assert bad_config.status_code == 400 and "config.alpha" in bad_config.json()["errors"]
    no_teacher = client.post("/api/v1/templates/", template_body(registry_objects, teacher=None), format="json")
    assert no_teacher.status_code == 400 and "teacher" in no_teacher.json()["errors"]
    client.post("/api/v1/templates/", template_body(registry_objects), format="json")
    again = client.post("/api/v1/templates/", template_body(registry_objects), format="json")
    assert again.status_code == 400 and "already has a template" in again.json()["errors"]["name"][0]
    unknown = client.post("/api/v1/templates/", {**template_body(registry_objects), "colour": "red"}, format="json")
    assert unknown.status_code == 400
    assert RunTemplate.objects.count() == 1


def test_who_may_save_and_delete_templates(api, registry_objects):
    body = template_body(registry_objects)
    assert APIClient().post("/api/v1/templates/", body, format="json").status_code == 401
    assert api("viewer").post("/api/v1/templates/", body, format="json").status_code == 403
    assert api("outsider").post("/api/v1/templates/", body, format="json").status_code == 404
    template_id = api("member").post("/api/v1/templates/", body, format="json").json()["id"]

    assert api("outsider").delete(f"/api/v1/templates/{template_id}/").status_code == 404
    assert api("viewer").delete(f"/api/v1/templates/{template_id}/").status_code == 403
    assert api("member").delete(f"/api/v1/templates/{template_id}/").status_code == 204
    assert api("member").delete(f"/api/v1/templates/{template_id}/").status_code == 404
