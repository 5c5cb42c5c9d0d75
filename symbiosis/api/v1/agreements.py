"""Agreements over JSON: the same services and rules as the pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.api.v1 import bp, error, field_errors, json_body, step_version
from symbiosis.authz import Perm, requires
from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.i18n import gettext as _
from symbiosis.models import Agreement, AgreementMessage, Delivery
from symbiosis.models.base import as_id, as_utc
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services import delivery_corrections, impacts
from symbiosis.services.agreement_terms import terms_of
from symbiosis.workflow.agreement import AgreementAction

PROPOSE_FIELDS = {
    "offer_id", "request_id", "match_id", "confirm", "quantity", "unit",
    "frequency", "start", "end", "price_terms", "price_per_unit", "transport_by",
    "conditions",
}  # fmt: skip
ACTIONS = frozenset(a.value for a in AgreementAction)


def _party(agreement: Agreement, organisation_id: int) -> dict[str, Any]:
    shown = service.shows_party(current_user, agreement, organisation_id)
    org = (
        agreement.supplier
        if organisation_id == agreement.supplier_id
        else agreement.receiver
    )
    return {"id": org.id, "name": org.name} if shown else {"id": None, "name": None}


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def serialise(agreement: Agreement, *, events: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": agreement.id,
        "state": agreement.state,
        "version": agreement.version,
        "offer_id": agreement.offer_id,
        "request_id": agreement.request_id,
        "match_id": agreement.match_id,
        "supplier": _party(agreement, agreement.supplier_id),
        "receiver": _party(agreement, agreement.receiver_id),
        "proposed_by": "supplier"
        if agreement.proposer_id == agreement.supplier_id
        else "receiver",
        **terms_of(agreement),
        "over_availability": agreement.over_availability,
        "hazardous": agreement.hazardous,
        "expires_on": _date(agreement.expires_on),
        "actual_quantity": _number(agreement.actual_quantity),
        "actual_unit": agreement.actual_unit,
        "allowed_actions": [
            a.value for a in service.actions_for(current_user, agreement)
        ],
        "impact": {k: _number(v) if k != "base_unit" else v
                   for k, v in impacts.totals(agreement).items()},
    }  # fmt: skip
    if events:
        data["events"] = [
            {
                "at": as_utc(e.created_at).isoformat(),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "by": _party(agreement, e.organisation_id)
                if e.organisation_id
                else None,
                "comment": e.comment,
                "terms": e.terms,
            }
            for e in agreement.events
        ]
        data["deliveries"] = [_delivery(d) for d in agreement.deliveries]
    return data


def _delivery(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "delivered_on": delivery.delivered_on.isoformat(),
        "quantity": float(delivery.quantity),
        "unit": delivery.unit,
        "note": delivery.note,
    }


def _message(agreement: Agreement, message: AgreementMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "at": as_utc(message.created_at).isoformat(),
        "by": _party(agreement, message.organisation_id)
        if message.organisation_id
        else None,
        "body": message.body,
    }


def _not_found() -> ResponseReturnValue:
    return error(404, _("No such agreement."))


def _refused(refusal: Exception) -> ResponseReturnValue:
    if isinstance(refusal, StaleObject):
        return error(409, refusal.message, "version")
    if isinstance(refusal, Forbidden):
        return error(403, refusal.message, allowed_actions=refusal.allowed)
    assert isinstance(refusal, InvalidTransition)  # noqa: S101 - the last kind  # nosec B101
    return error(409, refusal.message, allowed_actions=refusal.allowed)


@bp.post("/agreements")
@requires(Perm.ACT_ON_AGREEMENT)
def agreements_create() -> ResponseReturnValue:
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    unknown = [k for k in body if k not in PROPOSE_FIELDS]
    if unknown:
        return jsonify(
            {"errors": [{"field": k, "reason": _("Unknown field.")} for k in unknown]}
        ), 422
    key = request.headers.get("Idempotency-Key", "")[:64] or None
    try:
        agreement = service.propose(
            current_user,
            body.get("offer_id"),
            body.get("request_id"),
            body,
            match_id=as_id(body.get("match_id")),
            confirm=body.get("confirm") is True,
            submission_key=key,
        )
    except NotAllowed as refusal:
        return error(403, refusal.message)
    except FieldErrors as errors:
        return field_errors(errors)
    response = jsonify(serialise(agreement, events=True))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api_v1.agreements_detail", agreement_id=agreement.id
    )
    return response


@bp.get("/agreements")
@requires(Perm.VIEW_AGREEMENT)
def agreements_index() -> ResponseReturnValue:
    rows = service.visible(current_user, request.args.get("state") or None)
    return jsonify({"agreements": [serialise(a) for a in rows]})


@bp.get("/agreements/<int:agreement_id>")
@requires(Perm.VIEW_AGREEMENT)
def agreements_detail(agreement_id: int) -> ResponseReturnValue:
    try:
        agreement = service.get(current_user, agreement_id)
    except NotAllowed:
        return _not_found()
    return jsonify(serialise(agreement, events=True))


@bp.post("/agreements/<int:agreement_id>/<action>")
@requires(Perm.ACT_ON_AGREEMENT)
def agreements_act(agreement_id: int, action: str) -> ResponseReturnValue:
    if action not in ACTIONS:  # the path's enum: any other names no operation
        return error(404, _("No such action."))
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    version = step_version(body.get("version"))
    if version is None:
        return error(422, _("Give the version you last saw."), "version")
    try:
        agreement = service.act(
            current_user,
            agreement_id,
            action,
            version,
            body,
            confirm=body.get("confirm") is True,
        )
    except NotAllowed:
        return _not_found()
    except (StaleObject, Forbidden, InvalidTransition) as refusal:
        return _refused(refusal)
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify(serialise(agreement, events=True))


@bp.post("/agreements/<int:agreement_id>/deliveries")
@requires(Perm.ACT_ON_AGREEMENT)
def agreements_deliver(agreement_id: int) -> ResponseReturnValue:
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    key = request.headers.get("Idempotency-Key", "")[:64] or None
    try:
        delivery = thread.log_delivery(
            current_user, agreement_id, body, submission_key=key
        )
    except NotAllowed:
        return _not_found()
    except thread.NotUnderWay as conflict:  # the agreement's state, no field's
        return error(409, conflict.message)
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify(_delivery(delivery)), 201


@bp.delete("/agreements/<int:agreement_id>/deliveries/<int:delivery_id>")
@requires(Perm.ACT_ON_AGREEMENT)
def agreements_withdraw_delivery(
    agreement_id: int, delivery_id: int
) -> ResponseReturnValue:
    try:
        delivery_corrections.withdraw(current_user, agreement_id, delivery_id)
    except NotAllowed:
        return _not_found()
    except InvalidTransition as refusal:
        return error(409, refusal.message)
    return "", 204


@bp.get("/agreements/<int:agreement_id>/messages")
@requires(Perm.VIEW_AGREEMENT)
def agreements_messages(agreement_id: int) -> ResponseReturnValue:
    try:
        agreement = service.get(current_user, agreement_id)
    except NotAllowed:
        return _not_found()
    return jsonify(
        {"messages": [_message(agreement, m) for m in thread.messages(agreement.id)]}
    )


@bp.post("/agreements/<int:agreement_id>/messages")
@requires(Perm.ACT_ON_AGREEMENT)
def agreements_message_create(agreement_id: int) -> ResponseReturnValue:
    body = json_body()
    if body is None:
        return error(400, _("Send a JSON object."))
    try:
        message = thread.post_message(current_user, agreement_id, body.get("body"))
        agreement = service.get(current_user, agreement_id)
    except NotAllowed:
        return _not_found()
    except FieldErrors as errors:
        return field_errors(errors)
    return jsonify(_message(agreement, message)), 201
