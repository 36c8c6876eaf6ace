"""webapp.runs.resources.Resources: the one reading of a run's `resources` (gpus per host, hosts)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from webapp.common.errors import Invalid
from webapp.runs.resources import MAX_NODES, Resources


@pytest.mark.parametrize("raw,expected", [
    ({}, Resources(gpus=0, nodes=1)),
    ({"gpus": None}, Resources(gpus=0, nodes=1)),
    ({"gpus": 2}, Resources(gpus=2, nodes=1)),
    ({"gpus": 8, "nodes": 4}, Resources(gpus=8, nodes=4)),
    ({"nodes": MAX_NODES}, Resources(gpus=0, nodes=MAX_NODES)),
])
def test_a_request_parses_to_gpus_per_host_and_hosts(raw, expected):
    assert Resources.parse(raw) == expected


@pytest.mark.parametrize("raw,field", [
    ({"gpus": -1}, "resources.gpus"), ({"gpus": 1.5}, "resources.gpus"), ({"gpus": True}, "resources.gpus"),
    ({"gpus": "2"}, "resources.gpus"), ({"nodes": 0}, "resources.nodes"), ({"nodes": MAX_NODES + 1}, "resources.nodes"),
    ({"nodes": None}, "resources.nodes"), ({"nodes": False}, "resources.nodes"),
])
def test_a_malformed_request_is_a_400_on_its_field(raw, field):
    with pytest.raises(Invalid) as caught:
        Resources.parse(raw)
    assert list(caught.value.errors) == [field]


def test_a_stored_run_reads_defaults_for_missing_or_null_entries_and_names_its_queue():
    assert Resources.of(SimpleNamespace(resources={})) == Resources(0, 1)
    assert Resources.of(SimpleNamespace(resources={"gpus": None, "nodes": None})) == Resources(0, 1)
    stored = Resources.of(SimpleNamespace(resources={"gpus": 4, "nodes": 2}))
    assert (stored.queue, stored.multi_host) == ("gpu", True)
    assert (Resources().queue, Resources().multi_host) == ("cpu", False)
