"""The shapes that judge one observation at a time, checked on a draft's columns.

On a province (a million observations) in the on-disk store, the shapes that look at each
observation (the structure counts, IC-1, IC-11, IC-12, IC-14, IC-15, IC-16 and the
measure-value rule) took 145 of the validation's 191 seconds on one thread: each does index
look-ups per observation, and on disk a look-up costs 4-6 times one in memory. For a draft
just written, the same answers follow from its columns (``DraftObservations``) in a second
or two: the queries still run in the store over every other graph, and these checks stand
for them on the draft.

Why the split is exact. An observation's IRI is minted by the quad writer under its
dataset's own prefix, and a validation sees one version graph per dataset; so every triple
about a draft observation is in the draft, and every observation with the draft's data set
is in it too. What the checks read from elsewhere (the data structure, indicator ranges)
they read from the store, over the same graphs as the queries.

Each check here is the hand translation of one shape's query, pinned to the text of that
query by a fingerprint: a shape edited in ``shapes/`` no longer matches, and is checked in
the store as before (``check`` returns None), as is anything a check cannot decide from the
columns. ``tests/graph/check/test_column_checks.py`` holds every check equal to its query, on
drafts made to break each rule.

The same columns trace a finding on a draft observation to its file, row, column and cell
(``trace_on_columns``), which ``graph.check.trace.trace_findings`` otherwise asks the store for,
500 foci a query (23 s for a province's 350,000 findings on disk).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from graph.check.constraints import Constraint, ShapeQuery, finding_of
from graph.check.findings import Finding
from graph.cube.draft_columns import DraftObservations
from graph.rdf.namespaces import DCTERMS, OC, QB, RDF_TYPE, SDMX_DIMENSION, XSD
from graph.rdf.results import solution_values
from graph.store.interface import Store

__all__ = ["DraftContext", "check", "decided_on_columns", "fingerprint", "numeric", "trace_on_columns"]

log = logging.getLogger("onecenter.draft_checks")

_SHAPES = "https://w3id.org/onecenter/shapes#"
_DATASET = QB + "dataSet"
_MEASURE_TYPE = QB + "measureType"
_AREA = SDMX_DIMENSION + "refArea"
_PERIOD = SDMX_DIMENSION + "refPeriod"

# XSD lexical forms Oxigraph reads as numbers. Longer values may overflow its integer
# (64-bit) or decimal (18 fraction digits, 128 bits) and are asked of Oxigraph itself.
_NUMERIC = {
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
}
_SURELY_IN_RANGE = 18  # characters


@dataclass
class DraftContext:
    """What the checks of one draft read from the store: its data structure and ranges."""

    structures: set[str] = field(default_factory=set)  # DSDs of the draft's data set
    # The draft's cubes (the data set and those of measures observed at other points,
    # graph.cube.measure_groups) -> each one's DSDs.
    cubes: dict[str, set[str]] = field(default_factory=dict)
    dimensions: set[str] = field(default_factory=set)  # dimensions over those DSDs
    dims: dict[str, set[str]] = field(default_factory=dict)  # DSD -> its dimensions
    measures: dict[str, set[str]] = field(default_factory=dict)  # DSD -> its measures
    ranges: dict[str, set[str]] = field(default_factory=dict)  # indicator -> rdfs:range
    coded: set[str] = field(default_factory=set)  # indicators with a qb:codeList (categorical)

    @classmethod
    def read(cls, store: Store, graphs: list[str], draft: DraftObservations) -> DraftContext:
        context = cls()
        rows = _select(
            store,
            graphs,
            f"""SELECT ?cube ?dsd ?kind ?property WHERE {{
  {{ BIND(<{draft.dataset}> AS ?cube) }} UNION {{ ?cube <{OC}cubeOf> <{draft.dataset}> }}
  ?cube <{QB}structure> ?dsd .
  OPTIONAL {{ ?dsd <{QB}component> ?c . ?c ?kind ?property .
             FILTER(?kind IN (<{QB}dimension>, <{QB}measure>)) }} }}""",
        )
        for row in rows:
            dsd, kind, prop = row["dsd"], row.get("kind"), row.get("property")
            context.structures.add(dsd)
            context.cubes.setdefault(row["cube"], set()).add(dsd)
            context.measures.setdefault(dsd, set())
            context.dims.setdefault(dsd, set())
            if kind == QB + "dimension" and prop:
                context.dimensions.add(prop)
                context.dims[dsd].add(prop)
            elif kind == QB + "measure" and prop:
                context.measures[dsd].add(prop)
        indicators = pc.unique(draft.measure).drop_null().to_pylist()
        if indicators:
            values = " ".join(f"<{i}>" for i in indicators)
            rows = _select(
                store,
                graphs,
                f"SELECT ?m ?range WHERE {{ VALUES ?m {{ {values} }} "
                f"?m <http://www.w3.org/2000/01/rdf-schema#range> ?range }}",
            )
            for row in rows:
                context.ranges.setdefault(row["m"], set()).add(row["range"])
            coded = _select(
                store, graphs, f"SELECT DISTINCT ?m WHERE {{ VALUES ?m {{ {values} }} ?m <{QB}codeList> ?l }}"
            )
            context.coded = {row["m"] for row in coded}
        return context


def _select(store: Store, graphs: list[str], query: str) -> list[dict[str, str]]:
    """The solutions over the judged graphs (drafts among them) as ``{variable: text}``."""
    return solution_values(store.query(query, default_graph=graphs))


def fingerprint(query: str) -> str:
    """A query with its prefixes (in any order), whitespace collapsed, hashed: what a check
    was written for."""
    lines = [line.strip() for line in query.splitlines()]
    prefixes = sorted(line for line in lines if line.upper().startswith("PREFIX"))
    body = " ".join(" ".join(line for line in lines if not line.upper().startswith("PREFIX")).split())
    return hashlib.sha256("\n".join([*prefixes, body]).encode("utf-8")).hexdigest()[:16]


Check = Callable[[Constraint, DraftObservations, DraftContext], list[Finding] | None]


def check(
    query: ShapeQuery, text: str, draft: DraftObservations, context: DraftContext
) -> list[Finding] | None:
    """The query's findings on the draft's observations, or None when not decided here.

    ``text`` is the query as validate() runs it (class targets narrowed).
    """
    if query.constraints[0].count_test is not None:
        return _counts(query, text, draft)
    c = query.constraints[0]
    registered = _CHECKS.get(c.shape)
    if registered is None:
        return None
    if registered[0] != fingerprint(c.query):
        log.warning("%s: query changed since its column check was written; judged in the store", c.shape)
        return None
    return registered[1](c, draft, context)


def decided_on_columns(query: ShapeQuery, text: str) -> bool:
    """Whether ``check`` decides the query (as validate() runs it, ``text``) on a draft's
    columns: then it judges each observation on its own, and what it finds on a draft
    depends on the draft and the reference graphs alone (``graph.publish.judgement``)."""
    c = query.constraints[0]
    if c.count_test is not None:
        if f"WHERE {{ ?this <{RDF_TYPE}> <{QB}Observation> .\n" not in text:
            return False
        tests = [k.count_test for k in query.constraints if k.count_test is not None]
        return all(name.startswith("v") or (name.startswith("w") and broken) for name, broken in tests)
    registered = _CHECKS.get(c.shape)
    return registered is not None and registered[0] == fingerprint(c.query)


def _findings(
    c: Constraint,
    draft: DraftObservations,
    rows: pa.Array,
    path: str,
    values: pa.Array | None,
    extra: dict[str, str | None] | None = None,
) -> list[Finding]:
    """A finding for each row index in ``rows``, its ?path, its ?value (when given)."""
    foci = draft.subjects(rows).to_pylist()
    shown = pc.take(values, rows).to_pylist() if values is not None else [None] * len(foci)
    return [
        finding_of(c, focus, path, value, {"this": focus, "path": path, "value": value, **(extra or {})})
        for focus, value in zip(foci, shown, strict=True)
    ]


def _where(mask: pa.Array) -> pa.Array:
    """Row indices where ``mask`` is true (null counts as false)."""
    return pa.array(np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False)))


def _counts(query: ShapeQuery, text: str, draft: DraftObservations) -> list[Finding] | None:
    """A shape's 0-or-1 count constraints, when its focus nodes are the observations.

    A draft observation holds at most one object per predicate (``DraftObservations.of``),
    so a count is whether it has one: ``?w`` (a second value) is never bound.
    """
    if f"WHERE {{ ?this <{RDF_TYPE}> <{QB}Observation> .\n" not in text:
        return None
    found: list[Finding] = []
    for c in query.constraints:
        assert c.count_test is not None and c.path is not None
        name, broken_when_bound = c.count_test
        if name.startswith("w") and broken_when_bound:
            continue  # maxCount 1: a second value is never there
        if not name.startswith("v"):
            return None
        has = pc.is_valid(draft.objects(c.path))
        broken = has if broken_when_bound else pc.invert(has)
        found += [
            finding_of(c, focus, c.path, None, {}) for focus in draft.subjects(_where(broken)).to_pylist()
        ]
    return found


def _ic1_one_data_set(c: Constraint, draft: DraftObservations, context: DraftContext) -> list[Finding]:
    """IC-1: every observation has exactly one qb:dataSet (a draft's has at most one)."""
    return _findings(c, draft, _where(pc.is_null(draft.objects(_DATASET))), _DATASET, None)


def _ic11_all_dimensions(c: Constraint, draft: DraftObservations, context: DraftContext) -> list[Finding]:
    """IC-11: a value for every dimension of the structures of the observation's data set."""
    found: list[Finding] = []
    cube = draft.objects(_DATASET)
    for data_set, structures in sorted(context.cubes.items()):
        mine = pc.equal(cube, data_set)
        for dimension in sorted(set().union(*(context.dims[dsd] for dsd in structures))):
            missing = pc.and_(mine, pc.is_null(draft.objects(dimension)))
            found += _findings(c, draft, _where(missing), dimension, None)
    return found


def _ic12_no_duplicates(
    c: Constraint, draft: DraftObservations, context: DraftContext
) -> list[Finding] | None:
    """IC-12: no two observations with the same region, period and indicator where every
    dimension value of the one is also on the other (a draft's IRIs already differ)."""
    measure = draft.measure
    if context.dimensions & set(pc.unique(measure).drop_null().to_pylist()):
        return None  # an indicator as a dimension: numbers compare by value, not as written
    keys = pd.DataFrame(
        {
            "cube": draft.objects(_DATASET).to_pandas(),
            "area": draft.objects(_AREA).to_pandas(),
            "period": draft.objects(_PERIOD).to_pandas(),
            "measure": measure.to_pandas(),
        }
    )
    complete = keys.notna().all(axis=1) & pd.Series(
        draft.objects(_DATASET).is_valid().to_numpy(zero_copy_only=False)
    )
    shared = keys[complete & keys.duplicated(keep=False)]
    if shared.empty:
        return []
    rows = pa.array(shared.index.to_numpy())
    subjects = draft.subjects(rows).to_pylist()
    # Each observation's (dimension, code) pairs over the dimensions of its data set's structures.
    codes = {d: pc.take(draft.objects(d), rows).to_pylist() for d in sorted(context.dimensions)}
    cubes = shared["cube"].tolist()
    of_cube = {c: set().union(*(context.dims[d] for d in context.cubes.get(c, set()))) for c in set(cubes)}
    pairs = [
        frozenset((d, v[k]) for d, v in codes.items() if v[k] is not None and d in of_cube[cubes[k]])
        for k in range(len(subjects))
    ]
    found: list[Finding] = []

    def duplicate(i: int, j: int) -> None:
        bound = {"this": subjects[i], "path": _DATASET, "value": subjects[j]}
        found.append(finding_of(c, subjects[i], _DATASET, subjects[j], bound))

    groups = shared.reset_index(drop=True).groupby(["cube", "area", "period", "measure"])
    for positions in groups.indices.values():
        # Observations of a group mostly carry the same dimensions with other codes: a set
        # can only lie within a larger one, so sets of one size are compared by equality.
        alike: dict[frozenset[tuple[str, str]], list[int]] = {}
        for i in positions:
            alike.setdefault(pairs[i], []).append(i)
        largest = max(len(p) for p in alike)
        for own, members in alike.items():
            partners = [members]
            if len(own) < largest:
                partners += [alike[o] for o in alike if len(o) > len(own) and own < o]
            for i in members:
                for j in (j for group in partners for j in group):
                    if i != j:
                        duplicate(i, j)
    return found


def _ic14_measure_in_structure(
    c: Constraint, draft: DraftObservations, context: DraftContext
) -> list[Finding]:
    """IC-14: an observation's indicator is a measure of every structure of its data set
    (its cube: the draft's data set, or the cube of its group of measures)."""
    found: list[Finding] = []
    measure, cube = draft.measure, draft.objects(_DATASET)
    pairs = pa.Table.from_arrays([measure, cube], ["m", "c"]).group_by(["m", "c"]).aggregate([])
    for indicator, data_set in zip(pairs["m"].to_pylist(), pairs["c"].to_pylist(), strict=True):
        if indicator is None or data_set is None:
            continue
        structures = context.cubes.get(data_set, set())
        if any(indicator not in context.measures[dsd] for dsd in structures):
            rows = pc.and_(pc.equal(measure, indicator), pc.equal(cube, data_set))
            found += _findings(c, draft, _where(pc.fill_null(rows, False)), _MEASURE_TYPE, measure)
    return found


def _ic15_value_present(c: Constraint, draft: DraftObservations, context: DraftContext) -> list[Finding]:
    """IC-15: an observation has a value for its indicator."""
    measure = draft.measure
    rows = _where(pc.and_(pc.is_valid(measure), pc.is_null(draft.value)))
    foci = draft.subjects(rows).to_pylist()
    indicators = pc.take(measure, rows).to_pylist()
    return [
        finding_of(c, focus, path, None, {"this": focus, "path": path, "value": None})
        for focus, path in zip(foci, indicators, strict=True)
    ]


def _ic16_one_measure(c: Constraint, draft: DraftObservations, context: DraftContext) -> list[Finding]:
    """IC-16: no value for a measure of the data set's structures other than its indicator."""
    found: list[Finding] = []
    measure, cube = draft.measure, draft.objects(_DATASET)
    for data_set, structures in sorted(context.cubes.items()):
        mine = pc.equal(cube, data_set)
        for path in sorted(set().union(*(context.measures[dsd] for dsd in structures))):
            values = draft.objects(path)
            broken = pc.and_(pc.is_valid(values), pc.and_(pc.is_valid(measure), pc.not_equal(measure, path)))
            found += _findings(c, draft, _where(pc.and_(broken, mine)), path, values)
    return found


def _measure_value_in_range(
    c: Constraint, draft: DraftObservations, context: DraftContext
) -> list[Finding] | None:
    """The value is there, a number, and of its indicator's rdfs:range (categorical
    indicators, with a qb:codeList, are left to NilaiKategoriDalamDaftarKode).

    Decided here only where the indicator has one range and the value was written with it
    as datatype: a value flagged for its datatype alone would be shown in Oxigraph's
    canonical form ("1.50" as "1.5"), which only the store knows.
    """
    found: list[Finding] = []
    measure, datatype = draft.measure, draft.datatype
    for indicator in pc.unique(measure).drop_null().to_pylist():
        ranges = context.ranges.get(indicator, set())
        if not ranges or indicator in context.coded:
            continue
        at = _where(pc.equal(measure, indicator))
        datatypes = set(pc.unique(pc.take(datatype, at)).to_pylist())
        if len(ranges) != 1 or datatypes != ranges or next(iter(ranges)) not in _NUMERIC:
            return None
        (range_,) = ranges
        values = pc.take(draft.value, at)
        numbers = numeric(values, range_)
        bad = pc.or_(pc.is_null(values), pc.invert(numbers))
        rows = pc.filter(at, pc.fill_null(bad, True))
        found += _findings(c, draft, rows, indicator, draft.value, {"range": range_})
    return found


def numeric(values: pa.Array, datatype: str) -> pa.Array:
    """Whether each lexical form, typed ``datatype``, is a number to Oxigraph (isNumeric)."""
    numeric = pc.fill_null(pc.match_substring_regex(values, _NUMERIC[datatype]), False)
    long = pc.fill_null(pc.greater(pc.utf8_length(values), _SURELY_IN_RANGE), False)
    if not pc.any(pc.and_(numeric, long)).as_py():
        return numeric
    # The few long ones: Oxigraph's own reading (it refuses what overflows its types).
    asked = sorted(set(pc.filter(values, pc.and_(numeric, long)).to_pylist()))
    # Numbered: Oxigraph answers with the canonical form ("0001" is read "1").
    rows = " ".join(f"({i} {ox.Literal(v, datatype=ox.NamedNode(datatype))})" for i, v in enumerate(asked))
    solutions = ox.Store().query(f"SELECT ?i (isNumeric(?v) AS ?n) WHERE {{ VALUES (?i ?v) {{ {rows} }} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    verdict = {asked[int(s["i"].value)]: s["n"].value == "true" for s in solutions}
    overflow = [v for v in asked if not verdict.get(v, False)]
    if not overflow:
        return numeric
    return pc.and_(numeric, pc.invert(pc.is_in(values, value_set=pa.array(overflow, pa.string()))))


def trace_on_columns(
    store: Store, graphs: list[str], draft: DraftObservations, findings: list[Finding]
) -> list[Finding]:
    """Fill where each finding on one of the draft's observations came from; return the rest.

    What ``trace.trace_findings`` reads per focus, read here once per draft: the data
    set's publisher and the source file's name. Either given twice (the store would show one
    of them, whichever it meets last) leaves the tracing to the store.
    """
    if not findings:
        return findings
    publishers = _select(store, graphs, f"SELECT ?a WHERE {{ <{draft.dataset}> <{DCTERMS}publisher> ?a }}")
    names = _select(store, graphs, f"SELECT ?n WHERE {{ <{draft.file}> <{OC}fileName> ?n }}")
    if len(publishers) > 1 or len(names) > 1:
        return findings
    agency = publishers[0]["a"] if publishers else None
    file = names[0]["n"] if names else None
    at = pc.index_in(pa.array([f.focus for f in findings], pa.string()), value_set=draft.subjects())
    mine = _where(pc.is_valid(at))
    if not len(mine):
        return findings
    rows = pc.take(at, mine)
    numbers = pc.take(draft.rows(), rows).to_pylist()
    columns = pc.take(draft.objects(OC + "sourceColumn"), rows).to_pylist()
    raws = pc.take(draft.objects(OC + "rawValue"), rows).to_pylist()
    for k, i in enumerate(mine.to_pylist()):
        f = findings[i]
        f.dataset, f.agency, f.file, f.sheet = draft.dataset, agency, file, draft.sheet or None
        f.row, f.column, f.raw = int(numbers[k]), columns[k], raws[k]
    traced = set(mine.to_pylist())
    return [f for i, f in enumerate(findings) if i not in traced]


# Shape -> (fingerprint of the query the check was written for, the check).
_CHECKS: dict[str, tuple[str, Check]] = {
    _SHAPES + "IC-1-DatasetUnik": ("316c11fc206e284b", _ic1_one_data_set),
    _SHAPES + "IC-11-SemuaDimensiAda": ("86cf4ce2e561bb0d", _ic11_all_dimensions),
    _SHAPES + "IC-12-TanpaObservasiGanda": ("d9d91ef088b2ea2b", _ic12_no_duplicates),
    _SHAPES + "IC-14-UkuranDalamDSD": ("2f3706b7a63a9f20", _ic14_measure_in_structure),
    _SHAPES + "IC-15-NilaiUkuranAda": ("2e6a34a805d752b4", _ic15_value_present),
    _SHAPES + "IC-16-SatuUkuran": ("e9c6b9a5c6129690", _ic16_one_measure),
    _SHAPES + "NilaiUkuranSesuaiRange": ("a55685a7d0b6b721", _measure_value_in_range),
}
