"""agreements: the expiry day a reminder was sent for

Revision ID: 0018_agreement_reminders
Revises: 0017_invitations
Create Date: 2026-11-28 02:00:00.000000

A nullable column without a default: PostgreSQL adds it without rewriting
the table, so the upgrade is safe on a live database. Proposals open at the
upgrade get their reminder at the next run, when they expire soon.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_agreement_reminders'
down_revision = '0017_invitations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_for', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_column('reminded_for')
