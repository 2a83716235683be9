"""ward centres, kept by city admins

Revision ID: 0006_ward_centres
Revises: 0005_case_engine
Create Date: 2026-11-29 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_ward_centres'
down_revision = '0005_case_engine'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('centre_lat', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('centre_lon', sa.Double(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_wards_centre_complete'), '(centre_lat IS NULL) = (centre_lon IS NULL)')


def downgrade():
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_wards_centre_complete'), type_='check')
        batch_op.drop_column('centre_lon')
        batch_op.drop_column('centre_lat')
