"""Downloads of run artifacts and of a run's metrics at full resolution. An artifact file comes as
itself, a directory (a checkpoint, a final model) as an uncompressed tar (weights do not compress)
written as it is sent, so a multi-GB checkpoint never sits in the web process's memory. The chunks
come from an async iterator: Django would collect a sync one into a list before sending it under
ASGI."""
from __future__ import annotations

import tarfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

CHUNK = 1 << 20
BLOCK = tarfile.BLOCKSIZE


def file_chunks(path: Path, size: int | None = None) -> Iterator[bytes]:
    """The file's bytes in chunks; with `size`, exactly that many (zero-padded if it shrank)."""
    remaining = size
    with open(path, "rb") as handle:
        while remaining is None or remaining > 0:
            chunk = handle.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk
    if remaining:
        yield b"\0" * remaining


def tar_chunks(directory: Path, arcname: str) -> Iterator[bytes]:
    """A POSIX (pax) tar of the directory's files and folders under `arcname/`, streamed: each
    member's header, its bytes, the padding to a 512-byte block, and the two empty end blocks.
    Symbolic links and special files are left out."""
    root = tarfile.TarInfo(arcname)
    root.type, root.mode, root.mtime = tarfile.DIRTYPE, 0o755, int(directory.stat().st_mtime)
    yield root.tobuf(tarfile.PAX_FORMAT)
    for path in sorted(directory.rglob("*")):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            continue
        stat = path.stat()
        info = tarfile.TarInfo(f"{arcname}/{path.relative_to(directory).as_posix()}")
        info.mtime = int(stat.st_mtime)
        if path.is_dir():
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            yield info.tobuf(tarfile.PAX_FORMAT)
            continue
        info.size, info.mode = stat.st_size, 0o644
        yield info.tobuf(tarfile.PAX_FORMAT)
        yield from file_chunks(path, info.size)
        if info.size % BLOCK:
            yield b"\0" * (BLOCK - info.size % BLOCK)
    yield b"\0" * (2 * BLOCK)


async def _in_threads(chunks: Iterator[bytes], thread_sensitive: bool = False) -> AsyncIterator[bytes]:
    """Each chunk made in a worker thread (file I/O must not block the event loop); with
    `thread_sensitive`, in the request's own thread, where its database connection lives."""
    done = object()
    while (chunk := await sync_to_async(next, thread_sensitive=thread_sensitive)(chunks, done)) is not done:
        yield chunk


EXPORT_CHUNK = 20_000


def metric_pages(run_id: int, names: list[str]) -> Iterator[list[tuple[str, int, float, float]]]:
    """Every point of the run's metrics (all, or `names`) by name and step, in pages of at most
    EXPORT_CHUNK read by keyset along the (run, name, step) unique index: no long-lived cursor,
    constant memory. Plain SQL: the ORM's row objects cost more than the query here."""
    from django.db import connection

    from webapp.runs.models import MetricPoint

    table = connection.ops.quote_name(MetricPoint._meta.db_table)
    select = f"SELECT name, step, value, wall FROM {table} WHERE run_id = %s"
    if names:
        select += f" AND name IN ({', '.join(['%s'] * len(names))})"
    order = " ORDER BY name, step LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(select + order, [run_id, *names, EXPORT_CHUNK])
        while page := cursor.fetchall():
            yield page
            if len(page) < EXPORT_CHUNK:
                return
            cursor.execute(select + " AND (name, step) > (%s, %s)" + order,
                           [run_id, *names, page[-1][0], page[-1][1], EXPORT_CHUNK])


def _csv_chunks(run_id: int, pages: Iterator[list[tuple]]) -> Iterator[bytes]:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["run", "name", "step", "value", "wall"])
    for page in pages:
        # csv writes floats with repr(), so the values read back exactly.
        writer.writerows((run_id, *point) for point in page)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def _json_chunks(run_id: int, pages: Iterator[list[tuple]]) -> Iterator[bytes]:
    import json

    yield f'{{"run": {run_id}, "columns": ["name", "step", "value", "wall"], "points": ['.encode()
    for count, page in enumerate(pages):
        # One dumps per page (the C encoder does the loop); its brackets are this array's.
        yield (("," if count else "") + json.dumps(page)[1:-1]).encode()
    yield b"]}\n"


def metrics_export_response(run_id: int, names: list[str], fmt: str) -> StreamingHttpResponse:
    """Every point at full resolution, streamed: CSV (run,name,step,value,wall, values as Python
    reprs so they read back exactly) or one JSON document {run, columns, points: [[...], ...]}."""
    pages = metric_pages(run_id, names)
    chunks = _csv_chunks(run_id, pages) if fmt == "csv" else _json_chunks(run_id, pages)
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(_in_threads(chunks, thread_sensitive=True), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=run-{run_id}-metrics.{fmt}"
    return response


def artifact_response(path: Path, filename: str) -> StreamingHttpResponse:
    if path.is_dir():
        response = StreamingHttpResponse(_in_threads(tar_chunks(path, filename)), content_type="application/x-tar")
        filename += ".tar"
    else:
        response = StreamingHttpResponse(_in_threads(file_chunks(path)), content_type="application/octet-stream")
        response["Content-Length"] = str(path.stat().st_size)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
