"""Indonesian throughout, in Chromium: what a reader sees once the English beside it is taken away.

On the home page, /audit, /coherence and a dataset page the Indonesian text holds no ISO
timestamp and no English-only severity or audit kind; times are written in Jakarta time
("6 Desember 2026, 09.04 WIB"); the sortable tables' spoken labels are Indonesian first; a
number field takes "22,5" as an Indonesian types it and answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from graph.publish.platform import Platform
from graph.settings import load_settings
from tests.conftest import write_small_table
from tests.pages.conftest import PageLog, screenshot
from tests.servers import running_server

# The page's text without what is there for English readers (lang="en"), scripts and hidden text.
INDONESIAN_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[lang=en], script, style, template, [hidden], .visually-hidden')
      .forEach(e => e.remove());
  return body.innerText;
}"""
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?")
# English words a page used to show alone, with the Indonesian that must stand before them.
ENGLISH_ONLY = {
    "violation": "pelanggaran",
    "warning": "peringatan",
    "validation": "validasi",
    "publication": "penerbitan",
    "link-decisions": "penautan",
    "load": "pemuatan",
    "rejection": "penolakan",
    "upload": "unggahan",
}
MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
JAKARTA_TIME = re.compile(rf"^\d{{1,2}} ({MONTHS}) \d{{4}}, \d{{2}}\.\d{{2}} WIB$")


def indonesian_text(page: Page) -> str:
    return str(page.evaluate(INDONESIAN_TEXT))


def assert_indonesian(page: Page, where: str) -> None:
    text = indonesian_text(page)
    assert not ISO_MOMENT.findall(text), f"{where}: ISO dates shown to people: {ISO_MOMENT.findall(text)[:5]}"
    for line in text.splitlines():
        for english, indonesian in ENGLISH_ONLY.items():
            if re.search(rf"\b{english}\b", line, re.I):
                assert indonesian in line.lower(), f"{where}: English-only {english!r} in {line.strip()!r}"


def assert_jakarta_times(page: Page, where: str) -> int:
    """Every <time> with a moment in it shows that moment in Jakarta (UTC+7, no daylight saving)."""
    checked = 0
    for moment, shown in page.locator("time[datetime*='T']").evaluate_all(
        "ts => ts.map(t => [t.getAttribute('datetime'), t.textContent.trim()])"
    ):
        at = datetime.fromisoformat(moment)
        at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC) + timedelta(hours=7)
        assert JAKARTA_TIME.match(shown), f"{where}: {shown!r} for {moment}"
        assert shown.startswith(f"{at.day} ") and shown.endswith(f"{at:%H.%M} WIB"), (where, moment, shown)
        checked += 1
    return checked


def test_home_coherence_and_a_dataset_page_speak_indonesian(page: Page, server: str) -> None:
    for path in ("/", "/coherence", "/id/dataset/dinkes-stunting-desa", "/questions/stale-datasets"):
        page.goto(f"{server}{path}")
        assert_indonesian(page, path)
    page.goto(f"{server}/coherence")
    assert assert_jakarta_times(page, "/coherence") >= 7  # one report per published dataset
    text = indonesian_text(page)
    # The finding messages write figures the Indonesian way, rounded: never 117.98941798...
    assert "42.943" in text and "117,99" in text
    messages = page.locator("td[data-label^='Pesan'] p[lang=id]").all_inner_texts()
    long_or_ungrouped = re.compile(r"(?<![\d.,])(\d+[.,]\d{4,}|\d{5,})(?![\d.,])")  # not a dotted code
    assert messages and not [m for m in messages if long_or_ungrouped.search(m)]
    # People read names, not slugs: the agency's name and the other dataset's title.
    teluk_pandan = page.locator("table.findings-table tbody tr").filter(has_text="Proyeksi penduduk (42.943)")
    expect(teluk_pandan).to_contain_text("Badan Pusat Statistik")
    expect(teluk_pandan.locator(".compared-with")).not_to_contain_text("disdukcapil-penduduk-desa")
    # A validation result's own page names its severity in Indonesian, not as sh:Warning.
    findings = httpx.get(f"{server}/coherence.json", timeout=30).json()["findings"]
    warning = next(f for f in findings if f["severity"] == "warning")
    page.goto(server + "/id/" + warning["result"].split("/id/", 1)[1])
    assert_indonesian(page, "a validation result")
    assert "sh:Warning" not in indonesian_text(page)
    expect(page.locator("table.properties")).to_contain_text("Peringatan")
    page.goto(f"{server}/")
    freshness = indonesian_text(page)
    assert re.search(rf"Per \d{{1,2}} ({MONTHS}) \d{{4}}\.", freshness), "the home page's 'as of' day"


def test_sortable_headings_are_labelled_in_indonesian_first(page: Page, server: str) -> None:
    page.goto(f"{server}/coherence")
    heading = page.locator("table.findings-table thead th").first
    expect(heading).to_have_attribute(
        "aria-label", re.compile(r"^Klik untuk mengurutkan tabel menurut .+ / Click")
    )
    label = heading.get_attribute("aria-label") or ""
    assert "secara turun" in label or "secara naik" in label
    heading.click()
    page.wait_for_timeout(200)
    after = heading.get_attribute("aria-label") or ""
    assert after.startswith("Klik untuk mengurutkan") and after != label  # the next order, named again


@pytest.fixture(scope="module")
def audit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh instance with an audit chain: one small table (not a demo dataset) loaded."""
    folder = tmp_path_factory.mktemp("audit-pages")
    settings = load_settings(store_path=":memory:", audit_path=str(folder / "audit" / "chain.jsonl"))
    platform = Platform(settings)
    platform.load_reference()
    assert platform.load(write_small_table(folder, [str(1000 + i) for i in range(20)])).outcome == "published"
    with running_server(create_app(platform.settings, platform.store), "uvicorn-audit-pages") as base:
        yield base
    platform.close()


def test_the_audit_page_names_kinds_and_times_in_indonesian(browser: Browser, audit_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    try:
        page = context.new_page()
        page.goto(f"{audit_server}/audit")
        assert_indonesian(page, "/audit")
        assert assert_jakarta_times(page, "/audit") >= 3
        kinds = page.locator("td[data-kind]")
        shown = dict(
            zip(kinds.evaluate_all("cs => cs.map(c => c.dataset.kind)"), kinds.all_inner_texts(), strict=True)
        )
        assert {"load", "validation", "publication"} <= set(shown)
        assert shown["load"].startswith("Pemuatan") and shown["publication"].startswith("Penerbitan")
        assert shown["validation"].startswith("Validasi")
        expect(page.locator("table.data thead")).to_contain_text("Waktu (WIB)")
        # The dataset an entry is about is named by its title, linked to its page, not as an IRI.
        publication = page.locator("table.data tbody tr").filter(
            has=page.locator("td[data-kind=publication]")
        )
        expect(publication.first.get_by_role("link", name="Penduduk uji")).to_have_attribute(
            "href", "/id/dataset/uji-penduduk"
        )
        screenshot(page, "audit-indonesia")
    finally:
        context.close()


def test_a_number_field_takes_a_decimal_comma(page: Page, server: str, page_log: PageLog) -> None:
    page.goto(f"{server}/questions/stunting-water-priority-villages")
    field = page.locator("#p-min_stunting_pct")
    expect(field).to_have_attribute("inputmode", "decimal")
    field.fill("22,5")
    page.get_by_role("button", name="Tampilkan / Show").click()
    page.wait_for_url("**min_stunting_pct=22%2C5**")
    assert parse_qs(urlsplit(page.url).query)["min_stunting_pct"] == ["22,5"]
    expect(page.locator("[role=alert]")).to_have_count(0)
    expect(page.locator("#p-min_stunting_pct")).to_have_value("22,5")
    # The same answer as the API gives for the dot decimal.
    dot = httpx.get(
        f"{server}/questions/stunting-water-priority-villages",
        params={"min_stunting_pct": "22.5"},
        timeout=30,
    ).json()
    assert dot["rows"], "the demo has villages over 22.5 % stunting"
    expect(page.locator("#row-count")).to_contain_text(f"{len(dot['rows'])} baris")
    screenshot(page, "pertanyaan-desimal-koma")
    # A thousands dot and a decimal comma: read as 1234.5, so refused as outside 0–100.
    field = page.locator("#p-min_stunting_pct")
    field.fill("1.234,5")
    page.get_by_role("button", name="Tampilkan / Show").click()
    page.wait_for_url("**min_stunting_pct=1.234%2C5**")
    expect(page.locator("[role=alert]")).to_contain_text("di luar rentang")
    expect(page.locator("#p-min_stunting_pct")).to_have_value("1.234,5")  # as typed, to correct
    reported = [e for e in page_log.errors if "status of 400" in e]  # Chromium logs the refusal
    assert len(reported) == 1, page_log.errors
    page_log.errors.remove(reported[0])


def test_the_discovery_form_takes_a_decimal_comma(page: Page, server: str) -> None:
    page.goto(f"{server}/insight")
    fdr = page.locator("#f-fdr")
    expect(fdr).to_have_value("0,05")
    fdr.fill("0,1")
    page.locator("form[action$='/insight/discover'] button[type=submit]").click()
    page.wait_for_url("**/insight/discover?*")
    assert parse_qs(urlsplit(page.url).query)["fdr"] == ["0,1"]
    expect(page.locator("#h-wawasan")).to_be_visible()
    expect(page.locator("#f-fdr")).to_have_value("0,1")
