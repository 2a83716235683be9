"""Command-line tools: ``flask places load``, ``flask users grant-role``, ``flask demo seed``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from app.extensions import db


def _find_user(ref: str):
    """A user by id, or by phone number in any Vietnamese format."""
    from app.auth.models import User
    from app.auth.phone import normalise_phone

    if ref.isdigit() and len(ref) < 9:
        return db.session.get(User, int(ref))
    phone = normalise_phone(ref)
    if phone is None:
        return None
    return db.session.scalar(sa.select(User).where(User.phone == phone))


def register(app: Flask) -> None:
    @app.cli.group("places")
    def places_group():
        """Wards and agencies."""

    @places_group.command("load")
    def places_load():
        """Load Hanoi's wards and the seed agencies (idempotent)."""
        from app.places import services

        wards = services.load_wards()
        agencies = services.load_agencies()
        db.session.commit()
        click.echo(f"wards added: {wards}, agencies added: {agencies}")

    @app.cli.group("holidays")
    def holidays_group():
        """Public holidays (days without working time)."""

    @holidays_group.command("load")
    @click.option("--year", "years", type=int, multiple=True,
                  help="a year to load (repeatable); default: this year and the next, in Hanoi")
    def holidays_load(years: tuple[int, ...]):
        """Add Vietnam's public holidays and compensatory days off (idempotent)."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from app.admin import services as admin

        this_year = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
        added = admin.load_public_holidays(years or (this_year, this_year + 1))
        db.session.commit()
        click.echo(f"holidays added: {added}")

    @app.cli.group("users")
    def users_group():
        """Accounts and roles."""

    @users_group.command("grant-role")
    @click.argument("user_ref")
    @click.argument("role", type=click.Choice(["ward_official", "agency_official", "city_admin"]))
    @click.option("--ward", help="ward code or codename (e.g. phuong_hoan_kiem)")
    @click.option("--agency", help="agency code (e.g. police)")
    def grant_role(user_ref: str, role: str, ward: str | None, agency: str | None):
        """Grant ROLE to USER_REF (a user id or phone number)."""
        from app.auth.models import Role
        from app.auth.services import grant_role as do_grant
        from app.places import services as places
        from app.places.models import Ward

        user = _find_user(user_ref)
        if user is None:
            raise click.ClickException(f"no user {user_ref!r}")
        ward_id = agency_id = None
        if role == Role.WARD_OFFICIAL:
            if not ward:
                raise click.ClickException("--ward is required for ward_official")
            found = db.session.get(Ward, int(ward)) if ward.isdigit() else places.ward_by_codename(ward)
            if found is None:
                raise click.ClickException(f"no ward {ward!r}")
            ward_id = found.id
        elif role == Role.AGENCY_OFFICIAL:
            found = places.agency_by_code(agency or "")
            if found is None:
                raise click.ClickException(f"no agency {agency!r}")
            agency_id = found.id
        elif ward or agency:
            raise click.ClickException("city_admin takes no --ward or --agency")
        do_grant(user, Role(role), ward_id=ward_id, agency_id=agency_id)
        db.session.commit()
        click.echo(f"granted {role} to user {user.id}")

    @users_group.command("revoke-role")
    @click.argument("user_ref")
    @click.argument("role", type=click.Choice(["ward_official", "agency_official", "city_admin"]))
    def revoke_role(user_ref: str, role: str):
        """Revoke every grant of ROLE from USER_REF."""
        from app.auth.services import revoke_role as do_revoke

        user = _find_user(user_ref)
        if user is None:
            raise click.ClickException(f"no user {user_ref!r}")
        grants = [g for g in user.role_grants if g.role == role]
        for grant in grants:
            do_revoke(grant)
        db.session.commit()
        click.echo(f"revoked {len(grants)} grant(s)")

    @app.cli.group("reports")
    def reports_group():
        """Field reports."""

    @reports_group.command("load-categories")
    def load_categories():
        """Add the seed report categories that are missing (idempotent)."""
        from app.reports.seed import load_categories as load

        added = load()
        db.session.commit()
        click.echo(f"categories added: {added}")

    @reports_group.command("mark-overdue")
    def mark_overdue():
        """Flag overdue reports and notify supervisors now (the job does it every 5 minutes)."""
        from app.reports.services import mark_overdue as run

        flagged = run()
        db.session.commit()
        click.echo(f"reports newly overdue: {flagged}")

    @app.cli.group("cases")
    def cases_group():
        """The case engine."""

    @cases_group.command("recount")
    def recount_cases():
        """Rebuild the inbox counters (case_counts) from the cases, e.g. after bulk SQL."""
        from app.cases.counts import recount

        rows = recount()
        db.session.commit()
        click.echo(f"counter rows: {rows}")

    @app.cli.group("backup")
    def backup_group():
        """Back up and restore the database and the photos."""

    @backup_group.command("create")
    @click.argument("target", type=click.Path(dir_okay=False))
    def backup_create(target: str):
        """Write a backup archive (.tar.gz) while the app keeps running."""
        from pathlib import Path

        from app.core import backup

        manifest = backup.create(Path(target))
        click.echo(f"backup of the {manifest['engine']} database and photos written to {target}")

    @backup_group.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    @click.confirmation_option(prompt="Replace the current database and photos with the backup?")
    def backup_restore(source: str):
        """Replace the database and photos with a backup archive (stop the app first)."""
        from pathlib import Path

        from app.core import backup

        manifest = backup.restore(Path(source))
        click.echo(f"restored the backup taken at {manifest['created_at']}")

    @app.cli.group("demo")
    def demo_group():
        """Demo data."""

    @demo_group.command("seed")
    def demo_seed():
        """Create demo identities and accounts for every role (idempotent)."""
        from app.demo import services

        result = services.seed()
        db.session.commit()
        click.echo(f"demo data ready ({result['users_created']} new accounts, "
                   f"{result['reports_created']} new reports)")
