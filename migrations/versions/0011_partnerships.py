"""partnerships: agreements of kind partnership, signed at an event

Revision ID: 0011_partnerships
Revises: 0010_events
Create Date: 2026-11-26 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_partnerships'
down_revision = '0010_events'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='exchange', nullable=False))
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('value_eur', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.create_index(batch_op.f('ix_agreement_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agreement_event_id_event'), 'event', ['event_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('kind_allowed', "kind IN ('exchange', 'partnership')")


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_agreement_kind_allowed'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_agreement_event_id_event'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agreement_event_id'))
        batch_op.drop_column('value_eur')
        batch_op.drop_column('event_id')
        batch_op.drop_column('kind')
