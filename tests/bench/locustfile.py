"""The load benchmark's virtual users (run by :mod:`tests.bench.load`).

``LOAD_PLAN`` names the JSON plan of :mod:`tests.bench.load_prepare` (accounts
with a token and a session cookie, listing ids); ``LOAD_RESULT`` the JSON file
written at the end: per request kind, the count, failures and the histogram
of response times (ms, as locust rounds them), so the runner can merge kinds.

A member browses listings (pages, filters, text search; web and API), opens
listings, looks at its own listings' matches (page and API) and its
organisation's matches, now and then posts an offer and takes it through an
agreement with a partner organisation's request (propose, then the partner
accepts, one starts, the other completes, each step with the version last
seen), and more rarely signs in with a password. A zone manager opens the
monitoring dashboard of the zone, seldom, as in real use. ``LOAD_MIX=writes``
keeps the writing tasks alone (a stress of SQLite's single writer).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any

from locust import between, events, tag, task
from locust.contrib.fasthttp import FastHttpSession, FastHttpUser

PLAN: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
    if os.environ.get("LOAD_PLAN")
    else {}
)
FAMILIES = (  # (resource, title, ewc, unit)
    ("material", "Palettes en bois (load bench)", "150103", "t"),
    ("material", "Cartons d'emballage (load bench)", "150101", "t"),
    ("energy", "Chaleur fatale (load bench)", None, "MWh"),
    ("water", "Eau de refroidissement (load bench)", None, "m3"),
)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_next_account = itertools.count()


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True,
                  False, None, False, None, None, {})  # fmt: skip


def problem(response: Any) -> str:
    """Why a request failed: no answer in time, or the status and body."""
    if not response.status_code:
        return f"no answer: {response.error}"
    return f"HTTP {response.status_code}: {(response.text or '')[:200]}"


class _Signed(FastHttpUser):
    abstract = True
    default_headers = {"User-Agent": PLAN.get("user_agent", "locust")}  # noqa: RUF012

    def sign_in_with(self, cookie: str) -> None:
        self.client.cookiejar.set_cookie(_cookie(PLAN["cookie_name"], cookie))

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or b"</html>" not in (
                response.content or b""
            ):
                response.failure(problem(response))


class Member(_Signed):
    """A member of an organisation of the data set, on the pages and the API."""

    weight = 30
    wait_time = between(0.1, 0.7)

    def on_start(self) -> None:
        accounts = PLAN["accounts"]
        n = next(_next_account)
        self.me = accounts[n % len(accounts)]
        self.partner = accounts[(n + 1) % len(accounts)]
        self.sign_in_with(self.me["cookie"])
        # API clients send a bearer token and no browser cookie (a cookie
        # session would be asked for a CSRF token on unsafe methods).
        self.api_client = FastHttpSession(
            base_url=self.host,
            request_event=self.environment.events.request,
            user=self,
            network_timeout=self.network_timeout,
            connection_timeout=self.connection_timeout,
            headers={"User-Agent": "symbiosis-load-bench-api/1"},
        )

    def api(
        self, method: str, path: str, name: str, token: str, body: Any = None
    ) -> Any:
        """The JSON of a 2xx answer, else None (the request is marked failed)."""
        with self.api_client.request(
            method,
            path,
            name=name,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            catch_response=True,
        ) as response:
            if not 200 <= (response.status_code or 0) < 300:
                response.failure(problem(response))
                return None
            return response.json()

    # -- browsing ------------------------------------------------------------
    @task(24)
    def browse(self) -> None:
        page = min(int(random.expovariate(0.5)) + 1, 25)
        args = random.choice(
            (
                "",
                "kind=offer&",
                "kind=request&",
                "resource=material&",
                f"zone={random.choice(PLAN['zones'])}&",
                f"q={random.choice(PLAN['queries'])}&",
            )
        )
        self.page(f"/listings/?{args}page={page}", "browse listings (page)")

    @task(8)
    def search_api(self) -> None:
        q = random.choice(PLAN["queries"])
        self.api("GET", f"/api/v1/listings?q={q}", "search listings (API)",
                 self.me["token"])  # fmt: skip

    @task(20)
    def listing(self) -> None:
        listing_id = random.choice(PLAN["listings"])
        self.page(f"/listings/{listing_id}", "listing detail (page)")

    # -- matches -------------------------------------------------------------
    @task(10)
    def own_listing(self) -> None:
        listing_id = random.choice(self.me["own"])
        self.page(f"/listings/{listing_id}", "own listing + matches (page)")

    @task(10)
    def matches_api(self) -> None:
        listing_id = random.choice(self.me["own"])
        self.api("GET", f"/api/v1/listings/{listing_id}/matches",
                 "listing matches (API)", self.me["token"])  # fmt: skip

    @task(5)
    def matches_page(self) -> None:
        self.page("/matches/", "organisation matches (page)")

    # -- writing -------------------------------------------------------------
    def post_offer(self) -> Any:
        resource, title, ewc, unit = random.choice(FAMILIES)
        body = {
            "kind": "offer",
            "resource": resource,
            "title": title,
            "ewc_code": ewc,
            "quantity": random.randint(5, 50),
            "unit": unit,
            "frequency": "monthly",
            "lat": self.me["lat"],
            "lon": self.me["lon"],
        }
        return self.api("POST", "/api/v1/listings", "post listing (API)",
                        self.me["token"], {k: v for k, v in body.items() if v})  # fmt: skip

    @task(4)
    def post_listing(self) -> None:
        self.post_offer()

    @task(2)
    def agreement(self) -> None:
        """Post an offer, then take it through an agreement with the partner."""
        offer = self.post_offer()
        if offer is None or not self.partner["requests"]:
            return
        terms = {
            "offer_id": offer["id"],
            "request_id": random.choice(self.partner["requests"]),
            "quantity": 1,
            "unit": offer["unit"],
            "frequency": "monthly",
            "start": date.today().isoformat(),
            "price_terms": "negotiable",
            "transport_by": "supplier",
        }
        mine, theirs = self.me["token"], self.partner["token"]
        made = self.api("POST", "/api/v1/agreements", "agreement propose (API)",
                        mine, terms)  # fmt: skip
        steps: tuple[tuple[str, str, dict[str, Any]], ...] = (
            ("accept", theirs, {}),
            ("start", mine, {}),
            ("complete", theirs, {"actual_quantity": 3, "actual_unit": offer["unit"]}),
        )
        for action, token, extra in steps:
            if made is None:
                return
            made = self.api(
                "POST",
                f"/api/v1/agreements/{made['id']}/{action}",
                f"agreement {action} (API)",
                token,
                {"version": made["version"], **extra},
            )

    @task(1)
    @tag("sign-in")
    def sign_in(self) -> None:
        """A real sign-in with the password (argon2), in a fresh cookie jar."""
        self.client.cookiejar.clear()
        form = self.client.get("/login", name="sign in (form)")
        found = CSRF.search(form.text or "")
        with self.client.post(
            "/login",
            name="sign in (POST)",
            data={
                "csrf_token": found.group(1) if found else "",
                "email": self.me["email"],
                "password": PLAN["password"],
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(problem(response))
        self.client.cookiejar.clear()
        self.sign_in_with(self.me["cookie"])


class ZoneManager(_Signed):
    """A zone manager who opens the zone's monitoring dashboard now and then."""

    fixed_count = 1
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.sign_in_with(PLAN["manager"]["cookie"])

    @task
    def dashboard(self) -> None:
        zone = PLAN["manager"]["zone"]
        self.page(f"/monitoring/?zone={zone}", "monitoring dashboard (zone manager)")


if os.environ.get("LOAD_MIX") == "writes":
    # Write stress (SQLite's lock): posts and agreement steps only; the
    # runner names the Member class alone, so no zone manager is spawned.
    Member.tasks = [Member.post_listing, Member.agreement, Member.agreement]


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write_result(environment: Any, **_kwargs: Any) -> None:
    path = os.environ.get("LOAD_RESULT")
    if not path or environment.runner is None:
        return
    stats = environment.runner.stats
    kinds = {
        name: {
            "count": entry.num_requests,
            "failures": entry.num_failures,
            "times": {str(ms): n for ms, n in entry.response_times.items()},
        }
        for (name, _method), entry in stats.entries.items()
    }
    total = stats.total
    errors = [
        {"name": e.name, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]
    Path(path).write_text(
        json.dumps(
            {
                "kinds": kinds,
                "seconds": max(total.last_request_timestamp - total.start_time, 1e-9),
                "errors": errors,
            }
        ),
        encoding="utf-8",
    )
