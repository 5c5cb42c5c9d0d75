"""Agreements and their events for the scale data set.

Part of :mod:`symbiosis.services.scale_data`. Each agreement comes from a
distinct, undismissed match and follows the transition table of
:mod:`symbiosis.workflow.agreement`: propose, maybe counter, then accept,
start and complete or terminate, or decline, withdraw or expire, one event
per step at increasing times. A step that would fall after ``now`` is not
taken, so recent agreements are still under way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from symbiosis.models import Agreement, AgreementEvent
from symbiosis.models.agreement import TRANSPORT_BY
from symbiosis.services import scale_deliveries
from symbiosis.services.scale_data import (
    DAY,
    Array,
    capped,
    ids,
    later,
    objects,
    pick,
    store,
)

if TYPE_CHECKING:
    from symbiosis.services.scale_data import Report, Sizes, World

# The state each agreement heads for, and its share.
TARGETS = {
    "completed": 0.25, "active": 0.25, "accepted": 0.07, "proposed": 0.08,
    "declined": 0.12, "withdrawn": 0.06, "expired": 0.10, "terminated": 0.07,
}  # fmt: skip
RAN = ("active", "completed", "terminated")
REVEALED = ("accepted", *RAN)
EXPIRY_DAYS = 14
NAT = np.datetime64("NaT")
NO_ORG = -1


def write_all(world: World, sizes: Sizes, report: Report) -> dict[str, int]:
    """Write agreements, events, deliveries and impact records."""
    rng, ms, ls = world.rng, world.matches, world.listings
    n = sizes.agreements
    undismissed = np.flatnonzero(~ms["dismissed"])
    if n > len(undismissed):
        raise ValueError("more agreements than undismissed matches")
    chosen = rng.choice(undismissed, n, replace=False)
    created = capped(world, later(world, ms["created"][chosen], 5.0))
    order = np.argsort(created, kind="stable")
    a: dict[str, Any] = {"match": chosen[order], "created": created[order]}
    a["offer"], a["request"] = ms["offer"][a["match"]], ms["request"][a["match"]]
    a["supplier"] = world.orgs["id"][ls["owner"][a["offer"]]]
    a["receiver"] = world.orgs["id"][ls["owner"][a["request"]]]
    a["id"] = ids(Agreement, n)
    at, done = _timeline(world, a)
    _terms(world, a)
    events = _events(a, at, done)
    deliveries, records = scale_deliveries.build(world, a, at, done, sizes.deliveries)
    counts = {
        "agreements": store(Agreement, _agreements(world, a)),
        "agreement events": store(AgreementEvent, events),
        **scale_deliveries.write(deliveries, records),
    }
    states, tally = np.unique(a["state"], return_counts=True)
    report.agreements_by_state = dict(zip(states.tolist(), tally.tolist(), strict=True))
    return counts


def _timeline(
    world: World, a: dict[str, Any]
) -> tuple[dict[str, Array], dict[str, Array]]:
    """When each step would happen, and which steps happened before ``now``."""
    rng, now, n = world.rng, world.now, len(a["created"])
    target = rng.choice(objects(TARGETS), n, p=list(TARGETS.values()))
    at: dict[str, Array] = {"propose": a["created"]}
    at["counter"] = later(world, a["created"], 3.0)
    countered = (rng.random(n) < 0.15) & (at["counter"] <= now)
    answered_from = pick(countered, at["counter"], a["created"])
    at["accept"] = later(world, answered_from, 6.0)
    at["start"] = later(world, at["accept"], 14.0)
    at["complete"] = at["start"] + rng.integers(20 * DAY, 300 * DAY, n)
    at["terminate"] = at["start"] + rng.integers(10 * DAY, 300 * DAY, n)
    at["decline"] = at["withdraw"] = later(world, answered_from, 5.0)
    at["expire"] = answered_from + EXPIRY_DAYS * DAY
    done = {"propose": np.ones(n, dtype=bool), "counter": countered}
    done["accept"] = np.isin(target, REVEALED) & (at["accept"] <= now)
    done["start"] = done["accept"] & np.isin(target, RAN) & (at["start"] <= now)
    for step, end in (("complete", "completed"), ("terminate", "terminated")):
        done[step] = done["start"] & (target == end) & (at[step] <= now)
    for step, end in (
        ("decline", "declined"), ("withdraw", "withdrawn"), ("expire", "expired")
    ):  # fmt: skip
        done[step] = (target == end) & (at[step] <= now)
    state = np.full(n, "proposed", dtype=object)
    for step, reached in (
        ("accept", "accepted"), ("start", "active"), ("complete", "completed"),
        ("terminate", "terminated"), ("decline", "declined"),
        ("withdraw", "withdrawn"), ("expire", "expired"),
    ):  # fmt: skip
        state[done[step]] = reached
    a["state"] = state
    first = pick(rng.random(n) < 0.7, a["receiver"], a["supplier"])
    other = pick(first == a["supplier"], a["receiver"], a["supplier"])
    a["first_proposer"] = first
    a["proposer"] = pick(countered, other, first)  # whose terms are on the table
    a["answerer"] = pick(countered, first, other)
    ended = pick(done["terminate"], at["terminate"], now)
    a["end"] = pick(done["complete"], at["complete"], ended)
    return at, done


def _terms(world: World, a: dict[str, Any]) -> None:
    rng, ls = world.rng, world.listings
    n = len(a["created"])
    share = rng.uniform(0.2, 1.0, n)
    a["quantity"] = np.maximum(0.01, (ls["quantity"][a["offer"]] * share).round(2))
    a["unit"], a["frequency"] = ls["unit"][a["offer"]], ls["frequency"][a["offer"]]
    a["start_on"] = (a["created"] + 10 * DAY).astype("datetime64[D]")
    ends = a["start_on"] + rng.integers(180, 1095, n)
    a["end_on"] = pick(rng.random(n) < 0.5, ends, NAT).astype("datetime64[D]")
    prices = objects(["free", "negotiable", "price_per_unit"])
    a["price_terms"] = rng.choice(prices, n, p=(0.35, 0.45, 0.2))
    per_unit = a["price_terms"] == "price_per_unit"
    a["price"] = pick(per_unit, rng.uniform(1, 150, n).round(2), np.nan)
    a["transport_by"] = rng.choice(objects(TRANSPORT_BY), n)
    columns = zip(
        a["quantity"].tolist(),
        a["unit"].tolist(),
        a["frequency"].tolist(),
        np.datetime_as_string(a["start_on"]).tolist(),
        np.datetime_as_string(a["end_on"]).tolist(),
        a["price_terms"].tolist(),
        a["price"].tolist(),
        a["transport_by"].tolist(),
        strict=True,
    )
    a["terms"] = objects(  # as services.agreement_terms.terms_of writes them
        json.dumps(
            {
                "quantity": q,
                "unit": u,
                "frequency": f,
                "start": start,
                "end": None if last == "NaT" else last,
                "price_terms": terms,
                "price_per_unit": None if price != price else price,
                "transport_by": by,
                "conditions": None,
            },
            ensure_ascii=False,
        )
        for q, u, f, start, last, terms, price, by in columns
    )


def _events(
    a: dict[str, Any], at: dict[str, Array], done: dict[str, Array]
) -> dict[str, Any]:
    """One row per step taken, in time order; sets each agreement's version."""
    n = len(a["created"])
    system = np.full(n, NO_ORG)
    # step, from, to, acting organisation, with the terms, comment
    steps = (
        ("propose", None, "proposed", a["first_proposer"], True, None),
        ("counter", "proposed", "proposed", a["proposer"], True, None),
        ("accept", "proposed", "accepted", a["answerer"], False, None),
        ("start", "accepted", "active", a["receiver"], False, None),
        ("complete", "active", "completed", a["supplier"], False, None),
        ("terminate", "active", "terminated", a["supplier"], False,
         "Plus de besoin / no longer needed"),
        ("decline", "proposed", "declined", a["answerer"], False,
         "Conditions inadaptées / terms do not fit"),
        ("withdraw", "proposed", "withdrawn", a["proposer"], False, None),
        ("expire", "proposed", "expired", system, False, None),
    )  # fmt: skip
    rows = [np.flatnonzero(done[step[0]]) for step in steps]
    agreement = np.concatenate(rows)
    when = np.concatenate([at[s[0]][r] for s, r in zip(steps, rows, strict=True)])
    org = np.concatenate([s[3][r] for s, r in zip(steps, rows, strict=True)])
    kind = np.concatenate([np.full(len(r), k) for k, r in enumerate(rows)])
    order = np.lexsort((kind, when))
    agreement, when, org, kind = agreement[order], when[order], org[order], kind[order]
    a["version"] = np.bincount(agreement, minlength=n)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, agreement, when.astype(np.int64))
    a["updated"] = last.astype("datetime64[s]")
    a["accepted_at"] = at["accept"]

    def column(index: int) -> Array:
        return objects(step[index] for step in steps)[kind]

    with_terms = np.array([step[4] for step in steps])[kind]
    return {
        "id": ids(AgreementEvent, len(agreement)),
        "agreement_id": a["id"][agreement],
        "created_at": when,
        "organisation_id": (org, org == NO_ORG),
        "action": column(0),
        "from_state": column(1),
        "to_state": column(2),
        "comment": column(5),
        "terms": (a["terms"][agreement], ~with_terms),
    }


def _agreements(world: World, a: dict[str, Any]) -> dict[str, Any]:
    n, state = len(a["created"]), a["state"]
    expires = (a["updated"] + EXPIRY_DAYS * DAY).astype("datetime64[D]")
    done = state == "completed"
    return {
        "id": a["id"],
        "match_id": (world.matches["id"][a["match"]], world.rng.random(n) < 0.2),
        "offer_id": world.listings["id"][a["offer"]],
        "request_id": world.listings["id"][a["request"]],
        "supplier_id": a["supplier"],
        "receiver_id": a["receiver"],
        "proposer_id": a["proposer"],
        "state": state,
        "version": a["version"],
        "quantity": a["quantity"],
        "unit": a["unit"],
        "frequency": a["frequency"],
        "start_on": a["start_on"],
        "end_on": a["end_on"],
        "price_terms": a["price_terms"],
        "price_per_unit": a["price"],
        "transport_by": a["transport_by"],
        "over_availability": np.zeros(n, dtype=bool),
        "hazardous": np.zeros(n, dtype=bool),
        "expires_on": pick(state == "proposed", expires, NAT).astype("datetime64[D]"),
        "revealed_at": pick(np.isin(state, REVEALED), a["accepted_at"], NAT),
        "actual_quantity": pick(done & (a["actual"] > 0), a["actual"], np.nan),
        "actual_unit": (a["unit"], ~(done & (a["actual"] > 0))),
        "created_at": a["created"],
        "updated_at": a["updated"],
    }
