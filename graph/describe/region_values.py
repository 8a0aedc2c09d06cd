"""Each region's value of an indicator in a period: published at its level, else computed from below.

A regent's staff ask for "Kecamatan X" whatever level the agencies report at: stunting
is counted per desa, schools per kecamatan, nothing per kabupaten. ``RegionValues`` holds
every published total under one area (a kabupaten, or a province) from each indicator's
chosen dataset (``graph.answer.authoritative``: never two datasets summed), and answers a
region's value of an indicator in a period:

* its own published figure when there is one;
* else, as the indicator declares its aggregation (``oc:aggregation``): the sum of its
  children's values for a summed indicator (counts, areas), or, for a weighted mean with a
  declared numerator and denominator (a percentage), the ratio of their sums recomputed;
  never a mean of percentages. Any other indicator is left out above its level.

A count published only by breakdown (population by sex) is the sum of its breakdown. A
computed value says it is computed and from how many of the children.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyoxigraph as ox

from graph.answer.authoritative import Sources, sources_of
from graph.store.public import PublicGraphs

__all__ = ["RegionValues", "Value", "level_of", "parent_of", "read_region_values"]

LEVELS = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}  # by the parts of a Kemendagri code

_OBSERVATIONS = """
SELECT ?obs ?region ?indicator ?period ?period_label ?value ?dataset ?member WHERE {
  ?obs sdmx-dimension:refArea ?region ;
       qb:measureType ?indicator ;
       sdmx-dimension:refPeriod ?period ;
       qb:dataSet/oc:cubeOf ?dataset .
  FILTER(STRSTARTS(STR(?region), {prefix}))
  ?obs ?indicator ?value .
  OPTIONAL { ?period rdfs:label ?period_label }
  OPTIONAL {
    ?obs ?dimension ?member .
    ?dimension a qb:DimensionProperty .
    FILTER(?dimension NOT IN (sdmx-dimension:refArea, sdmx-dimension:refPeriod, qb:measureType))
  }
}
"""

_DECLARATIONS = """
SELECT ?indicator ?aggregation ?numerator ?denominator ?unit WHERE {
  ?indicator a oc:Indicator .
  OPTIONAL { ?indicator oc:aggregation ?aggregation }
  OPTIONAL { ?indicator oc:numerator ?numerator }
  OPTIONAL { ?indicator oc:denominator ?denominator }
  OPTIONAL { ?indicator oc:unit/skos:notation ?unit }
}
"""

_REGIONS = """
SELECT ?region ?name WHERE {
  ?region skos:inScheme ?scheme ; skos:prefLabel ?name .
  FILTER(STRSTARTS(STR(?region), {prefix}))
}
"""


def level_of(code: str) -> str:
    """``11.01.02`` -> ``kecamatan``: a Kemendagri code's parts tell its level."""
    return LEVELS.get(code.count(".") + 1, "wilayah")


def parent_of(code: str) -> str | None:
    """``11.01.02.2001`` -> ``11.01.02``; a province has none."""
    return code.rsplit(".", 1)[0] if "." in code else None


@dataclass(frozen=True)
class Value:
    """A region's value of an indicator in one period."""

    number: float | None  # None for a category
    category: str | None = None  # the concept's IRI, for a categorical indicator
    computed: bool = False  # computed from the regions below, not published for the region
    parts: int = 0  # computed: the children with a value
    of: int = 0  # computed: the children there are
    observation: str | None = None  # published: the observation's IRI
    from_breakdown: bool = False  # published only by breakdown (e.g. by sex), summed


@dataclass
class RegionValues:
    """The values under one area; codes are Kemendagri codes (``11.01.02``)."""

    sources: Sources
    names: dict[str, str]  # code -> name
    own: dict[tuple[str, str, str], Value]  # (indicator, code, period label) -> published value
    aggregation: dict[str, str] = field(default_factory=dict)  # indicator -> aggregation local name
    parts: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # indicator -> (num, den, x)
    periods: dict[str, list[str]] = field(default_factory=dict)  # indicator -> its period labels

    def __post_init__(self) -> None:
        children: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self.names):
            parent = parent_of(code)
            if parent is not None:
                children[parent].append(code)
        self.children = dict(children)
        self._memo: dict[tuple[str, str, str], Value | None] = {}

    def value(self, indicator: str, code: str, period: str) -> Value | None:
        """The region's value: published, or computed from the regions below (once)."""
        key = (indicator, code, period)
        if key not in self._memo:
            self._memo[key] = self._value(indicator, code, period)
        return self._memo[key]

    def indicators(self) -> list[str]:
        return sorted(self.periods)

    def _value(self, indicator: str, code: str, period: str) -> Value | None:
        own = self.own.get((indicator, code, period))
        if own is not None:
            return own
        below = self.children.get(code, [])
        if not below:
            return None
        how = self.aggregation.get(indicator)
        if how == "aggregationSum":
            found = [v for c in below if (v := self.value(indicator, c, period)) and v.number is not None]
            if not found:
                return None
            total = sum(v.number for v in found if v.number is not None)
            return Value(total, computed=True, parts=len(found), of=len(below))
        if how == "aggregationWeightedMean" and indicator in self.parts:
            numerator, denominator, factor = self.parts[indicator]
            top, bottom = self.value(numerator, code, period), self.value(denominator, code, period)
            if not top or not bottom or top.number is None or not bottom.number:
                return None
            return Value(
                top.number / bottom.number * factor,
                computed=True,
                parts=min(top.parts, bottom.parts),
                of=len(below),
            )
        return None

    def series(self, indicator: str, code: str) -> list[tuple[str, Value]]:
        """The region's values of the indicator, oldest period first."""
        found = [(p, self.value(indicator, code, p)) for p in self.periods.get(indicator, [])]
        return [(p, v) for p, v in found if v is not None]

    def peers(self, code: str) -> list[str]:
        """The regions with the same parent (the region among them)."""
        parent = parent_of(code)
        if parent is None:
            return [code]
        return self.children.get(parent, [code])

    def rank(self, indicator: str, code: str, period: str) -> tuple[int, int] | None:
        """(rank, peers with a value): 1 is the highest value among the region's peers."""
        mine = self.value(indicator, code, period)
        if mine is None or mine.number is None:
            return None
        numbers = [
            v.number
            for p in self.peers(code)
            if (v := self.value(indicator, p, period)) and v.number is not None
        ]
        if len(numbers) < 2:
            return None
        return 1 + sum(1 for n in numbers if n > mine.number), len(numbers)


def read_region_values(graphs: PublicGraphs, area: str, observed: pd.DataFrame | None = None) -> RegionValues:
    """Every published total under ``area`` (a Kemendagri code), each indicator's from its chosen
    dataset. ``observed``: the area's observations when the caller has them
    (``graph.insight.observation_table``'s ``under``), instead of the query scanning them all."""
    iris = graphs.iris
    # A literal term (escaped by pyoxigraph), in the text: a substitution must be projected.
    prefix = str(ox.Literal(iris.region(area)))
    sources = sources_of(graphs)
    names = {
        r["region"].rsplit("/", 1)[-1]: r["name"] for r in graphs.values(_REGIONS.replace("{prefix}", prefix))
    }
    aggregation: dict[str, str] = {}
    parts: dict[str, tuple[str, str, float]] = {}
    for r in graphs.values(_DECLARATIONS):
        if r.get("aggregation"):
            aggregation[r["indicator"]] = r["aggregation"].rsplit("#", 1)[-1]
        if r.get("numerator") and r.get("denominator"):
            # A percentage's ratio is per hundred; any other ratio is as divided.
            factor = 100.0 if r.get("unit") == "persen" else 1.0
            parts[r["indicator"]] = (r["numerator"], r["denominator"], factor)
    chosen: dict[str, str | None] = {}
    by_obs: dict[str, dict[str, object]] = {}
    rows = (
        graphs.select(_OBSERVATIONS.replace("{prefix}", prefix))
        if observed is None
        else _rows(graphs, observed)
    )
    for row in rows:
        indicator = row["indicator"].value
        if indicator not in chosen:
            dataset = sources.choose(indicator).dataset
            chosen[indicator] = None if dataset is None else dataset.iri
        if chosen[indicator] not in (None, row["dataset"].value):
            continue
        found = by_obs.setdefault(row["obs"].value, {"row": row, "members": set()})
        if row.get("member") is not None:
            members = found["members"]
            assert isinstance(members, set)
            members.add(row["member"].value)
    return _collect(sources, names, by_obs, aggregation, parts)


def _rows(graphs: PublicGraphs, observed: pd.DataFrame) -> list[dict[str, Any]]:
    """``_OBSERVATIONS``'s rows made from a table's rows (one per observation: a breakdown's
    member is only told apart from none, which is all ``_collect`` asks of it)."""
    iris = graphs.iris
    periods = " ".join(f"<{p}>" for p in sorted(set(observed["period"])))
    names = (
        graphs.values(f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {periods} }} ?p rdfs:label ?l }}")
        if periods
        else []
    )
    label = {r["p"]: ox.Literal(r["l"]) for r in names}
    prefix = iris.indicator("")
    return [
        {
            "obs": ox.NamedNode(r.obs),
            "region": ox.NamedNode(iris.region(r.code)),
            "indicator": ox.NamedNode(r.indicator if ":" in r.indicator else prefix + r.indicator),
            "period": ox.NamedNode(r.period),
            "period_label": label.get(r.period),
            "value": ox.NamedNode(r.term) if isinstance(r.term, str) else ox.Literal(repr(float(r.value))),
            "dataset": ox.NamedNode(r.dataset),
            "member": ox.Literal(r.dims) if r.dims else None,
        }
        for r in _tuples(observed)
    ]


def _collect(
    sources: Sources,
    names: dict[str, str],
    by_obs: dict[str, dict[str, object]],
    aggregation: dict[str, str],
    parts: dict[str, tuple[str, str, float]],
) -> RegionValues:
    own: dict[tuple[str, str, str], Value] = {}
    split: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    periods: dict[str, set[str]] = defaultdict(set)
    for obs, found in by_obs.items():
        r = found["row"]
        assert isinstance(r, dict)
        indicator = r["indicator"].value
        code = r["region"].value.rsplit("/", 1)[-1]
        label = r.get("period_label")
        period = label.value if label is not None else r["period"].value.rsplit("/", 1)[-1]
        value = r["value"]
        key = (indicator, code, period)
        periods[indicator].add(period)
        if found["members"]:
            # A breakdown's parts add up to the total only for a summed indicator.
            if aggregation.get(indicator) == "aggregationSum" and isinstance(value, ox.Literal):
                split[key].append(float(value.value))
            continue
        if isinstance(value, ox.NamedNode):
            own[key] = Value(None, category=value.value, observation=obs)
        else:
            try:
                own[key] = Value(float(value.value), observation=obs)
            except ValueError:
                continue
    for key, numbers in split.items():
        # fsum: the same total in whatever order the parts were read.
        own.setdefault(key, Value(math.fsum(numbers), from_breakdown=True))
    return RegionValues(sources, names, own, aggregation, parts, {i: sorted(p) for i, p in periods.items()})


def _tuples(frame: pd.DataFrame) -> list[Any]:
    """The frame's rows as named tuples (typed Any: pandas types each cell as any scalar)."""
    return list(frame.itertuples(index=False))
