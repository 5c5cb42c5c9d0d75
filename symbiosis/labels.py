"""Translated names of the listing vocabularies, for pages, exports and mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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


def frequency_label(frequency: str) -> str:
    return str(FREQUENCY.get(frequency, frequency))
