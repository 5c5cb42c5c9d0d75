"""A live server in a thread and Debian's chromium driven by Playwright.

Screenshots of failed browser tests are saved to ``tests/browser/artifacts``.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

from symbiosis.services import seeding

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ARTIFACTS = Path(__file__).parent / "artifacts"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


def _answered_whole(app: WSGIApplication) -> WSGIApplication:
    """The app, each answer read and closed before it is sent.

    Werkzeug's development server closes an answer's iterator (a static
    file's handle) in a block that fails first when the browser has already
    dropped the connection, as Chromium does for the favicon of a page it
    leaves at once: the open file then surfaces as a ResourceWarning in
    whichever test is running.
    """

    def answer(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        parts = app(environ, start_response)
        try:
            return list(parts)
        finally:
            close = getattr(parts, "close", None)
            if close is not None:
                close()

    return answer


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    server = make_server("127.0.0.1", 0, _answered_whole(app), threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    page = getattr(item, "_page", None)
    if report.when == "call" and report.failed and page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        name = (
            item.nodeid.split("::")[-1].replace("/", "_").replace("[", "-").rstrip("]")
        )
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return report


@pytest.fixture
def page(
    browser: object, live_server: str, request: pytest.FixtureRequest
) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=live_server, locale="fr-FR", viewport={"width": 1440, "height": 900}
    )
    page = context.new_page()
    request.node._page = page
    yield page
    context.close()


@pytest.fixture
def demo_site(app: Flask) -> None:
    """The reference and the whole demo, listings included, as ``make run``
    serves them (``flask seed demo``)."""
    with app.app_context():
        seeding.load_reference(SEEDS / "reference")
        seeding.load_demo(SEEDS / "demo")
        seeding.load_demo_listings(SEEDS / "demo")
