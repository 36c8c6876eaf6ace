"""The team deployment file: valid for docker-compose, with the services the README promises, and
running the same entrypoints the integration tests start as real processes."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose_config() -> dict:
    result = subprocess.run(
        ["docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_compose_file_is_valid_and_has_every_service():
    config = compose_config()
    assert set(config["services"]) == {"postgres", "redis", "web", "worker-cpu", "worker-gpu"}
    assert set(config["volumes"]) == {"pgdata", "redisdata", "artifacts"}


def test_the_gpu_worker_reserves_nvidia_devices_and_serves_the_gpu_queue():
    gpu = compose_config()["services"]["worker-gpu"]
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert gpu["command"][:3] == ["python", "-m", "worker"] and "gpu" in gpu["command"][-1]


def test_services_run_the_entrypoints_the_integration_tests_exercise():
    from tests.integration import stack

    services = compose_config()["services"]
    web_command = " ".join(services["web"]["command"])
    assert "manage.py migrate" in web_command and "uvicorn webapp.asgi:application" in web_command
    assert services["worker-cpu"]["command"] == ["python", "-m", "worker", "--queues", "cpu"]
    source = Path(stack.__file__).read_text()
    assert '"uvicorn", "webapp.asgi:application"' in source and '"-m", "worker"' in source


def test_compose_refuses_to_start_without_a_secret_key(tmp_path):
    (tmp_path / "empty.env").write_text("")
    result = subprocess.run(
        ["docker-compose", "--env-file", str(tmp_path / "empty.env"), "-f", "docker-compose.yml", "config"],
        cwd=ROOT, capture_output=True, text=True,
        # compose also reads the shell's environment, where tests/settings.py put a key for the suite.
        env={k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_compose_refuses_to_start_without_a_public_url(tmp_path):
    (tmp_path / "key.env").write_text("SECRET_KEY=" + "k" * 50 + "\n")
    result = subprocess.run(
        ["docker-compose", "--env-file", str(tmp_path / "key.env"), "-f", "docker-compose.yml", "config"],
        cwd=ROOT, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL")},
    )
    assert result.returncode != 0 and "set PUBLIC_URL in .env" in result.stderr


def test_every_setting_in_env_example_is_read_by_the_settings_module():
    settings_source = (ROOT / "webapp" / "settings.py").read_text()
    names = [line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    compose_only = {"POSTGRES_PASSWORD"}
    for name in names:
        assert name in compose_only or f'"{name}"' in settings_source, name
