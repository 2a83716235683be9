"""the case engine: cases and case_events; reports keep only what is specific to them

Every report becomes a case with the same number (``reports.id`` is now a foreign key to
``cases.id``); its lifecycle columns move to ``cases``, its timeline from ``report_events`` to
``case_events``, and notifications refer to a subject (``"case"``, id) instead of a report.

SQLite cannot drop constrained columns in place, so there the reports table is rebuilt (the
migration environment turns foreign keys off around migrations, as SQLite's documented
procedure requires, and checks them afterwards); PostgreSQL alters it in place.

Revision ID: 0005_case_engine
Revises: 0004_report_timings
Create Date: 2026-11-29 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.core.models


# revision identifiers, used by Alembic.
revision = '0005_case_engine'
down_revision = '0004_report_timings'
branch_labels = None
depends_on = None

UTC = app.core.models.UTCDateTime(timezone=True)

# The lifecycle columns that move from reports to cases (same names, but reporter_id → requester_id).
LIFECYCLE = [
    'created_at', 'updated_at', 'submission_id', 'source', 'status', 'level', 'unit_type', 'unit_ward_id',
    'unit_agency_id', 'due_at', 'overdue_since', 'submitted_at', 'accepted_at', 'resolved_at', 'closed_at',
    'resolve_due_at', 'resolved_on_time', 'accept_working_seconds', 'resolve_working_seconds', 'reopened',
    'answer_text', 'reject_reason', 'reject_text', 'duplicate_of_id', 'satisfied', 'rating_comment', 'rated_at',
]
REPORT_COLUMNS = [
    'id', 'api_key_id', 'category_id', 'description', 'answers', 'ward_id', 'lat', 'lon', 'address',
    'show_name', 'proof_flagged', 'hidden', 'followers_count',
]
OLD_REPORT_INDEXES = [
    'ix_reports_agency_inbox', 'ix_reports_ward_inbox', 'ix_reports_status_feed', 'ix_reports_reporter',
    'ix_reports_nearby', 'ix_reports_created_at', 'ix_reports_category_feed', 'ix_reports_public_feed',
    'ix_reports_ward_feed',
]
EVENT_COLUMNS = ['id', 'created_at', 'actor_id', 'kind', 'public', 'from_status', 'to_status', 'data']


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _reset_sequence(table: str) -> None:
    """PostgreSQL: rows were copied with their ids, so the id sequence must continue after them."""
    if not _is_sqlite():
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def _create_cases() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('submission_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=True),
    sa.Column('unit_type', sa.String(length=10), nullable=False),
    sa.Column('unit_ward_id', sa.Integer(), nullable=True),
    sa.Column('unit_agency_id', sa.Integer(), nullable=True),
    sa.Column('due_at', UTC, nullable=True),
    sa.Column('overdue_since', UTC, nullable=True),
    sa.Column('submitted_at', UTC, nullable=False),
    sa.Column('accepted_at', UTC, nullable=True),
    sa.Column('resolved_at', UTC, nullable=True),
    sa.Column('closed_at', UTC, nullable=True),
    sa.Column('resolve_due_at', UTC, nullable=True),
    sa.Column('resolved_on_time', sa.Boolean(), nullable=True),
    sa.Column('accept_working_seconds', sa.Integer(), nullable=True),
    sa.Column('resolve_working_seconds', sa.Integer(), nullable=True),
    sa.Column('reopened', sa.Boolean(), nullable=False),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('reject_reason', sa.String(length=30), nullable=True),
    sa.Column('reject_text', sa.Text(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('satisfied', sa.Boolean(), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', UTC, nullable=True),
    sa.CheckConstraint("(unit_type = 'ward' AND unit_ward_id IS NOT NULL AND unit_agency_id IS NULL) OR (unit_type = 'agency' AND unit_agency_id IS NOT NULL AND unit_ward_id IS NULL)", name=op.f('ck_cases_unit')),
    sa.CheckConstraint("level IS NULL OR level IN ('urgent', 'normal', 'complex')", name=op.f('ck_cases_level')),
    sa.CheckConstraint("status <> 'accepted' OR level IS NOT NULL", name=op.f('ck_cases_accepted_level')),
    sa.CheckConstraint("status IN ('submitted', 'accepted', 'resolved', 'rejected', 'closed')", name=op.f('ck_cases_status')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['cases.id'], name=op.f('fk_cases_duplicate_of_id_cases')),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_cases_requester_id_users')),
    sa.ForeignKeyConstraint(['unit_agency_id'], ['agencies.id'], name=op.f('fk_cases_unit_agency_id_agencies')),
    sa.ForeignKeyConstraint(['unit_ward_id'], ['wards.id'], name=op.f('fk_cases_unit_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('kind', 'requester_id', 'submission_id', name='requester_submission')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_agency_inbox', ['unit_agency_id', 'status', 'due_at'], unique=False)
        batch_op.create_index('ix_cases_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_cases_kind_created_at', ['kind', 'created_at'], unique=False)
        batch_op.create_index('ix_cases_requester', ['requester_id', 'id'], unique=False)
        batch_op.create_index('ix_cases_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_cases_ward_inbox', ['unit_ward_id', 'status', 'due_at'], unique=False)


def _create_case_events() -> None:
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)


def _rebuild_reports_sqlite() -> None:
    op.create_table('reports_new',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Double(), nullable=True),
    sa.Column('lon', sa.Double(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('proof_flagged', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('followers_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_reports_api_key_id_api_keys')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_reports_category_id_categories')),
    sa.ForeignKeyConstraint(['id'], ['cases.id'], name=op.f('fk_reports_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_reports_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    columns = ', '.join(REPORT_COLUMNS)
    op.execute(f"INSERT INTO reports_new ({columns}) SELECT {columns} FROM reports")
    op.drop_table('reports')
    op.rename_table('reports_new', 'reports')


def _alter_reports_postgresql() -> None:
    for name in ('ck_reports_status', 'ck_reports_level', 'ck_reports_unit', 'ck_reports_accepted_level'):
        op.drop_constraint(op.f(name), 'reports', type_='check')
    op.drop_constraint(op.f('reporter_submission'), 'reports', type_='unique')
    for name in ('fk_reports_duplicate_of_id_reports', 'fk_reports_reporter_id_users',
                 'fk_reports_unit_ward_id_wards', 'fk_reports_unit_agency_id_agencies'):
        op.drop_constraint(op.f(name), 'reports', type_='foreignkey')
    for column in [*LIFECYCLE, 'reporter_id']:
        op.drop_column('reports', column)
    op.alter_column('reports', 'id', server_default=None)
    op.execute("DROP SEQUENCE IF EXISTS reports_id_seq")
    op.create_foreign_key(op.f('fk_reports_id_cases'), 'reports', 'cases', ['id'], ['id'], ondelete='CASCADE')


def upgrade():
    _create_cases()
    moved = ', '.join(LIFECYCLE)
    op.execute(f"INSERT INTO cases (id, kind, requester_id, {moved}) "
               f"SELECT id, 'report', reporter_id, {moved} FROM reports")
    _reset_sequence('cases')

    _create_case_events()
    events = ', '.join(EVENT_COLUMNS)
    op.execute(f"INSERT INTO case_events (case_id, {events}) SELECT report_id, {events} FROM report_events")
    _reset_sequence('case_events')
    op.drop_table('report_events')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=80), nullable=True))
    op.execute("UPDATE notifications SET subject_type = 'case', subject_id = report_id WHERE report_id IS NOT NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_notifications_report_id_reports'), type_='foreignkey')
        batch_op.drop_column('report_id')
        batch_op.create_index('ix_notifications_subject', ['subject_type', 'subject_id'], unique=False)
        batch_op.create_unique_constraint('user_dedupe_key', ['user_id', 'dedupe_key'])

    for name in OLD_REPORT_INDEXES:
        op.drop_index(name, table_name='reports')
    if _is_sqlite():
        _rebuild_reports_sqlite()
    else:
        _alter_reports_postgresql()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_category_feed', ['category_id', 'hidden', 'id'], unique=False)
        batch_op.create_index('ix_reports_nearby', ['category_id', 'lat'], unique=False)
        batch_op.create_index('ix_reports_public_feed', ['hidden', 'id'], unique=False)
        batch_op.create_index('ix_reports_ward_feed', ['ward_id', 'hidden', 'id'], unique=False)


def downgrade():
    raise NotImplementedError("0005_case_engine moves every report into the case tables: restore a backup "
                              "taken before the upgrade (flask backup restore) instead of downgrading")
