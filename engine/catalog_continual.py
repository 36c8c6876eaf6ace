"""Registry entries of the continual family. Continual learning over a task sequence: replay, LwF, EWC, HFT, weight averaging."""

from engine.method_info import MethodInfo

METHODS: list[MethodInfo] = []
