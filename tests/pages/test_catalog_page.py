"""The catalogue for people (``/catalog`` in a browser) in Chromium, and its negotiation over HTTP.

A browser gets a page listing every published dataset grouped by agency; a client sending
no ``Accept``, ``*/*`` or an RDF or JSON type gets the DCAT catalogue exactly as before.
The page's entries are checked against the JSON listing and the downloads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def listing(server: str) -> list[dict[str, Any]]:
    datasets: list[dict[str, Any]] = httpx.get(f"{server}/catalog.json").json()["datasets"]
    return datasets


def test_the_menu_opens_a_page_listing_every_dataset_by_agency(
    page: Page, server: str, page_log: PageLog
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server + "/")
    page.get_by_role("navigation").get_by_role("link", name=re.compile("^Katalog")).click()
    page.wait_for_url(f"{server}/catalog")
    expect(page.locator("h1")).to_contain_text("Katalog data")
    datasets = listing(server)
    items = page.locator("li.catalog-item")
    assert items.count() == len(datasets) > 0
    for d in datasets:
        item = page.locator(f"li.catalog-item[data-dataset='{d['id']}']")
        expect(item.locator("h3")).to_contain_text(d["title"]["id"])
        # Under its agency's heading.
        group = item.locator("xpath=ancestor::section[contains(@class, 'catalog-group')]/h2")
        expect(group).to_contain_text(d["publisher"]["name"]["id"])
        expect(item).to_contain_text(d["freshness"]["label"]["id"])
        first, last = d["temporal"]["first_period"], d["temporal"]["last_period"]
        expect(item.locator("dd.periods")).to_have_text(first if first == last else f"{first} – {last}")
        assert item.get_attribute("data-access") == d["access_rights"]["level"]
        assert item.locator("a.dataset-link").get_attribute("href") == f"/id/dataset/{d['id']}"
        downloads = item.locator("ul.downloads a").evaluate_all("ls => ls.map(l => l.getAttribute('href'))")
        assert downloads[0] == f"/catalog/{d['id']}.csv?_dialect=excel"  # Excel first
        assert {u.split("?")[0] for u in downloads} == {
            dist["url"].removeprefix(server) for dist in d["distributions"]
        }
    screenshot(page, "catalog-desktop")


def test_the_machine_forms_are_linked_from_the_page(page: Page, server: str, page_log: PageLog) -> None:
    page.goto(f"{server}/catalog")
    links = page.locator("#format-katalog a")
    expected = {
        "/catalog.ttl": "text/turtle",
        "/catalog.jsonld": "application/ld+json",
        "/catalog.rdf": "application/rdf+xml",
        "/catalog.json": "application/json",
    }
    hrefs = links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))")
    assert hrefs == list(expected)
    for href, media_type in expected.items():
        assert httpx.get(server + href).headers["content-type"].startswith(media_type)


def test_the_excel_link_of_an_entry_downloads_a_semicolon_csv(
    page: Page, server: str, page_log: PageLog
) -> None:
    page.goto(f"{server}/catalog")
    link = page.locator("li.catalog-item[data-dataset='dinkes-stunting-desa'] ul.downloads a").first
    with page.expect_download() as info:
        link.click()
    body = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    header = body.splitlines()[0]
    assert header.startswith("Kode wilayah;Nama wilayah;")
    assert re.search(r";\d+,\d+;", body), "a prevalence with a decimal comma"


def test_the_catalogue_on_a_phone(phone: Page, server: str, page_log: PageLog) -> None:
    phone.goto(f"{server}/catalog")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px)"
    screenshot(phone, "catalog-phone")


# --- negotiation over HTTP -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
        (BROWSER, "text/html"),
        ("text/html", "text/html"),
        ("application/xhtml+xml", "text/html"),
    ],
)
def test_catalog_negotiation(server: str, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    with httpx.Client() as client:
        client.headers.pop("accept", None)  # "no Accept" means none at all
        response = client.get(f"{server}/catalog", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]


def _triples(body: bytes, fmt: ox.RdfFormat) -> tuple[int, set[str]]:
    """How many triples, and those without blank nodes (their labels change per request)."""
    triples = list(ox.parse(body, format=fmt))
    named = {str(t) for t in triples if "_:" not in str(t)}
    return len(triples), named


def test_machines_get_the_same_catalogue_as_before(server: str) -> None:
    """The RDF by negotiation is the RDF of the extension routes (unchanged by the page)."""
    with httpx.Client() as client:
        client.headers.pop("accept", None)
        plain = client.get(f"{server}/catalog").content
    assert _triples(plain, ox.RdfFormat.TURTLE) == _triples(
        httpx.get(f"{server}/catalog.ttl").content, ox.RdfFormat.TURTLE
    )
    rdfxml = httpx.get(f"{server}/catalog", headers={"Accept": "application/rdf+xml"}).content
    assert _triples(rdfxml, ox.RdfFormat.RDF_XML) == _triples(
        httpx.get(f"{server}/catalog.rdf").content, ox.RdfFormat.RDF_XML
    )
    assert b"<html" not in plain and b"<html" not in rdfxml
