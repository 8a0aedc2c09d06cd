"""``/insight`` over HTTP: correlate and discover as JSON and CSV, errors, OpenAPI."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from scipy import stats

from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

Demo = tuple[Platform, list[LoadReport]]
STUNTING_WATER = {
    "x": "prevalensi-stunting",
    "y": "persen-air-minum-layak",
    "level": "desa",
    "period": "2023",
}


@pytest.fixture(scope="module")
def stunting_water(client: TestClient) -> dict[str, Any]:
    response = client.get("/insight/correlate", params=STUNTING_WATER)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_refused(response: Any, parameter: str, value: str | None) -> dict[str, Any]:
    """The one error shape, its first problem naming the parameter, the value and what is allowed."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == 400 and body["error"]
    problem: dict[str, Any] = body["errors"][0]
    assert problem["parameter"] == parameter and problem["value"] == value and "allowed" in problem
    return problem


def test_correlate_returns_the_table_statistics_line_outliers_and_caveat(
    stunting_water: dict[str, Any], demo: Demo
) -> None:
    body = stunting_water
    platform, _ = demo
    assert body["ok"] is True and body["level"] == "desa" and body["period"] == "2023"
    assert body["x"]["indicator"] == "prevalensi-stunting" and body["x"]["agency"] == "dinkes"
    assert (
        body["x"]["measure_kind"] == "percentage" and body["x"]["aggregation"]["en"] == "values as published"
    )
    rows = body["rows"]
    assert body["n"] == len(rows) == body["stats"]["n"] > 140
    first = rows[0]
    assert first["region"] == platform.iris.region(first["code"]) and first["label"] and first["kecamatan"]
    assert first["x_observations"] and first["x_observations"][0].startswith(
        platform.iris.base + "id/observasi/"
    )
    # The numbers in the response give back the statistics (scipy on the response's own table).
    x, y = [r["x"] for r in rows], [r["y"] for r in rows]
    assert body["stats"]["pearson"]["r"] == pytest.approx(stats.pearsonr(x, y).statistic)
    assert body["stats"]["spearman"]["rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    line = stats.linregress(x, y)
    assert body["stats"]["regression"]["slope"] == pytest.approx(line.slope)
    assert body["stats"]["regression"]["r_squared"] == pytest.approx(line.rvalue**2)
    assert [o["code"] for o in body["outliers"]] == [r["code"] for r in rows if r["outlier"]]
    assert body["outliers"][0]["y"] > 100 and body["outliers"][0]["studentized_residual"] > 2.5
    assert {e["code"] for e in body["excluded"]}.isdisjoint(r["code"] for r in rows)
    assert "bukan sebab-akibat" in body["caveat"]["id"] and "not causation" in body["caveat"]["en"]
    assert body["small_n"] is False and body["synthetic"] is True
    assert body["links"]["csv"].endswith(
        "/insight/correlate.csv?x=prevalensi-stunting&y=persen-air-minum-layak&level=desa&period=2023"
    )


@pytest.mark.slow
def test_correlate_csv_opens_in_excel_and_in_programs(
    client: TestClient, stunting_water: dict[str, Any]
) -> None:
    excel = client.get("/insight/correlate.csv", params=STUNTING_WATER)
    assert excel.status_code == 200 and excel.headers["content-type"].startswith("text/csv")
    assert "attachment" in excel.headers["content-disposition"]
    assert excel.content.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(
        io.BytesIO(excel.content), sep=";", decimal=",", encoding="utf-8-sig", dtype={"kode": str}
    )
    assert list(table.columns[:5]) == [
        "kode",
        "wilayah",
        "kecamatan",
        "prevalensi-stunting",
        "persen-air-minum-layak",
    ]
    assert len(table) == stunting_water["n"]
    assert table["prevalensi-stunting"].tolist() == pytest.approx([r["x"] for r in stunting_water["rows"]])
    assert set(table["pencilan"]) == {"ya", "tidak"}
    standard = client.get("/insight/correlate.csv", params={**STUNTING_WATER, "_dialect": "standard"})
    plain = pd.read_csv(io.BytesIO(standard.content), dtype={"code": str})
    assert list(plain.columns) == [
        "code",
        "label",
        "kecamatan",
        "prevalensi-stunting",
        "persen-air-minum-layak",
        "studentized_residual",
        "outlier",
    ]
    assert plain["persen-air-minum-layak"].tolist() == pytest.approx([r["y"] for r in stunting_water["rows"]])


def test_correlate_at_kecamatan_level_without_a_period_uses_the_latest_year(client: TestClient) -> None:
    response = client.get(
        "/insight/correlate", params={"x": "kpm-pkh", "y": "murid-putus-sekolah", "level": "kecamatan"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == "2024" and body["n"] == len(body["rows"]) == 11
    assert "kecamatan" not in body["rows"][0]
    assert "sum over every desa" in body["x"]["aggregation"]["en"]


@pytest.mark.slow
def test_correlate_refuses_bad_parameters_in_the_error_shape(client: TestClient) -> None:
    def get(**changes: str) -> Any:
        return client.get("/insight/correlate", params={**STUNTING_WATER, **changes})

    problem = assert_refused(get(x="stunting"), "x", "stunting")
    assert "prevalensi-stunting" in problem["allowed"]
    assert assert_refused(get(level="kabupaten"), "level", "kabupaten")["allowed"] == ["desa", "kecamatan"]
    problem = assert_refused(get(period="1999"), "period", "1999")
    assert "2023" in problem["allowed"] and "1999" in problem["message"]
    assert_refused(get(period="<script>"), "period", "<script>")
    assert_refused(get(y="jumlah-sekolah"), "y", "jumlah-sekolah")  # no desa figures
    assert "differ" in assert_refused(get(y="prevalensi-stunting"), "y", "prevalensi-stunting")["message"]
    csv = client.get("/insight/correlate.csv", params={**STUNTING_WATER, "x": "nope"})
    assert_refused(csv, "x", "nope")
    missing = client.get("/insight/correlate", params={"y": "kpm-pkh"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == ["query", "x"]


@pytest.mark.slow
def test_discover_lists_ranked_cross_agency_pairs_with_q_values_and_wawasan(client: TestClient) -> None:
    response = client.get("/insight/discover", params={"level": "desa", "period": "2023"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["min_n"] == 8 and body["fdr"] == 0.05
    pairs = body["pairs"]
    assert len(pairs) >= 20 and all(p["x"]["agency"] != p["y"]["agency"] for p in pairs)
    strengths = [abs(p["pearson_r"]) for p in pairs]
    assert strengths == sorted(strengths, reverse=True)
    assert all(p["q_value"] >= p["pearson_p"] for p in pairs)
    assert body["wawasan"] and body["wawasan"][0]["statement"]["id"].startswith("2023: Desa dengan")
    assert "Benjamini–Hochberg" in body["method"]["en"] and "ekologis" in body["caveat"]["id"]
    assert body["links"]["csv"].endswith("/insight/discover.csv?level=desa&period=2023&min_n=8&fdr=0.05")


@pytest.mark.slow
def test_discover_csv_and_its_thresholds(client: TestClient) -> None:
    response = client.get(
        "/insight/discover.csv",
        params={"level": "kecamatan", "period": "2023", "min_n": 12, "_dialect": "standard"},
    )
    assert response.status_code == 200
    table = pd.read_csv(io.BytesIO(response.content))
    assert list(table.columns[:4]) == ["x", "y", "n", "pearson_r"]
    assert table["small_n"].all() and not table["significant"].any()  # 11 kecamatan < 12


def test_discover_refuses_bad_parameters(client: TestClient) -> None:
    assert_refused(client.get("/insight/discover", params={"level": "rt"}), "level", "rt")
    problem = assert_refused(client.get("/insight/discover", params={"period": "2031"}), "period", "2031")
    assert "2024" in problem["allowed"]
    for params in ({"min_n": "2"}, {"fdr": "1.5"}, {"min_n": "delapan"}):
        response = client.get("/insight/discover", params=params)
        assert response.status_code == 422 and response.json()["ok"] is False


def test_index_lists_indicators_with_their_years_per_level(client: TestClient) -> None:
    body = client.get("/insight").json()
    by_slug = {i["indicator"]: i for i in body["indicators"]}
    assert body["levels"] == ["desa", "kecamatan"]
    assert by_slug["murid-putus-sekolah"]["years"]["desa"] == []
    assert "2023" in by_slug["murid-putus-sekolah"]["years"]["kecamatan"]
    assert "2023" in by_slug["kpm-pkh"]["years"]["kecamatan"]  # summed up from desa
    assert body["links"]["discover"].endswith("/insight/discover")


# Another router's duplicate operation id is its own test's business, not this one's.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID .*routers/resources.py")
def test_openapi_describes_the_insight_parameters_and_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/insight",
        "/insight/correlate",
        "/insight/correlate.csv",
        "/insight/discover",
        "/insight/discover.csv",
    } <= set(paths)
    correlate = paths["/insight/correlate"]["get"]
    params = {p["name"]: p for p in correlate["parameters"]}
    assert set(params) == {"x", "y", "level", "period", "sumber"}
    assert "authoritative" in params["sumber"]["description"]
    assert params["x"]["required"] is True and params["x"]["description"]
    assert params["level"]["schema"]["enum"] == ["desa", "kecamatan"]
    assert {"400", "422", "503"} <= set(correlate["responses"])
    assert "allowed" in str(correlate["responses"]["400"])
    discover = {p["name"] for p in paths["/insight/discover"]["get"]["parameters"]}
    assert discover == {"level", "period", "min_n", "fdr", "sumber"}
