"""Signing in to the pages: sessions, CSRF, expiry, revocation, rate limit (``/masuk``, ``/keluar``).

Runs on the upload tests' instance (users of every role, a restricted dataset of Dinsos, a
revoked user). The sessions' and attempts' clocks are inputs: tests move time, never sleep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import SESSION_COOKIE, Sessions
from api.sign_in_limits import SignInAttempts
from graph.publish.accounts import Accounts
from tests.api.test_ingest import Instance, running_instance

NAMES = {
    "walidata": "citra.walidata",
    "dinsos": "budi.dinsos",
    "dukcapil": "ani.dukcapil",
    "admin": "dewi.admin",
    "revoked": "eko.lama",
}
RESTRICTED = "uji-kpm-terbatas"  # Dinsos's restricted dataset

# Slow: the upload tests' instance loads two datasets first.
pytestmark = pytest.mark.slow
HTML = {"Accept": "text/html"}
SITE = {"Origin": "http://testserver"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    with running_instance(tmp_path_factory.mktemp("masuk")) as inst:
        yield inst


@pytest.fixture
def clock(instance: Instance) -> Clock:
    """Fresh sessions and attempts on a clock the test moves; the browser's cookies cleared."""
    clock = Clock()
    settings = instance.platform.settings
    app = cast(FastAPI, instance.client.app)
    app.state.sessions = Sessions(
        settings.session_idle_minutes * 60, settings.session_max_hours * 3600, clock
    )
    app.state.sign_in_attempts = SignInAttempts(
        settings.sign_in_max_failures, settings.sign_in_window_minutes * 60, clock
    )
    instance.client.cookies.clear()
    return clock


def form_token(html: str, field: str = "csrf") -> str:
    found = re.search(rf'name="{field}" value="([^"]*)"', html)
    assert found, f"no {field} field in the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, token: str, **extra: str) -> httpx.Response:
    page = client.get("/masuk", headers=HTML)
    assert page.status_code == 200
    data = {"name": name, "token": token, "csrf": form_token(page.text), **extra}
    response: httpx.Response = client.post(
        "/masuk", data=data, headers={**HTML, **SITE}, follow_redirects=False
    )
    return response


def signed_in_as(inst: Instance, who: str) -> None:
    response = sign_in(inst.client, NAMES[who], inst.tokens[who])
    assert response.status_code == 303, response.text


def header_name(client: TestClient, path: str = "/") -> str | None:
    """The name the page header of ``path`` shows, or None when it offers to sign in."""
    page = client.get(path, headers=HTML).text
    found = re.search(r'<span class="site-user"[^>]*>([^<]*)</span>', page)
    if found:
        return found.group(1)
    assert 'href="/masuk"' in page
    return None


def cookie_attributes(response: httpx.Response, name: str) -> dict[str, str | bool]:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            morsel = SimpleCookie(header)[name]
            return {k: morsel[k] for k in ("httponly", "samesite", "secure", "path")}
    raise AssertionError(f"no {name} cookie set")


def test_sign_in_shows_the_user_and_sign_out_ends_the_session(instance: Instance, clock: Clock) -> None:
    response = sign_in(instance.client, NAMES["walidata"], instance.tokens["walidata"])
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = cookie_attributes(response, SESSION_COOKIE)
    assert cookie == {"httponly": True, "samesite": "lax", "secure": "", "path": "/"}
    assert header_name(instance.client) == "citra.walidata · Walidata"
    home = instance.client.get("/", headers=HTML)
    assert home.headers["cache-control"] == "private, no-store" and "Cookie" in home.headers["vary"]
    token = form_token(home.text)
    out = instance.client.post("/keluar", data={"csrf": token}, headers=SITE, follow_redirects=False)
    assert out.status_code == 303
    assert header_name(instance.client) is None
    assert len(cast(FastAPI, instance.client.app).state.sessions) == 0


def test_pages_rendered_outside_render_name_the_signed_in_user_too(instance: Instance, clock: Clock) -> None:
    # The vocabulary, the named-graph and linked-data routes render their own templates (and
    # their 404 pages); each must still say who is signed in, not offer "Masuk".
    paths = ["/def", "/def/TidakAda", "/graph/tidak-ada", "/id/tidak-ada", "/id/wilayah/18"]
    assert [header_name(instance.client, p) for p in paths] == [None] * len(paths)
    signed_in_as(instance, "walidata")
    assert [header_name(instance.client, p) for p in paths] == ["citra.walidata · Walidata"] * len(paths)


def test_a_produsen_sees_their_agency_in_the_header(instance: Instance, clock: Clock) -> None:
    signed_in_as(instance, "dinsos")
    assert header_name(instance.client) == "budi.dinsos · Produsen Data (dinsos)"


def test_cookie_is_secure_over_https(instance: Instance, clock: Clock) -> None:
    with TestClient(instance.client.app, base_url="https://testserver") as client:
        page = client.get("/masuk", headers=HTML)
        assert cookie_attributes(page, "oc_masuk")["secure"] is True
        data = {"name": NAMES["admin"], "token": instance.tokens["admin"], "csrf": form_token(page.text)}
        response = client.post(
            "/masuk", data=data, headers={"Origin": "https://testserver"}, follow_redirects=False
        )
        assert response.status_code == 303
        assert cookie_attributes(response, SESSION_COOKIE)["secure"] is True


def test_a_session_reads_restricted_loads_like_a_token(instance: Instance, clock: Clock) -> None:
    public = instance.client.get("/loads.json").json()
    by_token = instance.client.get("/loads.json", headers=instance.auth("walidata")).json()
    assert RESTRICTED not in str(public) and RESTRICTED in str(by_token)
    signed_in_as(instance, "walidata")
    assert instance.client.get("/loads.json").json() == by_token
    page = instance.client.get("/loads", headers=HTML).text
    assert RESTRICTED in page


@pytest.mark.parametrize(("who", "sees"), [("dinsos", True), ("dukcapil", False), ("admin", True)])
def test_only_the_agency_of_a_restricted_dataset_reads_it(
    instance: Instance, clock: Clock, who: str, sees: bool
) -> None:
    signed_in_as(instance, who)
    assert (RESTRICTED in instance.client.get("/loads", headers=HTML).text) is sees
    csv = instance.client.get(f"/catalog/{RESTRICTED}.csv")
    assert (csv.status_code == 200) is sees, csv.text


def test_a_session_never_authorizes_an_api_write(instance: Instance, clock: Clock) -> None:
    signed_in_as(instance, "dinsos")
    body = b"kode_desa;tahun;kpm\n"
    upload = instance.client.post(f"/ingest/{RESTRICTED}", files={"file": ("x.csv", body, "text/csv")})
    assert upload.status_code == 401


def test_wrong_token_says_nothing_about_the_account(instance: Instance, clock: Clock) -> None:
    answers = [
        sign_in(instance.client, NAMES["walidata"], "oc_salah"),  # an account, a wrong token
        sign_in(instance.client, "tidak.ada", instance.tokens["walidata"]),  # no such account
        sign_in(instance.client, NAMES["dinsos"], instance.tokens["walidata"]),  # another's token
        sign_in(instance.client, NAMES["revoked"], instance.tokens["revoked"]),  # revoked
    ]
    problems = {re.search(r'role="alert">([^<]*)<', a.text).group(1) for a in answers}  # type: ignore[union-attr]
    assert [a.status_code for a in answers] == [401] * 4 and len(problems) == 1
    assert all(SESSION_COOKIE not in a.cookies for a in answers)
    assert header_name(instance.client) is None


def test_failures_per_account_reach_429_then_the_window_passes(instance: Instance, clock: Clock) -> None:
    for _ in range(5):
        assert sign_in(instance.client, NAMES["walidata"], "oc_salah").status_code == 401
    held = sign_in(instance.client, NAMES["walidata"], instance.tokens["walidata"])
    assert held.status_code == 429 and 0 < int(held.headers["retry-after"]) <= 15 * 60
    assert "Terlalu banyak" in held.text and header_name(instance.client) is None
    clock.advance(15)
    assert sign_in(instance.client, NAMES["walidata"], instance.tokens["walidata"]).status_code == 303


def test_failures_per_address_reach_429_for_any_name(instance: Instance, clock: Clock) -> None:
    for n in range(5):
        assert sign_in(instance.client, f"tebakan{n}", "oc_salah").status_code == 401
    # A name never tried before, with the right token, from the same address: held back.
    assert sign_in(instance.client, NAMES["admin"], instance.tokens["admin"]).status_code == 429


def test_sign_out_forged_without_with_wrong_token_or_from_another_site(
    instance: Instance, clock: Clock
) -> None:
    signed_in_as(instance, "walidata")
    token = form_token(instance.client.get("/", headers=HTML).text)
    forged = [
        instance.client.post("/keluar", data={}, headers={**HTML, **SITE}),
        instance.client.post("/keluar", data={"csrf": token[::-1]}, headers={**HTML, **SITE}),
        instance.client.post(
            "/keluar", data={"csrf": token}, headers={**HTML, "Origin": "http://jahat.example"}
        ),
        instance.client.post(
            "/keluar", data={"csrf": token}, headers={**HTML, "Referer": "http://jahat.example/f"}
        ),
    ]
    for response in forged:
        assert response.status_code == 403
        assert "Formulir ditolak" in response.text and response.headers["content-type"].startswith(
            "text/html"
        )
    assert header_name(instance.client) == "citra.walidata · Walidata"  # still signed in


def test_login_csrf_is_refused(instance: Instance, clock: Clock) -> None:
    data = {"name": NAMES["walidata"], "token": instance.tokens["walidata"]}
    # Another site's form: no pre-session cookie and no token of this browser's.
    assert instance.client.post("/masuk", data={**data, "csrf": "x" * 43}, headers=HTML).status_code == 403
    token = form_token(instance.client.get("/masuk", headers=HTML).text)
    assert instance.client.post("/masuk", data={**data, "csrf": token + "x"}).status_code == 403
    other = instance.client.post(
        "/masuk", data={**data, "csrf": token}, headers={"Origin": "http://jahat.example"}
    )
    assert other.status_code == 403 and header_name(instance.client) is None


def test_idle_expiry(instance: Instance, clock: Clock) -> None:
    signed_in_as(instance, "walidata")
    clock.advance(29)
    assert header_name(instance.client) is not None  # a request: the idle time starts again
    clock.advance(29)
    assert header_name(instance.client) is not None
    clock.advance(31)
    assert header_name(instance.client) is None
    assert RESTRICTED not in str(instance.client.get("/loads.json").json())


def test_absolute_expiry_however_busy(instance: Instance, clock: Clock) -> None:
    signed_in_as(instance, "walidata")
    # Any page shows the header; the sign-in form's is the lightest (the home page's took 0.5 s a
    # request, 36 times).
    for _ in range(12 * 3 - 1):  # every 20 minutes for just under 12 hours
        clock.advance(20)
        assert header_name(instance.client, "/masuk") is not None
    clock.advance(21)
    assert header_name(instance.client, "/masuk") is None


def test_revoking_or_rotating_ends_the_session(instance: Instance, clock: Clock) -> None:
    accounts = Accounts(instance.platform.settings.resolve(instance.platform.settings.accounts_path))
    name = "fajar.dinsos"
    _, token = accounts.add(name, "produsen", "dinsos")
    assert sign_in(instance.client, name, token).status_code == 303
    assert RESTRICTED in instance.client.get("/loads", headers=HTML).text
    accounts.revoke(name)
    assert header_name(instance.client) is None
    assert RESTRICTED not in instance.client.get("/loads", headers=HTML).text
    token = accounts.rotate(name)  # a new token makes the account work again
    assert sign_in(instance.client, name, token).status_code == 303
    assert header_name(instance.client) == "fajar.dinsos · Produsen Data (dinsos)"
    accounts.rotate(name)
    assert header_name(instance.client) is None
    assert sign_in(instance.client, name, token).status_code == 401  # the old token is gone


def test_next_page_stays_on_this_site(instance: Instance, clock: Clock) -> None:
    response = sign_in(instance.client, NAMES["admin"], instance.tokens["admin"], next="//jahat.example/x")
    assert response.status_code == 303 and response.headers["location"] == "/"
    instance.client.cookies.clear()
    response = sign_in(instance.client, NAMES["admin"], instance.tokens["admin"], next="/loads")
    assert response.headers["location"] == "/loads"


def test_settings_change_the_lifetimes(tmp_path: Path) -> None:
    from graph.settings import load_settings

    app = create_app(load_settings(store_path=":memory:", session_idle_minutes=5, session_max_hours=1))
    assert (app.state.sessions.idle_s, app.state.sessions.max_s) == (300, 3600)


def test_attempts_forget_failures_past_the_window() -> None:
    clock = Clock()
    attempts = SignInAttempts(2, 60, clock)
    attempts.failed([f"address:10.0.{n // 256}.{n % 256}" for n in range(10_001)])
    assert attempts.retry_after(["address:10.0.0.1"]) is None
    attempts.failed(["address:10.0.0.1"])
    assert attempts.retry_after(["address:10.0.0.1"]) == 60
    clock.advance(2)
    attempts.failed(["address:10.0.0.2"])  # the table is large: the old keys go
    assert len(attempts._failures) == 1
