"""System metrics of a run: CPU and memory of the engine's process tree (psutil) and, where the
run has GPUs, their utilisation and memory (nvidia-smi), stored as `system/` metrics whose step is
the number of seconds since the engine started."""
from __future__ import annotations

import subprocess
import time

import psutil

SAMPLE_INTERVAL_S = 5.0


class SystemSampler:
    def __init__(self, pid: int, gpu_indices: list[int]):
        self.root = psutil.Process(pid)
        self.gpu_indices = gpu_indices
        self.started = time.monotonic()
        self.processes: dict[int, psutil.Process] = {}

    def _tree(self) -> list[psutil.Process]:
        try:
            current = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        # cpu_percent measures since the previous call on the same object, so objects are kept.
        self.processes = {p.pid: self.processes.get(p.pid, p) for p in current}
        return list(self.processes.values())

    def sample(self) -> list[tuple[str, int, float, float]]:
        cpu, rss = 0.0, 0
        for process in self._tree():
            try:
                cpu += process.cpu_percent(None)
                rss += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        step, wall = int(time.monotonic() - self.started), time.time()
        points = [("system/cpu_percent", step, cpu, wall), ("system/memory_mb", step, rss / 2**20, wall)]
        for index, utilisation, memory in self._gpus():
            points += [(f"system/gpu{index}_util_percent", step, utilisation, wall),
                       (f"system/gpu{index}_memory_mb", step, memory, wall)]
        return points

    def _gpus(self) -> list[tuple[int, float, float]]:
        if not self.gpu_indices:
            return []
        try:
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=index,utilization.gpu,memory.used", "--format=csv,noheader,nounits"],
                capture_output=True, text=True, timeout=10, check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        rows = []
        for line in out.strip().splitlines():
            index, utilisation, memory = (part.strip() for part in line.split(","))
            if int(index) in self.gpu_indices:
                rows.append((int(index), float(utilisation), float(memory)))
        return rows
