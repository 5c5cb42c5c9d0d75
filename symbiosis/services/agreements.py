"""Agreements: propose, answer, start, complete — one function applies the table.

Every change goes through :func:`act` (or :func:`propose` for the first
event): it checks the actor's party, asks the pure table for the next state,
bumps the version (SQLAlchemy's ``version_id_col``: a concurrent change makes
the UPDATE match no row), writes an :class:`AgreementEvent` and notifies the
other party after the commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import format_date
from sqlalchemy.orm.exc import StaleDataError

from symbiosis import agreement_fields as fields
from symbiosis.authz import Perm, can
from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.labels import action_label
from symbiosis.models import Agreement, AgreementEvent, Match, User
from symbiosis.models.base import utcnow
from symbiosis.services import activity, notify
from symbiosis.services.agreement_terms import (
    check_terms,
    listings_pair,
    record_totals,
    require_checklist,
    set_terms,
    step_comment,
)
from symbiosis.services.listings import translate
from symbiosis.workflow.agreement import (
    FINAL,
    OPEN,
    OPEN_STATES,
    AgreementAction,
    AgreementState,
    NotYourTurn,
    Party,
    TransitionNotAllowed,
    allowed_actions,
    is_revealed,
    next_state,
    offered_actions,
)

T = TypeVar("T")
A = AgreementAction


# -- who is who --------------------------------------------------------------
def party_of(user: Any, agreement: Agreement) -> Party | None:
    """The user's party in the agreement (None for facilitators and others)."""
    if not (user and user.is_authenticated and user.is_org_member):
        return None
    org = user.organisation_id
    if org not in agreement.party_ids():
        return None
    return Party.PROPOSER if org == agreement.proposer_id else Party.COUNTERPARTY


def can_view(user: Any, agreement: Agreement) -> bool:
    return can(user, Perm.VIEW_AGREEMENT, agreement)


def get(user: Any, agreement_id: int) -> Agreement:
    """The agreement if ``user`` may see it.

    :raises NotAllowed: for unknown ids and agreements of other firms alike.
    """
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not can_view(user, agreement):
        raise NotAllowed(gettext("No such agreement."))
    return agreement


def shows_party(user: Any, agreement: Agreement, organisation_id: int) -> bool:
    """May ``user`` see which organisation ``organisation_id`` is in this agreement?

    Anonymous listings keep their firm hidden from the other party until the
    terms are accepted; one's own organisation and facilitators always show.
    """
    if user.is_facilitator or user.organisation_id == organisation_id:
        return True
    listing = (
        agreement.offer
        if organisation_id == agreement.supplier_id
        else agreement.request
    )
    return not listing.anonymous or agreement.revealed_at is not None


def actions_for(
    user: Any, agreement: Agreement, *, page: bool = False
) -> list[AgreementAction]:
    """What ``user`` may do to ``agreement``; with ``page``, what its page
    offers (:func:`~symbiosis.workflow.agreement.offered_actions`)."""
    party = party_of(user, agreement)
    if party is None:
        return []
    choose = offered_actions if page else allowed_actions
    return choose(AgreementState(agreement.state), party)


def visible(
    user: Any, state: str | None = None, listing_id: int | None = None
) -> list[Agreement]:
    """The agreements of the user's organisation (every one for facilitators),
    in ``state`` and on the listing ``listing_id`` when given."""
    query = sa.select(Agreement).order_by(Agreement.updated_at.desc(), Agreement.id)
    if not user.is_facilitator:
        org = user.organisation_id if user.is_org_member else -1
        query = query.where(
            sa.or_(Agreement.supplier_id == org, Agreement.receiver_id == org)
        )
    if state == OPEN:  # every state before a final one
        query = query.where(Agreement.state.in_([str(s) for s in OPEN_STATES]))
    elif state:
        query = query.where(Agreement.state == state)
    if listing_id:
        query = query.where(
            sa.or_(Agreement.offer_id == listing_id, Agreement.request_id == listing_id)
        )
    return list(db.session.scalars(query))


# -- writing -----------------------------------------------------------------
def _commit(work: Callable[[], T], agreement_id: int | None = None) -> T:
    """Run ``work`` and commit; a concurrent change becomes :class:`StaleObject`."""
    try:
        result = work()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleObject(
            gettext("This agreement changed in the meantime; reload it.")
        ) from None
    except sa.exc.OperationalError as error:
        # SQLite refuses a write whose snapshot another writer made stale.
        db.session.rollback()
        if "locked" in str(error.orig) and agreement_id is not None:
            raise StaleObject(
                gettext("This agreement changed in the meantime; reload it.")
            ) from None
        raise
    except Exception:
        db.session.rollback()
        raise
    return result


def event(
    agreement: Agreement,
    actor: User | None,
    action: str,
    before: str | None,
    comment: str | None = None,
    terms: dict[str, Any] | None = None,
) -> AgreementEvent:
    event = AgreementEvent(
        agreement=agreement,
        actor=actor,
        organisation_id=actor.organisation_id if actor else None,
        action=action,
        from_state=before,
        to_state=agreement.state,
        comment=comment,
        terms=terms,
    )
    db.session.add(event)
    # Every state change writes an event: the activity log follows it here.
    activity.record(
        activity.step_key("agreement", action),
        actor=actor,
        subject=agreement,
        reason=comment,
    )
    return event


def propose(
    actor: User,
    offer_id: Any,
    request_id: Any,
    raw: Mapping[str, Any],
    *,
    match_id: int | None = None,
    confirm: bool = False,
    submission_key: str | None = None,
) -> Agreement:
    """Put terms on the table for the offer and request (one of them the actor's).

    :raises FieldErrors: on bad terms or listings; nothing is written.
    """
    if not actor.is_org_member:
        raise NotAllowed(gettext("Join an organisation before proposing."))
    # A key replays only the same organisation's proposal of the same pair.
    key = (
        scoped_key(actor.organisation_id, offer_id, request_id, submission_key)
        if submission_key
        else None
    )
    if key and (done := _by_key(key)) is not None:
        return done  # the same form sent twice
    offer, request = listings_pair(actor, offer_id, request_id)
    open_one = db.session.scalar(
        sa.select(Agreement.id).where(
            Agreement.offer_id == offer.id,
            Agreement.request_id == request.id,
            Agreement.state.not_in(list(FINAL)),
        )
    )
    if open_one is not None:
        if key and (done := _by_key(key)) is not None:
            return done  # the twin submission committed meanwhile
        raise _under_way()
    values = check_terms(raw, offer, confirm=confirm)
    match = db.session.get(Match, match_id) if match_id else None
    if match is not None and (match.offer_id, match.request_id) != (
        offer.id,
        request.id,
    ):
        match = None
    agreement = Agreement(
        offer=offer,
        request=request,
        supplier_id=offer.organisation_id,
        receiver_id=request.organisation_id,
        proposer_id=actor.organisation_id,
        created_by=actor,
        match=match,
        state=AgreementState.PROPOSED,
        hazardous=offer.hazardous,
        submission_key=key,
    )

    def work() -> Agreement:
        terms = set_terms(agreement, values)
        db.session.add(agreement)
        db.session.flush()
        event(agreement, actor, "propose", None, terms=terms)
        _tell_other_party(agreement, actor, "propose")
        return agreement

    try:
        return _commit(work)
    except sa.exc.IntegrityError:
        # The twin submission, or the other party's proposal on the same pair,
        # committed first (unique key; one open agreement per pair).
        if key and (done := _by_key(key)) is not None:
            return done
        raise _under_way() from None


def _under_way() -> FieldErrors:
    return FieldErrors(
        [("offer_id", gettext("An agreement on these two listings is under way."))]
    )


def scoped_key(*parts: object) -> str:
    """A one-time key bound to who sent it and for what (64 hex characters)."""
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()


def _by_key(key: str) -> Agreement | None:
    return db.session.scalar(
        sa.select(Agreement).where(Agreement.submission_key == key)
    )


def act(
    actor: User,
    agreement_id: int,
    action: str,
    expected_version: Any,
    raw: Mapping[str, Any] | None = None,
    *,
    confirm: bool = False,
) -> Agreement:
    """Apply ``action`` for ``actor`` on the agreement seen at ``expected_version``.

    :raises NotAllowed: not a party (shown as "no such agreement").
    :raises InvalidTransition: the table has no such step from this state.
    :raises Forbidden: a party that may not take this step (answering itself).
    :raises StaleObject: the agreement changed since ``expected_version``.
    :raises FieldErrors: a missing reason, bad new terms or totals.
    """
    raw = raw or {}
    agreement = get(actor, agreement_id)
    party = party_of(actor, agreement)
    if party is None:
        raise NotAllowed(gettext("Only the two parties act on an agreement."))
    state = AgreementState(agreement.state)
    # A page seen before the last change: say so first, rather than judge
    # the step against a state the user has not seen.
    if expected_version not in (None, "") and str(expected_version) != str(
        agreement.version
    ):
        raise StaleObject(gettext("This agreement changed in the meantime; reload it."))
    try:
        wanted = AgreementAction(action)
        target = next_state(state, wanted, party)
    except (ValueError, TransitionNotAllowed, NotYourTurn) as refusal:
        allowed = [a.value for a in allowed_actions(state, party)]
        if isinstance(refusal, NotYourTurn):
            raise Forbidden(
                gettext("The other party answers these terms, not you."), allowed
            ) from None
        raise InvalidTransition(
            gettext(
                "This step is not possible while the agreement is %(state)s.",
                state=action_label(state.value),
            ),
            allowed,
        ) from None
    if str(expected_version) != str(agreement.version):
        raise StaleObject(gettext("This agreement changed in the meantime; reload it."))
    comment = step_comment(wanted, raw)
    before = agreement.state
    snapshot = None
    if wanted is A.COUNTER:
        values = check_terms(raw, agreement.offer, confirm=confirm)
    if wanted is A.START and agreement.hazardous:
        require_checklist(agreement)
    # Started before the agreed day, the exchange runs from today: deliveries,
    # their impact and the calendar count from the day it really began.
    early = wanted is A.START and agreement.start_on > date.today()
    if early:
        said = gettext(
            "Started before the agreed day (%(day)s): the exchange runs from today.",
            day=format_date(agreement.start_on),
        )
        comment = f"{comment}\n\n{said}" if comment else said
    if wanted is A.COMPLETE:
        totals = fields.parse_totals(raw)
        if totals.problems:
            raise FieldErrors(translate(totals.problems))

    def work() -> Agreement:
        nonlocal snapshot
        # Every change first, then one flush: one versioned UPDATE per step.
        with db.session.no_autoflush:
            if wanted is A.COUNTER:
                snapshot = set_terms(agreement, values)
                agreement.proposer_id = _org_of(actor)
            if wanted is A.COMPLETE:
                record_totals(agreement, totals.values)
            if early:
                agreement.start_on = date.today()
            agreement.state = target
            if is_revealed(target) and agreement.revealed_at is None:
                agreement.revealed_at = utcnow()
            if target is not AgreementState.PROPOSED:
                agreement.expires_on = None
        db.session.flush()  # the versioned UPDATE: a concurrent change fails here
        event(agreement, actor, wanted.value, before, comment, snapshot)
        _tell_other_party(agreement, actor, wanted.value, comment)
        return agreement

    return _commit(work, agreement.id)


def _org_of(actor: User) -> int:
    if actor.organisation_id is None:  # pragma: no cover - parties have one
        raise NotAllowed(gettext("Join an organisation first."))
    return actor.organisation_id


def _tell_other_party(
    agreement: Agreement, actor: User, action: str, comment: str | None = None
) -> None:
    """In-app notification and mail (after commit) to the other organisation."""
    other = agreement.other_party_id(_org_of(actor))
    title = agreement.request.title

    def write() -> tuple[str, str]:
        return gettext(
            "Agreement “%(title)s”: %(action)s",
            title=title,
            action=action_label(action),
        ), comment or gettext("Open the agreement to see the terms and the history.")

    notify.tell(notify.members_of(other), write, link=f"/agreements/{agreement.id}")
