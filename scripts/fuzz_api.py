"""A bigger schemathesis run than the suite's: `python scripts/fuzz_api.py [--examples N] [--seed S]`.

Runs tests/faults/test_schemathesis.py (a live server, a member of a workspace with data, every
operation of docs/openapi.yaml with valid and invalid input) with N examples per operation and
input mode instead of the suite's 9; at the default 60 that is about 7,500 requests. Hypothesis
draws are fixed per run; --seed changes which real ids are substituted. It prints the requests
sent, the 5xx seen and every non-conforming answer (with a curl line), and exits non-zero on any.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=60, help="examples per operation and input mode")
    parser.add_argument("--seed", type=int, default=19, help="seed for substituting real ids")
    args = parser.parse_args()
    env = {**os.environ, "DISTILLERY_FUZZ_EXAMPLES": str(args.examples), "DISTILLERY_FUZZ_SEED": str(args.seed)}
    command = [sys.executable, str(ROOT / "scripts" / "test.py"), "-p", "no:cacheprovider", "-q", "-rP",
               "-o", "timeout=0", "tests/faults/test_schemathesis.py"]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
