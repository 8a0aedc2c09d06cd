"""The *Peta* page in Chromium: Leaflet draws every polygon, the legend, tooltips, clicks, the form."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot

STUNTING_DESA = "/map?indicator=prevalensi-stunting&level=desa&period=2023"


def open_map(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#map[data-ready='true']", state="attached")


def a_point_inside_a_polygon(page: Page) -> dict[str, Any]:
    """A point on the page where a polygon of the map is the topmost element, and its region code."""
    found: dict[str, Any] | None = page.evaluate(
        """() => {
          const box = document.getElementById('map').getBoundingClientRect();
          for (const path of document.querySelectorAll('#map path.leaflet-interactive')) {
            const r = path.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (x < box.left + 60 || y < box.top + 10 || y > box.bottom - 30) continue;  // clear of controls
            if (document.elementFromPoint(x, y) === path) {
              return {x: x, y: y, kode: path.getAttribute('data-kode')};
            }
          }
          return null;
        }"""
    )
    assert found is not None, "no polygon's centre is inside the polygon itself"
    return found


def test_every_desa_polygon_is_drawn_with_a_legend(page: Page, server: str, page_log: PageLog) -> None:
    open_map(page, f"{server}{STUNTING_DESA}")
    paths = page.evaluate("() => document.querySelectorAll('.leaflet-interactive').length")
    assert paths == 144
    assert not [u for u in page_log.requests if "tile" in u]  # boundaries only, no tiles
    assert any("/map/data.geojson?" in u for u in page_log.requests)
    fills = page.evaluate(
        "() => [...document.querySelectorAll('#map path')].map(p => p.getAttribute('fill'))"
    )
    assert fills.count("url(#tanpa-data)") == 1  # Rusaba, hatched
    assert len(set(fills) - {"url(#tanpa-data)"}) == 5
    rusaba = page.locator("#map path[data-kode='18.09.06.2005']")
    expect(rusaba).to_have_attribute("fill", "url(#tanpa-data)")
    legend = page.locator("#legenda li")
    expect(legend).to_have_count(6)
    expect(legend.first).to_contain_text("7,8 – 12,7 %")
    expect(legend.last).to_contain_text("tanpa data")
    # The map fills its box: the polygons span nearly its height or its width (fitBounds).
    spread = page.evaluate(
        """() => {
          const box = document.getElementById('map').getBoundingClientRect();
          const all = [...document.querySelectorAll('#map path')].map(p => p.getBoundingClientRect());
          const span = (lo, hi) => Math.max(...all.map(r => r[hi])) - Math.min(...all.map(r => r[lo]));
          return Math.max(span('top', 'bottom') / box.height, span('left', 'right') / box.width);
        }"""
    )
    assert spread > 0.85
    expect(page.locator(".without-polygon li")).to_have_count(4)
    expect(page.locator(".without-polygon")).to_contain_text("Pujodadi")
    expect(page.locator("#values-table tbody tr")).to_have_count(148)
    screenshot(page, "peta")


def test_hovering_shows_the_region_and_value_and_a_click_opens_its_page(page: Page, server: str) -> None:
    open_map(page, f"{server}{STUNTING_DESA}")
    page.locator("#map").scroll_into_view_if_needed()
    point = a_point_inside_a_polygon(page)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    name = page.locator(f"#values-table a[href='/id/wilayah/{point['kode']}']").inner_text()
    expect(tooltip).to_have_text(re.compile(rf"^{re.escape(name)}: (\d+(,\d+)? %|tanpa data / no data)$"))
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/id/wilayah/{point['kode']}")
    expect(page.locator("h1")).to_contain_text(name)


def test_the_form_switches_to_kecamatan_with_a_shareable_url(page: Page, server: str) -> None:
    open_map(page, f"{server}{STUNTING_DESA}")
    page.get_by_label("Tingkat").select_option("kecamatan")
    page.get_by_role("button", name=re.compile("Tampilkan")).click()
    page.wait_for_url(re.compile(r"/map\?indicator=prevalensi-stunting&level=kecamatan&period=2023$"))
    page.wait_for_selector("#map[data-ready='true']", state="attached")
    assert page.evaluate("() => document.querySelectorAll('.leaflet-interactive').length") == 11
    expect(page.locator("#values-table tbody tr")).to_have_count(11)
    expect(page.locator("h2#h-peta")).to_contain_text("per kecamatan, 2023")
    # The address is the map: opening it again draws the same.
    page.goto(page.url)
    page.wait_for_selector("#map[data-ready='true']", state="attached")
    assert page.evaluate("() => document.querySelectorAll('.leaflet-interactive').length") == 11


def test_the_map_fits_a_phone(phone: Page, server: str) -> None:
    open_map(phone, f"{server}{STUNTING_DESA}")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    box = phone.locator("#map").bounding_box()
    assert box is not None and box["width"] <= 360 and box["height"] > 200
    assert phone.evaluate("() => document.querySelectorAll('.leaflet-interactive').length") == 144
