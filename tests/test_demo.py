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
        assert len(users) == 6
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
