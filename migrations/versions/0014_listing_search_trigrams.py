"""listing search: a trigram index for the word search, on PostgreSQL

Revision ID: 0014_listing_search_trigrams
Revises: 0013_stats_snapshots
Create Date: 2026-11-26 13:10:00.000000

The listing search looks for words anywhere in a listing (``LIKE '%bois%'``),
which no b-tree index serves: at 100k listings each search read the whole
table. pg_trgm's GIN index serves it. It is built CONCURRENTLY, so that
``flask db upgrade`` on a live database does not hold up writes; a database
user without the right to add the extension keeps a working, slower search.
SQLite has no such index. The index is not on the models (see
``symbiosis.models.base.DATABASE_ONLY_INDEX``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_listing_search_trigrams'
down_revision = '0013_stats_snapshots'
branch_labels = None
depends_on = None

INDEX = 'ix_trgm_listing_search_text'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError as error:
        print(f'pg_trgm unavailable ({error.orig}): the listing search stays unindexed')
        return
    with op.get_context().autocommit_block():
        op.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} '
            'ON listing USING gin (search_text gin_trgm_ops)'
        )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    with op.get_context().autocommit_block():
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {INDEX}')
