"""Answering an ``agency-coverage`` plan from the view: which agency reports what, where, when.

``agency-coverage`` groups every observation by its dataset's agency, its dataset, indicator
and region level, counting regions and figures with the first and last year. Its SPARQL
reads every observation with its region's level and its period's year: at 1,000,000
observations it runs past the time limit. The view's rows hold each observation (IRI,
indicator, region, period, dataset), so the grouping runs on those Arrow columns; the
datasets' agencies, titles and the names of levels are a few hundred statements read once
per view. The grouping does not depend on the parameters (they only pick groups), so it is
done once per view too.

SPARQL semantics kept on purpose: ``COUNT(?o)`` counts solutions, so an observation counts
once per year of its period, level of its region and agency of its dataset (a row of the view
per value of an observation is counted once); a region or period without a level or year,
a dataset without a publisher and a level without a rank give no row; missing names leave
their column unbound and several give several rows, as the OPTIONALs do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from graph.answer.columnar_terms import Undetermined, ensure_determined, sort_key
from graph.answer.plan_metadata import OncePerView, plan_metadata, solutions
from graph.answer.questions import Question
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, XSD
from graph.store.interface import Store
from graph.store.versions import published_graphs

__all__ = ["CoverageMetadata", "coverage_rows", "coverage_metadata"]

_INTEGER = ox.NamedNode(XSD + "integer")
_SYNTHETIC = ox.Literal("sintetis / synthetic")
_REAL = ox.Literal("nyata / real")
_P = f"""
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX dcterms: <{PREFIXES["dcterms"]}>
PREFIX oc: <{OC}>
"""
_AREAS = _P + "SELECT ?area ?level WHERE { ?area oc:regionLevel ?level }"
_LEVELS = _P + "SELECT ?level ?rank WHERE { ?level oc:levelRank ?rank }"
_DATASETS = (
    _P
    + """SELECT ?dataset ?agency ?title ?synthetic WHERE {
  { ?dataset dcterms:publisher ?agency }
  UNION { ?dataset dcterms:title ?title . FILTER(lang(?title) = "id") }
  UNION { ?dataset oc:syntheticData ?synthetic }
}"""
)
_LABELS = (
    _P
    + """SELECT ?thing ?name ?how WHERE {
  { ?thing skos:prefLabel ?name . BIND("pref" AS ?how) }
  UNION { ?thing rdfs:label ?name . BIND("rdfs" AS ?how) }
  FILTER(lang(?name) = "id") }"""
)


_Group = tuple[int, int, Any, Any]  # regions, observations, first year, last year


@dataclass(frozen=True)
class CoverageMetadata:
    """``areas[area]``: its levels; ``ranks[level]``; ``agencies`` / ``titles`` /
    ``synthetic[dataset]``; ``pref[thing]`` / ``labels[thing]``: Indonesian ``skos:prefLabel``
    (agencies' and levels' names) and ``rdfs:label`` (indicators' names)."""

    areas: dict[str, list[str]]
    ranks: dict[str, list[ox.Literal]]
    agencies: dict[str, list[str]]
    titles: dict[str, list[ox.Literal]]
    synthetic: dict[str, list[Any]]
    pref: dict[str, list[ox.Literal]]
    labels: dict[str, list[ox.Literal]]
    # (dataset, indicator, level) -> regions, figures, first and last year: the view's rows
    # grouped once per view (the parameters only pick groups); None where a year is no integer.
    groups: dict[tuple[str, str, str], _Group] | None = None


def read_coverage_metadata(store: Store, iris: Iris) -> CoverageMetadata:
    """The metadata of the published graphs (no observation is read)."""
    graphs = published_graphs(store, iris)
    found = CoverageMetadata({}, {}, {}, {}, {}, {}, {})
    for s in solutions(store, _AREAS, graphs):
        found.areas.setdefault(s["area"].value, []).append(s["level"].value)
    for s in solutions(store, _LEVELS, graphs):
        found.ranks.setdefault(s["level"].value, []).append(s["rank"])
    for s in solutions(store, _DATASETS, graphs):
        dataset = s["dataset"].value
        if s["agency"] is not None:
            found.agencies.setdefault(dataset, []).append(s["agency"].value)
        if s["title"] is not None:
            found.titles.setdefault(dataset, []).append(s["title"])
        if s["synthetic"] is not None:
            found.synthetic.setdefault(dataset, []).append(s["synthetic"])
    for s in solutions(store, _LABELS, graphs):
        into = found.pref if s["how"].value == "pref" else found.labels
        into.setdefault(s["thing"].value, []).append(s["name"])
    return found


def _read_with_groups(store: Store, iris: Iris, view: ObservationView) -> CoverageMetadata:
    found = read_coverage_metadata(store, iris)
    return replace(found, groups=_groups(view, found, plan_metadata(store, iris, view).years))


coverage_metadata = OncePerView(_read_with_groups)
"""The metadata of the publication ``view`` was read from, with its groups: once per view."""


def coverage_rows(
    view: ObservationView, store: Store, iris: Iris, question: Question, bound: dict[str, Any]
) -> list[list[Any]]:
    """The question's rows (terms, in ``question.columns`` order) for the bound parameters."""
    metadata = coverage_metadata(store, iris, view)
    agency = bound["agency"].value if "agency" in bound else None
    level = bound["level"].value if "level" in bound else None
    if metadata.groups is None:
        raise Undetermined("a period's year is no integer")
    records: list[dict[str, Any]] = []
    for (dataset, indicator, lvl), (regions, count, first, last) in metadata.groups.items():
        if level is not None and lvl != level:
            continue
        for who in metadata.agencies.get(dataset, ()):
            if agency is not None and who != agency:
                continue
            base = {
                "indicator": ox.NamedNode(indicator),
                "regions": ox.Literal(str(regions), datatype=_INTEGER),
                "observations": ox.Literal(str(count), datatype=_INTEGER),
                "first_year": first,
                "last_year": last,
            }
            kinds = {_data_kind(s) for s in metadata.synthetic.get(dataset, [])} or {_REAL}
            for rank in metadata.ranks.get(lvl, ()):
                for agency_name in _optional(metadata.pref.get(who)):
                    for title in _optional(metadata.titles.get(dataset)):
                        for kind in kinds:
                            for label in _optional(metadata.labels.get(indicator)):
                                for level_label in _optional(metadata.pref.get(lvl)):
                                    records.append(
                                        {
                                            **base,
                                            " rank": rank,
                                            "agency_name": agency_name,
                                            "dataset_title": title,
                                            "data_kind": kind,
                                            "indicator_label": label,
                                            "level_label": level_label,
                                        }
                                    )
    order = ("agency_name", " rank", "indicator_label")
    records.sort(key=lambda r: tuple(sort_key(r[c]) for c in order))
    ensure_determined(records, order, question.columns)
    return [[r[c] if c in r else bound.get(c) for c in question.columns] for r in records]


def _groups(
    view: ObservationView, metadata: CoverageMetadata, years: dict[str, list[ox.Literal]]
) -> dict[tuple[str, str, str], _Group] | None:
    """(dataset, indicator, level) -> its counts and years, grouped on the view's rows."""
    rows = view.rows.filter(pc.is_null(view.rows.column("dimension")))
    keys = ["obs", "indicator", "area", "period", "dataset"]
    rows = pa.table({k: rows.column(k).cast(pa.string()) for k in keys})
    solutions = rows.group_by(keys).aggregate([])  # one per observation, not per value
    periods, numbers = [], []
    literal_of: dict[int, ox.Literal] = {}
    for period, period_years in years.items():
        for year in period_years:
            periods.append(period)
            try:
                number = int(year.value)
            except ValueError:
                return None  # MIN and MAX of such years are Oxigraph's to order: SPARQL answers
            if literal_of.setdefault(number, year) != year:
                return None  # two years of one value: which one MIN gives is Oxigraph's choice
            numbers.append(number)
    areas, levels = [], []
    for area, found_levels in metadata.areas.items():
        for lvl in found_levels:
            areas.append(area)
            levels.append(lvl)
    joined = solutions.join(
        pa.table({"period": pa.array(periods, pa.string()), "year": pa.array(numbers, pa.int64())}),
        "period",
        join_type="inner",
    )
    joined = joined.join(
        pa.table({"area": pa.array(areas, pa.string()), "level": pa.array(levels, pa.string())}),
        "area",
        join_type="inner",
    )
    grouped = joined.group_by(["dataset", "indicator", "level"], use_threads=False).aggregate(
        [("area", "count_distinct"), ("obs", "count"), ("year", "min"), ("year", "max")]
    )
    found: dict[tuple[str, str, str], _Group] = {}
    for r in grouped.to_pylist():
        found[(r["dataset"], r["indicator"], r["level"])] = (
            r["area_count_distinct"],
            r["obs_count"],
            literal_of[r["year_min"]],
            literal_of[r["year_max"]],
        )
    return found


def _optional(found: list[Any] | None) -> list[Any]:
    return list(found or ()) or [None]


def _data_kind(synthetic: Any) -> ox.Literal | None:
    """``IF(COALESCE(?synthetic, false), ...)`` on a boolean (None: the IF's error, unbound)."""
    if isinstance(synthetic, ox.Literal) and synthetic.datatype.value == XSD + "boolean":
        return _SYNTHETIC if synthetic.value in ("true", "1") else _REAL
    return None
