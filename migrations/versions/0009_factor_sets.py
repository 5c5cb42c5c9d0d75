"""emission factor sets, each used from a day on

Revision ID: 0009_factor_sets
Revises: 0008_activity_log
Create Date: 2026-11-26 10:10:00.000000

"""
from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_factor_sets'
down_revision = '0008_activity_log'
branch_labels = None
depends_on = None

DESNZ_2025 = (
    "UK Government GHG Conversion Factors for Company Reporting 2025 "
    "(DESNZ/DEFRA), Open Government Licence v3.0"
)


def upgrade():
    factor_set = op.create_table('factor_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['app_user.id'], name=op.f('fk_factor_set_added_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_factor_set')),
    sa.UniqueConstraint('name', name=op.f('uq_factor_set_name'))
    )
    # The sets already loaded (the seeded DESNZ 2025 one) apply from their year.
    bind = op.get_bind()
    names = bind.execute(sa.text("SELECT DISTINCT factor_set FROM emission_factor")).scalars()
    rows = []
    for name in names:
        year = next((int(p) for p in name.replace("_", "-").split("-") if p.isdigit() and len(p) == 4), 2000)
        rows.append({
            "name": name,
            "valid_from": date(year, 1, 1),
            "source": DESNZ_2025 if name == "DESNZ-2025" else name,
            "added_at": datetime.now(UTC),
        })
    if rows:
        op.bulk_insert(factor_set, rows)


def downgrade():
    op.drop_table('factor_set')
