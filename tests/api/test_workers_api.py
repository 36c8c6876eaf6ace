"""GET /api/v1/workers/: workers up and seen recently by default, every known row with ?all=1."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from webapp.runs.models import Worker


def add_worker(hostname: str, *, seen_ago: timedelta, stopped_ago: timedelta | None = None, **fields) -> Worker:
    now = timezone.now()
    return Worker.objects.create(hostname=hostname, last_heartbeat=now - seen_ago,
                                 stopped_at=None if stopped_ago is None else now - stopped_ago, **fields)


@pytest.fixture
def fleet(db):
    add_worker("up", seen_ago=timedelta(seconds=5))
    add_worker("up-a-while-ago", seen_ago=timedelta(hours=23))
    add_worker("stopped", seen_ago=timedelta(hours=1), stopped_ago=timedelta(hours=1))
    add_worker("silent", seen_ago=timedelta(hours=25))


def hostnames(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["hostname"] for row in response.json()]


def test_the_list_shows_workers_up_and_seen_in_the_last_day_by_default(api, fleet):
    assert hostnames(api("viewer").get("/api/v1/workers/")) == ["up", "up-a-while-ago"]


def test_the_recent_window_is_the_operators_setting(api, fleet, settings):
    settings.WORKERS_RECENT_HOURS = 1
    assert hostnames(api("viewer").get("/api/v1/workers/")) == ["up"]


@pytest.mark.parametrize("flag", ["1", "true"])
def test_all_lists_stopped_and_silent_workers_too(api, fleet, flag):
    rows = api("member").get(f"/api/v1/workers/?all={flag}")
    assert hostnames(rows) == ["silent", "stopped", "up", "up-a-while-ago"]
    stale = {row["hostname"]: row["stale"] for row in rows.json()}
    assert stale == {"silent": True, "stopped": False, "up": False, "up-a-while-ago": True}
    assert hostnames(api("member").get("/api/v1/workers/?all=0")) == ["up", "up-a-while-ago"]


def test_a_flag_that_is_not_a_boolean_is_a_400(api, fleet):
    response = api("member").get("/api/v1/workers/?all=maybe")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["all"]


def test_signed_out_callers_get_401(fleet):
    assert APIClient().get("/api/v1/workers/").status_code == 401


def test_the_run_a_worker_holds_is_shown_only_to_members_of_its_workspace(api, registry_objects):
    from tests.api.test_runs_api import launch
    from webapp.runs.models import Run

    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    add_worker("busy", seen_ago=timedelta(seconds=1), current_run=run)
    assert api("viewer").get("/api/v1/workers/").json()[0]["current_run"] == run.id
    assert api("outsider").get("/api/v1/workers/").json()[0]["current_run"] is None


def test_a_worker_is_busy_from_the_moment_it_claims_a_run_and_busy_for_outsiders_too(api, registry_objects, tmp_path):
    """The worker's heartbeat records its run only on its next beat; the run's own row says at once
    which worker runs it. Outsiders do not learn the run's id, but do see that the worker is busy."""
    from tests.api.test_runs_api import launch
    from webapp.runs.models import Run
    from webapp.runs.services.reports import run_claim

    add_worker("claimer", seen_ago=timedelta(seconds=1))
    add_worker("idler", seen_ago=timedelta(seconds=1))
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="claimer", output_dir=str(tmp_path))
    rows = {row["hostname"]: row for row in api("viewer").get("/api/v1/workers/").json()}
    assert (rows["claimer"]["current_run"], rows["claimer"]["busy"]) == (run.id, True)
    assert (rows["idler"]["current_run"], rows["idler"]["busy"]) == (None, False)
    outside = {row["hostname"]: row for row in api("outsider").get("/api/v1/workers/").json()}
    assert (outside["claimer"]["current_run"], outside["claimer"]["busy"]) == (None, True)

    Run.objects.filter(pk=run.pk).update(status="succeeded")
    rows = {row["hostname"]: row for row in api("viewer").get("/api/v1/workers/").json()}
    assert (rows["claimer"]["current_run"], rows["claimer"]["busy"]) == (None, False)
