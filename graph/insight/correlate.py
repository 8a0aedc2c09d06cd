"""Insight: correlate two indicators across regions, and discover related pairs of agencies.

``correlate`` joins two indicators per region (desa or kecamatan) for one year and
gives Pearson and Spearman coefficients with n and p-values, the least-squares
line and the regions far from it. ``discover`` does the same for every pair of
indicators produced by *different* agencies, controls the false-discovery rate
with Benjamini–Hochberg and writes the *wawasan* (insight) list. Statistics come
from ``scipy.stats``; see ``docs/insight.md``.

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

A region left out says why. Observations are read once per (period, indicator)
with one query each (all indicators in one query for ``discover``) and joined in
pandas; no query is issued per pair.

    ParameterError (ParameterError) a parameter value is refused
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import pyoxigraph as ox
from scipy import stats

from graph.answer.parameters import Runner, run_here
from graph.answer.sparql import run_query
from graph.errors import ParameterError
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC
from graph.store.embedded import Store

__all__ = [
    "CAVEAT",
    "DEFAULT_FDR",
    "DEFAULT_MIN_N",
    "LEVELS",
    "OUTLIER_THRESHOLD",
    "Correlation",
    "Discovery",
    "IndicatorInfo",
    "InsightCatalogue",
    "InsightInputs",
    "ParameterError",
    "Stats",
    "adjust_p_values",
    "correlate",
    "correlation_stats",
    "discover",
    "indicator_values",
    "read_catalogue",
    "read_observations",
    "studentized_residuals",
]

P = ParamSpec("P")
T = TypeVar("T")
Text = dict[str, str]  # {"id": ..., "en": ...}: Indonesian first, English alongside
CsvDialect = Literal["excel", "standard"]

LEVELS = ("desa", "kecamatan")
DEFAULT_MIN_N = 8  # fewer joined regions than this: marked small_n, never called significant
DEFAULT_FDR = 0.05  # Benjamini–Hochberg false-discovery rate
OUTLIER_THRESHOLD = 2.5  # |externally studentized residual| above this: an outlier
SUMMABLE = frozenset({"count", "area"})  # the ontology: these "can be summed across regions"
_KINDS = {
    "kindCount": "count",
    "kindPercentage": "percentage",
    "kindRatio": "ratio",
    "kindArea": "area",
    "kindCurrency": "currency",
}
_YEAR = re.compile(r"^\d{4}$")

CAVEAT: Text = {
    "id": (
        "Korelasi bukan sebab-akibat: dua indikator yang bergerak bersama bisa sama-sama "
        "dipengaruhi hal lain (ukuran wilayah, kemiskinan, akses layanan), dan arah pengaruhnya "
        "tidak terbaca dari angka ini. Ini korelasi ekologis antarwilayah: berlaku untuk desa atau "
        "kecamatan, bukan untuk orang per orang — desa dengan angka X tinggi dan Y tinggi tidak "
        "berarti warganya yang X juga Y. Banyak pasangan diuji sekaligus, sehingga sebagian "
        "korelasi muncul karena kebetulan; nilai q (Benjamini–Hochberg) membatasi proporsi temuan "
        "palsu, tidak menghapusnya. Gunakan sebagai petunjuk untuk ditelusuri, bukan kesimpulan."
    ),
    "en": (
        "Correlation is not causation: two indicators that move together may both follow "
        "something else (region size, poverty, access to services), and the direction of any "
        "effect cannot be read from these figures. This is an ecological, area-level "
        "correlation: it holds for villages or districts, not for individuals — a village high "
        "in X and in Y does not mean that its residents who are X are also Y. Many pairs are "
        "tested at once, so some correlations arise by chance; the q-values (Benjamini–Hochberg) "
        "limit the share of false findings, they do not remove them. Use this as a lead to "
        "follow up, not as a conclusion."
    ),
}
_SYNTHETIC: Text = {
    "id": "Sebagian data ini sintetis (oc:syntheticData): angka buatan, bukan statistik resmi.",
    "en": "Some of these data are synthetic (oc:syntheticData): made-up figures, not official statistics.",
}
_SMALL_N: Text = {
    "id": "Jumlah wilayah sedikit (n < {min_n}): koefisien sangat tidak pasti dan tidak disebut bermakna.",
    "en": "Few regions (n < {min_n}): the coefficient is very uncertain and is not called significant.",
}


# --- what the graph holds -------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInfo:
    """An indicator as the ontology describes it."""

    slug: str
    iri: str
    label: Text
    unit: str  # unit slug
    unit_label: Text
    kind: str  # count, percentage, ratio, area, currency (or "unknown")
    agency: str  # producer slug
    agency_label: Text
    concept: str | None = None
    numerator: str | None = None  # slugs, for percentages
    denominator: str | None = None
    synthetic: bool = False  # published in a dataset marked oc:syntheticData

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.slug,
            "iri": self.iri,
            "label": self.label,
            "unit": self.unit,
            "unit_label": self.unit_label,
            "measure_kind": self.kind,
            "agency": self.agency,
            "agency_label": self.agency_label,
        }


@dataclass(frozen=True)
class InsightCatalogue:
    """Indicators, and how many regions each is observed for, per level and year."""

    indicators: dict[str, IndicatorInfo]
    observed: dict[tuple[str, str], dict[str, int]]  # (slug, level) -> year -> regions observed
    regions: pd.DataFrame  # desa and kecamatan of the home region: code (index), iri, label, level, parent

    def coverage(self, slug: str, level: str, _seen: frozenset[str] = frozenset()) -> dict[str, int]:
        """Year -> regions behind ``slug``'s values at ``level`` under the aggregation rules
        (for a derived value, the regions of its sources)."""
        info = self.indicators.get(slug)
        if info is None or slug in _seen:
            return {}
        seen = _seen | {slug}
        found = dict(self.observed.get((slug, level), {}))
        if info.kind == "percentage" and info.numerator and info.denominator:
            num = self.coverage(info.numerator, level, seen)
            den = self.coverage(info.denominator, level, seen)
            for year in set(num) & set(den) - set(found):
                found[year] = min(num[year], den[year])
        if level == "kecamatan" and info.kind in SUMMABLE:
            for year, n in self.observed.get((slug, "desa"), {}).items():
                found.setdefault(year, n)
        return found

    def years(self, slug: str, level: str) -> list[str]:
        """Years for which the aggregation rules give ``slug`` values at ``level``."""
        return sorted(self.coverage(slug, level))

    def well_covered(self, slug: str, level: str) -> set[str]:
        """Years with at least half the regions of the indicator's best-covered year: a stray
        row (e.g. a mistyped future year) does not make a year the default."""
        found = self.coverage(slug, level)
        return {y for y, n in found.items() if 2 * n >= max(found.values())} if found else set()

    def with_data(self, level: str, period: str | None = None) -> list[str]:
        """Indicator slugs with values at ``level`` (in ``period``, when given)."""
        return [
            s
            for s in sorted(self.indicators)
            if (ys := self.years(s, level)) and (period is None or period in ys)
        ]

    def needed(self, slug: str, level: str, period: str) -> list[str]:
        """The slug and, when it must be recomputed, its numerator and denominator (recursively)."""
        info = self.indicators[slug]
        out = [slug]
        if period not in self.observed.get((slug, level), {}) and info.numerator and info.denominator:
            for part in (info.numerator, info.denominator):
                if part in self.indicators:
                    out += [s for s in self.needed(part, level, period) if s not in out]
        return out


def _rows(store: Store, iris: Iris, sparql: str, **bound: str) -> list[dict[str, str]]:
    substitutions: dict[str, ox.NamedNode | ox.Literal] = {n: ox.NamedNode(iri) for n, iri in bound.items()}
    outcome = run_query(
        store, iris, sparql, max_rows=100_000_000, with_prefixes=True, substitutions=substitutions or None
    )
    return [
        {v: t.value for v, t in zip(outcome.variables, row, strict=True) if t is not None}
        for row in outcome.rows
    ]


def _labels(var: str, prop: str) -> str:
    return "".join(
        f'OPTIONAL {{ {var} {prop} ?{var[1:]}_{lang} FILTER(lang(?{var[1:]}_{lang}) = "{lang}") }}\n'
        for lang in ("id", "en")
    )


def read_catalogue(store: Store, iris: Iris, home_region: str) -> InsightCatalogue:
    """The indicators of the published ontology, where they have observations, and the desa and
    kecamatan of ``home_region`` (four queries; a caller may keep it until the next publication)."""
    indicator_prefix, agency_prefix = iris.indicator(""), iris.agency("")
    unit_prefix = f"{iris.base}id/satuan/"
    synthetic = {
        r["indicator"]
        for r in _rows(
            store,
            iris,
            """SELECT DISTINCT ?indicator WHERE {
                 ?ds qb:structure/qb:component/qb:measure ?indicator ; oc:syntheticData true }""",
        )
    }
    indicators: dict[str, IndicatorInfo] = {}
    for r in _rows(
        store,
        iris,
        f"""SELECT * WHERE {{
              ?indicator a oc:Indicator ; oc:producer ?agency ; oc:unit ?unit .
              OPTIONAL {{ ?indicator oc:measureKind ?kind }}
              OPTIONAL {{ ?indicator qb:concept ?concept }}
              OPTIONAL {{ ?indicator oc:numerator ?numerator }}
              OPTIONAL {{ ?indicator oc:denominator ?denominator }}
              {_labels("?indicator", "rdfs:label")}{_labels("?unit", "skos:prefLabel")}
              {_labels("?agency", "skos:prefLabel")}
            }}""",
    ):
        slug = r["indicator"].removeprefix(indicator_prefix)
        kind = r.get("kind", "").removeprefix(OC)
        indicators[slug] = IndicatorInfo(
            slug=slug,
            iri=r["indicator"],
            label=_text(r, "indicator", slug),
            unit=r["unit"].removeprefix(unit_prefix),
            unit_label=_text(r, "unit", r["unit"].removeprefix(unit_prefix)),
            kind=_KINDS.get(kind, kind or "unknown"),
            agency=r["agency"].removeprefix(agency_prefix),
            agency_label=_text(r, "agency", r["agency"].removeprefix(agency_prefix)),
            concept=r.get("concept"),
            numerator=r["numerator"].removeprefix(indicator_prefix) if "numerator" in r else None,
            denominator=r["denominator"].removeprefix(indicator_prefix) if "denominator" in r else None,
            synthetic=r["indicator"] in synthetic,
        )
    observed: dict[tuple[str, str], dict[str, int]] = {}
    for r in _rows(
        store,
        iris,
        """SELECT ?indicator ?level ?period (COUNT(DISTINCT ?region) AS ?regions) WHERE {
             { SELECT DISTINCT ?indicator ?region ?period WHERE {
                 ?obs qb:measureType ?indicator ; sdmx-dimension:refArea ?region ;
                      sdmx-dimension:refPeriod ?period } }
             ?region oc:regionLevel/skos:notation ?level .
           } GROUP BY ?indicator ?level ?period""",
    ):
        year = r["period"].removeprefix(iris.period_prefix)
        slug = r["indicator"].removeprefix(indicator_prefix)
        if _YEAR.match(year) and slug in indicators:
            observed.setdefault((slug, r["level"]), {})[year] = int(r["regions"])
    region_rows = _rows(
        store,
        iris,
        """SELECT ?region ?code ?label ?level ?parent ?home WHERE {
             { ?region skos:broader ?home } UNION { ?region skos:broader/skos:broader ?home }
             ?region skos:notation ?code ; skos:prefLabel ?label ; skos:broader ?parent ;
                     oc:regionLevel/skos:notation ?level .
             FILTER(datatype(?code) = oc:KemendagriCode)
           }""",
        home=iris.region(home_region),
    )
    regions = pd.DataFrame(region_rows, columns=["region", "code", "label", "level", "parent"])
    regions = regions[regions["level"].isin(LEVELS)].sort_values(["code", "parent"])
    regions = regions.assign(parent=regions["parent"].str.removeprefix(iris.region_prefix))
    regions = regions.drop_duplicates("code").set_index("code").rename(columns={"region": "iri"})
    return InsightCatalogue(indicators, observed, regions)


def _text(row: dict[str, str], var: str, fallback: str) -> Text:
    label_id = row.get(f"{var}_id") or row.get(f"{var}_en") or fallback
    return {"id": label_id, "en": row.get(f"{var}_en") or label_id}


@dataclass(frozen=True)
class InsightInputs:
    """What one computation needs, read in one trip to the store (picklable)."""

    period: str
    regions: pd.DataFrame  # code (index), iri, label, level, parent (kecamatan code for a desa)
    observations: pd.DataFrame  # indicator, code, level, dims, value, obs
    computed: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)


_OBSERVATIONS = """SELECT ?indicator ?period ?obs ?region ?value WHERE {
  { SELECT ?obs ?indicator ?region ?period WHERE {
      ?obs sdmx-dimension:refPeriod ?period ; qb:measureType ?indicator ; sdmx-dimension:refArea ?region } }
  ?obs ?indicator ?value .
}"""
_DIMENSIONS = """SELECT ?indicator ?period ?obs ?dimension ?code WHERE {
  ?obs sdmx-dimension:refPeriod ?period ; qb:measureType ?indicator ; ?dimension ?code .
  ?dimension a qb:DimensionProperty .
  FILTER(?dimension NOT IN (sdmx-dimension:refArea, sdmx-dimension:refPeriod, qb:measureType))
}"""


def read_observations(
    store: Store, iris: Iris, period: str, indicators: tuple[str, ...] | None
) -> pd.DataFrame:
    """Observations of ``period`` (indicator, code, dims, value, obs): of the given indicator
    slugs (two queries each), or of every indicator (two queries in all)."""
    bound = {"period": iris.period(period)}
    targets = (
        [dict(bound, indicator=iris.indicator(s)) for s in indicators] if indicators is not None else [bound]
    )
    values = [r for b in targets for r in _rows(store, iris, _OBSERVATIONS, **b)]
    dimensions = [r for b in targets for r in _rows(store, iris, _DIMENSIONS, **b)]
    obs = pd.DataFrame(values, columns=["indicator", "obs", "region", "value"], dtype=object)
    dims = pd.DataFrame(dimensions, columns=["obs", "dimension", "code"], dtype=object)
    dims["part"] = (
        dims["dimension"].str.rsplit("/", n=1).str[-1] + "=" + dims["code"].str.rsplit("/", n=1).str[-1]
    )
    keys = dims.drop_duplicates(["obs", "part"]).sort_values("part").groupby("obs")["part"].agg(" ".join)
    keys = keys.astype(object)  # an empty Series would be float
    obs = obs.assign(
        indicator=obs["indicator"].str.removeprefix(iris.indicator("")),
        code=obs["region"].str.removeprefix(iris.region_prefix),
        value=pd.to_numeric(obs["value"], errors="coerce"),
        dims=obs["obs"].map(keys).astype(object).fillna(""),
    )
    return obs[["indicator", "code", "dims", "value", "obs"]].reset_index(drop=True)


def _inputs(cat: InsightCatalogue, period: str, observations: pd.DataFrame) -> InsightInputs:
    """The observations of the catalogue's regions, with each region's level."""
    obs = observations[observations["code"].isin(cat.regions.index)]
    obs = obs.assign(level=obs["code"].map(cat.regions["level"]))
    columns = ["indicator", "code", "level", "dims", "value", "obs"]
    return InsightInputs(period, cat.regions, obs[columns].reset_index(drop=True))


# --- values per region, by the aggregation rules -------------------------------------------


@dataclass(frozen=True)
class IndicatorValues:
    """One indicator's value per region of a level, how it was obtained, and who is missing why."""

    values: pd.Series  # region code -> value
    sources: pd.Series  # region code -> list of observation IRIs the value comes from
    rule: Text
    missing: dict[str, Text] = field(default_factory=dict)  # region code -> reason


def indicator_values(
    inputs: InsightInputs, indicators: dict[str, IndicatorInfo], slug: str, level: str
) -> IndicatorValues | Text:
    """The indicator's values at ``level`` by the module's rules, or why there are none."""
    key = (slug, level)
    if key not in inputs.computed:
        # A placeholder first: a percentage whose numerator leads back to it ends here.
        inputs.computed[key] = {"id": f"{slug} merujuk dirinya sendiri", "en": f"{slug} refers to itself"}
        inputs.computed[key] = _values(inputs, indicators, slug, level)
    found: IndicatorValues | Text = inputs.computed[key]
    return found


def _values(
    inputs: InsightInputs, indicators: dict[str, IndicatorInfo], slug: str, level: str
) -> IndicatorValues | Text:
    info = indicators[slug]
    observed = _observed(inputs, info, level)
    if isinstance(observed, IndicatorValues):
        return observed
    reasons = [observed]
    if info.kind == "percentage" and info.numerator and info.denominator:
        parts = [
            indicator_values(inputs, indicators, s, level) if s in indicators else None
            for s in (info.numerator, info.denominator)
        ]
        num, den = parts
        if isinstance(num, IndicatorValues) and isinstance(den, IndicatorValues):
            return _recomputed(info, num, den)
        reasons.append(
            {
                "id": f"pembilang/penyebut ({info.numerator}, {info.denominator}) tidak tersedia",
                "en": f"its numerator/denominator ({info.numerator}, {info.denominator}) are not available",
            }
        )
    if level == "kecamatan" and info.kind in SUMMABLE:
        desa = _observed(inputs, info, "desa")
        if isinstance(desa, IndicatorValues):
            return _summed_to_kecamatan(inputs, desa)
    return {k: "; ".join(r[k] for r in reasons) for k in ("id", "en")}


def _observed(inputs: InsightInputs, info: IndicatorInfo, level: str) -> IndicatorValues | Text:
    obs = inputs.observations
    obs = obs[(obs["indicator"] == info.slug) & (obs["level"] == level) & obs["value"].notna()]
    if obs.empty:
        return {
            "id": f"tidak ada observasi {info.slug} tingkat {level} tahun {inputs.period}",
            "en": f"no {info.slug} observations at {level} level for {inputs.period}",
        }
    missing: dict[str, Text] = {}
    doubled = obs.duplicated(["code", "dims"], keep=False)
    for code in sorted(set(obs.loc[doubled, "code"])):
        missing[code] = {
            "id": "lebih dari satu nilai untuk wilayah ini (beberapa dataset)",
            "en": "more than one value for this region (several datasets)",
        }
    obs = obs[~obs["code"].isin(missing)]
    totals = obs[obs["dims"] == ""].set_index("code")
    parts = obs[(obs["dims"] != "") & ~obs["code"].isin(totals.index)]
    values, sources = totals["value"], totals["obs"].map(lambda o: [o])
    rule: Text = {"id": "nilai seperti diterbitkan", "en": "values as published"}
    if not parts.empty:
        dimensions = sorted({d.split("=")[0] for key in parts["dims"] for d in key.split()})
        by = ", ".join(dimensions)
        if info.kind not in SUMMABLE:
            if totals.empty:
                return {
                    "id": f"{info.slug} ({info.kind}) hanya dirinci menurut {by}, tidak boleh dijumlahkan",
                    "en": f"{info.slug} ({info.kind}) is only broken down by {by} and cannot be summed",
                }
            for code in sorted(set(parts["code"])):
                missing[code] = {"id": "hanya rincian, tanpa total", "en": "only a breakdown, no total"}
        else:
            expected = set(parts["dims"])
            complete = parts.groupby("code")["dims"].nunique() == len(expected)  # (code, dims) are unique
            for code in complete.index[~complete]:
                missing[code] = {
                    "id": f"rincian menurut {', '.join(dimensions)} tidak lengkap",
                    "en": f"incomplete breakdown by {', '.join(dimensions)}",
                }
            whole = parts[parts["code"].isin(complete.index[complete])].groupby("code")
            values = pd.concat([values, whole["value"].sum()])
            sources = pd.concat([sources, whole["obs"].agg(list)])
            rule = {
                "id": f"dijumlahkan atas {', '.join(dimensions)} ({len(expected)} rincian)",
                "en": f"summed over {', '.join(dimensions)} ({len(expected)} parts)",
            }
            if not totals.empty:
                rule = {
                    k: f"{v}; total bila diterbitkan / the total where published" for k, v in rule.items()
                }
    return IndicatorValues(values.sort_index(), sources.sort_index(), rule, missing)


def _recomputed(info: IndicatorInfo, num: IndicatorValues, den: IndicatorValues) -> IndicatorValues:
    both = num.values.index.intersection(den.values.index)
    positive = both[den.values[both] > 0]
    missing = {**num.missing, **den.missing}
    for code in both.difference(positive):
        missing[code] = {"id": "penyebut nol", "en": "zero denominator"}
    for code in num.values.index.symmetric_difference(den.values.index):
        missing.setdefault(
            code, {"id": "pembilang atau penyebut kosong", "en": "numerator or denominator missing"}
        )
    values = 100 * num.values[positive] / den.values[positive]
    sources = num.sources[positive] + den.sources[positive]
    rule = {
        "id": f"dihitung ulang: 100 × {info.numerator} ÷ {info.denominator} ({num.rule['id']})",
        "en": f"recomputed: 100 × {info.numerator} ÷ {info.denominator} ({num.rule['en']})",
    }
    return IndicatorValues(values, sources, rule, missing)


def _summed_to_kecamatan(inputs: InsightInputs, desa: IndicatorValues) -> IndicatorValues:
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
        missing[str(code)] = {
            "id": f"{gap} dari {int(row['size'])} desa tanpa nilai: jumlahnya tidak lengkap",
            "en": f"{gap} of {int(row['size'])} desa without a value: the sum would be incomplete",
        }
    parent = villages["parent"].reindex(desa.values.index)
    summed = desa.values.groupby(parent).sum()
    sources = desa.sources.groupby(parent).agg(lambda s: [o for part in s for o in part])
    keep = summed.index.intersection(complete)
    rule = {
        "id": f"jumlah dari semua desa di kecamatan ({desa.rule['id']})",
        "en": f"sum over every desa of the kecamatan ({desa.rule['en']})",
    }
    return IndicatorValues(summed[keep], sources[keep], rule, missing)


# --- statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Correlation and least-squares line of y on x (scipy.stats)."""

    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    slope: float
    intercept: float
    r_squared: float
    slope_stderr: float
    intercept_stderr: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "pearson": {"r": self.pearson_r, "p_value": self.pearson_p},
            "spearman": {"rho": self.spearman_rho, "p_value": self.spearman_p},
            "regression": {
                "slope": self.slope,
                "intercept": self.intercept,
                "r_squared": self.r_squared,
                "slope_stderr": self.slope_stderr,
                "intercept_stderr": self.intercept_stderr,
            },
        }


def correlation_stats(x: Iterable[float], y: Iterable[float]) -> Stats | None:
    """Pearson, Spearman and the regression of y on x; None below 3 points or for a constant series.

    >>> s = correlation_stats([1, 2, 3, 4], [2, 4, 6, 8.5])
    >>> round(s.pearson_r, 3), s.spearman_rho, s.n
    (0.998, 1.0, 4)
    """
    xs, ys = np.asarray(list(x), dtype=float), np.asarray(list(y), dtype=float)
    if len(xs) < 3 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    pearson = stats.pearsonr(xs, ys)
    spearman = stats.spearmanr(xs, ys)
    line = stats.linregress(xs, ys)
    return Stats(
        n=len(xs),
        pearson_r=float(pearson.statistic),
        pearson_p=float(pearson.pvalue),
        spearman_rho=float(spearman.statistic),
        spearman_p=float(spearman.pvalue),
        slope=float(line.slope),
        intercept=float(line.intercept),
        r_squared=float(line.rvalue) ** 2,
        slope_stderr=float(line.stderr),
        intercept_stderr=float(line.intercept_stderr),
    )


def adjust_p_values(p_values: Iterable[float]) -> np.ndarray:
    """Benjamini–Hochberg q-values (``scipy.stats.false_discovery_control``), in the given order.

    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005]).round(3).tolist()
    [0.02, 0.04, 0.04, 0.02]
    """
    ps = np.asarray(list(p_values), dtype=float)
    return ps.copy() if len(ps) == 0 else np.asarray(stats.false_discovery_control(ps, method="bh"))


def studentized_residuals(x: Iterable[float], y: Iterable[float]) -> np.ndarray:
    """Externally studentized residuals of the least-squares line of y on x.

    Each point's residual divided by the line's error estimated *without* that point:
    e_i / (s_(i) √(1 − h_i)), with leverage h_i = 1/n + (x_i − x̄)² / Σ(x − x̄)² and
    s_(i)² = (SSE − e_i² / (1 − h_i)) / (n − 3). Equal to the prediction t-statistic of
    point i from the line fitted to the others; the line is scipy's ``linregress``.
    Needs n ≥ 4 and a non-constant x.
    """
    xs, ys = np.asarray(list(x), dtype=float), np.asarray(list(y), dtype=float)
    n = len(xs)
    if n < 4 or np.ptp(xs) == 0:
        raise ValueError("studentized residuals need n >= 4 points and a non-constant x")
    line = stats.linregress(xs, ys)
    residuals = ys - (line.intercept + line.slope * xs)
    leverage = 1 / n + (xs - xs.mean()) ** 2 / ((xs - xs.mean()) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = ((residuals**2).sum() - residuals**2 / (1 - leverage)) / (n - 3)
        t = residuals / np.sqrt(np.clip(s2, 0, None) * (1 - leverage))
    return np.where(np.isnan(t), 0.0, t)


# --- correlate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correlation:
    """Two indicators joined per region for one year, with statistics and outliers."""

    level: str
    period: str
    x: IndicatorInfo
    y: IndicatorInfo
    x_rule: Text
    y_rule: Text
    table: (
        pd.DataFrame
    )  # code, region, label, kecamatan, x, y, x_sources, y_sources, studentized_residual, outlier
    excluded: list[dict[str, Any]]
    stats: Stats | None
    min_n: int
    outlier_threshold: float

    @property
    def small_n(self) -> bool:
        return len(self.table) < self.min_n

    @property
    def caveat(self) -> Text:
        return _caveat(self.x.synthetic or self.y.synthetic, self.small_n, self.min_n)

    def records(self) -> list[dict[str, Any]]:
        out = []
        for row in self.table.itertuples(index=False):
            record: dict[str, Any] = {
                "region": row.region,
                "code": row.code,
                "label": row.label,
                "x": _num(row.x),
                "y": _num(row.y),
                "studentized_residual": _num(row.studentized_residual),
                "outlier": bool(row.outlier),
                "x_observations": row.x_sources,
                "y_observations": row.y_sources,
            }
            if self.level == "desa":
                record["kecamatan"] = row.kecamatan
            out.append(record)
        return out

    def outliers(self) -> list[dict[str, Any]]:
        rows = self.table[self.table["outlier"]]
        rows = rows.reindex(rows["studentized_residual"].abs().sort_values(ascending=False).index)
        assert self.stats is not None or rows.empty
        out = []
        for row in rows.itertuples(index=False):
            assert self.stats is not None
            predicted = self.stats.intercept + self.stats.slope * row.x
            t = float(row.studentized_residual)
            p = float(2 * stats.t.sf(abs(t), self.stats.n - 3))
            out.append(
                {
                    "region": row.region,
                    "code": row.code,
                    "label": row.label,
                    "x": _num(row.x),
                    "y": _num(row.y),
                    "predicted_y": _num(predicted),
                    "residual": _num(row.y - predicted),
                    "studentized_residual": _num(t),
                    "p_value": _num(p),
                    "p_bonferroni": _num(min(1.0, p * self.stats.n)),
                    "direction": "above" if t > 0 else "below",
                }
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "period": self.period,
            "x": {**self.x.as_dict(), "aggregation": self.x_rule},
            "y": {**self.y.as_dict(), "aggregation": self.y_rule},
            "n": len(self.table),
            "small_n": self.small_n,
            "min_n": self.min_n,
            "stats": None if self.stats is None else self.stats.as_dict(),
            "outlier_rule": {
                "id": f"|residu terstudentkan eksternal| > {self.outlier_threshold}",
                "en": f"|externally studentized residual| > {self.outlier_threshold}",
            },
            "outliers": self.outliers(),
            "rows": self.records(),
            "excluded": self.excluded,
            "synthetic": self.x.synthetic or self.y.synthetic,
            "caveat": self.caveat,
        }

    def to_csv(self, dialect: CsvDialect = "excel") -> bytes:
        """The joined table as CSV (``excel``: BOM, ';', decimal comma; ``standard``: RFC 4180)."""
        excel = dialect == "excel"
        header = ["kode", "wilayah"] + (["kecamatan"] if self.level == "desa" else [])
        header += [self.x.slug, self.y.slug, "residu_terstudentkan", "pencilan"]
        if not excel:
            header = ["code", "label"] + (["kecamatan"] if self.level == "desa" else [])
            header += [self.x.slug, self.y.slug, "studentized_residual", "outlier"]
        rows = [
            [_safe(r.code, excel), _safe(r.label, excel)]
            + ([_safe(r.kecamatan, excel)] if self.level == "desa" else [])
            + [_cell(r.x, excel), _cell(r.y, excel), _cell(r.studentized_residual, excel)]
            + [("ya" if r.outlier else "tidak") if excel else str(bool(r.outlier)).lower()]
            for r in self.table.itertuples(index=False)
        ]
        return _csv(header, rows, excel)


def correlate(
    store: Store,
    iris: Iris,
    x: str,
    y: str,
    level: str,
    period: str | None,
    *,
    home_region: str,
    min_n: int = DEFAULT_MIN_N,
    outlier_threshold: float = OUTLIER_THRESHOLD,
    catalogue: InsightCatalogue | None = None,
    run: Runner | None = None,
) -> Correlation:
    """Join indicators ``x`` and ``y`` per region of ``level`` for year ``period`` and correlate them.

    ``period`` None: the latest year both have values at the level. ``run`` runs the
    store work (in the query workers, within the time limit); ``catalogue`` is
    ``read_catalogue``'s answer when the caller keeps one.

    Raises:
        ParameterError: an unknown indicator or level, x equal to y, or a period
            that is not a year or in which an indicator has no values at the level.
        QueryError, StoreError: the store failed or ran past the time limit.
    """
    runner = run or run_here(store)
    cat = catalogue or runner(read_catalogue, iris, home_region)
    problems = _check_level(level)
    for name, slug in (("x", x), ("y", y)):
        if slug not in cat.indicators:
            problems.append(_unknown_indicator(name, slug, cat, level))
    if x == y and not problems:
        others = [s for s in cat.with_data(level) if s != x] if level in LEVELS else []
        problems.append(_problem("y", y, "parameter 'y': harus berbeda dari x / must differ from x", others))
    if not problems:
        for name, slug in (("x", x), ("y", y)):
            if not cat.years(slug, level):
                allowed = cat.with_data(level)
                problems.append(
                    _problem(
                        name,
                        slug,
                        f"parameter {name!r}: {slug!r} tidak punya nilai tingkat {level} / has no values at "
                        f"{level} level; indicators with {level} values: {', '.join(allowed)}",
                        allowed,
                    )
                )
    if problems:
        raise ParameterError(problems)
    common = sorted(set(cat.years(x, level)) & set(cat.years(y, level)))
    if period is None:
        broad = sorted(set(common) & cat.well_covered(x, level) & cat.well_covered(y, level))
        if not common:
            raise ParameterError([_period_problem(None, [], f"both {x} and {y}", level)])
        period = (broad or common)[-1]
    elif period not in common:
        raise ParameterError([_period_problem(period, common, f"both {x} and {y}", level)])
    needed = cat.needed(x, level, period) + [s for s in cat.needed(y, level, period) if s != x]
    inputs = _inputs(cat, period, runner(read_observations, iris, period, tuple(dict.fromkeys(needed))))
    xv = indicator_values(inputs, cat.indicators, x, level)
    yv = indicator_values(inputs, cat.indicators, y, level)
    for name, found in (("x", xv), ("y", yv)):
        if not isinstance(found, IndicatorValues):  # the catalogue said otherwise: the data changed
            raise ParameterError(
                [
                    _problem(
                        name, x if name == "x" else y, f"parameter {name!r}: {found['id']} / {found['en']}"
                    )
                ]
            )
    assert isinstance(xv, IndicatorValues) and isinstance(yv, IndicatorValues)
    return _join(inputs, level, cat.indicators[x], cat.indicators[y], xv, yv, min_n, outlier_threshold)


def _join(
    inputs: InsightInputs,
    level: str,
    x: IndicatorInfo,
    y: IndicatorInfo,
    xv: IndicatorValues,
    yv: IndicatorValues,
    min_n: int,
    threshold: float,
) -> Correlation:
    regions = inputs.regions[inputs.regions["level"] == level]
    codes = regions.index.intersection(xv.values.index).intersection(yv.values.index)
    table = pd.DataFrame(
        {
            "code": codes,
            "region": regions.loc[codes, "iri"].to_numpy(),
            "label": regions.loc[codes, "label"].to_numpy(),
            "kecamatan": inputs.regions["label"].reindex(regions.loc[codes, "parent"]).fillna("").to_numpy(),
            "x": xv.values[codes].to_numpy(dtype=float),
            "y": yv.values[codes].to_numpy(dtype=float),
            "x_sources": xv.sources[codes].to_numpy(),
            "y_sources": yv.sources[codes].to_numpy(),
        }
    )
    result = correlation_stats(table["x"], table["y"])
    residuals = np.full(len(table), np.nan)
    if result is not None and len(table) >= 4:
        residuals = studentized_residuals(table["x"], table["y"])
    table["studentized_residual"] = residuals
    table["outlier"] = np.abs(np.nan_to_num(residuals)) > threshold
    excluded = []
    for code in regions.index.difference(codes):
        reasons = []
        for name, values in (("x", xv), ("y", yv)):
            if code not in values.values.index:
                why = values.missing.get(code, {"id": "tidak ada observasi", "en": "no observation"})
                reasons.append({"indicator": name, "reason": why})
        excluded.append(
            {
                "region": regions.at[code, "iri"],
                "code": code,
                "label": regions.at[code, "label"],
                "missing": reasons,
            }
        )
    return Correlation(
        level, inputs.period, x, y, xv.rule, yv.rule, table, excluded, result, min_n, threshold
    )


# --- discover -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovery:
    """Every cross-agency pair of indicators at one level and year, ranked by |r|."""

    level: str
    period: str
    min_n: int
    fdr: float
    indicators: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    synthetic: bool

    @property
    def wawasan(self) -> list[dict[str, Any]]:
        """Significant pairs that are neither two measures of one concept nor two sizes."""
        return [
            {k: p[k] for k in ("x", "y", "n", "pearson_r", "spearman_rho", "q_value", "statement")}
            for p in self.pairs
            if p["significant"] and not p["same_concept"] and not p["size_effect"]
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "period": self.period,
            "min_n": self.min_n,
            "fdr": self.fdr,
            "method": {
                "id": (
                    "Semua pasangan indikator dari instansi berbeda; koefisien Pearson (peringkat "
                    "menurut |r|) dan Spearman; nilai p Pearson disesuaikan dengan Benjamini–Hochberg "
                    "(nilai q) atas semua "
                    f"pasangan yang diuji; bermakna bila q ≤ {self.fdr} dan n ≥ {self.min_n}."
                ),
                "en": (
                    "Every pair of indicators from different agencies; Pearson (ranked by |r|) and Spearman "
                    "coefficients; Pearson p-values adjusted with Benjamini–Hochberg (q-values) over all "
                    f"tested pairs; significant when q ≤ {self.fdr} and n ≥ {self.min_n}."
                ),
            },
            "indicators": self.indicators,
            "skipped": self.skipped,
            "wawasan": self.wawasan,
            "pairs": self.pairs,
            "synthetic": self.synthetic,
            "caveat": _caveat(self.synthetic, False, self.min_n),
        }

    def to_csv(self, dialect: CsvDialect = "excel") -> bytes:
        excel = dialect == "excel"
        names = ["x", "y", "n", "pearson_r", "pearson_p", "q_value", "spearman_rho", "spearman_p"]
        flags = ["small_n", "significant", "same_concept", "size_effect"]
        rows = [
            [p["x"]["indicator"], p["y"]["indicator"], str(p["n"])]
            + [_cell(p[k], excel) for k in names[3:]]
            + [str(p[k]).lower() for k in flags]
            for p in self.pairs
        ]
        return _csv(names + flags, rows, excel)


def discover(
    store: Store,
    iris: Iris,
    level: str,
    period: str | None,
    *,
    home_region: str,
    min_n: int = DEFAULT_MIN_N,
    fdr: float = DEFAULT_FDR,
    catalogue: InsightCatalogue | None = None,
    run: Runner | None = None,
) -> Discovery:
    """Correlate every pair of indicators from different agencies at ``level`` in ``period``.

    ``period`` None: the latest year with values at the level. Pairs are ranked by
    |Pearson r|; Pearson p-values of all pairs with a coefficient are adjusted with
    Benjamini–Hochberg (``scipy.stats.false_discovery_control``). A pair is
    significant when q ≤ ``fdr`` and n ≥ ``min_n``; smaller pairs are marked ``small_n``.

    Raises:
        ParameterError: an unknown level, or a period that is not a year with values.
        QueryError, StoreError: the store failed or ran past the time limit.
    """
    runner = run or run_here(store)
    cat = catalogue or runner(read_catalogue, iris, home_region)
    problems = _check_level(level)
    if problems:
        raise ParameterError(problems)
    years = sorted({yr for s in cat.indicators for yr in cat.years(s, level)})
    if period is None:
        # The latest year in which indicators of two agencies or more are well covered.
        agencies: dict[str, set[str]] = {}
        for slug, info in cat.indicators.items():
            for year in cat.well_covered(slug, level):
                agencies.setdefault(year, set()).add(info.agency)
        broad = [yr for yr in years if len(agencies.get(yr, ())) >= 2]
        period = (broad or years)[-1] if years else None
    if period is None or period not in years:
        raise ParameterError([_period_problem(period, years, "any indicator", level)])
    inputs = _inputs(cat, period, runner(read_observations, iris, period, None))
    found: dict[str, IndicatorValues] = {}
    skipped = []
    for slug in sorted(cat.indicators):
        values = indicator_values(inputs, cat.indicators, slug, level)
        if isinstance(values, IndicatorValues) and len(values.values):
            found[slug] = values
        else:
            reason = (
                values
                if not isinstance(values, IndicatorValues)
                else {"id": "tanpa nilai", "en": "no values"}
            )
            skipped.append({"indicator": slug, "reason": reason})
    # One table, region x indicator, joined once; each pair is two of its columns.
    wide = pd.DataFrame({s: v.values for s, v in found.items()})
    column = {s: wide[s].to_numpy(dtype=float) for s in wide.columns}
    pairs = []
    for a, b in itertools.combinations(sorted(found), 2):
        x, y = cat.indicators[a], cat.indicators[b]
        if x.agency == y.agency:
            continue
        both = np.isfinite(column[a]) & np.isfinite(column[b])
        result = correlation_stats(column[a][both], column[b][both])
        pairs.append(_pair(x, y, int(both.sum()), result, min_n))
    tested = [p for p in pairs if p["pearson_p"] is not None]
    if tested:
        adjusted = adjust_p_values([p["pearson_p"] for p in tested])
        for p, q in zip(tested, adjusted, strict=True):
            p["q_value"] = float(q)
            p["significant"] = bool(q <= fdr and not p["small_n"])
            p["statement"] = _statement(p, level, period)
    pairs.sort(
        key=lambda p: (
            p["pearson_r"] is None,
            -abs(p["pearson_r"] or 0.0),
            p["x"]["indicator"],
            p["y"]["indicator"],
        )
    )
    for rank, p in enumerate(pairs, start=1):
        p["rank"] = rank
    indicators = [
        {**cat.indicators[s].as_dict(), "aggregation": v.rule, "regions": len(v.values)}
        for s, v in found.items()
    ]
    synthetic = any(cat.indicators[s].synthetic for s in found)
    return Discovery(level, period, min_n, fdr, indicators, skipped, pairs, synthetic)


def _pair(x: IndicatorInfo, y: IndicatorInfo, n: int, result: Stats | None, min_n: int) -> dict[str, Any]:
    return {
        "rank": 0,
        "x": {"indicator": x.slug, "label": x.label, "agency": x.agency, "measure_kind": x.kind},
        "y": {"indicator": y.slug, "label": y.label, "agency": y.agency, "measure_kind": y.kind},
        "n": n,
        "pearson_r": None if result is None else result.pearson_r,
        "pearson_p": None if result is None else result.pearson_p,
        "q_value": None,
        "spearman_rho": None if result is None else result.spearman_rho,
        "spearman_p": None if result is None else result.spearman_p,
        "small_n": n < min_n,
        "significant": False,
        # Two producers' figures of one concept (e.g. registered vs projected population):
        # their agreement is a coherence check, not an insight.
        "same_concept": x.concept is not None and x.concept == y.concept,
        # Two sizes (counts, areas) of the same regions rise together with region size.
        "size_effect": x.kind in SUMMABLE and y.kind in SUMMABLE,
        "statement": None,
    }


def _statement(p: dict[str, Any], level: str, period: str) -> Text:
    """The pair in one sentence for the regent's office, Indonesian and English."""
    r, n, q = p["pearson_r"], p["n"], p["q_value"]
    strength = ("kuat", "strong") if abs(r) >= 0.7 else ("sedang", "moderate")
    if abs(r) < 0.4:
        strength = ("lemah", "weak")
    x, y = p["x"], p["y"]
    x_id, x_en = _lower_first(x["label"]["id"]), _lower_first(x["label"]["en"])
    y_id, y_en = _lower_first(y["label"]["id"]), _lower_first(y["label"]["en"])
    way_id, way_en = ("tinggi", "higher") if r > 0 else ("rendah", "lower")
    q_id = "q < 0,001" if q < 0.001 else f"q = {_id_number(q, 3)}"
    q_en = "q < 0.001" if q < 0.001 else f"q = {q:.3f}"
    who = {"desa": ("Desa", "villages"), "kecamatan": ("Kecamatan", "districts")}[level]
    text_id = (
        f"{period}: {who[0]} dengan {x_id} lebih tinggi cenderung memiliki {y_id} lebih {way_id} "
        f"(hubungan {strength[0]}; r = {_id_number(r, 2)}, n = {n}, {q_id})."
    )
    text_en = (
        f"{period}: {who[1].capitalize()} with higher {x_en} tend to have {way_en} {y_en} "
        f"({strength[1]} association; r = {r:.2f}, n = {n}, {q_en})."
    )
    sizes = [s for s in (x, y) if s["measure_kind"] in SUMMABLE]
    if len(sizes) == 1:  # a count against a rate: part of the link may be region size
        text_id += f" Catatan: {sizes[0]['label']['id']} adalah cacah, yang ikut besar-kecilnya wilayah."
        text_en += f" Note: {sizes[0]['label']['en']} is a count, which grows with region size."
    return {"id": text_id, "en": text_en}


# --- shared helpers -----------------------------------------------------------------------------


def _caveat(synthetic: bool, small_n: bool, min_n: int) -> Text:
    parts = [CAVEAT] + ([_SYNTHETIC] if synthetic else [])
    parts += [{k: v.format(min_n=min_n) for k, v in _SMALL_N.items()}] if small_n else []
    return {k: " ".join(p[k] for p in parts) for k in ("id", "en")}


def _check_level(level: str) -> list[dict[str, Any]]:
    if level in LEVELS:
        return []
    return [
        _problem(
            "level",
            level,
            f"parameter 'level': nilai {level!r} tidak dikenal / unknown value {level!r}; "
            f"allowed: {', '.join(LEVELS)}",
            list(LEVELS),
        )
    ]


def _unknown_indicator(name: str, slug: str, cat: InsightCatalogue, level: str) -> dict[str, Any]:
    allowed = cat.with_data(level) if level in LEVELS else sorted(cat.indicators)
    return _problem(
        name,
        slug,
        f"parameter {name!r}: indikator {slug!r} tidak dikenal / unknown indicator {slug!r}; "
        f"allowed: {', '.join(allowed)}",
        allowed,
    )


def _period_problem(period: str | None, years: list[str], what: str, level: str) -> dict[str, Any]:
    shape = "" if period is None or _YEAR.match(period) else " (tahun empat angka / a four-digit year)"
    return _problem(
        "period",
        period,
        f"parameter 'period': tidak ada nilai untuk {period!r}{shape} / no values of {what} at {level} level "
        f"for {period!r}; years with values: {', '.join(years) or '(none)'}",
        years,
    )


def _problem(name: str, value: str | None, message: str, allowed: list[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"parameter": name, "value": value, "message": message}
    if allowed is not None:
        out["allowed"] = allowed
    return out


def _num(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _id_number(value: float, digits: int) -> str:
    """A number as written in Indonesian: decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")


def _lower_first(label: str) -> str:
    """'Prevalensi stunting' -> 'prevalensi stunting'; 'KPM PKH' and 'Family Hope Programme' stay."""
    return label[:1].lower() + label[1:] if label[1:] == label[1:].lower() else label


def _cell(value: Any, excel: bool) -> str:
    if value is None:
        return ""
    number = float(value)
    if not math.isfinite(number):
        return ""
    text = repr(number) if number != int(number) or abs(number) >= 1e15 else str(int(number))
    return text.replace(".", ",") if excel else text


def _safe(text: str, excel: bool) -> str:
    """Text that Excel would run as a formula (CSV injection) gets a leading quote."""
    return "'" + text if excel and text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _csv(header: list[str], rows: list[list[str]], excel: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    text = buffer.getvalue()
    return ("\ufeff" + text if excel else text).encode("utf-8")
