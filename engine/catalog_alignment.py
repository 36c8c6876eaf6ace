"""Registry entries of the alignment family. Alignment from preference pairs: the DPO family, SimPO, BCO."""

from engine.method_info import MethodInfo

METHODS: list[MethodInfo] = []
