"""listing: an index on updated_at, for the matcher's catch-up

Revision ID: 0015_listing_updated_at_index
Revises: 0014_listing_search_trigrams
Create Date: 2026-11-26 15:30:00.000000

Each process that holds a matcher index asks, before matching, for the
listings changed since it last looked (``updated_at >= t``). Without an
index that read the whole table: 23 ms at 100k listings for every new
listing. On PostgreSQL the index is built CONCURRENTLY, so that
``flask db upgrade`` on a live database does not hold up writes.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_listing_updated_at_index'
down_revision = '0014_listing_search_trigrams'
branch_labels = None
depends_on = None

INDEX = 'ix_listing_updated_at'


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON listing (updated_at)'
            )
    else:
        op.create_index(INDEX, 'listing', ['updated_at'])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {INDEX}')
    else:
        op.drop_index(INDEX, table_name='listing')
