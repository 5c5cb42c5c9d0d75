"""Static files: addresses that name their content, kept a year."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from symbiosis.static_files import ONE_YEAR, fingerprint


def test_pages_name_their_files_by_content_and_browsers_keep_them(
    client: FlaskClient,
) -> None:
    page = client.get("/login").get_data(as_text=True)
    found = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert found
    assert all(re.search(r"\?v=[0-9a-f]{12}$", address) for address in found)
    kept = client.get(found[0])
    assert kept.status_code == 200
    assert kept.cache_control.max_age == ONE_YEAR
    assert kept.cache_control.public
    # without the content's name, the browser asks again each time
    plain = client.get(found[0].split("?")[0])
    assert plain.cache_control.no_cache
    assert plain.data == kept.data
    kept.close()
    plain.close()


def test_a_changed_file_gets_a_new_address(tmp_path: Path) -> None:
    script = tmp_path / "app.js"
    script.write_text("let a = 1;")
    first = fingerprint(str(tmp_path), "app.js")
    assert first is not None
    assert fingerprint(str(tmp_path), "app.js") == first
    script.write_text("let a = 22;")
    second = fingerprint(str(tmp_path), "app.js")
    assert second not in (None, first)
    assert fingerprint(str(tmp_path), "missing.js") is None
    assert fingerprint(str(tmp_path), "../outside.js") is None


def test_an_unknown_file_keeps_a_plain_address(app: Flask) -> None:
    from flask import url_for

    with app.test_request_context():
        assert url_for("static", filename="no/such.js") == "/static/no/such.js"
