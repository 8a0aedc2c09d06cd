"""Region boundaries for the choropleth map: the shipped GeoJSON, one indicator's values, classes.

The polygons are files in ``ontology/codes/`` named by the area they cover
(``boundaries_kecamatan_PP.geojson``: every kecamatan of province PP;
``boundaries_desa_PP.KK.geojson``: the desa of kabupaten PP.KK; see ``SOURCES.md``).
``load_boundaries`` finds the file for an instance's home region, or for the
nearest area around it, and keeps the home region's features. ``map_values``
obtains an indicator's value per region with the aggregation rules of
``graph.insight.observations`` (no second observation reader), and ``choropleth`` joins
the two and puts each value in a quantile class of a ColorBrewer palette. A refused map
parameter is a ``ParameterError`` naming what is allowed. The map colours one dataset's
figures (the indicator's authoritative dataset, or one asked for with ``sumber``); the table
of values shows the other datasets' figures beside them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph.answer.authoritative import SourceUse
from graph.answer.runners import Runner, run_here
from graph.errors import ParameterError
from graph.insight.catalogue import InsightCatalogue, read_catalogue
from graph.insight.observations import (
    NO_OBSERVATION,
    IndicatorValues,
    indicator_values,
    insight_inputs,
    other_sources,
    read_observations,
)
from graph.insight.refusals import level_problems, problem
from graph.rdf.iris import Iris
from graph.reference.indicators import Indicator
from graph.store.interface import Store
from graph.text import Text

__all__ = [
    "NO_DATA_COLOUR",
    "PALETTES",
    "RATES",
    "Boundaries",
    "Choropleth",
    "Classes",
    "MapValues",
    "boundary_file",
    "choropleth",
    "classify",
    "load_boundaries",
    "map_values",
    "value_table",
]

# ColorBrewer 2.0 "YlGnBu" (Cynthia A. Brewer, Pennsylvania State University, colorbrewer2.org;
# Apache-2.0 licence): a sequential scheme marked colour-blind safe and print friendly. A neutral
# hue on purpose: for some indicators high is good (safe water), for others bad (stunting).
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#7fcdbb",),
    2: ("#edf8b1", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
NO_DATA_COLOUR = "#bdbdbd"  # grey (the page hatches it too, so it does not read as a class)
MAX_CLASSES = 5
RATES = frozenset({"percentage", "ratio"})  # comparable across regions of any size
_CODE_PARTS = {"kecamatan": 3, "desa": 4}  # PP.KK.CC is a kecamatan, PP.KK.CC.DDDD a desa


# --- the shipped polygons ------------------------------------------------------------------------


@dataclass(frozen=True)
class Boundaries:
    """The home region's polygons at one level, as in the shipped file."""

    level: str
    path: Path
    features: tuple[dict[str, Any], ...]

    @property
    def codes(self) -> list[str]:
        return [str(f["properties"]["kode"]) for f in self.features]


def boundary_file(codes_dir: Path, home_region: str, level: str) -> Path | None:
    """The file of ``level`` polygons covering ``home_region``: its own, or the nearest enclosing area's.

    >>> d = Path(__file__).resolve().parents[2] / "ontology" / "codes"
    >>> boundary_file(d, "11.01", "desa") is None  # no desa polygons shipped for 11.01
    True
    """
    parts = home_region.split(".")
    for size in range(len(parts), 0, -1):
        path = codes_dir / f"boundaries_{level}_{'.'.join(parts[:size])}.geojson"
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=8)
def _features(path: Path) -> tuple[dict[str, Any], ...]:
    # Shipped, read-only files: read once per process. Callers never change the dicts.
    with path.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return tuple(collection["features"])


def load_boundaries(codes_dir: Path, home_region: str, level: str) -> Boundaries | None:
    """The polygons of the home region's ``level`` regions, or None when no file covers it."""
    path = boundary_file(codes_dir, home_region, level)
    if path is None:
        return None
    prefix = home_region + "."
    parts = _CODE_PARTS[level]
    kept = tuple(
        f
        for f in _features(path)
        if str(f["properties"]["kode"]).startswith(prefix)
        and str(f["properties"]["kode"]).count(".") == parts - 1
    )
    return Boundaries(level, path, kept)


# --- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapValues:
    """One indicator's value per region of a level in one year, and why regions have none."""

    indicator: Indicator
    level: str
    period: str
    values: pd.Series  # region code -> value
    rule: Text
    missing: dict[str, Text] = field(default_factory=dict)  # region code -> reason
    source: SourceUse | None = None  # the dataset whose figures are mapped
    others: dict[str, pd.Series] = field(default_factory=dict)  # other dataset slug -> its values


def _default_indicator(cat: InsightCatalogue, level: str) -> str | None:
    """A rate before a count (a map of counts mostly shows which regions are big), then the
    indicator covering the most regions of the level in its best year, then by slug."""
    best = [
        (cat.indicators[s].kind not in RATES, -max(cat.coverage(s, level).values()), s)
        for s in cat.with_data(level)
        if cat.indicators[s].kind != "categorical"  # no numeric classes for categories (issue 17)
    ]
    return min(best)[2] if best else None


def _check(cat: InsightCatalogue, indicator: str | None, level: str, period: str | None) -> tuple[str, str]:
    """The indicator and year to map, or ParameterError naming what is allowed."""
    problems = level_problems(level)
    if problems:
        raise ParameterError(problems)
    allowed = cat.with_data(level)
    slug = indicator or _default_indicator(cat, level)
    if slug is None:
        raise ParameterError(
            [
                problem(
                    "indicator",
                    indicator,
                    f"belum ada indikator bernilai tingkat {level} / "
                    f"no indicator has values at {level} level yet",
                    allowed,
                )
            ]
        )
    if slug not in allowed:
        what = (
            f"indikator {slug!r} tidak dikenal / unknown indicator {slug!r}"
            if slug not in cat.indicators
            else f"{slug!r} tidak punya nilai tingkat {level} / has no values at {level} level"
        )
        raise ParameterError(
            [
                problem(
                    "indicator",
                    indicator,
                    f"parameter 'indicator': {what}; allowed: {', '.join(allowed)}",
                    allowed,
                )
            ]
        )
    years = cat.years(slug, level)
    if period is None:
        period = max(cat.well_covered(slug, level) or set(years))
    elif period not in years:
        raise ParameterError(
            [
                problem(
                    "period",
                    period,
                    f"parameter 'period': tidak ada nilai {slug} tingkat {level} untuk {period!r} / "
                    f"no values of {slug} at {level} level for {period!r}; "
                    f"years with values: {', '.join(years)}",
                    years,
                )
            ]
        )
    return slug, period


def map_values(
    store: Store,
    iris: Iris,
    indicator: str | None,
    level: str,
    period: str | None,
    *,
    home_region: str,
    catalogue: InsightCatalogue | None = None,
    run: Runner | None = None,
    sources: Sequence[str] = (),
) -> MapValues:
    """The indicator's value per region of ``level`` in ``period`` by the aggregation rules.

    ``indicator`` None: the one with values for the most regions; ``period`` None: its latest
    well-covered year. ``run`` runs the store work (the service's query workers).
    ``sources``: dataset slugs (``sumber``) to map instead of the authoritative dataset.

    Raises:
        ParameterError: an unknown level, indicator or dataset, one without values at the
            level, a dataset not publishing the indicator, or a year without values.
        QueryError, StoreError: the store failed or ran past the time limit.
    """
    runner = run or run_here(store)
    cat = (catalogue or runner(read_catalogue, iris, home_region)).choose(sources)
    if sources and indicator in cat.indicators:
        refused = cat.asked_problems(sources, [indicator])
        if refused:
            raise ParameterError(refused)
    slug, period = _check(cat, indicator, level, period)
    observations = runner(read_observations, iris, period, tuple(cat.needed(slug, level, period)))
    inputs = insight_inputs(cat, period, observations)
    found = indicator_values(inputs, cat.indicators, slug, level)
    info = cat.indicators[slug]
    use = cat.source(slug)
    if not isinstance(found, IndicatorValues):  # the catalogue promised values: the data changed
        return MapValues(info, level, period, pd.Series(dtype=float), found, source=use)
    finite = found.values[np.isfinite(found.values.astype(float))]
    others = {d: v.values.astype(float) for d, v in other_sources(inputs, cat, slug, level).items()}
    return MapValues(info, level, period, finite.astype(float), found.rule, dict(found.missing), use, others)


# --- classes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classes:
    """Quantile classes: class i holds the values in (lower[i], upper[i]] (the first includes its lower)."""

    lower: tuple[float, ...]
    upper: tuple[float, ...]
    counts: tuple[int, ...]
    colours: tuple[str, ...]

    def index(self, value: float) -> int:
        """The class of ``value``: how many class upper bounds lie below it."""
        return int(np.searchsorted(np.asarray(self.upper[:-1]), value, side="left"))

    def digits(self, kind: str) -> int:
        """Decimals for the bounds, the same throughout the legend: none for counts and money,
        one from 10 up, else two.

        >>> classify([0.5, 1.25, 3.0]).digits("percentage"), classify([5, 50]).digits("count")
        (2, 0)
        """
        top = max(abs(b) for b in (*self.lower, *self.upper))
        return 0 if kind in ("count", "currency") else 1 if top >= 10 else 2


def classify(values: Sequence[float], k: int = MAX_CLASSES) -> Classes | None:
    """At most ``k`` quantile classes (about as many regions in each), None without values.

    Quantiles rank regions against each other, which is what a map of one kabupaten is read
    for; the legend gives each class's range. Tied breaks merge classes, so a few distinct
    values give fewer classes.

    >>> c = classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    >>> c.upper, c.counts
    ((2.8, 4.6, 6.4, 8.2, 10.0), (2, 2, 2, 2, 2))
    >>> classify([3, 3, 3]).counts, classify([]) is None
    ((3,), True)
    """
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return None
    edges = np.unique(np.quantile(data, np.linspace(0, 1, min(k, MAX_CLASSES) + 1)))
    uppers = tuple(float(e) for e in edges[1:]) or (float(edges[0]),)
    lowers = (float(edges[0]), *uppers[:-1])
    index = np.searchsorted(np.asarray(uppers[:-1]), data, side="left")
    counts = tuple(int(c) for c in np.bincount(index, minlength=len(uppers)))
    return Classes(lowers, uppers, counts, PALETTES[len(uppers)])


# --- the joined map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choropleth:
    """Polygons with their values and classes, and the regions the map cannot show."""

    features: list[
        dict[str, Any]
    ]  # GeoJSON features; properties: kode, nama, value, class, fill, href, label
    classes: Classes | None
    without_value: list[dict[str, Any]]  # drawn hatched: code, label, reason, href
    without_polygon: list[dict[str, Any]]  # not drawn: code, label, value, value_label, href

    def feature_collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


def choropleth(
    boundaries: Boundaries,
    values: MapValues,
    labels: Mapping[str, str],
    *,
    href: Callable[[str], str],
    describe: Callable[[float], str],
) -> Choropleth:
    """Join ``values`` to the polygons and classify them.

    ``labels``: region code -> name (the region code list's; the file's ``nama`` otherwise);
    ``href``: code -> link to the region's page; ``describe``: value -> text for people.
    """
    series = values.values
    classes = classify(series.to_list())
    features = []
    without_value = []
    drawn = set()
    for feature in boundaries.features:
        props = feature["properties"]
        code = str(props["kode"])
        drawn.add(code)
        name = labels.get(code, str(props["nama"]))
        value = float(series[code]) if code in series.index else None
        index = classes.index(value) if classes is not None and value is not None else None
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "kode": code,
                    "nama": name,
                    "value": value,
                    "label": describe(value) if value is not None else None,
                    "class": index,
                    "fill": classes.colours[index] if classes is not None and index is not None else None,
                    "href": href(code),
                },
            }
        )
        if value is None:
            reason = values.missing.get(code, NO_OBSERVATION)
            without_value.append({"code": code, "label": name, "reason": reason, "href": href(code)})
    without_polygon = [
        {
            "code": code,
            "label": labels[code],
            "value": float(series[code]) if code in series.index else None,
            "value_label": describe(float(series[code])) if code in series.index else None,
            "reason": values.missing.get(code),
            "href": href(code),
        }
        for code in sorted(set(labels) - drawn)
    ]
    return Choropleth(features, classes, without_value, without_polygon)


def value_table(
    values: MapValues, cat: InsightCatalogue, classes: Classes | None, *, href: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Every region of the level, by code: its name (and kecamatan, for a desa), its value or why it
    has none, its class, ``href`` (code -> link to the region's page) and ``others``: what the
    other datasets publishing the indicator say (slug -> value)."""
    rows: list[dict[str, Any]] = []
    for code, label in sorted(cat.labels(values.level).items()):
        value = float(values.values[code]) if code in values.values.index else None
        rows.append(
            {
                "code": code,
                "label": label,
                "kecamatan": cat.kecamatan_label(code) if values.level == "desa" else "",
                "value": value,
                "reason": values.missing.get(code),
                "href": href(code),
                "class": classes.index(value) if classes is not None and value is not None else None,
                "others": {
                    slug: float(series[code])
                    for slug, series in values.others.items()
                    if code in series.index
                },
            }
        )
    return rows
