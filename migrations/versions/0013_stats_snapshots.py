"""stats snapshots: stored statistics, refreshed by the worker at scale

Revision ID: 0013_stats_snapshots
Revises: 0012_listing_themes
Create Date: 2026-11-26 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_stats_snapshots'
down_revision = '0012_listing_themes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stats_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=True),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_stats_snapshot_zone_id_zone'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_snapshot')),
        sa.UniqueConstraint('key', name=op.f('uq_stats_snapshot_key')),
    )
    with op.batch_alter_table('stats_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_snapshot_computed_at'), ['computed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_snapshot_zone_id'), ['zone_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stats_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_snapshot_zone_id'))
        batch_op.drop_index(batch_op.f('ix_stats_snapshot_computed_at'))
    op.drop_table('stats_snapshot')
