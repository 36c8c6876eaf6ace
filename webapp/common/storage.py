"""Artifact storage beyond one machine.

Every file Distillery keeps (uploaded datasets, uploaded models, a run's checkpoints, final model
and tables) is written under ARTIFACT_ROOT by the process that made it. With ARTIFACT_STORE unset
(or "local") that directory is the store: one host, or a filesystem every host mounts at the same
path. With ARTIFACT_STORE=s3://bucket/prefix every such file is also put in an S3-compatible bucket
under `prefix/<its path relative to ARTIFACT_ROOT>`, and ARTIFACT_ROOT becomes each host's cache of
the bucket: a process that needs a file it does not have (a worker starting a run on a dataset
uploaded through another web host, the web serving a checkpoint a GPU host wrote, a run resuming on
another host) fetches it first.

Rules that keep readers from ever seeing half a thing:
- a directory is uploaded file by file, then its manifest (MANIFEST: every file and its size) is
  put last; a directory without a manifest in the bucket is not there yet (its worker may still be
  uploading it), and a fetch takes exactly the files the manifest lists;
- a fetch writes into a hidden sibling and renames it into place, so a path that exists locally is
  whole;
- a removal deletes the manifest first.

Store failures raise StoreError (HTTP 503 through the API) naming the settings to check; the web
tier keeps uploads in the same transaction as their rows, so a failed put stores nothing.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings

from webapp.common.errors import ServiceError

log = logging.getLogger("distillery.storage")

MANIFEST = ".distillery-manifest.json"  # what makes a directory complete in the store
# Spec keys whose values are files or directories a process reads (engine.spec.RunSpec,
# engine.generate and engine.inspect_model specs).
PATH_KEYS = ("path", "tokenizer", "soup", "resume_from")
USE_INDEX = ".distillery-cache-use.json"  # key -> when a task on this host last asked for it (worker/artifact_cache.py)
RETRY_ATTEMPTS = 5  # boto's standard retry mode: throttling, 5xx and dropped connections, with back-off


class StoreError(ServiceError):
    """The artifact store cannot be used right now: a deployment problem, not the caller's."""

    status_code = 503


class S3Store:
    """A bucket (and key prefix) of S3 or an S3-compatible service, through boto3."""

    def __init__(self, url: str, endpoint_url: str = "", region: str = "us-east-1"):
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise StoreError(f"ARTIFACT_STORE is '{url}': give 'local' or s3://BUCKET[/PREFIX].")
        import boto3
        from botocore.config import Config

        self.url = url.rstrip("/")
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/")
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region,
            config=Config(retries={"max_attempts": RETRY_ATTEMPTS, "mode": "standard"}, connect_timeout=10,
                          read_timeout=120),
        )

    def __repr__(self) -> str:
        return f"S3Store({self.url})"

    def _full(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _fail(self, doing: str, exc: Exception) -> StoreError:
        return StoreError(
            f"The artifact store {self.url} could not {doing}: {exc}. Check ARTIFACT_STORE, S3_ENDPOINT_URL and "
            "the AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) of this process."
        )

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise self._fail(f"find bucket '{self.bucket}'", exc) from None

    def put(self, local: Path, key: str) -> None:
        try:
            self.client.upload_file(str(local), self.bucket, self._full(key))
        except FileNotFoundError:
            raise
        except Exception as exc:
            raise self._fail(f"store {key}", exc) from None

    def get(self, key: str, local: Path) -> None:
        try:
            self.client.download_file(self.bucket, self._full(key), str(local))
        except Exception as exc:
            raise self._fail(f"read {key}", exc) from None

    def size(self, key: str) -> int | None:
        """The object's size, or None if there is no such object."""
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._full(key))["ContentLength"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self._fail(f"look up {key}", exc) from None
        except Exception as exc:
            raise self._fail(f"look up {key}", exc) from None

    def list(self, prefix: str) -> dict[str, int]:
        """Keys (relative to the store's prefix) under `prefix`, with their sizes."""
        found: dict[str, int] = {}
        strip = len(self._full(""))
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                              Prefix=self._full(prefix)):
                for item in page.get("Contents", []):
                    found[item["Key"][strip:]] = item["Size"]
        except Exception as exc:
            raise self._fail(f"list {prefix}", exc) from None
        return found

    def delete(self, keys: list[str]) -> None:
        try:
            for start in range(0, len(keys), 1000):
                batch = [{"Key": self._full(key)} for key in keys[start:start + 1000]]
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        except Exception as exc:
            raise self._fail(f"delete {len(keys)} object(s)", exc) from None


@lru_cache(maxsize=4)
def _store_for(url: str, endpoint_url: str, region: str) -> S3Store | None:
    if url in ("", "local"):
        return None
    return S3Store(url, endpoint_url, region)


def store() -> S3Store | None:
    """The configured remote store, or None when ARTIFACT_ROOT is the store."""
    return _store_for(settings.ARTIFACT_STORE, settings.S3_ENDPOINT_URL, settings.S3_REGION)


def describe() -> str:
    remote = store()
    return remote.url if remote else f"local ({settings.ARTIFACT_ROOT})"


def check() -> None:
    """Raises StoreError if the remote store cannot be reached (a worker checks this at start)."""
    remote = store()
    if remote is not None:
        remote.check()


def key_of(path: Path | str) -> str | None:
    """The store key of a path under ARTIFACT_ROOT; None for paths elsewhere (a server-local model
    directory, a hub snapshot), which are not the store's to keep."""
    root = Path(settings.ARTIFACT_ROOT).resolve()
    resolved = Path(os.path.abspath(path))
    if resolved != root and root in resolved.parents:
        return resolved.relative_to(root).as_posix()
    return None


def push(path: Path | str) -> int:
    """Puts a file, or every file of a directory and then its manifest, into the remote store.
    Returns the bytes sent (0 with no remote store, or for a path outside ARTIFACT_ROOT). Raises
    FileNotFoundError if the path is gone (the engine pruned it before it could be sent)."""
    remote, path = store(), Path(path)
    key = key_of(path)
    if remote is None or key is None:
        return 0
    if path.is_file():
        remote.put(path, key)
        return path.stat().st_size
    if not path.is_dir():
        raise FileNotFoundError(path)
    files = {p.relative_to(path).as_posix(): p.stat().st_size for p in sorted(path.rglob("*")) if p.is_file()}
    for name in files:
        remote.put(path / name, f"{key}/{name}")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"files": files}, handle)
    try:
        remote.put(Path(handle.name), f"{key}/{MANIFEST}")
    finally:
        os.unlink(handle.name)
    return sum(files.values())


def forget(path: Path | str) -> None:
    """Removes a file or directory from the remote store (what the engine pruned from its disk),
    manifest first so that no reader takes the rest for a whole directory."""
    remote, key = store(), key_of(path)
    if remote is None or key is None:
        return
    keys = list(remote.list(key + "/"))
    if remote.size(key) is not None:
        keys.append(key)
    manifest = f"{key}/{MANIFEST}"
    if manifest in keys:
        remote.delete([manifest])
        keys.remove(manifest)
    if keys:
        remote.delete(keys)


def _manifest(remote: S3Store, key: str, staging: Path) -> dict[str, int] | None:
    if remote.size(f"{key}/{MANIFEST}") is None:
        return None
    staging.mkdir(parents=True)
    remote.get(f"{key}/{MANIFEST}", staging / MANIFEST)
    try:
        return json.loads((staging / MANIFEST).read_text())["files"]
    finally:
        (staging / MANIFEST).unlink()


def pull(path: Path | str) -> bool:
    """Makes sure `path` (a file or a directory) is on this host, fetching it from the remote
    store if it is not. Returns whether it is here now: False if it is in neither place, or is a
    directory still being uploaded. Paths outside ARTIFACT_ROOT are left alone (True if they exist)."""
    path = Path(path)
    if path.exists():
        return True
    remote, key = store(), key_of(path)
    if remote is None or key is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.pull-{uuid.uuid4().hex[:8]}"
    try:
        files = _manifest(remote, key, staging)
        if files is not None:
            for name, size in files.items():
                parts = Path(name).parts
                if not parts or Path(name).is_absolute() or ".." in parts:
                    raise StoreError(f"The manifest of {key} in {remote.url} lists '{name}', which is not a path "
                                     "inside the directory: the bucket was written by something else; remove it.")
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                remote.get(f"{key}/{name}", target)
                if target.stat().st_size != size:
                    raise StoreError(f"{key}/{name} in {remote.url} is {target.stat().st_size} bytes, its manifest "
                                     f"says {size}: it was changed after it was stored.")
        elif remote.size(key) is not None:
            remote.get(key, staging)
        else:
            return False
        try:
            os.rename(staging, path)
        except OSError:
            if not path.exists():  # anything but a concurrent pull of the same path having won
                raise
        log.info("fetched %s from %s", key, remote.url)
        return True
    finally:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        elif staging.exists():
            staging.unlink()


def stored_checkpoints(output_dir: Path | str) -> dict[int, Path]:
    """Checkpoints (step -> local path) of a run's output directory that are whole in the remote
    store (their manifest is there)."""
    remote, key = store(), key_of(Path(output_dir) / "checkpoints")
    if remote is None or key is None:
        return {}
    steps = {}
    for member in remote.list(key + "/"):
        parts = member[len(key) + 1:].split("/")
        if len(parts) == 2 and parts[1] == MANIFEST and parts[0].startswith("step-") and parts[0][5:].isdigit():
            steps[int(parts[0][5:])] = Path(output_dir) / "checkpoints" / parts[0]
    return steps


def spec_paths(spec) -> list[str]:
    """Every file or directory a spec names (models, tokenizers, soup ingredients, data, resume)."""
    found: list[str] = []
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name in PATH_KEYS and isinstance(value, str) and value:
                found.append(value)
            elif name in PATH_KEYS and isinstance(value, list):
                found += [v for v in value if isinstance(v, str) and v]
            else:
                found += spec_paths(value)
    elif isinstance(spec, list):
        for item in spec:
            found += spec_paths(item)
    return found


def read_use_index() -> dict[str, float]:
    try:
        return json.loads((Path(settings.ARTIFACT_ROOT) / USE_INDEX).read_text())
    except (OSError, ValueError):
        return {}


def _record_use(keys: list[str]) -> None:
    """Notes that these keys were just asked for, for the bound on this host's cache. Written whole
    and renamed into place; two processes writing at once may lose one's note (the item then looks
    older than it is and may be fetched again later: nothing worse)."""
    root = Path(settings.ARTIFACT_ROOT)
    used = read_use_index()
    now = time.time()
    used.update({key: now for key in keys})
    staging = root / f".{USE_INDEX}.{uuid.uuid4().hex[:8]}"
    try:
        staging.write_text(json.dumps(used))
        os.replace(staging, root / USE_INDEX)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        log.warning("could not note the use of %d stored item(s): %s", len(keys), exc)


def pull_spec(spec: dict) -> None:
    """Fetches every input of a spec that lives in the store and is not on this host yet. A missing
    input is left for the engine to report (with its own message naming the path)."""
    if store() is None:
        return
    keys = []
    for path in dict.fromkeys(spec_paths(spec)):
        if key_of(path) is not None:
            keys.append(key_of(path))
            if not pull(path):
                log.warning("%s is neither on this host nor in %s", path, describe())
    if keys and settings.ARTIFACT_CACHE_MAX_BYTES:
        _record_use(keys)
