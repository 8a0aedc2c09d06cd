"""Run the compiled SHACL shapes against the store: every finding of every shape, fast.

``graph.check.shapes`` turns each constraint into one whole-graph SELECT; this module runs
them over the graphs a load judges and reads their solutions into ``Finding``s.
``tests/graph/check/test_engine.py`` proves the findings equal pySHACL's on the same
shapes and graphs (focus node, path, constraint component, severity).

What keeps a province (a million observations) within a minute, measured in
docs/benchmarks.md, besides what the compiler does (``graph.check.shapes``):

- ``rdf:type/rdfs:subClassOf*`` targets become a plain ``rdf:type`` pattern when
  the class has no subclasses in the data, which Oxigraph can join node by node;
- the queries run on several threads (pyoxigraph releases the GIL while it
  evaluates), longest first, their answers read as TSV (``graph.check.solutions``);
- for a draft just staged, the shapes that judge one observation at a time are
  answered from its columns (``graph.check.column_checks``) and run in the store over the
  other graphs only: in the on-disk store they were three quarters of the time.

Where each finding came from (file, row, column) is filled in afterwards by
``graph.check.trace.trace_findings``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from graph.check.column_checks import DraftContext, check
from graph.check.constraints import (
    KEMENDAGRI_CODE,
    SUBCLASS,
    SUBCLASS_OF,
    TYPE,
    Constraint,
    ShapeQuery,
    finding_of,
    message_values,
)
from graph.check.findings import Finding
from graph.check.shapes import Shapes
from graph.check.solutions import on_threads, tsv_table, tsv_value
from graph.cube.draft_columns import DraftObservations
from graph.rdf.namespaces import SKOS
from graph.rdf.results import solution_rows
from graph.store.interface import Store

__all__ = ["validate"]

# A class target as compiled; validate() narrows it to rdf:type when the class has no subclass.
_CLASS_TARGET = re.compile(re.escape(f"?this {SUBCLASS} <") + r"([^>]+)> \.")


def validate(
    store: Store,
    shapes: Shapes,
    graphs: list[str],
    *,
    drafts: Sequence[DraftObservations] = (),
    workers: int | None = None,
    timings: dict[str, float] | None = None,
) -> list[Finding]:
    """Every finding of every shape over the union of ``graphs``.

    ``drafts``: the observations of draft graphs among ``graphs``, as columns; the shapes
    that judge one observation at a time are checked on those columns and run in the store
    over the other graphs only (``graph.check.column_checks``, where why this is exact is told).
    ``workers`` queries run at once (default: one per CPU); ``timings``, when given, is
    filled with the seconds each query took, by label.
    """
    queries = shapes.queries
    resolved = _narrow_class_targets(store, graphs, [q.query for q in queries])
    drafted = [d for d in drafts if d.graph in graphs]
    contexts = [DraftContext.read(store, graphs, d) for d in drafted]
    others = [g for g in graphs if g not in {d.graph for d in drafted}]
    # Longest first, so no long query starts last: the count passes and the queries that
    # join every observation to another set are the long ones on a province.
    order = sorted(range(len(queries)), key=lambda i: -_weight(queries[i]))

    def run(i: int) -> tuple[list[Finding], float]:
        started = time.perf_counter()
        decided = [check(queries[i], resolved[i], d, c) for d, c in zip(drafted, contexts, strict=True)]
        if drafted and all(found is not None for found in decided):
            found = _run(store, others, resolved[i], queries[i]) + [f for part in decided for f in part or []]
        else:
            found = _run(store, graphs, resolved[i], queries[i])
        return found, time.perf_counter() - started

    results = dict(zip(order, on_threads(run, order, workers, "shacl"), strict=True))
    findings: list[Finding] = []
    for i, query in enumerate(queries):
        found, seconds = results[i]
        findings += found
        if timings is not None:
            timings[query.label] = timings.get(query.label, 0.0) + seconds
    return findings


def _weight(query: ShapeQuery) -> int:
    """A rough, static guess of a query's cost, only to start the long ones first."""
    text = query.query
    return (
        len(query.constraints) * 10 + text.count("?this") + 5 * text.count("GROUP BY") + text.count("SELECT")
    )


def _narrow_class_targets(store: Store, graphs: list[str], texts: list[str]) -> list[str]:
    """Class targets without subclasses in the data, as a plain rdf:type pattern."""
    classes = {m.group(1) for text in texts for m in _CLASS_TARGET.finditer(text)}
    plain = set()
    for cls in classes:
        found = store.query(
            f"ASK {{ ?sub {SUBCLASS_OF}+ <{cls}> }}", default_graph=graphs, named_graphs=graphs
        )
        if not found:
            plain.add(cls)

    def narrow(m: re.Match[str]) -> str:
        return f"?this {TYPE} <{m.group(1)}> ." if m.group(1) in plain else m.group(0)

    return [_CLASS_TARGET.sub(narrow, text) for text in texts]


def _run(store: Store, graphs: list[str], text: str, query: ShapeQuery) -> list[Finding]:
    names, rows = tsv_table(store.query(text, default_graph=graphs, named_graphs=graphs))
    column = {name: i for i, name in enumerate(names)}
    this = column["this"]
    if query.constraints[0].count_test is not None:
        return _read_counts(rows, column, query.constraints)
    c = query.constraints[0]
    path_at, value_at = column.get("path"), column.get("value")
    other_at = column.get("otherDataset")  # a rule comparing two datasets names the other one
    # Message templates name the variables they show: only those are read.
    shown = [(v, column[v]) for v in dict.fromkeys(c.fill_id.names + c.fill_en.names) if v in column]
    region_names = _region_names(store, graphs, rows, [i for _, i in shown])
    findings: list[Finding] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for row in rows:
        focus = tsv_value(row[this])
        if focus is None:
            continue
        path = tsv_value(row[path_at]) if path_at is not None else c.path
        value = tsv_value(row[value_at]) if value_at is not None else None
        if (focus, path, value) in seen:
            continue
        seen.add((focus, path, value))
        bound, bound_en = message_values({v: row[i] for v, i in shown}, region_names)
        other = tsv_value(row[other_at]) if other_at is not None else None
        findings.append(finding_of(c, focus, path or c.path, value, bound, bound_en, other))
    return findings


def _region_names(store: Store, graphs: list[str], rows: list[list[str]], shown: list[int]) -> dict[str, str]:
    """Kemendagri code -> the region's name, for the codes a query's messages show."""
    typed = f"^^<{KEMENDAGRI_CODE}>"
    codes = {tsv_value(row[i]) or "" for row in rows for i in shown if row[i].endswith(typed)}
    if not codes:
        return {}
    values = " ".join(f'"{code}"^^<{KEMENDAGRI_CODE}>' for code in sorted(codes) if '"' not in code)
    names: dict[str, str] = {}
    for solution in solution_rows(
        store.query(
            f"""SELECT ?code ?name WHERE {{ VALUES ?code {{ {values} }}
  ?region <{SKOS}notation> ?code ; <{SKOS}prefLabel> ?name . FILTER(LANG(?name) = "id") }}""",
            default_graph=graphs,
        )
    ):
        names[solution["code"].value] = solution["name"].value
    return names


def _read_counts(rows: list[list[str]], column: dict[str, int], counted: list[Constraint]) -> list[Finding]:
    """Findings of a shape's shared count query, constraint by constraint."""
    tests = [(column[c.count_test[0]], c.count_test[1]) for c in counted if c.count_test is not None]
    this = column["this"]
    broken: list[dict[str, None]] = [{} for _ in counted]  # focus nodes, in the order found
    for row in rows:
        focus = tsv_value(row[this])
        if focus is None:
            continue
        for k, (i, broken_when_bound) in enumerate(tests):
            if bool(row[i]) == broken_when_bound:
                broken[k][focus] = None
    return [
        finding_of(c, focus, c.path, None, {})
        for c, foci in zip(counted, broken, strict=True)
        for focus in foci
    ]
