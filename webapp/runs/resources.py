"""What a run asks for to train on: GPUs per host and hosts. One value object, so that the API's
400s, the queue a run goes to, the multi-host gang and the run's output all read `resources` the
same way."""
from __future__ import annotations

from dataclasses import dataclass

from webapp.common.errors import Invalid

MAX_NODES = 64


@dataclass(frozen=True)
class Resources:
    gpus: int = 0
    """GPUs per host; 0: a CPU run."""
    nodes: int = 1
    """Hosts the run spans."""

    @classmethod
    def parse(cls, raw: dict) -> Resources:
        """A request's resources, or a 400 saying what they must be (gpus: 0 when absent or null;
        nodes: 1 when absent)."""
        gpus, nodes = raw.get("gpus", 0) or 0, raw.get("nodes", 1)
        if not isinstance(gpus, int) or isinstance(gpus, bool) or gpus < 0:
            raise Invalid("resources.gpus must be 0 (CPU) or a positive number of GPUs.", field="resources.gpus")
        if not isinstance(nodes, int) or isinstance(nodes, bool) or not 1 <= nodes <= MAX_NODES:
            raise Invalid(f"resources.nodes must be a whole number of hosts from 1 to {MAX_NODES} (default 1).",
                          field="resources.nodes")
        return cls(gpus=gpus, nodes=nodes)

    @classmethod
    def of(cls, run) -> Resources:
        """A stored run's resources (validated when it was created; a missing or null entry is the
        default)."""
        raw = run.resources or {}
        return cls(gpus=int(raw.get("gpus", 0) or 0), nodes=int(raw.get("nodes", 1) or 1))

    @property
    def queue(self) -> str:
        """The worker queue that takes the run: "gpu" when it asks for GPUs, else "cpu"."""
        return "gpu" if self.gpus else "cpu"

    @property
    def multi_host(self) -> bool:
        return self.nodes > 1
