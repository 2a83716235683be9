"""public services: procedure catalogue and its history, procedure complaints and their
attachments, FAQ entries, citizen questions, and the answer desk's full-text index (SQLite FTS5
kept by triggers; PostgreSQL tsvector over unaccent with a GIN index)

Revision ID: 0009_procedures
Revises: 0008_city_triage
Create Date: 2026-11-29 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.core.models


# revision identifiers, used by Alembic.
revision = '0009_procedures'
down_revision = '0008_city_triage'
branch_labels = None
depends_on = None

UTC = app.core.models.UTCDateTime(timezone=True)

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE answer_documents_fts USING fts5("
    "folded_title, folded_body, content='answer_documents', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER answer_documents_ai AFTER INSERT ON answer_documents BEGIN "
    "INSERT INTO answer_documents_fts(rowid, folded_title, folded_body) "
    "VALUES (new.id, new.folded_title, new.folded_body); END",
    "CREATE TRIGGER answer_documents_ad AFTER DELETE ON answer_documents BEGIN "
    "INSERT INTO answer_documents_fts(answer_documents_fts, rowid, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.folded_title, old.folded_body); END",
    "CREATE TRIGGER answer_documents_au AFTER UPDATE ON answer_documents BEGIN "
    "INSERT INTO answer_documents_fts(answer_documents_fts, rowid, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.folded_title, old.folded_body); "
    "INSERT INTO answer_documents_fts(rowid, folded_title, folded_body) "
    "VALUES (new.id, new.folded_title, new.folded_body); END",
]

POSTGRES_FTS = [
    # unaccent() is only STABLE (its dictionary could change); a generated column needs an
    # IMMUTABLE expression, so the dictionary is named and the wrapper declared immutable. Both
    # are qualified by the extension's schema: a restore (pg_restore) runs with an empty search_path.
    "CREATE OR REPLACE FUNCTION answer_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "STRICT AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, lower($1)) $$",
    "ALTER TABLE answer_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', answer_unaccent(title)), 'A') || "
    "setweight(to_tsvector('simple', answer_unaccent(body)), 'B')) STORED",
    "CREATE INDEX ix_answer_documents_search_vector ON answer_documents USING gin (search_vector)",
]


def upgrade():
    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('fees', sa.Text(), nullable=False),
    sa.Column('processing_days', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('portal_url', sa.String(length=500), nullable=False),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("level IN ('ward', 'city')", name=op.f('ck_procedures_level')),
    sa.CheckConstraint('processing_days >= 0', name=op.f('ck_procedures_processing_days')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_procedures_agency_id_agencies')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_procedures_updated_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
    sa.UniqueConstraint('code', name=op.f('uq_procedures_code'))
    )
    op.create_index(op.f('ix_procedures_agency_id'), 'procedures', ['agency_id'], unique=False)
    op.create_index(op.f('ix_procedures_field'), 'procedures', ['field'], unique=False)

    op.create_table('procedure_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_procedure_revisions_editor_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_procedure_revisions_procedure_id_procedures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_revisions'))
    )
    op.create_index(op.f('ix_procedure_revisions_procedure_id'), 'procedure_revisions', ['procedure_id'],
                    unique=False)

    op.create_table('procedure_complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('file_number', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['cases.id'], name=op.f('fk_procedure_complaints_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_procedure_complaints_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_complaints'))
    )
    op.create_index(op.f('ix_procedure_complaints_procedure_id'), 'procedure_complaints', ['procedure_id'],
                    unique=False)

    op.create_table('complaint_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'application/pdf')",
                       name=op.f('ck_complaint_attachments_content_type')),
    sa.ForeignKeyConstraint(['complaint_id'], ['procedure_complaints.id'],
                            name=op.f('fk_complaint_attachments_complaint_id_procedure_complaints'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_complaint_attachments_owner_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_attachments')),
    sa.UniqueConstraint('token', name=op.f('uq_complaint_attachments_token'))
    )
    op.create_index(op.f('ix_complaint_attachments_complaint_id'), 'complaint_attachments', ['complaint_id'],
                    unique=False)
    op.create_index(op.f('ix_complaint_attachments_owner_id'), 'complaint_attachments', ['owner_id'],
                    unique=False)

    op.create_table('faq_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_faq_entries_agency_id_agencies')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_faq_entries_updated_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entries'))
    )

    op.create_table('citizen_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('topic_agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['cases.id'], name=op.f('fk_citizen_questions_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_agency_id'], ['agencies.id'],
                            name=op.f('fk_citizen_questions_topic_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_questions'))
    )

    op.create_table('answer_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('folded_title', sa.Text(), nullable=False),
    sa.Column('folded_body', sa.Text(), nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_answer_documents_agency_id_agencies'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_documents')),
    sa.UniqueConstraint('source_type', 'source_id', name=op.f('uq_answer_documents_source_type'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema = op.get_bind().exec_driver_sql(
            "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'unaccent'").scalar_one()
        for statement in POSTGRES_FTS:
            op.execute(statement.format(schema=schema))


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for name in ('answer_documents_ai', 'answer_documents_ad', 'answer_documents_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS answer_documents_fts")
    op.drop_table('answer_documents')
    if dialect == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS answer_unaccent(text)")
    op.drop_table('citizen_questions')
    op.drop_table('faq_entries')
    op.drop_index(op.f('ix_complaint_attachments_owner_id'), table_name='complaint_attachments')
    op.drop_index(op.f('ix_complaint_attachments_complaint_id'), table_name='complaint_attachments')
    op.drop_table('complaint_attachments')
    op.drop_index(op.f('ix_procedure_complaints_procedure_id'), table_name='procedure_complaints')
    op.drop_table('procedure_complaints')
    op.drop_index(op.f('ix_procedure_revisions_procedure_id'), table_name='procedure_revisions')
    op.drop_table('procedure_revisions')
    op.drop_index(op.f('ix_procedures_field'), table_name='procedures')
    op.drop_index(op.f('ix_procedures_agency_id'), table_name='procedures')
    op.drop_table('procedures')
