"""Answering the ``village-profile`` plan from the view's rows: every figure of one desa.

The question lists each observation of a desa and of its kecamatan in one period, with its
IRI (which traces it to its source file), its breakdown names and a dozen labels. Its SPARQL
finds the observations through the region and then looks up every label per figure: at
1,000,000 observations it ran past the time limit. The view's rows hold each observation
with its region, period, dataset, value and breakdown keys, so the figures are picked on
those Arrow columns; the labels (agencies, titles, indicators, levels, codes, categories) are
the agency-coverage plan's metadata and the dimensions' code lists, read once per view.

SPARQL semantics kept on purpose: a figure of the desa's every parent counts (``?region
skos:broader ?at``); every OPTIONAL gives a row per value it finds, or one unbound; a
category shows its Indonesian name (each name a row), any other figure itself; a breakdown
is each key of a dimension with a code list (once per code list) other than the region,
named in Indonesian; a region the view has no code for, a dataset marked synthetic with no
boolean, or rows tied on the ORDER BY while they differ leave the answer to the SPARQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import product
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from graph.answer.columnar_coverage import CoverageMetadata, read_coverage_metadata
from graph.answer.columnar_districts import parents_of
from graph.answer.columnar_terms import Undetermined, ensure_determined, sort_key
from graph.answer.plan_metadata import OncePerView, solutions
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES, XSD
from graph.store.interface import Store
from graph.store.versions import published_graphs

__all__ = ["ProfileMetadata", "profile_metadata", "profile_rows"]

_QB = PREFIXES["qb"]
_SDMX = PREFIXES["sdmx-dimension"]
_CODE_LISTS = (
    f"SELECT ?dimension ?codes WHERE {{ ?dimension a <{_QB}DimensionProperty> ; <{_QB}codeList> ?codes }}"
)
# Dimensions the view's rows keep no key of: a code list on one would name breakdowns here
# that the rows cannot show (the region is excluded by the question itself).
_NOT_KEYS = {_SDMX + "refPeriod", _QB + "measureType"}
_SYNTHETIC = ox.Literal("sintetis / synthetic")
_REAL = ox.Literal("nyata / real")
_ORDER = ("rank", "agency", "indicator_label", "breakdown")


@dataclass(frozen=True)
class ProfileMetadata:
    """The agency-coverage plan's labels, and ``code_lists[dimension]``: how many code
    lists each dimension property other than the region has."""

    labels: CoverageMetadata
    code_lists: dict[str, int]


def read_profile_metadata(store: Store, iris: Iris, _view: ObservationView) -> ProfileMetadata:
    """The labels of the published graphs (no observation is read)."""
    code_lists: dict[str, int] = {}
    for s in solutions(store, _CODE_LISTS, published_graphs(store, iris)):
        dimension = s["dimension"].value
        if dimension != _SDMX + "refArea":
            code_lists[dimension] = code_lists.get(dimension, 0) + 1
    return ProfileMetadata(read_coverage_metadata(store, iris), code_lists)


profile_metadata = OncePerView(read_profile_metadata)
"""The labels of the publication ``view`` was read from, once per view."""


def profile_rows(
    view: ObservationView, store: Store, iris: Iris, columns: list[str], bound: dict[str, Any]
) -> list[list[Any]]:
    """The question's rows (terms, in ``columns`` order) for the bound region and period."""
    found = profile_metadata(store, iris, view)
    if _NOT_KEYS & found.code_lists.keys():
        raise Undetermined("a dimension the view keeps no key of has a code list")
    meta = found.labels
    region = bound["region"].value
    places = [region, *parents_of(store, iris, view).get(region, ())]
    figures = _figures(view.rows, places, bound["period"].value)
    keys = _keys(view.rows, {f["obs"] for f in figures})
    records: list[dict[str, Any]] = []
    for figure in figures:
        at, dataset, indicator = figure["area"], figure["dataset"], figure["indicator"]
        if at not in view.regions:
            raise Undetermined("a region without a code: the view has no names of it")
        names: list[Any] = list(dict.fromkeys(n.label for n in view.regions[at] if n.label is not None))
        levels: list[tuple[Any, Any]] = [
            (rank, name)
            for level in meta.areas.get(at, ())
            for rank in meta.ranks.get(level, ())
            for name in meta.pref.get(level, ())
        ]
        value = figure["value"]
        shown = list(meta.pref.get(value.value, ())) if isinstance(value, ox.NamedNode) else []
        breakdowns: list[Any] = [
            name
            for dimension, code in keys.get(figure["obs"], ())
            for _ in range(found.code_lists.get(dimension, 0))
            for name in meta.pref.get(code, ())
        ]
        combos = product(
            names or [None],
            levels or [(None, None)],
            _optional(meta.labels.get(indicator)),
            _optional(view.units.get(indicator)),
            _optional(meta.titles.get(dataset)),
            _optional([n for agency in meta.agencies.get(dataset, ()) for n in meta.pref.get(agency, ())]),
            shown or [value],
            [_data_kind(s) for s in meta.synthetic.get(dataset, ())] or [_REAL],
            breakdowns or [None],
        )
        for area, (rank, level), label, unit, title, agency, shown_value, kind, breakdown in combos:
            records.append(
                {
                    "area_level": level,
                    "rank": rank,
                    "area": area,
                    "indicator": ox.NamedNode(indicator),
                    "indicator_label": label,
                    "breakdown": breakdown,
                    "value": shown_value,
                    "unit": unit,
                    "agency": agency,
                    "dataset_title": title,
                    "data_kind": kind,
                    "observation": ox.NamedNode(figure["obs"]),
                }
            )
    # ORDER BY DESC(?rank) ?agency ?indicator_label ?breakdown, the last key first (stable).
    for column in reversed(_ORDER):
        records.sort(key=partial(_key, column), reverse=column == "rank")
    ensure_determined(records, _ORDER, columns)
    return [[r.get(c, bound.get(c)) for c in columns] for r in records]


def _figures(rows: pa.Table, places: list[str], period: str) -> list[dict[str, Any]]:
    """The observations' values at the places in the period, one per row of the view."""
    picked = rows.filter(
        pc.and_(
            pc.is_in(rows.column("area"), value_set=pa.array(places, pa.string())),
            pc.equal(rows.column("period"), period),
        )
    )
    figures = []
    for row in picked.to_pylist():
        if row["dimension"] is not None:
            continue
        if row["language"]:
            value: ox.Literal | ox.NamedNode = ox.Literal(row["value"], language=row["language"])
        elif row["datatype"]:
            value = ox.Literal(row["value"], datatype=ox.NamedNode(row["datatype"]))
        else:
            value = ox.NamedNode(row["value"])  # a category: a concept of a code list
        figures.append({**row, "value": value})
    return figures


def _keys(rows: pa.Table, observations: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Each observation's breakdown keys (dimension, code), each once, as triples are."""
    picked = rows.filter(
        pc.and_(
            pc.is_valid(rows.column("dimension")),
            pc.is_in(rows.column("obs"), value_set=pa.array(sorted(observations), pa.string())),
        )
    )
    keys: dict[str, list[tuple[str, str]]] = {}
    for row in picked.select(["obs", "dimension", "value"]).to_pylist():
        pair = (row["dimension"], row["value"])
        have = keys.setdefault(row["obs"], [])
        if pair not in have:
            have.append(pair)
    return keys


def _key(column: str, record: dict[str, Any]) -> tuple[int, Any]:
    return sort_key(record.get(column))


def _optional(found: list[Any] | None) -> list[Any]:
    return list(found or ()) or [None]


def _data_kind(synthetic: Any) -> ox.Literal:
    """``IF(COALESCE(?synthetic, false), ...)``: a boolean's value; anything else is the
    effective boolean value of SPARQL, which is not copied here."""
    if isinstance(synthetic, ox.Literal) and synthetic.datatype.value == XSD + "boolean":
        return _SYNTHETIC if synthetic.value in ("true", "1") else _REAL
    raise Undetermined("a dataset's oc:syntheticData is no boolean")
