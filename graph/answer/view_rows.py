"""The rows of one partition of the observation view: read from the store once, as Arrow columns.

Two readers need the published observations: the named questions' columnar plans
(``graph.answer.view``: literals by indicator, period, dataset and region) and insight's
table (``graph.insight.observation_table``: each observation's IRI, value, dataset and the
breakdown dimensions of its key). Each used to scan the store after every publication; now
one scan of a version graph gives rows that carry what both need, and both are derived from
those rows. The rows are also what a partition file keeps (``graph.answer.view_files``), so a
partition read back from its file is the partition scanned, dict for dict.

Columns (text, dictionary-encoded): ``obs``, ``indicator``, ``period``, ``dataset``, ``area``,
``value``, ``datatype``, ``language``, ``dimension``. A row with no ``dimension`` is one
solution of ``_OBSERVATIONS`` in store order: its ``value`` is a literal's lexical form (with
its datatype or language) or, with neither, a concept's IRI (a categorical indicator). A row
with a ``dimension`` is one key of an observation (``obs``): the dimension's IRI and, in
``value``, its code, as insight's ``_DIMENSIONS`` query reads them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyoxigraph as ox

from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store

__all__ = ["COLUMNS", "dimension_properties", "empty_rows", "scan_rows", "view_dicts"]

COLUMNS = ("obs", "indicator", "period", "dataset", "area", "value", "datatype", "language", "dimension")

_QB = PREFIXES["qb"]
_SDMX = PREFIXES["sdmx-dimension"]
_OBSERVATIONS = f"""
PREFIX oc: <{OC}>
PREFIX qb: <{_QB}>
PREFIX sdmx-dimension: <{_SDMX}>
SELECT ?o ?indicator ?area ?period ?value ?dataset WHERE {{
  ?o qb:measureType ?indicator ; ?indicator ?value ; qb:dataSet/oc:cubeOf ?dataset ;
     sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period .
}}"""
# Insight's ``_DIMENSIONS`` for one graph: the dimension properties are declared in another
# graph (the ontology), so they are found over every published graph and named here.
_KEYS = f"""
PREFIX qb: <{_QB}>
PREFIX sdmx-dimension: <{_SDMX}>
SELECT ?o ?dimension ?code WHERE {{
  VALUES ?dimension {{ %s }}
  ?o sdmx-dimension:refPeriod ?period ; qb:measureType ?indicator ; ?dimension ?code .
}}"""
_DIMENSIONS = f"SELECT DISTINCT ?d WHERE {{ ?d a <{_QB}DimensionProperty> }}"
_OWN = {_SDMX + "refArea", _SDMX + "refPeriod", _QB + "measureType"}  # columns of their own

_CHUNK = 200_000  # observations read into Python lists before they become Arrow columns
Sourced = dict[tuple[str, str, str], dict[str, list[ox.Literal]]]
Coded = dict[tuple[str, str], set[str]]
Categories = dict[tuple[str, str, str], dict[str, list[str]]]


def dimension_properties(store: Store, graphs: list[str]) -> tuple[str, ...]:
    """The dimension properties of a key other than region, period and measure, as declared in
    ``graphs`` (sorted): which properties the scan reads as breakdowns."""
    found = store.query(_DIMENSIONS, default_graph=graphs)
    assert isinstance(found, ox.QuerySolutions)
    return tuple(sorted({s["d"].value for s in found if isinstance(s["d"], ox.NamedNode)} - _OWN))


def scan_rows(store: Store, graphs: list[str], dimensions: tuple[str, ...]) -> tuple[pa.Table, int]:
    """The rows of ``graphs`` (queried as their union) and how many observations they hold."""
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    found = store.query(_OBSERVATIONS, default_graph=graphs)
    assert isinstance(found, ox.QuerySolutions)
    obs, ind, per, ds, area, val, typ, lang = (columns[name].append for name in COLUMNS[:-1])
    terms: dict[ox.Literal | ox.NamedNode, tuple[str, str | None, str | None]] = {}
    count = 0
    chunks: list[pa.Table] = []
    for o, indicator, region, period, value, dataset in found:  # a solution is its terms in order
        if count and not count % _CHUNK:  # Python's strings held for a chunk only, not a graph's
            chunks.append(_flushed(columns))
        count += 1
        term = terms.get(value)
        if term is None:  # a figure recurs: its texts are worked out once
            if isinstance(value, ox.Literal):
                language = value.language
                term = (value.value, None if language else value.datatype.value, language)
            else:
                term = (value.value, None, None)
            terms[value] = term
        obs(o.value)
        ind(indicator.value)
        per(period.value)
        ds(dataset.value)
        area(region.value)
        val(term[0])
        typ(term[1])
        lang(term[2])
    chunks.append(_flushed(columns))
    if dimensions:
        keys = store.query(_KEYS % " ".join(f"<{d}>" for d in dimensions), default_graph=graphs)
        assert isinstance(keys, ox.QuerySolutions)
        for o, dimension, code in keys:
            _add(columns, o.value, None, None, None, None, code.value, None, None, dimension.value)
        chunks.append(_table(columns))
    # One dictionary per column: an IPC file cannot hold a column whose dictionary changes.
    return pa.concat_tables(chunks).unify_dictionaries().combine_chunks(), count


def _flushed(columns: dict[str, list[Any]]) -> pa.Table:
    """The observation rows gathered so far as a table; the lists are emptied for the next."""
    columns["dimension"].extend([None] * (len(columns["obs"])))
    table = _table(columns)
    for values in columns.values():
        values.clear()
    return table


def _add(columns: dict[str, list[Any]], *values: str | None) -> None:
    for name, value in zip(COLUMNS, values, strict=True):
        columns[name].append(value)


def _table(columns: dict[str, list[Any]]) -> pa.Table:
    arrays = [pa.array(columns[name], pa.string()).dictionary_encode() for name in COLUMNS]
    return pa.Table.from_arrays(arrays, names=list(COLUMNS))


def empty_rows() -> pa.Table:
    """The rows of a graph without observations."""
    return _table({name: [] for name in COLUMNS})


def view_dicts(table: pa.Table) -> tuple[Sourced, Coded, Categories]:
    """The view's dicts of a partition, from its rows: ``sourced`` (literals by indicator, period,
    dataset and region), ``coded`` (the regions with a category) and ``categories`` (the concepts
    by indicator, period, dataset and region). Keys and regions come in the order they are first
    met, literals in row order: the dicts a loop over the scan would fill. The columns' codes
    do the grouping and pick one literal object per distinct term; Python only fills the dicts."""
    table = table.unify_dictionaries()
    (ind, inds), (per, pers), (ds, dss), (area, areas), (val, vals), (typ, types), (lang, langs), (dim, _) = (
        _codes(table.column(name)) for name in COLUMNS[1:]
    )
    rows = np.flatnonzero(dim < 0)
    is_literal = (typ[rows] >= 0) | (lang[rows] >= 0)
    concepts, rows = rows[~is_literal], rows[is_literal]
    coded: Coded = {}
    for i, p, a in zip(*(c[concepts].tolist() for c in (ind, per, area)), strict=True):
        coded.setdefault((inds[i], pers[p]), set()).add(areas[a])
    term = (val[rows] * (len(types) + 1) + typ[rows] + 1) * (len(langs) + 1) + lang[rows] + 1
    _, first, inverse = np.unique(term, return_index=True, return_inverse=True)
    made = [_literal(vals[val[r]], typ[r], lang[r], types, langs) for r in rows[first].tolist()]
    made_of = np.full(len(table), -1, dtype=np.int64)  # row -> its literal in ``made``
    made_of[rows] = inverse.ravel()
    key = (ind * (len(pers) + 1) + per) * (len(dss) + 1) + ds + 1
    names = (ind, inds, per, pers, ds, dss, area, areas)
    sourced: Sourced = _grouped(rows, key, names, made_of, made)
    categories: Categories = _grouped(concepts, key, names, val, vals)
    return sourced, coded, categories


def _grouped(
    rows: np.ndarray, key: np.ndarray, names: tuple[Any, ...], pick: np.ndarray, pool: list[Any]
) -> Any:
    """``{(indicator, period, dataset): {area: [pool[pick[row]], ...]}}`` over ``rows``: keys
    and regions in the order they are first met, rows in their order (a stable sort of the
    rows by the first appearance of their key)."""
    ind, inds, per, pers, ds, dss, area, areas = names
    found: dict[tuple[str, str, str], dict[str, list[Any]]] = {}
    if not len(rows):
        return found
    _, first, inverse = np.unique(key[rows], return_index=True, return_inverse=True)
    rank = np.empty_like(first)
    rank[np.argsort(first)] = np.arange(len(first))
    rows = rows[np.argsort(rank[inverse.ravel()], kind="stable")]
    keys = key[rows]
    bounds = [0, *(np.flatnonzero(np.diff(keys)) + 1).tolist(), len(rows)]
    regions = [areas[a] for a in area[rows].tolist()]
    items = [pool[i] for i in pick[rows].tolist()]
    starts = rows[bounds[:-1]].tolist()
    for start, end, row in zip(bounds[:-1], bounds[1:], starts, strict=True):
        within = found.setdefault((inds[ind[row]], pers[per[row]], dss[ds[row]]), {})
        for region, value in zip(regions[start:end], items[start:end], strict=True):
            have = within.get(region)
            if have is None:
                within[region] = [value]
            else:
                have.append(value)
    return found


def _literal(value: str, typ: int, lang: int, types: list[Any], langs: list[Any]) -> ox.Literal:
    if lang >= 0:
        return ox.Literal(value, language=langs[lang])
    return ox.Literal(value, datatype=ox.NamedNode(types[typ]))


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """A text column as its dictionary codes (-1 where empty) and the texts they stand for."""
    array = column.combine_chunks()
    if not isinstance(array, pa.DictionaryArray):
        array = array.dictionary_encode()
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, array.dictionary.to_pylist()
