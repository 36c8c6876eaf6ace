"""Data-parallel training over several processes (one per GPU, or several CPU processes).

`python -m engine run SPEC --processes N` starts N copies of the run (ranks), each with RANK,
LOCAL_RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set, the way torchrun and `accelerate launch`
do, and waits for them. accelerate's PartialState reads that environment, initialises the process
group (NCCL on GPUs, Gloo on CPU) and gives each rank its device (cuda:LOCAL_RANK), so the recipes
place models on `default_device()` whatever the launch.

How the loop stays exact (engine.core.training.Trainer):
- training.batch_size is per process: every step draws batch_size x WORLD_SIZE examples from the
  one seeded order and rank r takes the r-th slice, so N processes see exactly the examples one
  process with an N-times larger batch would.
- each rank divides its loss by the step's loss units summed over all ranks and the gradients are
  summed across ranks before clipping: the update is the one of the global per-unit mean, equal
  (to float rounding) to the single-process run with the larger batch.
- the model weights start equal (same seed or same files) and get the same update on every rank,
  so they stay equal without being broadcast.
- rank 0 alone reports events, evaluates, writes checkpoints and the final model; decisions that
  must be unanimous (stop on cancel, early stopping) are taken on rank 0's view and broadcast.

The launcher forwards SIGTERM/SIGINT to every rank; if one rank fails, the others are stopped and
the run fails with that rank's exit code.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Sequence

STOP_GRACE_S = 30.0
"""After a rank fails, how long the others get to exit after SIGTERM before SIGKILL."""


@dataclass(frozen=True)
class Ranks:
    """This process's place in the run: rank, number of processes, and whether it reports."""

    rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def ranks_from_environment() -> Ranks:
    return Ranks(rank=int(os.environ.get("RANK", "0")), world_size=int(os.environ.get("WORLD_SIZE", "1")))


def die_with_launcher() -> None:
    """A rank whose launcher died (the engine's own, or torchrun, which starts each rank in a
    session of its own) is killed by the kernel instead of running on as an orphan that holds its
    GPU and keeps the other ranks of the run waiting in a collective."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except OSError:  # not Linux: the launcher's own signal forwarding is all there is
        pass


def setup() -> Ranks:
    """Join the process group when launched as one of several ranks (no-op otherwise)."""
    ranks = ranks_from_environment()
    if ranks.distributed:
        from accelerate import PartialState

        PartialState()  # initialises torch.distributed from the launcher's environment
    return ranks


def device() -> Any:
    """This rank's device: cuda:LOCAL_RANK for GPU ranks, else cuda or cpu."""
    import torch

    if ranks_from_environment().distributed:
        from accelerate import PartialState

        return PartialState().device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def all_reduce_sum(values: Sequence[float], ranks: Ranks) -> list[float]:
    """Sum floats across ranks (returned unchanged in a single-process run)."""
    if not ranks.distributed:
        return list(values)
    import torch
    import torch.distributed as dist

    tensor = torch.tensor(list(values), dtype=torch.float64, device=device())
    dist.all_reduce(tensor)
    return tensor.tolist()


def broadcast_flag(flag: bool, ranks: Ranks) -> bool:
    """Rank 0's value of `flag`, on every rank."""
    if not ranks.distributed:
        return flag
    import torch
    import torch.distributed as dist

    tensor = torch.tensor([1 if flag else 0], dtype=torch.int64, device=device())
    dist.broadcast(tensor, src=0)
    return bool(tensor.item())


def sum_gradients(parameters: Sequence[Any], ranks: Ranks) -> None:
    """Add every rank's gradients together, in place, flattened into one buffer per dtype."""
    if not ranks.distributed:
        return
    import torch
    import torch.distributed as dist

    for parameter in parameters:  # a parameter unused on this rank still takes part in the sum
        if parameter.requires_grad and parameter.grad is None:
            parameter.grad = torch.zeros_like(parameter)
    grads = [p.grad for p in parameters if p.requires_grad]
    # Every rank must reduce the buffers in the same order: sort the dtypes by name, not by set order.
    for dtype in sorted({g.dtype for g in grads}, key=str):
        group = [g for g in grads if g.dtype == dtype]
        flat = torch.cat([g.reshape(-1) for g in group])
        dist.all_reduce(flat)
        offset = 0
        for g in group:
            g.copy_(flat[offset: offset + g.numel()].view_as(g))
            offset += g.numel()


def barrier(ranks: Ranks) -> None:
    if ranks.distributed:
        import torch.distributed as dist

        dist.barrier()


def shutdown(ranks: Ranks) -> None:
    if ranks.distributed:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(argv: list[str], processes: int, events_fd: int) -> int:
    """Run `python -m engine run ...argv` as `processes` ranks; rank 0 writes events to events_fd.

    Returns rank 0's exit code, or the first failing rank's code when a rank fails.
    """
    port = _free_port()
    children: list[subprocess.Popen] = []
    for rank in range(processes):
        env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": str(processes),
               "LOCAL_WORLD_SIZE": str(processes), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
        # Ranks other than 0 report nothing: their events go to /dev/null, their stderr to ours.
        fd = events_fd if rank == 0 else os.open(os.devnull, os.O_WRONLY)
        children.append(subprocess.Popen(
            [sys.executable, "-m", "engine", "run", *argv, "--events-fd", str(fd)], env=env, pass_fds=(fd,),
        ))
        if rank:
            os.close(fd)

    def forward(signum: int, _frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)

    failed: int | None = None
    while any(child.poll() is None for child in children):
        for child in children:
            code = child.poll()
            if code not in (None, 0) and failed is None and code != 3:
                failed = code
                deadline = time.monotonic() + STOP_GRACE_S
                for other in children:
                    if other.poll() is None:
                        other.terminate()
                while any(o.poll() is None for o in children) and time.monotonic() < deadline:
                    time.sleep(0.1)
                for other in children:
                    if other.poll() is None:
                        other.kill()
        time.sleep(0.05)
    codes = [child.wait() for child in children]
    return failed if failed is not None else codes[0]
