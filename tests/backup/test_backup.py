"""A backup restores every report and every photo, on SQLite and on PostgreSQL."""

from __future__ import annotations

import tarfile

import sqlalchemy as sa

from app.extensions import db
from app.reports.models import Report, ReportPhoto


def test_backup_then_restore_finds_every_report_and_photo(app, make_user, make_report, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    app.extensions.pop("storage", None)
    citizen = make_user()
    ids = sorted(make_report(citizen, status=status) for status in ("submitted", "accepted", "resolved", "closed"))
    with app.app_context():
        from app.core.storage import get_storage

        storage = get_storage()
        keys = db.session.scalars(sa.select(ReportPhoto.key)).all()
        assert keys and all(storage.exists(k) for k in keys)
    archive = tmp_path / "backup.tar.gz"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("uploads/") for n in names)

    # Disaster: the reports and the photo files are gone.
    with app.app_context():
        db.session.execute(sa.delete(ReportPhoto))
        db.session.execute(sa.text("DELETE FROM case_events"))
        db.session.execute(sa.text("DELETE FROM notifications"))
        db.session.execute(sa.delete(Report))
        db.session.execute(sa.text("DELETE FROM cases"))
        db.session.commit()
        for key in keys:
            storage.delete(key)
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
        db.session.remove()

    result = runner.invoke(args=["backup", "restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Report.id))) == ids
        assert all(storage.exists(k) for k in keys)
        assert sorted(db.session.scalars(sa.select(ReportPhoto.key))) == sorted(keys)
        db.session.remove()
    app.extensions.pop("storage", None)


def test_restore_refuses_a_backup_of_another_engine(app, tmp_path):
    import io
    import json

    archive = tmp_path / "other.tar.gz"
    manifest = json.dumps({"format": 1, "engine": "oracle", "database": "x", "created_at": "now"}).encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    result = app.test_cli_runner().invoke(args=["backup", "restore", "--yes", str(archive)])
    assert result.exit_code != 0
    assert "cannot be restored" in str(result.exception)
