"""The choropleth map: one indicator's values per region, their classes, joined to the polygons.

The polygons are the shipped files read by ``graph.insight.boundaries`` (``load_boundaries``,
re-exported here). ``map_values`` obtains an indicator's value per region with the aggregation
rules of ``graph.insight.observations`` (no second observation reader), and ``choropleth`` joins
the two and puts each value in a quantile class of a ColorBrewer palette. A categorical
indicator is mapped by category instead (``graph.insight.category_map``: each region's category
as published, one colour per category, the legend counting the regions of each). A refused map
parameter is a ``ParameterError`` naming what is allowed. The map colours one dataset's
figures (the indicator's authoritative dataset, or one asked for with ``sumber``); the table
of values shows the other datasets' figures beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graph.answer.authoritative import SourceUse
from graph.answer.runners import Runner, run_here
from graph.errors import ParameterError
from graph.insight.boundaries import Boundaries, boundary_file, load_boundaries
from graph.insight.catalogue import InsightCatalogue, read_catalogue
from graph.insight.category_map import (
    CategoryClass,
    category_classes,
    category_others,
    category_painter,
    category_values,
)
from graph.insight.observations import (
    NO_OBSERVATION,
    IndicatorValues,
    InsightInputs,
    ObservationSource,
    indicator_values,
    insight_inputs,
    other_sources,
    store_source,
)
from graph.insight.refusals import level_problems, problem
from graph.rdf.iris import Iris
from graph.reference.indicators import Indicator
from graph.store.interface import Store
from graph.text import Text

__all__ = [
    "INDEX_DIGITS",
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
INDEX_DIGITS = 4  # an index on 0–1 is published with four decimals (IDM 0.6719): shown so


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
    # A categorical indicator: its categories in rank order (the legend); values are concept IRIs.
    categories: tuple[CategoryClass, ...] = ()

    @property
    def categorical(self) -> bool:
        return bool(self.categories)


def _default_indicator(cat: InsightCatalogue, level: str) -> str | None:
    """A rate before a count (a map of counts mostly shows which regions are big), then the
    indicator covering the most regions of the level in its best year, then by slug. Numeric
    ones only: a categorical indicator is mapped when asked for (issue 17)."""
    best = [
        (cat.indicators[s].kind not in RATES, -max(cat.coverage(s, level).values()), s)
        for s in cat.with_data(level)
    ]
    return min(best)[2] if best else None


def _check(cat: InsightCatalogue, indicator: str | None, level: str, period: str | None) -> tuple[str, str]:
    """The indicator and year to map, or ParameterError naming what is allowed."""
    problems = level_problems(level)
    if problems:
        raise ParameterError(problems)
    allowed = cat.with_data(level, categorical=None)
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
    observations: ObservationSource | None = None,
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
    read = observations or store_source(runner, iris)
    cat = (catalogue or runner(read_catalogue, iris, home_region)).choose(sources)
    if sources and indicator in cat.indicators:
        refused = cat.asked_problems(sources, [indicator])
        if refused:
            raise ParameterError(refused)
    slug, period = _check(cat, indicator, level, period)
    frame = read(period, tuple(cat.needed(slug, level, period)))
    inputs = insight_inputs(cat, period, frame)
    if slug in cat.code_lists:  # categories: as published, never aggregated
        return _categories(inputs, cat, slug, level)
    found = indicator_values(inputs, cat.indicators, slug, level)
    info = cat.used(slug)  # with whether the figures mapped are synthetic
    use = cat.source(slug)
    if not isinstance(found, IndicatorValues):  # the catalogue promised values: the data changed
        return MapValues(info, level, period, pd.Series(dtype=float), found, source=use)
    finite = found.values[np.isfinite(found.values.astype(float))]
    others = {d: v.values.astype(float) for d, v in other_sources(inputs, cat, slug, level).items()}
    return MapValues(info, level, period, finite.astype(float), found.rule, dict(found.missing), use, others)


def _categories(inputs: InsightInputs, cat: InsightCatalogue, slug: str, level: str) -> MapValues:
    """A categorical indicator's category per region (concept IRIs), with the legend's classes."""
    info, code_list, use = cat.used(slug), cat.code_lists[slug], cat.source(slug)
    found = category_values(inputs, info, code_list, level)
    if not isinstance(found, IndicatorValues):  # the catalogue promised values: the data changed
        empty = pd.Series(dtype=object)
        classes = category_classes(code_list, empty)
        return MapValues(info, level, inputs.period, empty, found, source=use, categories=classes)
    others = category_others(inputs, cat, slug, level)
    classes = category_classes(code_list, found.values)
    missing = dict(found.missing)
    return MapValues(info, level, inputs.period, found.values, found.rule, missing, use, others, classes)


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
        four for an index (on 0–1, published with four: IDM), one from 10 up, else two.

        >>> classify([0.5, 1.25, 3.0]).digits("percentage"), classify([5, 50]).digits("count")
        (2, 0)
        """
        if kind == "index":
            return INDEX_DIGITS
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
    ``href``: code -> link to the region's page; ``describe``: value -> text for people. A
    categorical indicator's feature has its category's code as ``value``, its labels as
    ``label`` and its place in the legend as ``class``; ``classes`` is then None.
    """
    classes = None if values.categorical else classify(values.values.to_list())
    paint = _painter(values, classes, describe)
    features = []
    without_value = []
    drawn = set()
    for feature in boundaries.features:
        props = feature["properties"]
        code = str(props["kode"])
        drawn.add(code)
        name = labels.get(code, str(props["nama"]))
        value, label, index, fill = paint(code)
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "kode": code,
                    "nama": name,
                    "value": value,
                    "label": label,
                    "class": index,
                    "fill": fill,
                    "href": href(code),
                    "impossible": not values.categorical and values.indicator.impossible(value),
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
            "value": paint(code)[0],
            "value_label": paint(code)[1],
            "reason": values.missing.get(code),
            "href": href(code),
        }
        for code in sorted(set(labels) - drawn)
    ]
    return Choropleth(features, classes, without_value, without_polygon)


Painted = tuple[Any, str | None, int | None, str | None]  # value, label, class, colour


def _painter(
    values: MapValues, classes: Classes | None, describe: Callable[[float], str]
) -> Callable[[str], Painted]:
    """Region code -> its value, the value for people, its class and colour (all None without one)."""
    series = values.values
    category = category_painter(values.categories) if values.categorical else None

    def paint(code: str) -> Painted:
        if code not in series.index:
            return None, None, None, None
        if category is not None:
            return category(series[code])
        value = float(series[code])
        index = classes.index(value) if classes is not None else None
        return (
            value,
            describe(value),
            index,
            classes.colours[index] if classes is not None and index is not None else None,
        )

    return paint


def value_table(
    values: MapValues, cat: InsightCatalogue, classes: Classes | None, *, href: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Every region of the level, by code: its name (and kecamatan, for a desa), its value or why it
    has none (a categorical indicator: its category's code, and ``category`` its legend entry),
    its class, ``href`` (code -> link to the region's page), ``impossible`` (outside the
    indicator's declared bounds) and ``others``: what the other datasets publishing the indicator
    say (slug -> value; a category's labels)."""
    rows: list[dict[str, Any]] = []
    paint = _painter(values, classes, str)
    categories = {c.iri: c for c in values.categories}
    for code, label in sorted(cat.labels(values.level).items()):
        value, _, index, _ = paint(code)
        theirs = {slug: series[code] for slug, series in values.others.items() if code in series.index}
        rows.append(
            {
                "code": code,
                "label": label,
                "kecamatan": cat.kecamatan_label(code) if values.level == "desa" else "",
                "value": value,
                "impossible": not values.categorical and values.indicator.impossible(value),
                "category": values.categories[index] if values.categorical and index is not None else None,
                "reason": values.missing.get(code),
                "href": href(code),
                "class": index,
                "others": {  # a category by its labels (its IRI when it is none of the list)
                    slug: (categories[v].label if v in categories else v) if values.categorical else float(v)
                    for slug, v in theirs.items()
                },
            }
        )
    return rows
