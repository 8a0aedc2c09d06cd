"""``/map`` (the *Peta* page) and ``/map/data.geojson`` over HTTP, on the demo graph."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.insight.choropleth import PALETTES
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

Demo = tuple[Platform, list[LoadReport]]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STUNTING_DESA = {"indicator": "prevalensi-stunting", "level": "desa", "period": "2023"}
NO_POLYGON = {"18.09.02.2020", "18.09.02.2021", "18.09.05.2032", "18.09.11.2011"}  # ontology/codes/SOURCES.md


@pytest.fixture(scope="module")
def stunting_desa(client: TestClient) -> dict[str, Any]:
    response = client.get("/map/data.geojson", params=STUNTING_DESA)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/geo+json")
    body: dict[str, Any] = response.json()
    return body


def assert_refused(response: Any, parameter: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"} and body["ok"] is False and body["status"] == 400
    problem: dict[str, Any] = body["errors"][0]
    assert problem["parameter"] == parameter and problem["allowed"]
    return problem


def test_the_geojson_has_every_desa_polygon_with_its_value_joined(
    stunting_desa: dict[str, Any], client: TestClient
) -> None:
    features = stunting_desa["features"]
    assert stunting_desa["type"] == "FeatureCollection" and len(features) == 144
    codes = [f["properties"]["kode"] for f in features]
    assert len(set(codes)) == 144 and all(c.startswith("18.09.") and c.count(".") == 3 for c in codes)
    assert not NO_POLYGON & set(codes)
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}
    # The values are the insight API's, region by region.
    rows = client.get(
        "/insight/correlate",
        params={"x": "prevalensi-stunting", "y": "persen-air-minum-layak", "level": "desa", "period": "2023"},
    ).json()["rows"]
    expected = {r["code"]: r["x"] for r in rows}
    by_code = {f["properties"]["kode"]: f["properties"] for f in features}
    assert all(by_code[c]["value"] == pytest.approx(v) for c, v in expected.items() if c in by_code)
    padang_ratu = by_code["18.09.01.2001"]
    assert padang_ratu["nama"] == "Padang Ratu" and padang_ratu["label"] == "14,8 %"
    assert padang_ratu["href"] == "/id/wilayah/18.09.01.2001"
    assert padang_ratu["fill"] == PALETTES[5][padang_ratu["class"]]
    # Rusaba has no stunting figure (the Dinkes table misspells it): drawn, without a value.
    rusaba = by_code["18.09.06.2005"]
    assert rusaba["value"] is None and rusaba["fill"] is None and rusaba["class"] is None
    classes = [p["class"] for p in by_code.values() if p["value"] is not None]
    assert set(classes) == {0, 1, 2, 3, 4}
    # Darker classes hold higher values.
    top = {c: max(p["value"] for p in by_code.values() if p["class"] == c) for c in range(5)}
    low = {c: min(p["value"] for p in by_code.values() if p["class"] == c) for c in range(5)}
    assert all(top[c] <= low[c + 1] for c in range(4))


def test_kecamatan_are_the_home_regions_eleven(client: TestClient) -> None:
    response = client.get("/map/data.geojson", params={"indicator": "jumlah-penduduk", "level": "kecamatan"})
    assert response.status_code == 200
    features = response.json()["features"]
    assert len(features) == 11 and all(f["properties"]["kode"].startswith("18.09.") for f in features)
    assert all(f["properties"]["value"] > 0 and f["properties"]["label"].endswith(" jiwa") for f in features)
    assert all(re.fullmatch(r"/id/wilayah/18\.09\.\d\d", f["properties"]["href"]) for f in features)


@pytest.mark.slow
def test_defaults_pick_a_rate_and_its_latest_year(client: TestClient) -> None:
    body = client.get("/map/data.geojson").json()
    assert len(body["features"]) == 11
    page = client.get("/map", headers=BROWSER).text
    chosen = re.search(
        r'<select id="f-indicator" name="indicator">.*?<option value="([^"]+)" selected>', page, re.S
    )
    assert chosen and chosen.group(1) in {"persen-air-minum-layak", "prevalensi-stunting"}
    assert '<option value="2024" selected>' in page
    # The form's "latest" choice arrives as an empty value.
    assert (
        client.get("/map/data.geojson", params={"indicator": "", "level": "desa", "period": ""}).status_code
        == 200
    )


@pytest.mark.slow
def test_bad_parameters_are_refused_in_the_error_shape(client: TestClient) -> None:
    assert (
        "prevalensi-stunting"
        in assert_refused(client.get("/map/data.geojson", params={"indicator": "stunting"}), "indicator")[
            "allowed"
        ]
    )
    assert assert_refused(client.get("/map/data.geojson", params={"level": "rt"}), "level")["allowed"] == [
        "desa",
        "kecamatan",
    ]
    problem = assert_refused(
        client.get("/map/data.geojson", params={**STUNTING_DESA, "period": "1999"}), "period"
    )
    assert "2023" in problem["allowed"]
    no_desa = assert_refused(
        client.get("/map/data.geojson", params={"indicator": "jumlah-murid", "level": "desa"}), "indicator"
    )
    assert "jumlah-murid" not in no_desa["allowed"] and "has no values at desa level" in no_desa["message"]


@pytest.mark.slow
def test_the_page_has_the_form_legend_and_every_figure(client: TestClient) -> None:
    response = client.get("/map", params=STUNTING_DESA, headers=BROWSER)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'aria-current="page"' in page and "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/js/map.js" in page and "tileLayer" not in page and "openstreetmap" not in page.lower()
    for control in ("f-indicator", "f-level", "f-period"):
        assert f'<label for="{control}">' in page
    assert 'data-src="/map/data.geojson?indicator=prevalensi-stunting&amp;level=desa&amp;period=2023"' in page
    legend = page[page.index('<ul class="legend"') :]
    legend = legend[: legend.index("</ul>")]
    assert legend.count('class="swatch"') == 5 and 'class="swatch no-data"' in legend
    assert all(colour in legend for colour in PALETTES[5])
    assert "tanpa data" in legend and "(1)" in legend
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    # The four desa without polygons are listed with their values.
    section = page[page.index('id="h-tanpa-poligon"') : page.index('id="h-tanpa-data"')]
    assert all(f'href="/id/wilayah/{code}"' in section for code in NO_POLYGON)
    assert "Pujodadi (18.09.02.2020): 18,4 %" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))
    assert "Rusaba" in page[page.index('id="h-tanpa-data"') :]
    table = page[page.index('id="values-table"') :]
    table = table[: table.index("</table>")]
    assert table.count('scope="row"') == 148 and "<caption>" in table and 'class="sortable values"' in page
    assert "147 dari 148 desa bernilai" in text
    assert "ColorBrewer" in text


@pytest.mark.slow
def test_a_map_of_counts_warns_that_it_follows_region_size(client: TestClient) -> None:
    page = client.get("/map", params={"indicator": "jumlah-penduduk"}, headers=BROWSER).text
    assert "besaran mutlak, bukan rasio" in page


def test_the_page_shows_the_form_again_on_a_refused_parameter(client: TestClient) -> None:
    response = client.get("/map", params={"indicator": "nope", "level": "desa"}, headers=BROWSER)
    assert response.status_code == 400
    assert 'class="error-box" role="alert"' in response.text and 'aria-invalid="true"' in response.text
    assert 'id="map"' not in response.text


@pytest.mark.slow
def test_an_instance_without_boundary_files_says_so(demo: Demo, tmp_path: Path) -> None:
    platform, _ = demo
    # The same graph, but a project folder whose ontology/codes/ ships no boundaries.
    settings = platform.settings.model_copy(update={"project_dir": tmp_path})
    with TestClient(create_app(settings, platform.store)) as c:
        page = c.get("/map", params=STUNTING_DESA, headers=BROWSER)
        assert page.status_code == 200
        assert "Batas wilayah tingkat desa untuk instans ini tidak tersedia" in page.text
        assert 'id="map"' not in page.text and page.text.count('scope="row"') == 148
        data = c.get("/map/data.geojson", params=STUNTING_DESA)
        assert data.status_code == 404 and data.json()["ok"] is False


@pytest.mark.slow
def test_a_graph_without_values_gets_a_note_not_an_error(platform: Platform) -> None:
    with TestClient(create_app(platform.settings, platform.store)) as c:
        page = c.get("/map", headers=BROWSER)
        assert page.status_code == 200 and "Belum ada data untuk dipetakan" in page.text
        assert "error-box" not in page.text
        assert c.get("/map", params={"indicator": "prevalensi-stunting"}, headers=BROWSER).status_code == 400
