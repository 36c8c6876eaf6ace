"""scripts/reliability_report.py turns a JUnit report of `pytest -m reliability` into docs/RELIABILITY.md
rows: what each test injects (its docstring, else its name), its test id, its result and its figures."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _report_module():
    spec = importlib.util.spec_from_file_location("reliability_report", ROOT / "scripts" / "reliability_report.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
  <testcase classname="tests.api.test_upload_bombs"
            name="test_a_model_archive_that_unpacks_1000_fold_is_a_413_with_nothing_left[zip-_zip_bomb]" time="1.5"/>
  <testcase classname="tests.api.test_upload_bombs"
            name="test_a_model_archive_that_unpacks_1000_fold_is_a_413_with_nothing_left[tar.gz-_tar_bomb]" time="1.0">
    <failure message="AssertionError: assert 201 == 413">trace</failure>
  </testcase>
  <testcase classname="tests.faults.test_schemathesis"
            name="test_fuzzing_every_operation_from_the_schema_gets_no_5xx_and_only_answers_the_schema_declares"
            time="60">
    <properties><property name="requests" value="1104"/><property name="5xx" value="0"/></properties>
  </testcase>
  <testcase classname="tests.api.test_sign_in_throttling" name="test_no_such_function_here" time="0.1">
    <skipped message="no Redis"/>
  </testcase>
</testsuite></testsuites>
"""


def test_the_report_lists_each_attack_with_its_docstring_result_and_figures(tmp_path):
    report = _report_module()
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT)
    output = tmp_path / "RELIABILITY.md"
    assert report.main(["--junit", str(junit), "--output", str(output)]) == 1  # one case failed
    text = output.read_text()
    assert "4 tests, 2 passed, 1 failed, 1 skipped" in text
    bombs = next(line for line in text.splitlines() if "unpacks_1000_fold" in line)
    assert bombs.startswith("| An archive bomb (64 MiB of zeros")
    assert "(2 cases)" in bombs and "**FAILED** (1/2 passed): AssertionError: assert 201 == 413" in bombs
    fuzz = next(line for line in text.splitlines() if "test_schemathesis.py::" in line)
    assert "| 1/1 passed | requests: 1104, 5xx: 0 |" in fuzz
    assert "| No such function here. | `tests/api/test_sign_in_throttling.py::test_no_such_function_here` | " \
           "skipped |" in text
    assert "## tests/api/test_upload_bombs.py" in text
