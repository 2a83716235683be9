"""Settings from the environment, one class per mode.

`APP_ENV` picks the mode: ``development`` (also used by ``make run`` and the demo),
``test`` or ``production``. Every setting can be overridden by an environment variable of
the same name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: Path, name: str, nbytes: int = 32) -> str:
    """Return a secret kept in ``instance/``, generating it once.

    Development needs stable secrets across restarts without asking the newcomer to set any.
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    APP_ENV = "base"
    DEBUG = False
    TESTING = False

    # hide_parameters: statement logs and errors must not carry phone numbers or other values.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_RECORD_QUERIES = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "cdtd_session"
    # Sessions end after this long without a request (idle) and, in any case, this long after
    # the login (lifetime). Officials and admins (anyone with a role) get the shorter limits.
    SESSION_IDLE_TIMEOUT = 60 * 60 * 24 * 30
    SESSION_LIFETIME = 60 * 60 * 24 * 90
    SESSION_IDLE_TIMEOUT_OFFICIAL = 60 * 60 * 2
    SESSION_LIFETIME_OFFICIAL = 60 * 60 * 24 * 14
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True

    WTF_CSRF_TIME_LIMIT = None
    # Five photos at the per-photo limit, plus the form itself.
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "text/xml", "text/plain", "application/json",
        "application/javascript", "text/javascript", "application/xml",
        "application/atom+xml", "image/svg+xml", "application/manifest+json",
    ]
    COMPRESS_MIN_SIZE = 500

    REDIS_URL: str | None = None
    # Rendered public pages for visitors (app.core.pagecache): in Redis when REDIS_URL is set,
    # else in each process's memory, with the topic versions in PAGE_CACHE_DIR (default
    # instance/pagecache, shared by the workers of one machine).
    PAGE_CACHE_ENABLED = True
    PAGE_CACHE_TIMEOUT = 60
    PAGE_CACHE_VERSION_TIMEOUT = 24 * 3600
    PAGE_CACHE_MAX_AGE = 5
    PAGE_CACHE_THRESHOLD = 300
    PAGE_CACHE_DIR: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # OpenID Connect (VNeID or any standards-compliant provider).
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_SCOPE = "openid profile phone"
    OIDC_CLAIM_CCCD = "cccd"
    OIDC_CLAIM_NAME = "name"
    OIDC_CLAIM_BIRTHDATE = "birthdate"
    OIDC_CLAIM_GENDER = "gender"
    OIDC_CLAIM_PHONE = "phone_number"
    # The app's own VNeID stand-in, see app/devidp. Never on in production.
    DEV_IDP_ENABLED = False
    # None: the address the development server listens on (see served_origin), so that
    # `PORT=5104 make run` has its sandbox at 5104 and never trusts whatever listens on 5000.
    DEV_IDP_ISSUER: str | None = None
    DEV_IDP_CLIENT_ID = "cdtd-web"

    SMS_BACKEND = "log"
    IDENTITY_VERIFIER = "dev"

    JOBS_IMMEDIATE = False
    # Run the job consumer inside the web server's process (development: `make run` alone
    # must deliver notifications). Production runs `flask jobs worker` beside the server.
    JOBS_IN_PROCESS = False

    DEMO_TOOLS = False
    # How many reverse proxies stand in front of the app: their X-Forwarded-For/-Proto/-Host
    # are then trusted (client IPs for rate limits and the audit log, https for callbacks).
    TRUSTED_PROXIES = 0

    # Photos: limits on what is accepted, and where the re-encoded files are kept.
    UPLOAD_FOLDER: str | None = None  # None: instance/uploads, resolved by app.core.storage
    PHOTO_MAX_BYTES = 12 * 1024 * 1024
    PHOTO_MAX_PIXELS = 40_000_000
    PHOTO_MAX_COUNT = 5
    # New photos an account may upload (reports and answers together), per the window.
    PHOTO_UPLOAD_LIMIT = "60 per hour"
    PHOTO_MAX_EDGE = 1600
    PHOTO_THUMB_EDGE = 320
    STORAGE_BACKEND = "local"

    # Map tiles for the report form and feed; the map loads only when the user opens it.
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

    # Web Push (VAPID). VAPID_PRIVATE_KEY: the raw P-256 key, base64url (as web-push tools print it), or PEM.
    # Without it, development makes a key pair once in instance/ and production runs without push.
    VAPID_PRIVATE_KEY: str | None = None
    VAPID_PUBLIC_KEY: str | None = None
    VAPID_SUBJECT = "mailto:admin@example.org"
    # Push endpoints on this machine (http://127.0.0.1, a local stand-in push service): for
    # development and tests only, production refuses them whatever is set.
    PUSH_ALLOW_LOOPBACK = False

    # Public services: where the "electronic health book" entry hands a verified citizen over
    # (the national health book lives in the VNeID app), and limits on complaint PDFs.
    HEALTH_BOOK_URL = "https://vneid.gov.vn/"
    COMPLAINT_PDF_MAX_BYTES = 10 * 1024 * 1024
    COMPLAINT_PDF_MAX_PAGES = 50


class DevelopmentConfig(BaseConfig):
    APP_ENV = "development"
    DEBUG = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    DEV_IDP_ENABLED = True
    SMS_BACKEND = "dev"
    DEMO_TOOLS = True
    JOBS_IN_PROCESS = True
    PUSH_ALLOW_LOOPBACK = True


class TestConfig(DevelopmentConfig):
    APP_ENV = "test"
    TESTING = True
    JOBS_IMMEDIATE = True
    JOBS_IN_PROCESS = False
    RATELIMIT_ENABLED = True
    COMPRESS_REGISTER = True
    # Tests share one app and empty the tables behind the services' back: the page-cache tests
    # switch it on for themselves.
    PAGE_CACHE_ENABLED = False


class ProductionConfig(BaseConfig):
    APP_ENV = "production"
    SMS_BACKEND = "log"
    # The development verifier only checks the number's format: never trust it in production.
    IDENTITY_VERIFIER = "none"


CONFIGS = {
    "development": DevelopmentConfig,
    "demo": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}

# Settings read from the environment, with the type to parse them as.
_ENV_SETTINGS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "OIDC_ISSUER": str,
    "OIDC_CLIENT_ID": str,
    "OIDC_CLIENT_SECRET": str,
    "OIDC_SCOPE": str,
    "OIDC_CLAIM_CCCD": str,
    "OIDC_CLAIM_NAME": str,
    "OIDC_CLAIM_BIRTHDATE": str,
    "OIDC_CLAIM_GENDER": str,
    "OIDC_CLAIM_PHONE": str,
    "SMS_BACKEND": str,
    "IDENTITY_VERIFIER": str,
    "DATA_KEY": str,
    "SERVER_NAME": str,
    "PREFERRED_URL_SCHEME": str,
    "DEV_IDP_ENABLED": bool,
    "DEV_IDP_ISSUER": str,
    "JOBS_IMMEDIATE": bool,
    "JOBS_IN_PROCESS": bool,
    "HUEY_SQLITE_PATH": str,
    "UPLOAD_FOLDER": str,
    "TRUSTED_PROXIES": int,
    "STORAGE_BACKEND": str,
    "VAPID_PRIVATE_KEY": str,
    "VAPID_PUBLIC_KEY": str,
    "VAPID_SUBJECT": str,
    "SESSION_IDLE_TIMEOUT": int,
    "SESSION_LIFETIME": int,
    "SESSION_IDLE_TIMEOUT_OFFICIAL": int,
    "SESSION_LIFETIME_OFFICIAL": int,
    "PHOTO_UPLOAD_LIMIT": str,
    "HEALTH_BOOK_URL": str,
    "PAGE_CACHE_ENABLED": bool,
    "PAGE_CACHE_TIMEOUT": int,
    "PAGE_CACHE_MAX_AGE": int,
    "PAGE_CACHE_DIR": str,
}


def served_origin(config) -> str:
    """The origin the development server serves, from the settings ``flask run`` itself reads
    (``FLASK_RUN_HOST``/``FLASK_RUN_PORT``, which ``make run`` sets from ``HOST``/``PORT``), or
    ``SERVER_NAME`` when the app is served under a name of its own."""
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    host = os.environ.get("FLASK_RUN_HOST") or "127.0.0.1"
    port = os.environ.get("FLASK_RUN_PORT") or os.environ.get("PORT") or "5000"
    if host in {"0.0.0.0", "::", "localhost"}:  # noqa: S104  (a bind-all address, not a bind)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{int(port)}"


def load_config(app, overrides: dict | None = None) -> None:
    """Fill ``app.config`` from the mode's class, the environment and explicit overrides."""
    overrides = dict(overrides or {})
    overrides.pop("INSTANCE_PATH", None)
    mode = overrides.pop("APP_ENV", None) or os.environ.get("APP_ENV", "development")
    if mode not in CONFIGS:
        raise RuntimeError(f"Unknown APP_ENV {mode!r}; use one of {sorted(CONFIGS)}")
    app.config.from_object(CONFIGS[mode])
    for name, kind in _ENV_SETTINGS.items():
        raw = os.environ.get(name)
        if raw is None or raw == "":
            continue
        app.config[name] = env_bool(name, False) if kind is bool else kind(raw)
    app.config.update(overrides)

    instance = Path(app.instance_path)
    production = app.config["APP_ENV"] == "production"
    if production:
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL", "DATA_KEY") if not app.config.get(k)]
        if missing:
            raise RuntimeError(f"Production needs these settings: {', '.join(missing)}")
        # The sandbox identity provider must not be reachable in production, whatever is set.
        app.config["DEV_IDP_ENABLED"] = False
        app.config["DEMO_TOOLS"] = False
        app.config["PUSH_ALLOW_LOOPBACK"] = False
        if app.config.get("IDENTITY_VERIFIER") == "dev":
            raise RuntimeError("IDENTITY_VERIFIER=dev only checks formats; use a real verifier or 'none'")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance, "secret_key")
    if not app.config.get("DATA_KEY"):
        app.config["DATA_KEY"] = _instance_secret(instance, "data_key")
    if app.config["DEV_IDP_ENABLED"]:
        if not app.config.get("DEV_IDP_ISSUER"):
            app.config["DEV_IDP_ISSUER"] = served_origin(app.config) + "/dev-idp"
        app.config["DEV_IDP_CLIENT_SECRET"] = _instance_secret(instance, "dev_idp_client_secret")
        # Without a provider of its own, development logs in through the built-in sandbox.
        if not app.config.get("OIDC_ISSUER"):
            app.config["OIDC_ISSUER"] = app.config["DEV_IDP_ISSUER"]
            app.config["OIDC_CLIENT_ID"] = app.config["DEV_IDP_CLIENT_ID"]
            app.config["OIDC_CLIENT_SECRET"] = app.config["DEV_IDP_CLIENT_SECRET"]
    # The cookie lasts as long as the longest session may; the server enforces the rest.
    app.config["PERMANENT_SESSION_LIFETIME"] = max(app.config["SESSION_LIFETIME"],
                                                   app.config["SESSION_LIFETIME_OFFICIAL"])
    if not app.config.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'app.db'}"
    url = app.config["DATABASE_URL"]
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}, "hide_parameters": True}
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if not app.config.get("HUEY_SQLITE_PATH"):
        app.config["HUEY_SQLITE_PATH"] = str(instance / "jobs.db")
