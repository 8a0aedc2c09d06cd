"""Answering the ``stale-datasets`` plan: each dataset's latest period against its frequency.

The question reads no observation, only each published dataset's description (latest and
first period, frequency, last load, title, agency): a few statements per dataset, read here
once per view (one view per publication), so that the question's answer is a loop over them
instead of a query sent to a worker. The rule is the question's SPARQL, kept term for term
(``questions/stale-datasets.rq``; ``graph/describe/freshness.py`` holds the same rule for the
pages, and a test holds them together).

SPARQL semantics kept on purpose: every required statement may have several values (each
gives a row), each OPTIONAL gives a row per value or one unbound; a frequency outside the
question's ``VALUES`` table gives no row; an irregular dataset (``UNDEF`` lag) has no expected
year, so no years behind; "this year" is ``?tahun_berjalan`` or the year of ``NOW()`` (UTC, as
Oxigraph's); a year that is no integer, or rows tied on the ORDER BY while they differ, leave
the answer to the SPARQL (``Undetermined``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import product
from typing import Any

import pyoxigraph as ox

from graph.answer.columnar_terms import Undetermined, difference, ensure_determined, sort_key
from graph.answer.plan_metadata import OncePerView, solutions
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, XSD
from graph.store.interface import Store
from graph.store.versions import published_graphs

__all__ = ["DatasetFreshness", "freshness_metadata", "freshness_rows"]

_INTEGER = ox.NamedNode(XSD + "integer")
_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# The question's VALUES table: frequency -> its name and the years its data may lag (None: UNDEF).
_FREQUENCIES: dict[str, tuple[str, int | None]] = {
    _FREQUENCY + "ANNUAL": ("tahunan / annual", 1),
    _FREQUENCY + "ANNUAL_2": ("semesteran / semiannual", 0),
    _FREQUENCY + "QUARTERLY": ("triwulanan / quarterly", 0),
    _FREQUENCY + "MONTHLY": ("bulanan / monthly", 0),
    _FREQUENCY + "IRREG": ("tidak berkala / irregular", None),
}
_FUTURE = ox.Literal("periode di masa depan / period in the future")
_IRREGULAR = ox.Literal("tidak berkala / irregular")
_OVERDUE = ox.Literal("terlambat / overdue")
_CURRENT = ox.Literal("terkini / up to date")
_P = f"""
PREFIX qb: <{PREFIXES["qb"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX dcterms: <{PREFIXES["dcterms"]}>
PREFIX oc: <{OC}>
"""
_REQUIRED = (
    _P
    + """SELECT ?dataset ?freq ?last_loaded ?last_year ?last_period WHERE {
  ?dataset a qb:DataSet ; oc:lastPeriod ?last ; dcterms:accrualPeriodicity ?freq ;
           dcterms:modified ?last_loaded .
  ?last oc:year ?last_year ; rdfs:label ?last_period .
}"""
)
_OPTIONAL = (
    _P
    + """SELECT ?dataset ?first_period ?title ?agency WHERE {
  { ?dataset oc:firstPeriod/rdfs:label ?first_period }
  UNION { ?dataset dcterms:title ?title . FILTER(lang(?title) = "id") }
  UNION { ?dataset dcterms:publisher/skos:prefLabel ?agency . FILTER(lang(?agency) = "id") }
}"""
)
_OPTIONAL_COLUMNS = ("first_period", "title", "agency")


@dataclass(frozen=True)
class DatasetFreshness:
    """``required``: one dict per solution of the required statements (dataset, freq,
    last_loaded, last_year, last_period); ``optional[column][dataset]``: the values of each
    OPTIONAL column (first_period, title, agency)."""

    required: list[dict[str, Any]]
    optional: dict[str, dict[str, list[Any]]]


def read_freshness(store: Store, iris: Iris, _view: ObservationView) -> DatasetFreshness:
    """The datasets' descriptions in the published graphs (no observation is read)."""
    graphs = published_graphs(store, iris)
    names = ("dataset", "freq", "last_loaded", "last_year", "last_period")
    required = [{n: s[n] for n in names} for s in solutions(store, _REQUIRED, graphs)]
    optional: dict[str, dict[str, list[Any]]] = {c: {} for c in _OPTIONAL_COLUMNS}
    for s in solutions(store, _OPTIONAL, graphs):
        for column in _OPTIONAL_COLUMNS:
            if s[column] is not None:
                optional[column].setdefault(s["dataset"].value, []).append(s[column])
    return DatasetFreshness(required, optional)


freshness_metadata = OncePerView(read_freshness)
"""The datasets' descriptions of the publication ``view`` was read from, once per view."""


def freshness_rows(
    view: ObservationView, store: Store, iris: Iris, columns: list[str], bound: dict[str, Any]
) -> list[list[Any]]:
    """The question's rows (terms, in ``columns`` order) for the bound parameters."""
    found = freshness_metadata(store, iris, view)
    given = bound.get("tahun_berjalan")
    this_year = given if given is not None else ox.Literal(str(datetime.now(UTC).year), datatype=_INTEGER)
    records: list[dict[str, Any]] = []
    for row in found.required:
        frequency = _FREQUENCIES.get(row["freq"].value) if isinstance(row["freq"], ox.NamedNode) else None
        if frequency is None:
            continue  # not in the VALUES table: the join drops it
        name, lag = frequency
        if not (_integer(row["last_year"]) and _integer(this_year)):
            raise Undetermined("a year is no integer")
        lag_term = None if lag is None else ox.Literal(str(lag), datatype=_INTEGER)
        expected = difference(this_year, lag_term)
        behind = difference(expected, row["last_year"])
        status = _status(row["last_year"], this_year, lag_term, behind)
        base = {**row, "frequency": ox.Literal(name), "expected_year": expected, "years_behind": behind}
        base["status"] = status
        dataset = row["dataset"].value
        options = [found.optional[c].get(dataset) or [None] for c in _OPTIONAL_COLUMNS]
        for values in product(*options):
            records.append({**base, **dict(zip(_OPTIONAL_COLUMNS, values, strict=True))})
    # ORDER BY DESC(?years_behind) ?title, the last key first (Python's sort is stable).
    records.sort(key=partial(_key, "title"))
    records.sort(key=partial(_key, "years_behind"), reverse=True)
    ensure_determined(records, ("years_behind", "title"), columns)
    return [[r.get(c, bound.get(c)) for c in columns] for r in records]


def _key(column: str, record: dict[str, Any]) -> tuple[int, Any]:
    return sort_key(record.get(column))


def _integer(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.datatype == _INTEGER


def _status(last_year: ox.Literal, this_year: ox.Literal, lag: ox.Literal | None, behind: Any) -> ox.Literal:
    if int(last_year.value) > int(this_year.value):
        return _FUTURE
    if lag is None:
        return _IRREGULAR
    return _OVERDUE if int(behind.value) > 0 else _CURRENT
