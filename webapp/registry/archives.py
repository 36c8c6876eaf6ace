"""Safe extraction of an uploaded model archive (.tar, .tar.gz, .zip of a Hugging Face model directory).

Every member is checked before anything is written: no absolute paths, no `..`, no links or
devices, no path that is both a file and a folder (`config.json` and `config.json/x`) or given
twice, at most MAX_FILES files. Unpacked, it may hold at most `max_bytes` (MODEL_MAX_UPLOAD_BYTES) and
at most `max_ratio` (MODEL_MAX_UNPACK_RATIO) times the archive's own size (an archive bomb expands
a thousandfold; model weights barely compress), checked first from the headers and then from the
bytes really written, since headers can lie. A single top-level folder is unwrapped.
A damaged archive (a header that lies about a size, a bad checksum, an unsupported compression or
encryption) is a 400 that says so, found while reading, with nothing left behind.
"""
from __future__ import annotations

import lzma
import shutil
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from webapp.common.errors import Invalid, TooLarge

MAX_FILES = 10_000
# What the zip and tar readers raise for an archive whose contents contradict its headers.
# RuntimeError and NotImplementedError: zipfile's "File is encrypted" and unsupported compression.
DAMAGED = (zipfile.BadZipFile, tarfile.TarError, zlib.error, lzma.LZMAError, EOFError, RuntimeError,
           NotImplementedError)


def _damaged(exc: BaseException) -> Invalid:
    return Invalid(f"The archive is damaged or unsupported ({type(exc).__name__}: {exc}): make it again with zip or "
                   "tar (no encryption) and upload it again.", field="file")


def _check_layout(paths: list[PurePosixPath]) -> None:
    """Every path names one file, none is another's folder: extraction could not write them all."""
    files: set[tuple[str, ...]] = set()
    folders: set[tuple[str, ...]] = set()
    for path in paths:
        if not path.parts:
            raise Invalid("The archive has a member with an empty name.", field="file")
        if path.parts in files:
            raise Invalid(f"The archive has '{path}' twice: each file may appear once.", field="file")
        files.add(path.parts)
        folders.update(path.parts[:end] for end in range(1, len(path.parts)))
    for clash in sorted(files & folders):
        raise Invalid(f"The archive has '{PurePosixPath(*clash)}' both as a file and as a folder of other files.",
                      field="file")


def _check_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith(("/", "\\")) or ".." in path.parts or "\\" in name:
        raise Invalid(f"The archive has an unsafe path '{name}': paths must stay inside the archive.", field="file")
    return path


def _members(handle: IO[bytes]):
    """(name, size, opener) for each member, or an Invalid error naming the problem."""
    try:
        yield from _read_members(handle)
    except DAMAGED as exc:
        raise _damaged(exc) from None


def _read_members(handle: IO[bytes]):
    handle.seek(0)
    if zipfile.is_zipfile(handle):
        handle.seek(0)
        archive = zipfile.ZipFile(handle)
        for info in archive.infolist():
            if info.is_dir():
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise Invalid(f"The archive has a symbolic link '{info.filename}': links are not allowed.",
                              field="file")
            yield info.filename, info.file_size, (lambda info=info: archive.open(info))
        return
    handle.seek(0)
    try:
        archive = tarfile.open(fileobj=handle, mode="r:*")
    except tarfile.TarError:
        raise Invalid("The file is not a .zip, .tar or .tar.gz archive of a model directory.", field="file") from None
    for member in archive.getmembers():
        if member.isdir():
            continue
        if not member.isfile():
            raise Invalid(f"The archive has a link or special file '{member.name}': only regular files are allowed.",
                          field="file")
        yield member.name, member.size, (lambda member=member: archive.extractfile(member))


# An archive may always unpack to this much, whatever its ratio: a tiny archive of a small config
# compresses well without being a bomb.
RATIO_FLOOR_BYTES = 1024 * 1024


def _archive_size(handle: IO[bytes]) -> int:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    return size


def _unpack_limit(handle: IO[bytes], max_bytes: int, max_ratio: float):
    """(bytes the archive may unpack to, the error past it)."""
    archive = _archive_size(handle)
    by_ratio = max(int(archive * max_ratio), RATIO_FLOOR_BYTES)
    if by_ratio < max_bytes:
        return by_ratio, TooLarge(
            f"The archive unpacks to more than {max_ratio:g} times its own size of {archive} bytes "
            "(MODEL_MAX_UNPACK_RATIO): model weights barely compress, so this is refused as an archive bomb; "
            "nothing was stored. Upload the model directory as a plain .tar, register it from a server path, "
            "or ask the operator to raise MODEL_MAX_UNPACK_RATIO.")
    return max_bytes, TooLarge(
        f"The archive unpacks to more than {max_bytes / 2**20:g} MiB (MODEL_MAX_UPLOAD_BYTES); nothing was stored. "
        "Register the model from a server path instead, or ask the operator to raise MODEL_MAX_UPLOAD_BYTES.")


def extract_model_archive(handle: IO[bytes], destination: Path, *, max_bytes: int, max_ratio: float) -> Path:
    """Extracts into `destination` (which must not exist) and returns the model directory in it.
    On any error nothing is left behind."""
    limit, too_large = _unpack_limit(handle, max_bytes, max_ratio)
    members = []
    total = 0
    for name, size, opener in _members(handle):
        members.append((_check_name(name), size, opener))
        total += size
        if len(members) > MAX_FILES:
            raise Invalid(f"The archive has more than {MAX_FILES} files: a model directory has far fewer.",
                          field="file")
        if total > limit:
            raise too_large
    if not members:
        raise Invalid("The archive is empty.", field="file")
    tops = {path.parts[0] for path, _, _ in members if path.parts}
    strip = 1 if len(tops) == 1 and all(len(path.parts) > 1 for path, _, _ in members) else 0
    _check_layout([PurePosixPath(*path.parts[strip:]) for path, _, _ in members])
    destination.mkdir(parents=True)
    try:
        written = 0
        for path, size, opener in members:
            target = destination.joinpath(*path.parts[strip:])
            target.parent.mkdir(parents=True, exist_ok=True)
            with opener() as source, open(target, "wb") as out:
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > limit:  # a header that lied about its size
                        raise too_large
                    out.write(chunk)
        if not (destination / "config.json").is_file():
            raise Invalid("The archive has no config.json at its top level: upload a Hugging Face model directory "
                          "(saved with save_pretrained).", field="file")
    except DAMAGED as exc:
        shutil.rmtree(destination, ignore_errors=True)
        raise _damaged(exc) from None
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
    return destination
