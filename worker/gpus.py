"""GPU discovery without importing torch: what nvidia-smi reports, honouring CUDA_VISIBLE_DEVICES."""
from __future__ import annotations

import os
import shutil
import subprocess


def visible_gpus() -> list[dict]:
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    gpus = []
    for line in out.strip().splitlines():
        index, name, memory = (part.strip() for part in line.split(","))
        gpus.append({"index": int(index), "name": name, "memory_mb": int(float(memory))})
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        allowed = {int(i) for i in visible.split(",") if i.strip().isdigit()}
        gpus = [g for g in gpus if g["index"] in allowed]
    return gpus
