"""The *Peta* page of a categorical indicator in Chromium: each desa filled with its category's colour,
the legend in rank order with Indonesian and English labels and counts, on a laptop and a phone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from graph.publish.platform import Platform
from tests.category_table import COUNTS, EXPECTED
from tests.pages.conftest import PageLog, _open_page, screenshot
from tests.servers import running_server

URL = "/map?indicator=status-idm&level=desa&sumber=uji-status-idm"  # the test table, not the real IDM


@pytest.fixture(scope="module")
def status_server(status_demo: Platform) -> Iterator[str]:
    """A real uvicorn server on the demo graph with the status table published."""
    app = create_app(status_demo.settings, status_demo.store)
    with running_server(app, "uvicorn-categories") as base:
        yield base


@contextmanager
def opened(browser: Browser, server: str, width: int, height: int) -> Iterator[Page]:
    yield from _open_page(browser, server, PageLog(), width=width, height=height)


def _check(page: Page) -> None:
    page.wait_for_selector("#map[data-ready='true']", state="attached")
    items = page.locator("#legenda li[data-kategori]")
    expect(items).to_have_count(len(COUNTS))
    assert [items.nth(i).get_attribute("data-kategori") for i in range(len(COUNTS))] == [c for c, _ in COUNTS]
    expect(items.first).to_contain_text("Sangat Tertinggal")
    expect(items.first).to_contain_text("Very underdeveloped")
    expect(items.first).to_contain_text("(2 desa)")
    expect(page.locator("#legenda")).to_contain_text("tanpa data")
    # Each desa with a status is filled with its category's legend colour; the blank one is hatched.
    swatches = page.evaluate(
        "() => [...document.querySelectorAll('#legenda li[data-kategori]')]"
        ".map(li => [li.dataset.kategori, li.querySelector('.swatch').style.backgroundColor])"
    )
    fills = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#map path[data-kode]')]"
        ".map(p => [p.getAttribute('data-kode'), p.getAttribute('fill')]))"
    )
    assert len(swatches) == len(COUNTS)
    colours = {code: fill for code, fill in fills.items() if code in EXPECTED}
    assert len(colours) == len(EXPECTED) and fills["18.09.01.2004"] == "url(#tanpa-data)"
    assert colours["18.09.01.2002"] == colours["18.09.03.2001"] != colours["18.09.01.2001"]


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 900, "laptop"), (360, 740, "phone")])
def test_the_category_map_and_its_legend(
    browser: Browser, status_server: str, width: int, height: int, name: str
) -> None:
    with opened(browser, status_server, width, height) as page:
        page.goto(f"{status_server}{URL}")
        _check(page)
        legend = page.locator(".legend-box")
        box = legend.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        screenshot(page, f"map-status-idm-{name}")
