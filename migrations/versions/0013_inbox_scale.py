"""inbox at scale: counters of cases per unit, kind, status and overdue flag; inbox indexes
ending in the case number, so a keyset page is read in order from the index

Revision ID: 0013_inbox_scale
Revises: 0012_lookups
Create Date: 2026-11-29 17:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_inbox_scale'
down_revision = '0012_lookups'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_cases_ward_inbox': ['unit_ward_id', 'status', 'due_at'],
    'ix_cases_agency_inbox': ['unit_agency_id', 'status', 'due_at'],
    'ix_cases_status_due': ['status', 'due_at'],
}


def upgrade():
    op.create_table('case_counts',
    sa.Column('unit_type', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_type', 'unit_id', 'kind', 'status', 'overdue', name=op.f('pk_case_counts'))
    )
    # The counters of the cases already there (app.cases.counts.fresh_counts, frozen here).
    op.execute(
        "INSERT INTO case_counts (unit_type, unit_id, kind, status, overdue, n) "
        "SELECT unit_type, COALESCE(unit_ward_id, unit_agency_id, 0), kind, status, "
        "CASE WHEN overdue_since IS NULL THEN false ELSE true END, COUNT(*) FROM cases "
        "GROUP BY unit_type, COALESCE(unit_ward_id, unit_agency_id, 0), kind, status, "
        "CASE WHEN overdue_since IS NULL THEN false ELSE true END"
    )
    # Plain index statements, not a batch: SQLite needs no table copy for them.
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name='cases')
        op.create_index(name, 'cases', [*columns, 'id'], unique=False)
    _analyze_cases()


def downgrade():
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name='cases')
        op.create_index(name, 'cases', columns, unique=False)
    _analyze_cases()
    op.drop_table('case_counts')


def _analyze_cases():
    """A SQLite database that has statistics loses those of the dropped indexes; without new
    ones its planner took ix_cases_status_due for the nearby-reports query (2.3 s at 1,000,000
    cases instead of 4 ms). PostgreSQL keeps its table statistics."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute('ANALYZE cases')
