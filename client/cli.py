"""`python -m client`: launch a run from a YAML file, follow it, and exit with its outcome.

Talks only to the REST API with a personal token, so it works from a laptop against a team
deployment. Models and datasets may be named instead of numbered: names resolve to the model of
that name and the newest version of the dataset of that name in the run's workspace.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import requests
import yaml

EXIT = {"succeeded": 0, "failed": 1, "cancelled": 3}
FINAL = set(EXIT)


class ApiError(Exception):
    pass


class Api:
    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, **kwargs) -> dict | list:
        try:
            response = self.session.request(method, f"{self.url}/api/v1{path}", timeout=60, **kwargs)
        except requests.ConnectionError:
            raise ApiError(f"Cannot reach {self.url}: is the server running, and is DISTILLERY_URL right?") from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"detail": response.text[:500]}
            message = body.get("detail", str(body))
            for path_, errors in (body.get("errors") or {}).items():
                message += f"\n  {path_}: {'; '.join(errors)}"
            raise ApiError(f"{method} {path}: {response.status_code}: {message}")
        return response.json() if response.content else {}

    def resolve(self, kind: str, workspace: str, ref) -> int | None:
        """An id stays an id; a name becomes the id of the model, or of the newest dataset version."""
        if ref is None or isinstance(ref, int):
            return ref
        page = self.call("GET", f"/{kind}/", params={"workspace": workspace, "page_size": 500})
        matches = [item for item in page["results"] if item["name"] == ref]
        if not matches:
            raise ApiError(f"There is no {kind[:-1]} named '{ref}' in workspace '{workspace}'.")
        return max(matches, key=lambda item: item.get("version", 0))["id"]


def load_run_file(path: str) -> dict:
    try:
        spec = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ApiError(f"No such file: {path}") from None
    except yaml.YAMLError as exc:
        raise ApiError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(spec, dict) or "workspace" not in spec or "method" not in spec:
        raise ApiError(f"{path} must be a mapping with at least 'workspace' and 'method' (and student, train_dataset).")
    return spec


def launch(api: Api, spec: dict) -> dict:
    workspace = spec["workspace"]
    body = dict(spec)
    for field in ("student", "teacher"):
        if field in body:
            body[field] = api.resolve("models", workspace, body[field])
    for field in ("train_dataset", "validation_dataset"):
        if field in body:
            body[field] = api.resolve("datasets", workspace, body[field])
    return api.call("POST", "/runs/", json=body)


def follow(api: Api, run_id: int, out=sys.stdout, interval: float = 2.0) -> dict:
    """Prints progress until the run ends; returns the final run."""
    last_line = ""
    while True:
        run = api.call("GET", f"/runs/{run_id}/")
        progress = run["progress"]
        loss = run["summaries"].get("train/loss", {}).get("last")
        line = f"run {run_id} {run['status']}"
        if progress["total"]:
            line += f"  step {progress['step']}/{progress['total']}"
        if loss is not None:
            line += f"  train/loss {loss:.4f}"
        if progress.get("eta_s") and run["status"] == "running":
            line += f"  eta {progress['eta_s']:.0f}s"
        if line != last_line:
            print(line, file=out, flush=True)
            last_line = line
        if run["status"] in FINAL:
            return run
        time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m client", description="Distillery command-line client.")
    parser.add_argument("--url", default=os.environ.get("DISTILLERY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("DISTILLERY_TOKEN"), help="or DISTILLERY_TOKEN")
    commands = parser.add_subparsers(dest="command", required=True)
    launch_cmd = commands.add_parser("launch", help="launch a run from a YAML file")
    launch_cmd.add_argument("file")
    launch_cmd.add_argument("--wait", action="store_true",
                            help="follow the run; exit 0/1/3 on succeeded/failed/cancelled")
    show = commands.add_parser("show", help="print a run as JSON")
    show.add_argument("run_id", type=int)
    wait = commands.add_parser("wait", help="follow a run until it ends")
    wait.add_argument("run_id", type=int)
    cancel = commands.add_parser("cancel", help="cancel a run")
    cancel.add_argument("run_id", type=int)
    args = parser.parse_args(argv)
    if not args.token:
        print("No API token: pass --token or set DISTILLERY_TOKEN (create one in workspace settings).", file=sys.stderr)
        return 2
    api = Api(args.url, args.token)
    try:
        if args.command == "launch":
            run = launch(api, load_run_file(args.file))
            print(f"launched run {run['id']} ({run['method']}) in {run['workspace']}: {args.url}/runs/{run['id']}")
            if not args.wait:
                return 0
            run = follow(api, run["id"])
        elif args.command == "wait":
            run = follow(api, args.run_id)
        elif args.command == "cancel":
            run = api.call("POST", f"/runs/{args.run_id}/cancel/")
            print(f"run {run['id']} {run['status']}")
            return 0
        else:
            print(json.dumps(api.call("GET", f"/runs/{args.run_id}/"), indent=2))
            return 0
    except ApiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if run["status"] != "succeeded" and run["error_message"]:
        print(run["error_message"], file=sys.stderr)
    return EXIT[run["status"]]
