"""Safe extraction of an uploaded model archive (.tar, .tar.gz, .zip of a Hugging Face model directory).

Every member is checked before anything is written: no absolute paths, no `..`, no links or
devices, no path that is both a file and a folder (`config.json` and `config.json/x`) or given
twice, at most MAX_FILES files and MAX_BYTES uncompressed. A single top-level folder is unwrapped.
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


def extract_model_archive(handle: IO[bytes], destination: Path, *, max_bytes: int) -> Path:
    """Extracts into `destination` (which must not exist) and returns the model directory in it.
    On any error nothing is left behind."""
    members = []
    total = 0
    for name, size, opener in _members(handle):
        members.append((_check_name(name), size, opener))
        total += size
        if len(members) > MAX_FILES:
            raise Invalid(f"The archive has more than {MAX_FILES} files: a model directory has far fewer.",
                          field="file")
        if total > max_bytes:
            raise TooLarge(f"The archive unpacks to more than {max_bytes // 2**20} MiB (MODEL_MAX_UPLOAD_BYTES): "
                           "register the model from a server path instead.")
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
                    if written > max_bytes:  # a header that lied about its size
                        raise TooLarge(f"The archive unpacks to more than {max_bytes // 2**20} MiB.")
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
