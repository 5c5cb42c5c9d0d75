"""The rules of ``authz.can`` on plain objects, no database involved."""

import pytest

from symbiosis.authz import Perm, can
from symbiosis.models import Organisation, User, Zone


class Anonymous:
    is_authenticated = False


def person(
    org_id: int | None,
    role: str | None,
    *,
    facilitator: bool = False,
    zones: tuple[int, ...] = (),
) -> User:
    user = User(
        id=1,
        email="x@example.lu",
        full_name="X",
        password_hash="-",
        session_token="t",
        organisation_id=org_id,
        org_role=role,
        is_facilitator=facilitator,
        active=True,
    )
    user.managed_zones = [
        Zone(id=z, name=f"Z{z}", slug=f"z{z}", commune="C", lat=0, lon=0) for z in zones
    ]
    return user


ORG_A = Organisation(id=1, name="A", name_key="a", slug="a", kind="company")
ORG_B = Organisation(id=2, name="B", name_key="b", slug="b", kind="company")
ZONE_1 = Zone(id=1, name="Z1", slug="z1", commune="C", lat=0, lon=0)
ZONE_2 = Zone(id=2, name="Z2", slug="z2", commune="C", lat=0, lon=0)


def test_anonymous_gets_public_only() -> None:
    assert can(Anonymous(), Perm.PUBLIC)
    assert not can(Anonymous(), Perm.SIGNED_IN)
    assert not can(None, Perm.SIGNED_IN)


@pytest.mark.parametrize(
    ("user", "perm", "obj", "allowed"),
    [
        (person(1, "member"), Perm.VIEW_ORG_PRIVATE, ORG_A, True),
        (person(1, "member"), Perm.VIEW_ORG_PRIVATE, ORG_B, False),
        (person(1, "pending"), Perm.VIEW_ORG_PRIVATE, ORG_A, False),
        (person(1, "member"), Perm.MANAGE_ORG, ORG_A, False),
        (person(1, "admin"), Perm.MANAGE_ORG, ORG_A, True),
        (person(1, "admin"), Perm.MANAGE_ORG, ORG_B, False),
        (person(1, "admin"), Perm.MANAGE_ORG_MEMBERS, ORG_A, True),
        (person(1, "admin"), Perm.MANAGE_ORG_MEMBERS, ORG_B, False),
        (person(3, "member", facilitator=True), Perm.VIEW_ORG_PRIVATE, ORG_B, True),
        (person(3, "member", facilitator=True), Perm.MANAGE_ORG, ORG_B, True),
        (person(3, "member", facilitator=True), Perm.MANAGE_ORG_MEMBERS, ORG_B, False),
        (person(3, "member", zones=(1,)), Perm.MANAGE_ZONE, ZONE_1, True),
        (person(3, "member", zones=(1,)), Perm.MANAGE_ZONE, ZONE_2, False),
        (person(3, "member", facilitator=True), Perm.MANAGE_ZONE, ZONE_2, True),
        (person(1, "admin"), Perm.MANAGE_ZONE, ZONE_1, False),
    ],
)
def test_object_rules(user: User, perm: Perm, obj: object, allowed: bool) -> None:
    assert can(user, perm, obj) is allowed


@pytest.mark.parametrize(
    ("user", "perm", "allowed"),
    [
        (person(None, None), Perm.SIGNED_IN, True),
        (person(None, None), Perm.ORG_MEMBER, False),
        (person(1, "pending"), Perm.ORG_MEMBER, False),
        (person(1, "member"), Perm.ORG_MEMBER, True),
        (person(1, "member"), Perm.MANAGE_ZONE, False),
        (person(1, "member", zones=(2,)), Perm.MANAGE_ZONE, True),
        (person(1, "admin"), Perm.FACILITATOR, False),
        (person(1, "member", facilitator=True), Perm.FACILITATOR, True),
    ],
)
def test_role_rules(user: User, perm: Perm, allowed: bool) -> None:
    assert can(user, perm) is allowed
