"""The SHACL Core constraints of a property shape, translated into whole-graph SPARQL.

pySHACL checks a property shape node by node; here each constraint component we use
(counts, datatype, class, node kind, value lists, ranges, patterns, languages, lengths,
qualified value shapes) becomes one SELECT over the whole graph whose solutions are the
broken focus nodes (``?this``) with the offending value (``?value``) where there is one.
A component we do not translate is refused loudly rather than skipped, so a shape never
passes for a rule nobody checked. ``tests/graph/check/test_engine.py`` holds the findings
equal to pySHACL's.

The 0-or-1 counts (``sh:minCount 1``, ``sh:maxCount 0`` or ``1``) of one shape are not run
one GROUP BY each: they are read off one pass over the shape's focus nodes
(``count_query``), which on a province is most of what keeps validation within a minute.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from graph.check.constraints import SH_NS, SUBCLASS, Constraint, messages_of, n3, severity_of
from graph.errors import ReferenceDataError

__all__ = ["count_query", "property_constraints"]

# The components translated here, and the statements of a property shape that constrain nothing.
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
    SH.sparql,  # SHACL-SPARQL: compiled by graph.check.shapes
}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "!isLiteral(?value)",
    SH.BlankNodeOrLiteral: "!isIRI(?value)",
    SH.IRIOrLiteral: "!isBlank(?value)",
}
_RANGES = ((SH.minInclusive, ">="), (SH.maxInclusive, "<="), (SH.minExclusive, ">"), (SH.maxExclusive, "<"))
_LENGTHS = ((SH.minLength, "<"), (SH.maxLength, ">"))
_QUALIFIED = ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">"))

# (component's local name, its query, its count test: see Constraint.count_test)
_Part = tuple[str, str, tuple[str, bool] | None]


@dataclass(frozen=True)
class _Property:
    """One property shape being translated: its statements, its path, its focus nodes."""

    graph: rdflib.Graph
    node: Any
    path: rdflib.URIRef
    group: str  # the shape's focus nodes, binding ?this

    @property
    def p(self) -> str:
        return n3(self.path)

    def value(self, predicate: Any) -> Any:
        return self.graph.value(self.node, predicate)

    def each_value(self, condition: str) -> str:
        """The values of the path that break ``condition``, one solution each."""
        return f"SELECT ?this ?value WHERE {{ {self.group} ?this {self.p} ?value . FILTER({condition}) }}"


def property_constraints(graph: rdflib.Graph, shape: Any, prop: Any, group: str) -> list[Constraint]:
    """The SHACL Core constraints of property shape ``prop`` of ``shape``, in a fixed order.

    ``group`` is the shape's focus nodes as a SPARQL group binding ``?this``.
    """
    path = graph.value(prop, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise ReferenceDataError(f"{shape}: hanya jalur IRI sederhana / only simple IRI paths are supported")
    for predicate in set(graph.predicates(prop, None)):
        if predicate not in _SUPPORTED | _IGNORED:
            raise ReferenceDataError(
                f"{shape}: komponen {predicate} belum diterjemahkan / component not translated to SPARQL"
            )
    p = _Property(graph, prop, path, group)
    parts = [*_counts(p), *_node_tests(p), *_ranges(p), *_text_tests(p), *_qualified(p)]
    severity = severity_of(graph, prop)
    msg_id, msg_en = messages_of(graph, prop)
    return [
        Constraint(str(shape), SH_NS + component, severity, query, str(path), msg_id, msg_en, count_test)
        for component, query, count_test in parts
    ]


def _component(term: Any) -> str:
    """``sh:minInclusive`` -> ``MinInclusiveConstraintComponent``."""
    name = str(term).rsplit("#", 1)[1]
    return name[0].upper() + name[1:] + "ConstraintComponent"


def _counts(p: _Property) -> list[_Part]:
    # A 0-or-1 count is read off the shared count query of the shape (count_query): ?v_<path>
    # is one value of the path, ?w_<path> a second, different one.
    var = _path_variable(p.path)
    parts: list[_Part] = []
    if (n := p.value(SH.minCount)) is not None and int(n) > 0:
        parts.append(
            (
                "MinCountConstraintComponent",
                f"SELECT ?this WHERE {{ {p.group} OPTIONAL {{ ?this {p.p} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(n)})",
                ("v" + var, False) if int(n) == 1 else None,
            )
        )
    if (n := p.value(SH.maxCount)) is not None:
        parts.append(
            (
                "MaxCountConstraintComponent",
                f"SELECT ?this WHERE {{ {p.group} ?this {p.p} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(n)})",
                {0: ("v" + var, True), 1: ("w" + var, True)}.get(int(n)),
            )
        )
    return parts


def _node_tests(p: _Property) -> list[_Part]:
    """Datatype, class, node kind, value list and required value."""
    parts: list[_Part] = []
    if (dt := p.value(SH.datatype)) is not None:
        condition = f"!isLiteral(?value) || datatype(?value) != {n3(dt)}"
        parts.append(("DatatypeConstraintComponent", p.each_value(condition), None))
    if (cls := p.value(SH["class"])) is not None:
        query = (
            f"SELECT ?this ?value WHERE {{ {p.group} "
            f"?this {p.p} ?value . FILTER NOT EXISTS {{ ?value {SUBCLASS} {n3(cls)} }} }}"
        )
        parts.append(("ClassConstraintComponent", query, None))
    if (kind := p.value(SH.nodeKind)) is not None:
        parts.append(("NodeKindConstraintComponent", p.each_value(f"!({_NODE_KINDS[kind]})"), None))
    if (members := p.value(SH["in"])) is not None:
        values = ", ".join(n3(v) for v in Collection(p.graph, members))
        parts.append(("InConstraintComponent", p.each_value(f"?value NOT IN ({values})"), None))
    if (value := p.value(SH.hasValue)) is not None:
        query = f"SELECT ?this WHERE {{ {p.group} FILTER NOT EXISTS {{ ?this {p.p} {n3(value)} }} }}"
        parts.append(("HasValueConstraintComponent", query, None))
    return parts


def _ranges(p: _Property) -> list[_Part]:
    return [
        (_component(component), p.each_value(f"!COALESCE(?value {op} {n3(bound)}, false)"), None)
        for component, op in _RANGES
        if (bound := p.value(component)) is not None
    ]


def _text_tests(p: _Property) -> list[_Part]:
    """Pattern, languages, one text per language, lengths."""
    parts: list[_Part] = []
    if (pattern := p.value(SH.pattern)) is not None:
        flags = str(p.value(SH.flags) or "")
        regex = rdflib.Literal(str(pattern)).n3()
        condition = f'isBlank(?value) || !REGEX(STR(?value), {regex}, "{flags}")'
        parts.append(("PatternConstraintComponent", p.each_value(condition), None))
    if (langs := p.value(SH.languageIn)) is not None:
        ok = " || ".join(f'langMatches(lang(?value), "{lang}")' for lang in Collection(p.graph, langs))
        condition = f"!isLiteral(?value) || !({ok or 'false'})"
        parts.append(("LanguageInConstraintComponent", p.each_value(condition), None))
    if p.value(SH.uniqueLang) == rdflib.Literal(True):
        query = (
            f'SELECT ?this WHERE {{ {p.group} ?this {p.p} ?v . FILTER(lang(?v) != "") }} '
            "GROUP BY ?this (lang(?v)) HAVING (COUNT(DISTINCT ?v) > 1)"
        )
        parts.append(("UniqueLangConstraintComponent", query, None))
    parts += [
        (
            _component(component),
            p.each_value(f"isBlank(?value) || STRLEN(STR(?value)) {op} {int(length)}"),
            None,
        )
        for component, op in _LENGTHS
        if (length := p.value(component)) is not None
    ]
    return parts


def _qualified(p: _Property) -> list[_Part]:
    value_shape = p.value(SH.qualifiedValueShape)
    if value_shape is None:
        return []
    fits = _value_condition(p.graph, value_shape, "?v")
    return [
        (
            _component(component),
            f"SELECT ?this WHERE {{ {p.group} OPTIONAL {{ ?this {p.p} ?v . FILTER({fits}) }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(bound)})",
            None,
        )
        for component, op in _QUALIFIED
        if (bound := p.value(component)) is not None
    ]


def _path_variable(path: rdflib.URIRef) -> str:
    """A SPARQL variable name suffix of its own for each path IRI."""
    return "_" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]


def count_query(group: str, counts: list[Constraint]) -> str:
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
            tests.append(f"(isLiteral({v}) && datatype({v}) = {n3(value)})")
        elif predicate == SH["class"]:
            tests.append(f"EXISTS {{ {v} {SUBCLASS} {n3(value)} }}")
        elif predicate == SH["in"]:
            tests.append(f"{v} IN ({', '.join(n3(x) for x in Collection(graph, value))})")
        elif predicate not in (RDF.type, SH.message, SH.name):
            raise ReferenceDataError(
                f"sh:qualifiedValueShape dengan {predicate} belum diterjemahkan / not translated"
            )
    return " && ".join(tests) or "true"
