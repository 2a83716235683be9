"""Back up and restore the database and the photo storage as one archive.

``flask backup create FILE.tar.gz`` writes a consistent copy while the app keeps running:
SQLite through its online backup API, PostgreSQL through ``pg_dump --format=custom``; the
photos of the local storage are added as they are (files are written once and never changed,
so a copy taken during writes is consistent for every photo the database knew at the start).
``flask backup restore FILE.tar.gz`` puts both back (the app should be stopped).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore are the PostgreSQL backup tools
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from app.core.database import db

FORMAT_VERSION = 1


def _database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _pg_args(url) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432),
            "--username", url.username or "postgres", "--dbname", url.database]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _uploads_root() -> Path | None:
    from app.core.storage import LocalStorage, get_storage

    storage = get_storage()
    return Path(storage.root) if isinstance(storage, LocalStorage) else None


def create(target: Path) -> dict:
    url = _database_url()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if url.get_backend_name() == "sqlite":
            dump = tmp_path / "database.sqlite3"
            source = sqlite3.connect(url.database)
            try:
                with sqlite3.connect(dump) as copy:
                    source.backup(copy)
            finally:
                source.close()
        else:
            dump = tmp_path / "database.pgdump"
            args, env = _pg_args(url)
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args],  # noqa: S603,S607
                           check=True, env=env)
        manifest = {"format": FORMAT_VERSION, "created_at": datetime.now(UTC).isoformat(),
                    "engine": url.get_backend_name(), "database": dump.name}
        (tmp_path / "manifest.json").write_text(json.dumps(manifest))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp_path / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            uploads = _uploads_root()
            if uploads is not None and uploads.exists():
                tar.add(uploads, arcname="uploads")
        os.replace(partial, target)
    return manifest


def restore(source: Path) -> dict:
    url = _database_url()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with tarfile.open(source, "r:gz") as tar:
            tar.extractall(tmp_path, filter="data")
        manifest = json.loads((tmp_path / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise RuntimeError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["engine"] != url.get_backend_name():
            raise RuntimeError(f"backup of {manifest['engine']} cannot be restored into {url.get_backend_name()}")
        db.session.remove()
        db.engine.dispose()
        dump = tmp_path / manifest["database"]
        if manifest["engine"] == "sqlite":
            with sqlite3.connect(dump) as copy, sqlite3.connect(url.database) as live:
                copy.backup(live)
        else:
            args, env = _pg_args(url)
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",  # noqa: S603,S607
                            *args, str(dump)], check=True, env=env)
        uploads = _uploads_root()
        if uploads is not None and (tmp_path / "uploads").exists():
            if uploads.exists():
                shutil.rmtree(uploads)
            shutil.copytree(tmp_path / "uploads", uploads)
    return manifest
