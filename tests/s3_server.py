"""An S3-compatible server for the tests: moto's standalone server (`python -m moto.server`) as a
real process on a loopback port, spoken to over HTTP by boto3 exactly as a deployment speaks to S3,
MinIO or Ceph. Nothing is patched inside the process under test."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid

import requests

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "distillery-tests", "AWS_SECRET_ACCESS_KEY": "distillery-tests-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Server:
    def __init__(self, log_path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(self.url, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto's S3 server did not start (see {log_path})")
            time.sleep(0.2)

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def new_bucket(self) -> str:
        name = f"distillery-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def env(self, bucket: str, prefix: str = "artifacts") -> dict[str, str]:
        """The environment of a Distillery process using this bucket as its artifact store."""
        return {"ARTIFACT_STORE": f"s3://{bucket}/{prefix}", "S3_ENDPOINT_URL": self.url, **CREDENTIALS}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
