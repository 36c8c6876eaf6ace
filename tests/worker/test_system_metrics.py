"""System metrics: the psutil sample of a real process tree, the GPU points (device-wide and the
run's own processes), the nvidia-smi reader against an executable that answers like nvidia-smi,
and the choice NVML -> nvidia-smi -> nothing."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from worker.system_metrics import GpuSample, NvmlReader, SmiReader, SystemSampler, gpu_points, gpu_reader


@pytest.fixture
def busy_child():
    child = subprocess.Popen([sys.executable, "-c", "import time\nx = bytearray(64 * 2**20)\n"
                              "end = time.time() + 30\nwhile time.time() < end: pass"])
    yield child
    child.kill()
    child.wait()


def fake_smi(tmp_path, run_pid: int):
    """An executable named nvidia-smi answering the two CSV queries the reader makes: GPUs 0 and 1,
    with the run's process and another one on GPU 1, and values the driver does not report."""
    script = tmp_path / "bin" / "nvidia-smi"
    script.parent.mkdir()
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys
        args = " ".join(sys.argv[1:])
        if "--query-compute-apps" in args:
            print("GPU-bbbb, {run_pid}, 1200")
            print("GPU-bbbb, {run_pid}, 300")
            print("GPU-bbbb, 4242, 5000")
            print("GPU-aaaa, 4343, [N/A]")
        elif "utilization.gpu" in args:
            print("0, GPU-aaaa, 3, 512, 61.5, 40")
            print("1, GPU-bbbb, 97, 20480, [N/A], 71")
        else:
            print("0")
            print("1")
        """))
    script.chmod(0o755)
    return script


def test_the_sampler_measures_a_real_process_tree_and_adds_no_gpu_points_without_gpus(busy_child):
    sampler = SystemSampler(busy_child.pid, [])
    sampler.sample()  # cpu_percent counts from the first call
    import time

    # On a busy machine the child may get little CPU in one short interval: sample until it shows.
    deadline = time.monotonic() + 60
    while True:
        time.sleep(0.5)
        points = {name: value for name, _, value, _ in sampler.sample()}
        if points.get("system/cpu_percent", 0) > 10 or time.monotonic() > deadline:
            break
    assert set(points) == {"system/cpu_percent", "system/memory_mb"}
    assert points["system/cpu_percent"] > 10 and points["system/memory_mb"] > 40
    sampler.close()


def test_gpu_points_count_only_the_runs_processes_and_skip_what_the_driver_does_not_report():
    samples = [GpuSample(index=0, util_percent=50, memory_mb=1000, power_w=None, temperature_c=60,
                         processes={11: 300.0, 12: 200.0, 99: 450.0}),
               GpuSample(index=3, util_percent=None, memory_mb=10, processes={99: 10.0})]
    points = {name: value for name, _, value, _ in gpu_points(samples, {11, 12}, step=5, wall=1.0)}
    assert points == {"system/gpu0_util_percent": 50.0, "system/gpu0_memory_mb": 1000.0,
                      "system/gpu0_temperature_c": 60.0, "system/gpu0_process_memory_mb": 500.0,
                      "system/gpu3_memory_mb": 10.0}


def test_the_nvidia_smi_reader_parses_its_csv_for_the_runs_gpus(tmp_path):
    reader = SmiReader([1], command=str(fake_smi(tmp_path, run_pid=777)))
    [gpu] = reader.read()
    assert (gpu.index, gpu.util_percent, gpu.memory_mb, gpu.power_w, gpu.temperature_c) == (
        1, 97.0, 20480.0, None, 71.0)
    assert gpu.processes == {777: 1500.0, 4242: 5000.0}


def test_a_reader_that_cannot_start_says_why(tmp_path):
    with pytest.raises(RuntimeError, match="nvidia-smi"):
        SmiReader([0], command=str(tmp_path / "missing" / "nvidia-smi"))


def test_gpu_metrics_come_from_nvml_where_it_loads_else_from_nvidia_smi_else_not_at_all(
        tmp_path, monkeypatch, busy_child):
    try:
        NvmlReader([0]).close()
        nvml = True
    except RuntimeError as exc:
        nvml = False
        assert "NVML" in str(exc) or "nvidia-ml-py" in str(exc)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert gpu_reader([]) is None
    if not nvml:
        assert gpu_reader([0]) is None
    fake_smi(tmp_path, run_pid=busy_child.pid)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    reader = gpu_reader([1])
    assert isinstance(reader, NvmlReader if nvml else SmiReader)
    if nvml:
        return
    # The run's engine is the sampler's root process: its memory on GPU 1 is the run's.
    points = {name: value for name, _, value, _ in SystemSampler(busy_child.pid, [1], gpus=reader).sample()}
    assert points["system/gpu1_util_percent"] == 97.0 and points["system/gpu1_process_memory_mb"] == 1500.0
    assert "system/gpu0_memory_mb" not in points and "system/gpu1_power_w" not in points
