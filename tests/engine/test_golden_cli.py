"""Golden files for what `python -m engine methods`, `schema` and `rewards` print.

The catalog is public (the API serves it, the UI builds its forms from the schemas), so moving the
engine's code around must not change a byte of it. The files under tests/engine/golden/ were written
by the commands themselves; after an intended change to a method, regenerate them with
`python -m engine methods > tests/engine/golden/methods.json` (and `rewards`, and `schema <method>`
for each method into golden/schema/<method>.json) and review the diff.
"""

from pathlib import Path

import pytest

from engine import cli, registry

GOLDEN = Path(__file__).parent / "golden"


def _printed(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert cli.main(list(argv)) == cli.EXIT_FINISHED
    return capsys.readouterr().out


def test_methods_prints_the_golden_catalog(capsys):
    assert _printed(capsys, "methods") == (GOLDEN / "methods.json").read_text()


def test_rewards_prints_the_golden_reward_list(capsys):
    assert _printed(capsys, "rewards") == (GOLDEN / "rewards.json").read_text()


def test_every_method_has_a_golden_schema_and_no_golden_schema_is_left_over():
    assert sorted(path.stem for path in (GOLDEN / "schema").glob("*.json")) == sorted(registry.METHODS)


@pytest.mark.parametrize("method", sorted(registry.METHODS))
def test_schema_prints_the_golden_schema_of_each_method(capsys, method):
    assert _printed(capsys, "schema", method) == (GOLDEN / "schema" / f"{method}.json").read_text()
