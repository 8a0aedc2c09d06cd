"""``/provenance`` and ``/loads`` have two faces: a browser gets a page, every other client
exactly the JSON, Turtle, JSON-LD or CSV it got before (docs/pages.md, docs/audit.md)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def figure(client: TestClient) -> str:
    """A published figure a validation finding is about (it has a whole chain)."""
    findings = client.get("/coherence.json").json()["findings"]
    focus: str = next(f["focus"] for f in findings if "/observasi/" in f["focus"])
    return focus


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
def test_json_clients_still_get_the_trace_and_the_load_history_as_json(
    client: TestClient, figure: str, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    trace = client.get("/provenance", params={"iri": figure}, headers=headers)
    assert trace.status_code == 200 and trace.headers["content-type"] == "application/json"
    assert trace.json()["kind"] == "observation" and trace.json()["source"]["row_number"]
    loads = client.get("/loads", headers=headers)
    assert loads.status_code == 200 and loads.headers["content-type"] == "application/json"
    assert loads.json()["loads"]
    assert client.get("/loads", headers={"Accept": "text/csv"}).headers["content-type"].startswith("text/csv")
    assert client.get("/provenance.json", params={"iri": figure}, headers={"Accept": BROWSER}).json()["ok"]


def test_a_browser_gets_the_trace_page_with_the_chain_of_the_json(client: TestClient, figure: str) -> None:
    body = client.get("/provenance", params={"iri": figure}).json()
    page = client.get("/provenance", params={"iri": figure}, headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    html = page.text
    for step in ("value", "observation", "dataset", "source", "load", "validation", "publication"):
        assert f'data-step="{step}"' in html, step
    source = body["source"]
    assert source["file"]["name"] in html and source["file"]["sha256"] in html
    assert f'<dd class="source-row">{source["row_number"]}</dd>' in html
    assert body["load"]["mapping_name"] in html
    assert f"dataset={body['dataset']['id']}" in html  # the dataset's load history is one click away


def test_a_browser_gets_the_load_history_page_in_indonesian(client: TestClient) -> None:
    loads = client.get("/loads").json()["loads"]
    dataset = loads[-1]["dataset_id"]
    page = client.get("/loads", params={"dataset": dataset}, headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    rows = page.text.count("<tr data-outcome=")
    assert rows == client.get("/loads", params={"dataset": dataset}).json()["total"] >= 1
    assert "Diterbitkan" in page.text and " WIB" in page.text  # outcome and Jakarta time, in Indonesian


def test_an_unknown_iri_or_filter_is_refused_on_the_page_as_in_the_json(client: TestClient) -> None:
    unknown = "https://data.pesawarankab.go.id/id/observasi/tidak-ada/1/2024/x"
    assert client.get("/provenance", params={"iri": unknown}, headers={"Accept": BROWSER}).status_code == 404
    assert client.get("/provenance", params={"iri": unknown}).status_code == 404
    refused = client.get("/loads", params={"outcome": "lenyap"}, headers={"Accept": BROWSER})
    assert refused.status_code == client.get("/loads", params={"outcome": "lenyap"}).status_code == 400
