"""Cube-shaped SPARQL answered from the observation view, the same answer as the store's.

An analyst's query that joins or aggregates indicators by region and period (two indicators
by desa, a sum by kecamatan via ``skos:broader``, one region's figures) makes Oxigraph walk its
indexes once per observation: seconds at a province's scale. The view (``graph.answer.view``)
already holds those observations as columns indexed by indicator, period and area, so such a
query is translated here into look-ups on them (``graph.answer.cube_patterns``) and the
operators above its patterns are computed as Oxigraph computes them
(``graph.answer.cube_algebra``), in the service's process, with no copy into a store.

Three gates, cheapest first:

1. ``may_be_cube`` reads the text only: it must name an observation dimension or
   ``qb:measureType`` and use no keyword the translation lacks (GRAPH, FROM, OPTIONAL, BIND,
   UNION, ...). Every other query (a label search, an ASK) reaches the store having paid a
   substring test.
2. ``recognise`` parses with rdflib (the one Python parser with a SPARQL algebra; some
   milliseconds, so the outcome is kept per text) and accepts only observation stars, region
   look-ups (``skos:broader`` chains, ``skos:prefLabel``, a Kemendagri ``skos:notation``),
   constant filters, GROUP BY with COUNT / SUM / AVG / MIN / MAX / SAMPLE, ORDER BY,
   DISTINCT, LIMIT / OFFSET. An observation's subject may only be counted.
3. ``answer_cube`` evaluates it; anything the view cannot answer exactly (categorical
   values it does not hold, a region it does not hold, a LIMIT cutting between tied rows,
   terms of mixed kinds) returns None: the store answers.

The view is the store's answer only for data of the shape ``graph.answer.cube_shape`` checks
when the view is built; the caller asks it first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.cube_algebra import Plan, compile_plan, evaluate, order_cut
from graph.answer.cube_patterns import (
    Broader,
    Label,
    Notation,
    Star,
    Step,
    Term,
    Unanswerable,
)
from graph.answer.sparql import Answer, ProtocolQuery
from graph.answer.truncation import mark_truncated
from graph.answer.view import ObservationView
from graph.rdf.namespaces import OC, PREFIXES
from graph.rdf.sparql_text import keywords

__all__ = ["CubeQuery", "answer_cube", "may_be_cube", "recognise"]

MEASURE_TYPE = PREFIXES["qb"] + "measureType"
AREA = PREFIXES["sdmx-dimension"] + "refArea"
PERIOD = PREFIXES["sdmx-dimension"] + "refPeriod"
BROADER = PREFIXES["skos"] + "broader"
LABEL = PREFIXES["skos"] + "prefLabel"
NOTATION = PREFIXES["skos"] + "notation"
KEMENDAGRI = OC + "KemendagriCode"
_MARKS = ("refArea", "refPeriod", "measureType")
# Keywords of constructs the translation does not evaluate (REDUCED: the engine may or may
# not drop duplicates); functions and the rest are refused on the algebra, below.
_REFUSED = {"GRAPH", "SERVICE", "FROM", "OPTIONAL", "UNION", "MINUS", "VALUES", "BIND", "EXISTS"}
_REFUSED |= {"NOT", "REDUCED", "CONSTRUCT", "DESCRIBE", "IN", "LATERAL"}
_NODES = {"SelectQuery", "AskQuery", "Project", "Slice", "OrderBy", "Distinct", "Filter"}
_NODES |= {"Extend", "AggregateJoin", "Group", "BGP", "Join", "ToMultiSet"}
_CACHED = 512  # texts whose recognition is kept (dashboards repeat their queries)


@dataclass(frozen=True)
class CubeQuery:
    """A recognised query: its plan, the variables it returns, and whether it is an ASK."""

    plan: Plan
    variables: tuple[str, ...]
    ask: bool


def may_be_cube(sparql: str) -> bool:
    """The text test that keeps every other query off the parser."""
    if not any(mark in sparql for mark in _MARKS):
        return False
    used = keywords(sparql)
    return "SELECT" in used or "ASK" in used if not used & _REFUSED else False


_recognised: OrderedDict[str, CubeQuery | None] = OrderedDict()
_lock = threading.Lock()  # rdflib's parser keeps state between calls


def recognise(sparql: str) -> CubeQuery | None:
    """The query as the view path evaluates it, or None (ask the store). Kept per text."""
    if not may_be_cube(sparql):
        return None
    with _lock:
        if sparql in _recognised:
            _recognised.move_to_end(sparql)
            return _recognised[sparql]
        found = _recognise(sparql)
        _recognised[sparql] = found
        while len(_recognised) > _CACHED:
            _recognised.popitem(last=False)
        return found


def _recognise(sparql: str) -> CubeQuery | None:
    try:
        # Oxigraph first, over no data (microseconds): rdflib also reads texts Oxigraph refuses
        # (prefixes it binds by default), whose answer must stay the store's syntax error.
        ox.Store().query(sparql)
        from rdflib.plugins.sparql import prepareQuery

        algebra = prepareQuery(sparql).algebra
    except Exception:
        return None  # the store names the syntax error
    if algebra.get("datasetClause") or algebra.name not in ("SelectQuery", "AskQuery"):
        return None
    counted: set[str] = set()
    used: set[str] = set()
    subjects: list[str] = []
    try:
        _walk(algebra, used, counted, subjects)
        plan = compile_plan(algebra)
    except Unanswerable:
        return None
    # An observation's subject is a new node per observation in the store; the view has none.
    if len(subjects) != len(set(subjects)) or set(subjects) & used:
        return None
    ask = algebra.name == "AskQuery"
    variables = () if ask else tuple(str(v) for v in algebra["PV"])
    return CubeQuery(plan, variables, ask)


def _walk(node: Any, used: set[str], counted: set[str], subjects: list[str]) -> None:
    """Check every node, attach each pattern's steps, and collect the variables read outside
    patterns (``counted``: read only by a COUNT, where an observation's subject may be)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    if isinstance(node, Variable):
        used.add(str(node))
        return
    if not isinstance(node, CompValue):
        if isinstance(node, list | tuple):
            for item in node:
                _walk(item, used, counted, subjects)
        return
    name = node.name
    if name == "BGP":
        steps, stars = _steps(node["triples"])
        node["cube_steps"] = steps
        subjects.extend(stars)
        # Any other use of an observation's subject, in this pattern or another, is refused.
        used.update(t.var for step in steps for t in _terms(step) if t.var is not None)
        return
    if name == "Aggregate_Count" and not node.get("distinct") and isinstance(node["vars"], Variable):
        counted.add(str(node["vars"]))
        return
    if name == "AskQuery":
        _walk(node["p"]["p"] if node["p"].name == "Project" else node["p"], used, counted, subjects)
        return
    allowed = name in _NODES or name in _EXPRESSIONS or name.startswith("Aggregate_")
    if not allowed:
        raise Unanswerable(f"not translated: {name}")
    for key, value in node.items():
        if key not in ("_vars", "res", "var", "datasetClause") and not key.startswith("_"):
            _walk(value, used, counted, subjects)


_EXPRESSIONS = {"RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression"}
_EXPRESSIONS |= {"OrderCondition"}


def _position(node: Any) -> Term:
    from rdflib.term import BNode, Literal, URIRef, Variable

    if isinstance(node, Variable):
        return Term(var=str(node))
    if isinstance(node, BNode):
        return Term(var="_:" + str(node))
    if isinstance(node, URIRef):
        return Term(value=str(node))
    if isinstance(node, Literal):
        from graph.answer.cube_algebra import to_term

        return Term(value=to_term(node))
    raise Unanswerable("a pattern position of an unforeseen kind")


def _broader_steps(predicate: Any) -> int:
    """How many ``skos:broader`` a predicate is (0: another predicate)."""
    from rdflib.paths import SequencePath
    from rdflib.term import URIRef, Variable

    if isinstance(predicate, Variable):
        return 0
    if isinstance(predicate, URIRef):
        return 1 if str(predicate) == BROADER else 0
    if isinstance(predicate, SequencePath) and all(
        isinstance(p, URIRef) and str(p) == BROADER for p in predicate.args
    ):
        return len(predicate.args)
    raise Unanswerable("a property path")


def _steps(triples: list[Any]) -> tuple[list[Step], list[str]]:  # noqa: C901
    """A basic graph pattern as steps in a good order, and its observation subjects."""
    stars: dict[str, dict[str, list[Term]]] = {}
    regions: list[Broader | Label | Notation] = []
    objects: set[str] = set()
    for s, p, o in triples:
        subject, obj = _position(s), _position(o)
        if obj.var is not None:
            objects.add(obj.var)
        steps = _broader_steps(p)
        if steps:
            regions.append(Broader(subject, obj, steps))
            continue
        predicate = _position(p)
        if predicate.value == LABEL:
            regions.append(Label(subject, obj))
        elif predicate.value == NOTATION:
            if not (isinstance(obj.value, ox.Literal) and obj.value.datatype.value == KEMENDAGRI):
                raise Unanswerable("a notation other than a Kemendagri code")
            regions.append(Notation(subject, obj.value))
        elif subject.var is None:
            raise Unanswerable("an observation pattern on a constant subject")
        else:
            role = {MEASURE_TYPE: "type", AREA: "area", PERIOD: "period"}.get(predicate.value, "")
            arms = stars.setdefault(subject.var, {})
            if role:
                arms.setdefault(role, []).append(obj)
            else:
                arms.setdefault("measure", []).append(predicate)
                arms.setdefault("value", []).append(obj)
    built = [_star(subject, arms) for subject, arms in stars.items()]
    region_subjects = {r.subject.var for r in regions if r.subject.var is not None}
    if set(stars) & (objects | region_subjects):
        raise Unanswerable("an observation's subject used as a region or a value")
    return _ordered(built, regions), list(stars)


def _star(subject: str, arms: dict[str, list[Term]]) -> Star:
    if any(len(terms) > 1 for terms in arms.values()):
        raise Unanswerable("a dimension or measure given twice")
    named = [t.var for key, terms in arms.items() if key != "measure" for t in terms if t.var]
    if len(named) != len(set(named)):
        raise Unanswerable("one variable in two places of an observation")
    kind = arms.get("type", [None])[0]
    measure = arms.get("measure", [None])[0]
    value = arms.get("value", [None])[0]
    if value is not None and value.var is None:
        raise Unanswerable("a constant figure")
    if kind is None and measure is None:
        raise Unanswerable("an observation pattern without its indicator")
    if kind is not None and measure is not None and kind != measure:
        raise Unanswerable("a measure type and another indicator's figure")
    indicator = kind or measure
    assert indicator is not None
    if indicator.var is None and not isinstance(indicator.value, str):
        raise Unanswerable("an indicator that is not an IRI")
    if indicator.var is not None and (kind is None or measure is None):
        raise Unanswerable("a variable indicator not tied to the measure type")
    area, period = arms.get("area", [None])[0], arms.get("period", [None])[0]
    for term in (area, period):
        if term is not None and term.var is None and not isinstance(term.value, str):
            raise Unanswerable("a dimension fixed to a literal")
    return Star(subject, indicator, area, period, value.var if value is not None else None)


def _ordered(stars: list[Star], regions: list[Broader | Label | Notation]) -> list[Step]:
    """Steps in an order where each region step's subject is known when it runs and each star
    after the first is a look-up by the area and period already bound."""
    bound: set[str] = set()
    order: list[Step] = []
    stars, regions = list(stars), list(regions)

    def known(term: Term | None) -> bool:
        return term is not None and (term.var is None or term.var in bound)

    while stars or regions:
        ready = [r for r in regions if isinstance(r, Notation) or known(r.subject)]
        step: Step
        if ready:
            step = ready[0]
            regions.remove(ready[0])
        elif stars:
            step = max(stars, key=lambda s: 2 * known(s.area) + known(s.period) + known(s.indicator))
            stars.remove(step)
        else:
            raise Unanswerable("a region pattern tied to no observation")
        order.append(step)
        for term in _terms(step):
            if term.var is not None:
                bound.add(term.var)
    return order


def _terms(step: Step) -> list[Term]:
    if isinstance(step, Star):
        value = [Term(var=step.value)] if step.value else []
        return [t for t in (step.indicator, step.area, step.period) if t is not None] + value
    if isinstance(step, Notation):
        return [step.subject]
    return [step.subject, step.object]


def answer_cube(view: ObservationView, cube: CubeQuery, request: ProtocolQuery) -> Answer | None:
    """``request`` answered from ``view`` in the store's format, or None (ask the store)."""
    try:
        rows = evaluate(cube.plan, view)
        if cube.ask:
            return _boolean(bool(rows), request)
        truncated = len(rows) > request.max_rows
        if truncated:
            order_cut(rows, request.max_rows)  # an unordered cut keeps rows the store may not
        return _select(cube.variables, rows[: request.max_rows], truncated, request)
    except Unanswerable:
        return None


def _text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, str):
        return f"<{term}>"
    if isinstance(term, ox.Literal):
        return str(term)
    raise Unanswerable("an observation's subject in an answer")


def _select(
    variables: tuple[str, ...], rows: list[dict[str, Any]], truncated: bool, request: ProtocolQuery
) -> Answer:
    # The store's answers go through pyoxigraph's TSV reader and then its writers
    # (``graph.answer.sparql``): the same here, so both write the same bytes.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_text(row.get(v)) for v in variables) for row in rows)
    fmt = ox.QueryResultsFormat.from_media_type(request.results_type) or ox.QueryResultsFormat.JSON
    kept = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    body = kept.serialize(format=fmt) or b""
    if truncated:
        body = mark_truncated(body, fmt.media_type, request.max_rows)
    return Answer("select", fmt.media_type, body, truncated)


def _boolean(value: bool, request: ProtocolQuery) -> Answer:
    fmt = ox.QueryResultsFormat.from_media_type(request.results_type) or ox.QueryResultsFormat.JSON
    text = '{"head":{},"boolean":' + ("true" if value else "false") + "}"
    result = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
    return Answer("ask", fmt.media_type, result.serialize(format=fmt) or b"", False)
