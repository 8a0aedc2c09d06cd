"""The HTML face of ``/questions`` and ``/sparql``, in process: negotiation, the form, errors,
and what the pages carry (numbers, links, chart data, the SPARQL shown)."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(client: TestClient, url: str, status: int = 200, **params: str) -> str:
    response = client.get(url, params=params, headers=BROWSER)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    return str(response.text)


def select(html: str, name: str) -> str:
    found = re.search(rf'<select id="p-{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select for {name}"
    return found.group(1)


def selected(html: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', select(html, name))


def script_json(html: str, element_id: str) -> Any:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert found, element_id
    return json.loads(found.group(1))


def textarea(html: str) -> str:
    found = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', html, re.S)
    assert found
    return unescape(found.group(1))


# --- negotiation --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.9"])
def test_clients_that_do_not_prefer_html_get_the_json_they_always_got(
    client: TestClient, accept: str | None
) -> None:
    headers = {"accept": accept} if accept else {}
    listed = client.get("/questions", headers=headers)
    assert listed.headers["content-type"] == "application/json" and listed.json()["ok"] is True
    assert "Accept" in listed.headers["vary"]  # the URL is negotiated: caches must know
    answered = client.get("/questions/village-ranking", params={"region": "18.09.02"}, headers=headers)
    assert answered.headers["content-type"] == "application/json"
    same = client.get("/questions/village-ranking.json", params={"region": "18.09.02"}, headers=BROWSER)
    assert answered.json() == same.json()  # .json is JSON even for a browser


def test_a_browser_gets_the_list_page_linking_every_question(client: TestClient) -> None:
    html = page(client, "/questions")
    catalogue = client.get("/questions").json()["questions"]
    for question in catalogue:
        assert f'href="/questions/{question["id"]}"' in html
        assert question["title"]["en"] in unescape(html)
    assert '<a href="/id/organisasi/dinkes">Dinas Kesehatan</a> × <a href="/id/organisasi/dpupr">' in html
    assert 'aria-current="page">Pertanyaan' in html  # the navigation marks the section


def test_the_sparql_endpoint_shows_the_editor_only_to_browsers_without_a_query(client: TestClient) -> None:
    html = page(client, "/sparql")
    assert '<textarea id="query" name="query"' in html and "codemirror.js" in html
    assert client.get("/sparql").headers["content-type"].startswith("text/turtle")
    assert client.get("/sparql", headers={"accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    described = client.get("/sparql", params={"format": "ntriples"}, headers=BROWSER)
    assert described.headers["content-type"].startswith("application/n-triples")
    # A browser that sends a query still gets results, as the protocol says.
    results = client.get("/sparql", params={"query": "ASK {}"}, headers=BROWSER)
    assert results.headers["content-type"] == "application/sparql-results+json"


# --- the question page ----------------------------------------------------------------------


def test_the_form_has_a_labelled_control_per_parameter_with_the_defaults_selected(client: TestClient) -> None:
    html = page(client, "/questions/stunting-water-priority-villages")
    assert '<form class="params" method="get" action="/questions/stunting-water-priority-villages">' in html
    for name in ("region", "period", "min_stunting_pct", "max_safe_water_pct"):
        assert f'<label for="p-{name}">' in html
    assert selected(html, "region") == ["18.09"] and selected(html, "period") == ["2024"]
    assert '<option value="18.09.05">Kecamatan Padang Cermin</option>' in select(html, "region")
    # a text field that takes a decimal comma ("22,5"), which a browser's number field refuses
    number = re.search(
        r'<input type="text" inputmode="decimal" pattern="[^"]+"[^>]* id="p-min_stunting_pct"[^>]*>', html
    )
    assert number and 'value="20"' in number.group()
    assert 'data-min="0.0"' in number.group() and 'data-max="100.0"' in number.group()
    described = page(client, "/questions/stunting-vs-safe-water")
    assert 'aria-describedby="p-region-help"' in described  # the help text describes its control
    assert '<small id="p-region-help" class="help">Kabupaten, atau satu kecamatan' in described


def test_given_values_are_selected_and_the_links_spell_out_every_parameter(client: TestClient) -> None:
    html = page(client, "/questions/village-ranking", region="18.09.02", indicator="kpm-pkh")
    assert selected(html, "region") == ["18.09.02"] and selected(html, "indicator") == ["kpm-pkh"]
    query = "region=18.09.02&amp;indicator=kpm-pkh&amp;period=2024"
    assert f'href="/questions/village-ranking.csv?{query}"' in html
    assert f'href="/questions/village-ranking.json?{query}"' in html
    assert f'href="/questions/village-ranking.csv?{query}&amp;_dialect=standard"' in html
    assert f'value="http://testserver/questions/village-ranking?{query}"' in html
    assert f'href="/sparql?question=village-ranking&amp;{query}"' in html


def test_optional_parameters_offer_all(client: TestClient) -> None:
    html = page(client, "/questions/agency-coverage")
    assert selected(html, "agency") == [""] and "— Semua —" in select(html, "agency")
    html = page(client, "/questions/agency-coverage", agency="dinkes")
    assert selected(html, "agency") == ["dinkes"]


def test_the_table_shows_indonesian_numbers_sorts_by_value_and_links_regions(client: TestClient) -> None:
    html = page(client, "/questions/population-density")
    body = client.get("/questions/population-density").json()
    assert '<table class="sortable n-last answer-table" id="answer-table">' in html and "<caption>" in html
    assert html.count('<th scope="col"') == len(body["columns"])
    assert '<td class="num" data-sort="97.06">97,06</td>' in html
    assert '<td class="num" data-sort="77141">77.141</td>' in html
    assert '<td class="num" data-sort="2024">2024</td>' in html  # a year has no thousands dot
    assert '<td><a href="/id/wilayah/18.09.01">18.09.01</a></td>' in html
    assert '<td><a href="/id/wilayah/18.09.01">Gedong Tataan</a></td>' in html
    assert html.count("<tr>") == body["row_count"] + 1


def test_the_chart_data_travels_as_json_and_matches_the_rows(client: TestClient) -> None:
    html = page(client, "/questions/village-ranking", region="18.09.02")
    body = client.get("/questions/village-ranking", params={"region": "18.09.02"}).json()
    chart = script_json(html, "chart-data")
    assert chart["type"] == "bar" and chart["labels"] == [r["village"] for r in body["rows"]]
    assert chart["datasets"][0]["data"] == [r["value"] for r in body["rows"]]
    assert f'role="img" aria-label="{chart["summary"]}"' in unescape(html)
    assert "chart.umd.min.js" in html and "sortable.a11y.min.js" in html
    table_only = page(client, "/questions/stale-datasets")
    assert 'id="chart-data"' not in table_only and "chart.umd.min.js" not in table_only


def test_the_sparql_shown_runs_on_the_endpoint_and_answers_the_question(client: TestClient) -> None:
    params = {"region": "18.09.03", "indicator": "jumlah-penduduk", "period": "2022"}
    body = client.get("/questions/village-ranking", params=params).json()
    editor = page(client, "/sparql", question="village-ranking", **cast(dict[str, Any], params))
    text = textarea(editor)
    assert "#   region = 18.09.03 (Kecamatan Tegineneng)" in text
    assert "ind:jumlah-penduduk" in text and "periode:2022" in text
    assert "selected>Peringkat desa dalam satu kecamatan</option>" in editor
    results = client.post(
        "/sparql", data={"query": text}, headers={"accept": "application/sparql-results+json"}
    ).json()
    assert results["head"]["vars"] == [c["name"] for c in body["columns"]]
    codes = [b["village_code"]["value"] for b in results["results"]["bindings"]]
    assert codes == [r["village_code"] for r in body["rows"]]


def test_the_editor_is_prefilled_from_q_or_starts_with_every_prefix(client: TestClient) -> None:
    assert textarea(page(client, "/sparql", q="ASK { ?s ?p ?o }")) == "ASK { ?s ?p ?o }"
    starter = textarea(page(client, "/sparql"))
    assert "PREFIX dcat: <http://www.w3.org/ns/dcat#>" in starter and "SELECT ?wilayah ?kode ?nama" in starter
    config = script_json(page(client, "/sparql"), "editor-config")
    assert config == {"endpoint": "/sparql", "base": "https://data.pesawarankab.go.id/", "root": ""}


def test_the_editor_names_a_bad_question_or_value(client: TestClient) -> None:
    unknown = page(client, "/sparql", status=404, question="no-such-question")
    assert "no-such-question" in unescape(unknown) and 'role="alert"' in unknown
    refused = page(client, "/sparql", status=400, question="village-ranking", region="99")
    assert "'99'" in unescape(refused) and 'role="alert"' in refused


# --- errors --------------------------------------------------------------------------------


def test_a_refused_value_is_a_400_page_naming_parameter_value_and_what_is_allowed(client: TestClient) -> None:
    html = page(client, "/questions/stunting-water-priority-villages", status=400, min_stunting_pct="120")
    text = unescape(html)
    assert 'role="alert"' in html
    assert "min_stunting_pct" in text and "120" in text and "0.0 – 100.0" in text
    assert re.search(r'id="p-min_stunting_pct"[^>]*aria-describedby="masalah-min_stunting_pct"', html)
    assert re.search(r'id="p-min_stunting_pct"[^>]*aria-invalid="true"', html)
    assert 'id="answer-table"' not in html
    # A JSON client keeps the JSON error shape.
    refused = client.get("/questions/stunting-water-priority-villages", params={"min_stunting_pct": "120"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["parameter"] == "min_stunting_pct"


def test_an_unknown_question_is_a_404_page_listing_the_questions(client: TestClient) -> None:
    html = page(client, "/questions/no-such-question", status=404)
    assert "no-such-question" in unescape(html) and 'href="/questions/village-ranking"' in html
    assert client.get("/questions/no-such-question").json()["status"] == 404


@pytest.mark.parametrize(
    "value",
    [
        "18.09.01> } ; DROP ALL ; SELECT * { <x",
        "<script>alert(1)</script>",
        '" onmouseover="alert(1)',
    ],
)
def test_values_are_still_checked_and_never_reach_the_page_unescaped(client: TestClient, value: str) -> None:
    html = page(client, "/questions/village-ranking", status=400, region=value)
    assert value not in html  # escaped wherever it is shown
    assert unescape(html).count(value) >= 1  # and it is shown, in the error box
    assert selected(html, "region") == ["18.09.01"]  # the form falls back to the default
    editor = page(client, "/sparql", status=400, question="village-ranking", region=value)
    assert value not in editor


def test_an_unknown_parameter_is_named_on_the_page(client: TestClient) -> None:
    html = unescape(page(client, "/questions/village-ranking", status=400, regoin="18.09.02"))
    assert "regoin" in html and "region, indicator, period" in html
