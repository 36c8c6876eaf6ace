"""Command line: python -m engine {methods, rewards, schema, run, demo-data} (docs/ENGINE_CONTRACT.md).

`run` writes events as JSON lines to a file descriptor and human logs to stderr. Exit codes:
0 finished, 1 failed, 2 invalid spec, 3 cancelled (SIGTERM or SIGINT: the current step finishes
and a checkpoint is saved first).
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Callable

from engine import registry
from engine.errors import EngineError, SpecError
from engine.events import JsonLinesSink
from engine.spec import load_run_spec

EXIT_FINISHED, EXIT_FAILED, EXIT_INVALID_SPEC, EXIT_CANCELLED = 0, 1, 2, 3

logger = logging.getLogger("engine")


def _methods(args: argparse.Namespace) -> int:
    print(json.dumps([method.to_json() for method in registry.list_methods()], indent=2))
    return EXIT_FINISHED


def _rewards(args: argparse.Namespace) -> int:
    from engine.methods.rl.rewards import list_rewards

    print(json.dumps(list_rewards(), indent=2))
    return EXIT_FINISHED


def _schema(args: argparse.Namespace) -> int:
    if args.method is None:
        print(json.dumps({method.name: registry.method_schema(method.name) for method in registry.list_methods()},
                         indent=2))
        return EXIT_FINISHED
    try:
        print(json.dumps(registry.method_schema(args.method), indent=2))
    except registry.UnknownMethodError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID_SPEC
    return EXIT_FINISHED


def _event_stream(fd: int, path: str | None) -> JsonLinesSink:
    """Where events go: the file `path` (appended, one line per event), else descriptor `fd`.

    A rank other than 0 of a data-parallel run reports nothing (rank 0 speaks for the run): under
    torchrun every rank gets the same command line, so the filter is here, not in the launcher."""
    if int(os.environ.get("RANK", "0")) != 0:
        return JsonLinesSink(open(os.devnull, "w", encoding="utf-8"))
    if path is not None:
        return JsonLinesSink(open(path, "a", encoding="utf-8"))
    os.fstat(fd)  # fail early, with OSError, on a descriptor that is not open
    if fd == 1:
        # Keep stdout for events only: anything else printed to stdout (by a library, say) goes
        # to stderr instead of corrupting the stream.
        sys.stdout.flush()
        events_fd = os.dup(1)
        os.dup2(2, 1)
        return JsonLinesSink(os.fdopen(events_fd, "w", encoding="utf-8"))
    return JsonLinesSink(os.fdopen(fd, "w", encoding="utf-8"))


def _run(args: argparse.Namespace) -> int:
    # The engine never downloads. Set before transformers and huggingface_hub are imported: some
    # of their lookups (PEFT adapter configs, for one) ignore local_files_only.
    os.environ["HF_HUB_OFFLINE"] = "1"
    # transformers 5 draws a tqdm bar on stderr for every weight load and save, which the worker
    # would record as log lines with each checkpoint; the events already report progress.
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    # On a CPU shared with other busy processes (the web server, other runs), OpenMP threads that
    # spin while waiting fight those processes for the cores: on a 2-core machine a training step
    # measured 3-5x slower than with the passive policy. Set before torch is imported; an
    # OMP_WAIT_POLICY given by the operator wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.processes < 1:
        print(f"error: --processes must be at least 1, got {args.processes}", file=sys.stderr)
        return EXIT_INVALID_SPEC
    try:
        events = _event_stream(args.events_fd, args.events_file)
    except OSError as error:
        where = args.events_file or f"file descriptor {args.events_fd}"
        print(f"error: cannot write events to {where}: {error.strerror}", file=sys.stderr)
        return EXIT_INVALID_SPEC
    try:
        spec = load_run_spec(args.spec)
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        events.status("failed", message=str(error))
        return EXIT_INVALID_SPEC

    processes = args.processes if "RANK" not in os.environ else int(os.environ.get("WORLD_SIZE", "1"))
    if processes > 1 and not registry.get_method(spec.method).requires.data_parallel:
        message = (f"method {spec.method!r} trains in one process and cannot run data parallel over "
                   f"{processes}: run it with --processes 1 (one GPU)")
        print(f"error: {message}", file=sys.stderr)
        events.status("failed", message=message)
        return EXIT_INVALID_SPEC
    if args.processes > 1 and "RANK" not in os.environ:
        # The launcher: the spec is valid, now start one engine per rank and wait for them.
        from engine import distributed

        events.stream.flush()
        return distributed.launch([args.spec], args.processes, events.stream.fileno())

    if "RANK" in os.environ:
        from engine import distributed

        distributed.die_with_launcher()
    cancel = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: cancel.set())

    events.status("started")
    try:
        from engine import distributed

        ranks = distributed.setup()
        result = registry.recipe(spec.method)(spec, events, cancel)
        distributed.shutdown(ranks)
    except EngineError as error:
        events.log("error", str(error))
        events.status("failed", message=str(error))
        return EXIT_FAILED
    except Exception as error:
        logger.exception("the run failed")
        message = f"{type(error).__name__}: {error}"
        events.status("failed", message=message)
        return EXIT_FAILED

    if result.status == "cancelled":
        events.status("cancelled", message=result.message)
        return EXIT_CANCELLED
    events.log("info", result.message)
    events.status("finished")
    return EXIT_FINISHED


def _demo_data(args: argparse.Namespace) -> int:
    from engine.demo.kit import build_demo_data

    summary = build_demo_data(Path(args.out_dir), train_bytes=args.train_bytes)
    print(json.dumps(summary, indent=2))
    return EXIT_FINISHED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Distillery's training engine.")
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {}

    commands.add_parser("methods", help="list the registered methods as JSON")
    handlers["methods"] = _methods

    commands.add_parser("rewards", help="list the reward functions of the RL methods (grpo, kdrl) as JSON")
    handlers["rewards"] = _rewards

    schema = commands.add_parser("schema", help="JSON Schema of one method's config, or of all")
    schema.add_argument("method", nargs="?", help="method name; all methods when left out")
    handlers["schema"] = _schema

    run = commands.add_parser("run", help="run a training job described by a run spec")
    run.add_argument("spec", help="run spec, .json or .yaml")
    run.add_argument("--events-fd", type=int, default=1,
                     help="file descriptor for JSON-lines events (default: 1, stdout)")
    run.add_argument("--events-file", help="append JSON-lines events to this file instead (for launchers such as "
                                           "torchrun that do not pass descriptors on to their ranks)")
    run.add_argument(
        "--processes", type=int, default=1,
        help="data-parallel processes (one per GPU of CUDA_VISIBLE_DEVICES, or several on CPU); default 1",
    )
    handlers["run"] = _run

    demo = commands.add_parser("demo-data", help="build the demo corpus, tokenizer, tiny model configs and run specs")
    demo.add_argument("out_dir", help="directory to write into (created if missing)")
    demo.add_argument("--train-bytes", type=int, default=2_000_000, help="size of the training text (default: 2 MB)")
    handlers["demo-data"] = _demo_data

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return handlers[args.command](args)
