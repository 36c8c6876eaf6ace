"""System metrics of a run: CPU and memory of the engine's process tree (psutil) and, where the
run has GPUs, each GPU's utilisation, memory, power and temperature, and the memory the run's own
processes hold on it. GPUs are read through NVML (nvidia-ml-py over the driver's libnvidia-ml) and,
where NVML cannot be loaded, through `nvidia-smi`; with neither the run simply has no GPU metrics.
Everything is stored as `system/` metrics whose step is the number of seconds since the engine
started, counted on from where the run's earlier attempts left off (`first_step`, from
webapp.runs.selectors.metrics.system_metrics_next_step), so a resumed attempt's samples never land on
the steps of an earlier attempt's.

The per-process figure matches the run's processes by PID: in a container that does not share the
host's PID namespace the driver reports host PIDs, so `system/gpuN_process_memory_mb` is absent
there (the device-wide figures still come)."""
from __future__ import annotations

import logging
import subprocess
import time
from dataclasses import dataclass, field

import psutil

SAMPLE_INTERVAL_S = 5.0

log = logging.getLogger("distillery.worker")


@dataclass
class GpuSample:
    index: int
    util_percent: float | None = None
    memory_mb: float | None = None
    power_w: float | None = None
    temperature_c: float | None = None
    # Memory (MiB) used on this GPU by each process the driver lists, by PID.
    processes: dict[int, float] = field(default_factory=dict)


def gpu_points(samples: list[GpuSample], pids: set[int], step: int, wall: float) -> list[tuple[str, int, float, float]]:
    """The `system/gpuN_*` points of one sample; the process memory counts only the run's PIDs and
    is left out when none of them is on the GPU (another PID namespace, or not started yet)."""
    points = []
    for gpu in samples:
        for name, value in (("util_percent", gpu.util_percent), ("memory_mb", gpu.memory_mb),
                            ("power_w", gpu.power_w), ("temperature_c", gpu.temperature_c)):
            if value is not None:
                points.append((f"system/gpu{gpu.index}_{name}", step, float(value), wall))
        mine = [memory for pid, memory in gpu.processes.items() if pid in pids]
        if mine:
            points.append((f"system/gpu{gpu.index}_process_memory_mb", step, float(sum(mine)), wall))
    return points


class NvmlReader:
    """GPU samples through NVML. Raises RuntimeError from the constructor when NVML cannot be had
    (no nvidia-ml-py, no driver library, no GPU)."""

    name = "nvml"

    def __init__(self, indices: list[int]):
        try:
            import pynvml
        except ImportError as exc:
            raise RuntimeError("nvidia-ml-py is not installed") from exc
        try:
            pynvml.nvmlInit()
            self.handles = {index: pynvml.nvmlDeviceGetHandleByIndex(index) for index in indices}
        except pynvml.NVMLError as exc:
            raise RuntimeError(f"NVML: {exc}") from exc
        self.nvml = pynvml

    def _value(self, read, *args):
        try:
            return read(*args)
        except self.nvml.NVMLError:  # a field this GPU or driver does not report
            return None

    def read(self) -> list[GpuSample]:
        nvml, samples = self.nvml, []
        for index, handle in self.handles.items():
            rates = self._value(nvml.nvmlDeviceGetUtilizationRates, handle)
            memory = self._value(nvml.nvmlDeviceGetMemoryInfo, handle)
            power = self._value(nvml.nvmlDeviceGetPowerUsage, handle)  # milliwatts
            temperature = self._value(nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU)
            processes = self._value(nvml.nvmlDeviceGetComputeRunningProcesses, handle) or []
            samples.append(GpuSample(
                index=index,
                util_percent=rates.gpu if rates is not None else None,
                memory_mb=memory.used / 2**20 if memory is not None else None,
                power_w=power / 1000 if power is not None else None,
                temperature_c=temperature,
                # usedGpuMemory is None where the driver does not expose it (some vGPU / MIG setups).
                processes={p.pid: p.usedGpuMemory / 2**20 for p in processes if p.usedGpuMemory is not None},
            ))
        return samples

    def close(self) -> None:
        try:
            self.nvml.nvmlShutdown()
        except self.nvml.NVMLError:
            pass


def _number(text: str) -> float | None:
    text = text.strip()
    try:
        return float(text)
    except ValueError:  # "[N/A]", "[Not Supported]"
        return None


class SmiReader:
    """GPU samples through `nvidia-smi`'s CSV queries (one for the GPUs, one for their processes)."""

    name = "nvidia-smi"

    def __init__(self, indices: list[int], command: str = "nvidia-smi"):
        self.indices, self.command = set(indices), command
        self._query(["--query-gpu=index", "--format=csv,noheader,nounits"])  # raises RuntimeError if absent

    def _query(self, args: list[str]) -> list[list[str]]:
        try:
            out = subprocess.run([self.command, *args], capture_output=True, text=True, timeout=10, check=True).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            raise RuntimeError(f"{self.command}: {exc}") from exc
        return [[part.strip() for part in line.split(",")] for line in out.strip().splitlines() if line.strip()]

    def read(self) -> list[GpuSample]:
        try:
            gpus = self._query(["--query-gpu=index,uuid,utilization.gpu,memory.used,power.draw,temperature.gpu",
                                "--format=csv,noheader,nounits"])
            apps = self._query(["--query-compute-apps=gpu_uuid,pid,used_memory", "--format=csv,noheader,nounits"])
        except RuntimeError:
            return []
        by_uuid: dict[str, GpuSample] = {}
        samples = []
        for row in gpus:
            if len(row) < 6 or not row[0].isdigit() or int(row[0]) not in self.indices:
                continue
            sample = GpuSample(index=int(row[0]), util_percent=_number(row[2]), memory_mb=_number(row[3]),
                               power_w=_number(row[4]), temperature_c=_number(row[5]))
            by_uuid[row[1]] = sample
            samples.append(sample)
        for row in apps:
            if len(row) >= 3 and row[0] in by_uuid and row[1].isdigit() and _number(row[2]) is not None:
                processes = by_uuid[row[0]].processes
                processes[int(row[1])] = processes.get(int(row[1]), 0.0) + _number(row[2])
        return samples

    def close(self) -> None:
        pass


def gpu_reader(indices: list[int]):
    """NVML where it loads, else nvidia-smi, else None (the run gets no GPU metrics; said once)."""
    if not indices:
        return None
    problems = []
    for make in (NvmlReader, SmiReader):
        try:
            return make(indices)
        except RuntimeError as exc:
            problems.append(str(exc))
    log.warning("no GPU metrics for GPUs %s: %s", indices, "; ".join(problems))
    return None


class SystemSampler:
    def __init__(self, pid: int, gpu_indices: list[int], gpus=None, first_step: int = 0):
        self.root = psutil.Process(pid)
        self.gpu_indices = gpu_indices
        self.first_step = first_step
        self.started = time.monotonic()
        self.processes: dict[int, psutil.Process] = {}
        self.gpus = gpus if gpus is not None else gpu_reader(gpu_indices)

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
        tree = self._tree()
        for process in tree:
            try:
                cpu += process.cpu_percent(None)
                rss += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        step, wall = self.first_step + int(time.monotonic() - self.started), time.time()
        points = [("system/cpu_percent", step, cpu, wall), ("system/memory_mb", step, rss / 2**20, wall)]
        if self.gpus is not None:
            points += gpu_points(self.gpus.read(), {p.pid for p in tree}, step, wall)
        return points

    def close(self) -> None:
        if self.gpus is not None:
            self.gpus.close()
