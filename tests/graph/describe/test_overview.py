"""The home page's summary: holdings, freshness as of a given time, coherence per agency."""

from __future__ import annotations

import datetime as dt

from graph.describe.catalog import Catalog
from graph.describe.coherence_summary import read_coherence_summary
from graph.describe.overview import build_overview, read_holdings
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.graph.describe.catalog_support import DATASETS

Demo = tuple[Platform, list[LoadReport]]


def test_the_overview_judges_freshness_at_the_time_given(demo: Demo, catalog: Catalog) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    coherence = read_coherence_summary(platform.store, platform.iris)
    holdings = read_holdings(platform.store, platform.iris, home)
    later = build_overview(
        catalog, holdings, coherence, platform.iris, dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC)
    )
    assert [d.id for d in later.datasets] == DATASETS
    # Six datasets end in 2024 (annual: 2025 was due during 2026); dinsos has the typo 2027.
    assert (later.late, later.future) == (6, 1)
    for d in later.datasets:
        if d.id == "dinsos-kpm-desa":
            assert d.freshness.label["id"] == "Periode di masa depan (2027)"
        else:
            assert (d.last_period, d.freshness.due, d.freshness.late_days) == ("2024", "2026-01-01", 337)
    earlier = build_overview(
        catalog, holdings, coherence, platform.iris, dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    )
    assert (earlier.late, earlier.future) == (0, 1)
    # C5 and C9 are one finding each, at the row's year and code cells.
    assert (later.findings, later.violations, later.accepted, later.warnings, later.held) == (12, 5, 5, 7, 0)
    statuses = {a.slug: a.status for a in later.agencies}
    assert statuses["dpupr"] == "accepted" and statuses["bps"] == "warning" and statuses["bappeda"] == "none"
    assert [lv.level for lv in holdings.levels] == ["kabupaten", "kecamatan", "desa"]
    assert holdings.observations == sum(d.observations or 0 for d in later.datasets)
