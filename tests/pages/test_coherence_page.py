"""The Koherensi page in Chromium: the filter form, sorting, a finding's focus link, phone width."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot, sort_by

ROWS = "table.findings-table tbody tr"


def test_the_page_shows_every_demo_finding_by_agency_and_rule(
    page: Page, server: str, page_log: PageLog
) -> None:
    page.goto(f"{server}/coherence")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Koherensi")
    expect(page.locator(ROWS)).to_have_count(12)  # C5 and C9 once each, at their year and code cells
    counts = page.locator("table.counts-table tbody tr")
    expect(counts).to_have_count(10)
    # One generated rule (part ≤ whole) covers several agencies; Dinkes's row is stunted ≤ weighed.
    dinkes = counts.filter(has_text="Bagian tidak melebihi keseluruhannya").filter(has_text="Dinas Kesehatan")
    expect(dinkes).to_have_count(1)
    expect(dinkes).to_contain_text("350")
    c3 = page.locator(ROWS).filter(has_text="Gerning · 2022 · Balita stunting")
    expect(c3).to_contain_text("dinkes_balita_stunting_desa_2020_2024.xlsx")
    expect(c3).to_contain_text("Jumlah Balita Stunting")
    expect(c3).to_contain_text("350")
    expect(c3).to_contain_text("223")
    expect(c3).to_contain_text("Walidata Diskominfo (demo)")
    expect(page.locator("#penerimaan-1")).to_be_attached()
    assert any(u.endswith("/static/vendor/sortable/sortable.min.js") for u in page_log.requests)
    screenshot(page, "koherensi")


def test_the_filter_form_narrows_the_findings_and_the_url_carries_the_filter(page: Page, server: str) -> None:
    page.goto(f"{server}/coherence")
    page.get_by_label("Instansi / Agency", exact=True).select_option("dpupr")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"/coherence\?agency=dpupr"))
    rows = page.locator(ROWS)
    expect(rows).to_have_count(4)
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.agency)")) == {"dpupr"}
    expect(page.get_by_label("Instansi / Agency", exact=True)).to_have_value("dpupr")
    page.get_by_label("Tingkat / Severity", exact=True).select_option("warning")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"severity=warning"))
    query = parse_qs(urlparse(page.url).query)
    assert query["agency"] == ["dpupr"] and query["severity"] == ["warning"]
    expect(rows).to_have_count(2)
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.rule)")) == {"RasioSesuaiHitungan"}
    # The downloads keep the filter.
    csv_link = page.get_by_role("link", name=re.compile("CSV \\(Excel Indonesia\\)"))
    assert csv_link.get_attribute("href") == "/coherence.csv?agency=dpupr&severity=warning"
    with page.expect_download() as download:
        csv_link.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").count("\r\n") == 3
    page.get_by_role("link", name=re.compile("Hapus filter")).click()
    page.wait_for_url(f"{server}/coherence")
    expect(rows).to_have_count(12)


def test_a_findings_focus_link_opens_its_linked_data_page(page: Page, server: str) -> None:
    page.goto(f"{server}/coherence?rule=BagianTidakMelebihiKeseluruhan")
    page.get_by_role("link", name="Gerning · 2022 · Balita stunting").click()
    page.wait_for_url(
        re.compile(r"/id/observasi/dinkes-stunting-desa/18\.09\.03\.2010/2022/balita-stunting$")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gerning")


def test_clicking_a_column_heading_sorts_the_findings(page: Page, server: str) -> None:
    page.goto(f"{server}/coherence")
    heading = page.locator("table.findings-table thead th", has_text="Baris")
    sort_by(page, heading)
    expect(heading).to_have_attribute("aria-sort", re.compile("ascending|descending"))
    direction = heading.get_attribute("aria-sort")
    rows = page.locator(ROWS)
    numbers = [int(n) for n in rows.evaluate_all("rs => rs.map(r => r.cells[5].dataset.sort)")]
    assert numbers == sorted(numbers, reverse=direction == "descending")
    assert len(set(numbers)) > 1
    sort_by(page, heading, keyboard=True)  # the accessible build makes headings focusable and sortable
    other = "ascending" if direction == "descending" else "descending"
    expect(heading).to_have_attribute("aria-sort", other)
    again = [int(n) for n in rows.evaluate_all("rs => rs.map(r => r.cells[5].dataset.sort)")]
    assert again == sorted(again, reverse=other == "descending")


def test_at_phone_width_the_page_does_not_overflow_and_the_form_works(phone: Page, server: str) -> None:
    phone.goto(f"{server}/coherence")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label("Tingkat / Severity", exact=True).select_option("violation")
    phone.get_by_role("button", name="Terapkan").click()
    phone.wait_for_url(re.compile(r"severity=violation"))
    expect(phone.locator(ROWS)).to_have_count(5)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # The findings stay a table (headings visible) scrolling in its own box; the first column
    # (the severity) stays in view while the box scrolls to the last column.
    table = phone.locator("table.findings-table")
    expect(table.locator("thead th").first).to_be_visible()
    box = table.locator("xpath=..")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # wider than the phone: it scrolls
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    first = phone.locator(ROWS).first.locator("td").first.bounding_box()
    assert first is not None and 0 <= first["x"] < 360
