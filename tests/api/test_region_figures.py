"""Region pages list every published figure about the region, with agency, period and a trace."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from graph.describe import figures
from graph.describe.figures import region_figures
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

Demo = tuple[Platform, list[LoadReport]]
HTML = {"Accept": "text/html"}


def test_a_desa_has_the_figures_of_five_agencies_each_split_and_traced(demo: Demo) -> None:
    platform, _ = demo
    desa = platform.iris.base + "id/wilayah/18.09.01.2001"
    found = region_figures(platform.store, platform.iris, desa)
    assert not found.truncated
    assert found.agencies == [
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Dinas Kesehatan",
        "Dinas Pekerjaan Umum dan Perumahan Rakyat",
        "Dinas Pemberdayaan Masyarakat dan Desa",  # the real IDM 2024 (dpmd-idm-desa)
        "Dinas Sosial",
    ]
    # Population comes split by sex: one figure per sex and year, none unsplit.
    population = [f for f in found.figures if f.indicator.endswith("/jumlah-penduduk")]
    assert {f.breakdown for f in population} == {"Laki-laki", "Perempuan"}
    assert len(population) == len({(f.breakdown, f.period_label) for f in population})
    # Every figure is the value the store holds for that observation.
    for figure in found.figures[:20]:
        stored = platform.store.query(
            f"SELECT ?v WHERE {{ <{figure.observation}> <{figure.indicator}> ?v }}",
            default_graph=platform.store.named_graphs(),
        )
        assert [r["v"] for r in stored] == [figure.value]  # type: ignore[union-attr]


def test_the_region_page_shows_the_figures_table_with_indonesian_numbers_and_trace_links(
    client: TestClient, demo: Demo
) -> None:
    platform, _ = demo
    response = client.get("/id/wilayah/18.09.01.2001", headers=HTML)
    assert response.status_code == 200
    page = response.text
    assert 'id="h-angka"' in page and 'class="sortable n-last figures"' in page
    assert "Dinas Kesehatan" in page and "Dinas Sosial" in page
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", page.split('id="h-angka"')[1], flags=re.S)
    figures = region_figures(platform.store, platform.iris, platform.iris.base + "id/wilayah/18.09.01.2001")
    assert len(rows) == len(figures.figures)
    assert all('href="/id/obs/' in row or 'href="/id/observasi/' in row or "/id/" in row for row in rows)
    # Thousands are written the Indonesian way on the page, and sorted by the real value.
    big = next(f for f in figures.figures if f.number and f.number >= 1000)
    whole = int(big.number or 0)
    assert f'data-sort="{big.number}"' in page
    assert f"{whole // 1000}.{whole % 1000:03d}" in page


def test_machine_formats_of_a_region_do_not_carry_the_figures_table(client: TestClient) -> None:
    turtle = client.get("/id/wilayah/18.09.01.2001", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "h-angka" not in turtle.text


def test_a_region_with_no_figures_of_its_own_has_no_figures_section(client: TestClient) -> None:
    page = client.get("/id/wilayah/18", headers=HTML).text
    assert 'id="h-angka"' not in page


def test_figures_named_by_the_regions_observations_equal_the_unbounded_query(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two OPTIONALs bounded by the region's observations (seconds saved per region page at
    scale) give the figures of the query without the bound, which stays the definition."""
    platform, _ = demo
    iris = platform.iris
    codes = ["18.09", "18.09.01", "18.09.01.2001", "18.09.02.2003", "18.09.10.2005"]
    bounded = [region_figures(platform.store, iris, iris.region(c)) for c in codes]
    monkeypatch.setattr(figures, "_NAMED_AT_MOST", -1)  # every region past it: no VALUES
    unbounded = [region_figures(platform.store, iris, iris.region(c)) for c in codes]
    assert bounded == unbounded
    assert sum(len(f.figures) for f in bounded) > 50
    assert any(f.breakdown for found in bounded for f in found.figures)  # the keys' OPTIONAL binds
    assert any(f.unit for found in bounded for f in found.figures)  # and the units'
