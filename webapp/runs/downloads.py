"""Downloads of run artifacts: a file as itself, a directory (a checkpoint, a final model) as an
uncompressed tar (weights do not compress) written as it is sent, so a multi-GB checkpoint never sits
in the web process's memory. The chunks come from an async iterator: Django would collect a sync
one into a list before sending it under ASGI."""
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


async def _in_threads(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Each chunk read in a worker thread (file I/O must not block the event loop)."""
    done = object()
    while (chunk := await sync_to_async(next, thread_sensitive=False)(chunks, done)) is not done:
        yield chunk


def artifact_response(path: Path, filename: str) -> StreamingHttpResponse:
    if path.is_dir():
        response = StreamingHttpResponse(_in_threads(tar_chunks(path, filename)), content_type="application/x-tar")
        filename += ".tar"
    else:
        response = StreamingHttpResponse(_in_threads(file_chunks(path)), content_type="application/octet-stream")
        response["Content-Length"] = str(path.stat().st_size)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
