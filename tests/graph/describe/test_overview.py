"""The home page's summary: holdings, freshness as of a given time, coherence per agency."""

from __future__ import annotations

import datetime as dt

from graph.describe.catalog import Catalog
from graph.describe.coherence import read_coherence
from graph.describe.overview import build_overview, read_holdings
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.graph.describe.catalog_support import DATASETS

Demo = tuple[Platform, list[LoadReport]]


def test_the_overview_judges_freshness_at_the_time_given(demo: Demo, catalog: Catalog) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    coherence = read_coherence(
        platform.store, platform.iris, shapes=platform.settings.shapes_path, max_rows=1000
    )
    holdings = read_holdings(platform.store, platform.iris, home)
    loaded = dt.datetime.fromisoformat(catalog.datasets[0].modified or "")
    later = build_overview(catalog, holdings, coherence, platform.iris, loaded + dt.timedelta(days=400))
    assert [d.id for d in later.datasets] == DATASETS
    # A year after loading (365 or 366 days) the next update was due: 400 days later it is ~35 days late.
    assert later.late == 7  # the six synthetic tables and the real IDM 2024
    for d in later.datasets:
        days = d.freshness.late_days
        assert days in (33, 34, 35)
        assert d.freshness.label == {"id": f"Terlambat {days} hari", "en": f"Late by {days} days"}
    # C5 and C9 are one finding each, at the row's year and code cells.
    assert (later.findings, later.violations, later.accepted, later.warnings, later.held) == (12, 5, 5, 7, 0)
    statuses = {a.slug: a.status for a in later.agencies}
    assert statuses["dpupr"] == "accepted" and statuses["bps"] == "warning" and statuses["bappeda"] == "none"
    assert [lv.level for lv in holdings.levels] == ["kabupaten", "kecamatan", "desa"]
    assert holdings.observations == sum(d.observations or 0 for d in later.datasets)
