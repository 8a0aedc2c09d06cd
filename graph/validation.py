"""Run the SHACL shapes in ``shapes/`` against the store as whole-graph SPARQL.

pySHACL is the reference semantics but walks focus nodes one by one; on a
province it does not finish. Here every constraint becomes ONE query over the
graph: SHACL-SPARQL constraints run with ``$this`` turned into a variable joined
to the shape's targets, and the SHACL Core constraints we use (counts,
datatype, class, node kind, value lists, ranges, patterns, languages, lengths)
are translated into SPARQL. ``tests/graph/test_validation.py`` proves the
findings equal pySHACL's on the same shapes and graphs (focus node, path,
constraint component, severity). A shape using a component we do not
translate is refused loudly rather than skipped.

Each finding is then traced to its source: agency, dataset, file, sheet, row,
column and the cell as written, through the provenance of its focus node.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from graph.errors import ReferenceDataError
from graph.store import Store

__all__ = ["Finding", "Shapes", "trace_findings", "validate"]

OC = "https://w3id.org/onecenter/def#"
_SH = str(SH)
_SUBCLASS = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)


@dataclass
class Finding:
    """One SHACL validation result, with where it came from once traced."""

    shape: str
    focus: str
    component: str
    severity: str  # IRI of sh:Violation / sh:Warning / sh:Info
    path: str | None = None
    value: str | None = None
    message_id: str = ""
    message_en: str = ""
    # Filled by trace_findings():
    dataset: str | None = None
    agency: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    raw: str | None = None

    @property
    def blocks_publication(self) -> bool:
        return self.severity == _SH + "Violation"

    def key(self) -> tuple[str, str, str | None, str, str]:
        """What pySHACL agreement is judged on."""
        return (self.focus, self.component, self.path, self.severity, self.shape)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["severity"] = self.severity.rsplit("#", 1)[-1]
        out["component"] = self.component.rsplit("#", 1)[-1]
        return out


@dataclass
class _Constraint:
    """One constraint of one shape, as a whole-graph SELECT (?this ?path ?value)."""

    shape: str
    component: str
    severity: str
    query: str
    path: str | None
    message_id: str = ""
    message_en: str = ""


@dataclass
class Shapes:
    """The shapes graph, compiled into one SPARQL query per constraint."""

    graph: rdflib.Graph
    constraints: list[_Constraint] = field(default_factory=list)

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
            shapes.constraints += _node_constraints(graph, shape, targets)
            for prop in graph.objects(shape, SH.property):
                if graph.value(prop, SH.deactivated) == rdflib.Literal(True):
                    continue
                shapes.constraints += _property_constraints(graph, shape, prop, targets)
        return shapes


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


def _targets(graph: rdflib.Graph, shape: Any) -> str | None:
    """A SPARQL group binding ?this to the shape's focus nodes (a UNION of its targets)."""
    parts = [f"{{ ?this {_SUBCLASS} {_n3(c)} . }}" for c in graph.objects(shape, SH.targetClass)]
    nodes = [_n3(n) for n in graph.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}")
    parts += [f"{{ ?this {_n3(p)} [] . }}" for p in graph.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {_n3(p)} ?this . }}" for p in graph.objects(shape, SH.targetObjectsOf)]
    for target in graph.objects(shape, SH.target):
        # SHACL-AF SPARQL targets: the target's own query, as a sub-select (its prefixes are
        # added to the constraint's query by _sparql_constraint / _prefixes_of_targets).
        select = graph.value(target, SH.select)
        if select is None:
            raise ReferenceDataError(f"{shape}: sh:target tanpa sh:select / sh:target without sh:select")
        parts.append("{ " + re.sub(r"\$this\b", "?this", str(select)) + " }")
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


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


def _property_constraints(graph: rdflib.Graph, shape: Any, prop: Any, targets: str) -> list[_Constraint]:
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
    head = f"SELECT ?this ?value WHERE {{ {targets} "
    out: list[_Constraint] = []

    def add(component: str, query: str) -> None:
        out.append(_Constraint(str(shape), _SH + component, severity, query, str(path), msg_id, msg_en))

    def each_value(condition: str) -> str:
        return head + f"?this {p} ?value . FILTER({condition}) }}"

    if (n := graph.value(prop, SH.minCount)) is not None:
        add(
            "MinCountConstraintComponent",
            f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?v }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(n)})",
        )
    if (n := graph.value(prop, SH.maxCount)) is not None:
        add(
            "MaxCountConstraintComponent",
            f"SELECT ?this WHERE {{ {targets} ?this {p} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(n)})",
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
            f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {p} {_n3(value)} }} }}",
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
            f'SELECT ?this WHERE {{ {targets} ?this {p} ?v . FILTER(lang(?v) != "") }} '
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
                    f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?v . FILTER({fits}) }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(bound)})",
                )
    for sparql in graph.objects(prop, SH.sparql):
        out.append(_sparql_constraint(graph, shape, sparql, targets, str(path), (msg_id, msg_en), severity))
    return out


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


def _node_constraints(graph: rdflib.Graph, shape: Any, targets: str) -> list[_Constraint]:
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
    targets: str,
    path: str | None,
    shape_messages: tuple[str, str],
    shape_severity: str,
) -> _Constraint:
    select = graph.value(node, SH.select)
    if select is None:
        raise ReferenceDataError(f"{shape}: sh:sparql tanpa sh:select / sh:sparql without sh:select")
    text = str(select)
    # $this becomes a variable bound to the shape's targets by one join, not one run per node.
    body = re.sub(r"\$this\b", "?this", text)
    match = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    if match is None:
        raise ReferenceDataError(f"{shape}: kueri tanpa WHERE / query without WHERE")
    body = body[: match.end()] + f" {targets} " + body[match.end() :]
    msg_id, msg_en = _messages(graph, node)
    if not (msg_id or msg_en):
        msg_id, msg_en = shape_messages
    severity = str(graph.value(node, SH.severity) or shape_severity)
    # The shape's SPARQL targets may declare prefixes of their own.
    declared = _prefixes(graph, node) + "".join(
        _prefixes(graph, target) for target in graph.objects(shape, SH.target)
    )
    prefixes = "\n".join(dict.fromkeys(declared.splitlines())) + "\n"
    return _Constraint(
        str(shape), _SH + "SPARQLConstraintComponent", severity, prefixes + body, path, msg_id, msg_en
    )


def _term(value: Any) -> str | None:
    return None if value is None else str(value.value)


def validate(store: Store, shapes: Shapes, graphs: list[str]) -> list[Finding]:
    """Every finding of every shape over the union of ``graphs``, one query per constraint."""
    findings: list[Finding] = []
    for c in shapes.constraints:
        result = store.query(c.query, default_graph=graphs, named_graphs=graphs)
        assert isinstance(result, ox.QuerySolutions)
        names = {v.value for v in result.variables}
        seen: set[tuple[str, str | None, str | None]] = set()
        for solution in result:
            focus = _term(solution["this"])
            if focus is None:
                continue
            path = _term(solution["path"]) if "path" in names else c.path
            value = _term(solution["value"]) if "value" in names else None
            if (focus, path, value) in seen:
                continue
            seen.add((focus, path, value))
            bound = {v: _term(solution[v]) for v in names}
            findings.append(
                Finding(
                    shape=c.shape,
                    focus=focus,
                    component=c.component,
                    severity=c.severity,
                    path=path or c.path,
                    value=value,
                    message_id=_fill(c.message_id, bound),
                    message_en=_fill(c.message_en, bound),
                )
            )
    return findings


def _fill(template: str, bound: dict[str, str | None]) -> str:
    """SHACL message templates: {?var} or {$var} replaced by the solution's value."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: bound.get(m.group(1)) or m.group(0), template)


def trace_findings(store: Store, graphs: list[str], findings: list[Finding], batch: int = 500) -> None:
    """Fill each finding's agency, dataset, file, sheet, row, column and cell as written."""
    foci = sorted({f.focus for f in findings})
    info: dict[str, dict[str, str]] = {}
    for start in range(0, len(foci), batch):
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
  OPTIONAL {{ ?focus oc:sourceRow ?src . ?src oc:rowNumber ?row ; oc:sourceFile ?f .
             ?f oc:fileName ?file . OPTIONAL {{ ?src oc:sheet ?sheet }} }}
  OPTIONAL {{ ?focus oc:sourceColumn ?column }}
  OPTIONAL {{ ?focus oc:rawValue ?raw }}
}}""",
            default_graph=graphs,
        )
        assert isinstance(result, ox.QuerySolutions)
        for s in result:
            info[s["focus"].value] = {
                k: s[k].value
                for k in ("dataset", "agency", "file", "sheet", "row", "column", "raw")
                if s[k] is not None
            }
    for finding in findings:
        found = info.get(finding.focus, {})
        finding.dataset = found.get("dataset")
        finding.agency = found.get("agency")
        finding.file = found.get("file")
        finding.sheet = found.get("sheet")
        finding.row = int(found["row"]) if "row" in found else None
        finding.column = found.get("column")
        finding.raw = found.get("raw")
