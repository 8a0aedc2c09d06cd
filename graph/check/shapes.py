"""The SHACL shapes in ``shapes/``, compiled into the whole-graph SPARQL queries the engine runs.

pySHACL is the reference semantics but walks focus nodes one by one; on a province it
does not finish. Here every constraint becomes a query over the whole graph: a shape's
targets become one SPARQL group binding ``?this``; SHACL-SPARQL constraints run with
``$this`` turned into that variable, joined to the targets once; the SHACL Core
constraints are translated by ``graph.check.core_constraints``. What the compiled queries
spare a province is told there and in ``graph.check.engine``; here:

- a SHACL-AF SPARQL target that repeats its constraint's own query is not joined again:
  every focus node the constraint reports is one of its targets anyway;
- a shape's 0-or-1 counts share one query (``ShapeQuery`` with several constraints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import RDF, SH

from graph.check.constraints import (
    SH_NS,
    SUBCLASS,
    Constraint,
    ShapeQuery,
    messages_of,
    n3,
    severity_of,
)
from graph.check.core_constraints import count_query, property_constraints
from graph.errors import ReferenceDataError

__all__ = ["Shapes"]

_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


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
                if graph.value(prop, SH.deactivated) != rdflib.Literal(True):
                    own += _property_shape(graph, shape, prop, targets)
            shapes.constraints += own
            counts = [c for c in own if c.count_test is not None]
            shapes.queries += [ShapeQuery(c.query, [c]) for c in own if c.count_test is None]
            if counts:
                shapes.queries.append(ShapeQuery(count_query(targets.group, counts), counts))
        return shapes


def _targeted(graph: rdflib.Graph) -> set[Any]:
    found: set[Any] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(graph.subjects(predicate, None))
    return found


@dataclass
class _Targets:
    """A shape's focus nodes as a SPARQL group binding ?this, and its SHACL-AF SPARQL targets."""

    group: str
    # (prefix declarations, WHERE clause onwards) of each SPARQL target, when those are its
    # only targets: a constraint repeating one of them needs no target join.
    sparql_only: list[tuple[str, str]]


def _targets(graph: rdflib.Graph, shape: Any) -> _Targets | None:
    """The shape's focus nodes: a UNION of its targets (a bare pattern for a lone class)."""
    parts = [f"?this {SUBCLASS} {n3(c)} ." for c in graph.objects(shape, SH.targetClass)]
    nodes = [n3(n) for n in graph.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
    parts += [f"?this {n3(p)} [] ." for p in graph.objects(shape, SH.targetSubjectsOf)]
    parts += [f"[] {n3(p)} ?this ." for p in graph.objects(shape, SH.targetObjectsOf)]
    sparql: list[tuple[str, str]] = []
    for target in graph.objects(shape, SH.target):
        # SHACL-AF SPARQL targets: the target's own query, as a sub-select (its prefixes are
        # added to the constraint's query by _sparql_constraint).
        select = graph.value(target, SH.select)
        if select is None:
            raise ReferenceDataError(f"{shape}: sh:target tanpa sh:select / sh:target without sh:select")
        parts.append(_THIS.sub("?this", str(select)))
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
    """A query from its WHERE on, $this spelled ?this, whitespace collapsed: for comparing.

    >>> _where_onwards("SELECT $this\\nWHERE {  $this a ?c }")
    'WHERE { ?this a ?c }'
    """
    match = _WHERE.search(select)
    text = select[match.start() :] if match else select
    return " ".join(_THIS.sub("?this", text).split())


def _property_shape(graph: rdflib.Graph, shape: Any, prop: Any, targets: _Targets) -> list[Constraint]:
    """A property shape's SHACL Core constraints, then its SHACL-SPARQL ones."""
    core = property_constraints(graph, shape, prop, targets.group)
    severity = severity_of(graph, prop)
    messages = messages_of(graph, prop)
    path = str(graph.value(prop, SH.path))
    return core + [
        _sparql_constraint(graph, shape, sparql, targets, path, messages, severity)
        for sparql in graph.objects(prop, SH.sparql)
    ]


def _node_constraints(graph: rdflib.Graph, shape: Any, targets: _Targets) -> list[Constraint]:
    messages = messages_of(graph, shape)
    severity = severity_of(graph, shape)
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
    body = _THIS.sub("?this", text)
    match = _WHERE.search(body)
    if match is None:
        raise ReferenceDataError(f"{shape}: kueri tanpa WHERE / query without WHERE")
    own_prefixes = _prefixes(graph, node)
    # A SPARQL target that is this very query (same WHERE, same prefixes) selects exactly the
    # nodes the query reports: joining it would only evaluate the query twice.
    implied = (own_prefixes, _where_onwards(text)) in targets.sparql_only
    if not implied:
        body = body[: match.end()] + f" {targets.group} " + body[match.end() :]
    msg_id, msg_en = messages_of(graph, node)
    if not (msg_id or msg_en):
        msg_id, msg_en = shape_messages
    severity = str(graph.value(node, SH.severity) or shape_severity)
    # The shape's SPARQL targets may declare prefixes of their own.
    declared = own_prefixes + "".join(_prefixes(graph, target) for target in graph.objects(shape, SH.target))
    prefixes = "\n".join(dict.fromkeys(declared.splitlines())) + "\n"
    return Constraint(
        str(shape), SH_NS + "SPARQLConstraintComponent", severity, prefixes + body, path, msg_id, msg_en
    )
