"""A model's and a dataset's runs: GET /models/{id}/runs/ and /datasets/{id}/runs/ list the runs that
used the object (student, teacher, reference; training, validation or replay data), newest first,
with the roles it played, the run's status and its key metric; a role filter; members only."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.test_runs_api import launch
from webapp.runs.models import Run, RunStatus
from webapp.runs.services.metrics import metrics_ingest


@pytest.fixture
def runs(api, registry_objects):
    """kd (student + teacher, train + validation), then baseline (the teacher as student, no
    validation data), then one that also has the student as its reference and replays `validation`."""
    member, objs = api("member"), registry_objects
    kd = Run.objects.get(pk=launch(member, objs, name="kd").json()["id"])
    baseline = Run.objects.get(pk=launch(member, objs, name="baseline", method="lm_train", student=objs["teacher"].id,
                                         teacher=None, validation_dataset=None,
                                         config={"training": {"max_steps": 20}}).json()["id"])
    aligned = Run.objects.get(pk=launch(member, objs, name="aligned").json()["id"])
    Run.objects.filter(pk=aligned.pk).update(reference=objs["student"], replay_dataset=objs["validation"])
    Run.objects.filter(pk=kd.pk).update(status=RunStatus.SUCCEEDED)
    metrics_ingest(run=kd, points=[("eval/loss", 10, 3.5, 1.0), ("eval/loss", 20, 2.25, 2.0),
                                   ("train/loss", 20, 2.0, 2.0)])
    metrics_ingest(run=baseline, points=[("train/loss", 5, 4.0, 1.0)])
    return {"kd": kd, "baseline": baseline, "aligned": aligned}


def listing(client, path: str, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_models_page_lists_the_runs_that_used_it_with_its_roles_status_and_key_metric(api, registry_objects, runs):
    body = listing(api("viewer"), f"/api/v1/models/{registry_objects['student'].id}/runs/")

    assert body["count"] == 2
    aligned, kd = body["results"]
    assert (aligned["name"], aligned["roles"], aligned["status"], aligned["key_metric"]) == (
        "aligned", ["student", "reference"], "queued", None)
    assert (kd["name"], kd["roles"], kd["status"], kd["method"]) == ("kd", ["student"], "succeeded", "kd_forward_kl")
    assert kd["key_metric"] == {"name": "eval/loss", "value": 2.25, "step": 20, "higher_is_better": False}


def test_the_teacher_is_listed_as_teacher_and_as_the_student_of_its_own_training(api, registry_objects, runs):
    body = listing(api("member"), f"/api/v1/models/{registry_objects['teacher'].id}/runs/")

    assert [(run["name"], run["roles"]) for run in body["results"]] == [
        ("aligned", ["teacher"]), ("baseline", ["student"]), ("kd", ["teacher"])]
    # Without validation data the run has no eval/loss: its training loss stands in.
    baseline = body["results"][1]
    assert baseline["key_metric"] == {"name": "train/loss", "value": 4.0, "step": 5, "higher_is_better": False}


def test_the_role_filter_keeps_the_runs_of_that_role(api, registry_objects, runs):
    client, teacher = api("member"), registry_objects["teacher"].id

    assert [r["name"] for r in listing(client, f"/api/v1/models/{teacher}/runs/", role="teacher")["results"]] == [
        "aligned", "kd"]
    assert [r["name"] for r in listing(client, f"/api/v1/models/{teacher}/runs/", role="student")["results"]] == [
        "baseline"]
    student = registry_objects["student"].id
    assert [r["name"] for r in listing(client, f"/api/v1/models/{student}/runs/", role="reference")["results"]] == [
        "aligned"]


def test_a_datasets_page_lists_runs_by_training_validation_and_replay(api, registry_objects, runs):
    client = api("viewer")
    train = listing(client, f"/api/v1/datasets/{registry_objects['train'].id}/runs/")
    validation = listing(client, f"/api/v1/datasets/{registry_objects['validation'].id}/runs/")

    assert [(r["name"], r["roles"]) for r in train["results"]] == [
        ("aligned", ["train"]), ("baseline", ["train"]), ("kd", ["train"])]
    assert [(r["name"], r["roles"]) for r in validation["results"]] == [
        ("aligned", ["validation", "replay"]), ("kd", ["validation"])]
    replay = listing(client, f"/api/v1/datasets/{registry_objects['validation'].id}/runs/", role="replay")
    assert [r["name"] for r in replay["results"]] == ["aligned"]


def test_the_key_metric_is_the_one_the_runs_early_stopping_watches(api, registry_objects, runs):
    kd = runs["kd"]
    kd.config["training"]["early_stopping_metric"] = "eval/top1_agreement"
    kd.save(update_fields=["config"])
    metrics_ingest(run=kd, points=[("eval/top1_agreement", 20, 0.5, 3.0)])

    body = listing(api("member"), f"/api/v1/models/{registry_objects['student'].id}/runs/", role="student")
    assert body["results"][1]["key_metric"] == {"name": "eval/top1_agreement", "value": 0.5, "step": 20,
                                                "higher_is_better": True}


def test_the_list_is_paginated(api, registry_objects, runs):
    client = api("member")
    first = listing(client, f"/api/v1/datasets/{registry_objects['train'].id}/runs/", page_size=2)
    second = client.get(first["next"]).json()

    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert [r["name"] for r in first["results"] + second["results"]] == ["aligned", "baseline", "kd"]


def test_a_page_of_runs_costs_the_same_queries_however_many_runs_it_holds(api, registry_objects, runs):
    client, path = api("member"), f"/api/v1/datasets/{registry_objects['train'].id}/runs/"
    client.get(path)  # the token's first use is recorded once: not part of what a page costs
    with CaptureQueriesContext(connection) as one:
        client.get(path, {"page_size": 1})
    with CaptureQueriesContext(connection) as three:
        client.get(path, {"page_size": 3})
    assert len(three) == len(one)


def test_an_unknown_role_is_a_400_that_names_the_roles(api, registry_objects, runs):
    response = api("member").get(f"/api/v1/models/{registry_objects['student'].id}/runs/", {"role": "train"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"role": [
        "Unknown role 'train': use one of student, teacher, reference, or leave role out for every role."]}
    response = api("member").get(f"/api/v1/datasets/{registry_objects['train'].id}/runs/", {"role": "student"})
    assert response.status_code == 400 and "use one of train, validation, replay" in response.json()["detail"]


def test_an_outsider_gets_404_and_an_anonymous_caller_401(api, registry_objects, runs):
    from rest_framework.test import APIClient

    for path in (f"/api/v1/models/{registry_objects['student'].id}/runs/",
                 f"/api/v1/datasets/{registry_objects['train'].id}/runs/"):
        assert api("outsider").get(path).status_code == 404
        assert api("outsider").get(path, {"role": "bogus"}).status_code == 404
        assert APIClient().get(path).status_code == 401


def test_an_unused_model_has_no_runs(api, registry_objects):
    assert listing(api("owner"), f"/api/v1/models/{registry_objects['student'].id}/runs/") == {
        "count": 0, "next": None, "previous": None, "results": []}
