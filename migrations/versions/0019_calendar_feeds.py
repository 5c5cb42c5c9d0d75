"""users: the key of one's calendar address (None while the calendar is off)

Revision ID: 0019_calendar_feeds
Revises: 0018_agreement_reminders
Create Date: 2026-11-28 04:00:00.000000

A nullable column without a default: PostgreSQL adds it without rewriting
the table, so the upgrade is safe on a live database. Every calendar starts
off; people turn theirs on from the account page.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_calendar_feeds'
down_revision = '0018_agreement_reminders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('calendar_key')
