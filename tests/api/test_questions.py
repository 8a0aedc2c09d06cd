"""``/questions`` over HTTP: the catalogue, answers as JSON and CSV, errors, injection."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api import question_catalogue
from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import load_settings

Demo = tuple[Platform, list[LoadReport]]


@pytest.fixture(scope="module")
def catalogue(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/questions")
    assert response.status_code == 200
    questions: list[dict[str, Any]] = response.json()["questions"]
    return questions


def assert_error_shape(body: dict[str, Any], status: int) -> None:
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == status and body["error"]


def test_list_gives_every_question_with_parameters_choices_and_links(catalogue: list[dict[str, Any]]) -> None:
    assert len(catalogue) >= 12
    ranking = next(q for q in catalogue if q["id"] == "village-ranking")
    assert ranking["title"] == {
        "id": "Peringkat desa dalam satu kecamatan",
        "en": "Ranking of the villages of one district",
    }
    region = next(p for p in ranking["parameters"] if p["name"] == "region")
    assert region["type"] == "region" and region["default"] == "18.09.01"
    assert {
        "value": "18.09.02",
        "label": {"id": "Kecamatan Negeri Katon", "en": "Negeri Katon District"},
    } in region["choices"]
    assert len(region["choices"]) == 11
    assert ranking["chart"] == {"kind": "bar", "x": "village", "y": ["value"]}
    assert ranking["links"]["csv"].endswith(
        "/questions/village-ranking.csv?region=18.09.01&indicator=prevalensi-stunting&period=2024"
    )
    for question in catalogue:
        for parameter in question["parameters"]:
            if parameter["type"] in ("integer", "decimal"):
                assert "min" in parameter
            elif parameter["default"] is not None:
                assert parameter["default"] in [c["value"] for c in parameter["choices"]], question["id"]


def test_running_a_question_returns_metadata_parameters_columns_rows_and_sparql(client: TestClient) -> None:
    response = client.get("/questions/village-ranking", params={"region": "18.09.02", "indicator": "kpm-pkh"})
    assert response.status_code == 200 and response.headers["x-truncated"] == "false"
    body = response.json()
    assert body["ok"] is True and body["question"]["id"] == "village-ranking"
    assert body["parameters"]["region"]["value"] == "18.09.02"
    assert body["parameters"]["period"] == {
        "value": "2024",
        "label": "2024",
        "term": "<https://data.pesawarankab.go.id/id/periode/2024>",
        "default": True,
    }
    assert [c["name"] for c in body["columns"]] == ["rank", "village_code", "village", "value", "unit"]
    assert body["row_count"] == len(body["rows"]) == 21 and body["truncated"] is False
    assert body["rows"][0]["rank"] == 1 and all(
        r["village_code"].startswith("18.09.02.") for r in body["rows"]
    )
    values = [r["value"] for r in body["rows"]]
    assert values == sorted(values, reverse=True)
    assert "SELECT ?indicator ?region ?period" in body["sparql"] and "18.09.02" not in body["sparql"]
    assert body["bindings"]["indicator"] == "<https://data.pesawarankab.go.id/id/indikator/kpm-pkh>"
    assert body["links"]["self"].endswith("?region=18.09.02&indicator=kpm-pkh&period=2024")


def test_the_sparql_shown_runs_unchanged_on_the_sparql_endpoint(client: TestClient) -> None:
    body = client.get("/questions/population-density").json()
    direct = client.get("/sparql", params={"query": body["sparql"]}).json()
    by_code = {b["district_code"]["value"]: b for b in direct["results"]["bindings"]}
    # Unbound, ?period ranges over every year; the bound answer is the 2024 slice of it.
    assert len(by_code) == 11 and len(direct["results"]["bindings"]) == 11 * 5  # Dukcapil: 2020-2024
    for row in body["rows"]:
        match = [
            b
            for b in direct["results"]["bindings"]
            if b["district_code"]["value"] == row["district_code"] and b["period"]["value"].endswith("/2024")
        ]
        assert float(match[0]["density_per_km2"]["value"]) == row["density_per_km2"]


def test_json_suffix_gives_the_same_answer(client: TestClient) -> None:
    plain = client.get("/questions/population-gap-dukcapil-bps", params={"period": "2022"}).json()
    suffixed = client.get("/questions/population-gap-dukcapil-bps.json", params={"period": "2022"}).json()
    assert plain == suffixed


def test_csv_opens_in_excel_with_indonesian_settings(client: TestClient) -> None:
    response = client.get("/questions/stunting-vs-safe-water.csv", params={"region": "18.09.03"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="stunting-vs-safe-water.csv"'
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    header = data.decode("utf-8-sig").splitlines()[0]
    assert (
        header == "Kode desa;Desa;Kecamatan;Prevalensi stunting (%);Rumah tangga dengan air minum layak (%)"
    )
    table = pd.read_csv(
        io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Kode desa": str}
    )
    rows = client.get("/questions/stunting-vs-safe-water", params={"region": "18.09.03"}).json()["rows"]
    assert list(table["Kode desa"]) == [r["village_code"] for r in rows]
    assert list(table["Prevalensi stunting (%)"]) == [r["stunting_pct"] for r in rows]
    assert any("," in cell for cell in data.decode("utf-8-sig").split(";"))  # a decimal comma was written


def test_csv_standard_dialect_is_plain_rfc4180(client: TestClient) -> None:
    response = client.get(
        "/questions/stunting-vs-safe-water.csv", params={"region": "18.09.03", "_dialect": "standard"}
    )
    assert not response.content.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(response.content), dtype={"village_code": str})
    assert list(table.columns) == ["village_code", "village", "district", "stunting_pct", "safe_water_pct"]
    assert len(table) == 16


@pytest.mark.slow
def test_rows_are_cut_at_the_row_cap_and_the_answer_says_so(demo: Demo) -> None:
    platform, _ = demo
    settings = load_settings(store_path=":memory:", max_result_rows=5)
    with TestClient(create_app(settings, platform.store)) as small:
        response = small.get("/questions/stunting-vs-safe-water")
        csv_response = small.get("/questions/stunting-vs-safe-water.csv")
    assert response.headers["x-truncated"] == "true"
    assert response.json()["truncated"] is True and response.json()["row_count"] == 5
    assert csv_response.headers["x-truncated"] == "true"
    assert len(csv_response.content.decode("utf-8-sig").splitlines()) == 6


def test_optional_parameters_can_be_left_out(client: TestClient) -> None:
    everything = client.get("/questions/agency-coverage").json()
    only_bps = client.get("/questions/agency-coverage", params={"agency": "bps"}).json()
    assert everything["parameters"]["agency"] == {"value": None, "label": None, "term": None, "default": True}
    assert len(everything["rows"]) == 21 and len(only_bps["rows"]) == 2  # DPMD: six IDM indicators
    assert "agency=" not in everything["links"]["self"] and "agency=bps" in only_bps["links"]["self"]


def test_decimal_comma_is_accepted_in_numbers(client: TestClient) -> None:
    body = client.get(
        "/questions/stunting-water-priority-villages", params={"min_stunting_pct": "27,5"}
    ).json()
    assert (
        body["parameters"]["min_stunting_pct"]["term"] == '"27.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    )
    assert body["rows"] and min(r["stunting_pct"] for r in body["rows"]) >= 27.5


def test_unknown_question_is_404_in_the_error_shape(client: TestClient) -> None:
    for path in (
        "/questions/no-such-question",
        "/questions/no-such-question.csv",
        "/questions/no-such-question.json",
    ):
        response = client.get(path)
        assert response.status_code == 404
        body = response.json()
        assert_error_shape(body, 404)
        assert "pertanyaan 'no-such-question' tidak ada / no question" in body["error"]


def test_refused_parameters_are_400_naming_parameter_value_and_what_is_allowed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The day is fixed (the service reads the clock once per request): the typo 2027 is not offered.
    monkeypatch.setattr(question_catalogue, "now", lambda: dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC))
    response = client.get(
        "/questions/village-ranking.csv", params={"region": "18.09.99", "period": "2030", "tahun": "2024"}
    )
    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, 400)
    problems = {e["parameter"]: e for e in body["errors"]}
    assert problems["tahun"]["allowed"] == ["region", "indicator", "period", "sumber"]
    assert problems["region"]["value"] == "18.09.99" and "18.09.02" in problems["region"]["allowed"]
    assert problems["period"]["allowed"] == ["2020", "2021", "2022", "2023", "2024"]
    assert (
        body["error"].startswith("parameter 'tahun' tidak dikenal") and "/ unknown parameter" in body["error"]
    )


def test_a_bad_csv_dialect_is_refused(client: TestClient) -> None:
    response = client.get("/questions/village-ranking.csv", params={"_dialect": "latin-1"})
    assert response.status_code == 422
    assert_error_shape(response.json(), 422)


INJECTIONS = [
    "2024> } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o",
    '" } UNION { ?s ?p ?o } #',
    "18.09.01' . ?x ?y ?z } #",
    "<http://example.org/x> . } INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } } #",
    "prevalensi-stunting> ; ?p ?o } LIMIT 1 #",
    "20) || true || (1",
    "18.09\n} ; CLEAR ALL",
]


@pytest.mark.slow
def test_sparql_injection_through_every_parameter_of_every_question_has_no_effect(
    client: TestClient, catalogue: list[dict[str, Any]], demo: Demo
) -> None:
    platform, _ = demo
    quads = platform.store.count()
    graphs = sorted(platform.store.named_graphs())
    before = {q["id"]: client.get(f"/questions/{q['id']}").json()["rows"] for q in catalogue}
    tried = 0
    for question in catalogue:
        for parameter in question["parameters"]:
            for i, payload in enumerate(INJECTIONS):
                # Both forms share the binding; the CSV form gets a few payloads to show it.
                for suffix in ("", ".csv") if i < 2 else ("",):
                    response = client.get(
                        f"/questions/{question['id']}{suffix}", params={parameter["name"]: payload}
                    )
                    assert response.status_code == 400, (question["id"], parameter["name"], payload)
                    [problem] = response.json()["errors"]
                    assert problem["parameter"] == parameter["name"] and problem["value"] == payload.strip()
                    tried += 1
    assert tried >= (len(INJECTIONS) + 2) * 30
    assert platform.store.count() == quads and sorted(platform.store.named_graphs()) == graphs
    after = {q["id"]: client.get(f"/questions/{q['id']}").json()["rows"] for q in catalogue}
    assert after == before
