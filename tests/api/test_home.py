"""``/`` (Beranda) over HTTP: what the graph holds, freshness, coherence per agency, insights, links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers import home as home_router
from graph.publish.platform import Platform
from tests.graph.describe.catalog_support import DATASETS


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    text: str = response.text
    return text


@pytest.mark.slow
def test_home_is_html_for_every_client(client: TestClient) -> None:
    for accept in ("application/json", "*/*", ""):
        response = client.get("/", headers={"Accept": accept} if accept else {})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert '<a href="/" aria-current="page">Beranda' in client.get("/").text


def test_home_lists_datasets_agencies_indicators_regions_and_periods_with_their_id_pages(page: str) -> None:
    assert "Satu Data Kabupaten Pesawaran" in page
    for dataset in DATASETS:
        assert f'href="/id/dataset/{dataset}"' in page
        assert f'href="/catalog/{dataset}.csv"' in page
    assert 'href="/id/organisasi/dinkes">Dinas Kesehatan</a>' in page
    assert 'href="/id/organisasi/bappeda"' in page  # an agency with nothing published is listed too
    assert 'href="/id/indikator/prevalensi-stunting">Prevalensi stunting</a>' in page
    assert 'href="/id/wilayah/18.09">Kabupaten Pesawaran</a>' in page
    assert 'href="/id/wilayah/18.09.01">Gedong Tataan</a>' in page
    assert page.count('href="/id/wilayah/18.09.') == 11  # the eleven kecamatan
    for year in ("2020", "2024", "2027"):  # 2027: the C5 row the Walidata accepted
        assert f'href="/id/periode/{year}">{year}</a>' in page
    assert "9.410 angka" in page  # every published observation (882 of the real IDM), Indonesian grouping
    assert "148 kode, 148 berdata" in page and "11 kode, 11 berdata" in page
    assert "/static/css/home.css" in page


def test_home_judges_freshness_by_the_latest_period_as_of_the_request(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The service reads the clock once per request: fixed here, 4 December 2026.
    monkeypatch.setattr(home_router, "now", lambda: dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC))
    page = client.get("/", headers={"Accept": "text/html"}).text
    assert re.search(r"Per (2026-12-04|4 Desember 2026)\.", page)  # ISO, or as Indonesians write it
    rows = dict(re.findall(r'<tr data-dataset="([a-z-]+)">(.*?)</tr>', page, re.S))
    assert set(rows) == set(DATASETS)
    status = {d: re.search(r'data-status="([a-z]+)"', row).group(1) for d, row in rows.items()}  # type: ignore[union-attr]
    # The typo year 2027 (dinsos, data/README.md C5) is a finding, not "on time"; the other six
    # end in 2024: annual figures for 2025 were due during 2026.
    assert status.pop("dinsos-kpm-desa") == "future" and set(status.values()) == {"late"}
    assert "Periode di masa depan (2027)" in rows["dinsos-kpm-desa"]
    assert "Terlambat 11 bulan" in rows["dinkes-stunting-desa"]
    assert "Tepat waktu" not in page and "6 dataset terlambat." in page
    assert "1 dataset dengan periode di masa depan." in page


def test_home_shows_freshness_coherence_per_agency_and_the_strongest_insights(page: str) -> None:
    assert page.count("Tahunan") >= 6
    rows = dict(re.findall(r'<tr data-agency="([a-z]+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"bps", "dinkes", "dinsos", "disdik", "disdukcapil", "dpmd", "dpupr"}
    assert "Pelanggaran diterima Walidata" in rows["dpupr"] and "Ada peringatan" in rows["bps"]
    assert 'href="/coherence?agency=dpupr"' in rows["dpupr"]
    insights = page[page.index('id="wawasan"') : page.index('id="h-rincian"')]
    links = re.findall(r'href="(/insight/correlate\?[^"]+)"', insights)
    assert 3 <= len(links) <= 5
    assert (
        links[0]
        == "/insight/correlate?x=persen-air-minum-layak&amp;y=prevalensi-stunting&amp;level=desa&amp;period=2024"
    )
    assert "Korelasi bukan sebab-akibat" in insights and "Correlation is not causation" in insights
    assert "r = -0,76" in insights and "r = -0.76" in insights


@pytest.mark.slow
def test_the_links_on_home_lead_somewhere(client: TestClient, page: str) -> None:
    correlate = re.search(r'href="(/insight/correlate\?[^"]+)"', page)
    assert correlate is not None
    assert client.get(correlate.group(1).replace("&amp;", "&")).status_code == 200
    for path in ("/id/dataset/dinkes-stunting-desa", "/id/organisasi/dinkes", "/id/periode/2024",
                 "/id/indikator/prevalensi-stunting", "/coherence?agency=dinkes"):  # fmt: skip
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path


def test_home_with_nothing_published_still_renders(platform: Platform) -> None:
    with TestClient(create_app(platform.settings, platform.store)) as c:
        response = c.get("/")
        assert response.status_code == 200
        assert "Belum ada dataset terbit" in response.text
        assert "Belum ada wawasan" in response.text
