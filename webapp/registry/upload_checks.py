"""Checks of an uploaded dataset file as a whole, before its rows are read: that a JSON Lines or CSV
file is text at all, and that a CSV or Parquet file has the columns its kind needs. Each gives one
error about the file, where reading the rows would give the same error for every row (or a codec's
message that names no file and no fix)."""
from __future__ import annotations

import csv
from pathlib import Path

from webapp.common.errors import Invalid
from webapp.registry.validation import REQUIRED_FIELDS

# How much of the file's start is looked at: enough for any header, little enough to read at once.
SNIFF_BYTES = 64 * 1024
MAX_HEADER_BYTES = 1024 * 1024

# A file's first bytes -> what it is (the formats people most often pick by mistake).
MAGIC = (
    (b"PAR1", "a Parquet file: upload it with a .parquet name or format=parquet"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one): export the sheet as CSV, or unpack the archive"),
    (b"\x1f\x8b", "a gzip-compressed file: decompress it first"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database: export the table as CSV or JSON Lines"),
)
MAX_SHOWN_COLUMNS = 20
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _binary_reason(head: bytes) -> str | None:
    """Why the file that starts with `head` is not UTF-8 text (None if it is)."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return f"it is {what}"
    if head.startswith(UTF16_BOMS):
        return "it is UTF-16 text: save it as UTF-8"
    if b"\x00" in head:
        return f"it holds a NUL byte at offset {head.index(0)}, as binary files do"
    try:
        # surrogatepass: an encoded lone surrogate is text; its row gets the row-level "lone surrogate" error.
        head.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sniffed part is fine.
        if not (len(head) == SNIFF_BYTES and exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"):
            return f"byte 0x{head[exc.start]:02x} at offset {exc.start} is not UTF-8"
    return None


def check_text_file(path: Path, fmt: str) -> None:
    """A 400 unless the start of a JSON Lines or CSV upload is UTF-8 text."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    reason = _binary_reason(head)
    if reason:
        raise Invalid(f"This is not a text file ({reason}). A {fmt.upper()} dataset must be UTF-8 text; nothing was "
                      "stored.", field="file")


def _header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first_line = handle.readline(MAX_HEADER_BYTES).decode("utf-8-sig", errors="replace")
    try:
        return next(csv.reader([first_line]), [])
    except csv.Error as exc:
        raise Invalid(f"The CSV header row cannot be read ({exc}): the first line must name the columns.",
                      field="file") from None


def _parquet_columns(path: Path) -> list[str] | None:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception:  # not Parquet at all: the conversion says so, with pyarrow's reason
        return None


def check_columns(path: Path, fmt: str, kind: str) -> None:
    """One 400 naming the missing columns and those found when a CSV or Parquet upload lacks a
    column its kind needs (every row would lack it)."""
    if fmt not in ("csv", "parquet") or kind not in REQUIRED_FIELDS:
        return
    found = _header(path) if fmt == "csv" else _parquet_columns(path)
    if found is None:
        return
    needed, hint = REQUIRED_FIELDS[kind]
    missing = [name for name in needed if name not in found]
    if not missing:
        return
    names = ", ".join(f"'{name}'" for name in missing)
    shown = ", ".join(f"'{name}'" for name in found[:MAX_SHOWN_COLUMNS]) if any(found) else "none"
    if len(found) > MAX_SHOWN_COLUMNS:
        shown += f" … ({len(found)} in all)"
    where = "header row" if fmt == "csv" else "schema"
    message = (f"The {fmt.upper()} file's {where} has no column {names} ({hint}). Columns found: {shown}. "
               "Rename or add the column and upload again; nothing was stored.")
    raise Invalid(message, errors={"file.header": [message]})
