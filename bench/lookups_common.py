"""A fresh, migrated app for the lookups benchmarks (SQLite in a temporary folder by default)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def fresh_app(database_url: str | None):
    from app import create_app
    from app.extensions import db

    folder = tempfile.mkdtemp(prefix="bench-lookups-")
    url = database_url or f"sqlite:///{folder}/bench.db"
    app = create_app({"APP_ENV": "test", "INSTANCE_PATH": folder, "DATABASE_URL": url, "REDIS_URL": None,
                      "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None, "OIDC_ISSUER": None})
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        db.session.commit()
    return app, folder
