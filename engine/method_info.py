"""What the registry says about a method: its paper, what a run of it needs, where its code is.

Kept apart from engine.registry so that the per-family catalogs (engine.methods.<family>.catalog) can build
their entries without importing the registry itself.
"""

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Paper:
    title: str
    url: str


@dataclass(frozen=True)
class Requirements:
    """What a run of the method must provide besides a student and training data."""

    teacher: bool
    reference: bool
    """The method compares the policy with a frozen reference model (optional in the spec: the
    initial policy by default)."""
    dataset_kinds: tuple[str, ...]
    tasks: bool = False
    """The method trains on a task sequence (RunSpec.tasks) instead of train_data."""
    data_parallel: bool = True
    """The method can train over several processes (`python -m engine run --processes N`, a run given
    several GPUs). False for methods whose recipe writes or reads files mid-run in one process only."""
    shared_vocabulary: bool = True
    """With a teacher: teacher and student must use the same token ids (token-level methods).
    False for methods that pass only text between the models (sequence-level KD)."""


@dataclass(frozen=True)
class MethodInfo:
    name: str
    family: Literal["distillation", "alignment", "continual"]
    description: str
    paper: Paper
    config: str
    """Import path `module:Class` of the pydantic config class (the family's engine.methods.<family>.config)."""
    recipe: str
    """Import path `module:function` of the run function, `run(spec, events, cancel) -> RunResult`."""
    requires: Requirements

    def to_json(self) -> dict[str, Any]:
        """The public description served by `python -m engine methods` and the API."""
        return {
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "paper": asdict(self.paper),
            "requires": {**asdict(self.requires), "dataset_kinds": list(self.requires.dataset_kinds)},
        }


TOKEN_DATASET_KINDS = ("text", "prompt-completion", "chat")
"""Every token-level method trains on any of these (engine.core.data reads all three)."""
