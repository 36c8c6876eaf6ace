"""Upload bombs: small files that expand far past the size limits once converted or unpacked. Each
is refused with a 413 that names the limit, and nothing is left behind (no row, no file, no partial
conversion); conversion stops at the limit instead of writing everything first."""
from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from webapp.common.errors import TooLarge
from webapp.registry.models import Dataset, ModelAsset

pytestmark = pytest.mark.reliability

MiB = 1024 * 1024
CONFIG = b'{"model_type": "llama", "vocab_size": 64, "hidden_size": 16}'


def _post_dataset(client, handle, name="bomb", kind="text"):
    return client.post("/api/v1/datasets/", {"workspace": "lab", "name": name, "kind": kind, "file": handle},
                       format="multipart")


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _nothing_left(data_dir) -> bool:
    return not any(path.is_file() for path in (data_dir / "artifacts").rglob("*"))


def _parquet_bomb(path, *, rows: int, value_bytes: int) -> bytes:
    """One long text repeated in every row: Parquet stores it once (dictionary) and compressed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = pa.array(["x" * value_bytes] * rows).dictionary_encode()
    pq.write_table(pa.table({"text": text}), path, compression="zstd")
    return path.read_bytes()


def test_a_32_kib_parquet_file_that_expands_past_200_mib_is_a_413_with_nothing_left(api, data_dir, tmp_path):
    """A Parquet bomb (one 1 MiB text in 270 rows, ~32 KiB on disk) against the default 200 MiB limit:
    refused with a 413 naming DATASET_MAX_UPLOAD_BYTES, no dataset row, no file kept."""
    data = _parquet_bomb(tmp_path / "bomb.parquet", rows=270, value_bytes=MiB)
    assert len(data) < 64 * 1024
    response = _post_dataset(api("member"), _named(data, "bomb.parquet"))
    assert response.status_code == 413, response.json()
    detail = response.json()["detail"]
    assert "expands to more than 200 MiB" in detail and "DATASET_MAX_UPLOAD_BYTES" in detail
    assert "Split it into smaller files" in detail
    assert not Dataset.objects.exists() and _nothing_left(data_dir)


def test_a_csv_whose_long_header_repeats_in_every_row_is_a_413_with_nothing_left(api, data_dir, settings):
    """A CSV bomb (200 long column names, rows of empty fields: ~100x once each row repeats the names):
    refused with a 413 once its JSON Lines pass the limit, no dataset row, no file kept."""
    settings.DATASET_MAX_UPLOAD_BYTES = MiB
    header = ",".join(["text", *(f"column_with_a_rather_long_name_{i:04d}" for i in range(199))])
    data = (header + "\n" + ("," * 199 + "\n") * 3000).encode()
    assert len(data) < MiB
    response = _post_dataset(api("member"), _named(data, "bomb.csv"))
    assert response.status_code == 413, response.json()
    assert "The CSV file expands to more than 1 MiB" in response.json()["detail"]
    assert not Dataset.objects.exists() and _nothing_left(data_dir)


def test_a_parquet_file_whose_footer_declares_too_much_data_is_refused_before_decoding(api, data_dir, settings,
                                                                                   tmp_path):
    """A Parquet file of distinct but compressible rows declaring 4 MiB against a 1 MiB limit: refused
    from its footer, before any row is converted."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    settings.DATASET_MAX_UPLOAD_BYTES = MiB
    pq.write_table(pa.table({"text": [f"{i:08d}" + "y" * 4000 for i in range(1000)]}), tmp_path / "b.parquet",
                   compression="zstd", use_dictionary=False)
    response = _post_dataset(api("member"), _named((tmp_path / "b.parquet").read_bytes(), "b.parquet"))
    assert response.status_code == 413 and "The PARQUET file expands" in response.json()["detail"]
    assert not Dataset.objects.exists() and _nothing_left(data_dir)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_conversion_stops_at_the_limit_instead_of_writing_the_whole_file(settings, tmp_path, fmt):
    """Converting a bomb that would write ~100 MiB against a 1 MiB limit: the partial output the
    caller then removes never holds more than the limit."""
    from webapp.registry.services.conversion import convert_to_jsonl

    settings.DATASET_MAX_UPLOAD_BYTES = MiB
    raw = tmp_path / f"bomb.{fmt}"
    if fmt == "csv":
        raw.write_text(",".join(f"name_{i:05d}" for i in range(10_000)) + "\n" + ("," * 9_999 + "\n") * 700)
    else:
        _parquet_bomb(raw, rows=100, value_bytes=MiB)
    out = tmp_path / "out.jsonl"
    with pytest.raises(TooLarge):
        convert_to_jsonl(raw, fmt, out)
    assert out.stat().st_size <= MiB


def test_a_dataset_just_under_the_limit_once_converted_is_stored(api, settings):
    """The limit counts the stored JSON Lines: a CSV that converts to less than it is accepted."""
    settings.DATASET_MAX_UPLOAD_BYTES = 4096
    data = ("text\n" + "".join(f"row {i}\n" for i in range(100))).encode()  # ~1.9 KiB as JSON Lines
    response = _post_dataset(api("member"), _named(data, "small.csv"))
    assert response.status_code == 201, response.json()
    assert response.json()["row_count"] == 100


def _zip_bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("config.json", CONFIG)
        with archive.open("model.safetensors", "w", force_zip64=True) as member:
            for _ in range(size // MiB):
                member.write(bytes(MiB))
    return buffer.getvalue()


def _tar_bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=9) as archive:
        for name, data in (("config.json", CONFIG), ("model.safetensors", bytes(size))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("kind,build", [("zip", _zip_bomb), ("tar.gz", _tar_bomb)])
def test_a_model_archive_that_unpacks_1000_fold_is_a_413_with_nothing_left(api, data_dir, kind, build):
    """An archive bomb (64 MiB of zeros in ~64 KiB, x1000) under the 20 GiB total: refused by the
    200x ratio limit (MODEL_MAX_UNPACK_RATIO) with a 413, no model row and no file written."""
    data = build(64 * MiB)
    assert len(data) * 200 < 64 * MiB
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "bomb", "source": "upload",
                                                      "file": _named(data, f"model.{kind}")}, format="multipart")
    assert response.status_code == 413, response.json()
    detail = response.json()["detail"]
    assert "more than 200 times its own size" in detail and "MODEL_MAX_UNPACK_RATIO" in detail
    assert not ModelAsset.objects.exists() and _nothing_left(data_dir)


def test_an_honest_model_archive_at_a_normal_ratio_is_extracted(tmp_path):
    """Weights that barely compress pass the ratio limit."""
    import os

    from webapp.registry.archives import extract_model_archive

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", CONFIG)
        archive.writestr("model.safetensors", os.urandom(2 * MiB))
    buffer.seek(0)
    directory = extract_model_archive(buffer, tmp_path / "model", max_bytes=20 * 1024**3, max_ratio=200)
    assert (directory / "model.safetensors").stat().st_size == 2 * MiB
