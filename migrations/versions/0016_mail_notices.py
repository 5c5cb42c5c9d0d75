"""users: how notices are e-mailed (each, a daily or weekly summary, never)

Revision ID: 0016_mail_notices
Revises: 0015_listing_updated_at_index
Create Date: 2026-11-27 19:00:00.000000

Existing accounts keep one e-mail per notice (the server default), as
before. Adding a column with a constant default rewrites no rows on
PostgreSQL 11 and later, so the upgrade is safe on a live database.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_mail_notices'
down_revision = '0015_listing_updated_at_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_notices', sa.String(length=8), server_default='each', nullable=False))
        batch_op.add_column(sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint('mail_notices_allowed', "mail_notices IN ('each', 'daily', 'weekly', 'never')")


def downgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_app_user_mail_notices_allowed'), type_='check')
        batch_op.drop_column('digest_sent_at')
        batch_op.drop_column('mail_notices')
