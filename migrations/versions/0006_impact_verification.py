"""impact records: verification by a facilitator

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('impact_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('verified_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_impact_record_verified_by_id_app_user'), 'app_user', ['verified_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('impact_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_impact_record_verified_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('verified_by_id')
        batch_op.drop_column('verified_at')
