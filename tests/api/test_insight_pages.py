"""The *Wawasan* pages: ``/insight``, ``/insight/correlate`` and ``/insight/discover`` for browsers.

Same URLs as the JSON API: a browser (``Accept`` preferring HTML) gets the page, every other
client gets the JSON it always got.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.platform import Platform

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STUNTING_WATER = {
    "x": "prevalensi-stunting",
    "y": "persen-air-minum-layak",
    "level": "desa",
    "period": "2023",
}


@pytest.fixture(scope="module")
def correlation_page(client: TestClient) -> str:
    response = client.get("/insight/correlate", params=STUNTING_WATER, headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page: str = response.text
    return page


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and entities decoded, spaces collapsed."""
    body = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def chart_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="insight-data">(.*?)</script>', page, re.S)
    assert found, "the chart's data block is missing"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@pytest.mark.slow
def test_json_clients_get_the_json_they_always_got(client: TestClient) -> None:
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
        for url, params in (
            ("/insight", {}),
            ("/insight/correlate", STUNTING_WATER),
            ("/insight/discover", {"level": "desa", "period": "2023"}),
        ):
            response = client.get(url, params=params, headers=headers)
            assert response.status_code == 200 and response.headers["content-type"] == "application/json"
            assert response.json()["ok"] is True
    refused = client.get("/insight/correlate", params={**STUNTING_WATER, "x": "nope"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["parameter"] == "x"


@pytest.mark.slow
def test_browsers_get_the_pages_on_the_same_urls(client: TestClient) -> None:
    for url, params in (
        ("/insight", {}),
        ("/insight/correlate", STUNTING_WATER),
        ("/insight/discover", {"level": "kecamatan"}),
    ):
        response = client.get(url, params=params, headers=BROWSER)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        assert "Accept" in response.headers["vary"]
        assert 'aria-current="page"' in response.text and "Wawasan" in response.text
    # The pages' download link asks for the JSON by address, whatever Accept says.
    asked = client.get("/insight/correlate", params={**STUNTING_WATER, "_format": "json"}, headers=BROWSER)
    assert asked.headers["content-type"] == "application/json" and asked.json()["n"] == 147


def test_the_correlation_is_said_in_plain_words_with_n_and_p(correlation_page: str) -> None:
    text = text_of(correlation_page)
    assert "Hubungan negatif kuat (r = −0,71; n = 147; p < 0,001)" in text
    assert "desa dengan prevalensi stunting lebih tinggi cenderung memiliki persentase rumah tangga" in text
    assert "Strong negative association (r = −0.71; n = 147; p < 0.001)" in text
    assert "Spearman ρ = −0,70" in text
    # The regression line as an equation, and in words with r².
    assert "persentase rumah tangga dengan air minum layak ≈ 96,8 − 1,26 × prevalensi stunting" in text
    assert "r² = 0,51" in text
    assert "bukan sebab-akibat" in text and "not causation" in text and "sintetis" in text


def test_the_chart_gets_its_points_and_line_as_json_data(correlation_page: str, client: TestClient) -> None:
    data = chart_data(correlation_page)
    assert len(data["points"]) == 147 and len(data["line"]) == 2
    body = client.get("/insight/correlate", params=STUNTING_WATER).json()
    line = body["stats"]["regression"]
    xs = [r["x"] for r in body["rows"]]
    assert data["line"][0] == {"x": min(xs), "y": pytest.approx(line["intercept"] + line["slope"] * min(xs))}
    assert [p["label"] for p in data["points"] if p["outlier"]] == ["Hanura"]
    assert all(p["href"].startswith("/id/wilayah/18.09.") for p in data["points"])
    # The data are data: no script on the page carries code of its own.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", correlation_page)
    assert inline == [' type="application/json" id="insight-data"']
    assert "/static/vendor/chartjs/chart.umd.min.js" in correlation_page
    assert "/static/js/insight.js" in correlation_page


def test_outliers_are_named_and_linked_and_an_impossible_share_is_flagged(correlation_page: str) -> None:
    outliers = correlation_page[
        correlation_page.index('id="h-pencilan"') : correlation_page.index('id="h-unduh"')
    ]
    assert '<a href="/id/wilayah/18.09.10.2004">Hanura</a>' in outliers
    text = text_of(outliers)
    assert "x = 24 %, y = 104,2 %" in text and "jauh di atas garis" in text
    # 104.2 % is outside the bounds the unit persen declares (0–100): a recording error, not a finding.
    assert "nilai mustahil / impossible value : nilai y di luar batas yang dinyatakan indikatornya" in text
    joined = correlation_page[correlation_page.index('id="h-tabel"') :]
    hanura = joined[joined.index('href="/id/wilayah/18.09.10.2004"') :]
    hanura = hanura[: hanura.index("</tr>")]
    assert 'class="num impossible"' in hanura and "nilai mustahil" in hanura
    assert joined.count("impossible-value") == 1  # no other value of either indicator is impossible


def test_the_joined_table_is_sortable_and_complete(correlation_page: str, client: TestClient) -> None:
    table = correlation_page[correlation_page.index('id="joined-table"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr\b[^>]*>\s*<td>(18\.09\.[\d.]+)</td>", table)
    assert len(rows) == 147 and len(set(rows)) == 147
    assert 'class="sortable joined"' in correlation_page and "<caption>" in table
    assert table.count('scope="col"') == 7 and table.count('scope="row"') == 147
    # Sorted by number, shown with a comma, and marked: 104,2 % is outside 0–100 (the unit persen's bounds).
    assert 'data-sort="104.2">104,2 <strong class="impossible-value"' in table
    assert "/static/vendor/sortable/sortable.a11y.min.js" in correlation_page
    assert "Rusaba" in text_of(correlation_page[correlation_page.index('id="h-tidak-ikut"') :])


@pytest.mark.slow
def test_the_download_links_give_the_apis_forms(correlation_page: str, client: TestClient) -> None:
    section = correlation_page[
        correlation_page.index('id="h-unduh"') : correlation_page.index('id="h-tabel"')
    ]
    links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', section)]
    csv = next(u for u in links if u.startswith("/insight/correlate.csv") and "_dialect" not in u)
    as_json = next(u for u in links if "_format=json" in u)
    downloaded = client.get(csv, headers=BROWSER)
    assert downloaded.status_code == 200 and downloaded.headers["content-type"].startswith("text/csv")
    assert client.get(as_json, headers=BROWSER).json()["stats"]["n"] == 147
    assert any(u.startswith("/map?indicator=prevalensi-stunting") for u in links)


def test_a_weak_pair_is_not_dressed_up(client: TestClient) -> None:
    response = client.get(
        "/insight/correlate",
        params={"x": "kpm-pkh", "y": "murid-putus-sekolah", "level": "kecamatan", "period": "2024"},
        headers=BROWSER,
    )
    text = text_of(response.text)
    assert "Hubungan positif lemah" in text and "n = 11" in text
    assert (
        "tidak bermakna secara statistik" in text
        and "cenderung" not in text.split("tidak bermakna")[0][-200:]
    )


@pytest.mark.slow
def test_a_refused_parameter_shows_the_form_again_with_the_problem(client: TestClient) -> None:
    response = client.get("/insight/correlate", params={**STUNTING_WATER, "x": "stunting"}, headers=BROWSER)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'class="error-box" role="alert"' in page and 'href="#f-x"' in page
    assert re.search(r'<select id="f-x" name="x" required aria-invalid="true">', page)
    assert "unknown indicator" in html.unescape(page)
    assert '<option value="persen-air-minum-layak" selected>' in page  # what was asked stays chosen
    period = client.get("/insight/correlate", params={**STUNTING_WATER, "period": "1999"}, headers=BROWSER)
    assert period.status_code == 400 and "2023" in text_of(period.text)
    # A malformed or missing parameter (FastAPI's 422) gets the form too, not a JSON body.
    missing = client.get("/insight/correlate", params={"y": "kpm-pkh"}, headers=BROWSER)
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.text
    bad_n = client.get("/insight/discover", params={"min_n": "2"}, headers=BROWSER)
    assert bad_n.status_code == 422 and 'id="f-min_n"' in bad_n.text and "error-box" in bad_n.text
    assert client.get("/insight/discover", params={"min_n": "2"}).json()["status"] == 422


@pytest.mark.slow
def test_the_form_offers_indicators_by_agency_with_indonesian_labels(client: TestClient) -> None:
    page = client.get("/insight", headers=BROWSER).text
    form = page[page.index('action="/insight/correlate"') : page.index("</form>")]
    assert '<optgroup label="Dinas Kesehatan">' in form
    assert '<option value="prevalensi-stunting"' in form and ">Prevalensi stunting (%)<" in form
    assert "Jumlah murid (jiwa) — hanya kecamatan" in form  # no desa figures: said before it is picked
    for control in ("f-x", "f-y", "f-level", "f-period"):
        assert f'<label for="{control}">' in form
    # The form starts from the strongest discovered insight.
    chosen = dict(re.findall(r'<select id="f-(x|y)".*?<option value="([^"]+)" selected>', form, re.S))
    assert {chosen["x"], chosen["y"]} == {"prevalensi-stunting", "persen-air-minum-layak"}


@pytest.mark.slow
def test_the_discovered_pairs_show_q_values_small_n_and_link_to_their_correlation(client: TestClient) -> None:
    page = client.get("/insight", headers=BROWSER).text
    assert 'id="pairs-table"' in page and "Benjamini–Hochberg" in page
    wawasan = page[page.index('<ol class="wawasan">') :]
    wawasan = wawasan[: wawasan.index("</ol>")]
    first = html.unescape(re.findall(r'href="([^"]+)"', wawasan)[0])
    assert first.startswith("/insight/correlate?") and "level=desa" in first
    assert client.get(first, headers=BROWSER).status_code == 200
    q_cells = re.findall(r'<td class="num q-value" data-sort="([^"]*)">([^<]+)</td>', page)
    assert len(q_cells) >= 20 and all(shown in ("&lt; 0,001",) or "," in shown for _, shown in q_cells)
    small = client.get(
        "/insight/discover", params={"level": "kecamatan", "min_n": "12"}, headers=BROWSER
    ).text
    assert small.count('class="small-n"') == small.count('class="num q-value"') > 0
    assert "Tidak ada pasangan yang bermakna" in small


def test_a_graph_without_values_gets_the_page_with_a_note(platform: Platform) -> None:
    with TestClient(create_app(platform.settings, platform.store)) as c:
        page = c.get("/insight", headers=BROWSER)
        assert page.status_code == 200 and "Belum ada pasangan indikator" in page.text
