"""Forms sent empty, in Chromium: each error is tied to its field and shown,
and the page with its errors passes axe's WCAG 2.1 A and AA checks.

The browser's own checks (``required``) are turned off first, so that the
server's answer is what is looked at, as a browser without them would get.
"""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser

from tests.browser.test_site_walk import ROLES, axe_violations, signed_in

# Who signs in, then the form pages that user sends empty.
FORMS = {
    "anonymous": ["/login", "/register", "/password/forgot"],
    "member": ["/listings/new", "/listings/import", "/account/"],
    "facilitator": ["/events/new", "/practices/new"],
    "zone manager": ["/pooled/new"],
}
# Every field marked invalid: its description ids, and whether each names a
# visible element with text.
TIED = """() => [...document.querySelectorAll('[aria-invalid="true"]')].map(field => {
  const ids = (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
  const shown = ids.some(id => {
    const note = document.getElementById(id);
    return note && note.offsetParent !== null && note.textContent.trim() !== "";
  });
  return {field: field.id || field.name, shown};
})"""
# Whether the keyboard focus is on the first field marked invalid.
ON_FIRST = """() => document.activeElement !== null
  && document.activeElement === document.querySelector('main [aria-invalid="true"]')"""
# Empty the text fields (the CSRF token stays) and send the form as it is.
EMPTIED = """form => {
  form.noValidate = true;
  form.querySelectorAll("input[type=text], input[type=email], input[type=number], "
    + "input[type=password], textarea").forEach(field => { field.value = ""; });
  setTimeout(() => form.requestSubmit(), 0);
}"""

pytestmark = pytest.mark.browser


def test_empty_forms_show_their_errors_next_to_the_fields(
    demo_site: None, browser: Browser, live_server: str
) -> None:
    faults: dict[str, object] = {}
    for role, paths in FORMS.items():
        page = signed_in(browser, live_server, ROLES[role], "fr", width=1280)
        for path in paths:
            page.goto(path)
            form = page.locator("main form[method=post]").first
            with page.expect_navigation():
                form.evaluate(EMPTIED)
            page.wait_for_load_state()
            tied = page.evaluate(TIED)
            # The server refused the form and said why, field by field.
            assert tied, f"{path}: no field marked invalid"
            untied = [t["field"] for t in tied if not t["shown"]]
            focused = page.evaluate(ON_FIRST)
            violations = axe_violations(page)
            if untied or violations or not focused:
                faults[path] = {
                    "errors not shown": untied,
                    "axe": violations,
                    "focus on the first field in error": focused,
                }
        page.context.close()
    assert not faults


def test_the_new_password_page_ties_its_errors_and_passes_axe(
    demo_site: None, browser: Browser, live_server: str, app: Flask
) -> None:
    from symbiosis.services import accounts, password_reset

    with app.test_request_context():
        user = accounts.find_user_by_email(ROLES["member"] or "")
        assert user is not None
        path = f"/password/reset/{password_reset.token_for(user)}"
    page = signed_in(browser, live_server, None, "fr", width=320)
    page.goto(path)
    assert axe_violations(page) == []
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    page.get_by_label("Répétez le nouveau mot de passe").fill("autre chose")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    tied = page.evaluate(TIED)
    # too short, and not repeated: both said at once
    assert [t["field"] for t in tied] == ["password", "password_confirm"]
    assert all(t["shown"] for t in tied)
    assert axe_violations(page) == []
    page.context.close()


def test_inviting_a_colleague_and_the_invitation_pass_axe(
    demo_site: None, browser: Browser, live_server: str, app: Flask
) -> None:
    import sqlalchemy as sa

    from symbiosis.extensions import db
    from symbiosis.models import Invitation
    from symbiosis.services import accounts, invitations, signed_links

    with app.test_request_context():
        admin = accounts.find_user_by_email("admin@boulangerie-sud.example.lu")
        assert admin is not None
        assert admin.organisation_id is not None
        members = f"/organisations/{admin.organisation_id}/members"
        # the demo's open invitation (sent 3 days ago), with a link of its own
        sent = db.session.scalar(
            sa.select(Invitation).where(
                Invitation.email == "vendeuse.bettembourg@boulangerie-sud.example.lu"
            )
        )
        assert sent is not None
        token = signed_links.sign(invitations.PURPOSE, str(sent.id), sent.key)
    page = signed_in(
        browser, live_server, "admin@boulangerie-sud.example.lu", "fr", width=320
    )
    page.goto(members)
    # the expired one of the demo is sent again from its row, by keyboard
    page.get_by_role(
        "button", name="Renvoyer – apprenti@boulangerie-sud.example.lu"
    ).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Un nouveau lien part vers apprenti@" in page.inner_text("main")
    assert "lien expiré" not in page.inner_text("#invitations")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer l'invitation").click()
    assert [t["field"] for t in page.evaluate(TIED)] == ["email"]
    assert axe_violations(page) == []
    page.context.close()
    page = signed_in(browser, live_server, None, "fr", width=320)
    answer = page.goto(f"/invitation/{token}")
    assert answer is not None
    assert answer.status == 200
    page.get_by_role("button", name="Créer mon compte et rejoindre").wait_for()
    assert axe_violations(page) == []
    page.context.close()
