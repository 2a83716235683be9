import pytest

from app import create_app


def test_production_requires_secrets(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "DATA_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def production_app(tmp_path, **extra):
    return create_app({
        "APP_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40,
        "DATA_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/prod.db", **extra,
    })


def test_production_turns_off_sandbox_and_secures_cookies(tmp_path):
    app = production_app(tmp_path, DEV_IDP_ENABLED=True)
    assert app.config["DEV_IDP_ENABLED"] is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not any(rule.rule.startswith("/dev-idp") for rule in app.url_map.iter_rules())
    assert app.test_client().get("/dev-idp/.well-known/openid-configuration").status_code == 404


def test_development_generates_secrets_once(tmp_path):
    a = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    b = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"] and len(a.config["SECRET_KEY"]) >= 40
    assert a.config["DATA_KEY"] == b.config["DATA_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert a.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'app.db'}"
    assert a.config["SESSION_COOKIE_SECURE"] is False


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", "https://id.example.org")
    monkeypatch.setenv("OIDC_CLIENT_ID", "abc")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "xyz")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("OIDC_CLAIM_CCCD", "national_id")
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["OIDC_ISSUER"] == "https://id.example.org"
    assert app.config["OIDC_CLIENT_ID"] == "abc"
    assert app.config["OIDC_CLAIM_CCCD"] == "national_id"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_development_defaults_to_the_sandbox_provider(tmp_path, monkeypatch):
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "DEV_IDP_ISSUER", "SERVER_NAME",
                 "FLASK_RUN_HOST", "FLASK_RUN_PORT", "PORT"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["OIDC_ISSUER"] == "http://127.0.0.1:5000/dev-idp"
    assert app.config["OIDC_CLIENT_ID"] == app.config["DEV_IDP_CLIENT_ID"]


def test_trusted_proxy_headers_give_the_client_ip_and_scheme(tmp_path):
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path), "TRUSTED_PROXIES": 1})
    with app.test_request_context():
        pass
    seen = {}

    @app.get("/_proxy_probe")
    def probe():
        from flask import request

        seen.update(ip=request.remote_addr, scheme=request.scheme)
        return "ok"

    app.test_client().get("/_proxy_probe", headers={"X-Forwarded-For": "203.0.113.7",
                                                   "X-Forwarded-Proto": "https"})
    assert seen == {"ip": "203.0.113.7", "scheme": "https"}


def test_a_production_web_worker_leaves_out_what_only_other_processes_need(tmp_path):
    """Issue 15, memory per worker: Alembic (``flask db`` only) and pywebpush with aiohttp (the job
    that sends pushes only) are not imported by a production web worker; the ``flask`` command
    still gets the migrations."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from app import create_app\n"
        f"app = create_app({{'APP_ENV': 'production', 'SECRET_KEY': 'k' * 40, 'DATA_KEY': 'd' * 44,"
        f" 'DATABASE_URL': 'sqlite:///{tmp_path}/app.db', 'INSTANCE_PATH': '{tmp_path}'}})\n"
        "print(sorted(m for m in ('alembic', 'aiohttp', 'pywebpush') if m in sys.modules),"
        " 'migrate' in app.extensions)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[] False"
    env["FLASK_RUN_FROM_CLI"] = "true"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().endswith("True")
