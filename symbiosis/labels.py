"""Translated names of the listing vocabularies, for pages, exports and mail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from symbiosis.formats import number
from symbiosis.i18n import gettext, ngettext
from symbiosis.i18n import lazy_gettext as _l

KIND = {"offer": _l("Offer"), "request": _l("Request")}
RESOURCE = {
    "material": _l("Material"),
    "energy": _l("Energy"),
    "water": _l("Water"),
    "service": _l("Service or skill"),
}
UNIT = {
    "t": _l("t"),
    "kg": _l("kg"),
    "m3": _l("m³"),
    "L": _l("L"),
    "MWh": _l("MWh"),
    "kWh": _l("kWh"),
    "pieces": _l("pieces"),
    "hours": _l("hours"),
    "m2": _l("m²"),
}
FREQUENCY = {
    "once": _l("once"),
    "weekly": _l("per week"),
    "monthly": _l("per month"),
    "quarterly": _l("per quarter"),
    "yearly": _l("per year"),
    "continuous": _l("continuous, per year"),
}
PRICE_TERMS = {
    "free": _l("Free"),
    "negotiable": _l("Negotiable"),
    "price_per_unit": _l("Price per unit"),
}
STATE = {
    "active": _l("Active"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
    "expired": _l("Expired"),
}
ACTION = {
    "pause": _l("Pause"),
    "resume": _l("Resume"),
    "close": _l("Close"),
    "reopen": _l("Re-open"),
}


def unit_label(unit: str) -> str:
    return str(UNIT.get(unit, unit))


# Units one counts, in the singular: "5 € per piece", not "per pieces".
UNIT_ONE = {"pieces": _l("piece"), "hours": _l("hour")}


def unit_one(unit: str) -> str:
    """The unit as in "per …": a counted unit in the singular."""
    return str(UNIT_ONE.get(unit) or unit_label(unit))


def price_text(terms: str, per_unit: Decimal | None, unit: str) -> str:
    """Price terms as read on a page: "Négociable : 2,5 € par t"."""
    said = str(PRICE_TERMS.get(terms, terms))
    if per_unit is None:
        return said
    return gettext(
        "%(terms)s: %(price)s € per %(unit)s",
        terms=said,
        price=number(per_unit),
        unit=unit_one(unit),
    )


# The kinds of zone in seeds/reference/zones.csv, as the shared data writes
# them (in English), for each language.
ZONE_KIND = {
    "ZAE": _l("activity zone (ZAE)"),
    "airport logistics": _l("airport logistics"),
    "brownfield, university, business": _l("brownfield, university, business"),
    "business park": _l("business park"),
    "business/EU district": _l("business, European institutions"),
    "business/retail": _l("business, retail"),
    "commercial": _l("commercial"),
    "communal": _l("communal activity zone"),
    "cross-border ZAE": _l("cross-border activity zone"),
    "industrial": _l("industrial"),
    "industrial/commercial": _l("industrial, commercial"),
    "national ZAE": _l("national activity zone"),
    "national ZAE (data centres)": _l("national activity zone (data centres)"),
    "national ZAE, logistics": _l("national activity zone, logistics"),
    "port/logistics": _l("port, logistics"),
    "regional ZAE": _l("regional activity zone"),
}


def zone_kind(kind: str) -> str:
    """A zone's kind in the reader's language (as written when unknown)."""
    return str(ZONE_KIND.get(kind, kind))


def frequency_label(frequency: str) -> str:
    return str(FREQUENCY.get(frequency, frequency))


def sentence_case(text: str) -> str:
    """The first letter in capitals, the rest as written: Jinja's
    ``capitalize`` lowers the rest, which German nouns do not allow
    ("Neue Bedingungen vorgeschlagen", not "Neue bedingungen")."""
    return text[:1].upper() + text[1:]


def quantity(value: Any, unit: str) -> str:
    """An amount with its unit, counted units in the singular or the plural:
    "1 pièce", "12 pièces", "2,5 t", "1 heure"."""
    if value is None:
        return ""
    text = number(value)
    amount = Decimal(value)
    whole = amount == amount.to_integral_value()
    count = abs(int(amount)) if whole else 2  # 1.5 hours, 0.5 pieces: plural
    if unit == "pieces":
        return str(
            ngettext("%(quantity)s piece", "%(quantity)s pieces", count, quantity=text)
        )
    if unit == "hours":
        return str(
            ngettext("%(quantity)s hour", "%(quantity)s hours", count, quantity=text)
        )
    return f"{text} {unit_label(unit)}"


AGREEMENT_STATE = {
    "proposed": _l("proposed"),
    "accepted": _l("accepted"),
    "active": _l("under way"),
    "completed": _l("completed"),
    "declined": _l("declined"),
    "withdrawn": _l("withdrawn"),
    "expired": _l("expired"),
    "terminated": _l("terminated"),
}
NEXT_STEP = {
    "your_answer": _l("your answer is awaited"),
    "an_answer": _l("waiting for an answer"),
    "start": _l("to start"),
    "deliver": _l("deliveries, then completion"),
    "nothing": "—",
}
AGREEMENT_ACTION = {
    "propose": _l("proposed"),
    "accept": _l("accepted"),
    "decline": _l("declined"),
    "counter": _l("new terms proposed"),
    "withdraw": _l("withdrawn"),
    "start": _l("started"),
    "complete": _l("completed"),
    "terminate": _l("terminated"),
    "expire": _l("expired"),
    "retract": _l("delivery entry withdrawn"),
}
# The buttons that take each step.
AGREEMENT_BUTTON = {
    "accept": _l("Accept the terms"),
    "decline": _l("Decline"),
    "counter": _l("Propose other terms"),
    "withdraw": _l("Withdraw"),
    "start": _l("Start the exchange"),
    "complete": _l("Mark as completed"),
    "terminate": _l("Terminate"),
}
TRANSPORT_BY = {
    "supplier": _l("The supplier"),
    "receiver": _l("The receiver"),
    "third_party": _l("A third party"),
}
CHECKLIST = {
    "authorisation": _l(
        "The receiver holds an authorisation to accept and treat this waste"
    ),
    "carrier": _l("The carrier is registered to transport hazardous waste"),
    "documents": _l(
        "The transport document and waste identification form are prepared"
    ),
    "packaging": _l("Packaging and labelling follow the ADR rules for this waste"),
}


def action_label(action: str) -> str:
    """What a step did, for the timeline and notifications ("accepted")."""
    return str(AGREEMENT_ACTION.get(action, AGREEMENT_STATE.get(action, action)))


# Pooled services and practice sheets share these categories
# (symbiosis.workflow.pooled_categories.CATEGORIES).
POOL_CATEGORY = {
    "waste_collection": _l("Collective waste collection"),
    "mobility": _l("Mobility: shuttle, car-pool, bikes"),
    "shared_equipment": _l("Shared equipment or space"),
    "joint_purchasing": _l("Joint purchasing"),
    "awareness": _l("Awareness campaign"),
    "energy": _l("Energy"),
    "other": _l("Other"),
}
POOL_STATE = {
    "proposed": _l("awaiting approval"),
    "open": _l("open for enrolment"),
    "active": _l("under way"),
    "closed": _l("closed"),
    "rejected": _l("rejected"),
}
POOL_ACTION = {
    "propose": _l("proposed"),
    "approve": _l("approved, open for enrolment"),
    "reject": _l("rejected"),
    "start": _l("started"),
    "close": _l("closed"),
    "enrol": _l("enrolled"),
    "leave": _l("left"),
}
POOL_BUTTON = {
    "approve": _l("Approve and open enrolment"),
    "reject": _l("Reject"),
    "start": _l("Start the service"),
    "close": _l("Close the service"),
}
COST_SPLIT = {
    "equal": _l("Equal shares"),
    "by_volume": _l("In proportion to volumes"),
    "by_headcount": _l("In proportion to staff"),
    "sponsored": _l("Paid by a sponsor"),
    "other": _l("Other (see notes)"),
}
COMMITMENT = {"interested": _l("interested"), "committed": _l("committed")}


def pool_action_label(action: str) -> str:
    return str(POOL_ACTION.get(action, action))


EVIDENCE_LEVEL = {
    "potential": _l("Potential (matches)"),
    "agreed": _l("Agreed (terms)"),
    "delivered": _l("Delivered"),
    "verified": _l("Verified by a facilitator"),
}
FUNNEL_STEP = {
    "listing": _l("Listings"),
    "match": _l("Matches"),
    "proposal": _l("Proposals"),
    "accepted": _l("Accepted"),
    "active": _l("Under way"),
    "completed": _l("Completed"),
}
# The activity log (symbiosis.services.activity): what each action key means.
ACTIVITY_KIND = {
    "agreement": _l("Agreements"),
    "pooled": _l("Pooled services"),
    "zone": _l("Zone requests"),
    "membership": _l("Organisation members"),
    "listing": _l("Listings"),
    "impact": _l("Impact records"),
    "export": _l("Exports"),
}
ACTIVITY_ACTION = {
    "agreement.proposed": _l("Agreement proposed"),
    "agreement.accepted": _l("Agreement accepted"),
    "agreement.declined": _l("Agreement declined"),
    "agreement.countered": _l("New terms proposed on an agreement"),
    "agreement.withdrawn": _l("Agreement withdrawn"),
    "agreement.started": _l("Exchange started"),
    "agreement.completed": _l("Agreement completed"),
    "agreement.terminated": _l("Agreement terminated"),
    "agreement.expired": _l("Proposal expired unanswered"),
    "agreement.retracted": _l("Delivery entry withdrawn from an agreement"),
    "pooled.proposed": _l("Pooled service proposed"),
    "pooled.approved": _l("Pooled service approved"),
    "pooled.rejected": _l("Pooled service rejected"),
    "pooled.started": _l("Pooled service started"),
    "pooled.closed": _l("Pooled service closed"),
    "zone.join_approved": _l("Request to join a zone approved"),
    "zone.join_rejected": _l("Request to join a zone rejected"),
    "membership.accepted": _l("Member accepted into an organisation"),
    "membership.refused": _l("Request to join an organisation refused"),
    "membership.promoted": _l("Member made administrator"),
    "membership.demoted": _l("Administrator made member"),
    "membership.removed": _l("Member removed from an organisation"),
    "membership.invited": _l("Colleague invited to an organisation"),
    "membership.joined": _l("Member joined on an invitation"),
    "membership.invitation_withdrawn": _l("Invitation to an organisation withdrawn"),
    "membership.left": _l("Member left an organisation"),
    "membership.closed": _l("Member closed their account"),
    "listing.imported": _l("Listings imported"),
    "listing.expired": _l("Listing expired"),
    "impact.verified": _l("Impact record verified"),
    "impact.factors_added": _l("Emission factor set added"),
    "export.csv": _l("CSV export downloaded"),
    "export.xlsx": _l("Excel export downloaded"),
}
ACTIVITY_SUBJECT = {
    "agreement": _l("Agreement"),
    "pooled_service": _l("Pooled service"),
    "listing": _l("Listing"),
    "organisation": _l("Organisation"),
    "impact_record": _l("Impact record"),
    "zone": _l("Zone"),
    "user": _l("Person"),
}
# The facts kept with an entry that the log page shows, and their names.
ACTIVITY_DETAIL = {
    "reason": _l("Reason"),
    "member": _l("Person"),
    "count": _l("Listings"),
    "organisations": _l("Organisations"),
    "record_id": _l("Impact record"),
    "available_until": _l("Available until"),
    "table": _l("Table"),
    "rows": _l("Rows"),
}


def activity_label(action: str) -> str:
    """The name of an action key; an unknown key is shown as it is."""
    return str(ACTIVITY_ACTION.get(action, action))


# Matchmaking events (symbiosis.workflow.event).
EVENT_STATE = {
    "draft": _l("draft"),
    "open": _l("registration open"),
    "closed": _l("registration closed"),  # open, but the evening has begun
    "planned": _l("being planned"),
    "published": _l("plan published"),
    "held": _l("held"),
}
EVENT_BUTTON = {
    "open": _l("Open registration"),
    "plan": _l("Plan the meetings"),
    "reopen": _l("Reopen registration"),
    "publish": _l("Publish the plan"),
    "revise": _l("Back to planning"),
    "hold": _l("Mark as held"),
}
EVENT_DONE = {
    "open": _l("Registration is open."),
    "reopen": _l("Registration is open again; locked meetings are kept."),
    "publish": _l("The plan is published; the participants are told."),
    "revise": _l("The plan can be changed again."),
    "hold": _l("The event is marked as held."),
}
EVENT_PAIRS = {
    "mixed": _l("Firms meet non-profits"),
    "any": _l("Any two organisations may meet"),
}
