"""Operations on the signed-in user's notifications."""

from __future__ import annotations

from symbiosis.api.openapi.vocabulary import (
    INTEGER,
    STRING,
    TIMESTAMP,
    Schema,
    answer,
    array,
    nullable,
    obj,
    operation,
    path_id,
    query,
)

NOTIFICATION = obj(
    {
        "id": INTEGER,
        "subject": STRING,
        "body": STRING,
        "link": nullable(STRING),
        "created_at": TIMESTAMP,
        "read_at": nullable(TIMESTAMP),
    }
)

LIST = operation(
    "listNotifications",
    "Account",
    "The signed-in user's notifications, newest first",
    {
        200: answer(
            "The notifications, and how many are unread in all.",
            obj({"notifications": array(NOTIFICATION), "unread": INTEGER}),
        )
    },
    errors=(422,),
    parameters=[
        query(
            "unread",
            {"type": "string", "enum": ["true", "false"], "default": "false"},
            "Only the unread ones.",
        ),
        query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
            "How many, at most.",
        ),
    ],
)

READ_ONE = operation(
    "readNotification",
    "Account",
    "Mark one notification read",
    {200: answer("The notification, now read.", NOTIFICATION)},
    errors=(404,),
    parameters=[path_id("notification_id", "The notification's id.")],
)

READ_ALL = operation(
    "readAllNotifications",
    "Account",
    "Mark every notification read",
    {200: answer("None left unread.", obj({"unread": {"const": 0}}))},
)

PATHS: dict[str, Schema] = {
    "/notifications": {"get": LIST},
    "/notifications/{notification_id}/read": {"post": READ_ONE},
    "/notifications/read": {"post": READ_ALL},
}
