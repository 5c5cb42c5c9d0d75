"""indexes for the statistics at scale

Revision ID: 0007_stats_indexes
Revises: 0006
Create Date: 2026-11-28 08:30:00.000000

Measured with ``python -m tests.bench.dashboard`` (1M listings, 1M matches,
200k agreements, 1M deliveries): the dashboard's range counts read these
indexes alone (INCLUDE columns, PostgreSQL only) instead of whole tables.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_stats_indexes'
down_revision = '0006'
branch_labels = None
depends_on = None

DISMISSED = sa.text('dismissed_at IS NOT NULL')

# (table, index, columns, INCLUDE columns, partial WHERE)
INDEXES = [
    ('listing', 'ix_listing_created_at', ['created_at'], ['id', 'organisation_id'], None),
    ('listing', 'ix_listing_organisation_created', ['organisation_id', 'created_at'],
     ['id', 'state', 'resource'], None),
    ('listing', 'ix_listing_state_resource', ['state', 'resource', 'created_at'], ['id'], None),
    ('match', 'ix_match_created_at', ['created_at'],
     ['id', 'offer_id', 'request_id', 'dismissed_at', 'distance_km'], None),
    ('match', 'ix_match_dismissed_at', ['dismissed_at'], ['id', 'dismiss_reason'], DISMISSED),
    ('agreement', 'ix_agreement_created_at', ['created_at'],
     ['id', 'state', 'supplier_id', 'receiver_id', 'match_id'], None),
    ('agreement_event', 'ix_agreement_event_steps', ['agreement_id', 'to_state', 'created_at'],
     [], None),
    ('agreement_event', 'ix_agreement_event_to_state', ['to_state', 'agreement_id', 'created_at'],
     [], None),
    ('impact_record', 'ix_impact_record_recorded_on', ['recorded_on'], [], None),
]


def upgrade():
    for table, name, columns, include, where in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                name,
                columns,
                unique=False,
                postgresql_include=include,
                postgresql_where=where,
                sqlite_where=where,
            )


def downgrade():
    for table, name, _columns, _include, _where in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
