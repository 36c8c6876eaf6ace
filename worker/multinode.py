"""Runs over several hosts (resources.nodes > 1): each host's worker joins the run as one node and
starts torchrun for its share of the ranks.

A run of M nodes is queued as M messages. The worker that takes the first becomes node 0: it
claims the run, picks the rendezvous port on its own host and records it; the workers that take
the others join as nodes 1..M-1 (webapp.runs.services.run_node_join). When all have joined (or
RUN_GANG_TIMEOUT_S passed: then the run goes back to the queue), each node starts

    python -m torch.distributed.run --nnodes M --node-rank K --nproc-per-node P
        --master-addr NODE0 --master-port PORT -m engine run SPEC --events-file FILE

torchrun's static rendezvous makes node K's processes the global ranks K*P .. K*P+P-1, so global
rank 0, which alone reports, evaluates and writes checkpoints, is on node 0: node 0's worker
records the run exactly as for one host (worker.supervisor.RunSupervisor). The other nodes' workers
keep a heartbeat on their RunNode row, copy their engine's log lines into the run's log, store
their system metrics under system/nodeK/, and stop when the run is no longer running their
attempt. Node 0 watches them: one whose worker shuts down or goes silent stops the run at a
checkpoint, and it resumes like a lost run.
"""
from __future__ import annotations

import json
import logging
import socket
import sys
import time
from pathlib import Path

from django.conf import settings

from webapp.common import storage
from webapp.runs.services.nodes import (
    run_gang_abandon, run_gang_poll, run_gang_start, run_node_exit, run_node_heartbeat, run_node_join, run_node_leave,
    run_nodes_lost, run_nodes_of,
)
from webapp.runs.services.reports import logs_append, run_finish, run_heartbeat, run_requeue
from webapp.runs.models import Run, RunNode, RunStatus
from webapp.runs.selectors.metrics import system_metrics_next_step
from worker import lifecycle
from worker.outcome import finish, store_failed
from worker.recorder import RunRows
from worker.spec import build_spec, fence
from worker.supervisor import (
    HEARTBEAT_INTERVAL_S, RunSupervisor, Supervisor, never_orphaned, run_gpu_indices, start_engine,
)

log = logging.getLogger("worker")

GANG_POLL_S = 0.5
ENGINE_CODE = {RunStatus.SUCCEEDED: 0, RunStatus.CANCELLED: 3, RunStatus.FAILED: 1}


def host_address() -> str:
    """The address the other nodes reach this host at: WORKER_ADDRESS, else what its name resolves to."""
    if settings.WORKER_ADDRESS:
        return settings.WORKER_ADDRESS
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def torchrun_command(python: str, spec_file: Path, events_file: Path, gpu_indices: list[int], *, node: RunNode,
                     nodes: list[RunNode]) -> list[str]:
    """This node's torchrun: one process per GPU it was given (one on a CPU node), a static
    rendezvous at node 0, and no restarts (a failed rank fails the attempt; the worker decides)."""
    leader = next(n for n in nodes if n.node_rank == 0)
    return [python, "-m", "torch.distributed.run", f"--nnodes={len(nodes)}", f"--node-rank={node.node_rank}",
            f"--nproc-per-node={max(len(gpu_indices), 1)}", f"--master-addr={leader.address}",
            f"--master-port={leader.port}", "--max-restarts=0",
            "-m", "engine", "run", str(spec_file), "--events-file", str(events_file)]


def execute_node(run: Run, output_dir: Path) -> str:
    hostname = lifecycle.identity()["hostname"]
    address = host_address()
    node = run_node_join(run=run, worker=hostname, address=address, port=free_port(address),
                                  output_dir=str(output_dir))
    if node is None:
        return f"skipped: run {run.id} is not waiting for a node (status {run.status})"
    lifecycle.current_run_id = run.id
    try:
        nodes = _wait_for_gang(run, node)
        if isinstance(nodes, str):
            return nodes
        if node.node_rank == 0:
            return _lead(run, output_dir, node, nodes)
        return _follow(run, output_dir, node, nodes)
    finally:
        lifecycle.current_run_id = None


def _wait_for_gang(run: Run, node: RunNode) -> list[RunNode] | str:
    """Waits for every node to join (and, on the other nodes, for node 0 to have chosen the
    checkpoint they all resume from). Returns the nodes, or a string saying why there is no run."""
    started = time.monotonic()
    while True:
        state, nodes = run_gang_poll(node=node)
        if state == "gone":
            return f"node {node.node_rank}: the run's attempt {node.attempt} ended before it started"
        leader_started = any(n.node_rank == 0 and n.status == RunNode.Status.RUNNING for n in nodes)
        if state == "ready" and (node.node_rank == 0 or leader_started):
            return nodes
        if node.node_rank == 0:
            if run_heartbeat(run=run):
                run_finish(run=run, status=RunStatus.CANCELLED, message="Cancelled by a user.")
                return "cancelled while waiting for its nodes"
            if lifecycle.shutting_down.is_set():
                run_requeue(run=run, message="The worker of node 0 shut down before the nodes had joined.")
                return "requeued"
            if time.monotonic() - started > settings.RUN_GANG_TIMEOUT_S:
                return run_gang_abandon(run=run, node=node, waited_s=time.monotonic() - started)
        elif lifecycle.shutting_down.is_set():
            RunNode.objects.filter(pk=node.pk).delete()  # leaves room for another worker
            return f"node {node.node_rank}: the worker shut down while waiting"
        time.sleep(GANG_POLL_S)


def _lead(run: Run, output_dir: Path, node: RunNode, nodes: list[RunNode]) -> str:
    """Node 0: fixes the checkpoint every node resumes from, then runs this host's torchrun and
    records the run as a single host does, watching the other nodes as well."""
    try:
        spec = build_spec(run, output_dir)
    except storage.StoreError as exc:
        return store_failed(run, exc)  # the other nodes see the attempt end and stop waiting
    fence(run, output_dir, spec)
    run_gang_start(node=node, resume_from=spec.get("resume_from", ""))
    logs_append(run=run, lines=[(time.time(), "info", "all nodes joined: " + ", ".join(
        f"node {n.node_rank} on {n.worker} ({n.address})" for n in nodes))])
    spec_file = output_dir / f"spec-attempt-{run.attempt}.json"
    spec_file.write_text(json.dumps(spec, indent=2))
    gpu_indices = run_gpu_indices(run)
    events_file = output_dir / f"events-attempt-{run.attempt}.jsonl"
    events_file.unlink(missing_ok=True)
    command = torchrun_command(settings.ENGINE_PYTHON or sys.executable, spec_file, events_file, gpu_indices,
                               node=node, nodes=nodes)
    with never_orphaned(start_engine(command, gpu_indices)) as process:
        supervisor = LeaderSupervisor(run, output_dir, process, gpu_indices, node=node)
        supervisor.follow_file(events_file)
        code = supervisor.watch()
    if supervisor.stale is not None:
        return f"stale: {supervisor.stale}"
    code, reason = settle_nodes(run, node, supervisor.recorder, code, supervisor.reason)
    return finish(run, supervisor.recorder, code, reason)


class LeaderSupervisor(RunSupervisor):
    """Node 0's supervisor: a node that leaves or goes silent stops the run at a checkpoint."""

    def __init__(self, *args, node: RunNode, **kwargs):
        super().__init__(*args, **kwargs)
        self.node = node

    def lost_nodes(self) -> list[str]:
        return [f"node {n.node_rank} ({n.worker}) is " + ("leaving (its worker is shutting down)"
                                                          if n.status == "leaving" else "silent (no heartbeat)")
                for n in run_nodes_lost(run=self.run, attempt=self.node.attempt)]


def _follow(run: Run, output_dir: Path, node: RunNode, nodes: list[RunNode]) -> str:
    """A node other than 0: runs this host's ranks and reports only their logs and system metrics."""
    leader = next(n for n in nodes if n.node_rank == 0)
    try:
        spec = build_spec(run, output_dir, resume=False)
        if leader.resume_from:
            # Every node starts from the same weights: node 0's choice, fetched from the store
            # when this host does not have it.
            storage.pull(leader.resume_from)
            spec["resume_from"] = leader.resume_from
    except storage.StoreError as exc:
        # Leaving makes node 0 stop the attempt and send the run back to the queue.
        logs_append(run=run, lines=[(time.time(), "error", f"[node {node.node_rank}] {exc.message}")])
        run_node_leave(node=node)
        return f"node {node.node_rank}: the artifact store failed"
    spec_file = output_dir / f"spec-attempt-{node.attempt}-node-{node.node_rank}.json"
    spec_file.write_text(json.dumps(spec, indent=2))
    run_gang_start(node=node)
    gpu_indices = run_gpu_indices(run)
    # Only global rank 0 writes events; this node's ranks write none, so the file stays empty.
    events_file = output_dir / f"events-attempt-{node.attempt}-node-{node.node_rank}.jsonl"
    command = torchrun_command(settings.ENGINE_PYTHON or sys.executable, spec_file, events_file, gpu_indices,
                               node=node, nodes=nodes)
    with never_orphaned(start_engine(command, gpu_indices)) as process:
        supervisor = FollowerSupervisor(run, node, process, gpu_indices)
        code = supervisor.watch()
    if supervisor.stale is not None:
        return f"node {node.node_rank}: stale: {supervisor.stale}"
    supervisor.log("info" if code == 0 else "warning", f"exited with code {code}")
    supervisor.guarded(supervisor.flush)
    run_node_exit(node=node, code=code)
    return f"node {node.node_rank} exited with code {code}"


class FollowerSupervisor(Supervisor):
    """The supervisor of a node other than 0: copies its engine's log lines into the run's log
    (prefixed with the node), stores its system metrics under system/nodeK/, keeps the node's
    heartbeat, and stops the engine once the run is no longer running this attempt. When its
    worker shuts down it asks node 0 to stop the run, and waits for that, but not forever."""

    def __init__(self, run: Run, node: RunNode, process, gpu_indices: list[int]):
        super().__init__(process, gpu_indices, system_metrics_next_step(run=run, now=time.time()))
        self.node = node
        self.prefix = f"[node {node.node_rank}] "
        self.rows = RunRows(run, attempt=node.attempt)
        self.left_at: float | None = None
        self.log("info", f"started on {node.worker}")

    def handle(self, tag: str, line: str) -> None:
        if line.strip():
            self.log("info", line)

    def log(self, level: str, message: str) -> None:
        self.rows.logs.append((time.time(), level, self.prefix + message))

    def record_sample(self, points: list[tuple[str, int, float, float]]) -> None:
        self.rows.metrics += [(name.replace("system/", f"system/node{self.node.node_rank}/", 1), step, value, wall)
                              for name, step, value, wall in points]

    def flush(self) -> None:
        self.rows.flush()

    def beat(self, now: float) -> None:
        over = run_node_heartbeat(node=self.node)
        if lifecycle.shutting_down.is_set() and self.left_at is None:
            # Node 0 sees this, stops the run at a checkpoint, and our ranks stop with it; this worker
            # takes no new work meanwhile (the requeued run must reach another worker).
            lifecycle.stop_consuming()
            run_node_leave(node=self.node)
            self.log("warning", "its worker is shutting down: asking node 0 to stop")
            self.left_at = now
        if over and self.process.poll() is None:
            self.stop("the run's attempt is over: SIGTERM")

    def overdue(self, now: float) -> bool:
        return super().overdue(now) or (self.left_at is not None and now - self.left_at > 2 * self.grace_s)


def settle_nodes(run: Run, node: RunNode, recorder, code: int, reason: str) -> tuple[int, str]:
    """Node 0 after its torchrun exited: turns torchrun's exit code into the engine's (the status
    event says how the run ended), and decides whether a failure was the loss of another node
    (then the run resumes from its checkpoint) or the engine's own (then the other nodes' exit
    codes are added to the message)."""
    if recorder.final_status in ENGINE_CODE:
        code = ENGINE_CODE[recorder.final_status]
    run_node_exit(node=node, code=code)
    if recorder.final_status == RunStatus.SUCCEEDED:
        # Training finished; a node lost after that (torchrun waits for every node before it
        # exits) costs nothing.
        return code, "" if reason == "node" else reason
    if reason in ("cancel", "shutdown"):
        return code, reason
    if reason == "node":
        recorder.final_message = _describe_lost(run_nodes_lost(run=run, attempt=node.attempt)) or \
            "A node of the run went away."
        return code, reason
    # The engine failed. When another host died its ranks' connections dropped first, so wait
    # until every other node's worker has said how its ranks ended, or has gone silent.
    deadline = time.monotonic() + settings.RUN_HEARTBEAT_TIMEOUT_S + 2 * HEARTBEAT_INTERVAL_S
    others: list[RunNode] = []
    while True:
        lost = run_nodes_lost(run=run, attempt=node.attempt)
        if lost:
            recorder.final_message = _describe_lost(lost)
            return code, "node"
        others = [n for n in run_nodes_of(run=run, attempt=node.attempt) if n.node_rank > 0]
        if all(n.status == RunNode.Status.EXITED for n in others) or time.monotonic() > deadline:
            break
        run_heartbeat(run=run)
        time.sleep(1.0)
    failed = [f"node {n.node_rank} ({n.worker}) exited with code {n.exit_code}" for n in others
              if n.exit_code not in (None, 0)]
    if failed:
        recorder.final_message = (recorder.final_message or "The engine failed.") + " Other nodes: " + \
            "; ".join(failed) + " (see the run's log)."
    return code, reason


def _describe_lost(lost: list[RunNode]) -> str:
    return " ".join(
        f"Node {n.node_rank} ({n.worker}) " + ("left: its worker shut down." if n.status == RunNode.Status.LEAVING
                                               else "went silent: its worker stopped sending heartbeats.")
        for n in lost)
