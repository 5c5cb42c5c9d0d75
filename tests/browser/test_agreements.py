"""In a real browser: firm A proposes, firm B accepts, a delivery, the impact."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.extensions import db
from tests.builders import (
    PASSWORD,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def firms(app: Flask) -> dict[str, object]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        bakery = make_org(name="Boulangerie du Sud", zone=zone)
        bakery.lat, bakery.lon = 49.59, 6.22
        joinery = make_org(name="Menuiserie Kayl", zone=zone)
        joinery.lat, joinery.lon = 49.49, 6.04
        a = make_user(email="achat@boulangerie.example.lu", org=bakery)
        b = make_user(email="atelier@menuiserie.example.lu", org=joinery)
        offer = make_listing(
            org=joinery, by=b, title="Palettes en bois", quantity="3", unit="t"
        )
        make_listing(
            org=bakery, by=a, kind="request", title="Palettes pour le four",
            quantity="20", frequency="yearly",
        )  # fmt: skip
        db.session.commit()
        return {"a": a.email, "b": b.email, "offer": offer.id}


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def test_propose_accept_deliver_complete(firms: dict[str, object], page: Page) -> None:
    sign_in(page, str(firms["a"]))
    page.goto(f"/listings/{firms['offer']}")
    page.get_by_role("link", name="Proposer un accord").click()
    expect(page.get_by_label("Votre annonce")).to_contain_text("Palettes pour le four")
    page.get_by_label("Quantité", exact=True).fill("1,5")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url(re.compile(r".*/agreements/\d+$"))
    agreement_url = page.url
    expect(page.locator("main")).to_contain_text("proposé")

    sign_in(page, str(firms["b"]))
    page.goto(agreement_url)
    page.get_by_role("button", name="Accepter les conditions").click()
    expect(page.locator(".alert").first).to_contain_text("accepté")
    page.get_by_role("button", name="Démarrer l'échange").click()
    expect(page.locator("main")).to_contain_text("en cours")

    # The delivery form, by keyboard only: labels lead to their fields.
    page.get_by_label("Quantité", exact=True).fill("1,5")
    page.get_by_label("Quantité", exact=True).press("Tab")
    page.keyboard.press("Tab")  # past the unit, onto the note
    page.keyboard.type("Premier camion")
    page.get_by_role("button", name="Enregistrer la livraison").click()
    expect(page.locator("#deliveries")).to_contain_text("Premier camion")
    expect(page.locator(".impact-totals")).to_contain_text("1,5 t")
    expect(page.locator(".impact-totals")).to_contain_text("kg CO₂e")

    page.get_by_text("Marquer comme terminé").first.click()
    page.get_by_label("Quantité totale effectivement échangée").fill("1,5")
    page.locator("form[action*='/step/complete'] button").click()
    expect(page.locator("main")).to_contain_text("terminé")
    expect(page.locator(".impact-totals")).to_contain_text("CO₂ évité")
    page.screenshot(
        path="tests/browser/artifacts/agreement-completed.png", full_page=True
    )
