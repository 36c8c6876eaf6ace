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


def security_settings(tmp_path, entry: str = "webapp.settings", **environment: str) -> subprocess.CompletedProcess:
    """Imports `entry` with `environment` (and no SECRET_KEY, DATABASE_URL, PUBLIC_URL unless given)."""
    code = ("import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings'); "
            f"import {entry}; from django.conf import settings as s; "
            "print(json.dumps({k: getattr(s, k, None) for k in ('SECRET_KEY', 'SESSION_COOKIE_SECURE', "
            "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'CONTENT_SECURITY_POLICY', 'SECURE_PROXY_SSL_HEADER', "
            "'PUBLIC_URL')}))")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "SECRET_KEY", "PUBLIC_URL", "SECURE_", "FRONTEND_DEV_SERVER",
                                "CONTENT_SECURITY_POLICY")) and k not in ("HOST", "PORT")}
    # The deployment's settings, not the suite's (which the pytest process names).
    env.update({"DISTILLERY_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "webapp.settings", **environment})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)


def test_a_deployment_with_a_database_server_refuses_to_start_without_a_secret_key(tmp_path):
    for entry in ("webapp.settings", "webapp.asgi", "webapp.wsgi"):
        result = security_settings(tmp_path, entry=entry, DATABASE_URL=POSTGRES)
        assert result.returncode != 0, entry
        assert "SECRET_KEY is not set" in result.stderr and "secrets.token_urlsafe" in result.stderr, entry


def test_the_published_placeholder_keys_are_refused_as_no_key(tmp_path):
    for placeholder in ("change-me-to-a-long-random-string",
                        "distillery-embedded-development-key-change-me-in-production"):
        result = security_settings(tmp_path, DATABASE_URL=POSTGRES, SECRET_KEY=placeholder)
        assert result.returncode != 0 and "SECRET_KEY is still the published placeholder" in result.stderr


def test_a_team_deployment_with_its_own_key_starts_with_it(tmp_path):
    settings = read(security_settings(tmp_path, entry="webapp.asgi", DATABASE_URL=POSTGRES, SECRET_KEY="k" * 50,
                                      PUBLIC_URL="https://distillery.example.org/"))
    assert settings["SECRET_KEY"] == "k" * 50
    assert settings["PUBLIC_URL"] == "https://distillery.example.org"


def test_the_embedded_default_starts_without_a_key_and_without_secure_cookies_or_hsts_on_http(tmp_path):
    settings = read(security_settings(tmp_path, entry="webapp.asgi"))
    assert settings["SECRET_KEY"]
    assert settings["SESSION_COOKIE_SECURE"] is False and settings["CSRF_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert "script-src 'self' 'unsafe-eval';" in settings["CONTENT_SECURITY_POLICY"]


def test_an_https_public_url_turns_on_secure_cookies_and_a_year_of_hsts_and_each_can_be_set(tmp_path):
    https = read(security_settings(tmp_path, entry="webapp.asgi", DATABASE_URL=POSTGRES, SECRET_KEY="k" * 50,
                                   PUBLIC_URL="https://distillery.example.org"))
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    chosen = read(security_settings(tmp_path, PUBLIC_URL="https://distillery.example.org", SECURE_COOKIES="0",
                                    SECURE_HSTS_SECONDS="600", SECURE_PROXY_SSL_HEADER="1",
                                    CONTENT_SECURITY_POLICY="off"))
    assert chosen["SESSION_COOKIE_SECURE"] is False and chosen["SECURE_HSTS_SECONDS"] == 600
    assert chosen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert chosen["CONTENT_SECURITY_POLICY"] == ""


def test_the_dev_server_is_let_into_the_policy_only_when_it_is_used(tmp_path):
    policy = read(security_settings(tmp_path, FRONTEND_DEV_SERVER="http://localhost:5173/"))["CONTENT_SECURITY_POLICY"]
    assert "script-src 'self' 'unsafe-eval' http://localhost:5173 'unsafe-inline'" in policy
    assert "connect-src 'self' http://localhost:5173 ws://localhost:5173" in policy


def test_a_deployment_with_a_database_server_refuses_to_start_without_its_public_url(tmp_path):
    for entry in ("webapp.settings", "webapp.asgi"):
        result = security_settings(tmp_path, entry=entry, DATABASE_URL=POSTGRES, SECRET_KEY="k" * 50)
        assert result.returncode != 0, entry
        assert "PUBLIC_URL is not set" in result.stderr and "links in invitation e-mails" in result.stderr, entry
        assert "PUBLIC_URL=https://" in result.stderr, "an example of what to write"


def test_the_embedded_default_public_url_is_the_address_make_run_serves_on(tmp_path):
    """scripts/run.py serves on HOST:PORT (default 127.0.0.1:8000): invitation links point there."""
    assert read(security_settings(tmp_path))["PUBLIC_URL"] == "http://127.0.0.1:8000"
    assert read(security_settings(tmp_path, PORT="9123"))["PUBLIC_URL"] == "http://127.0.0.1:9123"
    assert read(security_settings(tmp_path, HOST="10.1.2.3", PORT="81"))["PUBLIC_URL"] == "http://10.1.2.3:81"
    assert read(security_settings(tmp_path, HOST="::1"))["PUBLIC_URL"] == "http://[::1]:8000"
    import socket

    wildcard = read(security_settings(tmp_path, HOST="0.0.0.0", PORT="8080"))["PUBLIC_URL"]
    assert wildcard == f"http://{socket.gethostname()}:8080", "a wildcard bind stands for this machine's name"
    chosen = read(security_settings(tmp_path, PORT="9123", PUBLIC_URL="https://lab.example.org/distillery/"))
    assert chosen["PUBLIC_URL"] == "https://lab.example.org/distillery"
