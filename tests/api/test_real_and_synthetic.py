"""Pages and answers say which figures are real and which synthetic (issue 18, item 1), over HTTP.

The demo holds six tables of synthetic values and one of real figures: Kemendesa's IDM 2024 for
the 148 desa of Pesawaran (``dpmd-idm-desa``, ``oc:syntheticData false``). A real uvicorn server
serves the demo graph; the real figures are read independently from the ministry's workbook.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pandas as pd
import pytest

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR
from tests.servers import running_server

pytestmark = pytest.mark.server  # starts a uvicorn server (and so is slow)

Demo = tuple[Platform, list[LoadReport]]
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
REAL = '<span class="data-kind real">data nyata <span lang="en" class="en">/ real data</span></span>'
SYNTHETIC = '<span class="data-kind synthetic">data sintetis <span lang="en" class="en">/ synthetic data</span></span>'


def idm_workbook() -> pd.DataFrame:
    """The ministry's rows as published (one per desa; continuation rows without a code left out)."""
    frame = pd.read_excel(
        PROJECT_DIR / "data/dpmd_idm_desa_2024.xlsx", sheet_name="Worksheet", header=3, dtype=str
    )
    frame = frame[frame["KODE DESA"].notna()]
    code = frame["KODE DESA"].str.strip()
    frame["code"] = code.str[:2] + "." + code.str[2:4] + "." + code.str[4:6] + "." + code.str[6:]
    return frame.set_index("code")


@pytest.fixture(scope="module")
def base(demo: Demo) -> Iterator[str]:
    platform, _ = demo
    with running_server(create_app(platform.settings, platform.store), "uvicorn-data-kinds") as url:
        yield url


def get(base: str, path: str, headers: dict[str, str], **params: str) -> httpx.Response:
    response = httpx.get(base + path, params=params, headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return response


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def test_an_answer_says_per_source_whether_it_is_real_or_synthetic(base: str) -> None:
    idm = get(base, "/questions/indicator-by-region", JSON, indicator="nilai-idm", level="desa").json()
    [source] = idm["sources"]
    assert source["used"]["dataset"] == "dpmd-idm-desa" and source["used"]["synthetic"] is False
    workbook = idm_workbook()
    assert len(idm["rows"]) == len(workbook) == 148
    assert {r["region_code"]: r["value"] for r in idm["rows"]} == {
        code: float(v) for code, v in workbook["NILAI IDM 2024"].items()
    }
    stunting = get(base, "/questions/indicator-by-region", JSON, indicator="prevalensi-stunting").json()
    assert {s["used"]["dataset"] for s in stunting["sources"]} == {"dinkes-stunting-desa"}
    assert all(s["used"]["synthetic"] is True for s in stunting["sources"])
    # The page shows the badge beside the dataset used.
    page = get(base, "/questions/indicator-by-region", HTML, indicator="nilai-idm", level="desa").text
    sources = page.split('id="answer-sources"')[1].split("</div>")[0]
    assert "Indeks Desa Membangun (IDM) per Desa" in sources and REAL in sources and SYNTHETIC not in sources
    assert "0,6719" in page  # the IDM as published, four decimals (not cut to 0,672)


def test_the_region_page_of_a_desa_shows_its_idm_figure_marked_real(base: str) -> None:
    page = get(base, "/id/wilayah/18.09.01.2001", HTML).text
    figures = page.split('id="h-angka"')[1]
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", figures, flags=re.S)
    published = idm_workbook().loc["18.09.01.2001"]
    [idm] = [r for r in rows if "Nilai Indeks Desa Membangun (IDM)" in r]
    assert published["NILAI IDM 2024"] == "0.6719" and ">0,6719<" in idm
    assert REAL in idm and SYNTHETIC not in idm and "Dinas Pemberdayaan Masyarakat dan Desa" in idm
    [status] = [r for r in rows if "Status Indeks Desa Membangun" in r]
    assert published["STATUS IDM 2024"] == "BERKEMBANG" and "Berkembang / Developing" in _text(status)
    assert REAL in status
    stunting = [r for r in rows if "Prevalensi stunting" in r]
    assert stunting and all(SYNTHETIC in r and REAL not in r for r in stunting)
    note = _text(figures.split('id="figures-data-kinds"')[1].split("</p>")[0])
    assert "data nyata / real data adalah angka instansi yang sebenarnya" in note


def test_a_correlation_of_real_and_synthetic_figures_says_so(base: str) -> None:
    params = {"x": "nilai-idm", "y": "prevalensi-stunting", "level": "desa", "period": "2024"}
    body: dict[str, Any] = get(base, "/insight/correlate", JSON, **params).json()
    assert body["mixed_data"] is True and body["n"] == 148
    sentence = "Prevalensi stunting adalah data sintetis: korelasi keduanya tidak bermakna sebagai statistik."
    assert body["data_note"]["id"].endswith(sentence) and body["caveat"]["id"].endswith(sentence)
    page = get(base, "/insight/correlate", HTML, **params).text
    note = _text(page.split('id="mixed-data">')[1].split("</div>")[0])
    assert note.startswith("Nilai Indeks Desa Membangun (IDM) adalah data nyata") and sentence in note
    assert "their correlation means nothing as a statistic" in note
    sources = page.split('<dl class="sources">')[1].split("</dl>")[0]
    assert sources.count(REAL) == 1 and sources.count(SYNTHETIC) == 1


def test_the_map_shows_the_idm_of_every_desa_marked_real(base: str) -> None:
    # Left out, the level is desa: the IDM is published per desa and never summed or averaged.
    page = get(base, "/map", HTML, indicator="nilai-idm").text
    assert "148 dari 148 desa bernilai" in _text(page)
    sources = page.split('id="map-sources"')[1].split("</p>")[0]
    assert REAL in sources and "Indeks Desa Membangun (IDM) per Desa" in sources
    assert '<option value="desa" selected>' in page
    geojson = get(base, "/map/data.geojson", JSON, indicator="nilai-idm").json()
    labels = {f["properties"]["kode"]: f["properties"]["label"] for f in geojson["features"]}
    assert labels["18.09.01.2001"] == "0,6719 indeks"
    stunting = get(base, "/map", HTML, indicator="prevalensi-stunting", level="desa").text
    assert SYNTHETIC in stunting.split('id="map-sources"')[1].split("</p>")[0]


def test_the_questions_that_list_figures_or_categories_mark_each_row(base: str) -> None:
    profile = get(base, "/questions/village-profile", JSON, region="18.09.01.2001", period="2024").json()
    kinds = {r["indicator"].rsplit("/", 1)[-1]: r["data_kind"] for r in profile["rows"]}
    assert kinds["nilai-idm"] == kinds["status-idm"] == "nyata / real"
    assert kinds["prevalensi-stunting"] == kinds["jumlah-penduduk"] == "sintetis / synthetic"
    status = next(r for r in profile["rows"] if r["indicator"].endswith("/status-idm"))
    assert status["value"] == "Berkembang"  # the category by its name, not its IRI
    counted = get(base, "/questions/category-count", JSON, indicator="status-idm", period="2024").json()
    workbook = idm_workbook()
    assert sum(r["regions"] for r in counted["rows"]) == len(workbook) == 148
    assert {r["data_kind"] for r in counted["rows"]} == {"nyata / real"}
    by_status: dict[str, int] = {}
    for r in counted["rows"]:
        by_status[r["category_name"].upper()] = by_status.get(r["category_name"].upper(), 0) + r["regions"]
    assert by_status == workbook["STATUS IDM 2024"].str.strip().value_counts().to_dict()
    assert counted["sources"][0]["used"]["synthetic"] is False


def test_an_empty_answer_says_where_the_index_is_reported(base: str) -> None:
    page = get(base, "/questions/indicator-by-region", HTML, indicator="nilai-idm", level="kecamatan").text
    note = _text(page.split('id="no-rows"')[1].split("</p>")[0])
    assert "Nilai Indeks Desa Membangun (IDM) dilaporkan di tingkat Desa/kelurahan." in note
    assert "is reported at Village level" in note
