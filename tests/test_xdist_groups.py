"""Which tests share an xdist worker under `make test` (tests/conftest.py: xdist_group_of): those that
share a live stack, a browser or a module's trained model; the rest spread one by one."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tests.conftest import xdist_group_of

ROOT = Path(__file__).resolve().parents[1]


def item(path: str, **params):
    return SimpleNamespace(path=ROOT / path, config=SimpleNamespace(rootpath=ROOT),
                           callspec=SimpleNamespace(params=params) if params else None)


def test_browser_tests_share_one_worker_and_engine_and_integration_modules_one_each():
    assert xdist_group_of(item("tests/browser/test_zoom.py")) == xdist_group_of(
        item("tests/browser/test_playground.py")) == "browser"
    assert xdist_group_of(item("tests/engine/test_sequence_kd.py")) == "engine-test_sequence_kd.py"
    assert xdist_group_of(item("tests/integration/test_multinode.py")) == "integration-test_multinode.py"
    assert xdist_group_of(item("tests/faults/test_worker_signals.py", stack="embedded")) == (
        "faults-test_worker_signals.py-embedded")


def test_each_stack_flavour_of_a_module_is_its_own_group():
    embedded = xdist_group_of(item("tests/integration/test_end_to_end.py", stack="embedded"))
    team = xdist_group_of(item("tests/integration/test_end_to_end.py", stack="team"))
    assert embedded != team and "team" in team


def test_tests_with_fixtures_of_their_own_are_not_grouped():
    assert xdist_group_of(item("tests/api/test_runs_api.py")) is None
    assert xdist_group_of(item("tests/worker/test_executor.py")) is None
    assert xdist_group_of(item("tests/test_settings.py")) is None


def test_a_test_that_names_its_own_group_keeps_it_and_the_others_get_their_modules():
    import pytest

    from tests.conftest import pytest_collection_modifyitems

    class Item(SimpleNamespace):
        def get_closest_marker(self, name):
            return next((marker for marker in self.own_markers if marker.name == name), None)

        def add_marker(self, marker):
            self.own_markers.append(marker.mark)

    path = ROOT / "tests/engine/test_architecture_matrix.py"
    config = SimpleNamespace(rootpath=ROOT, workerinput={})
    own = Item(path=path, config=config, callspec=None, own_markers=[pytest.mark.xdist_group("matrix-llama").mark])
    plain = Item(path=path, config=config, callspec=None, own_markers=[])
    pytest_collection_modifyitems(config, [own, plain])
    assert [marker.args for marker in own.own_markers] == [("matrix-llama",)]
    assert [marker.args for marker in plain.own_markers] == [("engine-test_architecture_matrix.py",)]


def test_live_stacks_go_out_first_then_groups_then_single_tests():
    from tests.conftest import schedule_rank

    def grouped_as_in_the_suite(path: str):
        it = item(path)
        group = xdist_group_of(it)
        it.get_closest_marker = lambda name: group if name == "xdist_group" else None
        return it

    ranks = [schedule_rank(grouped_as_in_the_suite(path)) for path in (
        "tests/integration/test_end_to_end.py", "tests/browser/test_zoom.py",
        "tests/engine/test_demo.py", "tests/api/test_runs_api.py")]
    assert ranks == [0, 0, 1, 2]
