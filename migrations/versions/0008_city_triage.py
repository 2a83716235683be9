"""city triage: a case may wait for an official to choose its ward; a report may have no ward yet;
each case keeps when its current step started and how many working hours it has, so that a change
of the holidays can move running deadlines (backfilled for open cases from their deadline)

Revision ID: 0008_city_triage
Revises: 0007_sessions
Create Date: 2026-11-29 15:00:00.000000

"""
from datetime import UTC, timedelta

from alembic import op
import sqlalchemy as sa

import app.core.models
from app.core import clock


# revision identifiers, used by Alembic.
revision = '0008_city_triage'
down_revision = '0007_sessions'
branch_labels = None
depends_on = None

WITH_CITY = ("(unit_type = 'ward' AND unit_ward_id IS NOT NULL AND unit_agency_id IS NULL)"
             " OR (unit_type = 'agency' AND unit_agency_id IS NOT NULL AND unit_ward_id IS NULL)"
             " OR (unit_type = 'city' AND unit_ward_id IS NULL AND unit_agency_id IS NULL)")
WITHOUT_CITY = ("(unit_type = 'ward' AND unit_ward_id IS NOT NULL AND unit_agency_id IS NULL)"
                " OR (unit_type = 'agency' AND unit_agency_id IS NOT NULL AND unit_ward_id IS NULL)")


def _backfill_steps() -> None:
    """The step of each open case started when it was accepted (or filed); its length is the
    working time from then to the deadline in force, under today's holidays."""
    conn = op.get_bind()
    holiday_table = sa.table('holidays', sa.column('day', sa.Date))
    holidays = list(conn.execute(sa.select(holiday_table.c.day)).scalars())
    calendar = clock.WorkCalendar(holidays=holidays)
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('status', sa.String),
                     sa.column('submitted_at', app.core.models.UTCDateTime(timezone=True)),
                     sa.column('accepted_at', app.core.models.UTCDateTime(timezone=True)),
                     sa.column('due_at', app.core.models.UTCDateTime(timezone=True)),
                     sa.column('step_started_at', app.core.models.UTCDateTime(timezone=True)),
                     sa.column('step_hours', sa.Integer))
    rows = conn.execute(sa.select(cases.c.id, cases.c.status, cases.c.submitted_at, cases.c.accepted_at,
                                  cases.c.due_at).where(cases.c.status.in_(('submitted', 'accepted')),
                                                        cases.c.due_at.is_not(None))).all()
    for case_id, status, submitted_at, accepted_at, due_at in rows:
        started = accepted_at if status == 'accepted' and accepted_at else submitted_at
        started, due_at = started.astimezone(UTC), due_at.astimezone(UTC)
        hours = round(calendar.working_time_between(started, due_at) / timedelta(hours=1))
        conn.execute(cases.update().where(cases.c.id == case_id).values(step_started_at=started, step_hours=hours))


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_unit'), type_='check')
        batch_op.create_check_constraint('unit', WITH_CITY)
        batch_op.add_column(sa.Column('step_started_at', app.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('step_hours', sa.Integer(), nullable=True))
    _backfill_steps()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('ward_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("UPDATE cases SET unit_type = 'ward', unit_ward_id = (SELECT MIN(id) FROM wards) "
               "WHERE unit_type = 'city'")
    op.execute("UPDATE reports SET ward_id = (SELECT unit_ward_id FROM cases WHERE cases.id = reports.id) "
               "WHERE ward_id IS NULL")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('ward_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('step_hours')
        batch_op.drop_column('step_started_at')
        batch_op.drop_constraint(op.f('ck_cases_unit'), type_='check')
        batch_op.create_check_constraint('unit', WITHOUT_CITY)
