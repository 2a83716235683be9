"""alerts from the police and agencies (one row per CAP message, versions grouped by root),
subscriptions per kind and area; satisfaction surveys, their questions and one answer per account

Revision ID: 0011_alerts_surveys
Revises: 0010_reception_business
Create Date: 2026-11-29 14:18:22.003550

"""
from alembic import op
import sqlalchemy as sa

import app.core.models


# revision identifiers, used by Alembic.
revision = '0011_alerts_surveys'
down_revision = '0010_reception_business'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('scam', 'crime', 'traffic', 'weather', 'health', 'other')", name=op.f('ck_alert_subscriptions_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_alert_subscriptions_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscriptions')),
    sa.UniqueConstraint('user_id', 'kind', 'area', name='user_kind_area')
    )
    with op.batch_alter_table('alert_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_alert_subscriptions_kind_area', ['kind', 'area', 'user_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('root_id', sa.Integer(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('msg_type', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', app.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', app.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('certainty', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('summary_en', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('instruction_en', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('valid_from', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('city_wide', sa.Boolean(), nullable=False),
    sa.Column('image_key', sa.String(length=200), nullable=True),
    sa.Column('image_thumb_key', sa.String(length=200), nullable=True),
    sa.Column('image_width', sa.Integer(), nullable=True),
    sa.Column('image_height', sa.Integer(), nullable=True),
    sa.Column('image_size', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.CheckConstraint("certainty IN ('Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown')", name=op.f('ck_alerts_certainty')),
    sa.CheckConstraint("kind IN ('scam', 'crime', 'traffic', 'weather', 'health', 'other')", name=op.f('ck_alerts_kind')),
    sa.CheckConstraint("msg_type IN ('Alert', 'Update', 'Cancel')", name=op.f('ck_alerts_msg_type')),
    sa.CheckConstraint("severity IN ('info', 'warning', 'severe')", name=op.f('ck_alerts_severity')),
    sa.CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name=op.f('ck_alerts_published_at')),
    sa.CheckConstraint("status IN ('draft', 'published', 'updated', 'expired', 'withdrawn')", name=op.f('ck_alerts_status')),
    sa.CheckConstraint("urgency IN ('Immediate', 'Expected', 'Future', 'Past', 'Unknown')", name=op.f('ck_alerts_urgency')),
    sa.CheckConstraint('valid_until > valid_from', name=op.f('ck_alerts_validity')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_alerts_agency_id_agencies')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_alerts_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['alerts.id'], name=op.f('fk_alerts_previous_id_alerts')),
    sa.ForeignKeyConstraint(['root_id'], ['alerts.id'], name=op.f('fk_alerts_root_id_alerts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_root_id'), ['root_id'], unique=False)
        batch_op.create_index('ix_alerts_status_valid', ['status', 'valid_until'], unique=False)

    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('open_from', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('open_until', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('results_public_early', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_surveys_status')),
    sa.CheckConstraint('(ward_id IS NULL) <> (agency_id IS NULL)', name=op.f('ck_surveys_one_unit')),
    sa.CheckConstraint('open_until > open_from', name=op.f('ck_surveys_period')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_surveys_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_surveys_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['surveys.id'], name=op.f('fk_surveys_previous_id_surveys')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_surveys_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_ward_id'), ['ward_id'], unique=False)

    op.create_table('alert_wards',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_wards_alert_id_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_alert_wards_ward_id_wards')),
    sa.PrimaryKeyConstraint('alert_id', 'ward_id', name=op.f('pk_alert_wards'))
    )
    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('label_en', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('text', 'single', 'multiple', 'long_text', 'rating')", name=op.f('ck_survey_questions_kind')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('survey_id', 'code', name='survey_code')
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', app.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('survey_id', 'user_id', name='one_answer_per_account')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_user_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))

    op.drop_table('survey_questions')
    op.drop_table('alert_wards')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_ward_id'))
        batch_op.drop_index(batch_op.f('ix_surveys_agency_id'))

    op.drop_table('surveys')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_status_valid')
        batch_op.drop_index(batch_op.f('ix_alerts_root_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_agency_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('alert_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_subscriptions_kind_area')

    op.drop_table('alert_subscriptions')
