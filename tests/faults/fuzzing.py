"""Fuzzing the API from docs/openapi.yaml with schemathesis, over HTTP, counting what came back.

`seed_workspace` gives the fuzzer real rows to hit (a finished run with metrics and an artifact, a
queued run, a share link, a template, a notification channel); `fuzz_operations` draws, for every
operation and for valid and invalid input, `examples` cases from the schema, sends each (with
real ids from the seed half the time, so that requests get past the 404), and checks every answer
against the schema. A failure is kept (the first per operation and check, with a curl line to
reproduce it) rather than raised, so one run counts everything.
"""
from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Checks an answer must pass: no 5xx, and a status code, media type, headers and body the schema
# declares for the operation.
CHECK_NAMES = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
               "response_headers_conformance", "response_schema_conformance")


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    server_errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"{self.requests} requests over {self.operations} operations, {self.server_errors} answered 5xx; "
                 f"statuses {dict(sorted(self.statuses.items()))}"]
        lines += [f"- {operation}: {check}: {detail}" for (operation, check), detail in sorted(self.failures.items())]
        return "\n".join(lines)


def seed_workspace(cast, registry_objects) -> dict:
    """Real rows for the fuzzer's path parameters, and the member's API token."""
    from webapp.accounts.services import api_token_create
    from webapp.notifications.services import channel_create
    from webapp.runs.models import Run, RunStatus
    from webapp.runs.services.metrics import metrics_ingest
    from webapp.runs.services.reports import artifact_record
    from webapp.runs.services.runs import run_create
    from webapp.runs.services.share_links import share_link_create
    from webapp.runs.services.templates import template_create

    member, lab = cast["member"], cast["workspace"]

    runs = [run_create(workspace=lab, user=member, name=f"kd-{i}", method="kd_forward_kl",
                       student=registry_objects["student"], teacher=registry_objects["teacher"],
                       train_dataset=registry_objects["train"], validation_dataset=registry_objects["validation"],
                       config={"training": {"max_steps": 20}}) for i in range(2)]
    Run.objects.filter(pk=runs[0].pk).update(status=RunStatus.SUCCEEDED)
    metrics_ingest(run=runs[0], points=[(name, step, 1.0 / (step + 1), 1_700_000_000.0 + step)
                                        for name in ("train/loss", "eval/loss") for step in range(20)])
    artifact = artifact_record(run=runs[0], kind="table", name="samples", path="/nonexistent/samples.json",
                               step=10, size_bytes=10)
    link = share_link_create(workspace=lab, user=member, runs=[runs[0]], title="shared")
    template = template_create(workspace=lab, user=member, name="kd-template", method="kd_forward_kl",
                               config={"training": {"max_steps": 20}}, student=registry_objects["student"],
                               teacher=registry_objects["teacher"], train_dataset=registry_objects["train"])
    channel = channel_create(workspace=lab, user=member, kind="email", target="team@example.org",
                             events=["run.failed"])
    other_token, _ = api_token_create(user=member, name="spare")
    _, token = api_token_create(user=member, name="fuzz")
    models = [registry_objects["student"].pk, registry_objects["teacher"].pk]
    datasets = [registry_objects["train"].pk, registry_objects["validation"].pk]
    return {
        "token": token,
        "member": member,
        "workspace": lab,
        # Ids by the path's first segment (/api/v1/<segment>/{id}/...), other values by name.
        "ids": {"runs": [runs[0].pk, runs[1].pk], "models": models, "datasets": datasets,
                "templates": [template.pk], "notifications": [channel.pk], "share-links": [link.pk],
                "tokens": [other_token.pk]},
        "path": {"artifact_id": [artifact.pk], "slug": ["lab"], "username": ["viewer", "member"],
                 "token": [link.token], "name": ["kd_forward_kl", "dpo"]},
        "fields": {"workspace": ["lab"], "run": [runs[0].pk], "runs": [f"{runs[0].pk},{runs[1].pk}"],
                   "student": models, "teacher": models, "train_dataset": datasets,
                   "validation_dataset": datasets, "method": ["kd_forward_kl"]},
    }


def _checks():
    import schemathesis.checks as generic
    import schemathesis.openapi.checks as openapi

    return [getattr(generic, name, None) or getattr(openapi, name) for name in CHECK_NAMES]


def _use_real_values(case, data: dict, rng: random.Random) -> None:
    segment = case.path.removeprefix("/api/v1/").split("/")[0]
    for name in list(case.path_parameters or {}):
        if name == "id" and segment in data["ids"]:
            case.path_parameters[name] = rng.choice(data["ids"][segment])
        elif name in data["path"]:
            case.path_parameters[name] = rng.choice(data["path"][name])
    for container in (case.query, case.body):
        if isinstance(container, dict):
            for name in list(container):
                if name in data["fields"]:
                    value = rng.choice(data["fields"][name])
                    container[name] = value if container is case.query or name != "runs" else \
                        [int(v) for v in str(value).split(",")]


def _repair(data: dict) -> None:
    """Undoes what a fuzzed request may do to the fuzzer itself: revoke its token, take the member
    out of the workspace."""
    from webapp.accounts.models import ApiToken, Membership, Role
    from webapp.accounts.services import api_token_create

    if not ApiToken.objects.filter(user=data["member"], name="fuzz", revoked_at__isnull=True).exists():
        _, data["token"] = api_token_create(user=data["member"], name="fuzz")
    Membership.objects.get_or_create(user=data["member"], workspace=data["workspace"],
                                     defaults={"role": Role.MEMBER})


def _failure_text(exc: BaseException) -> str:
    failures = getattr(exc, "exceptions", None) or [exc]
    return " | ".join(" ".join(str(getattr(f, "title", "")) .split() + str(f).split())[:300] for f in failures)


def _one_operation(operation, mode, *, base_url: str, data: dict, examples: int, report: FuzzReport,
                   checks: list, rng: random.Random, session) -> None:
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable

    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
    @settings(max_examples=examples, database=None, deadline=None, derandomize=True, verbosity=Verbosity.quiet,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def send(case, real):
        if real:
            _use_real_values(case, data, rng)
        try:
            session.cookies.clear()  # each request signs in by its token alone
            response = case.call(base_url=base_url, session=session, timeout=60,
                                 headers={"Authorization": f"Token {data['token']}"})
        except Exception as exc:  # a case schemathesis cannot send (a body it cannot serialise)
            if type(exc).__name__ in ("SerializationNotPossible", "InvalidHeader", "InvalidURL"):
                return
            raise
        report.requests += 1
        report.statuses[response.status_code] += 1
        if response.status_code >= 500:
            report.server_errors += 1
        try:
            case.validate_response(response, checks=checks)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup: keep the first per kind
            kinds = "+".join(sorted({type(failure).__name__ for failure in getattr(exc, "exceptions", [exc])}))
            key = (label, f"{response.status_code} {kinds}")
            report.failures.setdefault(key, f"{_failure_text(exc)} -- {case.as_curl_command()}"[:1200])
        if case.method.upper() in ("DELETE", "PATCH", "POST") or response.status_code == 401:
            _repair(data)

    try:
        send()
    except Unsatisfiable:  # no invalid input exists (an operation without parameters or body)
        pass


def fuzz_operations(schema_path: Path, *, base_url: str, data: dict, examples: int) -> FuzzReport:
    import schemathesis
    from schemathesis import GenerationMode

    import requests

    schema = schemathesis.openapi.from_path(str(schema_path))
    report, checks, session = FuzzReport(), _checks(), requests.Session()
    rng = random.Random(int(os.environ.get("DISTILLERY_FUZZ_SEED", 19)))
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _one_operation(operation, mode, base_url=base_url, data=data, examples=examples, report=report,
                           checks=checks, rng=rng, session=session)
    return report
