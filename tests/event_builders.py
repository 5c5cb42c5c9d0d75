"""Matchmaking events for tests: an event, and organisations with offers and needs.

Everything goes through the services, so the data obeys the users' rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from symbiosis.extensions import db
from symbiosis.models import Event, Organisation, User, Zone
from symbiosis.services import event_registrations, events
from tests.builders import make_org, make_user, make_zone

EVENT: dict[str, Any] = {
    "title": "Soirée entreprises et associations",
    "description": "Des rencontres de dix minutes, par table.",
    "date": "2030-03-12",
    "time": "18:30",
    "place": "Chambre de Commerce, Kirchberg",
    "themes": "Sport, Éducation, Inclusion",
    "tables": "3",
    "rounds": "4",
    "minutes_per_round": "10",
    "pairs": "mixed",
}

# (name, offers, seeks, sdgs, themes): what firms bring and what non-profits need.
FIRMS = [
    (
        "Banque du Plateau",
        "Journées de bénévolat\nSalle de réunion",
        "Projets éducatifs à soutenir",
        "4, 8",
        "Éducation",
    ),
    (
        "Nordlicht IT",
        "IT support\nOrdinateurs reconditionnés",
        "Volunteering opportunities",
        "4, 9",
        "Inclusion",
    ),
    ("Hôtel Européen", "Salle de réunion\nRepas invendus", "Mentoring", "2, 12", ""),
    ("Traiteur Syrdall", "Repas invendus", "Team building", "2", "Inclusion"),
    ("Sport Equipment SA", "Football equipment", "Visibilité locale", "3", "Sport"),
    ("Druckerei Offset", "Impression d'affiches", "Bénévoles", "12", "Éducation"),
]
CLUBS = [
    ("Cercle Sportif", "Team building", "Matériel sportif\nBénévoles",
     "3, 10", "Sport"),
    ("Banque Alimentaire", "Volunteering opportunities", "Repas invendus\nTransport",
     "1, 2", "Inclusion"),
    ("Forum Jeunesse", "Mentoring", "Salle de réunion\nOrdinateurs", "4, 10",
     "Éducation"),
    ("Atelier Rebond", "Visibilité locale", "IT support", "8, 10", "Inclusion"),
    ("Cyclo-Atelier", "Réparation de vélos", "Impression d'affiches", "11", "Sport"),
]  # fmt: skip


def registration(offers: str, seeks: str, sdgs: str, themes: str) -> dict[str, str]:
    return {"offers": offers, "seeks": seeks, "sdgs": sdgs, "themes": themes}


def make_people(
    *, firms: int = 6, clubs: int = 5, zone: Zone | None = None
) -> tuple[list[Organisation], list[User], list[dict[str, str]]]:
    """Firms and non-profits, a member of each, and what each registers with."""
    orgs, members, forms = [], [], []
    for kind, rows, count in (("company", FIRMS, firms), ("association", CLUBS, clubs)):
        for number in range(count):
            name, offers, seeks, sdgs, themes = rows[number % len(rows)]
            if number >= len(rows):
                name = f"{name} {number}"
            org = make_org(name=name, kind=kind, zone=zone)
            orgs.append(org)
            members.append(make_user(org=org))
            forms.append(registration(offers, seeks, sdgs, themes))
    return orgs, members, forms


def make_event(facilitator: User, *, open_: bool = True, **fields: Any) -> Event:
    """A draft (or open) event, drafted a month before its day, which may
    have passed."""
    day = date.fromisoformat(str(fields.get("date", EVENT["date"])))
    before = datetime.combine(day - timedelta(days=30), time(12), tzinfo=UTC)
    event = events.create(facilitator, {**EVENT, **fields}, now=before)
    if open_:
        events.step(facilitator, event.id, "open", now=before)
    return event


def register_all(
    event: Event,
    by: User,
    orgs: list[Organisation],
    forms: list[dict[str, str]],
    *,
    now: datetime | None = None,
) -> None:
    """Register each organisation (at ``now``: an evening that has passed
    took its registrations before it)."""
    for org, form in zip(orgs, forms, strict=True):
        event_registrations.register(by, event.id, org.id, form, now=now)


def make_planned_event(
    facilitator: User, orgs: list[Organisation], *, rounds: int = 2
) -> Event:
    """A planned event, written directly (cheap, for the access matrix).

    ``orgs[-1]`` meets each of the others, one per round, at table 1.
    """
    from datetime import UTC, datetime

    from symbiosis.extensions import db
    from symbiosis.models import EventMeeting, EventRegistration

    event = Event(
        title="Soirée", place="Kirchberg", tables=1, rounds=rounds,
        minutes_per_round=10, pairs="any", state="planned", created_by=facilitator,
        starts_at=datetime(2030, 3, 12, 17, 30, tzinfo=UTC), themes=[],
    )  # fmt: skip
    event.registrations = [
        EventRegistration(organisation=o, offers="Salle de réunion", seeks="Bénévoles")
        for o in orgs
    ]
    event.meetings = [
        EventMeeting(round=number, table_no=1, org_a=org, org_b=orgs[-1], score=10.0)
        for number, org in enumerate(orgs[: min(rounds, len(orgs) - 1)], start=1)
    ]
    db.session.add(event)
    db.session.flush()
    return event


def make_event_world(*, firms: int = 6, clubs: int = 5) -> dict[str, Any]:
    """Firms and non-profits of one zone with a member each and what each
    registers with, and a facilitator of the network (committed; ids)."""
    zone = make_zone()
    orgs, members, forms = make_people(firms=firms, clubs=clubs, zone=zone)
    network = make_org(name="Réseau", kind="association")
    facilitator = make_user(org=network, facilitator=True)
    db.session.commit()
    return {
        "zone": zone.id,
        "orgs": [o.id for o in orgs],
        "names": [o.name for o in orgs],
        "members": [m.id for m in members],
        "forms": forms,
        "facilitator": facilitator.id,
    }
