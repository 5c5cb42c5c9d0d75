"""A newer emission factor set prices later deliveries and leaves the past be."""

# ruff: noqa: F811  (the `world` fixture is imported from test_stats_service)

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import EmissionFactor, FactorSet, ImpactRecord
from symbiosis.services import agreement_thread as thread
from symbiosis.services import factor_sets, impacts
from tests.builders import make_user
from tests.integration.test_stats_service import world  # noqa: F401 - the fixture

HEADER = "source_id,level_1,level_2,level_3,level_4,column_text,unit,kg_co2e_per_unit"
NEWER = "\n".join(
    [
        HEADER,
        "27_304_3140_14_1,Freighting goods,HGV (all diesel),All HGVs,,Average laden,tonne.km,0.2",
        "28_907_3140_14_1,WTT- delivery vehs & freight,WTT- HGV (all diesel),All HGVs,,Average laden,tonne.km,0.05",
        "19_500_5048_15_1,Material use,Construction,Wood,,Primary material production,tonnes,300",
        "19_500_5049_15_1,Material use,Construction,Wood,,Re-used,tonnes,40",
    ]
)  # fmt: skip


def _deliver(world, day: date) -> ImpactRecord:
    thread.log_delivery(
        world["us"], world["wood"].id,
        {"delivered_on": day.isoformat(), "quantity": "1", "unit": "t"},
    )  # fmt: skip
    return world["wood"].impacts[-1]


def test_a_newer_set_prices_deliveries_from_its_first_day(world):
    today = date.today()
    before = _deliver(world, today - timedelta(days=2))
    assert before.factor_set == "DESNZ-2025"
    old_avoided = before.avoided_kg_co2e
    added = factor_sets.add_set(
        world["facilitator"], "DESNZ-2026", today - timedelta(days=1),
        "DESNZ/DEFRA 2026, OGL v3.0", NEWER,
    )  # fmt: skip
    assert added.added_by_id == world["facilitator"].id
    assert impacts.factor_set_for(today) == "DESNZ-2026"
    assert impacts.factor_set_for(today - timedelta(days=2)) == "DESNZ-2025"
    after = _deliver(world, today)
    assert after.factor_set == "DESNZ-2026"
    assert after.avoided_kg_co2e == Decimal("260.000")  # 1 t × (300 − 40)
    late = _deliver(world, today - timedelta(days=3))  # logged late, priced by its day
    assert late.factor_set == "DESNZ-2025"
    db.session.refresh(before)
    assert (before.factor_set, before.avoided_kg_co2e) == ("DESNZ-2025", old_avoided)
    listed = {row["set"].name: row for row in factor_sets.sets()}
    assert listed["DESNZ-2026"]["current"]
    assert listed["DESNZ-2026"]["factors"] == 4


@pytest.mark.parametrize(
    ("name", "day", "source", "text", "field"),
    [
        ("", date(2026, 1, 1), "x", NEWER, "name"),
        ("DESNZ-2025", date(2026, 1, 1), "x", NEWER, "name"),
        ("N", None, "x", NEWER, "valid_from"),
        ("N", date(2026, 1, 1), " ", NEWER, "source"),
        ("N", date(2026, 1, 1), "x", "source_id,unit\nA,t", "file"),
        ("N", date(2026, 1, 1), "x", NEWER.replace(",0.2", ",lots"), "file"),
        ("N", date(2026, 1, 1), "x", NEWER.replace(",0.2", ",-1"), "file"),
        ("N", date(2026, 1, 1), "x", NEWER + "\n" + NEWER.splitlines()[1], "file"),
        ("N", date(2026, 1, 1), "x", "\n".join(NEWER.splitlines()[:1] + NEWER.splitlines()[3:]), "file"),
        ("N", date(2026, 1, 1), "x", HEADER, "file"),
    ],
)  # fmt: skip
def test_bad_sets_name_the_field_and_change_nothing(
    world, name, day, source, text, field
):
    before = db.session.scalar(sa.select(sa.func.count(EmissionFactor.id)))
    with pytest.raises(FieldErrors) as problems:
        factor_sets.add_set(world["facilitator"], name, day, source, text)
    assert field in dict(problems.value.errors)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(EmissionFactor.id))) == before
    assert db.session.scalar(sa.select(sa.func.count(FactorSet.id))) <= 1


def test_only_facilitators_add_sets(world):
    with pytest.raises(NotAllowed):
        factor_sets.add_set(world["manager"], "X", date.today(), "x", NEWER)
    with pytest.raises(NotAllowed):
        factor_sets.add_set(make_user(), "X", date.today(), "x", NEWER)


def test_adding_a_set_is_in_the_activity_log(world):
    from symbiosis.models import ActivityEntry

    factor_sets.add_set(
        world["facilitator"], "DESNZ-2026", date.today(), "DESNZ/DEFRA 2026", NEWER
    )
    entry = db.session.scalar(
        sa.select(ActivityEntry).where(ActivityEntry.action == "impact.factors_added")
    )
    assert entry.actor_id == world["facilitator"].id
    assert entry.details["name"] == "DESNZ-2026"
    assert entry.details["factors"] == 4
