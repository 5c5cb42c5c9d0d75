"""Matches on pages and in the API; dismissals; anonymity in proposals."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Listing, Match, User
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.conftest import as_user, statements_of


@pytest.fixture
def world(app: Flask) -> dict:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        a = make_org(name="Firm A", zone=zone)
        b = make_org(name="Firm B", zone=zone)
        c = make_org(name="Firm C", zone=zone)
        user_a, user_b, user_c = make_user(org=a), make_user(org=b), make_user(org=c)
        offer = make_listing(org=a, by=user_a, title="Palettes en bois", anonymous=True)
        request = make_listing(
            org=b, by=user_b, kind="request", title="Holzpaletten gesucht"
        )
        match = db.session.scalar(sa.select(Match))
        return {
            "a": user_a.id,
            "b": user_b.id,
            "c": user_c.id,
            "offer": offer.id,
            "request": request.id,
            "match": match.id,
        }


def test_matches_on_the_listing_and_the_matches_page(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["b"])
    page = client.get(f"/listings/{world['request']}").get_data(as_text=True)
    assert "Palettes en bois" in page
    assert "15 01 03" in page  # "same waste code 15 01 03"
    assert "Firm A" not in page  # the offer is anonymous
    listing = client.get("/matches/").get_data(as_text=True)
    assert "Palettes en bois" in listing
    assert "Firm A" not in listing


def test_dismiss_with_a_reason(app: Flask, client: FlaskClient, world: dict) -> None:
    as_user(app, client, world["b"])
    response = client.post(
        f"/matches/{world['match']}/dismiss",
        data={
            "reason": "Qualité insuffisante",
            "next": f"/listings/{world['request']}",
        },
    )
    assert response.headers["Location"] == f"/listings/{world['request']}"
    assert "Palettes en bois" not in client.get("/matches/").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.get(Match, world["match"]).dismiss_reason
            == "Qualité insuffisante"
        )


def test_a_dismissed_match_is_listed_and_proposed_again(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["b"])
    empty = client.get("/matches/dismissed").get_data(as_text=True)
    assert "aucune mise en relation" in empty.lower()
    assert 'href="/matches/dismissed"' in client.get("/matches/").get_data(as_text=True)
    client.post(f"/matches/{world['match']}/dismiss", data={"reason": "Trop loin"})
    page = client.get("/matches/dismissed").get_data(as_text=True)
    assert "Palettes en bois" in page  # the other side, still anonymous
    assert "Firm A" not in page
    assert "Trop loin" in page
    assert "Test Person" in page  # who dismissed it
    assert f'action="/matches/{world["match"]}/restore"' in page
    # the other firm sees its own dismissals only
    other = app.test_client()
    as_user(app, other, world["a"])
    assert "Holzpaletten" not in other.get("/matches/dismissed").get_data(as_text=True)

    restored = client.post(f"/matches/{world['match']}/restore")
    assert restored.status_code == 302
    assert restored.headers["Location"] == "/matches/dismissed"
    with app.app_context():
        match = db.session.get(Match, world["match"])
        assert match is not None
        assert (match.dismissed_at, match.dismissed_by_id, match.dismiss_reason) == (
            None,
            None,
            None,
        )
    assert "Palettes en bois" in client.get("/matches/").get_data(as_text=True)
    assert "Palettes en bois" not in client.get("/matches/dismissed").get_data(
        as_text=True
    )
    # a stranger cannot restore, and a form without its token changes nothing
    client.post(f"/matches/{world['match']}/dismiss", data={})
    stranger = app.test_client()
    as_user(app, stranger, world["c"])
    assert stranger.post(f"/matches/{world['match']}/restore").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/matches/{world['match']}/restore").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.get(Match, world["match"]).dismissed_at is not None


def test_api_restores_a_dismissed_match(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["b"])
    client.post(f"/api/v1/matches/{world['match']}/dismiss", json={})
    other = app.test_client()
    as_user(app, other, world["c"])
    assert other.post(f"/api/v1/matches/{world['match']}/restore").status_code == 404
    assert client.post("/api/v1/matches/99999999999/restore").status_code == 404
    # firm A, on the other side, may not undo what firm B dismissed
    side_a = app.test_client()
    as_user(app, side_a, world["a"])
    refused = side_a.post(f"/api/v1/matches/{world['match']}/restore")
    assert refused.status_code == 403
    assert refused.json["errors"][0]["reason"].startswith("L’autre organisation")
    with app.app_context():
        assert db.session.get(Match, world["match"]).dismissed_at is not None
    done = client.post(f"/api/v1/matches/{world['match']}/restore")
    assert done.status_code == 200
    assert done.json == {"id": world["match"], "dismissed": False}
    found = client.get(f"/api/v1/listings/{world['request']}/matches").json
    assert [m["id"] for m in found["matches"]] == [world["match"]]


def test_stranger_cannot_dismiss(app: Flask, client: FlaskClient, world: dict) -> None:
    as_user(app, client, world["c"])
    assert (
        client.post(f"/matches/{world['match']}/dismiss", data={"x": "1"}).status_code
        == 404
    )
    with app.app_context():
        assert db.session.get(Match, world["match"]).dismissed_at is None


def test_api_matches_and_dismiss(app: Flask, client: FlaskClient, world: dict) -> None:
    as_user(app, client, world["b"])
    data = client.get(f"/api/v1/listings/{world['request']}/matches").json
    assert [m["id"] for m in data["matches"]] == [world["match"]]
    proposal = data["matches"][0]
    assert proposal["listing"]["organisation"] is None
    assert (
        proposal["reasons"][0].startswith("même code déchet 15 01 03")
        or "15 01 03" in proposal["reasons"][0]
    )
    assert 0 <= proposal["score"] <= 100
    bad = client.post(
        f"/api/v1/matches/{world['match']}/dismiss", json={"reason": ["x"]}
    )
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "reason"
    ok = client.post(
        f"/api/v1/matches/{world['match']}/dismiss", json={"reason": "déjà fourni"}
    )
    assert ok.status_code == 200
    assert ok.json["dismissed"] is True
    assert (
        client.get(f"/api/v1/listings/{world['request']}/matches").json["matches"] == []
    )
    other = app.test_client()
    as_user(app, other, world["c"])
    assert other.get(f"/api/v1/listings/{world['request']}/matches").status_code == 404
    assert (
        other.post(f"/api/v1/matches/{world['match']}/dismiss", json={}).status_code
        == 404
    )


def test_cli_match_run_and_file(app: Flask, world: dict, tmp_path) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["match", "run"])
    assert result.exit_code == 0, result.output
    assert "2 listings matched" in result.output
    with app.app_context():
        zone = db.session.get(Listing, world["request"]).zone
        refs = (zone.slug, str(zone.id), zone.name)
    for ref in refs:
        result = runner.invoke(args=["match", "run", "--zone", ref])
        assert result.exit_code == 0, result.output
        assert "listings matched" in result.output
    result = runner.invoke(args=["match", "run", "--zone", "nowhere"])
    assert result.exit_code == 2
    assert "no zone 'nowhere'" in result.output
    source = tmp_path / "listings.csv"
    source.write_text(
        "id;kind;resource;title;ewc_code;quantity;unit;frequency;lat;lon\n"
        "o1;offer;material;Palettes en bois;15 01 03;2;t;monthly;49.60;6.10\n"
        "r1;request;material;Holzpaletten;15 01 03;10;t;yearly;49.62;6.12\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["match", "file", str(source), "--top", "3"])
    assert result.exit_code == 0, result.output
    import json

    out = json.loads(result.output)
    assert [(m["offer"], m["request"]) for m in out] == [("o1", "r1")]
    assert out[0]["reasons"][0] == "same waste code 15 01 03"
    # ids that are numbers come back as numbers; "²" is no number
    numbered = tmp_path / "numbered.csv"
    numbered.write_text(
        source.read_text(encoding="utf-8").replace("o1;", "12;").replace("r1;", "²;"),
        encoding="utf-8",
    )
    result = runner.invoke(args=["match", "file", str(numbered)])
    assert result.exit_code == 0, result.output
    assert [(m["offer"], m["request"]) for m in json.loads(result.output)] == [
        (12, "²")
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id;kind;resource;title;quantity;unit;frequency\nx;gift;material;A;1;t;once\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["match", "file", str(bad)])
    assert result.exit_code != 0
    assert "listing x: kind" in result.output


def test_the_matches_page_comes_in_pages(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    with app.app_context():
        b = db.session.get(User, world["b"])
        for n in range(30):
            make_listing(
                org=b.organisation, by=b, kind="request", title=f"Palettes bois {n}"
            )
        db.session.commit()
        total = db.session.scalar(
            sa.select(sa.func.count(Match.id)).where(Match.dismissed_at.is_(None))
        )
    assert total > 25
    as_user(app, client, world["b"])
    card = 'class="card mb-2 match"'
    first = client.get("/matches/").get_data(as_text=True)
    assert first.count(card) == 25
    # each of B's requests has its match: one heading per match
    assert first.count("Pour notre annonce") == 25  # French, the default
    assert 'rel="next"' in first
    last = client.get("/matches/?page=2").get_data(as_text=True)
    assert last.count(card) == total - 25
    assert 'rel="prev"' in last
    assert client.get("/matches/?page=0").status_code == 200
    # A's one offer has them all: its heading is said once, above them
    page = as_user(app, client, world["a"]).get("/matches/").get_data(as_text=True)
    assert page.count(card) == 25
    assert page.count("Pour notre annonce") == 1
    assert page.index("Pour notre annonce") < page.index(card)


@pytest.mark.parametrize("read_own_up_to", [0, 1000])
def test_both_ways_of_reading_the_matches_page_give_the_same_pages(
    app: Flask, world: dict, monkeypatch: pytest.MonkeyPatch, read_own_up_to: int
) -> None:
    """Read from the organisation's own proposals, or by walking all of them
    newest first: the same proposals, newest then best, page after page."""
    from datetime import timedelta

    from symbiosis.models.base import utcnow
    from symbiosis.services import proposals

    monkeypatch.setattr(proposals, "READ_OWN_UP_TO", read_own_up_to)
    with app.app_context():
        b = db.session.get(User, world["b"])
        other = make_org(name="Firm D", zone=b.organisation.zone)
        for n in range(12):
            make_listing(org=b.organisation, by=b, kind="request",
                         title=f"Palettes bois {n}")  # fmt: skip
            make_listing(org=other, kind="request", title=f"Palettes bois D{n}")
        db.session.commit()
        matches = db.session.scalars(sa.select(Match)).all()
        now = utcnow()
        for n, match in enumerate(matches):  # ties on time, broken by score
            match.created_at = now - timedelta(minutes=n // 3)
        dismissed = next(
            m for m in matches if m.request.organisation_id == b.organisation_id
        )
        dismissed.dismissed_at = now
        db.session.commit()
        own = sorted(
            (m for m in matches
             if b.organisation_id in (m.offer.organisation_id, m.request.organisation_id)
             and m.dismissed_at is None),
            key=lambda m: (m.created_at, m.score, m.id), reverse=True,
        )  # fmt: skip
        assert len(own) > 10
        with app.test_request_context():
            pages = [
                proposals.organisation_matches(b, page=n, per_page=5)
                for n in (1, 2, 3, 9)
            ]
        got = [[m.id for m in p.items] for p in pages]
        assert got == [[m.id for m in own[i : i + 5]] for i in (0, 5, 10, 40)]
        assert {p.total for p in pages} == {len(own)}
        assert pages[0].items[0].request.organisation.name  # loaded with the page


def test_more_proposals_take_no_more_statements(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["a"])
    paths = [f"/api/v1/listings/{world['offer']}/matches",
             f"/listings/{world['offer']}", "/matches/"]  # fmt: skip
    for path in paths:
        client.get(path)  # warm: the index, the catalogs
    before = {path: len(statements_of(app, client, path)) for path in paths}
    with app.app_context():
        for n in range(6):  # each from another firm of another zone
            zone = make_zone(
                name=f"Zone {n} (Bettembourg)", lat=49.5 + n / 100, lon=6.1
            )
            org = make_org(name=f"Firm R{n}", zone=zone)
            make_listing(org=org, kind="request", title=f"Palettes en bois {n}")
        db.session.commit()
        shown = db.session.scalar(
            sa.select(sa.func.count(Match.id)).where(Match.offer_id == world["offer"])
        )
    assert shown == 7
    for path in paths:
        client.get(path)
    after = {path: len(statements_of(app, client, path)) for path in paths}
    assert after == before


def test_the_matches_page_gathers_a_days_matches_under_each_listing(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    """Found in one run, seconds apart, in any order: on the page, each of
    our listings heads its matches once, the best first; older days after."""
    from datetime import timedelta

    from symbiosis.models.base import utcnow

    with app.app_context():
        a = db.session.get(User, world["a"])
        b = db.session.get(User, world["b"])
        second = make_listing(org=a.organisation, by=a, title="Palettes EUR")
        for n in range(3):
            make_listing(org=b.organisation, by=b, kind="request",
                         title=f"Palettes bois {n}")  # fmt: skip
        db.session.commit()
        matches = db.session.scalars(
            sa.select(Match).where(Match.offer_id.in_([world["offer"], second.id]))
        ).all()
        assert len(matches) >= 5
        now = utcnow()
        # the weakest found last, the two listings interleaved
        for n, match in enumerate(sorted(matches, key=lambda m: m.score)):
            match.created_at = now - timedelta(seconds=len(matches) - n)
        old = max(matches, key=lambda m: m.score)
        old.created_at = now - timedelta(days=3)
        db.session.commit()
        listing_of = {m.id: m.offer_id for m in matches}
        score_of = {m.id: m.score for m in matches}
        old_id = old.id
    as_user(app, client, world["a"])
    page = client.get("/matches/").get_data(as_text=True)
    # two listings today, and one of them again three days ago
    assert page.count("Pour notre annonce") == 3
    order = [int(i) for i in re.findall(r'id="match-(\d+)"', page)]
    assert sorted(order) == sorted(listing_of)
    assert order[-1] == old_id
    today = order[:-1]
    runs = [listing_of[i] for i in today]
    assert runs == sorted(runs, key=runs.index)  # each listing's matches together
    for listing in set(runs):
        scores = [score_of[i] for i in today if listing_of[i] == listing]
        assert scores == sorted(scores, reverse=True)
