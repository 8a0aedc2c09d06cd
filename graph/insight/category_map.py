"""A categorical indicator on the map: each region's category, its colour, and the legend.

A categorical indicator's value is a concept of its code list (``graph.reference.categories``),
never a number, so nothing is summed, averaged or recomputed: a region's category is its own
observation without a further dimension, from the one dataset chosen for the indicator (the
authoritative one, or one asked for with ``sumber``). A region with two categories in that
dataset, with only a breakdown, or with a concept outside the list, has no category and says
why. ``category_classes`` gives the legend: every category of the list in rank order with its
colour and how many regions have it. An ordinal list (every category has ``oc:categoryRank``)
is coloured with a sequential palette from the lowest rank (lightest) to the highest (darkest);
an unranked list with a qualitative one, whose hues say "different", not "more".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graph.insight.catalogue import InsightCatalogue
from graph.insight.observations import IndicatorValues, InsightInputs
from graph.reference.categories import CodeList
from graph.reference.indicators import Indicator
from graph.text import Text

__all__ = [
    "QUALITATIVE",
    "SEQUENTIAL",
    "CategoryClass",
    "category_classes",
    "category_others",
    "category_painter",
    "category_values",
    "palette",
]

# ColorBrewer 2.0 (Cynthia A. Brewer, colorbrewer2.org; Apache-2.0). "YlGnBu", the numeric map's
# scheme, at 9 classes: a ranked list of n categories takes n colours spread over it.
SEQUENTIAL = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
# "Set2" then "Dark2" (qualitative, Set2 colour-blind safe), each without its grey: grey is "no data".
QUALITATIVE = (
    *("#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494"),
    *("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"),
)
_SMALL = {  # ColorBrewer's own YlGnBu for 2-5 classes: the same as the numeric map's legend
    1: ("#7fcdbb",),
    2: ("#edf8b1", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
AS_PUBLISHED = Text(
    "kategori seperti diterbitkan, tidak pernah dijumlahkan atau dirata-ratakan",
    "categories as published, never summed or averaged",
)


def palette(code_list: CodeList) -> tuple[str, ...]:
    """One colour per category of the list, in its order.

    >>> from graph.reference.categories import Category
    >>> ranked = CodeList("l", tuple(Category(f"c{i}", f"c{i}", Text(f"c{i}"), rank=i) for i in (1, 2, 3)))
    >>> palette(ranked)
    ('#edf8b1', '#7fcdbb', '#2c7fb8')
    >>> palette(CodeList("l", tuple(Category(c, c, Text(c)) for c in "AB")))
    ('#66c2a5', '#fc8d62')
    """
    n = len(code_list.categories)
    if not code_list.ordinal:
        return tuple(QUALITATIVE[i % len(QUALITATIVE)] for i in range(n))  # more than 14: hues repeat
    if n in _SMALL:
        return _SMALL[n]
    return _spread(SEQUENTIAL, n)


def _spread(stops: tuple[str, ...], n: int) -> tuple[str, ...]:
    """``n`` colours evenly along the palette ``stops`` (interpolated in RGB between them)."""
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in stops], dtype=float)
    where = np.linspace(0, len(stops) - 1, n)
    channels = [np.interp(where, np.arange(len(stops)), rgb[:, k]) for k in range(3)]
    return tuple("#" + "".join(f"{round(ch[i]):02x}" for ch in channels) for i in range(n))


@dataclass(frozen=True)
class CategoryClass:
    """One category of the legend: the concept, its code and labels, rank, colour and regions."""

    iri: str
    code: str
    label: Text
    rank: int | None
    colour: str
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "code": self.code,
            "label": self.label,
            "rank": self.rank,
            "colour": self.colour,
            "count": self.count,
        }


def category_classes(code_list: CodeList, values: pd.Series) -> tuple[CategoryClass, ...]:
    """Every category of the list, lowest rank first, with its colour and the regions having it."""
    counts = values.value_counts()
    return tuple(
        CategoryClass(c.iri, c.notation, c.label, c.rank, colour, int(counts.get(c.iri, 0)))
        for c, colour in zip(code_list.categories, palette(code_list), strict=True)
    )


def category_painter(classes: tuple[CategoryClass, ...]) -> Callable[[Any], tuple[Any, str, int, str]]:
    """Concept IRI -> (its code, "label / English label", its place in the legend, its colour)."""
    place = {c.iri: i for i, c in enumerate(classes)}

    def paint(iri: Any) -> tuple[Any, str, int, str]:
        c = classes[place[iri]]
        return c.code, c.label.joined(), place[iri], c.colour

    return paint


def category_values(
    inputs: InsightInputs, info: Indicator, code_list: CodeList, level: str
) -> IndicatorValues | Text:
    """Region code -> the concept IRI of its category at ``level``, from the chosen dataset's
    observations as published; or why there is none."""
    obs = inputs.observations
    if "term" not in obs.columns:
        obs = obs.assign(term=None)
    obs = obs[(obs["indicator"] == info.slug) & (obs["level"] == level) & obs["term"].notna()]
    if obs.empty:
        return Text(
            f"tidak ada observasi {info.slug} tingkat {level} tahun {inputs.period}",
            f"no {info.slug} observations at {level} level for {inputs.period}",
        )
    missing: dict[str, Text] = {}
    outside = ~obs["term"].isin({c.iri for c in code_list.categories})
    for code in sorted(set(obs.loc[outside, "code"])):
        missing[code] = Text(
            f"nilai bukan kategori daftar kode {info.slug}", f"a value outside {info.slug}'s code list"
        )
    totals = obs[(obs["dims"] == "") & ~outside]
    doubled = totals.duplicated("code", keep=False)
    for code in sorted(set(totals.loc[doubled, "code"])):  # one dataset, two categories: neither
        missing[code] = Text(
            "lebih dari satu kategori untuk wilayah ini dalam satu dataset",
            "more than one category for this region in one dataset",
        )
    for code in sorted(set(obs.loc[obs["dims"] != "", "code"]) - set(totals["code"])):
        missing.setdefault(
            code, Text("hanya rincian, tanpa kategori wilayah", "only a breakdown, no category of the region")
        )
    kept = totals[~totals["code"].isin(missing)].set_index("code").sort_index()
    return IndicatorValues(kept["term"], kept["obs"].map(lambda o: [o]), AS_PUBLISHED, missing)


def category_others(
    inputs: InsightInputs, cat: InsightCatalogue, slug: str, level: str
) -> dict[str, pd.Series]:
    """Dataset slug -> region code -> category IRI, of each other dataset publishing the indicator
    (shown beside the chosen dataset's categories, never merged with them)."""
    others = inputs.others
    code_list = cat.code_lists.get(slug)
    if others is None or others.empty or code_list is None:
        return {}
    mine = others[others["indicator"] == slug]
    found: dict[str, pd.Series] = {}
    for dataset in sorted(set(mine["dataset"])):
        alone = InsightInputs(inputs.period, inputs.regions, mine[mine["dataset"] == dataset])
        values = category_values(alone, cat.indicators[slug], code_list, level)
        if isinstance(values, IndicatorValues) and len(values.values):
            source = cat.sources.datasets.get(dataset)
            found[source.slug if source is not None else dataset] = values.values
    return found
