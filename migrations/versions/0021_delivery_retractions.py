"""delivery retractions: an agreement's history records a delivery entry
withdrawn by a party ('retract')

Revision ID: 0021_delivery_retractions
Revises: 0020_saved_searches
Create Date: 2026-11-28 14:00:00.000000

Only the CHECK constraint on agreement_event.action changes, to a larger set
of values: every existing row satisfies it. On PostgreSQL the new constraint
is added NOT VALID (a brief lock, no scan) and then validated, which reads
the table without blocking writes; SQLite copies the table (batch mode).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_delivery_retractions'
down_revision = '0020_saved_searches'
branch_labels = None
depends_on = None

NAME = 'ck_agreement_event_action_allowed'
BEFORE = ('propose', 'accept', 'decline', 'counter', 'withdraw', 'start',
          'complete', 'terminate', 'expire')
AFTER = (*BEFORE, 'retract')


def _allowed(values):
    return "action IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _replace(values):
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE agreement_event DROP CONSTRAINT {NAME}')
        op.execute(f'ALTER TABLE agreement_event ADD CONSTRAINT {NAME} '
                   f'CHECK ({_allowed(values)}) NOT VALID')
        op.execute(f'ALTER TABLE agreement_event VALIDATE CONSTRAINT {NAME}')
        return
    with op.batch_alter_table('agreement_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(NAME), type_='check')
        batch_op.create_check_constraint('action_allowed', _allowed(values))


def upgrade():
    _replace(AFTER)


def downgrade():
    # The withdrawn entries' history lines go with the value they use.
    op.execute("DELETE FROM agreement_event WHERE action = 'retract'")
    _replace(BEFORE)
