"""The Beranda page in Chromium: what the graph holds, freshness, coherence per agency, insights."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from api.routers import home as home_router
from tests.graph.describe.catalog_support import DATASETS
from tests.pages.conftest import screenshot, sort_by


def test_home_shows_the_seven_demo_datasets_their_freshness_and_each_agencys_coherence(
    page: Page, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server (a thread of this process) reads the clock once per request: fixed here.
    monkeypatch.setattr(home_router, "now", lambda: dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC))
    page.goto(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Satu Data Kabupaten Pesawaran")
    freshness = page.locator("table.freshness-table tbody tr")
    expect(freshness).to_have_count(7)  # six synthetic tables and the real IDM 2024
    assert freshness.evaluate_all("rs => rs.map(r => r.dataset.dataset)") == DATASETS
    for row in freshness.all():
        expect(row).to_contain_text("Tahunan")
    # The typo year 2027 is shown as the finding it is; the six others ended in 2024.
    dinsos = freshness.filter(has=page.locator('td[data-status="future"]'))
    expect(dinsos).to_have_count(1)
    expect(dinsos).to_have_attribute("data-dataset", "dinsos-kpm-desa")
    expect(dinsos.locator("td.freshness-status")).to_contain_text("Periode di masa depan (2027)")
    expect(page.locator('td.freshness-status[data-status="late"]')).to_have_count(6)
    expect(page.locator("table.freshness-table")).not_to_contain_text("Tepat waktu")
    agencies = page.locator("table.agency-coherence tbody tr")
    expect(agencies).to_have_count(7)
    expect(agencies.filter(has_text="Badan Pusat Statistik")).to_contain_text("Ada peringatan")
    dpupr = agencies.filter(has_text="Dinas Pekerjaan Umum")
    expect(dpupr).to_contain_text("Pelanggaran diterima Walidata")
    expect(dpupr.locator("td").nth(1)).to_have_text("2")  # violations
    cards = page.locator(".home-cards .card")
    expect(cards.filter(has_text="dataset terbit").locator(".figure")).to_have_text("7")
    expect(cards.filter(has_text="indikator").locator(".figure")).to_have_text("21")  # 15 + the IDM's six
    insights = page.locator("ol.insights > li")
    assert 3 <= insights.count() <= 5
    expect(insights.first).to_contain_text("prevalensi stunting")
    expect(insights.first.get_by_role("link")).to_have_attribute(
        "href", "/insight/correlate?x=persen-air-minum-layak&y=prevalensi-stunting&level=desa&period=2024"
    )
    expect(page.locator(".caveat").first).to_contain_text("Korelasi bukan sebab-akibat")
    screenshot(page, "beranda")


def test_home_links_go_to_the_linked_data_pages_and_the_filtered_coherence_report(
    page: Page, server: str
) -> None:
    page.goto(f"{server}/")
    page.locator(".dataset-list").get_by_role("link", name="dinkes-stunting-desa").click()
    page.wait_for_url(f"{server}/id/dataset/dinkes-stunting-desa")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.go_back()
    page.locator(".district-list").get_by_role("link", name="Gedong Tataan").click()
    page.wait_for_url(f"{server}/id/wilayah/18.09.01")
    page.go_back()
    page.locator("table.agency-coherence").get_by_role("link", name="Dinas Kesehatan").click()
    page.wait_for_url(f"{server}/coherence?agency=dinkes")
    expect(page.locator("table.findings-table tbody tr")).to_have_count(2)


def test_sorting_the_agency_table_by_violations(page: Page, server: str) -> None:
    page.goto(f"{server}/")
    heading = page.locator("table.agency-coherence thead th", has_text="Pelanggaran")
    sort_by(page, heading)
    expect(heading).to_have_attribute("aria-sort", re.compile("ascending|descending"))
    values = page.locator("table.agency-coherence tbody tr").evaluate_all(
        "rs => rs.map(r => Number(r.cells[2].textContent.trim()))"
    )
    descending = heading.get_attribute("aria-sort") == "descending"
    assert values == sorted(values, reverse=descending) and len(set(values)) > 1


def test_home_at_phone_width_has_no_horizontal_overflow(phone: Page, server: str) -> None:
    phone.goto(f"{server}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    expect(phone.locator("table.freshness-table tbody tr")).to_have_count(7)
    # The skip link is the first stop for a keyboard user and leads to the content.
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name=re.compile("Langsung ke isi"))).to_be_focused()
