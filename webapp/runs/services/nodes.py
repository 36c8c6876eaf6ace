"""Runs over several hosts.

Each of a run's M messages is taken by one worker, which joins the run's current attempt as the
next node. Node 0 claims the run (queued -> running) and hosts the rendezvous; when M nodes have
joined, every node starts its torchrun. The run row stays node 0's; the others report on their
RunNode rows, which node 0 watches."""
from __future__ import annotations

import time

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from webapp.runs.models import Run, RunNode, RunStatus
from webapp.runs.resources import Resources
from webapp.runs.services.launch import eligible_workers, enqueue_run
from webapp.runs.services.reports import logs_append, run_claim, stale_before
from webapp.runs.state import transition


def run_node_join(*, run: Run, worker: str, address: str, port: int, output_dir: str) -> RunNode | None:
    """This worker joins the run as its next node, or gets None (the run is not waiting for nodes,
    every node of its attempt is taken, or this worker already holds one). Node 0 claims the run
    the way a one-host run is claimed, and offers `address:port` for the rendezvous."""
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        lost = locked.heartbeat_at is None or locked.heartbeat_at < stale_before()
        if locked.status == RunStatus.QUEUED or (locked.status == RunStatus.RUNNING and lost):
            if not run_claim(run=locked, worker=worker, output_dir=output_dir):
                return None
            node = RunNode.objects.create(run=locked, attempt=locked.attempt, node_rank=0, worker=worker,
                                          address=address, port=port, heartbeat_at=timezone.now())
        elif locked.status == RunStatus.RUNNING:
            taken = list(RunNode.objects.filter(run=locked, attempt=locked.attempt))
            if (not taken or len(taken) >= Resources.of(locked).nodes or any(n.worker == worker for n in taken)
                    or any(n.status != RunNode.Status.WAITING for n in taken)):
                return None
            node = RunNode.objects.create(run=locked, attempt=locked.attempt, node_rank=len(taken), worker=worker,
                                          address=address, heartbeat_at=timezone.now())
        else:
            return None
    run.refresh_from_db()
    return node


def _node_attempt_current(node: RunNode) -> Run | None:
    """The run, if it is still running the attempt this node joined (else None: it was requeued,
    cancelled or finished, or the attempt was given up)."""
    run = Run.objects.filter(pk=node.run_id, status=RunStatus.RUNNING, attempt=node.attempt).first()
    if run is None or not RunNode.objects.filter(pk=node.pk).exists():
        return None
    return run


def run_gang_poll(*, node: RunNode) -> tuple[str, list[RunNode]]:
    """A waiting node's heartbeat. Returns ("ready", nodes) once every node has joined,
    ("waiting", nodes) before, and ("gone", []) when the attempt no longer exists."""
    now = timezone.now()
    RunNode.objects.filter(pk=node.pk).update(heartbeat_at=now)
    run = _node_attempt_current(node)
    if run is None:
        return "gone", []
    if node.node_rank == 0:
        Run.objects.filter(pk=run.pk).update(heartbeat_at=now)
    nodes = list(RunNode.objects.filter(run=run, attempt=node.attempt))
    return ("ready" if len(nodes) >= Resources.of(run).nodes else "waiting"), nodes


def run_gang_start(*, node: RunNode, resume_from: str = "") -> None:
    fields = {"status": RunNode.Status.RUNNING, "heartbeat_at": timezone.now()}
    if node.node_rank == 0:
        fields["resume_from"] = resume_from
    RunNode.objects.filter(pk=node.pk).update(**fields)


def run_gang_abandon(*, run: Run, node: RunNode, waited_s: float) -> str:
    """Node 0, when the other nodes did not all join in time: the attempt is given up (it does not
    count as one), and the run goes back to the queue, or fails when fewer live workers could take
    a node than it needs. Returns the message that says which."""
    resources = Resources.of(run)
    wanted, gpus = resources.nodes, resources.gpus
    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=run.pk).first()
        joined = RunNode.objects.filter(run=run, attempt=node.attempt).count()
        RunNode.objects.filter(run=run, attempt=node.attempt).delete()
        eligible = len(eligible_workers(gpus=gpus))
        if eligible < wanted:
            message = (f"Only {joined} of {wanted} nodes joined in {waited_s:.0f} s, and {eligible} live worker(s) "
                       f"can take a node: start more workers, or run it on fewer nodes.")
            transition(run, RunStatus.FAILED, only_if=Q(attempt=node.attempt), error_message=message)
        else:
            message = (f"Only {joined} of {wanted} nodes joined in {waited_s:.0f} s (the other workers are busy): "
                       "back in the queue.")
            if transition(run, RunStatus.QUEUED, only_if=Q(attempt=node.attempt), error_message=message, worker="",
                          attempt=F("attempt") - 1):
                enqueue_run(run)
    logs_append(run=run, lines=[(time.time(), "warning", message)])
    return message


def run_node_heartbeat(*, node: RunNode) -> bool:
    """A follower node's heartbeat while it trains; returns whether its attempt is over (the run
    was requeued, cancelled or finished), so it should stop."""
    RunNode.objects.filter(pk=node.pk).update(heartbeat_at=timezone.now())
    return _node_attempt_current(node) is None


def run_node_leave(*, node: RunNode) -> None:
    """The follower's worker is shutting down: node 0 sees it, checkpoints and requeues the run."""
    RunNode.objects.filter(pk=node.pk).update(status=RunNode.Status.LEAVING, heartbeat_at=timezone.now())


def run_node_exit(*, node: RunNode, code: int) -> None:
    RunNode.objects.filter(pk=node.pk).update(status=RunNode.Status.EXITED, exit_code=code,
                                              heartbeat_at=timezone.now())


def run_nodes_lost(*, run: Run, attempt: int) -> list[RunNode]:
    """Follower nodes of this attempt that are leaving, or whose worker went silent."""
    return list(RunNode.objects.filter(run=run, attempt=attempt, node_rank__gt=0).filter(
        Q(status=RunNode.Status.LEAVING)
        | Q(status__in=[RunNode.Status.WAITING, RunNode.Status.RUNNING], heartbeat_at__lt=stale_before())))


def run_nodes_of(*, run: Run, attempt: int) -> list[RunNode]:
    return list(RunNode.objects.filter(run=run, attempt=attempt))
