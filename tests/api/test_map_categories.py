"""``/map`` colours a categorical indicator; Wawasan and the numeric questions refuse it, over HTTP.

The demo graph with a synthetic DPMD status table on top (``tests/category_table.py``), mapped by
asking for its dataset (``sumber``): the demo's authoritative status is the real IDM's.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.platform import Platform
from tests.category_table import COUNTS, EXPECTED

# Slow: builds the demo graph and loads a table in a fresh store.
pytestmark = pytest.mark.slow

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STATUS = {"indicator": "status-idm", "level": "desa", "sumber": "uji-status-idm"}


@pytest.fixture(scope="module")
def client(status_demo: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(status_demo.settings, status_demo.store)) as c:
        yield c


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def test_the_geojson_gives_each_desa_its_category(client: TestClient) -> None:
    response = client.get("/map/data.geojson", params=STATUS)
    assert response.status_code == 200, response.text
    props = {f["properties"]["kode"]: f["properties"] for f in response.json()["features"]}
    assert {k: p["value"] for k, p in props.items() if p["value"] is not None} == EXPECTED
    assert (
        props["18.09.02.2002"]["label"] == "Tertinggal / Underdeveloped"
        and props["18.09.02.2002"]["class"] == 1
    )
    assert props["18.09.01.2004"]["fill"] is None  # blank in the table: hatched as no data


def test_the_page_has_the_category_legend_with_counts_in_rank_order(client: TestClient) -> None:
    response = client.get("/map", params=STATUS, headers=BROWSER)
    assert response.status_code == 200, response.text
    legend = re.search(r'<ul class="legend" id="legenda".*?</ul>', response.text, re.S)
    assert legend is not None
    items = re.findall(r'<li data-kategori="([a-z-]+)">(.*?)</li>', legend.group(0), re.S)
    assert [(code, int(re.search(r"\((\d+) desa\)", body).group(1))) for code, body in items] == COUNTS  # type: ignore[union-attr]
    assert "Sangat Tertinggal / Very underdeveloped (2 desa)" in _text(items[0][1])
    assert "tanpa data / no data" in _text(legend.group(0))
    assert "Kategori berurutan dari terendah ke tertinggi" in response.text
    # The table: the category by name, never a number.
    row = re.search(r"<tr>\s*<td>18\.09\.01\.2001</td>.*?</tr>", response.text, re.S)
    assert row is not None and "Maju / Developed" in _text(row.group(0))
    # The form offers the categorical indicator on the map.
    assert '<option value="status-idm" selected>' in response.text


def test_wawasan_neither_offers_nor_takes_a_categorical_indicator(client: TestClient) -> None:
    page = client.get("/insight", headers=BROWSER)
    assert page.status_code == 200 and 'value="status-idm"' not in page.text
    listed = {i["indicator"] for i in client.get("/insight").json()["indicators"]}
    assert "jumlah-penduduk" in listed and "status-idm" not in listed
    refused = client.get("/insight/correlate", params={"x": "prevalensi-stunting", "y": "status-idm"})
    assert refused.status_code == 400
    [problem] = refused.json()["errors"]
    assert problem["parameter"] == "y" and "indikator kategori" in problem["message"]
    assert "category-count" in problem["message"] and "status-idm" not in problem["allowed"]
    pairs = client.get("/insight/discover", params={"level": "desa"}).json()["pairs"]
    assert not [p for p in pairs if "status-idm" in (p["x"]["indicator"], p["y"]["indicator"])]


def test_a_numeric_question_refuses_it_and_category_count_takes_it(client: TestClient) -> None:
    refused = client.get(
        "/questions/indicator-by-region",
        params={"indicator": "status-idm", "level": "desa", "period": "2024"},
    )
    assert refused.status_code == 400
    [problem] = refused.json()["errors"]
    assert (
        "adalah indikator kategori" in problem["message"]
        and "/map?indicator=status-idm" in problem["message"]
    )
    # People read the indicator's name, its slug beside it (the name comes from the ontology).
    assert "Status Indeks Desa Membangun (status-idm) adalah indikator kategori" in problem["message"]
    assert "Village Development Index status (status-idm) is a categorical indicator" in problem["message"]
    counted = client.get("/questions/category-count", params={"indicator": "status-idm", "period": "2024"})
    assert counted.status_code == 200, counted.text
