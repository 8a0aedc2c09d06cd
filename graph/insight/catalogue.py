"""What the graph holds for insight: its indicators, where they have values, the home region's regions.

``read_catalogue`` asks the published graphs four questions (the indicators with their kind
of measure, unit, producer and parts; which are published in synthetic datasets; how many
regions each is observed for per level and year; the desa and kecamatan of the home
region) and keeps the answers in an ``InsightCatalogue``. Every analysis starts from it: it
says which indicator has values at which level in which year *under the aggregation
rules* (``graph.insight.observations``), so a parameter can be refused before any
observation is read, and a caller may keep it until the next publication.

Where two datasets publish one indicator, each region's figures are counted per dataset, and
an analysis uses those of the indicator's chosen dataset (``graph.answer.authoritative``: the
authoritative one, or one asked for with ``sumber``; ``InsightCatalogue.choose``).

``InsightCatalogue.as_of`` leaves out the years that have not come by a given day (a mistyped
2027 holds no published figures): no year selector offers them, no analysis defaults to them.

A categorical indicator (values from a SKOS code list, ``graph.reference.categories``) has its
code list here; ``with_data`` leaves it out unless asked (only the map shows categories), so the
numeric analyses neither offer nor compute it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pyoxigraph as ox

from graph.answer.authoritative import Sources, SourceUse, asked_problems, sources_of
from graph.answer.bounds import read_bounds
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC
from graph.read.periods import has_come
from graph.reference.categories import CodeList
from graph.reference.categories import read_code_lists as read_category_lists
from graph.reference.indicators import Bounds, Indicator
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.text import Text

__all__ = [
    "LEVELS",
    "OBSERVED",
    "SUMMABLE",
    "InsightCatalogue",
    "indicator_json",
    "indicators_json",
    "is_year",
    "observed_counts",
    "read_catalogue",
]

LEVELS = ("desa", "kecamatan")
SUMMABLE = frozenset({"count", "area"})  # the ontology: these "can be summed across regions"
_KINDS = {
    "kindCount": "count",
    "kindPercentage": "percentage",
    "kindRatio": "ratio",
    "kindArea": "area",
    "kindCurrency": "currency",
    "kindIndex": "index",  # a composite index (e.g. IDM on 0–1): never summed
    "kindCategorical": "categorical",  # values are concepts of a code list, never numbers
}
_YEAR = re.compile(r"^\d{4}$")


def is_year(period: str) -> bool:
    """Whether ``period`` is written as a year, the only period insight compares.

    >>> is_year("2023"), is_year("2023-01"), is_year("dua ribu")
    (True, False, False)
    """
    return bool(_YEAR.match(period))


def indicator_json(indicator: Indicator) -> dict[str, Any]:
    """The indicator as the insight answers describe it (``x``, ``y``, ``indicators``)."""
    return {
        "indicator": indicator.slug,
        "iri": indicator.iri,
        "label": indicator.label,
        "unit": indicator.unit,
        "unit_label": indicator.unit_label,
        "measure_kind": indicator.kind,
        "agency": indicator.agency,
        "agency_label": indicator.agency_label,
        "synthetic": indicator.synthetic,
    }


@dataclass(frozen=True)
class InsightCatalogue:
    """Indicators, and how many regions each is observed for, per level and year."""

    indicators: dict[str, Indicator]
    observed: dict[tuple[str, str], dict[str, int]]  # (slug, level) -> year -> regions observed
    regions: pd.DataFrame  # desa and kecamatan of the home region: code (index), iri, label, level, parent
    sources: Sources = field(default_factory=lambda: Sources({}))
    # (slug, level) -> dataset IRI -> year -> regions observed; ``observed`` counts the chosen one's
    by_dataset: dict[tuple[str, str], dict[str, dict[str, int]]] = field(default_factory=dict)
    asked: tuple[str, ...] = ()  # dataset slugs asked for (``sumber``); empty: the authoritative ones
    code_lists: dict[str, CodeList] = field(default_factory=dict)  # categorical indicator slug -> its list

    def is_categorical(self, slug: str) -> bool:
        """Whether ``slug``'s values are categories of a code list: never numbers, so never correlated,
        summed or classed (the map colours them by category; ``category-count`` counts them)."""
        return slug in self.code_lists or (
            slug in self.indicators and self.indicators[slug].kind == "categorical"
        )

    def source(self, slug: str) -> SourceUse:
        """The dataset ``slug``'s figures are taken from, why, and the others publishing it."""
        return self.sources.choose(self.indicators[slug].iri, self.asked)

    def used(self, slug: str) -> Indicator:
        """``slug`` as an analysis uses it: ``synthetic`` says whether the figures it takes are
        (its chosen dataset's ``oc:syntheticData``; recomputed from parts no dataset publishes
        as such, whether a part's are)."""
        return replace(self.indicators[slug], synthetic=self._synthetic(slug, frozenset()))

    def _synthetic(self, slug: str, seen: frozenset[str]) -> bool:
        info = self.indicators[slug]
        dataset = self.source(slug).dataset
        if dataset is not None:
            return dataset.synthetic
        parts = [p for p in (info.numerator, info.denominator) if p in self.indicators and p not in seen]
        return info.synthetic or any(self._synthetic(p, seen | {slug}) for p in parts)

    def as_of(self, today: dt.date) -> InsightCatalogue:
        """The catalogue as of ``today``: the years after the current one left out."""

        def come(years: dict[str, int]) -> dict[str, int]:
            return {y: n for y, n in years.items() if has_come(y, today)}

        return replace(
            self,
            observed={key: come(years) for key, years in self.observed.items()},
            by_dataset={
                key: {dataset: come(years) for dataset, years in datasets.items()}
                for key, datasets in self.by_dataset.items()
            },
        )

    def choose(self, asked: Sequence[str]) -> InsightCatalogue:
        """The catalogue counting the figures of the datasets asked for (by slug) where they
        publish an indicator, and of the authoritative ones elsewhere."""
        if tuple(asked) == self.asked:
            return self
        chosen = replace(self, asked=tuple(asked))
        return replace(chosen, observed=_chosen_counts(chosen))

    def asked_problems(self, asked: Sequence[str], slugs: Sequence[str]) -> list[dict[str, Any]]:
        """Why datasets asked for cannot be used for these indicators (their numerators and
        denominators count too); empty when they can."""
        iris = set()
        for slug in slugs:
            info = self.indicators.get(slug)
            if info is not None:
                iris.add(info.iri)
                for part in (info.numerator, info.denominator):
                    if part in self.indicators:
                        iris.add(self.indicators[part].iri)
        return asked_problems("sumber", list(asked), self.sources, iris)

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

    def all_years(self, categorical: bool | None = None) -> list[str]:
        """Every year some indicator has values in at some level, the latest first (``categorical``:
        of categorical or numeric indicators only; None: of any)."""
        slugs = [s for s in self.indicators if categorical is None or self.is_categorical(s) == categorical]
        return sorted({y for s in slugs for lv in LEVELS for y in self.years(s, lv)}, reverse=True)

    def well_covered(self, slug: str, level: str) -> set[str]:
        """Years with at least half the regions of the indicator's best-covered year: a stray
        row (e.g. a mistyped future year) does not make a year the default."""
        found = self.coverage(slug, level)
        return {y for y, n in found.items() if 2 * n >= max(found.values())} if found else set()

    def with_data(
        self, level: str, period: str | None = None, *, categorical: bool | None = False
    ) -> list[str]:
        """Indicator slugs with values at ``level`` (in ``period``, when given): numeric ones by
        default, as every analysis but the map needs; ``categorical`` True: categorical ones only,
        None: both."""
        return [
            s
            for s in sorted(self.indicators)
            if (categorical is None or self.is_categorical(s) == categorical)
            and (ys := self.years(s, level))
            and (period is None or period in ys)
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

    def labels(self, level: str | None = None) -> dict[str, str]:
        """Region code -> name, of the regions of ``level`` (of every level when None)."""
        regions = self.regions if level is None else self.regions[self.regions["level"] == level]
        return {str(code): str(label) for code, label in regions["label"].items()}

    def kecamatan_label(self, code: str) -> str:
        """The name of the kecamatan a desa lies in ("" for a kecamatan or an unknown code)."""
        parent = self.regions["parent"].get(code)
        return str(self.regions["label"].get(parent, "")) if isinstance(parent, str) else ""


def indicators_json(cat: InsightCatalogue) -> list[dict[str, Any]]:
    """The numeric indicators with values at some level, each with its years per level (``GET
    /insight``: what can be correlated; a categorical one is for the map and ``category-count``)."""
    found = []
    for slug in sorted(cat.indicators):
        if cat.is_categorical(slug):
            continue
        years = {level: cat.years(slug, level) for level in LEVELS}
        if any(years.values()):
            found.append({**indicator_json(cat.used(slug)), "years": years})
    return found


def _labels(var: str, prop: str) -> str:
    return "".join(
        f'OPTIONAL {{ {var} {prop} ?{var[1:]}_{lang} FILTER(lang(?{var[1:]}_{lang}) = "{lang}") }}\n'
        for lang in ("id", "en")
    )


def _text(row: dict[str, str], var: str, fallback: str) -> Text:
    return Text.of({"id": row.get(f"{var}_id"), "en": row.get(f"{var}_en")}, fallback)


def read_catalogue(
    store: Store, iris: Iris, home_region: str, observed: list[dict[str, str]] | None = None
) -> InsightCatalogue:
    """The indicators of the published ontology, where they have observations (per dataset), the
    desa and kecamatan of ``home_region``, the datasets as sources and the code lists of
    categorical indicators (seven queries; a caller may keep it until the next publication).
    ``observed``: the rows of ``OBSERVED`` when the caller has them (the one query scanning
    every observation; ``graph.insight.observation_table`` gives the same rows)."""
    graphs = PublicGraphs(store, iris)
    by_iri = read_category_lists(graphs.values)
    indicators = {
        s: replace(i, code_list=by_iri[i.iri].iri) if i.iri in by_iri else i
        for s, i in _read_indicators(graphs).items()
    }
    cat = InsightCatalogue(
        indicators,
        {},
        _read_regions(graphs, home_region),
        sources_of(graphs),
        observed_counts(graphs.values(OBSERVED) if observed is None else observed, iris, indicators),
        code_lists={s: by_iri[i.iri] for s, i in indicators.items() if i.iri in by_iri},
    )
    return replace(cat, observed=_chosen_counts(cat))


def _chosen_counts(cat: InsightCatalogue) -> dict[tuple[str, str], dict[str, int]]:
    """(slug, level) -> year -> regions observed, in the dataset chosen for each indicator."""
    observed = {}
    for (slug, level), by_dataset in cat.by_dataset.items():
        use = cat.source(slug)
        if use.dataset is not None and use.dataset.iri in by_dataset:
            observed[(slug, level)] = dict(by_dataset[use.dataset.iri])
    return observed


def _read_indicators(graphs: PublicGraphs) -> dict[str, Indicator]:
    iris = graphs.iris
    indicator_prefix, agency_prefix = iris.indicator(""), iris.agency("")
    unit_prefix = f"{iris.base}id/satuan/"
    synthetic = {
        r["indicator"]
        for r in graphs.values(
            """SELECT DISTINCT ?indicator WHERE {
                 ?cube oc:cubeOf ?ds ; qb:structure/qb:component/qb:measure ?indicator .
                 ?ds oc:syntheticData true }"""
        )
    }
    bounds = read_bounds(graphs)
    indicators: dict[str, Indicator] = {}
    for r in graphs.values(
        f"""SELECT * WHERE {{
              ?indicator a oc:Indicator ; oc:producer ?agency ; oc:unit ?unit .
              OPTIONAL {{ ?indicator oc:measureKind ?kind }}
              OPTIONAL {{ ?indicator qb:concept ?concept }}
              OPTIONAL {{ ?indicator oc:numerator ?numerator }}
              OPTIONAL {{ ?indicator oc:denominator ?denominator }}
              {_labels("?indicator", "rdfs:label")}{_labels("?unit", "skos:prefLabel")}
              {_labels("?agency", "skos:prefLabel")}
            }}"""
    ):
        slug = r["indicator"].removeprefix(indicator_prefix)
        kind = r.get("kind", "").removeprefix(OC)
        unit, agency = r["unit"].removeprefix(unit_prefix), r["agency"].removeprefix(agency_prefix)
        indicators[slug] = Indicator(
            iri=r["indicator"],
            slug=slug,
            label=_text(r, "indicator", slug),
            unit=unit,
            unit_iri=r["unit"],
            unit_label=_text(r, "unit", unit),
            kind=_KINDS.get(kind, kind or "unknown"),
            agency=agency,
            agency_label=_text(r, "agency", agency),
            concept=r.get("concept"),
            numerator=r["numerator"].removeprefix(indicator_prefix) if "numerator" in r else None,
            denominator=r["denominator"].removeprefix(indicator_prefix) if "denominator" in r else None,
            synthetic=r["indicator"] in synthetic,
            bounds=bounds.get(r["indicator"], Bounds()),
        )
    return indicators


OBSERVED = """SELECT ?indicator ?dataset ?level ?period (COUNT(DISTINCT ?region) AS ?regions) WHERE {
     { SELECT DISTINCT ?indicator ?dataset ?region ?period WHERE {
         ?obs qb:measureType ?indicator ; qb:dataSet/oc:cubeOf ?dataset ;
              sdmx-dimension:refArea ?region ; sdmx-dimension:refPeriod ?period } }
     ?region oc:regionLevel/skos:notation ?level .
   } GROUP BY ?indicator ?dataset ?level ?period"""


def observed_counts(
    rows: list[dict[str, str]], iris: Iris, indicators: dict[str, Indicator]
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """(slug, level) -> dataset -> year -> regions, from rows of ``OBSERVED`` (the store's, or
    the same rows from ``graph.insight.observation_table``)."""
    observed: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    for r in rows:
        year = r["period"].removeprefix(iris.period_prefix)
        slug = r["indicator"].removeprefix(iris.indicator(""))
        if is_year(year) and slug in indicators:
            by_dataset = observed.setdefault((slug, r["level"]), {})
            by_dataset.setdefault(r["dataset"], {})[year] = int(r["regions"])
    return observed


def _read_regions(graphs: PublicGraphs, home_region: str) -> pd.DataFrame:
    iris = graphs.iris
    region_rows = graphs.values(
        """SELECT ?region ?code ?label ?level ?parent ?home WHERE {
             { ?region skos:broader ?home } UNION { ?region skos:broader/skos:broader ?home }
             ?region skos:notation ?code ; skos:prefLabel ?label ; skos:broader ?parent ;
                     oc:regionLevel/skos:notation ?level .
             FILTER(datatype(?code) = oc:KemendagriCode)
           }""",
        home=ox.NamedNode(iris.region(home_region)),
    )
    regions = pd.DataFrame(region_rows, columns=["region", "code", "label", "level", "parent"])
    regions = regions[regions["level"].isin(LEVELS)].sort_values(["code", "parent"])
    regions = regions.assign(parent=regions["parent"].str.removeprefix(iris.region_prefix))
    return regions.drop_duplicates("code").set_index("code").rename(columns={"region": "iri"})
