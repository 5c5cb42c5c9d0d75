"""Pooled services: propose, decide, enrol, and the waste census of a zone.

Every state change goes through :func:`act` or :func:`enrol`/:func:`leave`,
which ask the pure table (``workflow/pooled.py``) and store an event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from babel.numbers import get_group_symbol
from sqlalchemy.orm.exc import StaleDataError

from symbiosis import pooled_fields, units
from symbiosis.agreement_fields import MAX_REASON, parse_text
from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.labels import pool_action_label
from symbiosis.models import (
    EwcCode,
    PooledService,
    PoolEvent,
    PoolParticipant,
    PoolWasteLine,
    User,
    Zone,
)
from symbiosis.models.base import utcnow
from symbiosis.models.pooled import COMMITMENTS
from symbiosis.services import activity, notify
from symbiosis.services.listings import translate
from symbiosis.workflow.pooled import (
    NEEDS_REASON,
    STEPS,
    VISIBLE_TO_ALL,
    PoolAction,
    PoolState,
    Role,
    RoleNotAllowed,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
)


# -- who is who --------------------------------------------------------------
def roles_of(user: Any, zone_id: int) -> frozenset[Role]:
    """What ``user`` is for pooled services of the zone."""
    if not (user and user.is_authenticated):
        return frozenset()
    roles = set()
    if user.is_facilitator or user.manages(zone_id):
        roles.add(Role.MANAGER)
    org = user.organisation if user.is_org_member else None
    if org is not None and org.zone_id == zone_id:
        roles.add(Role.ZONE_MEMBER)
    return frozenset(roles)


def can_view(user: Any, service: PooledService) -> bool:
    if service.state in VISIBLE_TO_ALL:
        return bool(user and user.is_authenticated)
    # Proposals and rejections: the proposing firm, the zone's manager.
    own = bool(
        user
        and user.is_authenticated
        and user.is_org_member
        and user.organisation_id == service.proposer_org_id
    )
    return own or Role.MANAGER in roles_of(user, service.zone_id)


def get(user: Any, service_id: int) -> PooledService:
    """:raises NotAllowed: unknown, or a proposal of another zone (404 alike)."""
    service = db.session.get(PooledService, service_id)
    if service is None or not can_view(user, service):
        raise NotAllowed(gettext("No such pooled service."))
    return service


def actions_for(user: Any, service: PooledService) -> list[PoolAction]:
    return allowed_actions(PoolState(service.state), roles_of(user, service.zone_id))


def visible(
    user: Any,
    *,
    zone_id: int | None = None,
    state: str | None = None,
    category: str | None = None,
) -> list[PooledService]:
    query = sa.select(PooledService).order_by(
        PooledService.updated_at.desc(), PooledService.id.desc()
    )
    if zone_id:
        query = query.where(PooledService.zone_id == zone_id)
    if state:
        query = query.where(PooledService.state == state)
    if category:
        query = query.where(PooledService.category == category)
    return [s for s in db.session.scalars(query) if can_view(user, s)]


def my_participation(user: Any, service: PooledService) -> PoolParticipant | None:
    if not (user and user.is_authenticated and user.is_org_member):
        return None
    for participant in service.participants:
        if participant.organisation_id == user.organisation_id:
            return participant
    return None


# -- writing -----------------------------------------------------------------
def _event(
    service: PooledService,
    actor: User,
    action: str,
    before: str | None,
    comment: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    db.session.add(
        PoolEvent(
            service_id=service.id,
            actor=actor,
            organisation_id=actor.organisation_id,
            action=action,
            from_state=before,
            to_state=service.state,
            comment=comment,
            details=details,
        )
    )


def _commit() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleObject(
            gettext("This pooled service changed in the meantime; reload it.")
        ) from None
    except Exception:
        db.session.rollback()
        raise


def _tell(
    users: list[User],
    service: PooledService,
    what: Callable[[], str],
    body: Callable[[], str],
) -> None:
    """Tell ``users``; ``what`` and ``body`` write in each one's language."""
    notify.tell(
        users,
        lambda: (
            gettext(
                "Pooled service “%(title)s”: %(what)s", title=service.title, what=what()
            ),
            body(),
        ),
        link=f"/pooled/{service.id}",
    )


def propose(
    actor: User,
    zone: Zone,
    raw: Mapping[str, Any],
    *,
    source_key: str | None = None,
    locale: str | None = None,
) -> PooledService:
    """A new pooled service for ``zone``, waiting for its manager's decision.

    Amounts typed in a form are read in ``locale``, the reader's language.

    :raises NotAllowed: for people who are neither of the zone nor its manager.
    :raises FieldErrors: on bad fields; nothing is written.
    """
    if not roles_of(actor, zone.id):
        raise NotAllowed(gettext("Only organisations of the zone propose services."))
    parsed = pooled_fields.parse_service(
        raw, get_group_symbol(locale) if locale else ""
    )
    if parsed.problems:
        raise FieldErrors(translate(parsed.problems))
    service = PooledService(
        zone_id=zone.id,
        proposed_by=actor,
        proposer_org_id=actor.organisation_id if actor.is_org_member else None,
        source_key=(source_key or None) and str(source_key)[:80],
        state=PoolState.PROPOSED,
        **parsed.values,
    )
    db.session.add(service)
    db.session.flush()
    _event(service, actor, "propose", None)
    activity.record("pooled.proposed", actor=actor, subject=service)
    managers = [u for u in zone.managers if u.id != actor.id]
    _tell(
        managers,
        service,
        lambda: gettext("proposed"),
        lambda: gettext("A decision is awaited."),
    )
    _commit()
    return service


def act(
    actor: User,
    service_id: int,
    action: str,
    expected_version: Any,
    raw: Mapping[str, Any] | None = None,
) -> PooledService:
    """The manager's steps: approve, reject (with a reason), start, close."""
    service = get(actor, service_id)
    state = PoolState(service.state)
    roles = roles_of(actor, service.zone_id)
    try:
        wanted = PoolAction(action)
        if wanted not in STEPS:
            raise TransitionNotAllowed(state, wanted)
        target = next_state(state, wanted, roles)
    except (ValueError, TransitionNotAllowed, RoleNotAllowed) as refusal:
        allowed = [a.value for a in allowed_actions(state, roles) if a in STEPS]
        if isinstance(refusal, RoleNotAllowed):
            raise Forbidden(
                gettext("Only the zone's manager or a facilitator decides this."),
                allowed,
            ) from None
        raise InvalidTransition(
            gettext("This step is not possible at this stage."), allowed
        ) from None
    if str(expected_version) != str(service.version):
        raise StaleObject(
            gettext("This pooled service changed in the meantime; reload it.")
        )
    comment = _reason(wanted, raw or {})
    before = service.state
    service.state = target
    db.session.flush()
    _event(service, actor, wanted.value, before, comment)
    people = [p.organisation_id for p in service.enrolled()]
    if service.proposer_org_id:
        people.append(service.proposer_org_id)
    users = [u for org in set(people) for u in notify.members_of(org)]
    _tell(
        users, service, lambda: pool_action_label(wanted.value), lambda: comment or ""
    )
    activity.record(
        activity.step_key("pooled", wanted.value),
        actor=actor,
        subject=service,
        reason=comment,
    )
    _commit()
    return service


def _reason(action: PoolAction, raw: Mapping[str, Any]) -> str | None:
    text = raw.get("reason")
    if action not in NEEDS_REASON and not text:
        return None
    parsed = parse_text(text, "reason", max_length=MAX_REASON)
    if parsed.problems:
        raise FieldErrors(translate(parsed.problems))
    return str(parsed.values["reason"])


def _member_step(actor: User, service_id: int, action: PoolAction) -> PooledService:
    service = get(actor, service_id)
    state = PoolState(service.state)
    try:
        next_state(state, action, roles_of(actor, service.zone_id))
    except RoleNotAllowed:
        raise Forbidden(
            gettext("Only organisations of the zone take part in its services.")
        ) from None
    except TransitionNotAllowed:
        raise InvalidTransition(
            gettext("Enrolment is open only while the service is open or under way.")
        ) from None
    return service


def enrol(
    actor: User, service_id: int, commitment: str = "interested"
) -> PoolParticipant:
    """Enrol the actor's organisation (again: only the commitment may change)."""
    service = _member_step(actor, service_id, PoolAction.ENROL)
    if commitment not in COMMITMENTS:
        raise FieldErrors([("commitment", gettext("Choose interested or committed."))])
    participant = my_participation(actor, service)
    if participant is not None and participant.left_at is None:
        if participant.commitment == commitment:
            return participant  # enrolling twice does nothing more
        participant.commitment = commitment
    elif participant is not None:  # back after leaving
        participant.left_at = None
        participant.commitment = commitment
    else:
        participant = PoolParticipant(
            service=service,
            organisation_id=actor.organisation_id,
            commitment=commitment,
            enrolled_by_id=actor.id,
        )
        db.session.add(participant)
    _event(service, actor, "enrol", service.state, details={"commitment": commitment})
    try:
        _commit()
    except sa.exc.IntegrityError:  # the same organisation enrolled at this moment
        return enrol(actor, service_id, commitment)
    return participant


def leave(actor: User, service_id: int) -> None:
    service = _member_step(actor, service_id, PoolAction.LEAVE)
    participant = my_participation(actor, service)
    if participant is None or participant.left_at is not None:
        return  # not enrolled: nothing to do
    participant.left_at = utcnow()
    _event(service, actor, "leave", service.state)
    _commit()


# -- the waste census ---------------------------------------------------------
def declare_waste(
    actor: User, service_id: int, raw: Mapping[str, Any]
) -> PoolWasteLine:
    """Add (or replace) one waste type of the actor's organisation."""
    service = get(actor, service_id)
    participant = my_participation(actor, service)
    if participant is None or participant.left_at is not None:
        raise FieldErrors([("ewc_code", gettext("Enrol your organisation first."))])
    if service.category != "waste_collection":
        raise FieldErrors(
            [("ewc_code", gettext("Only collective waste collections take a census."))]
        )
    parsed = pooled_fields.parse_waste_line(raw)
    errors = translate(parsed.problems)
    values = parsed.values
    code = values.get("ewc_code")
    if code and db.session.get(EwcCode, code) is None:
        errors.append(("ewc_code", gettext("This code is not in the List of Waste.")))
    if errors:
        raise FieldErrors(errors)
    unit, frequency = values["unit"], values["frequency"]
    line = next((w for w in participant.waste_lines if w.ewc_code == code), None)
    if line is None:
        line = PoolWasteLine(ewc_code=code)
        participant.waste_lines.append(line)
    line.quantity = values["quantity"]
    line.unit, line.frequency = unit.value, frequency.value
    line.yearly_quantity = units.yearly(values["quantity"], unit, frequency)
    line.base_unit = units.base_unit(unit).value
    _commit()
    return line


def remove_waste(actor: User, service_id: int, line_id: int) -> None:
    service = get(actor, service_id)
    participant = my_participation(actor, service)
    line = db.session.get(PoolWasteLine, line_id)
    if participant is None or line is None or line.participant_id != participant.id:
        raise NotAllowed(gettext("No such census line."))
    participant.waste_lines.remove(line)
    _commit()


def census(service: PooledService) -> list[dict[str, Any]]:
    """The zone's total per waste type and unit: what a hauler quotes on."""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for participant in service.enrolled():
        for line in participant.waste_lines:
            entry = totals.setdefault(
                (line.ewc_code, line.base_unit),
                {"ewc": line.ewc, "base_unit": line.base_unit,
                 "yearly": Decimal(0), "organisations": 0},
            )  # fmt: skip
            entry["yearly"] += line.yearly_quantity
            entry["organisations"] += 1
    return sorted(totals.values(), key=lambda e: (e["ewc"].code, e["base_unit"]))
