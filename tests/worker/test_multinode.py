"""Runs over several hosts: how workers join a run as its nodes, give it up when too few come, and
how node 0 reads its engine's events and builds each node's torchrun command."""
from __future__ import annotations

import queue
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.api.test_runs_api import launch
from webapp.runs.services import nodes as node_services
from webapp.runs.services import reports
from webapp.runs.models import Run, RunNode, RunStatus, Worker
from worker.multinode import torchrun_command
from worker.supervisor import tail_events


def live_workers(count: int, *, gpus: int = 0, queues=("cpu", "light"), name: str = "w") -> None:
    for index in range(count):
        Worker.objects.create(hostname=f"{name}{index}@host{index}", queues=list(queues), last_heartbeat=timezone.now(),
                              gpus=[{"index": g, "name": "H100", "memory_mb": 81559} for g in range(gpus)])


def two_node_run(api, registry_objects) -> Run:
    live_workers(2)
    response = launch(api("member"), registry_objects, resources={"gpus": 0, "nodes": 2})
    assert response.status_code == 201, response.json()
    return Run.objects.get(pk=response.json()["id"])


def join(run: Run, worker: str, port: int = 29500) -> RunNode | None:
    return node_services.run_node_join(run=run, worker=worker, address=f"10.0.0.{len(worker)}", port=port,
                                       output_dir="/tmp/out")


def test_a_run_over_two_hosts_is_queued_as_one_message_per_node(api, registry_objects,
                                                                 django_capture_on_commit_callbacks):
    live_workers(2)
    with django_capture_on_commit_callbacks() as callbacks:
        response = launch(api("member"), registry_objects, resources={"gpus": 0, "nodes": 2})
    assert response.status_code == 201, response.json()
    assert len(callbacks) == 2
    assert response.json()["nodes"] == [], "no node has joined yet"


@pytest.mark.parametrize("nodes", [0, -1, 65, "2", 1.5, True])
def test_a_number_of_nodes_that_is_not_a_whole_number_from_1_to_64_is_refused(api, registry_objects, nodes):
    live_workers(2)
    response = launch(api("member"), registry_objects, resources={"nodes": nodes})
    assert response.status_code == 400
    assert response.json()["errors"]["resources.nodes"] == [
        "resources.nodes must be a whole number of hosts from 1 to 64 (default 1)."]


def test_more_nodes_than_live_workers_that_could_hold_one_is_refused_before_anything_is_queued(
        api, registry_objects, django_capture_on_commit_callbacks):
    live_workers(1, gpus=2, queues=("cpu", "gpu", "light"))
    live_workers(1, gpus=2, queues=("light",), name="light-w")  # a light-jobs companion trains nothing
    Worker.objects.create(hostname="old@gone", queues=["cpu", "gpu"],
                          last_heartbeat=timezone.now() - timedelta(hours=1),
                          gpus=[{"index": 0, "name": "H100", "memory_mb": 1}] * 2)
    with django_capture_on_commit_callbacks() as callbacks:
        response = launch(api("member"), registry_objects, resources={"gpus": 2, "nodes": 2})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The run asks for 2 nodes with 2 GPU(s) each but 1 live worker(s)")
    assert callbacks == [] and Run.objects.count() == 0


def test_a_method_that_trains_in_one_process_cannot_span_hosts(api, registry_objects):
    live_workers(2)
    response = launch(api("member"), registry_objects, method="seq_kd", config={}, resources={"nodes": 2})
    assert response.status_code == 400
    assert "cannot span several hosts" in response.json()["errors"]["resources.nodes"][0]


def test_the_first_worker_claims_the_run_as_node_0_and_the_next_joins_as_node_1(api, registry_objects):
    run = two_node_run(api, registry_objects)
    leader = join(run, "alpha", port=29511)
    assert (leader.node_rank, leader.port, leader.attempt) == (0, 29511, 1)
    run.refresh_from_db()
    assert (run.status, run.worker, run.attempt) == (RunStatus.RUNNING, "alpha", 1)
    assert node_services.run_gang_poll(node=leader)[0] == "waiting"
    assert join(run, "alpha") is None, "a worker holds one node of a run at most"
    follower = join(run, "beta")
    assert (follower.node_rank, follower.port) == (1, None)
    assert join(run, "gamma") is None, "every node is taken"
    state, nodes = node_services.run_gang_poll(node=follower)
    assert state == "ready" and [n.worker for n in nodes] == ["alpha", "beta"]


def test_a_run_gives_up_an_attempt_whose_nodes_did_not_all_join_and_queues_again(
        api, registry_objects, django_capture_on_commit_callbacks):
    run = two_node_run(api, registry_objects)
    leader = join(run, "alpha")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = node_services.run_gang_abandon(run=run, node=leader, waited_s=120)
    run.refresh_from_db()
    assert message == "Only 1 of 2 nodes joined in 120 s (the other workers are busy): back in the queue."
    assert (run.status, run.attempt, run.worker) == (RunStatus.QUEUED, 0, ""), "giving up is not an attempt"
    assert len(callbacks) == 2 and not RunNode.objects.exists()
    assert node_services.run_gang_poll(node=leader)[0] == "gone"
    assert join(run, "beta").node_rank == 0, "the next worker starts the attempt afresh"


def test_a_run_fails_when_fewer_workers_are_alive_than_it_has_nodes(api, registry_objects):
    run = two_node_run(api, registry_objects)
    leader = join(run, "alpha")
    Worker.objects.filter(hostname="w1@host1").update(stopped_at=timezone.now())
    message = node_services.run_gang_abandon(run=run, node=leader, waited_s=30)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error_message == message
    assert "1 live worker(s) can take a node" in message


def test_node_0_sees_a_follower_that_leaves_or_goes_silent(api, registry_objects, settings):
    run = two_node_run(api, registry_objects)
    leader, follower = join(run, "alpha"), join(run, "beta")
    node_services.run_gang_start(node=leader, resume_from="/ckpt/step-10")
    node_services.run_gang_start(node=follower)
    assert node_services.run_nodes_lost(run=run, attempt=1) == []
    assert node_services.run_node_heartbeat(node=follower) is False
    RunNode.objects.filter(pk=follower.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S + 1))
    assert [n.node_rank for n in node_services.run_nodes_lost(run=run, attempt=1)] == [1]
    node_services.run_node_leave(node=follower)
    [lost] = node_services.run_nodes_lost(run=run, attempt=1)
    assert lost.status == RunNode.Status.LEAVING
    assert RunNode.objects.get(pk=leader.pk).resume_from == "/ckpt/step-10"


def test_a_follower_stops_once_its_attempt_is_over(api, registry_objects):
    run = two_node_run(api, registry_objects)
    join(run, "alpha")
    follower = join(run, "beta")
    reports.run_requeue(run=run, message="node 0's worker shut down")
    assert node_services.run_node_heartbeat(node=follower) is True


def test_the_run_lists_the_nodes_of_its_current_attempt(api, registry_objects):
    run = two_node_run(api, registry_objects)
    join(run, "alpha")
    node_services.run_node_exit(node=join(run, "beta"), code=-9)
    body = api("viewer").get(f"/api/v1/runs/{run.id}/").json()
    assert [(n["node_rank"], n["worker"], n["status"], n["exit_code"]) for n in body["nodes"]] == [
        (0, "alpha", "waiting", None), (1, "beta", "exited", -9)]
    [listed] = [r for r in api("viewer").get("/api/v1/runs/?workspace=lab").json()["results"] if r["id"] == run.id]
    assert listed["nodes"] == body["nodes"]


def test_each_node_runs_torchrun_with_a_static_rendezvous_at_node_0(api, registry_objects):
    run = two_node_run(api, registry_objects)
    leader, follower = join(run, "alpha", port=29600), join(run, "beta")
    nodes = [leader, follower]
    command = torchrun_command("python", Path("/o/spec.json"), Path("/o/events.jsonl"), [0, 1], node=follower,
                               nodes=nodes)
    assert command == ["python", "-m", "torch.distributed.run", "--nnodes=2", "--node-rank=1", "--nproc-per-node=2",
                       f"--master-addr={leader.address}", "--master-port=29600", "--max-restarts=0", "-m", "engine",
                       "run", "/o/spec.json", "--events-file", "/o/events.jsonl"]
    on_cpu = torchrun_command("python", Path("/o/spec.json"), Path("/o/e.jsonl"), [], node=leader, nodes=nodes)
    assert "--nproc-per-node=1" in on_cpu and "--node-rank=0" in on_cpu


def test_node_0_reads_every_event_line_including_one_written_in_pieces_and_the_last_without_newline(tmp_path):
    events = tmp_path / "events.jsonl"
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "time.sleep(0.3)\n"
        f"f = open({str(events)!r}, 'a')\n"
        "f.write('{\"a\": 1}\\n{\"b\"'); f.flush(); time.sleep(0.3)\n"
        "f.write(': 2}\\n{\"c\": 3}'); f.flush()\n")])
    lines: queue.Queue = queue.Queue()
    tail_events(events, writer, lines)
    got = []
    while not lines.empty():
        got.append(lines.get())
    assert got == [("events", '{"a": 1}'), ("events", '{"b": 2}'), ("events", '{"c": 3}'), ("events", None)]


def test_an_engine_that_never_wrote_an_event_ends_the_stream_when_it_exits(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    lines: queue.Queue = queue.Queue()
    tail_events(tmp_path / "never.jsonl", process, lines)
    assert lines.get_nowait() == ("events", None)
