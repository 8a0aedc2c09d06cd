"""The vocabulary's page (``/def`` in a browser), in Chromium: ``oc:`` links land on their term.

A linked-data page (an indicator's) links its ``oc:`` terms to ``/def#…``; following one opens the
vocabulary's page scrolled to that term's entry, whose labels, domain and range are the ones
the published ontology graph states. Nothing is fetched from outside the app.
"""

from __future__ import annotations

import pyoxigraph as ox
from playwright.sync_api import Page, expect

from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.namespaces import OC, PREFIXES
from tests.pages.conftest import screenshot

RDFS = PREFIXES["rdfs"]


def _label(platform: Platform, term: str, language: str) -> str:
    found = platform.store.query(
        f'SELECT ?l WHERE {{ <{OC}{term}> <{RDFS}label> ?l FILTER(LANG(?l) = "{language}") }}',
        default_graph=[platform.iris.ontology_graph],
    )
    assert isinstance(found, ox.QuerySolutions)
    return str(next(iter(found))["l"].value)


def test_an_oc_link_on_an_indicator_page_opens_the_term_on_the_vocabulary_page(
    page: Page, server: str, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    page.goto(f"{server}/id/indikator/prevalensi-stunting")
    link = page.locator('a[href^="/def#"]:visible').first
    href = link.get_attribute("href")
    assert href is not None
    term = href.removeprefix("/def#")
    link.click()
    page.wait_for_url(f"{server}/def#{term}")
    entry = page.locator(f'section.term[id="{term}"]')
    expect(entry).to_be_in_viewport()
    expect(entry.locator("h3")).to_contain_text(_label(platform, term, "id"))
    expect(entry.locator("h3")).to_contain_text(_label(platform, term, "en"))
    screenshot(page, "vocabulary-term-anchor")


def test_a_term_page_links_its_domain_and_range_back_to_their_entries(page: Page, server: str) -> None:
    page.goto(f"{server}/def/observationCount")
    expect(page.locator("h1")).to_contain_text("oc:observationCount")
    page.locator("dd.domain a").first.click()
    page.wait_for_url(f"{server}/def/Load")
    expect(page.locator("h1")).to_contain_text("oc:Load")
