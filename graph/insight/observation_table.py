"""Every published observation as one table, so insight pages read frames instead of the store.

``read_observations`` asks the store for one period's observations (two queries that scan
them), and the catalogue counts the regions each indicator is observed in (one more scan).
At half a million observations each takes longer than the query time limit, and /insight,
/insight/discover, /map and the home page ran them per request. The service builds this
table once per publication, in the background with the columnar view (``api.live_view``), and
the analyses take their frames from it (``ObservationSource``); until the first is ready
they ask the store, and while the next is built they read the previous one.

The table is made from the view's rows (``graph.answer.view_rows``): the one scan of each
published graph that the view makes serves both, so a publication scans only its new graph.

The table is made by the same function as the store's answer (``observation_frame``, in
the same order: the rows are the store's, partition after partition in the order of the
union), so a period's frame from here is the frame ``read_observations`` gives:
the SPARQL stays the definition, and ``tests/graph/insight/test_observation_table.py``
compares the two in full. The observation IRIs and dimension keys insight shows (each
value's sources, breakdowns) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.answer.view import ObservationView, read_view
from graph.insight.observations import COLUMNS, observation_frame
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs

__all__ = ["ObservationTable", "observation_table", "read_observation_table"]

_LEVELS = "SELECT ?region ?level WHERE { ?region oc:regionLevel/skos:notation ?level }"


@dataclass(frozen=True)
class ObservationTable:
    """Each period's observations (``COLUMNS``, in ``observation_frame``'s order) and the rows
    of the catalogue's ``OBSERVED`` count."""

    iris: Iris
    periods: dict[str, pd.DataFrame]  # period IRI -> its observations
    observed: list[dict[str, str]]
    empty: pd.DataFrame
    count: int
    areas: frozenset[str] = frozenset()  # the regions (IRIs) with observations
    period_counts: dict[str, int] = field(default_factory=dict)  # period IRI -> observations

    def observations(self, period: str, indicators: tuple[str, ...] | None) -> pd.DataFrame:
        """``read_observations(store, iris, period, indicators)``'s frame, from the table."""
        rows = self.periods.get(self.iris.period(period), self.empty)
        if indicators is not None:
            rows = rows[rows["indicator"].isin(indicators)]
        return rows.reset_index(drop=True)

    def under(self, area: str) -> pd.DataFrame:
        """The observations of ``area`` (a Kemendagri code) and every region below it, each
        with its ``period`` IRI: what ``graph.describe.region_values`` reads of an area."""
        found = [
            rows[rows["code"].str.startswith(area)].assign(period=period)
            for period, rows in self.periods.items()
        ]
        return pd.concat([self.empty.assign(period=""), *found], ignore_index=True)


def read_observation_table(store: Store, iris: Iris) -> ObservationTable:
    """The table of the published graphs as they are now (the view's scan and a small query)."""
    return observation_table(read_view(store, iris), store, iris)


def observation_table(view: ObservationView, store: Store, iris: Iris) -> ObservationTable:
    """The table of the observations ``view`` holds (its rows; the store is asked only for
    the regions' levels, a small query)."""
    frame = observation_frame(*_frames(view.rows), iris)
    levels = pd.DataFrame(
        PublicGraphs(store, iris).values(_LEVELS), columns=["region", "level"], dtype=object
    ).drop_duplicates()
    by_period = frame.groupby("period", sort=False)
    periods = {str(p): rows[COLUMNS].reset_index(drop=True) for p, rows in by_period}
    return ObservationTable(
        iris,
        periods,
        _observed(frame, levels, iris),
        observation_frame([], [], iris)[COLUMNS],
        len(frame),
        frozenset(frame["region"]),
        {str(p): int(n) for p, n in by_period["obs"].nunique().items()},
    )


def _frames(rows: pa.Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows as ``read_all_observations`` reads them: the observations (``_OBSERVATIONS``'s
    columns) and their breakdown keys (``_DIMENSIONS``'), every term as its text."""
    keys = pc.is_valid(rows.column("dimension"))
    plain = {name: rows.column(name).cast(pa.string()) for name in rows.column_names}
    table = pa.table(plain)
    observations = table.filter(pc.invert(keys)).select(
        ["period", "indicator", "obs", "area", "value", "dataset"]
    )
    dimensions = table.filter(keys).select(["obs", "dimension", "value"])
    return (
        observations.rename_columns(["period", "indicator", "obs", "region", "value", "dataset"]).to_pandas(),
        dimensions.rename_columns(["obs", "dimension", "code"]).to_pandas(),
    )


def _observed(frame: pd.DataFrame, levels: pd.DataFrame, iris: Iris) -> list[dict[str, str]]:
    """The rows of ``graph.insight.catalogue.OBSERVED``: regions observed per indicator,
    dataset, region level and period (a region with two levels counts at both, as the join)."""
    seen = frame[["indicator", "dataset", "code", "period"]].drop_duplicates()
    codes = levels.assign(code=levels["region"].str.removeprefix(iris.region_prefix))[["code", "level"]]
    joined = seen.merge(codes, on="code")
    counts = joined.groupby(["indicator", "dataset", "level", "period"]).size().reset_index(name="regions")
    prefix = iris.indicator("")
    return [
        {
            "indicator": prefix + str(r.indicator),
            "dataset": str(r.dataset),
            "level": str(r.level),
            "period": str(r.period),
            "regions": str(r.regions),
        }
        for r in counts.itertuples(index=False)
    ]
