"""The browser-test harness itself: a real page from the running server, nothing from outside."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.pages.conftest import PageLog


def test_a_resource_page_renders_in_chromium_with_only_local_requests(
    page: Page, server: str, page_log: PageLog
) -> None:
    page.goto(f"{server}/id/wilayah/18.09")
    assert page.locator("h1").inner_text().strip()
    nav = page.get_by_role("navigation", name="Navigasi utama / Main navigation")
    assert nav.get_by_role("link", name="Peta / Map").get_attribute("href") == "/map"
    assert any(u.endswith("/static/onecenter.css") for u in page_log.requests)
    assert page_log.outside(server) == []
