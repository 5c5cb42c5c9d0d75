"""matchmaking events: registrations and the planned meetings

Revision ID: 0010_events
Revises: 0009_factor_sets
Create Date: 2026-11-26 09:09:03.065899

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_events'
down_revision = '0009_factor_sets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('tables', sa.Integer(), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('minutes_per_round', sa.Integer(), nullable=False),
    sa.Column('pairs', sa.String(length=5), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('planned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("pairs IN ('mixed', 'any')", name=op.f('ck_event_pairs_allowed')),
    sa.CheckConstraint("state IN ('draft', 'open', 'planned', 'published', 'held')", name=op.f('ck_event_state_allowed')),
    sa.CheckConstraint('minutes_per_round >= 1', name=op.f('ck_event_minutes_positive')),
    sa.CheckConstraint('rounds >= 1', name=op.f('ck_event_rounds_positive')),
    sa.CheckConstraint('tables >= 1', name=op.f('ck_event_tables_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_event_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_event_zone_id_zone'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_zone_id'), ['zone_id'], unique=False)

    op.create_table('event_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('table_no', sa.Integer(), nullable=False),
    sa.Column('org_a_id', sa.Integer(), nullable=False),
    sa.Column('org_b_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.CheckConstraint('org_a_id <> org_b_id', name=op.f('ck_event_meeting_two_organisations')),
    sa.CheckConstraint('round >= 1', name=op.f('ck_event_meeting_round_positive')),
    sa.CheckConstraint('table_no >= 1', name=op.f('ck_event_meeting_table_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_meeting_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_a_id'], ['organisation.id'], name=op.f('fk_event_meeting_org_a_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_b_id'], ['organisation.id'], name=op.f('fk_event_meeting_org_b_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_meeting')),
    sa.UniqueConstraint('event_id', 'round', 'org_a_id', name=op.f('uq_event_meeting_event_id_round_org_a_id')),
    sa.UniqueConstraint('event_id', 'round', 'org_b_id', name=op.f('uq_event_meeting_event_id_round_org_b_id')),
    sa.UniqueConstraint('event_id', 'round', 'table_no', name=op.f('uq_event_meeting_event_id_round_table_no'))
    )
    with op.batch_alter_table('event_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_meeting_org_a_id'), ['org_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_org_b_id'), ['org_b_id'], unique=False)

    op.create_table('event_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('offers', sa.Text(), nullable=False),
    sa.Column('seeks', sa.Text(), nullable=False),
    sa.Column('sdgs', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_registration_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['app_user.id'], name=op.f('fk_event_registration_registered_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration')),
    sa.UniqueConstraint('event_id', 'organisation_id', name=op.f('uq_event_registration_event_id_organisation_id'))
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registration_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_organisation_id'))

    op.drop_table('event_registration')
    with op.batch_alter_table('event_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_meeting_org_b_id'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_org_a_id'))

    op.drop_table('event_meeting')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_zone_id'))
        batch_op.drop_index(batch_op.f('ix_event_state'))
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))

    op.drop_table('event')
