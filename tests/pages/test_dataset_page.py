"""A dataset's page for people (``/id/dataset/<id>`` in a browser), in Chromium.

Every figure the page states is checked against another way in to the same store: the
catalogue's JSON listing, the downloads, ``/loads``, the shipped boundaries. A table loaded
by the test (never seen by the page's code before) and a restricted dataset (its public
card only: no files, loads, regions or downloads) are opened in their own instances.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from graph.insight.boundaries import load_boundaries
from graph.publish.platform import Platform
from tests.api.test_ingest import Instance, running_instance
from tests.conftest import write_small_table
from tests.pages.conftest import PageLog, screenshot
from tests.servers import running_server

DATASET = "dinkes-stunting-desa"
DATE_TIME = re.compile(
    r"\b\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) "
    r"\d{4}, \d{2}\.\d{2} WIB\b"
)
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def entry_of(server: str, dataset: str) -> dict[str, Any]:
    listing = httpx.get(f"{server}/catalog.json").json()
    found: dict[str, Any] = next(d for d in listing["datasets"] if d["id"] == dataset)
    return found


def standard_rows(server: str, dataset: str) -> list[dict[str, str]]:
    body = httpx.get(f"{server}/catalog/{dataset}.csv").text
    return list(csv.DictReader(io.StringIO(body)))


def open_dataset(page: Page, base: str, dataset: str) -> None:
    page.goto(f"{base}/id/dataset/{dataset}")
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-ready='true']", state="attached")


def fact(page: Page, name: str) -> str:
    return page.locator(f"#fakta-{name}").inner_text()


def filled_codes(page: Page) -> dict[str, str]:
    """Region code -> the fill Leaflet gave its polygon."""
    found: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#map path[data-kode]')]
             .map(p => [p.getAttribute('data-kode'), p.getAttribute('fill')]))"""
    )
    return found


def test_the_page_says_what_it_holds_who_makes_it_and_how_fresh_it_is(
    page: Page, server: str, page_log: PageLog
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    open_dataset(page, server, DATASET)
    entry = entry_of(server, DATASET)
    rows = standard_rows(server, DATASET)
    expect(page.locator("h1")).to_contain_text(entry["title"]["id"])
    assert entry["publisher"]["name"]["id"] in fact(page, "instansi")
    assert "Produsen Data" in fact(page, "instansi")  # its Satu Data role
    assert "Tahunan" in fact(page, "frekuensi")
    assert entry["freshness"]["label"]["id"] in fact(page, "kemutakhiran")
    periods = sorted({r["period"] for r in rows})
    assert fact(page, "periode") == f"{periods[0]} – {periods[-1]}"
    # Counts as the Indonesian write them (2.208), the same as the rows of the download.
    assert fact(page, "observasi") == f"{len(rows):,}".replace(",", ".")
    regions = {r["region_code"] for r in rows}
    assert fact(page, "wilayah").startswith(f"{len(regions)}")
    assert DATE_TIME.search(fact(page, "terbit")), fact(page, "terbit")
    # Every indicator with its unit; the dimensions.
    for indicator in entry["indicators"]:
        row = page.locator(f"ul.indicators li[data-indikator='{indicator['iri'].rsplit('/', 1)[-1]}']")
        expect(row).to_contain_text(indicator["label"]["id"])
        expect(row).to_contain_text(indicator["unit"]["label"]["id"])
    # The raw triples and incoming links are folded away, the RDF one click from the top.
    assert page.locator("details.raw-triples").get_attribute("open") is None
    assert not page.locator("details.raw-triples table.properties").is_visible()
    turtle = page.locator("header .formats a[type='text/turtle']").get_attribute("href")
    assert turtle and httpx.get(server + turtle).headers["content-type"].startswith("text/turtle")
    screenshot(page, "dataset-desktop")


def test_the_coverage_map_colours_exactly_the_desa_with_figures(
    page: Page, server: str, page_log: PageLog, demo: tuple[Platform, Any]
) -> None:
    open_dataset(page, server, DATASET)
    settings = demo[0].settings
    boundaries = load_boundaries(settings.ontology_path / "codes", settings.home_region, "desa")
    assert boundaries is not None
    with_figures = {r["region_code"] for r in standard_rows(server, DATASET) if r["region_level"] == "desa"}
    fills = filled_codes(page)
    assert set(fills) == set(boundaries.codes)  # every desa is drawn
    coloured = {code for code, fill in fills.items() if fill != "url(#tanpa-data)"}
    assert coloured == with_figures & set(boundaries.codes)
    assert coloured, "the stunting table has figures for desa on the map"
    text = page.locator("#cakupan-ringkas").inner_text()
    assert text.startswith(f"{len(coloured)} dari {len(boundaries.codes)} desa")
    # A desa with figures but no polygon is named in the list, not lost.
    listed = set(
        page.locator("table.regions tr[data-kode]").evaluate_all("rs => rs.map(r => r.dataset.kode)")
    )
    assert listed == {r["region_code"] for r in standard_rows(server, DATASET)}


def test_the_excel_csv_comes_first_with_semicolons_and_decimal_commas(
    page: Page, server: str, page_log: PageLog
) -> None:
    open_dataset(page, server, DATASET)
    links = page.locator("ul.downloads a")
    expect(links.first).to_contain_text("CSV untuk Excel")
    with page.expect_download() as info:
        links.first.click()
    body = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    header, *lines = body.splitlines()
    assert header.split(";")[:2] == ["Kode wilayah", "Nama wilayah"]
    prevalences = [line.split(";") for line in lines if ";prevalensi-stunting;" in line]
    assert prevalences and any(re.fullmatch(r"\d+,\d+", cells[-3]) for cells in prevalences)
    assert not any(re.fullmatch(r"\d+\.\d+", cells[-3]) for cells in prevalences)
    # Then the CSV for programs, then the version graph.
    hrefs = links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))")
    assert hrefs == [
        f"/catalog/{DATASET}.csv?_dialect=excel",
        f"/catalog/{DATASET}.csv",
        f"/catalog/{DATASET}.ttl",
    ]


def test_source_files_loads_and_coherence_are_linked(page: Page, server: str, page_log: PageLog) -> None:
    open_dataset(page, server, DATASET)
    loads = httpx.get(f"{server}/loads.json", params={"dataset": DATASET}).json()["loads"]
    published = next(a for a in loads if a["outcome"] == "published")
    row = page.locator("table.loads tr.load").first
    expect(row).to_contain_text(published["file_name"])
    assert row.locator("code.hash").get_attribute("title") == published["file_sha256"]
    assert DATE_TIME.search(row.inner_text())
    history = page.locator("#riwayat-pemuatan").get_attribute("href")
    assert history == f"/loads?dataset={DATASET}"
    coherence = page.locator("#tautan-koherensi").get_attribute("href")
    assert coherence == "/coherence?agency=dinkes"
    report = httpx.get(f"{server}/coherence.json", params={"agency": "dinkes"}).json()
    warnings = [f for f in report["findings"] if f.get("dataset_id", f.get("dataset", "")).endswith(DATASET)]
    summary = page.locator("#koherensi-ringkas").inner_text()
    assert ("peringatan" in summary) == bool(warnings) or "Tidak ada temuan" in summary


def test_the_page_on_a_phone(phone: Page, server: str, page_log: PageLog) -> None:
    open_dataset(phone, server, DATASET)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px)"
    expect(phone.locator("ul.downloads a").first).to_be_visible()
    screenshot(phone, "dataset-phone")


# --- a table the page has never seen, and a restricted dataset --------------------------------


@pytest.fixture
def fresh(platform: Platform, tmp_path: Path) -> Iterator[str]:
    """A platform with one small table of ten desa, served; yields the base URL."""
    mapping = write_small_table(tmp_path, [str(500 + 7 * i) for i in range(10)])
    assert platform.load(mapping).outcome == "published"
    with running_server(create_app(platform.settings, platform.store), "uvicorn-fresh") as base:
        yield base


def test_a_fresh_table_gets_its_page_and_map(browser: Browser, fresh: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(fresh) else None)
    try:
        open_dataset(page, fresh, "uji-penduduk")
        expect(page.locator("h1")).to_contain_text("Penduduk uji")
        assert fact(page, "observasi") == "10"
        coloured = {code for code, fill in filled_codes(page).items() if fill != "url(#tanpa-data)"}
        assert coloured == {f"18.09.01.20{i:02d}" for i in range(1, 11)}
        assert page.locator("table.loads tr.load").first.inner_text().count("penduduk.csv") == 1
    finally:
        context.close()
    assert not outside


@pytest.fixture(scope="module")
def restricted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, str]]:
    """The upload tests' instance (one open, one restricted dataset), served."""
    with running_instance(tmp_path_factory.mktemp("terbatas-halaman")) as inst:
        app = create_app(inst.platform.settings, inst.platform.store)
        with running_server(app, "uvicorn-terbatas") as base:
            yield inst, base


def test_a_restricted_dataset_shows_its_card_only(browser: Browser, restricted: tuple[Instance, str]) -> None:
    inst, base = restricted
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    try:
        open_dataset(page, base, "uji-kpm-terbatas")
        expect(page.locator("h1")).to_contain_text("KPM PKH uji")
        expect(page.locator(".restricted-note")).to_be_visible()
        assert "Tahunan" in fact(page, "frekuensi")
        for hidden in (
            "table.loads",
            "ul.downloads",
            "#map",
            "table.regions",
            "#riwayat-pemuatan",
            "#fakta-observasi",
        ):
            assert page.locator(hidden).count() == 0, hidden
        body = page.content()
        assert "kpm.csv" not in body and not re.search(r"\b[0-9a-f]{64}\b", body)
        # The open dataset of the same instance shows its file.
        open_dataset(page, base, "uji-penduduk")
        expect(page.locator("table.loads")).to_contain_text("penduduk.csv")
        # The catalogue lists the restricted one as its card.
        page.goto(f"{base}/catalog")
        item = page.locator("li.catalog-item[data-dataset='uji-kpm-terbatas']")
        assert item.get_attribute("data-access") == "terbatas"
        expect(item.locator(".restricted-note")).to_be_visible()
        assert item.locator("ul.downloads").count() == 0
        assert page.locator("li.catalog-item[data-dataset='uji-penduduk'] ul.downloads a").count() == 3
    finally:
        context.close()
    coverage = httpx.get(f"{base}/catalog/uji-kpm-terbatas/coverage.geojson")
    assert coverage.status_code == 404
    assert "kpm.csv" not in httpx.get(f"{base}/id/dataset/uji-kpm-terbatas", headers=BROWSER).text
