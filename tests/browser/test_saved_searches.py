"""Following a search of the listings, by keyboard, and the list of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_agreements import sign_in
from tests.browser.test_site_walk import PASSWORD, axe_violations

pytestmark = pytest.mark.browser

MEMBER = "membre@boulangerie-sud.example.lu"


def test_a_member_follows_a_search_and_finds_it_in_the_list(
    demo_site: None, page: Page
) -> None:
    sign_in(page, MEMBER, PASSWORD)
    page.goto("/listings/?q=palettes&kind=offer")

    page.get_by_text("Suivre cette recherche").focus()
    page.keyboard.press("Enter")  # opens the details
    name = page.get_by_label("Nom de la recherche")
    expect(name).to_have_value("palettes · Offre")
    name.fill("")
    name.press("Enter")  # submits the form: no name, an error next to it
    expect(page.get_by_role("alert").filter(has_text="Donnez un nom")).to_be_visible()
    expect(name).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []

    name.fill("Palettes pour le fournil")
    name.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Vous suivez")
    page.get_by_role("link", name="Recherches suivies").click()
    row = page.get_by_role("row", name="Palettes pour le fournil")
    expect(row).to_contain_text("palettes · Offre")
    assert axe_violations(page) == []

    row.get_by_role("button", name="Ne plus suivre").click()
    expect(page.get_by_role("status")).to_contain_text("Vous ne suivez plus")
    expect(row).to_have_count(0)
    # The demo's own searches of hers stay.
    expect(page.get_by_role("row", name="Cartons pour les livraisons")).to_be_visible()
