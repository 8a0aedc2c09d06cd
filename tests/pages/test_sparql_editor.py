"""The SPARQL editor in Chromium: highlighting, Run, results, errors, examples, downloads."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot, sort_by


def editor_text(page: Page) -> str:
    text: str = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")
    return text


def set_editor_text(page: Page, text: str) -> None:
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)", text)


def expected_400(page_log: PageLog) -> None:
    """Chromium reports every 400 answer on the console; here the 400 is the point."""
    reported = [e for e in page_log.errors if "status of 400" in e]
    assert len(reported) == 1, page_log.errors
    page_log.errors.remove(reported[0])


def test_the_editor_highlights_a_prefilled_query_and_runs_it(page: Page, server: str) -> None:
    page.goto(f"{server}/sparql")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Editor SPARQL")
    expect(page.locator(".CodeMirror")).to_be_visible()
    text = editor_text(page)
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in text
    assert "PREFIX wilayah: <https://data.pesawarankab.go.id/id/wilayah/>" in text
    assert page.locator(".CodeMirror .cm-keyword").count() > 3  # SELECT, WHERE, PREFIX… highlighted
    page.get_by_role("button", name="Jalankan / Run").click()
    table = page.locator("#results-table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 11  # the eleven kecamatan
    expect(page.locator("#query-status")).to_contain_text("11 baris")
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["wilayah", "kode", "nama"]
    # Own IRIs link to their pages here, not to the canonical host.
    expect(table.locator("tbody tr").first.get_by_role("link")).to_have_attribute(
        "href", "/id/wilayah/18.09.01"
    )
    expect(page.locator("#query-truncated")).to_be_hidden()
    # A result column sorts on a click on its heading.
    sort_by(page, table.locator("thead th").nth(2))
    names = table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert names == page.evaluate("n => [...n].sort((a, b) => b.localeCompare(a))", names)
    assert names[0] > names[-1]


def test_a_bad_query_shows_where_the_parser_stopped(page: Page, server: str, page_log: PageLog) -> None:
    page.goto(f"{server}/sparql")
    set_editor_text(page, "SELECT ?x WHERE {\n  ?x ?p }")
    page.locator(".CodeMirror textarea, .CodeMirror [contenteditable]").first.focus()
    page.keyboard.press("Control+Enter")  # the keyboard runs it too
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("baris 2 kolom 10")
    expect(alert).to_contain_text("line 2, column 10")
    expect(alert.locator("pre")).to_contain_text("  ?x ?p }\n         ^")
    assert page.locator("#results-table").count() == 0
    cursor = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getCursor()")
    assert (cursor["line"], cursor["ch"]) == (1, 9)  # the editor's cursor is put where it stopped
    expected_400(page_log)


def test_an_example_from_the_catalogue_loads_with_its_defaults_and_answers_like_the_question(
    page: Page, server: str
) -> None:
    page.goto(f"{server}/sparql")
    page.get_by_label("Contoh dari katalog pertanyaan").select_option("population-density")
    page.get_by_role("button", name="Muat contoh / Load example").click()
    page.wait_for_url("**/sparql?question=population-density")
    text = editor_text(page)
    assert text.startswith("# Kepadatan penduduk per kecamatan") and "#   period = 2024" in text
    page.get_by_role("button", name="Jalankan / Run").click()
    expect(page.locator("#results-table")).to_be_visible()
    answer = httpx.get(f"{server}/questions/population-density.json", timeout=30).json()
    assert page.locator("#results-table tbody tr").count() == answer["row_count"]
    headers = page.locator("#results-table thead th").all_inner_texts()
    assert headers == [c["name"] for c in answer["columns"]]
    # Numbers are shown the Indonesian way and sorted by value.
    first = page.locator("#results-table tbody tr").first.locator("td").nth(3)
    expect(first).to_have_text("97,06")
    expect(first).to_have_attribute("data-sort", "97.06")
    year = page.locator("#results-table tbody tr").first.locator("td").nth(4)
    expect(year).to_have_text("2024")


def test_text_arrives_by_q_and_ask_and_construct_are_shown(page: Page, server: str) -> None:
    page.goto(f"{server}/sparql?q={quote('ASK { ?s ?p ?o }')}")
    assert editor_text(page) == "ASK { ?s ?p ?o }"
    page.get_by_role("button", name="Jalankan / Run").click()
    expect(page.locator("#ask-answer")).to_have_text("Ya / true")
    set_editor_text(page, "CONSTRUCT WHERE { ?s <http://www.w3.org/2004/02/skos/core#notation> ?o } LIMIT 2")
    page.get_by_role("button", name="Jalankan / Run").click()
    expect(page.locator(".graph-result")).to_contain_text("skos:notation")


def test_a_cut_answer_says_so(page: Page, server: str) -> None:
    page.goto(f"{server}/sparql")
    set_editor_text(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    page.get_by_role("button", name="Jalankan / Run").click()
    expect(page.locator("#query-truncated")).to_be_visible(timeout=30_000)
    expect(page.locator("#query-truncated")).to_contain_text("dipotong")
    assert page.locator("#results-table tbody tr").count() == 10_000


def test_results_download_as_csv(page: Page, server: str) -> None:
    page.goto(f"{server}/sparql")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh CSV / Download CSV").click()
    path = download.value.path()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "wilayah,kode,nama" and len(lines) == 12
    expect(page.locator(".CodeMirror")).to_be_visible()  # still on the editor


def test_the_editor_fits_a_phone_and_a_question_runs_there(phone: Page, server: str) -> None:
    phone.goto(f"{server}/questions/village-ranking?region=18.09.02")
    rows = httpx.get(f"{server}/questions/village-ranking.json?region=18.09.02", timeout=30).json()[
        "row_count"
    ]
    phone.get_by_role("link", name="Tampilkan SPARQL / Show the SPARQL").click()
    phone.wait_for_url("**/sparql?question=village-ranking**")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the editor is {width}px wide on a 360px screen"
    phone.get_by_role("button", name="Jalankan / Run").click()
    expect(phone.locator("#results-table tbody tr")).to_have_count(rows)
    screenshot(phone, "sparql-ponsel")


def test_screenshot_of_the_editor_with_results(page: Page, server: str) -> None:
    page.goto(f"{server}/sparql?question=stunting-vs-safe-water&region=18.09.05")
    page.get_by_role("button", name="Jalankan / Run").click()
    expect(page.locator("#results-table tbody tr")).to_have_count(12)
    screenshot(page, "sparql")
