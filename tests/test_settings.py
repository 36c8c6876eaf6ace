"""How the environment becomes the database settings: the web server's connection pool
(webapp/asgi.py, DATABASE_POOL_SIZE) and the connection names operators see in pg_stat_activity.
Each case imports the settings in a fresh interpreter, as a server process would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgres://postgres@127.0.0.1:5432/distillery"


def database_settings(tmp_path, entry: str = "webapp.settings", **environment: str) -> subprocess.CompletedProcess:
    code = ("import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings'); "
            f"import {entry}; from django.conf import settings; "
            "d = settings.DATABASES['default']; "
            "print(json.dumps({'options': d.get('OPTIONS', {}), 'checks': d['CONN_HEALTH_CHECKS']}))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update({"DISTILLERY_DATA_DIR": str(tmp_path), "DATABASE_URL": POSTGRES, **environment})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)


def read(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_processes_other_than_the_web_server_keep_no_pool(tmp_path):
    settings = read(database_settings(tmp_path))
    assert "pool" not in settings["options"]
    assert settings["options"]["application_name"] == "distillery"


def test_the_web_server_entry_point_pools_ten_checked_connections_named_distillery_web(tmp_path):
    settings = read(database_settings(tmp_path, entry="webapp.asgi"))
    assert settings["options"]["pool"]["max_size"] == 10 and settings["options"]["pool"]["min_size"] == 2
    assert settings["checks"] is True, "a connection PostgreSQL dropped is replaced, not handed to a request"
    assert settings["options"]["application_name"] == "distillery-web"


def test_the_pool_size_and_name_come_from_the_environment_and_zero_turns_the_pool_off(tmp_path):
    settings = read(database_settings(tmp_path, entry="webapp.asgi", DATABASE_POOL_SIZE="3",
                                      DATABASE_APPLICATION_NAME="web-eu-1"))
    assert settings["options"]["pool"]["max_size"] == 3
    assert settings["options"]["application_name"] == "web-eu-1"
    assert "pool" not in read(database_settings(tmp_path, entry="webapp.asgi", DATABASE_POOL_SIZE="0"))["options"]


def test_the_embedded_database_has_no_pool(tmp_path):
    settings = read(database_settings(tmp_path, entry="webapp.asgi", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"))
    assert "pool" not in settings["options"] and "application_name" not in settings["options"]


def test_a_pool_size_that_is_not_a_number_stops_start_up_saying_what_to_write(tmp_path):
    result = database_settings(tmp_path, entry="webapp.asgi", DATABASE_POOL_SIZE="ten")
    assert result.returncode != 0
    assert "DATABASE_POOL_SIZE='ten' is not a whole number of connections" in result.stderr


def test_only_the_test_settings_hash_passwords_fast(tmp_path):
    """The suite hashes with MD5 (tests/settings.py); a deployment imports webapp.settings, which keeps
    Django's own hashers (PBKDF2 first)."""
    from django.conf import settings

    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    code = ("import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'webapp.settings'; import django; django.setup(); "
            "from django.conf import settings; print(json.dumps(settings.PASSWORD_HASHERS))")
    env = {**os.environ, "DISTILLERY_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
