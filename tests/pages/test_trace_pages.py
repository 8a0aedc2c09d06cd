"""The trace and load-history links open pages, not raw JSON, in Chromium (docs/pages.md)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.pages.conftest import screenshot


def test_a_findings_trace_link_opens_the_chain_of_its_figure(page: Page, server: str) -> None:
    page.goto(f"{server}/coherence")
    link = page.locator("a.trace-link").first
    href = link.get_attribute("href")
    assert href and href.startswith("/provenance?iri=")
    link.click()
    page.wait_for_url(re.compile(r"/provenance\?iri="))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jejak")
    trace = httpx.get(page.url, timeout=30).json()  # the same URL, asked by a program
    steps = page.locator("ol.trace-chain > li").evaluate_all("items => items.map(i => i.dataset.step)")
    assert steps == ["value", "observation", "dataset", "source", "load", "validation", "publication"]
    source = page.locator('li[data-step="source"]')
    expect(source).to_contain_text(trace["source"]["file"]["name"])
    expect(source).to_contain_text(trace["source"]["file"]["sha256"])
    expect(source.locator(".source-row")).to_have_text(str(trace["source"]["row_number"]))
    expect(source.locator(".source-column")).to_have_text(trace["source"]["column"])
    expect(page.locator('li[data-step="load"]')).to_contain_text(trace["load"]["mapping_name"])
    expect(page.locator('li[data-step="load"]')).to_contain_text("WIB")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "trace")

    # From the figure to its dataset's load history: a page too.
    page.locator("a.history-link").click()
    page.wait_for_url(re.compile(r"/loads\?dataset="))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riwayat pemuatan")
    history = httpx.get(page.url, timeout=30).json()
    rows = page.locator("table.loads tbody tr")
    expect(rows).to_have_count(history["total"])
    expect(rows.first.locator("td.outcome")).to_contain_text("Diterbitkan")
    # Its trace link leads back to a page: the load's own chain.
    rows.first.locator("a.trace-link").click()
    page.wait_for_url(re.compile(r"/provenance\?iri=.*pemuatan"))
    expect(page.locator('li[data-step="load"]')).to_contain_text(history["loads"][0]["file_name"])


def test_the_load_history_link_opens_a_page_of_every_load(page: Page, server: str) -> None:
    page.goto(f"{server}/coherence")
    page.locator("a.trace-link").first.click()
    page.locator("a.all-loads").click()
    page.wait_for_url(f"{server}/loads")
    every = httpx.get(f"{server}/loads", timeout=30).json()
    expect(page.locator("table.loads tbody tr")).to_have_count(every["count"])
    datasets = set(page.locator("table.loads tbody tr").evaluate_all("rs => rs.map(r => r.dataset.dataset)"))
    assert datasets == {a["dataset_id"] for a in every["loads"]}


def test_the_trace_page_reads_on_a_phone(phone: Page, server: str) -> None:
    phone.goto(f"{server}/coherence")
    phone.goto(server + (phone.locator("a.trace-link").first.get_attribute("href") or ""))
    expect(phone.locator('li[data-step="source"]')).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "trace-phone")
