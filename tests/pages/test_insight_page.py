"""The *Wawasan* page in Chromium: the form, the scatter plot, outliers, the table, discovered pairs."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot

HANURA = "18.09.10.2004"


def correlate_from_the_form(page: Page, server: str) -> None:
    page.goto(f"{server}/insight")
    page.get_by_label("Indikator X").select_option("prevalensi-stunting")
    page.get_by_label("Indikator Y").select_option("persen-air-minum-layak")
    page.locator("#f-level").select_option("desa")
    page.locator("#f-period").select_option("2023")
    page.get_by_role("button", name=re.compile("Hitung")).click()
    page.wait_for_url(re.compile(r"/insight/correlate\?"))
    page.wait_for_function("() => document.getElementById('insight-chart').dataset.ready === 'true'")


def test_the_form_gives_the_correlation_in_words_and_a_scatter_plot(page: Page, server: str) -> None:
    correlate_from_the_form(page, server)
    assert "x=prevalensi-stunting" in page.url and "y=persen-air-minum-layak" in page.url
    assert "level=desa" in page.url and "period=2023" in page.url
    headline = page.locator(".summary .headline").inner_text()
    assert "r = −0,71" in headline and "n = 147" in headline and "p < 0,001" in headline
    assert "Hubungan negatif kuat" in headline
    expect(page.locator(".caveat").first).to_contain_text("bukan sebab-akibat")
    # What Chart.js drew: 147 points and a two-point line, on a canvas that has a size.
    drawn = page.evaluate(
        """() => {
          const chart = Chart.getChart('insight-chart');
          return {
            datasets: chart.data.datasets.map(d => [d.type, d.data.length]),
            points: chart.getDatasetMeta(0).data.filter(e => !e.skip).length,
            line: chart.getDatasetMeta(1).data.length,
            width: chart.width, height: chart.height,
          };
        }"""
    )
    assert drawn["datasets"] == [["scatter", 147], ["line", 2]]
    assert drawn["points"] == 147 and drawn["line"] == 2
    assert drawn["width"] > 300 and drawn["height"] > 200
    expect(page.locator("#joined-table tbody tr")).to_have_count(147)
    screenshot(page, "wawasan")


def test_the_outlier_is_named_and_its_link_and_its_point_open_the_region(page: Page, server: str) -> None:
    correlate_from_the_form(page, server)
    outlier = page.locator(".outliers li").filter(has_text="Hanura")
    expect(outlier).to_contain_text("jauh di atas garis")
    expect(page.locator(".outliers li")).to_have_count(1)
    outlier.get_by_role("link", name="Hanura").click()
    page.wait_for_url(f"**/id/wilayah/{HANURA}")
    expect(page.locator("h1")).to_contain_text("Hanura")
    page.go_back()
    page.wait_for_function("() => document.getElementById('insight-chart').dataset.ready === 'true'")
    # Clicking Hanura's triangle on the chart opens the same page.
    page.locator("#insight-chart").scroll_into_view_if_needed()
    box = page.locator("#insight-chart").bounding_box()
    assert box is not None
    where = page.evaluate(
        """() => {
          const chart = Chart.getChart('insight-chart');
          const i = chart.data.datasets[0].data.findIndex(p => p.label === 'Hanura');
          const e = chart.getDatasetMeta(0).data[i];
          return {x: e.x, y: e.y};
        }"""
    )
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    page.wait_for_url(f"**/id/wilayah/{HANURA}")


def test_the_joined_table_sorts_by_number(page: Page, server: str) -> None:
    correlate_from_the_form(page, server)
    header = page.locator("#joined-table thead th").filter(has_text="Y:")
    header.click()
    expect(page.locator("#joined-table tbody tr").first).to_contain_text("Hanura")  # 104,2: the highest
    header.click()
    expect(page.locator("#joined-table tbody tr").first).not_to_contain_text("Hanura")
    header.focus()
    page.keyboard.press("Enter")  # the accessible build sorts from the keyboard too
    expect(page.locator("#joined-table tbody tr").first).to_contain_text("Hanura")


def test_the_discovered_pairs_list_q_values_and_open_their_correlation(page: Page, server: str) -> None:
    page.goto(f"{server}/insight")
    rows = page.locator("#pairs-table tbody tr")
    assert rows.count() >= 20
    q_values = page.locator("#pairs-table td.q-value").all_inner_texts()
    assert q_values and all(re.fullmatch(r"< 0,001|\d,\d{3}", q.strip()) for q in q_values)
    first = page.locator("ol.wawasan li").first
    statement = first.inner_text()
    assert statement.startswith("2024: Desa dengan") and "q < 0,001" in statement
    first.get_by_role("link", name=re.compile("Lihat diagram")).click()
    page.wait_for_url(re.compile(r"/insight/correlate\?.*level=desa.*period=2024"))
    expect(page.locator(".summary .headline")).to_contain_text("Hubungan")
    page.goto(f"{server}/insight/discover?level=kecamatan&min_n=12")
    expect(page.locator("#pairs-table .small-n").first).to_be_visible()


def test_a_bad_choice_shows_the_form_with_an_error(page: Page, server: str, page_log: PageLog) -> None:
    page.goto(f"{server}/insight")
    page.get_by_label("Indikator X").select_option("prevalensi-stunting")
    page.get_by_label("Indikator Y").select_option("prevalensi-stunting")
    response_status: list[int] = []
    page.on("response", lambda r: response_status.append(r.status) if "/insight/correlate" in r.url else None)
    page.get_by_role("button", name=re.compile("Hitung")).click()
    page.wait_for_url(re.compile(r"/insight/correlate\?"))
    expect(page.get_by_role("alert")).to_contain_text("must differ from x")
    assert response_status == [400]
    expect(page.locator("#f-y")).to_have_attribute("aria-invalid", "true")
    # Chromium logs every 4xx page load as a console error; this one is the answer under test.
    expected = "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert page_log.errors == [expected]
    page_log.errors.clear()


def test_the_correlation_page_fits_a_phone(phone: Page, server: str) -> None:
    phone.goto(
        f"{server}/insight/correlate?x=prevalensi-stunting&y=persen-air-minum-layak&level=desa&period=2023"
    )
    phone.wait_for_function("() => document.getElementById('insight-chart').dataset.ready === 'true'")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    assert phone.locator("#insight-chart").bounding_box()["width"] <= 360  # type: ignore[index]
