"""Operations on agreements between two organisations and on pooled services."""

from __future__ import annotations

from symbiosis.api.openapi.vocabulary import (
    STRING,
    Schema,
    answer,
    array,
    json_body,
    obj,
    operation,
    path_id,
    query,
    ref,
)
from symbiosis.workflow.agreement import OPEN, AgreementAction, AgreementState
from symbiosis.workflow.pooled import PoolAction, PoolState
from symbiosis.workflow.pooled_categories import CATEGORIES

AGREEMENT_ID = path_id("agreement_id", "The agreement's id.")
DELIVERY_ID = path_id("delivery_id", "The delivery's id.")
SERVICE_ID = path_id("service_id", "The pooled service's id.")
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key again to get the first result, not a copy.",
    "schema": {"type": "string", "maxLength": 64},
}
DETAIL = answer("The agreement, with its history.", ref("AgreementDetail"))

AGREEMENTS_INDEX = operation(
    "listAgreements",
    "Agreements",
    "The agreements of the caller's organisation (facilitators: all)",
    {200: answer("The agreements.", obj({"agreements": array(ref("Agreement"))}))},
    errors=(422,),
    parameters=[
        query(
            "state",
            {"type": "string", "enum": [OPEN, *(s.value for s in AgreementState)]},
            "Only this state ('open': proposed, accepted or active).",
        ),
    ],
)

AGREEMENTS_CREATE = operation(
    "proposeAgreement",
    "Agreements",
    "Propose terms on an offer and a request, one of them the caller's",
    {
        201: answer(
            "The proposal; `Location` gives its address.",
            ref("AgreementDetail"),
            headers={"Location": {"schema": STRING}},
        )
    },
    errors=(400, 422),
    parameters=[IDEMPOTENCY],
    body=json_body(ref("Proposal")),
)

AGREEMENTS_DETAIL = operation(
    "getAgreement",
    "Agreements",
    "One agreement, with its events and deliveries",
    {200: DETAIL},
    errors=(404,),
    parameters=[AGREEMENT_ID],
)

AGREEMENTS_ACT = operation(
    "actOnAgreement",
    "Agreements",
    "Take a step: accept, decline, counter, withdraw, start, complete, terminate",
    {200: DETAIL},
    description="The step must be in the agreement's `allowed_actions`; 409 lists "
    "them when it is not, or says the version is stale. A step outside the "
    "`action` enum names no operation: 404. A `version` that is no whole number "
    "is 422.",
    errors=(400, 404, 409, 422),
    parameters=[
        AGREEMENT_ID,
        {
            "name": "action",
            "in": "path",
            "required": True,
            "description": "The step.",
            "schema": {"type": "string", "enum": [a.value for a in AgreementAction]},
        },
    ],
    body=json_body(ref("AgreementStep")),
)

AGREEMENTS_DELIVER = operation(
    "logDelivery",
    "Agreements",
    "Record a delivery under an active agreement",
    {201: answer("The delivery.", ref("Delivery"))},
    description="An agreement that is not under way (`active`) is 409.",
    errors=(400, 404, 409, 422),
    parameters=[AGREEMENT_ID, IDEMPOTENCY],
    body=json_body(ref("DeliveryInput")),
)

DELIVERY_WITHDRAW = operation(
    "withdrawDelivery",
    "Agreements",
    "Withdraw a delivery logged by mistake, with its impact",
    {204: answer("Withdrawn: the totals and CO2 figures no longer count it.")},
    description=(
        "Either party, while the agreement is under way (`active`); a "
        "delivery whose impact a facilitator has verified stays (409). The "
        "history records the withdrawal and the other party is notified."
    ),
    errors=(404, 409),
    parameters=[AGREEMENT_ID, DELIVERY_ID],
)

MESSAGES = operation(
    "listAgreementMessages",
    "Agreements",
    "The messages exchanged about an agreement",
    {200: answer("Oldest first.", obj({"messages": array(ref("Message"))}))},
    errors=(404,),
    parameters=[AGREEMENT_ID],
)

MESSAGE_CREATE = operation(
    "postAgreementMessage",
    "Agreements",
    "Write to the other party of an agreement",
    {201: answer("The message.", ref("Message"))},
    errors=(400, 404, 422),
    parameters=[AGREEMENT_ID],
    body=json_body(
        obj({"body": {"type": "string", "minLength": 1, "maxLength": 5000}})
    ),
)

POOLED_INDEX = operation(
    "listPooledServices",
    "Pooled services",
    "The pooled services the caller may see",
    {
        200: answer(
            "The services.", obj({"pooled_services": array(ref("PooledService"))})
        )
    },
    errors=(422,),
    parameters=[
        query("zone", STRING, "A zone's slug or id."),
        query(
            "state",
            {"type": "string", "enum": [s.value for s in PoolState]},
            "Only this state.",
        ),
        query(
            "category",
            {"type": "string", "enum": list(CATEGORIES)},
            "Only this category.",
        ),
    ],
)

POOLED_CREATE = operation(
    "proposePooledService",
    "Pooled services",
    "Propose a service shared by the organisations of a zone",
    {
        201: answer(
            "The proposal, waiting for the zone's manager.",
            ref("PooledService"),
            headers={"Location": {"schema": STRING}},
        )
    },
    errors=(400, 422),
    body=json_body(ref("PooledServiceInput")),
)

POOLED_DETAIL = operation(
    "getPooledService",
    "Pooled services",
    "One pooled service",
    {200: answer("The service.", ref("PooledService"))},
    errors=(404,),
    parameters=[SERVICE_ID],
)

POOLED_ACT = operation(
    "actOnPooledService",
    "Pooled services",
    "Enrol, leave, or (the zone's manager) approve, reject, start, close",
    {200: answer("The service as it is now.", ref("PooledService"))},
    description="The manager's steps (approve, reject, start, close) take the "
    "`version` last seen and must be in the service's `allowed_actions`; 409 "
    "lists them when it is not, or says the version is stale. A step outside "
    "the `action` enum names no operation: 404. A `version` that is no whole "
    "number is 422, for any step; enrol and leave need none.",
    errors=(400, 404, 409, 422),
    parameters=[
        SERVICE_ID,
        {
            "name": "action",
            "in": "path",
            "required": True,
            "description": "The step.",
            "schema": {"type": "string", "enum": [a.value for a in PoolAction]},
        },
    ],
    body=json_body(ref("PooledServiceStep")),
)

PATHS: dict[str, Schema] = {
    "/agreements": {"get": AGREEMENTS_INDEX, "post": AGREEMENTS_CREATE},
    "/agreements/{agreement_id}": {"get": AGREEMENTS_DETAIL},
    "/agreements/{agreement_id}/{action}": {"post": AGREEMENTS_ACT},
    "/agreements/{agreement_id}/deliveries": {"post": AGREEMENTS_DELIVER},
    "/agreements/{agreement_id}/deliveries/{delivery_id}": {
        "delete": DELIVERY_WITHDRAW
    },
    "/agreements/{agreement_id}/messages": {
        "get": MESSAGES,
        "post": MESSAGE_CREATE,
    },
    "/pooled-services": {"get": POOLED_INDEX, "post": POOLED_CREATE},
    "/pooled-services/{service_id}": {"get": POOLED_DETAIL},
    "/pooled-services/{service_id}/{action}": {"post": POOLED_ACT},
}
