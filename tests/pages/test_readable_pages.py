"""Pages read as people expect, in Chromium: the CSV a person downloads opens in Indonesian
Excel, questions come by theme with the cross-agency ones first, chart axes of counts and
percentages start at zero and name their unit, and a correlation with a count says that
counts grow with population (docs/pages.md)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.pages.conftest import screenshot

STUNTING_WATER = {"stunting-vs-safe-water", "stunting-water-priority-villages"}


def downloaded(page: Page, link_selector: str) -> str:
    """Click a download link; the file's text (BOM kept as U+FEFF)."""
    with page.expect_download() as download:
        page.locator(link_selector).first.click()
    return Path(download.value.path()).read_bytes().decode("utf-8")


def test_the_first_csv_link_is_for_indonesian_excel_semicolons_and_decimal_commas(
    page: Page, server: str
) -> None:
    page.goto(f"{server}/questions/indicator-trend")
    links = page.locator("ul.actions a[type='text/csv']")
    expect(links.first).to_contain_text("CSV (Excel Indonesia)")
    expect(links.nth(1)).to_contain_text("CSV (standar)")
    excel = downloaded(page, "#download-csv")
    assert excel.startswith("\ufeff")
    header, *rows = excel.lstrip("\ufeff").splitlines()
    assert ";" in header and "," not in header
    values = [row.split(";")[1] for row in rows]  # the prevalence per year: 20,9 …
    assert any(re.fullmatch(r"\d+,\d+", v) for v in values) and not any("." in v for v in values), values
    standard = downloaded(page, "#download-csv-standard")
    assert not standard.startswith("\ufeff") and "," in standard.splitlines()[0]

    # The home page offers each dataset the same way, Excel first.
    page.goto(server)
    first_link = page.locator("a.csv-excel").first
    expect(first_link).to_have_text("CSV (Excel Indonesia)")
    text = downloaded(page, "a.csv-excel")
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]


def test_the_map_and_the_correlation_offer_the_excel_csv_first(page: Page, server: str) -> None:
    page.goto(f"{server}/map?indicator=prevalensi-stunting&level=desa&period=2024")
    expect(page.locator("#download-map-csv")).to_contain_text("CSV (Excel Indonesia)")
    text = downloaded(page, "#download-map-csv")
    assert text.startswith("\ufeff")
    rows = [r.split(";") for r in text.lstrip("\ufeff").splitlines()[1:]]
    assert any(re.fullmatch(r"\d+,\d", r[5]) for r in rows), rows[:3]
    page.goto(f"{server}/insight/correlate?x=prevalensi-stunting&y=persen-air-minum-layak&level=desa")
    links = page.locator("#h-unduh + ul.actions a")
    expect(links.first).to_contain_text("CSV (Excel Indonesia)")
    expect(links.nth(1)).to_contain_text("CSV (standar)")
    assert ";" in downloaded(page, "#download-csv").splitlines()[0]


def test_questions_come_by_theme_with_the_stunting_and_water_questions_in_the_first_group(
    page: Page, server: str
) -> None:
    page.goto(f"{server}/questions")
    groups = page.locator("section.theme-group")
    first = groups.first
    expect(first.get_by_role("heading", level=2)).to_have_text("Lintas instansi / Cross-agency")
    ids = first.locator("li[data-question]").evaluate_all("items => items.map(i => i.dataset.question)")
    assert STUNTING_WATER <= set(ids[:4]), ids
    # Every question of the first group joins more than one agency; the JSON says each one's theme.
    catalogue = {q["id"]: q for q in httpx.get(f"{server}/questions", timeout=30).json()["questions"]}
    for qid in ids:
        expect(first.locator(f'li[data-question="{qid}"] .question-facts dd').first).to_contain_text("×")
    themes = groups.evaluate_all("gs => gs.map(g => g.dataset.theme)")
    assert len(themes) == len(set(themes))  # no group twice
    # The others sit under their own theme, by Indonesian title.
    for g in range(1, groups.count()):
        members = groups.nth(g).locator("li[data-question]")
        in_group = members.evaluate_all("items => items.map(i => i.dataset.question)")
        assert {catalogue[q]["theme"] for q in in_group} == {themes[g]}
        titles = groups.nth(g).locator("h3 a").all_inner_texts()
        assert titles == sorted(titles, key=str.casefold), titles
    assert page.locator(".question-list h3 a").count() == len(catalogue)
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "questions-by-theme")


def test_questions_by_theme_on_a_phone(phone: Page, server: str) -> None:
    phone.goto(f"{server}/questions")
    expect(phone.locator("section.theme-group").first).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "questions-by-theme-phone")


def test_a_trend_charts_y_axis_starts_at_zero_and_names_its_unit(page: Page, server: str) -> None:
    for indicator, unit in (("prevalensi-stunting", "Persen (%)"), ("jumlah-penduduk", "Jiwa")):
        page.goto(f"{server}/questions/indicator-trend?indicator={indicator}&region=18.09")
        y = page.evaluate(
            "() => { const s = Chart.getChart(document.getElementById('chart')).scales.y;"
            " return {min: s.min, title: s.options.title.text}; }"
        )
        assert y["min"] == 0, (indicator, y)
        assert y["title"].endswith(unit), y
    # An index (IDM, 0–1) keeps its own range: zero would flatten it.
    page.goto(f"{server}/questions/village-ranking?indicator=nilai-idm&region=18.09.01&period=2024")
    idm = page.evaluate("() => Chart.getChart(document.getElementById('chart')).scales.y.min")
    assert idm > 0


def test_the_correlation_scatter_starts_at_zero_on_both_axes(page: Page, server: str) -> None:
    page.goto(f"{server}/insight/correlate?x=persen-air-minum-layak&y=prevalensi-stunting&level=desa")
    scales = page.evaluate(
        "() => { const c = Chart.getChart(document.getElementById('insight-chart'));"
        " return [c.scales.x.min, c.scales.y.min, c.scales.x.options.title.text]; }"
    )
    assert scales[:2] == [0, 0] and scales[2].endswith("(%)"), scales


def test_the_count_caveat_appears_for_a_count_and_not_for_two_rates(page: Page, server: str) -> None:
    page.goto(f"{server}/insight/correlate?x=prevalensi-stunting&y=persen-air-minum-layak&level=desa")
    expect(page.locator(".summary")).to_be_visible()
    expect(page.locator("#count-caveat")).to_have_count(0)

    # A count with a rate declared on it (oc:numerator): the caveat suggests the rate.
    page.goto(f"{server}/insight/correlate?x=balita-stunting&y=persen-air-minum-layak&level=desa")
    caveat = page.locator("#count-caveat")
    expect(caveat).to_contain_text("ikut bertambah dengan jumlah penduduk")
    expect(caveat).to_contain_text("grow with a region's population")
    caveat.locator("a.rate-link").click()
    page.wait_for_url(re.compile(r"x=prevalensi-stunting"))
    expect(page.locator("#count-caveat")).to_have_count(0)

    # A count nobody declared a rate for (KPM PKH families): the caveat, no suggestion.
    page.goto(f"{server}/insight/correlate?x=kpm-pkh&y=prevalensi-stunting&level=desa")
    expect(page.locator("#count-caveat")).to_contain_text("cacah")
    expect(page.locator("#count-caveat a.rate-link")).to_have_count(0)
