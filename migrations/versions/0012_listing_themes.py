"""listing themes: the shared list of themes on offers and requests

Revision ID: 0012_listing_themes
Revises: 0011_partnerships
Create Date: 2026-11-26 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_listing_themes'
down_revision = '0011_partnerships'
branch_labels = None
depends_on = None


def upgrade():
    # Existing listings get no theme ([]), on SQLite and PostgreSQL alike.
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('themes', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.drop_column('themes')
