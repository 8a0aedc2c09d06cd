"""The observation table gives insight exactly the store's frames, and so the same analyses.

``read_observations`` (SPARQL, per period) is the definition; the table is read once per
publication. Compared in full on the demo graph (breakdowns, recomputed percentages,
categories, two datasets of one indicator) and on a generated province sample (the
benchmark's table of every desa, loaded through the real pipeline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from graph.describe.overview import read_holdings
from graph.describe.region_profile import profile_area, region_profile
from graph.errors import ParameterError
from graph.insight.catalogue import LEVELS, read_catalogue
from graph.insight.choropleth import map_values
from graph.insight.correlate import correlate
from graph.insight.discover import discover
from graph.insight.observation_table import ObservationTable, read_observation_table
from graph.insight.observations import read_observations
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.settings import load_settings
from graph.store.interface import Store
from tests.scripts import script_module

# Slow: every period and indicator read both ways, every analysis run twice.
pytestmark = pytest.mark.slow

Demo = tuple[Platform, list[LoadReport]]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A few thousand generated observations over every desa of the province, published."""
    path = tmp_path_factory.mktemp("province") / "store"
    for bench in script_module("bench_questions"):
        bench.build_province(path, 4_000)
    # The table covers the first desa of the code list: their kabupaten is the home region.
    probe = Platform(load_settings(store_path=str(path)))
    home = probe.regions.codes_by_level["desa"][0].rsplit(".", 2)[0]
    probe.close()
    platform = Platform(load_settings(store_path=str(path), home_region=home))
    yield platform
    platform.close()


Read = tuple[Store, Iris, str, ObservationTable]


@pytest.fixture(scope="module")
def tables(demo: Demo, province: Platform) -> list[Read]:
    """Each store with its table, read once (from the view's scan) for every test here."""
    platforms = (demo[0], province)
    return [
        (p.store, p.iris, p.settings.home_region, read_observation_table(p.store, p.iris)) for p in platforms
    ]


@pytest.mark.parametrize("which", [0, 1], ids=["demo", "province"])
def test_every_period_and_indicator_gives_the_stores_frame(tables: list[Read], which: int) -> None:
    store, iris, _, table = tables[which]
    assert table.count > 3_000
    periods = sorted(p.removeprefix(iris.period_prefix) for p in table.periods)
    slugs = sorted({s for frame in table.periods.values() for s in frame["indicator"]})
    assert periods and len(slugs) > 3
    for period in [*periods, "1999"]:  # a year without observations gives the same empty frame
        for asked in [None, *((s,) for s in slugs), tuple(slugs[:3]), ("tidak-ada",)]:
            expected = read_observations(store, iris, period, asked)
            pd.testing.assert_frame_equal(table.observations(period, asked), expected)


@pytest.mark.parametrize("which", [0, 1], ids=["demo", "province"])
def test_the_catalogue_counts_the_same_from_the_table(tables: list[Read], which: int) -> None:
    store, iris, home, table = tables[which]
    scanned = read_catalogue(store, iris, home)
    fast = read_catalogue(store, iris, home, table.observed)
    assert fast.by_dataset == scanned.by_dataset and fast.observed == scanned.observed
    assert scanned.observed


def analyses(store: Store, iris: Iris, home: str, table: ObservationTable | None) -> list[Any]:
    """Every discovery, map and a correlation of each indicator with values at a level,
    as their answers read (JSON, or the values with their reasons); a refusal as its problems."""
    cat = read_catalogue(store, iris, home, None if table is None else table.observed)
    source = None if table is None else table.observations
    common = {"home_region": home, "catalogue": cat, "observations": source}
    out: list[Any] = []

    def answer(fn: Any, *args: Any) -> Any:
        try:
            found = fn(store, iris, *args, **common)
        except ParameterError as exc:
            return exc.problems
        if hasattr(found, "as_dict"):
            return found.as_dict()
        return (
            found.values.to_dict(),
            found.rule,
            found.missing,
            {k: v.to_dict() for k, v in found.others.items()},
        )

    for level in LEVELS:
        years = cat.all_years()
        out += [answer(discover, level, year) for year in [None, *years]]
        numeric = [s for s in cat.with_data(level)]
        out += [answer(map_values, slug, level, None) for slug in sorted(cat.indicators)]
        # Each indicator with its neighbour in order (every one correlated, not every pair: the
        # frames are compared in full above, and each pair costs the store path seconds).
        ordered = sorted(numeric)
        out += [answer(correlate, x, y, level, None) for x, y in zip(ordered, ordered[1:], strict=False)]
    return out


@pytest.mark.parametrize("which", [0, 1], ids=["demo", "province"])
def test_insight_answers_the_same_from_the_table(tables: list[Read], which: int) -> None:
    store, iris, home, table = tables[which]
    expected = analyses(store, iris, home, None)
    assert expected == analyses(store, iris, home, table)
    assert sum(isinstance(a, dict) for a in expected) > 5  # answers, not only refusals


@pytest.mark.parametrize("which", [0, 1], ids=["demo", "province"])
def test_the_home_pages_holdings_are_the_same_from_the_table(tables: list[Read], which: int) -> None:
    store, iris, home, table = tables[which]
    scanned = read_holdings(store, iris, home)
    assert scanned.observations > 3_000 and any(level.with_data for level in scanned.levels)
    assert read_holdings(store, iris, home, (table.areas, table.period_counts)) == scanned


@pytest.mark.parametrize("which", [0, 1], ids=["demo", "province"])
def test_region_profiles_are_the_same_from_the_table(tables: list[Read], which: int) -> None:
    store, iris, home, table = tables[which]
    observed = sorted({c for frame in table.periods.values() for c in frame["code"]})
    codes = [home, *observed[:: max(1, len(observed) // 12)]]  # the home region and a spread of others
    today = dt.date(2026, 6, 1)
    for code in codes:
        iri = iris.region(code)
        scanned = region_profile(store, iris, iri, today=today)
        fast = region_profile(store, iris, iri, today=today, observed=table.under(profile_area(code)))
        assert fast == scanned, code
    assert any(
        theme.cards for theme in region_profile(store, iris, iris.region(codes[1]), today=today).themes
    )
