"""Shared fixtures: one cast of users (owner, member, viewer, outsider) in one workspace, API
clients authenticated with real API tokens, and tiny files to upload; and which tests share an
xdist worker (xdist_group_of)."""
from __future__ import annotations

import io
import json

import pytest

TINY_LLAMA = {
    "model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 64, "hidden_size": 16,
    "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 2,
    "max_position_embeddings": 64,
}


# Directories whose modules build expensive module- or session-scoped fixtures (trained models, live
# stacks): under `pytest -n N --dist loadgroup` each module (each stack flavour of it) runs on one
# worker, so the fixture is built once; tests/browser shares one stack and one Chromium, so it is one
# group. Elsewhere fixtures are per test and tests spread over the workers one by one.
GROUPED_BY_MODULE = ("engine", "integration", "faults")


def xdist_group_of(item: pytest.Item) -> str | None:
    parts = item.path.relative_to(item.config.rootpath / "tests").parts
    if parts[0] == "browser":
        return "browser"
    if parts[0] in GROUPED_BY_MODULE:
        callspec = getattr(item, "callspec", None)
        flavour = callspec.params.get("stack") if callspec else None
        return "-".join(str(p) for p in (*parts, flavour) if p is not None)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # not an xdist worker: nothing to group
        return
    for item in items:
        group = xdist_group_of(item)
        # A test that names its own group (the architecture matrix: one per model family) keeps it.
        if group and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))
    # Longest first, so that no worker starts a long unit last while the other sits idle: the live
    # stacks and the browser, then the other groups (engine modules with trained fixtures, the
    # matrix's families), and last the single tests, which fill the gaps at the end. Every worker
    # sorts alike, as xdist requires.
    items.sort(key=schedule_rank)


def schedule_rank(item: pytest.Item) -> int:
    """0 for a live-stack or browser test, 1 for another test in a group, 2 for a test on its own."""
    if item.path.relative_to(item.config.rootpath / "tests").parts[0] in ("browser", "integration", "faults"):
        return 0
    return 1 if item.get_closest_marker("xdist_group") is not None else 2


def jsonl(rows: list) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def upload(name: str, rows: list) -> io.BytesIO:
    handle = io.BytesIO(jsonl(rows))
    handle.name = name
    return handle


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Each test starts with no sign-in failures or invitations counted (tests.settings keeps
    Django's cache in this process's memory, so clearing it touches nothing shared)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.ARTIFACT_ROOT = tmp_path / "artifacts"
    settings.MODEL_PATH_ALLOWED_ROOTS = [(tmp_path / "models").resolve()]
    (tmp_path / "models").mkdir()
    return tmp_path


@pytest.fixture
def cast(db, data_dir):
    """owner / member / viewer of workspace 'lab', and an outsider with a workspace of their own."""
    from webapp.accounts.models import Membership, Role, User
    from webapp.accounts.services import workspace_create

    users = {name: User.objects.create_user(username=name, password=f"{name}-password") for name in
             ("owner", "member", "viewer", "outsider")}
    lab = workspace_create(user=users["owner"], name="Lab", slug="lab")
    Membership.objects.create(user=users["member"], workspace=lab, role=Role.MEMBER)
    Membership.objects.create(user=users["viewer"], workspace=lab, role=Role.VIEWER)
    workspace_create(user=users["outsider"], name="Elsewhere", slug="elsewhere")
    return {"workspace": lab, **users}


@pytest.fixture
def api(cast):
    """api("member") -> a DRF client sending that user's real API token."""
    from rest_framework.test import APIClient

    from webapp.accounts.services import api_token_create

    def client_for(username: str) -> APIClient:
        _, plain = api_token_create(user=cast[username], name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {plain}")
        return client

    return client_for


@pytest.fixture
def tokenizer_dir(data_dir):
    directory = data_dir / "models" / "tokenizer"
    directory.mkdir()
    return directory


@pytest.fixture
def registry_objects(cast, tokenizer_dir):
    """A student, a teacher (same vocabulary) and train/validation text datasets in 'lab'."""
    from webapp.registry.services.datasets import dataset_upload
    from webapp.registry.services.models import model_register_from_config

    owner, lab = cast["owner"], cast["workspace"]
    student = model_register_from_config(workspace=lab, user=owner, name="student", config=TINY_LLAMA,
                                         tokenizer_path=str(tokenizer_dir))
    teacher = model_register_from_config(workspace=lab, user=owner, name="teacher", config=TINY_LLAMA,
                                         tokenizer_path=str(tokenizer_dir))
    rows = [{"text": f"def f{i}(): return {i}"} for i in range(10)]
    train, _ = dataset_upload(workspace=lab, user=owner, name="train", kind="text", upload=upload("t.jsonl", rows))
    validation, _ = dataset_upload(workspace=lab, user=owner, name="val", kind="text",
                                   upload=upload("v.jsonl", rows[:3]))
    return {"student": student, "teacher": teacher, "train": train, "validation": validation}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server as a real process, for the whole session."""
    from tests.s3_server import S3Server

    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def s3_store(settings, data_dir, s3_server, monkeypatch):
    """This test's processes keep artifacts in a fresh bucket (under the prefix 'artifacts') of the
    S3 server. Returns (server, bucket)."""
    from tests.s3_server import CREDENTIALS

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = s3_server.new_bucket()
    settings.ARTIFACT_STORE = f"s3://{bucket}/artifacts"
    settings.S3_ENDPOINT_URL = s3_server.url
    return s3_server, bucket
