"""activity log of important actions

Revision ID: 0008_activity_log
Revises: 0007_stats_indexes
Create Date: 2026-11-28 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_activity_log'
down_revision = '0007_stats_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_activity_log_actor_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_activity_log_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_activity_log_zone_id_zone'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_log'))
    )
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_log_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_activity_log_subject', ['subject_type', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_log_zone_id'), ['zone_id'], unique=False)


def downgrade():
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_log_zone_id'))
        batch_op.drop_index('ix_activity_log_subject')
        batch_op.drop_index(batch_op.f('ix_activity_log_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_activity_log_at'))
        batch_op.drop_index(batch_op.f('ix_activity_log_actor_id'))
        batch_op.drop_index(batch_op.f('ix_activity_log_action'))

    op.drop_table('activity_log')
