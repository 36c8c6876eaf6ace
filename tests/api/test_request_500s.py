"""Requests that answered 500 answer 400 or 404 with a message: Django lookups in the runs list's
config filter, ids too large for a database integer, NUL bytes in paths and query parameters, and
model archives whose members clash or whose headers lie."""
from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from tests.api.test_registry_api import upload_model
from tests.api.test_runs_api import launch
from tests.conftest import TINY_LLAMA
from webapp.common.ids import MAX_ID, IdConverter, parse_id
from webapp.registry.models import ModelAsset

pytestmark = pytest.mark.reliability


@pytest.fixture
def two_runs(api, registry_objects):
    client = api("member")
    launch(client, registry_objects, name="half", config={"alpha": 0.5, "training": {"max_steps": 20}})
    launch(client, registry_objects, name="most", config={"alpha": 0.9, "training": {"max_steps": 30}})
    return client


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(r["name"] for r in response.json()["results"])


@pytest.mark.parametrize("expression", [
    "alpha__in=[0.5]", "alpha__regex=(", "training__contains=1", "training.max_steps__gt=1", "training__isnull=true",
    "alpha<=0.6", "alpha!=0.5", "training..max_steps=20", ".alpha=0.5",
])
def test_the_config_filter_takes_only_dotted_keys_and_equality(two_runs, expression):
    response = two_runs.get("/api/v1/runs/", {"workspace": "lab", "config": expression})
    assert response.status_code == 400, response.content
    assert "'=' is the only operator" in response.json()["errors"]["config"][0]


def test_the_config_filter_still_matches_by_equality(two_runs):
    base = {"workspace": "lab"}
    assert _names(two_runs.get("/api/v1/runs/", {**base, "config": "alpha=0.5"})) == ["half"]
    assert _names(two_runs.get("/api/v1/runs/", {**base, "config": "training.max_steps=30"})) == ["most"]
    assert _names(two_runs.get("/api/v1/runs/", {**base, "config": ["alpha=0.9", "training.max_steps=20"]})) == []
    assert _names(two_runs.get("/api/v1/runs/", {**base, "config": "alpha=NaN"})) == []  # text, no NaN float


def test_an_id_is_ascii_digits_from_1_to_the_largest_database_integer():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID and parse_id(7) == 7
    for bad in (str(MAX_ID + 1), "9" * 40, "0", "-1", "+1", " 1", "1_0", "١", "", None, True, 2**64, "1.0"):
        assert parse_id(bad) is None, bad
    converter = IdConverter()
    assert converter.to_python("42") == 42
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))


@pytest.mark.parametrize("path", ["/api/v1/runs/{big}/", "/api/v1/models/{big}/", "/api/v1/datasets/{big}/",
                                  "/api/v1/runs/{big}/metrics/", "/api/v1/tokens/{big}/"])
def test_an_id_too_large_for_the_database_is_a_404(api, path):
    for big in (MAX_ID + 1, 10**40):
        response = api("member").get(path.format(big=big))
        assert response.status_code == 404, (big, response.content)


@pytest.mark.parametrize("query, field", [
    ({"model": str(10**30)}, "model"), ({"student": str(MAX_ID + 1)}, "student"), ({"sweep": "-3"}, "sweep"),
])
def test_an_id_filter_too_large_for_the_database_is_a_400(api, query, field):
    response = api("member").get("/api/v1/runs/", {"workspace": "lab", **query})
    assert response.status_code == 400 and field in response.json()["errors"], response.content


def test_compare_and_logs_refuse_numbers_too_large_for_the_database(api, registry_objects):
    client = api("member")
    run_id = launch(client, registry_objects).json()["id"]
    assert client.get("/api/v1/compare/", {"runs": f"{run_id},{10**30}"}).status_code == 400
    assert client.get(f"/api/v1/runs/{run_id}/logs/", {"after": str(10**30)}).status_code == 400


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/runs/?workspace=lab%00"),
    ("get", "/api/v1/runs/?q=%00"),
    ("get", "/api/v1/runs/?wor%00kspace=lab"),
    ("get", "/api/v1/datasets/?workspace=%00"),
    ("get", "/api/v1/workspaces/lab/members/me%00/"),
    ("get", "/api/v1/methods/kd%00/"),
    ("get", "/api/v1/shared/tok%00en/"),
    ("get", "/api/v1/shared/tok%00en/series/"),
    ("post", "/api/v1/invitations/tok%00en/accept/"),
])
def test_a_nul_byte_in_a_path_or_query_is_a_400(api, client, method, path):
    for caller in (api("member"), client):  # signed in, and not (shared links and invitations are public)
        response = getattr(caller, method)(path)
        assert response.status_code == 400, (path, response.content)
        assert "NUL character" in response.json()["detail"]


def _zip(files: list[tuple[str, bytes]], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(client, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "model.zip"
    return upload_model(client, handle)


def _nothing_stored(data_dir) -> bool:
    return ModelAsset.objects.count() == 0 and not any(p.is_file() for p in (data_dir / "artifacts").rglob("*"))


CONFIG = json.dumps(TINY_LLAMA).encode()


@pytest.mark.parametrize("files, message", [
    ([("config.json", CONFIG), ("config.json/x", b"1")], "'config.json' both as a file and as a folder"),
    ([("config.json/x", b"1"), ("config.json", CONFIG)], "'config.json' both as a file and as a folder"),
    ([("m/config.json", CONFIG), ("m/config.json/x/y", b"1")], "'config.json' both as a file and as a folder"),
    ([("config.json", CONFIG), ("config.json", CONFIG)], "'config.json' twice"),
])
def test_an_archive_whose_members_clash_is_a_400_and_leaves_nothing(api, data_dir, files, message):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we write on purpose
        data = _zip(files)
    response = _upload(api("member"), data)
    assert response.status_code == 400 and message in response.json()["detail"], response.content
    assert _nothing_stored(data_dir)


def _with_central_sizes(data: bytes, *, uncompressed: int | None = None, compressed: int | None = None) -> bytes:
    """The zip with its first central directory record's sizes replaced (offsets 20 and 24)."""
    at = data.index(b"PK\x01\x02")
    patched = bytearray(data)
    if compressed is not None:
        patched[at + 20:at + 24] = struct.pack("<I", compressed)
    if uncompressed is not None:
        patched[at + 24:at + 28] = struct.pack("<I", uncompressed)
    return bytes(patched)


@pytest.mark.parametrize("compression, sizes", [
    (zipfile.ZIP_DEFLATED, {"uncompressed": 10}),      # says smaller than it is
    (zipfile.ZIP_STORED, {"uncompressed": 5000, "compressed": 5000}),  # stored bytes run out early
    (zipfile.ZIP_DEFLATED, {"compressed": 3}),         # compressed data cut short
], ids=["smaller", "stored-larger", "compressed-short"])
def test_a_zip_whose_header_lies_about_a_size_is_a_400_and_leaves_nothing(api, data_dir, compression, sizes):
    data = _with_central_sizes(_zip([("config.json", CONFIG), ("tokenizer.json", b"{}")],
                                    compression=compression), **sizes)
    response = _upload(api("member"), data)
    assert response.status_code == 400, response.content
    assert "The archive is damaged or unsupported" in response.json()["detail"]
    assert _nothing_stored(data_dir)


@pytest.mark.parametrize("weights, message", [
    (b"x" * 100, "its header claims"),  # the length read from 'xxxxxxxx' was a MemoryError
    (b"\x01", "shorter than its 8-byte header length"),
    (struct.pack("<Q", 5) + b"{nope", "its header is not JSON"),
    (struct.pack("<Q", 2) + b"[]", "its header is not a JSON object"),
    (struct.pack("<Q", 20) + b'{"w": {"shape": -1}}', "tensor 'w' has no shape of whole numbers"),
])
def test_weights_that_are_not_safetensors_are_a_400_and_leave_nothing(api, data_dir, weights, message):
    response = _upload(api("member"), _zip([("config.json", CONFIG), ("model.safetensors", weights)]))
    assert response.status_code == 400, response.content
    assert "'model.safetensors' is not a readable safetensors file" in response.json()["detail"]
    assert message in response.json()["detail"]
    assert _nothing_stored(data_dir)


@pytest.mark.parametrize("config", [b"{not json", b"\xff\xfe", b'{"model_type": "llama", "x": NaN}',
                                    b'{"model_type": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"],
                         ids=["not-json", "not-utf8", "nan", "100k-deep"])
def test_a_config_json_that_is_not_json_is_a_400_and_leaves_nothing(api, data_dir, config):
    response = _upload(api("member"), _zip([("config.json", config)]))
    assert response.status_code == 400 and "config.json in" in response.json()["detail"], response.content
    assert _nothing_stored(data_dir)
