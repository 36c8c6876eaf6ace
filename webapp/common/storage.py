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
- a directory is uploaded file by file with its completeness marker (a checkpoint's
  trainer_state.pt, which the engine also writes last) put last, and a checkpoint counts as stored
  only once its marker is in the bucket;
- a fetch writes into a hidden sibling and renames it into place, so a path that exists locally is
  whole.

Store failures raise StoreError (HTTP 503 through the API) naming the settings to check; the web
tier keeps uploads in the same transaction as their rows, so a failed put stores nothing.
"""
from __future__ import annotations

import logging
import os
import shutil
import uuid
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings

from webapp.common.errors import ServiceError

log = logging.getLogger("distillery.storage")

COMPLETE_MARKER = "trainer_state.pt"
# Spec keys whose values are files or directories a process reads (engine.config.RunSpec,
# engine.generate and engine.inspect_model specs).
PATH_KEYS = ("path", "tokenizer", "soup", "resume_from")
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
            config=Config(retries={"max_attempts": RETRY_ATTEMPTS, "mode": "standard"}, connect_timeout=10, read_timeout=120),
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


def _files_in_upload_order(directory: Path) -> list[Path]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    # The completeness marker goes last: a reader that sees it sees everything else too.
    return [p for p in files if p.name != COMPLETE_MARKER] + [p for p in files if p.name == COMPLETE_MARKER]


def push(path: Path | str) -> int:
    """Puts a file, or every file of a directory, into the remote store. Returns the bytes sent
    (0 with no remote store, or for a path outside ARTIFACT_ROOT)."""
    remote, path = store(), Path(path)
    key = key_of(path)
    if remote is None or key is None:
        return 0
    sent = 0
    for file in ([path] if path.is_file() else _files_in_upload_order(path) if path.is_dir() else []):
        remote.put(file, key_of(file))
        sent += file.stat().st_size
    if not sent and not path.exists():
        raise FileNotFoundError(path)
    return sent


def forget(path: Path | str) -> None:
    """Removes a file or directory from the remote store (what the engine pruned from its disk)."""
    remote, key = store(), key_of(path)
    if remote is None or key is None:
        return
    keys = list(remote.list(key + "/"))
    if remote.size(key) is not None:
        keys.append(key)
    if keys:
        # The marker first: a half-deleted checkpoint must not look complete.
        keys.sort(key=lambda k: not k.endswith("/" + COMPLETE_MARKER))
        remote.delete(keys)


def pull(path: Path | str) -> bool:
    """Makes sure `path` (a file or a directory) is on this host, fetching it from the remote
    store if it is not. Returns whether it is here now. Paths outside ARTIFACT_ROOT are left alone
    (True if they exist)."""
    path = Path(path)
    if path.exists():
        return True
    remote, key = store(), key_of(path)
    if remote is None or key is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.pull-{uuid.uuid4().hex[:8]}"
    try:
        members = remote.list(key + "/")
        if members:
            for member in sorted(members):
                target = staging / member[len(key) + 1:]
                target.parent.mkdir(parents=True, exist_ok=True)
                remote.get(member, target)
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
    """Complete checkpoints (step -> local path) of a run's output directory in the remote store:
    those whose completeness marker is there."""
    remote, key = store(), key_of(Path(output_dir) / "checkpoints")
    if remote is None or key is None:
        return {}
    steps = {}
    for member in remote.list(key + "/"):
        parts = member[len(key) + 1:].split("/")
        if len(parts) == 2 and parts[1] == COMPLETE_MARKER and parts[0].startswith("step-") and parts[0][5:].isdigit():
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


def pull_spec(spec: dict) -> None:
    """Fetches every input of a spec that lives in the store and is not on this host yet. A missing
    input is left for the engine to report (with its own message naming the path)."""
    if store() is None:
        return
    for path in dict.fromkeys(spec_paths(spec)):
        if key_of(path) is not None and not pull(path):
            log.warning("%s is neither on this host nor in %s", path, describe())
