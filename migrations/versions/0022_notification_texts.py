"""notification texts: a notice's subject and body in every language of the
site, so that it reads in the language its reader uses today

Revision ID: 0022_notification_texts
Revises: 0021_delivery_retractions
Create Date: 2026-11-28 14:10:00.000000

One nullable column: PostgreSQL adds it without rewriting the table, so the
upgrade is safe on a live database. Older notices keep the language they
were written in.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_notification_texts'
down_revision = '0021_delivery_retractions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('texts', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('texts')
