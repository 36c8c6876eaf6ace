"""bench/gpu_check.sh on a machine without a GPU: it starts, says why it cannot go on, and fails."""

import os
import subprocess
import sys

from tests.engine.helpers import REPO_ROOT


def test_the_gpu_check_refuses_cleanly_without_a_cuda_device():
    # CUDA_VISIBLE_DEVICES="" hides any GPU, so the test means the same on a GPU machine.
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PYTHON": sys.executable}
    completed = subprocess.run(["bash", str(REPO_ROOT / "bench" / "gpu_check.sh")], env=env, capture_output=True,
                               text=True, timeout=120)

    assert completed.returncode != 0
    assert completed.stderr.startswith("no CUDA device: "), completed.stderr
    assert "== 1/4" not in completed.stdout, "nothing may run once the check has refused"
