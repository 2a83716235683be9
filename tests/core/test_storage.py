"""File storage: safe keys, atomic durable writes, the configured backend."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app.core import storage as storage_module
from app.core.storage import LocalStorage, get_storage, new_photo_key, validate_key


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_round_trip(tmp_path):
    store = LocalStorage(tmp_path)
    key = "reports/2026/11/abc123.jpg"

    assert not store.exists(key)
    store.save(key, b"first", "image/jpeg")
    assert store.exists(key)
    assert store.open(key) == b"first"
    assert store.url(key) is None

    store.save(key, b"second", "image/jpeg")
    assert store.open(key) == b"second"

    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)
    store.delete(key)  # deleting twice is fine


def test_save_leaves_no_temporary_files(tmp_path):
    store = LocalStorage(tmp_path / "uploads")

    store.save("reports/a.jpg", b"x" * 10_000, "image/jpeg")
    store.save("reports/a.jpg", b"y", "image/jpeg")
    store.save("reports/deep/er/b.jpg", b"z", "image/jpeg")

    assert files_under(tmp_path / "uploads") == ["reports/a.jpg", "reports/deep/er/b.jpg"]


def test_failed_save_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path)
    store.save("reports/a.jpg", b"old", "image/jpeg")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(storage_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.save("reports/a.jpg", b"new", "image/jpeg")
    monkeypatch.undo()

    assert store.open("reports/a.jpg") == b"old"
    assert files_under(tmp_path) == ["reports/a.jpg"]


def test_save_syncs_the_file_before_renaming_it(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(storage_module.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        storage_module.os, "replace", lambda src, dst: (events.append("replace"), real_replace(src, dst))[1]
    )

    LocalStorage(tmp_path).save("a.jpg", b"data", "image/jpeg")

    assert events[:2] == ["fsync", "replace"]


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../secret.jpg",
        "reports/../../x.jpg",
        "reports/..",
        "a..b.jpg",
        "./a.jpg",
        ".hidden",
        "reports/.tmp-abc",
        "a//b.jpg",
        "reports/",
        "Reports/a.jpg",
        "a b.jpg",
        "a\\b.jpg",
        "ảnh.jpg",
        "a\x00.jpg",
        "C:/x.jpg",
        "x" * 600,
    ],
)
def test_bad_keys_are_refused(tmp_path, key):
    store = LocalStorage(tmp_path)

    with pytest.raises(ValueError):
        store.save(key, b"x", "image/jpeg")
    for method in (store.open, store.exists, store.delete, store.url):
        with pytest.raises(ValueError):
            method(key)
    assert files_under(tmp_path) == []


def test_new_photo_keys_are_unique_and_valid():
    keys = {new_photo_key("reports") for _ in range(1000)}

    assert len(keys) == 1000
    for key in keys:
        assert re.fullmatch(r"reports/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", key)
        assert validate_key(key) == key


@pytest.mark.parametrize("prefix", ["", "../reports", "/reports", "reports/", "Reports"])
def test_new_photo_key_refuses_a_bad_prefix(prefix):
    with pytest.raises(ValueError):
        new_photo_key(prefix)


def test_default_storage_is_the_instance_uploads_folder(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.extensions, "storage", None)

    store = get_storage()

    assert isinstance(store, LocalStorage)
    assert store.root == Path(app.instance_path) / "uploads"
    assert get_storage() is store


def test_upload_folder_setting_is_used(app, app_ctx, monkeypatch, tmp_path):
    monkeypatch.setitem(app.extensions, "storage", None)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "photos"))

    get_storage().save("reports/a.jpg", b"x", "image/jpeg")

    assert (tmp_path / "photos" / "reports" / "a.jpg").read_bytes() == b"x"


def test_unknown_backend_is_a_clear_error(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.extensions, "storage", None)
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "ftp")

    with pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        get_storage()
