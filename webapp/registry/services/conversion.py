"""CSV and Parquet uploads become JSON Lines, the one format the engine reads, under the same size
limit as the upload itself (DATASET_MAX_UPLOAD_BYTES).

A small file can expand a lot: CSV repeats its header's names in every row, and Parquet stores a
long value once in a dictionary and compressed. The converted rows are counted as they are
written and conversion stops at the limit, so the disk never holds more than the limit; the caller
removes the partial file. Parquet is also refused up front when its own footer declares more
uncompressed data than the limit, and its rows are converted a few at a time (sized from the rows
converted so far) with long text read as dictionaries, so a row repeated a million times is never
held in memory a million times.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from webapp.common.errors import Invalid, ServiceError, TooLarge

# Rows of a Parquet file are turned into Python objects about this many bytes of JSON at a time.
SLICE_BYTES = 4 * 1024 * 1024
BATCH_ROWS = 1024


def _too_large(fmt: str, limit: int) -> TooLarge:
    return TooLarge(
        f"The {fmt.upper()} file expands to more than {limit / 2**20:g} MiB when stored as JSON Lines, the limit "
        "for a dataset (DATASET_MAX_UPLOAD_BYTES); nothing was stored. Split it into smaller files and upload "
        "each, or ask the operator to raise DATASET_MAX_UPLOAD_BYTES.")


class _BoundedSink:
    """A binary file that refuses to grow past `limit` bytes: the write that would pass it raises."""

    def __init__(self, handle, *, limit: int, fmt: str):
        self.handle, self.limit, self.fmt, self.written = handle, limit, fmt, 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.written += len(data)
        if self.written > self.limit:
            raise _too_large(self.fmt, self.limit)
        self.handle.write(data)


def _csv_lines(raw: Path) -> Iterator[str]:
    import csv

    try:
        # utf-8-sig: a spreadsheet's byte-order mark must not become part of the first column's name.
        with raw.open(newline="", encoding="utf-8-sig") as source:
            for row in csv.DictReader(source):
                yield json.dumps(row, ensure_ascii=False) + "\n"
    except UnicodeDecodeError as exc:
        raise Invalid(f"This is not a text file (past its start, {exc.reason} at byte 0x{exc.object[exc.start]:02x}): "
                      "a CSV dataset must be UTF-8 text; save it as UTF-8 and upload again.", field="file") from None
    except csv.Error as exc:
        raise Invalid(f"The CSV file cannot be read ({exc}): it must be UTF-8 with a header row.",
                      field="file") from None


def _parquet_lines(raw: Path, limit: int) -> Iterator[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(raw)
        text = [field.name for field in schema
                if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)]
        table = pq.ParquetFile(raw, read_dictionary=text)
        meta = table.metadata
        declared = sum(meta.row_group(index).total_byte_size for index in range(meta.num_row_groups))
        if declared > limit:
            raise _too_large("parquet", limit)
        rows_per_slice = 1
        for batch in table.iter_batches(batch_size=BATCH_ROWS):
            start = 0
            while start < batch.num_rows:
                part = batch.slice(start, rows_per_slice)
                start += part.num_rows
                lines = "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in part.to_pylist())
                yield lines
                rows_per_slice = max(1, min(BATCH_ROWS, SLICE_BYTES * part.num_rows // max(len(lines), 1)))
    except ServiceError:
        raise
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise Invalid(f"The file is not a readable Parquet file ({type(exc).__name__}: {exc}).",
                      field="file") from None


def convert_to_jsonl(raw: Path, fmt: str, out: Path) -> int:
    """Writes `raw` (csv or parquet) to `out` as JSON Lines and returns its size in bytes; past
    DATASET_MAX_UPLOAD_BYTES it stops and raises (413), leaving `out` for the caller to remove."""
    limit = settings.DATASET_MAX_UPLOAD_BYTES
    with out.open("wb") as handle:
        sink = _BoundedSink(handle, limit=limit, fmt=fmt)
        for text in (_csv_lines(raw) if fmt == "csv" else _parquet_lines(raw, limit)):
            sink.write(text)
    return sink.written
