"""Impossible values in Chromium: 104,2 % of households with safe water (Hanura 2023, data/README.md
C8) is visibly marked wherever it is shown — a question's table and chart, the map, a correlation.

The bounds come from the vocabulary (the unit persen declares oc:minValue 0, oc:maxValue 100),
as the coherence rule NilaiDalamBatas reads them; no page hard-codes 100.
"""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

from tests.pages.conftest import screenshot

HANURA = "18.09.10.2004"
MARK = "nilai mustahil"


def hanura_row(page: Page, table: str) -> Locator:
    return page.locator(f"{table} tbody tr").filter(has=page.locator(f'a[href="/id/wilayah/{HANURA}"]'))


def test_a_question_marks_the_impossible_value_and_leaves_its_bar_out(page: Page, server: str) -> None:
    page.goto(
        f"{server}/questions/village-ranking?region=18.09.10&indicator=persen-air-minum-layak&period=2023"
    )
    row = hanura_row(page, "#answer-table")
    expect(row).to_have_count(1)
    cell = row.locator("td.impossible")
    expect(cell).to_be_visible()
    expect(cell).to_contain_text("104,2")
    expect(cell.locator(".impossible-value")).to_be_visible()
    expect(cell.locator(".impossible-value")).to_contain_text(MARK)
    # Only that value: the other villages' shares lie within 0–100.
    expect(page.locator("#answer-table .impossible-value")).to_have_count(1)
    # The bar chart leaves it out and says so under the chart.
    expect(page.locator("figure.chart figcaption")).to_contain_text("1 nilai mustahil tidak digambar")
    chart = json.loads(page.locator("#chart-data").text_content() or "{}")
    bars = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
    assert bars["Hanura"] is None and all(v is not None for k, v in bars.items() if k != "Hanura")
    screenshot(page, "nilai-mustahil-pertanyaan")


def test_the_map_marks_the_impossible_value_in_its_table_and_above_the_map(page: Page, server: str) -> None:
    page.goto(f"{server}/map?indicator=persen-air-minum-layak&level=desa&period=2023")
    note = page.locator(".impossible-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(MARK)
    expect(note).to_contain_text(f"Hanura ({HANURA}): 104,2")
    cell = hanura_row(page, "#values-table").locator("td.impossible")
    expect(cell).to_contain_text("104,2")
    expect(cell.locator(".impossible-value")).to_be_visible()
    expect(page.locator("#values-table .impossible-value")).to_have_count(1)
    # On the map itself: its region outlined in red, and its tooltip says it too.
    page.wait_for_selector("#map[data-ready='true']", state="attached")
    region = page.locator(f'#map path[data-kode="{HANURA}"]')
    expect(region).to_have_attribute("stroke", "#b2182b")
    expect(page.locator("#map path.impossible-region")).to_have_count(1)
    region.hover(force=True)
    expect(page.locator(".leaflet-tooltip")).to_contain_text("nilai mustahil")
    screenshot(page, "nilai-mustahil-peta")


def test_a_correlation_marks_the_impossible_value_in_its_joined_table(page: Page, server: str) -> None:
    page.goto(
        f"{server}/insight/correlate?x=prevalensi-stunting&y=persen-air-minum-layak&level=desa&period=2023"
    )
    cell = hanura_row(page, "#joined-table").locator("td.impossible")
    expect(cell).to_have_count(1)
    expect(cell).to_contain_text("104,2")
    expect(cell.locator(".impossible-value")).to_be_visible()
    expect(page.locator("ul.outliers")).to_contain_text(MARK)
    # The scatter draws it as a red cross, and its caption says what the cross means.
    expect(page.locator("figure.scatter figcaption .impossible-caption")).to_contain_text(MARK)
    points = json.loads(page.locator("#insight-data").text_content() or "{}")["points"]
    assert [p["label"] for p in points if p["impossible"]] == ["Hanura"]
    page.wait_for_function("() => Chart.getChart('insight-chart') !== undefined")
    styles = page.evaluate(
        """() => {
          const d = Chart.getChart('insight-chart').data.datasets[0];
          return d.data.map((p, i) => [p.label, d.pointStyle[i]]).filter(([, s]) => s === 'crossRot');
        }"""
    )
    assert styles == [["Hanura", "crossRot"]]
    screenshot(page, "nilai-mustahil-korelasi")
