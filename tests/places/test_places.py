import sqlalchemy as sa

from app.extensions import db
from app.places import services
from app.places.models import Agency, Ward


def test_hanoi_has_126_wards_loaded(app_ctx):
    assert db.session.scalar(sa.select(sa.func.count(Ward.id))) == 126
    hoan_kiem = services.ward_by_codename("phuong_hoan_kiem")
    assert hoan_kiem.name == "Phường Hoàn Kiếm"
    assert hoan_kiem.id == 70


def test_loading_is_idempotent(app_ctx):
    assert services.load_wards() == 0
    assert services.load_agencies() == 0
    assert db.session.scalar(sa.select(sa.func.count(Ward.id))) == 126


def test_cli_places_load(app):
    result = app.test_cli_runner().invoke(args=["places", "load"])
    assert result.exit_code == 0
    assert "wards added: 0" in result.output


def test_search_ignores_diacritics(app_ctx):
    names = [w.name for w in services.search_wards("cua nam")]
    assert "Phường Cửa Nam" in names
    names = [w.name for w in services.search_wards("HOÀN kiếm")]
    assert names == ["Phường Hoàn Kiếm"]
    assert services.search_wards("%") == []


def test_seed_agencies(app_ctx):
    codes = set(db.session.scalars(sa.select(Agency.code)))
    assert {"transport", "police", "education", "health", "construction", "environment"} <= codes
    assert services.agency_by_code("police").display_name("en") == "Hanoi City Police"
