"""Writes docs/RELIABILITY.md from the fault and attack suite: `python scripts/reliability_report.py`.

Runs `pytest -m reliability` through scripts/test.py (so it picks PostgreSQL and Redis as `make test`
does) with a JUnit XML report, then lists each fault or attack with how it is tested and its last
result. What a test injects and what must hold is its docstring (else its name, read as a
sentence); a test file's docstring heads its family. Figures a test measures (trials, requests
sent, 5xx seen) come from `record_property(name, value)` in the test and are shown as they are.

    python scripts/reliability_report.py                 # run the suite, write the doc
    python scripts/reliability_report.py -- -n 2 --dist loadgroup   # extra pytest arguments
    python scripts/reliability_report.py --junit r.xml   # write the doc from an earlier run's report

It exits non-zero when a test failed (the doc is written all the same, saying which).
"""
from __future__ import annotations

import argparse
import ast
import datetime
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "RELIABILITY.md"


@dataclass
class Case:
    path: str                     # tests/api/test_x.py
    function: str                 # test_y (or Class::test_y)
    param: str                    # "zip-build" for test_y[zip-build], "" otherwise
    outcome: str                  # passed, failed, skipped
    seconds: float
    message: str = ""
    properties: list[tuple[str, str]] = field(default_factory=list)


def run_suite(junit: Path, pytest_args: list[str]) -> int:
    command = [sys.executable, str(ROOT / "scripts" / "test.py"), "-m", "reliability", "-p", "no:cacheprovider",
               f"--junitxml={junit}", "-o", "junit_family=xunit1", *pytest_args]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)


def read_junit(junit: Path) -> list[Case]:
    cases = []
    for element in ET.parse(junit).getroot().iter("testcase"):
        classname, name = element.get("classname", ""), element.get("name", "")
        parts = classname.split(".")
        # pytest writes classname as module path (+ class); the module is the longest part naming a file.
        for end in range(len(parts), 0, -1):
            if (ROOT / Path(*parts[:end])).with_suffix(".py").is_file():
                path, owner = "/".join(parts[:end]) + ".py", parts[end:]
                break
        else:
            path, owner = classname, []
        function, _, param = name.partition("[")
        outcome, message = "passed", ""
        for kind in ("failure", "error", "skipped"):
            found = element.find(kind)
            if found is not None:
                outcome = "skipped" if kind == "skipped" else "failed"
                message = (found.get("message") or "").strip().splitlines()[0][:200] if found.get("message") else ""
                break
        properties = [(p.get("name", ""), p.get("value", "")) for p in element.iter("property")]
        cases.append(Case(path, "::".join([*owner, function]), param.rstrip("]"), outcome,
                          float(element.get("time") or 0), message, properties))
    return cases


def docstrings(path: str) -> tuple[str, dict[str, str]]:
    """(the module's docstring, {function or Class::function: its docstring}) of a test file."""
    source = ROOT / path
    if not source.is_file():
        return "", {}
    tree = ast.parse(source.read_text())
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = ast.get_docstring(node) or ""
        elif isinstance(node, ast.ClassDef):
            for inner in node.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}::{inner.name}"] = ast.get_docstring(inner) or ""
    return ast.get_docstring(tree) or "", found


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().replace("|", "\\|")


def _sentence(name: str) -> str:
    words = name.split("::")[-1].removeprefix("test_").replace("_", " ")
    return words[:1].upper() + words[1:] + "."


def _result(group: list[Case]) -> str:
    passed = sum(case.outcome == "passed" for case in group)
    failed = [case for case in group if case.outcome == "failed"]
    skipped = sum(case.outcome == "skipped" for case in group)
    text = f"{passed}/{len(group) - skipped} passed" if len(group) - skipped else "skipped"
    if skipped and len(group) - skipped:
        text += f", {skipped} skipped"
    if failed:
        text = f"**FAILED** ({text}): {_one_line(failed[0].message)}"
    return text


def _figures(group: list[Case]) -> str:
    figures = []
    for case in group:
        label = f"[{case.param}] " if case.param and len(group) > 1 else ""
        shown = [f"{name}: {value}" for name, value in case.properties]
        if shown:
            figures.append(label + ", ".join(shown))
    return _one_line("; ".join(figures))


def render(cases: list[Case], *, when: str, commit: str, exit_code: int | None) -> str:
    by_file: dict[str, dict[str, list[Case]]] = defaultdict(lambda: defaultdict(list))
    for case in cases:
        by_file[case.path][case.function].append(case)
    total = len(cases)
    counts = {kind: sum(case.outcome == kind for case in cases) for kind in ("passed", "failed", "skipped")}
    seconds = sum(case.seconds for case in cases)
    lines = [
        "# Reliability and security: the fault and attack suite",
        "",
        "Each fault injected and each attack tried, how it is tested, and its last result. Generated by",
        "`python scripts/reliability_report.py` (it runs `pytest -m reliability`; do not edit by hand).",
        "A test's figures (trials, requests sent, 5xx seen) are what it recorded with `record_property`.",
        "",
        f"Last run: {when}, commit {commit}: {total} tests, {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped, {seconds:.0f} s of test time"
        + (f" (pytest exit code {exit_code})." if exit_code not in (None, 0) else "."),
        "",
    ]
    for path in sorted(by_file):
        module_doc, functions = docstrings(path)
        title = _one_line(module_doc.split("\n\n")[0]) if module_doc else path
        lines += [f"## {path}", "", title, "", "| Fault or attack | Test | Last result | Figures |",
                  "| --- | --- | --- | --- |"]
        for function, group in by_file[path].items():
            what = _one_line(functions.get(function) or _sentence(function))
            cases_note = f" ({len(group)} cases)" if len(group) > 1 else ""
            lines.append(f"| {what} | `{path}::{function}`{cases_note} | {_result(group)} | {_figures(group)} |")
        lines.append("")
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--junit", type=Path, help="write the doc from this JUnit XML instead of running pytest")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args(argv)
    exit_code = None
    if args.junit:
        junit = args.junit
    else:
        junit = Path(tempfile.mkdtemp(prefix="reliability-")) / "junit.xml"
        exit_code = run_suite(junit, args.pytest_args)
        if not junit.is_file():
            print(f"pytest wrote no report (exit code {exit_code}); {args.output} left as it was.", file=sys.stderr)
            return exit_code or 1
    cases = read_junit(junit)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    args.output.write_text(render(cases, when=when, commit=_commit(), exit_code=exit_code) + "\n")
    failed = sum(case.outcome == "failed" for case in cases)
    print(f"{args.output}: {len(cases)} tests, {failed} failed")
    return 1 if failed or exit_code not in (None, 0) else 0


if __name__ == "__main__":
    sys.exit(main())
