"""Linked-data pages in Chromium: the harness itself, and a region page with its figures."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.pages.conftest import PageLog, sort_by


def test_a_resource_page_renders_in_chromium_with_only_local_requests(
    page: Page, server: str, page_log: PageLog
) -> None:
    page.goto(f"{server}/id/wilayah/18.09")
    assert page.locator("h1").inner_text().strip()
    nav = page.get_by_role("navigation", name="Navigasi utama / Main navigation")
    assert nav.get_by_role("link", name="Peta / Map").get_attribute("href") == "/map"
    assert any(u.endswith("/static/onecenter.css") for u in page_log.requests)
    assert page_log.outside(server) == []


def test_a_desa_page_lists_its_figures_sorts_them_and_traces_one_to_its_source_cell(
    page: Page, server: str
) -> None:
    page.goto(f"{server}/id/wilayah/18.09.01.2001")
    # The profile comes first; every published figure is folded away under "Data mentah".
    page.locator("#data-mentah summary").first.click()
    table = page.locator("table.figures")
    rows = table.locator("tbody tr")
    assert rows.count() > 40
    agencies = {t.strip() for t in table.locator("tbody td:nth-child(6) a:first-child").all_inner_texts()}
    assert {"Dinas Kesehatan", "Dinas Sosial"} <= agencies
    # One click sorts by value, largest first (the sorter's first order is descending).
    value_header = table.locator("thead th").nth(3)
    sort_by(page, value_header)
    assert value_header.get_attribute("aria-sort") == "descending"
    sorts = [
        float(v)
        for v in table.locator("tbody td.num").evaluate_all("cells => cells.map(c => c.dataset.sort)")
    ]
    assert sorts == sorted(sorts, reverse=True)
    first_value = table.locator("tbody tr").first.locator("td.num").inner_text()
    assert "." in first_value  # a population in the thousands, written 1.953 the Indonesian way
    # Follow the first figure to its observation page: the provenance chain ends at a source cell.
    table.locator("tbody tr").first.get_by_role("link", name=re.compile("Asal-usul")).click()
    page.wait_for_url(re.compile(r"/id/"))
    chain = page.locator("section[aria-labelledby='h-asal-usul']")
    assert chain.get_by_role("heading", name=re.compile("Sel sumber")).is_visible()
    assert re.search(r"\.(csv|xlsx)", chain.inner_text())
    assert first_value in chain.inner_text() or first_value.replace(".", "") in chain.inner_text()
