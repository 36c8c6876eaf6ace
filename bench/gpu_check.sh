#!/usr/bin/env bash
# The checks that need a GPU, in one go (about 6 minutes on one H100):
#   1. KD benchmark on cuda (bf16): tokens/s, peak memory and MFU per variant
#   2. DPO benchmark on cuda
#   3. a real run through the worker (Celery, PostgreSQL, Redis), which records NVML system metrics
#   4. a data-parallel run with one process per GPU
# Without a CUDA device it refuses at once with a non-zero exit (tests/engine/test_gpu_check.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

gpus=$("$PYTHON" -c 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)')
if [ "$gpus" -eq 0 ]; then
    echo "no CUDA device: torch sees no GPU here (check nvidia-smi and CUDA_VISIBLE_DEVICES); run this on a GPU machine" >&2
    exit 2
fi
echo "== $gpus GPU(s): $(nvidia-smi --query-gpu=name --format=csv,noheader | sort | uniq -c | xargs)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== 1/4 KD benchmark (bf16 autocast, bf16 teacher)"
timeout 150 "$PYTHON" bench/engine_kd.py --device cuda --vocab 32768 131072 --tokens 8192 --repeats 1

echo "== 2/4 DPO benchmark"
timeout 150 "$PYTHON" bench/engine_dpo.py --device cuda --repeats 1

echo "== 3/4 a run through the worker, with NVML system metrics"
"$PYTHON" -c 'import pynvml; pynvml.nvmlInit(); print("NVML", pynvml.nvmlSystemGetDriverVersion())'
timeout 150 "$PYTHON" scripts/test.py -q -x -p no:cacheprovider tests/integration/test_end_to_end.py

echo "== 4/4 data parallel over $gpus process(es)"
"$PYTHON" -m engine demo-data "$work/demo" --train-bytes 300000 > /dev/null
"$PYTHON" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
spec = json.load(open(f"{work}/demo/runs/baseline.json"))
spec["output_dir"] = f"{work}/data-parallel"
spec["config"]["training"].update(max_steps=20, mixed_precision="bf16", eval_every=0, checkpoint_every=0)
json.dump(spec, open(f"{work}/spec.json", "w"))
PY
timeout 120 "$PYTHON" -m engine run "$work/spec.json" --processes "$gpus" --events-file "$work/events.jsonl"
grep -E '"kind": "status"' "$work/events.jsonl" | tail -1
echo "== all GPU checks passed"
