"""Region profiles in a real browser: the kabupaten, a kecamatan and a desa of the demo.

Each profile shows its figures by theme with trend, rank and source, progress against the
declared targets with the regulation linked, a map drawn offline from the shipped polygons
(the ``page``/``phone`` fixtures fail on any request leaving the app), the regions below in
a sortable table, and the named questions with the region filled in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot, sort_by

PROFILES = {"kabupaten": "18.09", "kecamatan": "18.09.01", "desa": "18.09.01.2001"}
THEMES = ["Kependudukan", "Kesehatan", "Kesejahteraan sosial", "Infrastruktur dasar", "Pembangunan desa"]
PHONE_HEIGHT_LIMIT = 8_000  # px at 360 px wide; the figure-per-row page was over 16,000


def _open(page: Page, server: str, code: str) -> None:
    page.goto(f"{server}/id/wilayah/{code}")
    expect(page.locator("#region-map")).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))


@pytest.mark.parametrize("level", list(PROFILES))
def test_a_profile_shows_themes_figures_trend_rank_targets_and_a_map(
    page: Page, server: str, page_log: PageLog, level: str
) -> None:
    code = PROFILES[level]
    _open(page, server, code)
    headings = page.locator("section.theme h2").all_inner_texts()
    for theme in THEMES:
        assert any(h.startswith(theme) for h in headings), (theme, headings)
    for slug in ("jumlah-penduduk", "prevalensi-stunting", "persen-air-minum-layak"):
        card = page.locator(f'.figure-card[data-indicator="{slug}"]')
        expect(card).to_be_visible()
        expect(card.locator(".figure-value")).to_contain_text(re.compile(r"\d"))
    stunting = page.locator('.figure-card[data-indicator="prevalensi-stunting"]')
    expect(stunting.locator("svg.spark")).to_be_visible()
    expect(stunting.locator(".change")).to_contain_text(re.compile(r"(naik|turun) dari [\d.,]+ \(\d{4}\)"))
    if level != "kabupaten":  # the only kabupaten with figures has no peers to rank against
        expect(stunting.locator(".rank")).to_contain_text(re.compile(r"peringkat \d+ dari \d+"))
        expect(stunting.locator(".rank")).to_contain_text("makin rendah makin baik")
    else:
        expect(stunting.locator(".computed")).to_contain_text("dihitung dari")
    target = page.locator('.target[data-indicator$="prevalensi-stunting"]')
    expect(target).to_contain_text(re.compile(r"tercapai|belum tercapai"))
    expect(target.locator("a.target-source")).to_have_attribute("href", re.compile(r"^https://"))
    expect(target.locator("a.target-source")).to_contain_text("Peraturan Presiden Nomor 72 Tahun 2021")
    expect(page.locator('.target[data-indicator$="/status-idm"]')).to_contain_text(re.compile(r"desa|Status"))
    # The map: polygons drawn from the page itself, each with its code; nothing fetched outside.
    assert page.locator("#region-map path[data-kode]").count() > 1
    expect(page.locator("details.raw").first).not_to_have_attribute("open", "")
    page.set_viewport_size({"width": 1366, "height": 900})  # the common office laptop
    screenshot(page, f"profile-{level}-desktop")


@pytest.mark.parametrize("level", list(PROFILES))
def test_a_profile_fits_a_phone(phone: Page, server: str, level: str) -> None:
    _open(phone, server, PROFILES[level])
    height = phone.evaluate("document.documentElement.scrollHeight")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert height < PHONE_HEIGHT_LIMIT, height
    assert width <= 360, width
    screenshot(phone, f"profile-{level}-phone")


def test_the_kecamatan_children_table_sorts(page: Page, server: str) -> None:
    _open(page, server, PROFILES["kecamatan"])
    table = page.locator("table.children")
    rows = table.locator("tbody tr")
    assert rows.count() > 5
    population = table.locator("thead th", has_text="Jumlah penduduk")

    def column() -> list[float]:
        index = table.locator("thead th").all_inner_texts().index(population.inner_text())
        cells = rows.locator(f"td:nth-child({index + 1})")
        return [float(c.get_attribute("data-sort") or "nan") for c in cells.all()]

    sort_by(page, population)
    first = column()
    assert first in (sorted(first), sorted(first, reverse=True)) and first != list(reversed(first))
    sort_by(page, population)
    assert column() == list(reversed(first))


@pytest.mark.parametrize(("level", "question", "shows"), [
    ("desa", "village-profile", "Padang Ratu"),
    ("kecamatan", "village-ranking", "Padang Ratu"),  # a desa of Kecamatan Gedong Tataan
])  # fmt: skip
def test_question_links_carry_the_region_and_answer_for_it(
    page: Page, server: str, level: str, question: str, shows: str
) -> None:
    code = PROFILES[level]
    _open(page, server, code)
    link = page.locator(f'.question-links a[data-question="{question}"]')
    expect(link).to_have_attribute("href", re.compile(rf"region={re.escape(code)}$"))
    for other in page.locator(".question-links a").all():
        assert f"={code}" in (other.get_attribute("href") or "")
    link.click()
    expect(page.locator("#answer-table")).to_contain_text(shows)
