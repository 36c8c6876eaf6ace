"""The committed OpenAPI schema (docs/openapi.yaml) is what the code generates: regenerate it with
`.venv/bin/python manage.py spectacular --file docs/openapi.yaml` when the API changes."""
from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_openapi_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    committed = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    assert yaml.safe_load(generated.read_text()) == committed, (
        "docs/openapi.yaml is stale: run `.venv/bin/python manage.py spectacular --file docs/openapi.yaml`"
    )


def test_every_operation_declares_token_and_session_security():
    schema = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    schemes = set(schema["components"]["securitySchemes"])
    assert schemes == {"apiToken", "session"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith(("/api/v1/auth/login", "/api/v1/shared/")):
                continue
            names = {name for requirement in operation.get("security", []) for name in requirement}
            assert {"apiToken", "session"} <= names, f"{method.upper()} {path}"
