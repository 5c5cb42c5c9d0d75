"""In a real browser: sign in as a demo member, switch to English, see the home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.services import seeding

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app: Flask) -> None:
    with app.app_context():
        seeding.load_reference(SEEDS / "reference")
        seeding.load_demo(SEEDS / "demo")


def test_member_signs_in_and_switches_to_english(demo: None, page: Page) -> None:
    page.goto("/")
    assert page.get_attribute("html", "lang") == "fr"
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("E-mail").fill("membre@boulangerie-sud.example.lu")
    page.get_by_label("Mot de passe").fill("symbiose-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    expect(page.locator("main")).to_contain_text("Boulangerie Artisanale du Sud")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="My organisation")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Your role: member")


def test_wrong_password_is_announced_next_to_the_form(demo: None, page: Page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill("membre@boulangerie-sud.example.lu")
    page.get_by_label("Mot de passe").fill("not the password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert").first).to_contain_text("incorrect")


def test_keyboard_user_reaches_the_content_first(demo: None, page: Page) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
