"""One settings module for every process (web, worker, management commands).

Every setting comes from the environment; the defaults are the embedded single-machine set-up
(SQLite in WAL mode, a filesystem Celery broker, artifacts under ./var), so `make run` needs no
server. A team deployment sets DATABASE_URL, CELERY_BROKER_URL, ARTIFACT_ROOT, SECRET_KEY, ...
(see .env.example and docker-compose.yml).

It is a little over 400 lines on purpose: Django reads one settings module, and keeping every
setting with its environment variable and its check in one place is what an operator greps.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DISTILLERY_DATA_DIR", BASE_DIR / "var")).resolve()
ARTIFACT_ROOT = Path(os.environ.get("ARTIFACT_ROOT", DATA_DIR / "artifacts")).resolve()
# Where artifacts live beyond this machine (webapp/common/storage.py): empty or "local" keeps them in
# ARTIFACT_ROOT only (one host, or a filesystem shared by every host at the same path);
# "s3://bucket/prefix" also keeps every file in an S3-compatible bucket, and ARTIFACT_ROOT becomes each
# host's cache of it. Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an
# instance role); S3_ENDPOINT_URL points at MinIO, Ceph, R2 or another S3-compatible service.
ARTIFACT_STORE = os.environ.get("ARTIFACT_STORE", "").strip()
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "").strip()
S3_REGION = os.environ.get("S3_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
# On a worker with ARTIFACT_STORE set: the most its ARTIFACT_ROOT may hold before the least recently used
# items that are whole in the bucket are removed from this host (worker/artifact_cache.py). Unset: no bound.
try:
    ARTIFACT_CACHE_MAX_BYTES = int(float(os.environ.get("ARTIFACT_CACHE_MAX_GB") or 0) * 1024**3)
except ValueError:
    raise SystemExit(f"ARTIFACT_CACHE_MAX_GB={os.environ['ARTIFACT_CACHE_MAX_GB']!r} is not a number of GiB "
                     "(e.g. 500 or 0.5); unset it for no bound.") from None
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc, served from here (/api/docs/, /api/redoc/)
    "webapp.accounts",
    "webapp.registry",
    "webapp.runs",
    "webapp.notifications",
]

MIDDLEWARE = [
    "webapp.common.middleware.RejectNulBytesMiddleware",  # before anything reads the path or the query
    "django.middleware.security.SecurityMiddleware",
    "webapp.common.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"
ASGI_APPLICATION = "webapp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "webapp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'distillery.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions take the
    # write lock up front, so two writers wait for each other instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DATABASE_IS_EMBEDDED = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# Connections to PostgreSQL from a process that sets DATABASE_POOL_SIZE > 0 come from a pool of at
# most that many (psycopg_pool) instead of being opened for each request and closed after it.
# webapp/asgi.py sets it to 10 for the web server unless it is given; management commands, the
# workers and the tests open their own connections. Each web process holds up to
# DATABASE_POOL_SIZE connections: keep processes x size under PostgreSQL's max_connections.
try:
    DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE") or 0)
except ValueError:
    raise SystemExit(f"DATABASE_POOL_SIZE={os.environ['DATABASE_POOL_SIZE']!r} is not a whole number of connections "
                     "(e.g. 10); 0 opens a connection per request instead of keeping a pool.") from None
if not DATABASE_IS_EMBEDDED:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # Shown in pg_stat_activity, so an operator can tell the web server's connections from the workers'.
    _options.setdefault("application_name", os.environ.get("DATABASE_APPLICATION_NAME", "distillery"))
    # A server that does not answer (a network cut) fails a new connection after this many seconds
    # instead of hanging it (libpq waits forever by default); a worker then retries (worker.outage).
    _options.setdefault("connect_timeout", 10)
    if DATABASE_POOL_SIZE > 0:
        # A request waits up to `timeout` seconds for a free connection, then fails with a 500
        # instead of hanging. Connections are checked before they are handed out, so a restart of
        # PostgreSQL costs the pool its connections, not the next requests.
        _options["pool"] = {"min_size": min(2, DATABASE_POOL_SIZE), "max_size": DATABASE_POOL_SIZE, "timeout": 10,
                            "max_idle": 300}
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Django's standard validators, for every password a user chooses (signing up through an invitation,
# manage.py createsuperuser / changepassword): at least 8 characters, not like the username or
# e-mail address, not a common password, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (webapp/accounts/services.py, user_sign_in): after this many failed sign-ins for
# one username, or from one client address (the address the web server sees: behind a reverse proxy,
# run uvicorn with --proxy-headers and --forwarded-allow-ips so it is the client's), within
# LOGIN_THROTTLE_WINDOW_S seconds, sign-in answers 429 (with Retry-After) until the window ends.
LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 10))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 50))
LOGIN_THROTTLE_WINDOW_S = int(os.environ.get("LOGIN_THROTTLE_WINDOW_S", 15 * 60))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- static files and the built frontend ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
# Point at a running `npm run dev` to develop the UI with hot reload.
FRONTEND_DEV_SERVER = os.environ.get("FRONTEND_DEV_SERVER", "")
WHITENOISE_USE_FINDERS = True

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "webapp.accounts.authentication.ApiTokenAuthentication",
        "webapp.accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "webapp.common.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "webapp.common.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "webapp.common.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # JSON bodies are bounded by JSON_MAX_BODY_BYTES (413 past it); form and multipart as DRF has them.
    "DEFAULT_PARSER_CLASSES": [
        "webapp.common.parsers.SizeLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Distillery API",
    "DESCRIPTION": "Distillation, alignment and continual-learning runs for research teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs pages' scripts and styles come from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Object ids in paths (webapp.common.ids.IdConverter): integers, as `<int:pk>` was.
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    # Fields of one name with several choice sets (status, source, role) get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "DatasetKindEnum": "webapp.registry.models.DatasetKind",
        "ChannelKindEnum": [("webhook", "Webhook"), ("email", "E-mail")],
        "RunStatusEnum": "webapp.runs.models.RunStatus",
        "RunNodeStatusEnum": "webapp.runs.models.RunNode.Status",
        "JobStatusEnum": "webapp.runs.models.PlaygroundSession.STATUSES",
        "DeliveryStatusEnum": "webapp.notifications.models.Delivery.STATUSES",
        "RunEventEnum": "webapp.notifications.models.RUN_EVENTS",
        "ModelSourceEnum": "webapp.registry.models.ModelSource",
        "SourceEnum": ["config", "path", "run", "upload", "soup", "hub"],
        "RoleEnum": "webapp.accounts.models.Role",
        "LineageRoleEnum": ["teacher", "student", "reference"],
        "ArtifactKindEnum": "webapp.runs.models.ArtifactKind",
    },
}

# --- limits ---------------------------------------------------------------------------------
DATASET_MAX_UPLOAD_BYTES = int(os.environ.get("DATASET_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
# Both also bound what an upload becomes: a CSV or Parquet file's JSON Lines, an archive's files.
MODEL_MAX_UPLOAD_BYTES = int(os.environ.get("MODEL_MAX_UPLOAD_BYTES", 20 * 1024**3))
# An archive may unpack to at most this many times its own size (weights barely compress; a bomb
# expands a thousandfold), and always to 1 MiB.
MODEL_MAX_UNPACK_RATIO = float(os.environ.get("MODEL_MAX_UNPACK_RATIO", 200))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest JSON request body the API reads (413 past it); file uploads have the limits above.
JSON_MAX_BODY_BYTES = int(os.environ.get("JSON_MAX_BODY_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Server-local model directories may only be registered from under these roots.
MODEL_PATH_ALLOWED_ROOTS = [Path(p).resolve() for p in env_list("MODEL_PATH_ALLOWED_ROOTS", str(DATA_DIR / "models"))]

# --- Celery (worker/ builds its app from these, with the CELERY_ namespace) ----------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
BROKER_IS_EMBEDDED = CELERY_BROKER_URL.startswith("filesystem://")
if BROKER_IS_EMBEDDED:
    _broker_dir = Path(os.environ.get("CELERY_BROKER_DIR", DATA_DIR / "broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Django's cache holds the throttling counts (sign-in failures, invitation e-mails): with a Redis broker
# it lives in that Redis, so every web process shares one count; the embedded default keeps it in each
# process's memory.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL,
                          "KEY_PREFIX": "distillery-cache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- runs -----------------------------------------------------------------------------------
# Seconds a running run may go without a heartbeat before it counts as lost.
RUN_HEARTBEAT_TIMEOUT_S = float(os.environ.get("RUN_HEARTBEAT_TIMEOUT_S", 60))
# GET /workers/ lists workers seen in the last WORKERS_RECENT_HOURS (?all=1 lists every row); the
# heartbeat housekeeping deletes the rows of workers stopped or silent for WORKERS_RETENTION_DAYS.
WORKERS_RECENT_HOURS = float(os.environ.get("WORKERS_RECENT_HOURS", 24))
WORKERS_RETENTION_DAYS = float(os.environ.get("WORKERS_RETENTION_DAYS", 7))
# A lost run is resumed on another worker until it has been attempted this many times.
RUN_MAX_ATTEMPTS = int(os.environ.get("RUN_MAX_ATTEMPTS", 3))
# Seconds between SIGTERM and SIGKILL when a running run is cancelled.
RUN_CANCEL_GRACE_S = float(os.environ.get("RUN_CANCEL_GRACE_S", 20))
# A worker that cannot reach the database keeps its run's rows and retries; past this many seconds
# without the database it stops the engine at a checkpoint and the run fails saying so (resumable).
RUN_DATABASE_OUTAGE_MAX_S = float(os.environ.get("RUN_DATABASE_OUTAGE_MAX_S", 900))
# Rows (metric points, log lines) a worker keeps while the database is unreachable; when they are
# that many it stops reading its engine's events, and the engine waits until they are written.
RUN_WRITE_BUFFER_MAX_ROWS = int(os.environ.get("RUN_WRITE_BUFFER_MAX_ROWS", 500_000))
# A run over several hosts (resources.nodes > 1) waits this long for enough workers to join it;
# then it goes back to the queue (or fails, when fewer such workers are alive than it needs).
RUN_GANG_TIMEOUT_S = float(os.environ.get("RUN_GANG_TIMEOUT_S", 120))
# The address other hosts reach this worker at, for runs over several hosts (node 0 hosts the
# rendezvous); by default the address this host's name resolves to.
WORKER_ADDRESS = os.environ.get("WORKER_ADDRESS", "")
# Python used to start the engine; the worker's own interpreter by default.
ENGINE_PYTHON = os.environ.get("ENGINE_PYTHON", "")
# Passed to the engine as DISTILLERY_CACHE_DIR: cached reference log-probabilities of alignment runs.
ENGINE_CACHE_DIR = Path(os.environ.get("DISTILLERY_CACHE_DIR", DATA_DIR / "cache")).resolve()
# The most that cache may hold, in GiB (default 10, 0: no bound); the engine deletes the least
# recently used entries past it (engine/methods/preference/reference_cache.py). Checked here so that a worker with a
# bad value refuses to start instead of failing its alignment runs.
try:
    if not float(os.environ.get("DISTILLERY_CACHE_MAX_GB") or 10) >= 0:
        raise ValueError
except ValueError:
    raise SystemExit(f"DISTILLERY_CACHE_MAX_GB={os.environ['DISTILLERY_CACHE_MAX_GB']!r} is not a number of GiB "
                     "(e.g. 10 or 0.5); 0 keeps every cached entry.") from None
# Largest table artifact (JSON written by the engine) that the API reads and returns.
ARTIFACT_TABLE_MAX_BYTES = int(os.environ.get("ARTIFACT_TABLE_MAX_BYTES", 5 * 1024 * 1024))

# --- e-mail notifications -------------------------------------------------------------------
# Embedded default: messages are written as files under the data dir; set EMAIL_URL-style
# settings (EMAIL_HOST, ...) with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "distillery@localhost")
# Webhooks never reach loopback, private, link-local (cloud metadata), multicast, reserved or
# unspecified addresses, except hosts named here or addresses inside the networks listed here
# (comma-separated host names and CIDR networks, e.g. "hooks.internal,10.20.0.0/16").
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", "")
# Invitation e-mails: at most this many sent by one user per hour, and to one address per day (429 past it).
INVITATIONS_PER_USER_PER_HOUR = int(os.environ.get("INVITATIONS_PER_USER_PER_HOUR", 20))
INVITATIONS_PER_ADDRESS_PER_DAY = int(os.environ.get("INVITATIONS_PER_ADDRESS_PER_DAY", 3))
# The address users reach the web UI at, for links in e-mails (invitations). The embedded default
# (`make run`) serves on HOST:PORT (scripts/run.py), so that is its default: a wildcard HOST (0.0.0.0,
# ::) stands for this machine's name. A deployment with a database server sits behind a proxy or a
# published port that the server cannot know, so it must be told (checked below, with SECRET_KEY).
HOST = os.environ.get("HOST", "").strip() or "127.0.0.1"
PORT = os.environ.get("PORT", "").strip() or "8000"


def default_public_url(host: str, port: str) -> str:
    import socket

    if host in {"0.0.0.0", "::", "[::]"}:
        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip()

# --- secrets and browser security -----------------------------------------------------------
# The embedded default (SQLite: `make run`, one machine) may sign sessions with a key everyone can read
# in this file. Any other deployment (DATABASE_URL names a database server: the team deployment) refuses
# to start without a SECRET_KEY of its own, and so do its workers (they sign nothing yet, but share the
# settings): otherwise anyone could forge its session cookies.
EMBEDDED_SECRET_KEY = "distillery-embedded-development-key-change-me-in-production"
_PLACEHOLDER_SECRET_KEYS = {EMBEDDED_SECRET_KEY, "change-me-to-a-long-random-string"}
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not DATABASE_IS_EMBEDDED and (not SECRET_KEY or SECRET_KEY in _PLACEHOLDER_SECRET_KEYS):
    raise SystemExit(
        ("SECRET_KEY is not set" if not SECRET_KEY else "SECRET_KEY is still the published placeholder")
        + ": a deployment with a database server (DATABASE_URL) needs a secret key of its own. Set SECRET_KEY "
        "to a long random string, the same for the web server and every worker, e.g. the output of "
        "`python -c \"import secrets; print(secrets.token_urlsafe(50))\"` (in .env for docker compose).")
SECRET_KEY = SECRET_KEY or EMBEDDED_SECRET_KEY
if not DATABASE_IS_EMBEDDED and not PUBLIC_URL:
    raise SystemExit(
        "PUBLIC_URL is not set: a deployment with a database server (DATABASE_URL) needs the address people "
        "reach its web UI at, for the links in invitation e-mails. Set PUBLIC_URL to it, the same for the web "
        "server and every worker, e.g. PUBLIC_URL=https://distillery.example.org (in .env for docker compose).")
PUBLIC_URL = (PUBLIC_URL or default_public_url(HOST, PORT)).rstrip("/")

# Cookies marked Secure are sent over HTTPS only: on by default when PUBLIC_URL is an https:// address,
# off for the embedded default's http://127.0.0.1:8000 (a Secure cookie would never come back there).
SECURE_COOKIES = env_bool("SECURE_COOKIES", PUBLIC_URL.startswith("https://"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# HTTP Strict Transport Security: browsers that saw it reach this host over HTTPS only, for this many
# seconds. Default: a year when PUBLIC_URL is https://, else off (0). It is sent on HTTPS responses only;
# behind a reverse proxy that ends TLS, set SECURE_PROXY_SSL_HEADER=1 so the forwarded scheme counts.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PUBLIC_URL.startswith("https://")
                                         else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (webapp/common/security.py). The UI has no inline script;
# 'unsafe-eval' stays because the run form's JSON-schema validator (ajv, in @rjsf/validator-ajv8)
# compiles schemas with Function(); inline style attributes are allowed (they cannot run code).
# CONTENT_SECURITY_POLICY replaces the whole policy; "off" sends none.
_DEV = FRONTEND_DEV_SERVER.rstrip("/")
_DEV_WS = _DEV.replace("http://", "ws://").replace("https://", "wss://")
_CSP_DIRECTIVES = [
    "default-src 'self'",
    # The dev server's React refresh preamble is an inline script: allowed with FRONTEND_DEV_SERVER only.
    f"script-src 'self' 'unsafe-eval' {_DEV} {repr('unsafe-inline') if _DEV else ''}",
    f"style-src 'self' 'unsafe-inline' {_DEV}",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    f"connect-src 'self' {_DEV} {_DEV_WS}",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY",
                                         "; ".join(" ".join(d.split()) for d in _CSP_DIRECTIVES)).strip()
if CONTENT_SECURITY_POLICY.lower() == "off":
    CONTENT_SECURITY_POLICY = ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # kombu warns on every connection of the (host-less) filesystem broker.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}},
}
