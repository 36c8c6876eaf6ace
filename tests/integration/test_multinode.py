"""A run over two hosts, through the REST API, on real worker processes: each `python -m worker`
joins as one node and starts torchrun (CPU ranks over Gloo, both "hosts" on loopback); node 0
reports. The run trains like one process with both nodes' batches together; a node whose worker
dies takes the run back to its checkpoint, and it finishes on the workers that are left."""
from __future__ import annotations

import os
import time

import pytest

from tests.integration.stack import TINY_TRAINING, Stack, register_kit

pytestmark = pytest.mark.integration

FLAVOUR = "team" if os.environ.get("DISTILLERY_TEAM_SERVICES") == "1" else "embedded"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(FLAVOUR, tmp_path_factory.mktemp("multinode"))
    try:
        stack.start()
        stack.start_worker("worker-b")
        stack.wait_until(lambda: len([w for w in stack.ok("GET", "/api/v1/workers/")
                                      if "cpu" in w["queues"]]) >= 2, 120, "two training workers")
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def kit(stack):
    return register_kit(stack)


def launch(stack, kit, *, nodes: int, expect: int = 201, **training) -> dict:
    return stack.ok("POST", "/api/v1/runs/", expect, json={
        "workspace": "lab", "name": f"nodes-{nodes}-{time.time()}", "method": "lm_train",
        "student": kit["student-init"], "train_dataset": kit["train"], "validation_dataset": kit["validation"],
        "resources": {"gpus": 0, "nodes": nodes},
        "config": {"training": {**TINY_TRAINING, **training}}})


def losses(stack, run_id: int) -> dict[int, float]:
    series = stack.ok("GET", f"/api/v1/runs/{run_id}/metrics/?names=train/loss")["series"][0]
    return dict(zip(series["steps"], series["values"]))


def log_text(stack, run_id: int) -> str:
    return "\n".join(line["message"] for line in stack.ok("GET", f"/api/v1/runs/{run_id}/logs/?tail=1000")["results"])


def test_two_nodes_train_like_one_process_with_both_batches(stack, kit):
    pair = launch(stack, kit, nodes=2, batch_size=2)
    done = stack.wait_for_status(pair["id"], {"succeeded", "failed", "cancelled"}, timeout=300)
    assert done["status"] == "succeeded", done["error_message"] + "\n" + log_text(stack, pair["id"])
    assert [n["node_rank"] for n in done["nodes"]] == [0, 1]
    assert len({n["worker"] for n in done["nodes"]}) == 2, "each node on its own worker"
    # Node 0 records the outcome; node 1's worker records its own exit a moment later.
    nodes = stack.wait_until(lambda: (lambda nodes: nodes if nodes[1]["status"] == "exited" else None)(
        stack.ok("GET", f"/api/v1/runs/{pair['id']}/")["nodes"]), 120, "node 1 to record its exit")
    assert nodes[1]["exit_code"] == 0
    logs = log_text(stack, pair["id"])
    assert "all nodes joined" in logs and "[node 1] exited with code 0" in logs
    names = stack.ok("GET", f"/api/v1/runs/{pair['id']}/")["summaries"]
    assert "system/node1/cpu_percent" in names, sorted(names)

    single = launch(stack, kit, nodes=1, batch_size=4)
    assert stack.wait_for_status(single["id"], {"succeeded", "failed"}, timeout=300)["status"] == "succeeded"
    together, alone = losses(stack, pair["id"]), losses(stack, single["id"])
    assert sorted(together) == sorted(alone) and len(alone) >= 5
    for step, value in alone.items():
        assert together[step] == pytest.approx(value, rel=1e-4), step


def test_more_nodes_than_live_workers_is_refused(stack, kit):
    body = launch(stack, kit, nodes=3, expect=400)
    assert "3 nodes" in body["detail"] and "resources.nodes" in body["errors"]


def test_a_node_whose_worker_dies_sends_the_run_back_to_its_checkpoint(stack, kit):
    run = launch(stack, kit, nodes=2, batch_size=2, max_steps=1500, checkpoint_every=50, eval_every=100_000)

    def checkpointed_nodes():
        detail = stack.ok("GET", f"/api/v1/runs/{run['id']}/")
        artifacts = stack.ok("GET", f"/api/v1/runs/{run['id']}/artifacts/")
        running = len(detail["nodes"]) == 2 and all(n["status"] == "running" for n in detail["nodes"])
        return detail if running and any(a["kind"] == "checkpoint" for a in artifacts) else None

    detail = stack.wait_until(checkpointed_nodes, 240, "both nodes running and a checkpoint")
    follower = detail["nodes"][1]["worker"]
    victim = "worker-b" if "worker-b" in follower else "worker"
    stack.kill(victim)
    stack.start_worker(f"{victim}-again")
    done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=480)
    logs = log_text(stack, run["id"])
    assert done["status"] == "succeeded", done["error_message"] + "\n" + logs
    assert done["attempt"] == 2
    assert "Node 1 (" in logs and "went silent" in logs and "Resuming from the last checkpoint" in logs, logs
    steps = sorted(losses(stack, run["id"]))
    assert steps == sorted(set(steps)) and steps[-1] == 1500


def test_cancelling_a_run_over_two_hosts_stops_both_nodes_at_one_checkpoint(stack, kit):
    run = launch(stack, kit, nodes=2, batch_size=2, max_steps=100_000, checkpoint_every=100_000, eval_every=100_000)

    def both_running():
        detail = stack.ok("GET", f"/api/v1/runs/{run['id']}/")
        return len(detail["nodes"]) == 2 and all(n["status"] == "running" for n in detail["nodes"]) and \
            detail["progress"]["step"] > 0

    stack.wait_until(both_running, 240, "both nodes training")
    stack.ok("POST", f"/api/v1/runs/{run['id']}/cancel/")
    done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=180)
    assert done["status"] == "cancelled", done["error_message"]
    nodes = stack.wait_until(lambda: (lambda nodes: nodes if all(n["status"] == "exited" for n in nodes) else None)(
        stack.ok("GET", f"/api/v1/runs/{run['id']}/")["nodes"]), 120, "both nodes to exit")
    assert nodes[0]["exit_code"] == 3, "node 0 reports the engine's own code: cancelled"
    [checkpoint] = [a for a in stack.ok("GET", f"/api/v1/runs/{run['id']}/artifacts/") if a["kind"] == "checkpoint"]
    assert checkpoint["step"] == done["progress"]["step"]
