"""A database blink on the team deployment (PostgreSQL): the network between a worker and the
database is cut in the middle of a run, by a TCP proxy the test puts between them
(tests/faults/proxy.py; the web server reaches PostgreSQL directly). Real web, worker and engine
processes; nothing is mocked.

What must hold, whatever the outage: every step the engine logged is stored exactly once, the run
succeeds, and never do two engines of the run train at the same time."""
from __future__ import annotations

import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.faults.engines import EngineCensus
from tests.faults.proxy import TcpProxy
from tests.integration.stack import TINY_TRAINING, Stack, register_kit

pytestmark = [
    pytest.mark.integration, pytest.mark.reliability,
    pytest.mark.skipif(os.environ.get("DISTILLERY_TEAM_SERVICES") != "1",
                       reason="needs PostgreSQL and Redis (make test uses them when they answer)"),
]

OUTAGE_S = 20
# Long enough that the engine is still training when the database comes back (the engine of the
# first test pauses soon after the cut, and trains on after it), short for a loaded 2-core machine.
STEPS = 400
TRAINING = {**TINY_TRAINING, "max_steps": STEPS, "log_every": 1, "checkpoint_every": 50, "eval_every": 200}
# One thread per engine: the machine is shared, and the speed of a step is not what is tested.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def through(proxy: TcpProxy, database_url: str) -> str:
    """The database URL with the proxy's address in place of the server's."""
    parts = urlsplit(database_url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = (credentials + "@" if credentials else "") + f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="module")
def blink(tmp_path_factory):
    """A team stack whose worker ("worker", it-team-worker@...) reaches PostgreSQL only through a proxy."""
    stack = Stack("team", tmp_path_factory.mktemp("blink"), extra_env=WORKER_ENV)
    proxy = None
    try:
        stack.start(workers=0)
        server = urlsplit(stack.env["DATABASE_URL"])
        proxy = TcpProxy(server.hostname or "127.0.0.1", server.port or 5432)
        stack.start_worker(env={"DATABASE_URL": through(proxy, stack.env["DATABASE_URL"])})
        yield stack, proxy, register_kit(stack)
    finally:
        stack.stop()
        if proxy is not None:
            proxy.close()


def launch(stack: Stack, kit: dict) -> dict:
    return stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": f"blink-{time.time()}", "method": "lm_train", "student": kit["student-init"],
        "train_dataset": kit["train"], "validation_dataset": kit["validation"], "config": {"training": TRAINING}})


def run_of(stack: Stack, run_id: int) -> dict:
    return stack.ok("GET", f"/api/v1/runs/{run_id}/")


def stored_steps(stack: Stack, run_id: int) -> list[int]:
    series = stack.ok("GET", f"/api/v1/runs/{run_id}/metrics/?names=train/loss&max_points=100000")["series"]
    return series[0]["steps"] if series else []


def assert_every_step_once(stack: Stack, run_id: int) -> None:
    steps = stored_steps(stack, run_id)
    missing = sorted(set(range(1, STEPS + 1)) - set(steps))
    assert not missing, f"{len(missing)} logged steps never stored, e.g. {missing[:20]}"
    assert steps == list(range(1, STEPS + 1)), "a step stored twice or out of order"


def test_a_database_blink_mid_run_loses_no_step_and_the_run_rides_it_out_on_one_engine(blink):
    """Cuts the only worker's connections to PostgreSQL for 20 s mid-run (and refuses new ones): the
    worker must keep the rows and write them once the database answers, the run must succeed on its
    first attempt with every logged step stored once, and no second engine may start."""
    stack, proxy, kit = blink
    run = launch(stack, kit)
    with EngineCensus(run["id"], root=str(stack.workdir)) as census:
        stack.wait_until(lambda: run_of(stack, run["id"])["progress"]["step"] >= 60, 300, "the run to pass step 60")
        proxy.cut()
        time.sleep(OUTAGE_S)  # the fault's length, not a wait for something to happen
        proxy.restore()
        done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=600)
    assert done["status"] == "succeeded", done["error_message"]
    assert_every_step_once(stack, run["id"])
    assert census.most == 1, f"{census.most} engines of the run trained at once (pids seen: {census.seen})"
    assert done["attempt"] == 1, "the run was restarted although its worker lived through the outage"
    assert proxy.cuts == 1


def test_a_worker_cut_off_until_another_takes_its_run_stops_its_engine_and_writes_nothing_more(blink):
    """Cuts worker A's connections to PostgreSQL until worker B (connected directly) has taken A's
    run as lost, then lets A reach the database again: A's engine must be paused before B's starts
    and killed when A finds out (its writes are refused as stale), so that never two engines train;
    the run succeeds on B with every logged step stored once."""
    stack, proxy, kit = blink
    run = launch(stack, kit)
    with EngineCensus(run["id"], root=str(stack.workdir)) as census:
        # Worker A takes the run; B joins only then, so that the run is A's.
        stack.wait_until(lambda: run_of(stack, run["id"])["progress"]["step"] >= 60, 300,
                         "the run to pass step 60 on A")
        stack.start_worker("worker-b")
        proxy.cut()
        stack.wait_until(lambda: run_of(stack, run["id"])["attempt"] == 2, 300, "worker B to take the run")
        proxy.restore()
        done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=600)
    assert done["status"] == "succeeded", done["error_message"]
    assert done["attempt"] == 2 and done["worker"].startswith("it-team-worker-b"), done["worker"]
    assert_every_step_once(stack, run["id"])
    assert census.most == 1, f"{census.most} engines of the run trained at once (pids seen: {census.seen})"
    stack.wait_until(lambda: "killing the engine" in stack.log_of("worker"), 120,
                     "worker A to kill its engine once its writes were refused")
