"""An indicator's value per region: the observations read, and the aggregation rules applied to them.

How a region's value is obtained (the measure kind, ``oc:measureKind``, decides):

1. Observations of the region itself. An observation with no further dimension is
   the region's total and is used as published. Without one, the breakdown (e.g.
   by ``jenis-kelamin`` or ``jenjang``) is summed for counts and areas, but only
   when the region reports every part the indicator has that year; a
   percentage or ratio breakdown is never summed.
2. A percentage that names its numerator and denominator (``oc:numerator``,
   ``oc:denominator``) and has no observation of its own at the level is
   recomputed: 100 × numerator ÷ denominator, each obtained by these rules.
3. A count or area reported by desa is summed up to its kecamatan, only for a
   kecamatan whose every desa (in the region code list) has a value.

A region left out says why. Observations are read once per (period, indicator) with
one query each (all indicators in one query for ``discover``) and joined in pandas; no
query is issued per pair. The correlation, the discovered pairs and the map all take
their values from here, so the three always agree.

Each indicator's values come from one dataset: the one the catalogue chose for it
(``InsightCatalogue.source``: the authoritative one, or one asked for). Figures of two
datasets are never summed or averaged; ``other_sources`` gives, by the same rules, what
each other dataset publishing the indicator says, to be shown beside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyoxigraph as ox

from graph.answer.runners import Runner
from graph.insight.catalogue import SUMMABLE, InsightCatalogue
from graph.rdf.iris import Iris
from graph.reference.indicators import Indicator
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.text import Text

__all__ = [
    "COLUMNS",
    "NO_OBSERVATION",
    "ObservationSource",
    "IndicatorValues",
    "InsightInputs",
    "indicator_values",
    "insight_inputs",
    "observation_frame",
    "read_all_observations",
    "other_sources",
    "read_observations",
    "store_source",
]

NO_OBSERVATION = Text("tidak ada observasi", "no observation")

_OBSERVATIONS = """SELECT ?period ?indicator ?obs ?region ?value ?dataset WHERE {
  { SELECT ?obs ?indicator ?region ?period WHERE {
      ?obs sdmx-dimension:refPeriod ?period ; qb:measureType ?indicator ; sdmx-dimension:refArea ?region } }
  ?obs ?indicator ?value ; qb:dataSet/oc:cubeOf ?dataset .
}"""
_DIMENSIONS = """SELECT ?indicator ?period ?obs ?dimension ?code WHERE {
  ?obs sdmx-dimension:refPeriod ?period ; qb:measureType ?indicator ; ?dimension ?code .
  ?dimension a qb:DimensionProperty .
  FILTER(?dimension NOT IN (sdmx-dimension:refArea, sdmx-dimension:refPeriod, qb:measureType))
}"""


@dataclass(frozen=True)
class InsightInputs:
    """What one computation needs, read in one trip to the store (picklable)."""

    period: str
    regions: pd.DataFrame  # code (index), iri, label, level, parent (kecamatan code for a desa)
    observations: (
        pd.DataFrame
    )  # indicator, code, level, dims, value, term, obs, dataset: the chosen datasets'
    computed: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)
    others: pd.DataFrame | None = None  # the same columns: other datasets' observations of the indicators


def read_observations(
    store: Store, iris: Iris, period: str, indicators: tuple[str, ...] | None
) -> pd.DataFrame:
    """Observations of ``period`` (indicator, code, dims, value, term, obs, dataset): of the given
    indicator slugs (two queries each), or of every indicator (two queries in all). ``value`` is
    the number; ``term`` the value that is none (a category's IRI), else missing. Rows are in
    ``observation_frame``'s order, so ``graph.insight.observation_table`` gives the same frame."""
    graphs = PublicGraphs(store, iris)
    values = _select(graphs, _OBSERVATIONS, period, indicators)
    dimensions = _select(graphs, _DIMENSIONS, period, indicators)
    return observation_frame(values, dimensions, iris)[COLUMNS].reset_index(drop=True)


COLUMNS = ["indicator", "code", "dims", "value", "term", "obs", "dataset"]

# (period, indicator slugs or None for every one) -> ``read_observations``'s frame: the store's
# answer, or the same frame from ``graph.insight.observation_table`` when the service has one.
ObservationSource = Callable[[str, tuple[str, ...] | None], pd.DataFrame]


def store_source(runner: Runner, iris: Iris) -> ObservationSource:
    """The frames as the store answers them: ``read_observations`` through ``runner`` (the
    service's query workers, within the time limit)."""
    return lambda period, indicators: runner(read_observations, iris, period, indicators)


def read_all_observations(store: Store, iris: Iris) -> pd.DataFrame:
    """Every published observation of every period, as ``observation_frame`` (two scans)."""
    graphs = PublicGraphs(store, iris)
    return observation_frame(graphs.values(_OBSERVATIONS), graphs.values(_DIMENSIONS), iris)


def observation_frame(
    values: list[dict[str, str]] | pd.DataFrame, dimensions: list[dict[str, str]] | pd.DataFrame, iris: Iris
) -> pd.DataFrame:
    """The rows of ``_OBSERVATIONS`` and ``_DIMENSIONS`` as one frame (``COLUMNS``, ``period`` and
    ``region``: their IRIs), sorted by period, indicator, code, dims and observation: store order is
    no meaning, and a sort lets every reader of the same observations get the same frame."""
    obs = pd.DataFrame(
        values, columns=["period", "indicator", "obs", "region", "value", "dataset"], dtype=object
    )
    dims = pd.DataFrame(dimensions, columns=["obs", "dimension", "code"], dtype=object)
    dims["part"] = (
        dims["dimension"].str.rsplit("/", n=1).str[-1] + "=" + dims["code"].str.rsplit("/", n=1).str[-1]
    )
    keys = dims.drop_duplicates(["obs", "part"]).sort_values("part").groupby("obs")["part"].agg(" ".join)
    keys = keys.astype(object)  # an empty Series would be float
    numbers = pd.to_numeric(obs["value"], errors="coerce").astype(float)
    obs = obs.assign(
        indicator=obs["indicator"].str.removeprefix(iris.indicator("")),
        code=obs["region"].str.removeprefix(iris.region_prefix),
        value=numbers,
        # A value that is no number (a categorical indicator's concept IRI), kept as it is.
        term=obs["value"].where(numbers.isna()),
        dims=obs["obs"].map(keys).astype(object).fillna(""),
    )
    order = ["period", "indicator", "code", "dims", "obs"]
    return obs[["period", "region", *COLUMNS]].sort_values(order, kind="stable").reset_index(drop=True)


def _select(
    graphs: PublicGraphs, sparql: str, period: str, indicators: tuple[str, ...] | None
) -> list[dict[str, str]]:
    """The rows of ``sparql`` for the period: of each indicator in turn, or of every one at once."""
    year = ox.NamedNode(graphs.iris.period(period))
    if indicators is None:
        return graphs.values(sparql, period=year)
    return [
        row
        for slug in indicators
        for row in graphs.values(sparql, period=year, indicator=ox.NamedNode(graphs.iris.indicator(slug)))
    ]


def _uses(observations: set[str]) -> Any:
    """Whether a value's observations include one of ``observations``."""
    return lambda used: any(o in observations for o in used)


def insight_inputs(cat: InsightCatalogue, period: str, observations: pd.DataFrame) -> InsightInputs:
    """The observations of the catalogue's regions (the home region's), each with its region's
    level: those of each indicator's chosen dataset, and apart, those of the other datasets."""
    obs = observations[observations["code"].isin(cat.regions.index)]
    obs = obs.assign(level=obs["code"].map(cat.regions["level"]))
    columns = ["indicator", "code", "level", "dims", "value", "term", "obs", "dataset"]
    chosen = {
        slug: (use.dataset.iri if (use := cat.source(slug)).dataset is not None else None)
        for slug in set(obs["indicator"])
        if slug in cat.indicators
    }
    mine = obs["dataset"] == obs["indicator"].map(chosen)
    return InsightInputs(
        period,
        cat.regions,
        obs.loc[mine, columns].reset_index(drop=True),
        others=obs.loc[~mine, columns].reset_index(drop=True),
    )


def other_sources(
    inputs: InsightInputs, cat: InsightCatalogue, slug: str, level: str
) -> dict[str, IndicatorValues]:
    """Dataset slug -> the indicator's values at ``level`` from another dataset publishing it, by
    the same rules (its own observations only: never added to the chosen dataset's)."""
    found: dict[str, IndicatorValues] = {}
    others = inputs.others
    if others is None or others.empty:
        return found
    mine = others[others["indicator"] == slug]
    for dataset in sorted(set(mine["dataset"])):
        rest = inputs.observations[inputs.observations["indicator"] != slug]
        theirs = mine[mine["dataset"] == dataset]
        alone = InsightInputs(inputs.period, inputs.regions, pd.concat([rest, theirs]))
        values = indicator_values(alone, cat.indicators, slug, level)
        if not isinstance(values, IndicatorValues):
            continue
        # Only what rests on this dataset's figures (a percentage it does not publish at the
        # level would be recomputed from the chosen parts: that is no other source).
        keep = values.sources.map(_uses(set(theirs["obs"]))).astype(bool)
        if keep.any():
            source = cat.sources.datasets.get(dataset)
            kept = IndicatorValues(values.values[keep], values.sources[keep], values.rule, values.missing)
            found[source.slug if source is not None else dataset] = kept
    return found


# --- values per region, by the aggregation rules -------------------------------------------


@dataclass(frozen=True)
class IndicatorValues:
    """One indicator's value per region of a level, how it was obtained, and who is missing why."""

    values: pd.Series  # region code -> value
    sources: pd.Series  # region code -> list of observation IRIs the value comes from
    rule: Text
    missing: dict[str, Text] = field(default_factory=dict)  # region code -> reason


def indicator_values(
    inputs: InsightInputs, indicators: dict[str, Indicator], slug: str, level: str
) -> IndicatorValues | Text:
    """The indicator's values at ``level`` by the module's rules, or why there are none."""
    key = (slug, level)
    if key not in inputs.computed:
        # A placeholder first: a percentage whose numerator leads back to it ends here.
        inputs.computed[key] = Text(f"{slug} merujuk dirinya sendiri", f"{slug} refers to itself")
        inputs.computed[key] = _values(inputs, indicators, slug, level)
    found: IndicatorValues | Text = inputs.computed[key]
    return found


def _values(
    inputs: InsightInputs, indicators: dict[str, Indicator], slug: str, level: str
) -> IndicatorValues | Text:
    info = indicators[slug]
    observed = _observed(inputs, info, level)
    if isinstance(observed, IndicatorValues):
        return observed
    reasons = [observed]
    if info.kind == "percentage" and info.numerator and info.denominator:
        num, den = (
            indicator_values(inputs, indicators, s, level) if s in indicators else None
            for s in (info.numerator, info.denominator)
        )
        if isinstance(num, IndicatorValues) and isinstance(den, IndicatorValues):
            return _recomputed(info, num, den)
        reasons.append(
            Text(
                f"pembilang/penyebut ({info.numerator}, {info.denominator}) tidak tersedia",
                f"its numerator/denominator ({info.numerator}, {info.denominator}) are not available",
            )
        )
    if level == "kecamatan" and info.kind in SUMMABLE:
        desa = _observed(inputs, info, "desa")
        if isinstance(desa, IndicatorValues):
            return _summed_to_kecamatan(inputs, desa)
    return Text("; ".join(r.id for r in reasons), "; ".join(r.en for r in reasons))


def _observed(inputs: InsightInputs, info: Indicator, level: str) -> IndicatorValues | Text:
    """Rule 1: the region's own observations, its total or its complete breakdown."""
    obs = inputs.observations
    obs = obs[(obs["indicator"] == info.slug) & (obs["level"] == level) & obs["value"].notna()]
    if obs.empty:
        return Text(
            f"tidak ada observasi {info.slug} tingkat {level} tahun {inputs.period}",
            f"no {info.slug} observations at {level} level for {inputs.period}",
        )
    missing: dict[str, Text] = {}
    doubled = obs.duplicated(["code", "dims"], keep=False)
    for code in sorted(set(obs.loc[doubled, "code"])):  # one dataset, two figures: neither is chosen
        missing[code] = Text(
            "lebih dari satu nilai untuk wilayah ini dalam satu dataset",
            "more than one value for this region in one dataset",
        )
    obs = obs[~obs["code"].isin(missing)]
    totals = obs[obs["dims"] == ""].set_index("code")
    parts = obs[(obs["dims"] != "") & ~obs["code"].isin(totals.index)]
    found = IndicatorValues(
        totals["value"],
        totals["obs"].map(lambda o: [o]),
        Text("nilai seperti diterbitkan", "values as published"),
    )
    if not parts.empty:
        summed = _breakdown(info, found, parts, missing)
        if not isinstance(summed, IndicatorValues):
            return summed
        found = summed
    return IndicatorValues(found.values.sort_index(), found.sources.sort_index(), found.rule, missing)


def _breakdown(
    info: Indicator, totals: IndicatorValues, parts: pd.DataFrame, missing: dict[str, Text]
) -> IndicatorValues | Text:
    """The totals with the regions that report only parts: summed when the kind allows it and
    every part is there; ``missing`` gets the regions left out."""
    dimensions = sorted({d.split("=")[0] for key in parts["dims"] for d in key.split()})
    by = ", ".join(dimensions)
    if info.kind not in SUMMABLE:
        if totals.values.empty:
            return Text(
                f"{info.slug} ({info.kind}) hanya dirinci menurut {by}, tidak boleh dijumlahkan",
                f"{info.slug} ({info.kind}) is only broken down by {by} and cannot be summed",
            )
        for code in sorted(set(parts["code"])):
            missing[code] = Text("hanya rincian, tanpa total", "only a breakdown, no total")
        return totals
    expected = set(parts["dims"])
    complete = parts.groupby("code")["dims"].nunique() == len(expected)  # (code, dims) are unique
    for code in complete.index[~complete]:
        missing[code] = Text(f"rincian menurut {by} tidak lengkap", f"incomplete breakdown by {by}")
    whole = parts[parts["code"].isin(complete.index[complete])].groupby("code")
    rule = Text(
        f"dijumlahkan atas {by} ({len(expected)} rincian)", f"summed over {by} ({len(expected)} parts)"
    )
    if not totals.values.empty:
        where = "; total bila diterbitkan / the total where published"
        rule = Text(rule.id + where, rule.en + where)
    return IndicatorValues(
        pd.concat([totals.values, whole["value"].sum()]),
        pd.concat([totals.sources, whole["obs"].agg(list)]),
        rule,
    )


def _recomputed(info: Indicator, num: IndicatorValues, den: IndicatorValues) -> IndicatorValues:
    """Rule 2: 100 × numerator ÷ denominator, where both have a value and the denominator is positive."""
    both = num.values.index.intersection(den.values.index)
    positive = both[den.values[both] > 0]
    missing = {**num.missing, **den.missing}
    for code in both.difference(positive):
        missing[code] = Text("penyebut nol", "zero denominator")
    for code in num.values.index.symmetric_difference(den.values.index):
        missing.setdefault(code, Text("pembilang atau penyebut kosong", "numerator or denominator missing"))
    values = 100 * num.values[positive] / den.values[positive]
    sources = num.sources[positive] + den.sources[positive]
    rule = Text(
        f"dihitung ulang: 100 × {info.numerator} ÷ {info.denominator} ({num.rule.id})",
        f"recomputed: 100 × {info.numerator} ÷ {info.denominator} ({num.rule.en})",
    )
    return IndicatorValues(values, sources, rule, missing)


def _summed_to_kecamatan(inputs: InsightInputs, desa: IndicatorValues) -> IndicatorValues:
    """Rule 3: the sum over the desa of each kecamatan whose every desa has a value."""
    regions = inputs.regions
    villages = regions[regions["level"] == "desa"]
    has = villages.index.isin(desa.values.index)
    counts = (
        pd.DataFrame({"parent": villages["parent"], "has": has}).groupby("parent")["has"].agg(["sum", "size"])
    )
    complete = counts.index[counts["sum"] == counts["size"]]
    missing: dict[str, Text] = {}
    for code, row in counts[counts["sum"] < counts["size"]].iterrows():
        gap = int(row["size"] - row["sum"])
        missing[str(code)] = Text(
            f"{gap} dari {int(row['size'])} desa tanpa nilai: jumlahnya tidak lengkap",
            f"{gap} of {int(row['size'])} desa without a value: the sum would be incomplete",
        )
    parent = villages["parent"].reindex(desa.values.index)
    summed = desa.values.groupby(parent).sum()
    sources = desa.sources.groupby(parent).agg(lambda s: [o for part in s for o in part])
    keep = summed.index.intersection(complete)
    rule = Text(
        f"jumlah dari semua desa di kecamatan ({desa.rule.id})",
        f"sum over every desa of the kecamatan ({desa.rule.en})",
    )
    return IndicatorValues(summed[keep], sources[keep], rule, missing)
