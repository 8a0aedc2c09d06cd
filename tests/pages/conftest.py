"""Browser tests: Debian's Chromium, driven by Playwright, against a real uvicorn server.

The server serves the demo graph. Every page a test opens records every request it
makes; a request to anything but the app itself (a CDN, a font service, a tile server)
fails the test, and so does any JavaScript error or console error on the page.
Screenshots go to ``tests/artifacts/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright, Request, sync_playwright

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.servers import running_server

SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The flags this machine's closed network needs: no background connections to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise RuntimeError(
        "Chromium tidak ditemukan / Chromium not found: the page tests need Debian's `chromium` "
        "package (apt-get install chromium; `make test` installs it when run as root)."
    )


@pytest.fixture(scope="session")
def server(demo: tuple[Platform, list[LoadReport]]) -> Iterator[str]:
    """A real uvicorn server on a free port serving the demo graph; yields its base URL."""
    platform, _ = demo
    with running_server(create_app(platform.settings, platform.store), "uvicorn-pages") as base:
        yield base


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageLog:
    """What a page did: every request URL, JavaScript errors and console errors."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self, base: str) -> list[str]:
        """Requests that left the app (data: URLs are inline, and blob: URLs of the app's own
        origin are objects the page made in memory, e.g. ReDoc's web worker: both allowed)."""
        return [
            u
            for u in self.requests
            if not (u.startswith((base + "/", "data:", f"blob:{base}/")) or u == base)
        ]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _open_page(browser: Browser, server: str, log: PageLog, *, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_request(request: Request) -> None:
        log.requests.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.errors.append(f"console: {message.text}")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: log.errors.append(f"pageerror: {error}"))
    try:
        yield page
    finally:
        context.close()
    outside = log.outside(server)
    assert not outside, f"the page asked for something outside the app: {outside}"
    assert not log.errors, f"the page had errors: {log.errors}"


@pytest.fixture
def page(browser: Browser, server: str, page_log: PageLog) -> Iterator[Page]:
    """A laptop-sized page; at teardown it fails on outside requests and page errors."""
    yield from _open_page(browser, server, page_log, width=1280, height=900)


@pytest.fixture
def phone(browser: Browser, server: str, page_log: PageLog) -> Iterator[Page]:
    """A phone-sized page (360 x 740), with the same checks."""
    yield from _open_page(browser, server, page_log, width=360, height=740)


# The signed-in pages' tests serve their own instance (with accounts) as ``base``; these open
# pages on it with the same checks as ``page`` and ``phone``.
@pytest.fixture
def laptop(browser: Browser, base: str, page_log: PageLog) -> Iterator[Page]:
    """A 1366 x 900 page on the module's own server ``base``."""
    yield from _open_page(browser, base, page_log, width=1366, height=900)


@pytest.fixture
def phone_on_base(browser: Browser, base: str, page_log: PageLog) -> Iterator[Page]:
    """A 360 x 740 page on the module's own server ``base``."""
    yield from _open_page(browser, base, page_log, width=360, height=740)


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under ``tests/artifacts/screenshots/``; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


def sort_by(page: Page, heading: Locator, *, keyboard: bool = False) -> None:
    """Click (or press Enter on) a heading and wait until its table is sorted: the sorting
    script sets ``aria-sort`` at once but reorders the rows a moment later (a timer), then
    fires ``sort-end`` on the table. Reading the rows before that reads the old order."""
    heading.evaluate(
        "th => { window.sorted = new Promise(done => th.closest('table')"
        ".addEventListener('sort-end', done, {once: true})); }"
    )
    if keyboard:
        heading.focus()
        page.keyboard.press("Enter")
    else:
        heading.click()
    page.evaluate("() => window.sorted")
