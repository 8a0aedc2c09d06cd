"""Every kind of page on a phone (360 px) and a laptop, in Chromium.

On a phone no page scrolls sideways: a table too wide for the screen scrolls inside its own
box, its first column (the region, the name) stays in view, and its numbers come into view
when the box is scrolled. At either width no word, code or number is broken across lines
("18.09.04.2001", "Penyandingan", "1.234,5"): a long IRI may wrap only at ``/`` or ``.``.

``PAGES`` lists one address of each kind of page; a new kind of page belongs here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from api.app import create_app
from graph.publish.platform import Platform
from graph.settings import load_settings
from tests.conftest import write_small_table
from tests.pages.conftest import screenshot
from tests.servers import running_server

PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    ("sign-in", "/masuk"),
    ("questions", "/questions"),
    ("question-village-ranking", "/questions/village-ranking?region=18.09.02"),  # desa rows
    ("question-stunting-water", "/questions/stunting-vs-safe-water"),
    ("question-indicator-by-desa", "/questions/indicator-by-region?indicator=prevalensi-stunting&level=desa"),
    ("question-village-profile", "/questions/village-profile"),
    ("insight", "/insight"),
    (
        "insight-correlate",
        "/insight/correlate?x=prevalensi-stunting&y=persen-air-minum-layak&level=desa&period=2023",
    ),
    ("insight-discover", "/insight/discover?level=kecamatan&min_n=12"),
    ("map", "/map?indicator=prevalensi-stunting&level=desa&period=2023"),
    ("coherence", "/coherence"),
    ("sparql", "/sparql"),
    ("desa", "/id/wilayah/18.09.01.2001"),
    ("kecamatan", "/id/wilayah/18.09.04"),
    ("kabupaten", "/id/wilayah/18.09"),
    ("indicator", "/id/indikator/prevalensi-stunting"),
    ("dataset", "/id/dataset/dinkes-stunting-desa"),
    ("observation", "/id/observasi/dinkes-stunting-desa/18.09.03.2010/2022/balita-stunting"),
    ("catalog", "/catalog"),
    ("vocabulary", "/def"),
    ("vocabulary-term", "/def/nameEdition2022"),
    ("named-graph", "/graph/periode"),
]

# Per visible table in <main>: is its box on screen, is its first column in view at the start,
# and are the first column and the last (a number, as a rule) in view once the box is scrolled
# to its end? A table is scrolled by its nearest ancestor (or itself) that scrolls sideways.
TABLE_PROBLEMS = """() => {
  const width = window.innerWidth, problems = [];
  const inView = el => { const r = el.getBoundingClientRect(); return r.left >= -1 && r.right <= width + 1; };
  const scroller = table => {
    for (let el = table; el && el !== document.body; el = el.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) return el;
    }
    return null;
  };
  const tables = [...document.querySelectorAll('main table')].filter(t => t.getClientRects().length);
  tables.forEach((table, i) => {
    const name = `table ${i} (${table.id || table.className || 'no class'})`;
    const row = [...table.querySelectorAll('tbody tr')].find(r => r.cells.length > 1);
    if (!row) return;
    const first = row.cells[0], last = row.cells[row.cells.length - 1];
    const box = scroller(table);
    if (!box && !(inView(first) && inView(last))) { problems.push(`${name}: too wide and scrolls nowhere`); return; }
    if (box && !inView(box)) problems.push(`${name}: its box is off screen`);
    if (!inView(first)) problems.push(`${name}: first column off screen`);
    if (box) {
      box.scrollLeft = box.scrollWidth;
      if (!inView(first)) problems.push(`${name}: first column leaves the screen when scrolled`);
      const end = last.getBoundingClientRect().right;  // a long text cell may be wider than the screen
      if (end > width + 1) problems.push(`${name}: last column not reachable by scrolling its box`);
      box.scrollLeft = 0;
    }
  });
  return {problems, tables: tables.length};
}"""

# Every word, code or number in a table ("18.09.04.2001", "1.234,5", "Penyandingan") must sit
# on one line: a Range over it has one box. Text hidden for screen readers only is skipped.
BROKEN_WORDS = """() => {
  const broken = [], token = /[\\p{L}\\p{N}]+(?:[.,][\\p{L}\\p{N}]+)*/gu;
  let checked = 0;
  for (const table of document.querySelectorAll('main table')) {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const m of node.data.matchAll(token)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0);
        if (!boxes.length) continue;
        checked++;
        const lines = new Set(boxes.map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return {broken: [...new Set(broken)].slice(0, 20), checked};
}"""


# Pages other teams are still building: checked once they answer a browser with a page.
NOT_YET_PAGES = {"/catalog"}


def served_as_html(server: str, path: str) -> bool:
    response = httpx.get(server + path, headers={"accept": "text/html"}, timeout=60)
    return response.status_code == 200 and response.headers["content-type"].startswith("text/html")


def open_settled(page: Page, server: str, path: str) -> None:
    if path in NOT_YET_PAGES and not served_as_html(server, path):
        pytest.skip(f"{path} is not an HTML page yet")
    response = page.goto(server + path)
    assert response is not None and response.ok, path
    page.wait_for_load_state("networkidle")  # charts and the map draw after load


def evaluate(page: Page, script: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(script)
    return result


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_at_phone_width_no_page_scrolls_sideways_and_tables_keep_their_numbers_in_reach(
    phone: Page, server: str, name: str, path: str
) -> None:
    open_settled(phone, server, path)
    assert_fits_a_phone(phone, path)
    screenshot(phone, f"phone-{name}")


def assert_fits_a_phone(phone: Page, path: str) -> None:
    scroll, inner = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{path}: the page scrolls sideways ({scroll} px in {inner} px)"
    tables = evaluate(phone, TABLE_PROBLEMS)
    assert not tables["problems"], f"{path}: {tables['problems']}"
    words = evaluate(phone, BROKEN_WORDS)
    assert not words["broken"], f"{path}: words broken across lines on a phone: {words['broken']}"


@pytest.fixture(scope="module")
def audit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """/audit is on only with an audit log: a fresh small table loaded with one, served."""
    folder = tmp_path_factory.mktemp("audit-phone")
    platform = Platform(load_settings(store_path=":memory:", audit_path=str(folder / "audit.jsonl")))
    platform.load_reference()
    assert platform.load(write_small_table(folder, [str(1000 + i) for i in range(20)])).outcome == "published"
    with running_server(create_app(platform.settings, platform.store), "uvicorn-audit") as base:
        yield base
    platform.close()


def test_the_audit_page_fits_a_phone(browser: Browser, audit_server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    phone = context.new_page()
    outside: list[str] = []
    phone.on("request", lambda r: None if r.url.startswith(audit_server) else outside.append(r.url))
    try:
        open_settled(phone, audit_server, "/audit")
        assert phone.locator("main table tbody tr").count() > 0  # the latest entries are listed
        assert_fits_a_phone(phone, "/audit")
        screenshot(phone, "phone-audit")
    finally:
        context.close()
    assert not outside, outside


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_on_a_laptop_no_word_code_or_number_in_a_table_is_broken(
    page: Page, server: str, name: str, path: str
) -> None:
    open_settled(page, server, path)
    words = evaluate(page, BROKEN_WORDS)
    assert not words["broken"], f"{path}: words broken across lines: {words['broken']}"
    if name in ("home", "kecamatan", "question-village-ranking"):
        screenshot(page, f"desktop-{name}")


LINES_OF = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("width", [1366, 800])
def test_a_desa_code_and_a_long_desa_name_stay_on_one_line(page: Page, server: str, width: int) -> None:
    # The ranking of the desa of a kecamatan: a column of codes and a column of names, each
    # narrow enough that "anywhere" breaking used to split them ("18.09.04.201 / 1").
    page.set_viewport_size({"width": width, "height": 900})
    open_settled(page, server, "/questions/village-ranking?region=18.09.04")
    cells = page.locator("#answer-table tbody td")
    texts = [t.strip() for t in cells.all_inner_texts()]
    codes = [i for i, t in enumerate(texts) if re.fullmatch(r"18\.09\.04\.\d{4}", t)]
    names = [i for i, t in enumerate(texts) if re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", t)]
    assert len(codes) >= 5, texts[:12]
    longest = max(names, key=lambda i: len(texts[i]))
    assert len(texts[longest]) >= 10, [texts[i] for i in names]
    for i in codes:
        assert cells.nth(i).evaluate(LINES_OF) == 1, texts[i]
    # A name wraps between its words at most, never inside one.
    assert cells.nth(longest).evaluate(LINES_OF) <= len(texts[longest].split()), texts[longest]
