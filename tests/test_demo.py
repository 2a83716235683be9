import sqlalchemy as sa

from app.auth.models import OidcIdentity, Role, User
from app.extensions import db


def test_demo_seed_is_idempotent_and_covers_every_role(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "seed"])
    assert "(0 new accounts, 0 new reports)" in second.output
    with app.app_context():
        from app.devidp import store

        assert {i["sub"] for i in store.list_identities()} >= {
            "demo-citizen-lan", "demo-ward-hoankiem", "demo-ward-cuanam", "demo-police", "demo-admin"}
        users = db.session.scalars(sa.select(User)).all()
        assert len(users) == 8
        by_sub = {i.subject: i.user for i in db.session.scalars(sa.select(OidcIdentity))}
        assert by_sub["demo-ward-hoankiem"].roles == {Role.WARD_OFFICIAL}
        assert [g.ward.name for g in by_sub["demo-ward-cuanam"].role_grants] == ["Phường Cửa Nam"]
        assert [g.agency.code for g in by_sub["demo-police"].role_grants] == ["police"]
        assert by_sub["demo-admin"].roles == {Role.CITY_ADMIN}
        assert by_sub["demo-citizen-lan"].roles == set()
        assert all(u.identity_level == 2 for u in users)
        assert by_sub["demo-citizen-lan"].get_cccd() == "001190012345"
        from app.demo.reports import WARDS
        from app.places import services as places

        for codename, centre in WARDS.items():
            assert places.ward_by_codename(codename).centre == centre


# Deadlines and expiry times are about the future by nature; everything else records something
# that happened, which cannot be later than the moment the data was made.
# Scheduled times (a reception slot, the close of a comment period) are too.
FUTURE_BY_NATURE = ("due_at", "expires_at", "until", "starts_at", "ends_at", "closes_at", "departs_at")


def test_demo_data_has_nothing_later_than_the_moment_it_was_made(app):
    from datetime import UTC, datetime

    from app.core.models import UTCDateTime

    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    now = datetime.now(UTC)
    checked, late = 0, []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, UTCDateTime | sa.DateTime) or column.name.endswith(FUTURE_BY_NATURE):
                    continue
                latest = db.session.scalar(sa.select(sa.func.max(column)))
                if latest is None:
                    continue
                if latest.tzinfo is None:
                    latest = latest.replace(tzinfo=UTC)
                checked += 1
                if latest > now:
                    late.append(f"{table.name}.{column.name} = {latest.isoformat()}")
        db.session.remove()
    assert checked >= 10
    assert late == []


def test_bench_generator_puts_nothing_in_the_future(app):
    import random
    from datetime import UTC, datetime
    from importlib import util
    from pathlib import Path

    spec = util.spec_from_file_location("generate_reports", Path(__file__).parent.parent / "bench/generate_reports.py")
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with app.app_context():
        module.generate(app, 300, random.Random(3))
        now = datetime.now(UTC)
        from app.reports.models import Report

        for column in ("created_at", "submitted_at", "accepted_at", "resolved_at", "closed_at", "overdue_since"):
            latest = db.session.scalar(sa.select(sa.func.max(getattr(Report, column))))
            assert latest is None or latest <= now, column
        db.session.remove()
