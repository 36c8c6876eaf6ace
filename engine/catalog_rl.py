"""Registry entries of the rl family. KL-regularised reinforcement learning with verifiable rewards: GRPO, KDRL, InfAlign."""

from engine.method_info import MethodInfo

METHODS: list[MethodInfo] = []
