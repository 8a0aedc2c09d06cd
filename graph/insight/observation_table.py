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

The frames are ``observation_frame``'s (the store's answer's function), made from the rows'
dictionary codes by ``graph.insight.observation_frames`` (a pandas sort of a million texts took
most of a minute), so a period's frame from here is the frame ``read_observations`` gives:
the SPARQL stays the definition, and ``tests/graph/insight/test_observation_table.py``
compares the two in full. The catalogue's counts, the regions and the periods' counts are
counted on the codes too, and ``under`` picks an area's rows by integer codes. The
observation IRIs and dimension keys insight shows (each value's sources, breakdowns) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.answer.view import ObservationView, read_view
from graph.insight.observation_frames import Coded, coded_rows, period_frames
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
    # Period IRI -> each row's region as a code into ``region_codes`` (``under`` compares integers).
    row_regions: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    region_codes: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=object), compare=False, repr=False
    )

    def observations(self, period: str, indicators: tuple[str, ...] | None) -> pd.DataFrame:
        """``read_observations(store, iris, period, indicators)``'s frame, from the table."""
        rows = self.periods.get(self.iris.period(period), self.empty)
        if indicators is not None:
            rows = rows[rows["indicator"].isin(indicators)]
        return rows.reset_index(drop=True)

    def under(self, area: str) -> pd.DataFrame:
        """The observations of ``area`` (a Kemendagri code) and every region below it, each
        with its ``period`` IRI: what ``graph.describe.region_values`` reads of an area."""
        if self.row_regions:  # the codes under the area, then their rows: no text compared per row
            inside = np.flatnonzero([c.startswith(area) for c in self.region_codes.tolist()])
            picked = {p: np.isin(self.row_regions[p], inside) for p in self.periods}
        else:
            picked = {p: rows["code"].str.startswith(area).to_numpy(bool) for p, rows in self.periods.items()}
        found = [
            rows[picked[period]].assign(period=period)
            for period, rows in self.periods.items()
            if picked[period].any()
        ]
        return pd.concat([self.empty.assign(period=""), *found], ignore_index=True)


def read_observation_table(store: Store, iris: Iris) -> ObservationTable:
    """The table of the published graphs as they are now (the view's scan and a small query)."""
    return observation_table(read_view(store, iris), store, iris)


def observation_table(view: ObservationView, store: Store, iris: Iris) -> ObservationTable:
    """The table of the observations ``view`` holds (its rows; the store is asked only for
    the regions' levels, a small query). The frames are made by their dictionary codes
    (``graph.insight.observation_frames``): ``observation_frame``'s frames, without its sorts."""
    coded = coded_rows(view.rows, iris)
    levels = pd.DataFrame(
        PublicGraphs(store, iris).values(_LEVELS), columns=["region", "level"], dtype=object
    ).drop_duplicates()
    periods, row_regions = period_frames(coded)
    # Observations per period: distinct (period, observation) codes.
    pairs = np.unique(coded.period * max(len(coded.observations), 1) + coded.obs)
    per_period = np.bincount(pairs // max(len(coded.observations), 1), minlength=len(coded.periods))
    return ObservationTable(
        iris,
        periods,
        _observed(coded, levels, iris),
        observation_frame([], [], iris)[COLUMNS],
        len(coded.period),
        frozenset(coded.regions[np.unique(coded.region)].tolist()),
        {str(p): int(per_period[i]) for i, p in enumerate(coded.periods) if per_period[i]},
        row_regions,
        coded.codes,
    )


def _observed(coded: Coded, levels: pd.DataFrame, iris: Iris) -> list[dict[str, str]]:
    """The rows of ``graph.insight.catalogue.OBSERVED``: regions observed per indicator,
    dataset, region level and period (a region with two levels counts at both, as the join).
    Counted on the rows' codes (one integer key per row), then named and sorted by the texts."""
    n_ds, n_region, n_period = (max(len(a), 1) for a in (coded.datasets, coded.regions, coded.periods))
    key = ((coded.indicator * n_ds + coded.dataset) * n_region + coded.region) * n_period + coded.period
    seen = np.unique(key)  # each (indicator, dataset, region, period) once
    seen, period = np.divmod(seen, n_period)
    seen, region = np.divmod(seen, n_region)
    indicator, dataset = np.divmod(seen, n_ds)
    # Each region's levels (by its code, as the definition's join), then the regions counted.
    stripped = levels["region"].str.removeprefix(iris.region_prefix).tolist()
    level_names = sorted(set(levels["level"].tolist()))
    by_code: dict[str, list[int]] = {}
    for code, level in zip(stripped, levels["level"].tolist(), strict=True):
        by_code.setdefault(code, []).append(level_names.index(level))
    rows_of: list[np.ndarray] = []
    levels_of: list[np.ndarray] = []
    per_region = [by_code.get(c, []) for c in coded.codes.tolist()]
    for nth in range(max((len(x) for x in per_region), default=0)):
        level_at = np.array([x[nth] if len(x) > nth else -1 for x in per_region], dtype=np.int64)
        at = level_at[region] if len(region) else np.zeros(0, dtype=np.int64)
        rows_of.append(np.flatnonzero(at >= 0))
        levels_of.append(at[at >= 0])
    if not rows_of:
        return []
    picked = np.concatenate(rows_of)
    n_level = max(len(level_names), 1)
    group = (
        (indicator[picked] * n_ds + dataset[picked]) * n_level + np.concatenate(levels_of)
    ) * n_period + period[picked]
    groups, counts = np.unique(group, return_counts=True)
    rest, g_period = np.divmod(groups, n_period)
    rest, g_level = np.divmod(rest, n_level)
    g_indicator, g_dataset = np.divmod(rest, n_ds)
    found = sorted(
        zip(
            coded.indicators[g_indicator].tolist(),
            coded.datasets[g_dataset].tolist(),
            [level_names[i] for i in g_level.tolist()],
            coded.periods[g_period].tolist(),
            counts.tolist(),
            strict=True,
        )
    )
    prefix = iris.indicator("")
    return [
        {"indicator": prefix + i, "dataset": d, "level": lv, "period": p, "regions": str(n)}
        for i, d, lv, p, n in found
    ]
