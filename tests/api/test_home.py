"""``/`` (Beranda) over HTTP, and the summary below it: holdings, freshness, coherence, insights."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.cube.metadata import FREQUENCY
from graph.describe.catalog import read_catalog
from graph.describe.coherence import read_coherence
from graph.describe.overview import build_overview, freshness, read_holdings
from graph.publish.platform import LoadReport, Platform

Demo = tuple[Platform, list[LoadReport]]
DATASETS = [
    "bps-luas-penduduk-kecamatan",
    "dinkes-stunting-desa",
    "dinsos-kpm-desa",
    "disdik-sekolah-kecamatan",
    "disdukcapil-penduduk-desa",
    "dpupr-air-sanitasi-desa",
]
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


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
    assert "8.528 angka" in page  # every published observation, Indonesian digit grouping
    assert "148 kode, 148 berdata" in page and "11 kode, 11 berdata" in page
    assert "/static/css/home.css" in page


def test_home_shows_freshness_coherence_per_agency_and_the_strongest_insights(page: str) -> None:
    # Loaded just now, annual: every dataset is on time, next due a year later.
    assert page.count("Tepat waktu") == 6 and "Terlambat" not in page
    assert page.count("Tahunan") >= 6
    rows = dict(re.findall(r'<tr data-agency="([a-z]+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"bps", "dinkes", "dinsos", "disdik", "disdukcapil", "dpupr"}
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


# --- the library below the route ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("updated", "frequency", "status", "due", "late_days", "label"),
    [
        ("2025-01-10T08:00:00Z", "annual", "on_time", "2026-01-10", None, "Tepat waktu"),
        ("2024-01-10T08:00:00Z", "annual", "late", "2025-01-10", 142, "Terlambat 4 bulan"),
        ("2025-05-20T08:00:00+00:00", "monthly", "on_time", "2025-06-20", None, "Tepat waktu"),
        ("2025-04-20T00:00:00Z", "monthly", "late", "2025-05-20", 12, "Terlambat 12 hari"),
        ("2025-01-31T00:00:00Z", "quarterly", "late", "2025-04-30", 32, "Terlambat 32 hari"),
        ("2024-11-30T00:00:00Z", "semiannual", "late", "2025-05-30", 2, "Terlambat 2 hari"),
        ("2020-01-01T00:00:00Z", FREQUENCY["annual"], "late", "2021-01-01", 1612, "Terlambat 4 tahun"),
        ("2020-01-01T00:00:00Z", "irregular", "irregular", None, None, "Tanpa jadwal tetap"),
        ("2020-01-01T00:00:00Z", None, "unknown", None, None, "Frekuensi tidak dinyatakan"),
        (None, "annual", "unknown", None, None, "Tanggal muat tidak diketahui"),
    ],
)
def test_freshness_against_the_declared_frequency(
    updated: str | None,
    frequency: str | None,
    status: str,
    due: str | None,
    late_days: int | None,
    label: str,
) -> None:
    found = freshness(updated, frequency, NOW)
    assert (found.status, found.due, found.late_days, found.label["id"]) == (status, due, late_days, label)
    assert found.label["en"]


def test_the_overview_judges_freshness_at_the_time_given(demo: Demo) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    catalog = read_catalog(platform.store, platform.iris, home)
    coherence = read_coherence(
        platform.store, platform.iris, shapes=platform.settings.shapes_path, max_rows=1000
    )
    holdings = read_holdings(platform.store, platform.iris, home)
    loaded = dt.datetime.fromisoformat(catalog.datasets[0].modified or "")
    later = build_overview(catalog, holdings, coherence, platform.iris, loaded + dt.timedelta(days=400))
    assert [d.id for d in later.datasets] == DATASETS
    # A year after loading (365 or 366 days) the next update was due: 400 days later it is ~35 days late.
    assert later.late == 6
    for d in later.datasets:
        days = d.freshness.late_days
        assert days in (33, 34, 35)
        assert d.freshness.label == {"id": f"Terlambat {days} hari", "en": f"Late by {days} days"}
    assert (later.findings, later.violations, later.accepted, later.warnings, later.held) == (14, 6, 6, 8, 0)
    statuses = {a.slug: a.status for a in later.agencies}
    assert statuses["dpupr"] == "accepted" and statuses["bps"] == "warning" and statuses["bappeda"] == "none"
    assert [lv.level for lv in holdings.levels] == ["kabupaten", "kecamatan", "desa"]
    assert holdings.observations == sum(d.observations or 0 for d in later.datasets)
