"""Run the SHACL shapes in ``shapes/`` against the store as whole-graph SPARQL.

pySHACL is the reference semantics but walks focus nodes one by one; on a
province it does not finish. Here every constraint becomes a query over the
whole graph: SHACL-SPARQL constraints run with ``$this`` turned into a variable
joined to the shape's targets, and the SHACL Core constraints we use (counts,
datatype, class, node kind, value lists, ranges, patterns, languages, lengths)
are translated into SPARQL. ``tests/graph/check/test_engine.py`` proves the
findings equal pySHACL's on the same shapes and graphs (focus node, path,
constraint component, severity). A shape using a component we do not
translate is refused loudly rather than skipped.

What keeps a province (a million observations) within a minute, measured in
docs/benchmarks.md:

- a SHACL-AF SPARQL target that repeats its constraint's own query is not run
  again: every focus node the constraint reports is one of its targets anyway;
- the sh:minCount / sh:maxCount 0-or-1 constraints of one shape are checked in
  one pass over its focus nodes instead of one GROUP BY query each;
- ``rdf:type/rdfs:subClassOf*`` targets become a plain ``rdf:type`` pattern when
  the class has no subclasses in the data, which Oxigraph can join node by node;
- the queries run on several threads (pyoxigraph releases the GIL while it
  evaluates), longest first;
- for a draft just staged, the shapes that judge one observation at a time are
  answered from its columns (``graph.check.column_checks``) and run in the store over the
  other graphs only: in the on-disk store they were three quarters of the time.

Each finding is then traced to its source: agency, dataset, file, sheet, row,
column and the cell as written, through the provenance of its focus node.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from graph.check.findings import Finding
from graph.errors import ReferenceDataError
from graph.store.embedded import Store

if TYPE_CHECKING:
    from graph.cube.draft_columns import DraftObservations

__all__ = ["ShapeQuery", "Shapes", "finding_of", "trace_findings", "validate"]

OC = "https://w3id.org/onecenter/def#"
_SH = str(SH)
T = TypeVar("T")
R = TypeVar("R")
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_SUBCLASS = f"{_TYPE}/{_SUBCLASS_OF}*"
# A class target as compiled; validate() narrows it to rdf:type when the class has no subclass.
_CLASS_TARGET = re.compile(re.escape(f"?this {_SUBCLASS} <") + r"([^>]+)> \.")


@dataclass
class Constraint:
    """One constraint of one shape, as a whole-graph SELECT (?this ?path ?value)."""

    shape: str
    component: str
    severity: str
    query: str
    path: str | None
    message_id: str = ""
    message_en: str = ""
    # For a 0-or-1 count: the variable of the shared count query that shows the constraint
    # broken, and whether it is broken when that variable is bound (or when it is not).
    count_test: tuple[str, bool] | None = None
    fill_id: _Template = field(init=False, repr=False, compare=False)
    fill_en: _Template = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.fill_id = _Template.of(self.message_id)
        self.fill_en = _Template.of(self.message_en)

    @property
    def label(self) -> str:
        path = f" {_local(self.path)}" if self.path else ""
        return f"{_local(self.shape)} {_local(self.component).removesuffix('ConstraintComponent')}{path}"


@dataclass
class ShapeQuery:
    """One query the engine runs: one constraint's, or the shared count query of a shape."""

    query: str
    constraints: list[Constraint]

    @property
    def label(self) -> str:
        if len(self.constraints) == 1:
            return self.constraints[0].label
        return f"{_local(self.constraints[0].shape)} ({len(self.constraints)} count constraints, one pass)"


@dataclass
class Shapes:
    """The shapes graph, compiled into whole-graph SPARQL queries."""

    graph: rdflib.Graph
    constraints: list[Constraint] = field(default_factory=list)
    queries: list[ShapeQuery] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path) -> Shapes:
        graph = rdflib.Graph()
        files = sorted(folder.glob("*.ttl"))
        if not files:
            raise ReferenceDataError(f"tidak ada bentuk SHACL / no SHACL shapes in {folder}")
        for path in files:
            try:
                graph.parse(path, format="turtle")
            except Exception as exc:  # rdflib raises several types for bad Turtle
                raise ReferenceDataError(f"{path}: Turtle tidak valid / invalid Turtle: {exc}") from None
        return cls.from_graph(graph)

    @classmethod
    def from_graph(cls, graph: rdflib.Graph) -> Shapes:
        shapes = cls(graph)
        for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)) | _targeted(graph), key=str):
            if graph.value(shape, SH.deactivated) == rdflib.Literal(True):
                continue
            targets = _targets(graph, shape)
            if targets is None:
                continue
            own = _node_constraints(graph, shape, targets)
            for prop in graph.objects(shape, SH.property):
                if graph.value(prop, SH.deactivated) == rdflib.Literal(True):
                    continue
                own += _property_constraints(graph, shape, prop, targets)
            shapes.constraints += own
            counts = [c for c in own if c.count_test is not None]
            shapes.queries += [ShapeQuery(c.query, [c]) for c in own if c.count_test is None]
            if counts:
                shapes.queries.append(ShapeQuery(_count_query(targets.group, counts), counts))
        return shapes


def _local(iri: str | None) -> str:
    return re.split(r"[#/]", iri or "")[-1]


def _targeted(graph: rdflib.Graph) -> set[Any]:
    found: set[Any] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(graph.subjects(predicate, None))
    return found


def _n3(term: Any) -> str:
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise ReferenceDataError(
        f"bentuk memakai simpul kosong di tempat IRI / blank node where an IRI is expected: {term}"
    )


@dataclass
class _Targets:
    """A shape's focus nodes as a SPARQL group binding ?this, and its SHACL-AF SPARQL targets."""

    group: str
    # (prefix declarations, WHERE clause onwards) of each SPARQL target, when those are its
    # only targets: a constraint repeating one of them needs no target join.
    sparql_only: list[tuple[str, str]]


def _targets(graph: rdflib.Graph, shape: Any) -> _Targets | None:
    """The shape's focus nodes: a UNION of its targets (a bare pattern for a lone class)."""
    parts = [f"?this {_SUBCLASS} {_n3(c)} ." for c in graph.objects(shape, SH.targetClass)]
    nodes = [_n3(n) for n in graph.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
    parts += [f"?this {_n3(p)} [] ." for p in graph.objects(shape, SH.targetSubjectsOf)]
    parts += [f"[] {_n3(p)} ?this ." for p in graph.objects(shape, SH.targetObjectsOf)]
    sparql: list[tuple[str, str]] = []
    for target in graph.objects(shape, SH.target):
        # SHACL-AF SPARQL targets: the target's own query, as a sub-select (its prefixes are
        # added to the constraint's query by _sparql_constraint).
        select = graph.value(target, SH.select)
        if select is None:
            raise ReferenceDataError(f"{shape}: sh:target tanpa sh:select / sh:target without sh:select")
        parts.append(re.sub(r"\$this\b", "?this", str(select)))
        sparql.append((_prefixes(graph, target), _where_onwards(str(select))))
    if not parts:
        return None
    if len(parts) == 1 and parts[0].startswith("?this "):
        # One class (or subjects-of) target: a plain pattern Oxigraph can join node by node.
        # Duplicate focus nodes cannot arise from it, and validate() drops duplicates anyway.
        return _Targets(parts[0], [])
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return _Targets(
        "{ SELECT DISTINCT ?this WHERE { " + union + " } }",
        sparql if len(sparql) == len(parts) else [],
    )


def _where_onwards(select: str) -> str:
    """A query from its WHERE on, $this spelled ?this, whitespace collapsed: for comparing."""
    match = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    text = select[match.start() :] if match else select
    return " ".join(re.sub(r"\$this\b", "?this", text).split())


def _messages(graph: rdflib.Graph, *nodes: Any) -> tuple[str, str]:
    for node in nodes:
        texts = {m.language: str(m) for m in graph.objects(node, SH.message) if isinstance(m, rdflib.Literal)}
        if texts:
            return texts.get("id", texts.get(None, "")), texts.get("en", texts.get(None, ""))
    return "", ""


def _severity(graph: rdflib.Graph, node: Any) -> str:
    return str(graph.value(node, SH.severity) or SH.Violation)


_SUPPORTED = {
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH.minLength,
    SH.maxLength,
}
_IGNORED = {
    SH.path,
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.order,
    SH.group,
    SH.deactivated,
    RDF.type,
    rdflib.RDFS.label,
    rdflib.RDFS.comment,
    SH.defaultValue,
}


def _property_constraints(graph: rdflib.Graph, shape: Any, prop: Any, targets: _Targets) -> list[Constraint]:
    path = graph.value(prop, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise ReferenceDataError(f"{shape}: hanya jalur IRI sederhana / only simple IRI paths are supported")
    for predicate in set(graph.predicates(prop, None)):
        if predicate not in _SUPPORTED | _IGNORED and predicate != SH.sparql:
            raise ReferenceDataError(
                f"{shape}: komponen {predicate} belum diterjemahkan / component not translated to SPARQL"
            )
    severity = _severity(graph, prop)
    msg_id, msg_en = _messages(graph, prop)
    p = _n3(path)
    group = targets.group
    head = f"SELECT ?this ?value WHERE {{ {group} "
    out: list[Constraint] = []

    def add(component: str, query: str, count_test: tuple[str, bool] | None = None) -> None:
        out.append(
            Constraint(str(shape), _SH + component, severity, query, str(path), msg_id, msg_en, count_test)
        )

    def each_value(condition: str) -> str:
        return head + f"?this {p} ?value . FILTER({condition}) }}"

    # A 0-or-1 count is read off the shared count query of the shape (_count_query): ?v_<path>
    # is one value of the path, ?w_<path> a second, different one.
    var = _path_variable(path)
    if (n := graph.value(prop, SH.minCount)) is not None and int(n) > 0:
        add(
            "MinCountConstraintComponent",
            f"SELECT ?this WHERE {{ {group} OPTIONAL {{ ?this {p} ?v }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(n)})",
            ("v" + var, False) if int(n) == 1 else None,
        )
    if (n := graph.value(prop, SH.maxCount)) is not None:
        add(
            "MaxCountConstraintComponent",
            f"SELECT ?this WHERE {{ {group} ?this {p} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(n)})",
            {0: ("v" + var, True), 1: ("w" + var, True)}.get(int(n)),
        )
    if (dt := graph.value(prop, SH.datatype)) is not None:
        add("DatatypeConstraintComponent", each_value(f"!isLiteral(?value) || datatype(?value) != {_n3(dt)}"))
    if (cls := graph.value(prop, SH["class"])) is not None:
        add(
            "ClassConstraintComponent",
            head + f"?this {p} ?value . FILTER NOT EXISTS {{ ?value {_SUBCLASS} {_n3(cls)} }} }}",
        )
    if (kind := graph.value(prop, SH.nodeKind)) is not None:
        tests = {
            SH.IRI: "isIRI(?value)",
            SH.Literal: "isLiteral(?value)",
            SH.BlankNode: "isBlank(?value)",
            SH.BlankNodeOrIRI: "!isLiteral(?value)",
            SH.BlankNodeOrLiteral: "!isIRI(?value)",
            SH.IRIOrLiteral: "!isBlank(?value)",
        }
        add("NodeKindConstraintComponent", each_value(f"!({tests[kind]})"))
    if (members := graph.value(prop, SH["in"])) is not None:
        values = ", ".join(_n3(v) for v in Collection(graph, members))
        add("InConstraintComponent", each_value(f"?value NOT IN ({values})"))
    if (value := graph.value(prop, SH.hasValue)) is not None:
        add(
            "HasValueConstraintComponent",
            f"SELECT ?this WHERE {{ {group} FILTER NOT EXISTS {{ ?this {p} {_n3(value)} }} }}",
        )
    for component, op in (
        (SH.minInclusive, ">="),
        (SH.maxInclusive, "<="),
        (SH.minExclusive, ">"),
        (SH.maxExclusive, "<"),
    ):
        if (bound := graph.value(prop, component)) is not None:
            name = str(component).rsplit("#", 1)[1]
            add(
                name[0].upper() + name[1:] + "ConstraintComponent",
                each_value(f"!COALESCE(?value {op} {_n3(bound)}, false)"),
            )
    if (pattern := graph.value(prop, SH.pattern)) is not None:
        flags = str(graph.value(prop, SH.flags) or "")
        add(
            "PatternConstraintComponent",
            each_value(
                f'isBlank(?value) || !REGEX(STR(?value), {rdflib.Literal(str(pattern)).n3()}, "{flags}")'
            ),
        )
    if (langs := graph.value(prop, SH.languageIn)) is not None:
        ok = " || ".join(f'langMatches(lang(?value), "{lang}")' for lang in Collection(graph, langs))
        add("LanguageInConstraintComponent", each_value(f"!isLiteral(?value) || !({ok or 'false'})"))
    if graph.value(prop, SH.uniqueLang) == rdflib.Literal(True):
        add(
            "UniqueLangConstraintComponent",
            f'SELECT ?this WHERE {{ {group} ?this {p} ?v . FILTER(lang(?v) != "") }} '
            "GROUP BY ?this (lang(?v)) HAVING (COUNT(DISTINCT ?v) > 1)",
        )
    for component, op in ((SH.minLength, "<"), (SH.maxLength, ">")):
        if (length := graph.value(prop, component)) is not None:
            name = str(component).rsplit("#", 1)[1]
            add(
                name[0].upper() + name[1:] + "ConstraintComponent",
                each_value(f"isBlank(?value) || STRLEN(STR(?value)) {op} {int(length)}"),
            )
    if (value_shape := graph.value(prop, SH.qualifiedValueShape)) is not None:
        fits = _value_condition(graph, value_shape, "?v")
        for component, op in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
            if (bound := graph.value(prop, component)) is not None:
                name = str(component).rsplit("#", 1)[1]
                add(
                    name[0].upper() + name[1:] + "ConstraintComponent",
                    f"SELECT ?this WHERE {{ {group} OPTIONAL {{ ?this {p} ?v . FILTER({fits}) }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(bound)})",
                )
    for sparql in graph.objects(prop, SH.sparql):
        out.append(_sparql_constraint(graph, shape, sparql, targets, str(path), (msg_id, msg_en), severity))
    return out


def _path_variable(path: rdflib.URIRef) -> str:
    """A SPARQL variable name suffix of its own for each path IRI."""
    return "_" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]


def _count_query(group: str, counts: list[Constraint]) -> str:
    """One pass over the focus nodes answering every 0-or-1 count constraint of a shape.

    Per path, ?v is one value (OPTIONAL: unbound when there is none) and ?w another value
    different from ?v; COUNT(DISTINCT) compares terms, so "different" is !sameTerm. A node
    yields one row unless it already has several values of a path.

    (Tried: one scan of each node's triples with COUNT(DISTINCT) per path in a GROUP BY. On
    disk at 1 M observations it was faster, but in memory 2.3 x slower, and its per-node
    sets of values raised a load's peak memory from 2.0 to 3.5 GB. A SUM per path would
    not need the sets, but counts a triple twice when two judged graphs both hold it.)
    """
    paths = list(dict.fromkeys(str(c.path) for c in counts))
    lines = []
    for path in paths:
        var, p = _path_variable(rdflib.URIRef(path)), f"<{path}>"
        lines.append(f"OPTIONAL {{ ?this {p} ?v{var} . }}")
        if any(c.path == path and c.count_test == ("w" + var, True) for c in counts):
            lines.append(f"OPTIONAL {{ ?this {p} ?w{var} . FILTER(!sameTerm(?v{var}, ?w{var})) }}")
    tests = [
        f"{'' if bound else '!'}BOUND(?{name})"
        for name, bound in (c.count_test for c in counts if c.count_test)
    ]
    variables = sorted({f"?{c.count_test[0]}" for c in counts if c.count_test})
    return (
        f"SELECT ?this {' '.join(variables)} WHERE {{ {group}\n"
        + "\n".join(lines)
        + f"\nFILTER({' || '.join(dict.fromkeys(tests))}) }}"
    )


def _value_condition(graph: rdflib.Graph, shape: Any, v: str) -> str:
    """A SPARQL condition true when the value node ``v`` conforms to a simple value shape."""
    tests = []
    for predicate, value in graph.predicate_objects(shape):
        if predicate == SH.languageIn:
            langs = " || ".join(f'langMatches(lang({v}), "{x}")' for x in Collection(graph, value))
            tests.append(f"(isLiteral({v}) && ({langs or 'false'}))")
        elif predicate == SH.datatype:
            tests.append(f"(isLiteral({v}) && datatype({v}) = {_n3(value)})")
        elif predicate == SH["class"]:
            tests.append(f"EXISTS {{ {v} {_SUBCLASS} {_n3(value)} }}")
        elif predicate == SH["in"]:
            tests.append(f"{v} IN ({', '.join(_n3(x) for x in Collection(graph, value))})")
        elif predicate not in (RDF.type, SH.message, SH.name):
            raise ReferenceDataError(
                f"sh:qualifiedValueShape dengan {predicate} belum diterjemahkan / not translated"
            )
    return " && ".join(tests) or "true"


def _node_constraints(graph: rdflib.Graph, shape: Any, targets: _Targets) -> list[Constraint]:
    messages = _messages(graph, shape)
    severity = _severity(graph, shape)
    return [
        _sparql_constraint(graph, shape, sparql, targets, None, messages, severity)
        for sparql in graph.objects(shape, SH.sparql)
    ]


def _prefixes(graph: rdflib.Graph, node: Any) -> str:
    lines = []
    for owner in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(owner, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def _sparql_constraint(
    graph: rdflib.Graph,
    shape: Any,
    node: Any,
    targets: _Targets,
    path: str | None,
    shape_messages: tuple[str, str],
    shape_severity: str,
) -> Constraint:
    select = graph.value(node, SH.select)
    if select is None:
        raise ReferenceDataError(f"{shape}: sh:sparql tanpa sh:select / sh:sparql without sh:select")
    text = str(select)
    # $this becomes a variable bound to the shape's targets by one join, not one run per node.
    body = re.sub(r"\$this\b", "?this", text)
    match = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    if match is None:
        raise ReferenceDataError(f"{shape}: kueri tanpa WHERE / query without WHERE")
    own_prefixes = _prefixes(graph, node)
    # A SPARQL target that is this very query (same WHERE, same prefixes) selects exactly the
    # nodes the query reports: joining it would only evaluate the query twice.
    implied = (own_prefixes, _where_onwards(text)) in targets.sparql_only
    if not implied:
        body = body[: match.end()] + f" {targets.group} " + body[match.end() :]
    msg_id, msg_en = _messages(graph, node)
    if not (msg_id or msg_en):
        msg_id, msg_en = shape_messages
    severity = str(graph.value(node, SH.severity) or shape_severity)
    # The shape's SPARQL targets may declare prefixes of their own.
    declared = own_prefixes + "".join(_prefixes(graph, target) for target in graph.objects(shape, SH.target))
    prefixes = "\n".join(dict.fromkeys(declared.splitlines())) + "\n"
    return Constraint(
        str(shape), _SH + "SPARQLConstraintComponent", severity, prefixes + body, path, msg_id, msg_en
    )


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
    # Imported here: the checks build their findings with this module's types.
    from graph.check.column_checks import DraftContext, check

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

    results = dict(zip(order, _on_threads(run, order, workers, "shacl"), strict=True))
    findings: list[Finding] = []
    for i, query in enumerate(queries):
        found, seconds = results[i]
        findings += found
        if timings is not None:
            timings[query.label] = timings.get(query.label, 0.0) + seconds
    return findings


def _on_threads(fn: Callable[[T], R], items: Sequence[T], workers: int | None, name: str) -> list[R]:
    """``fn`` of each item, in order, on ``workers`` threads (default: one per CPU).

    pyoxigraph releases the GIL while it evaluates a query and serializes its answer, so
    store work runs in parallel on threads; with one worker it runs here, in order.
    """
    n = max(1, min(workers or os.cpu_count() or 1, len(items)))
    if n == 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix=name) as pool:
        return list(pool.map(fn, items))


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
            f"ASK {{ ?sub {_SUBCLASS_OF}+ <{cls}> }}", default_graph=graphs, named_graphs=graphs
        )
        if not found:
            plain.add(cls)

    def narrow(m: re.Match[str]) -> str:
        return f"?this {_TYPE} <{m.group(1)}> ." if m.group(1) in plain else m.group(0)

    return [_CLASS_TARGET.sub(narrow, text) for text in texts]


def _run(store: Store, graphs: list[str], text: str, query: ShapeQuery) -> list[Finding]:
    result = store.query(text, default_graph=graphs, named_graphs=graphs)
    assert isinstance(result, ox.QuerySolutions)
    names, rows = _table(result)
    column = {name: i for i, name in enumerate(names)}
    this = column["this"]
    if query.constraints[0].count_test is not None:
        return _read_counts(rows, column, query.constraints)
    c = query.constraints[0]
    path_at, value_at = column.get("path"), column.get("value")
    # Message templates name the variables they show: only those are read.
    shown = [(v, column[v]) for v in dict.fromkeys(c.fill_id.names + c.fill_en.names) if v in column]
    findings: list[Finding] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for row in rows:
        focus = _value(row[this])
        if focus is None:
            continue
        path = _value(row[path_at]) if path_at is not None else c.path
        value = _value(row[value_at]) if value_at is not None else None
        if (focus, path, value) in seen:
            continue
        seen.add((focus, path, value))
        bound = {v: _value(row[i]) for v, i in shown}
        findings.append(finding_of(c, focus, path or c.path, value, bound))
    return findings


def _table(result: ox.QuerySolutions) -> tuple[list[str], list[list[str]]]:
    """The solutions as SPARQL TSV cells, unparsed.

    Serializing runs inside pyoxigraph without the GIL, so the other threads' queries go on
    meanwhile; reading the rows one by one as Python objects cost twice the query itself
    for 100,000 findings (measured).
    """
    text = result.serialize(format=ox.QueryResultsFormat.TSV)
    assert text is not None
    lines = text.decode("utf-8").split("\n")
    names = [name[1:] for name in lines[0].split("\t")]
    return names, [line.split("\t") for line in lines[1:] if line]


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _value(cell: str) -> str | None:
    """The value of one TSV cell as pyoxigraph's ``term.value`` gives it; None when unbound."""
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        lexical = cell[1 : cell.rindex('"')]
        return _ESCAPE.sub(_unescape, lexical) if "\\" in lexical else lexical
    if cell.startswith("_:"):
        return cell[2:]
    return cell  # a number or boolean written bare


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1)
    return chr(int(code[1:], 16)) if len(code) > 1 else _ESCAPES.get(code, code)


def _read_counts(rows: list[list[str]], column: dict[str, int], counted: list[Constraint]) -> list[Finding]:
    """Findings of a shape's shared count query, constraint by constraint."""
    tests = [(column[c.count_test[0]], c.count_test[1]) for c in counted if c.count_test is not None]
    this = column["this"]
    broken: list[dict[str, None]] = [{} for _ in counted]  # focus nodes, in the order found
    for row in rows:
        focus = _value(row[this])
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


def finding_of(
    c: Constraint, focus: str, path: str | None, value: str | None, bound: dict[str, str | None]
) -> Finding:
    return Finding(
        shape=c.shape,
        focus=focus,
        component=c.component,
        severity=c.severity,
        path=path,
        value=value,
        message_id=c.fill_id.fill(bound),
        message_en=c.fill_en.fill(bound),
    )


@dataclass(frozen=True)
class _Template:
    """A SHACL message template, {?var} or {$var} replaced by the solution's value."""

    parts: tuple[str, ...]  # literal text, then (placeholder, variable, literal text) repeated

    @classmethod
    def of(cls, text: str) -> _Template:
        return cls(tuple(re.split(r"(\{[?$](\w+)\})", text)))

    @property
    def names(self) -> tuple[str, ...]:
        return self.parts[2::3]

    def fill(self, bound: dict[str, str | None]) -> str:
        if len(self.parts) == 1:
            return self.parts[0]
        out = [self.parts[0]]
        for k in range(1, len(self.parts), 3):
            placeholder, name, text = self.parts[k : k + 3]
            out += [bound.get(name) or placeholder, text]
        return "".join(out)


def trace_findings(
    store: Store,
    graphs: list[str],
    findings: list[Finding],
    batch: int = 500,
    workers: int | None = None,
    *,
    drafts: Sequence[DraftObservations] = (),
) -> None:
    """Fill each finding's agency, dataset, file, sheet, row, column and cell as written.

    Findings on the observations of ``drafts`` are traced from their columns
    (``draft_checks.trace_on_columns``); the other foci are looked up ``batch`` at a time on
    ``workers`` threads (default: one per CPU), their answers read as TSV as the validation
    queries are: a province's 300,000 foci took 50 s on one thread.
    """
    from graph.check.column_checks import trace_on_columns

    for draft in drafts:
        findings = trace_on_columns(store, graphs, draft, findings)
    foci = sorted({f.focus for f in findings})
    fields = ("dataset", "agency", "file", "sheet", "row", "column", "raw")

    def trace(start: int) -> dict[str, dict[str, str]]:
        values = " ".join(f"<{f}>" for f in foci[start : start + batch])
        result = store.query(
            f"""PREFIX oc: <{OC}>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?focus ?dataset ?agency ?file ?sheet ?row ?column ?raw WHERE {{
  VALUES ?focus {{ {values} }}
  OPTIONAL {{ ?focus qb:dataSet ?ds0 }}
  BIND(COALESCE(?ds0, IF(EXISTS {{ ?focus a qb:DataSet }}, ?focus, ?none)) AS ?dataset)
  OPTIONAL {{ ?dataset dcterms:publisher ?agency }}
  # Each OPTIONAL starts from ?focus (bound by VALUES) with at most two patterns: Oxigraph then
  # looks each focus up. With three patterns in one group it starts from the rarest one (the
  # files) and joins every source row of the graph: 125 s per 500 foci at 1M observations.
  OPTIONAL {{ ?focus oc:sourceRow ?src . ?src oc:rowNumber ?row }}
  OPTIONAL {{ ?focus oc:sourceRow ?src_f . ?src_f oc:sourceFile ?f }}
  OPTIONAL {{ ?f oc:fileName ?file }}
  OPTIONAL {{ ?focus oc:sourceRow ?src_s . ?src_s oc:sheet ?sheet }}
  OPTIONAL {{ ?focus oc:sourceColumn ?column }}
  OPTIONAL {{ ?focus oc:rawValue ?raw }}
}}""",
            default_graph=graphs,
        )
        assert isinstance(result, ox.QuerySolutions)
        names, rows = _table(result)
        at = {name: i for i, name in enumerate(names)}
        found: dict[str, dict[str, str]] = {}
        for row in rows:
            cells = {k: _value(row[at[k]]) for k in fields}
            found[_value(row[at["focus"]]) or ""] = {k: v for k, v in cells.items() if v is not None}
        return found

    info: dict[str, dict[str, str]] = {}
    for found in _on_threads(trace, range(0, len(foci), batch), workers, "trace"):
        info.update(found)
    for finding in findings:
        found = info.get(finding.focus, {})
        finding.dataset = found.get("dataset")
        finding.agency = found.get("agency")
        finding.file = found.get("file")
        finding.sheet = found.get("sheet")
        finding.row = int(found["row"]) if "row" in found else None
        finding.column = found.get("column")
        finding.raw = found.get("raw")
