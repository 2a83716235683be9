"""report timings for statistics

Revision ID: 0004_report_timings
Revises: 0003_push_api_keys
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.core.models


# revision identifiers, used by Alembic.
revision = '0004_report_timings'
down_revision = '0003_push_api_keys'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolve_due_at', app.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accept_working_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolve_working_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolved_on_time', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_reports_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_created_at')
        batch_op.drop_column('resolved_on_time')
        batch_op.drop_column('resolve_working_seconds')
        batch_op.drop_column('accept_working_seconds')
        batch_op.drop_column('resolve_due_at')
