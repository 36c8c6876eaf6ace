"""An upload that is wrong as a whole gets one error about the file: a CSV or Parquet file without a
column its kind needs names the missing column and the columns found (not one error per row), and a
binary file is "not a text file" with what it looks like (not a codec's message)."""
from __future__ import annotations

import gzip
import io

import pytest

from webapp.registry.models import Dataset


def post_file(client, data: bytes, filename: str, kind: str = "prompt-completion", **fields):
    handle = io.BytesIO(data)
    handle.name = filename
    return client.post("/api/v1/datasets/", {"workspace": "lab", "name": "upload", "kind": kind, "file": handle,
                                             **fields}, format="multipart")


def test_a_csv_without_a_needed_column_gets_one_header_error_naming_it_and_the_columns_found(api):
    rows = "".join(f"question {i},answer {i}\n" for i in range(50))
    response = post_file(api("member"), f"prompt,answer\n{rows}".encode(), "pairs.csv")

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["file.header"]
    assert "no column 'completion'" in body["detail"] and "Columns found: 'prompt', 'answer'" in body["detail"]
    assert "row" not in body["detail"].lower().replace("header row", "")
    assert Dataset.objects.count() == 0


def test_every_missing_column_is_named_at_once(api):
    response = post_file(api("member"), b"question\nhi\n", "prefs.csv", kind="preference")

    assert response.status_code == 400
    assert "no column 'prompt', 'chosen', 'rejected'" in response.json()["detail"]
    assert "Columns found: 'question'" in response.json()["detail"]


def test_a_spreadsheets_byte_order_mark_is_not_part_of_the_first_column_name(api):
    response = post_file(api("member"), "\ufeffprompt,completion\nhi,there\n".encode(), "pairs.csv")

    assert response.status_code == 201, response.json()
    preview = api("member").get(f"/api/v1/datasets/{response.json()['id']}/").json()["preview"]
    assert preview == [{"prompt": "hi", "completion": "there"}]


def test_a_parquet_file_without_a_needed_column_gets_one_schema_error(api, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"body": ["a", "b", "c"]}), tmp_path / "d.parquet")
    response = post_file(api("member"), (tmp_path / "d.parquet").read_bytes(), "d.parquet", kind="text")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file.header"]
    assert "schema has no column 'text'" in response.json()["detail"]
    assert "Columns found: 'body'" in response.json()["detail"]


BINARIES = {
    "gzip": (gzip.compress(b'{"text": "hello"}\n' * 100), "a gzip-compressed file"),
    "zip": (b"PK\x03\x04" + bytes(range(256)) * 4, "a ZIP archive"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
    "nul bytes": (b"\x00\x01\x02\x03" * 300, "NUL byte at offset 0"),
    "latin-1": ("text\ncaf\xe9 cr\xe8me\n".encode("latin-1"), "byte 0xe9 at offset 8 is not UTF-8"),
    "utf-16": ("text\nhello\n".encode("utf-16"), "UTF-16 text: save it as UTF-8"),
}


@pytest.mark.parametrize("what", sorted(BINARIES))
@pytest.mark.parametrize("filename", ["data.jsonl", "data.csv"])
def test_a_binary_file_is_not_a_text_file_and_says_what_it_looks_like(api, what, filename):
    data, looks_like = BINARIES[what]
    response = post_file(api("member"), data, filename, kind="text")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("This is not a text file (") and looks_like in detail, detail
    assert "codec" not in detail
    assert list(response.json()["errors"]) == ["file"]
    assert Dataset.objects.count() == 0


def test_a_parquet_file_sent_as_json_lines_is_told_to_use_the_parquet_format(api, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["a", "b"]}), tmp_path / "d.parquet")
    response = post_file(api("member"), (tmp_path / "d.parquet").read_bytes(), "d.jsonl", kind="text")

    assert response.status_code == 400
    assert "a Parquet file: upload it with a .parquet name or format=parquet" in response.json()["detail"]


def test_a_csv_that_stops_being_utf8_past_its_start_is_not_a_text_file(api):
    data = b"text\n" + b"fine row\n" * 10_000 + b"caf\xe9\n"
    response = post_file(api("member"), data, "late.csv", kind="text")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("This is not a text file (past its start") and "0xe9" in detail and "codec" not in detail


def test_a_json_lines_row_that_is_not_utf8_past_the_start_names_its_row_and_byte(api):
    data = b'{"text": "fine"}\n' * 5_000 + b'{"text": "caf\xe9"}\n'
    response = post_file(api("member"), data, "late.jsonl", kind="text")

    assert response.status_code == 400
    assert response.json()["errors"] == {"file.row.5001": ["not UTF-8 text (byte 0xe9 at column 14): save the file "
                                                           "as UTF-8"]}


def test_a_text_file_whose_sniffed_start_cuts_a_character_is_still_text(api):
    from webapp.registry.upload_checks import SNIFF_BYTES

    data = ('{"text":"' + "é" * (SNIFF_BYTES // 2) + '"}\n').encode()  # "é" is two bytes, from an odd offset
    with pytest.raises(UnicodeDecodeError):
        data[:SNIFF_BYTES].decode()
    response = post_file(api("member"), data, "long.jsonl", kind="text")

    assert response.status_code == 201, response.json()


def test_a_wide_header_shows_its_first_columns_and_how_many_there_are(api):
    header = ",".join(f"column_{i}" for i in range(120))
    response = post_file(api("member"), f"{header}\n".encode() + b"," * 119 + b"\n", "wide.csv", kind="text")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'column_19' … (120 in all)" in detail and "column_20" not in detail
