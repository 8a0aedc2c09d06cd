"""Signing in to the pages in Chromium: the header names the user, restricted loads appear for
those who may read them, and signing out ends it; the cookie is out of the page's reach.

Its own server: the upload tests' instance, which has users of every role and a restricted
dataset of Dinsos (``uji-kpm-terbatas``); the demo server has no accounts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api.test_ingest import Instance, running_instance
from tests.pages.conftest import PageLog, _open_page, screenshot
from tests.servers import running_server

RESTRICTED = "uji-kpm-terbatas"


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    with running_instance(tmp_path_factory.mktemp("masuk-halaman")) as inst:
        yield inst


@pytest.fixture(scope="module")
def base(instance: Instance) -> Iterator[str]:
    with running_server(instance.client.app, "uvicorn-sign-in") as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture
def signing(browser: Browser, base: str, page_log: PageLog) -> Iterator[Page]:
    yield from _open_page(browser, base, page_log, width=1280, height=900)


@pytest.fixture
def signing_phone(browser: Browser, base: str, page_log: PageLog) -> Iterator[Page]:
    yield from _open_page(browser, base, page_log, width=360, height=740)


def sign_in(page: Page, base: str, name: str, token: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Masuk / Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Masuk")
    page.get_by_label("Nama akun").fill(name)
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Masuk / Sign in").click()


def test_walidata_signs_in_sees_restricted_loads_and_signs_out(
    signing: Page, base: str, instance: Instance
) -> None:
    page = signing
    page.goto(base + "/loads")
    expect(page.locator("main")).not_to_contain_text(RESTRICTED)
    sign_in(page, base, "citra.walidata", instance.tokens["walidata"])
    expect(page.locator(".site-user")).to_have_text("citra.walidata · Walidata")
    screenshot(page, "sign-in-signed-in")
    cookie = next(c for c in page.context.cookies() if c["name"] == "oc_sesi")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"], cookie["path"]) == (
        True,
        "Lax",
        False,
        "/",
    )
    assert "oc_sesi" not in page.evaluate("() => document.cookie")  # out of any script's reach
    page.goto(base + "/loads")
    expect(page.locator("main")).to_contain_text(RESTRICTED)
    expect(page.locator(".site-user")).to_contain_text("citra.walidata")
    page.get_by_role("button", name="Keluar / Sign out").click()
    expect(page.get_by_role("link", name="Masuk / Sign in")).to_be_visible()
    page.goto(base + "/loads")
    expect(page.locator("main")).not_to_contain_text(RESTRICTED)


def test_another_agencys_produsen_does_not_see_restricted_loads(
    signing: Page, base: str, instance: Instance
) -> None:
    sign_in(signing, base, "ani.dukcapil", instance.tokens["dukcapil"])
    expect(signing.locator(".site-user")).to_have_text("ani.dukcapil · Produsen Data (disdukcapil)")
    signing.goto(base + "/loads")
    expect(signing.locator("main")).not_to_contain_text(RESTRICTED)


def test_a_wrong_token_is_refused_without_naming_the_account(
    signing: Page, base: str, instance: Instance, page_log: PageLog
) -> None:
    sign_in(signing, base, "citra.walidata", "oc_bukan-tokennya")
    expect(signing.get_by_role("alert")).to_contain_text("Nama akun atau token salah")
    expect(signing.get_by_role("link", name="Masuk / Sign in")).to_be_visible()
    expect(signing.get_by_label("Nama akun")).to_have_value("citra.walidata")
    screenshot(signing, "sign-in-refused")
    # The refusal is answered 401 on purpose; Chromium reports any 4xx page on its console.
    expected = "console: Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    assert page_log.errors == [expected]
    page_log.errors.clear()


def test_signed_in_header_fits_a_phone(signing_phone: Page, base: str, instance: Instance) -> None:
    sign_in(signing_phone, base, "budi.dinsos", instance.tokens["dinsos"])
    expect(signing_phone.locator(".site-user")).to_have_text("budi.dinsos · Produsen Data (dinsos)")
    assert signing_phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(signing_phone, "sign-in-phone")
