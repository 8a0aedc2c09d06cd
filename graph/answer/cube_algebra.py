"""What a cube-shaped query does with its pattern's solutions, as Oxigraph does it.

``graph.answer.cube_sparql`` recognises a query on rdflib's SPARQL algebra; this module
evaluates the nodes above its basic graph patterns (matched by ``graph.answer.cube_patterns``):
joins, constant filters, GROUP BY with COUNT / SUM / AVG / MIN / MAX, ORDER BY, DISTINCT,
LIMIT / OFFSET. Terms follow Oxigraph's rules (``graph.answer.columnar_terms``): SUM of
integers is an integer, else a decimal in canonical form; AVG is the sum divided by the count
with 18 fractional digits cut; MIN / MAX return the figure as published.

Where the outcome would depend on something the view cannot reproduce (the relative order of
rows tied on every ORDER BY key that a LIMIT cuts between, rows a LIMIT picks without ORDER BY,
terms of mixed kinds compared or sorted, doubles), ``Unanswerable`` sends the query to the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any

import pyoxigraph as ox

from graph.answer.columnar_terms import sparql_sum
from graph.answer.cube_patterns import OBSERVATION, Unanswerable, match
from graph.answer.view import ObservationView
from graph.rdf.namespaces import XSD

__all__ = ["KEY", "Plan", "compile_plan", "evaluate", "order_cut", "to_term"]

KEY = "\x00order"  # where a row keeps its ORDER BY key (never a variable's name)
_INTEGER = XSD + "integer"
_DECIMAL = XSD + "decimal"
_STRING = XSD + "string"
_NUMERIC = {_INTEGER, _DECIMAL}
_DIGITS = Decimal(10) ** -18

Solution = dict[str, Any]


def to_term(node: Any) -> Any:
    """An rdflib constant as this module's term: an IRI as ``str``, a literal as ``ox.Literal``."""
    from rdflib.term import Literal, URIRef

    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or _STRING)))
    raise Unanswerable(f"a constant of an unforeseen kind: {type(node).__name__}")


@dataclass
class Plan:
    """An algebra node as plain Python (rdflib's nodes are slow to read row by row): ``name``,
    its operands ``p`` / ``p2``, and what the node needs, read once (``args``)."""

    name: str
    p: Plan | None = None
    p2: Plan | None = None
    args: dict[str, Any] = field(default_factory=dict)


def compile_plan(node: Any) -> Plan:
    """``node`` (rdflib algebra whose patterns carry their ``cube_steps``) as a ``Plan``."""
    from rdflib.term import Variable

    name = node.name
    if name == "BGP":
        return Plan(name, args={"steps": node["cube_steps"]})
    if name == "Join":
        return Plan(name, compile_plan(node["p1"]), compile_plan(node["p2"]))
    inner = compile_plan(node["p"])
    if name in ("SelectQuery", "AskQuery", "ToMultiSet", "Group", "Distinct"):
        return inner if name != "Distinct" else Plan(name, inner)
    if name == "Filter":
        return Plan(name, inner, args={"test": _test(node["expr"])})
    if name == "Extend":
        return Plan(name, inner, args={"var": str(node["var"]), "get": _getter(node["expr"])})
    if name == "AggregateJoin":
        aggregates = [
            (a.name, "*" if a["vars"] == "*" else str(a["vars"]), bool(a.get("distinct")), str(a["res"]))
            for a in node["A"]
        ]
        keys = [str(v) for v in node["p"]["expr"] or []]
        return Plan(name, inner, args={"aggregates": aggregates, "keys": keys})
    if name == "Project":
        return Plan(name, inner, args={"vars": [str(v) for v in node["PV"]]})
    if name == "OrderBy":
        columns = []
        for condition in node["expr"]:
            expr = condition if isinstance(condition, Variable) else condition["expr"]
            if not isinstance(expr, Variable):
                raise Unanswerable("an ORDER BY expression")
            columns.append((str(expr), not isinstance(condition, Variable) and condition["order"] == "DESC"))
        return Plan(name, inner, args={"columns": columns})
    if name == "Slice":
        return Plan(name, inner, args={"start": node["start"] or 0, "length": node["length"]})
    raise Unanswerable(f"an algebra node the view path does not evaluate: {name}")


def evaluate(plan: Plan, view: ObservationView) -> list[Solution]:  # noqa: C901
    """The solutions of a plan, in the order the query asks for (if it asks)."""
    name, args = plan.name, plan.args
    if name == "BGP":
        return match(args["steps"], view)
    assert plan.p is not None
    rows = evaluate(plan.p, view)
    if name == "Join":
        assert plan.p2 is not None
        return _join(rows, evaluate(plan.p2, view))
    if name == "Filter":
        test = args["test"]
        return [row for row in rows if test(row) is True]
    if name == "Extend":
        var, get = args["var"], args["get"]
        for row in rows:
            value = get(row)
            if value is not None:
                row[var] = value
        return rows
    if name == "AggregateJoin":
        return _aggregate(args["aggregates"], args["keys"], rows)
    if name == "Project":
        keep = args["vars"]
        return [{**{v: row[v] for v in keep if v in row}, KEY: row.get(KEY)} for row in rows]
    if name == "Distinct":
        seen: set[tuple[Any, ...]] = set()
        unique = []
        for row in rows:
            key = _content(row)
            if key not in seen:
                seen.add(key)
                unique.append(row)
        return unique
    if name == "OrderBy":
        return _order(args["columns"], rows)
    start, length = args["start"], args["length"]  # Slice
    end = None if length is None else start + length
    order_cut(rows, start)
    if end is not None:
        order_cut(rows, end)
    return rows[start:end]


def _content(row: Solution) -> tuple[Any, ...]:
    return tuple(sorted((k, v) for k, v in row.items() if k != KEY and v is not None))


def order_cut(rows: list[Solution], at: int) -> None:
    """Raise unless cutting ``rows`` before index ``at`` keeps the rows the store would keep:
    the rows are ordered, and the rows tied with the two sides of the cut on every ORDER BY key
    (which an engine may give in any order) are all alike."""
    if at <= 0 or at >= len(rows):
        return
    key = rows[at].get(KEY)
    if key is None:
        raise Unanswerable("a cut of unordered rows")
    if rows[at - 1].get(KEY) != key:
        return
    first, last = at - 1, at
    while first > 0 and rows[first - 1].get(KEY) == key:
        first -= 1
    while last + 1 < len(rows) and rows[last + 1].get(KEY) == key:
        last += 1
    if len({_content(row) for row in rows[first : last + 1]}) > 1:
        raise Unanswerable("a cut between tied rows the engine orders as it likes")


def _join(left: list[Solution], right: list[Solution]) -> list[Solution]:
    shared = sorted(set().union(*left[:1]) & set().union(*right[:1]))
    index: dict[tuple[Any, ...], list[Solution]] = {}
    for row in right:
        index.setdefault(tuple(row[v] for v in shared), []).append(row)
    return [{**a, **b} for a in left for b in index.get(tuple(a[v] for v in shared), [])]


def _getter(expr: Any) -> Callable[[Solution], Any]:
    """A variable's value in a row, or a constant."""
    from rdflib.term import Variable

    if isinstance(expr, Variable):
        var = str(expr)
        return lambda row: row.get(var)
    if getattr(expr, "name", None) is not None:
        raise Unanswerable(f"an expression the view path does not compute: {expr.name}")
    constant = to_term(expr)
    return lambda row: constant


def _number(term: Any) -> Decimal | None:
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        return Decimal(term.value)
    return None


def _test(expr: Any) -> Callable[[Solution], bool | None]:
    """A FILTER expression as a function of a row: True, False or None (an error, which
    FILTER reads as false)."""
    name = getattr(expr, "name", None)
    if name in ("ConditionalAndExpression", "ConditionalOrExpression"):
        parts = [_test(e) for e in [expr["expr"], *expr["other"]]]
        if name == "ConditionalAndExpression":

            def both(row: Solution) -> bool | None:
                values = [part(row) for part in parts]
                return False if False in values else (None if None in values else True)

            return both

        def either(row: Solution) -> bool | None:
            values = [part(row) for part in parts]
            return True if True in values else (None if None in values else False)

        return either
    if name != "RelationalExpression" or expr["op"] not in _COMPARE:
        raise Unanswerable(f"a filter the view path does not compute: {name}")
    left, right, compare = _getter(expr["expr"]), _getter(expr["other"]), _COMPARE[expr["op"]]
    equality = expr["op"] in ("=", "!=")

    def test(row: Solution) -> bool | None:
        a, b = left(row), right(row)
        if a is None or b is None:
            return None
        x, y = _number(a), _number(b)
        if x is not None and y is not None:
            return compare(x, y)
        if isinstance(a, str) and isinstance(b, str) and equality:
            return compare(a, b)
        raise Unanswerable("a comparison of terms of other kinds")

    return test


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _aggregate(
    aggregates: list[tuple[str, Any, bool, str]], keys: list[str], rows: list[Solution]
) -> list[Solution]:
    groups: dict[tuple[Any, ...], list[Solution]] = {}
    for row in rows:
        groups.setdefault(tuple([row.get(k) for k in keys]), []).append(row)
    if not keys and not groups:
        raise Unanswerable("an aggregate over no solution at all")
    out = []
    for key, members in groups.items():
        result: Solution = {k: v for k, v in zip(keys, key, strict=True) if v is not None}
        for name, target, distinct, res in aggregates:
            if name == "Aggregate_Sample" and target in result:
                result[res] = result[target]  # a grouping variable: its one value
                continue
            value = _one_aggregate(name, target, distinct, members)
            if value is not None:
                result[res] = value
        out.append(result)
    return out


def _one_aggregate(name: str, target: Any, distinct: bool, rows: list[Solution]) -> Any:  # noqa: C901
    if name == "Aggregate_Count" and target == "*":
        if distinct:
            raise Unanswerable("COUNT(DISTINCT *)")
        return ox.Literal(str(len(rows)), datatype=ox.NamedNode(_INTEGER))
    var = str(target)
    values = [v for row in rows if (v := row.get(var)) is not None]
    if distinct:
        if any(v is OBSERVATION for v in values):
            raise Unanswerable("distinct observations")
        values = list(dict.fromkeys(values))
    if name == "Aggregate_Count":
        return ox.Literal(str(len(values)), datatype=ox.NamedNode(_INTEGER))
    if name == "Aggregate_Sample":
        if len({str(v) for v in values}) > 1:
            raise Unanswerable("SAMPLE of several values picks one by the engine's order")
        return values[0] if values else None
    if not values:
        raise Unanswerable("an aggregate of an empty group")
    found = [_number(v) for v in values]
    numbers = [n for n in found if n is not None]
    if len(numbers) != len(found):
        raise Unanswerable("an aggregate of terms that are not integers or decimals")
    if name == "Aggregate_Sum":
        return sparql_sum(values)
    if name == "Aggregate_Avg":
        with localcontext() as ctx:
            ctx.prec = 60
            total = sum(numbers, Decimal(0))
            # Oxigraph's decimals keep 18 fractional digits: its quotient is cut there.
            mean = (total / len(values)).quantize(_DIGITS, rounding=ROUND_DOWN)
        text = format(mean.normalize(), "f")
        return ox.Literal("0" if text in ("-0", "") else text, datatype=ox.NamedNode(_DECIMAL))
    if name in ("Aggregate_Min", "Aggregate_Max"):
        if len({v.datatype.value for v in values}) > 1:
            raise Unanswerable("MIN / MAX over figures of two datatypes")
        pick = min if name == "Aggregate_Min" else max
        return values[pick(range(len(values)), key=lambda i: numbers[i])]
    raise Unanswerable(f"an aggregate the view path does not compute: {name}")


def _column_key(rows: list[Solution], var: str) -> Callable[[Any], Any]:
    """How one ORDER BY column sorts: IRIs, numbers or plain strings, never a mix."""
    values = [row.get(var) for row in rows]
    if all(isinstance(v, str) for v in values):
        return lambda v: v
    if all(_number(v) is not None for v in values):
        return lambda v: Decimal(v.value)
    if all(isinstance(v, ox.Literal) and v.datatype.value == _STRING for v in values):
        return lambda v: v.value
    raise Unanswerable("an ORDER BY over terms of several kinds")


def _order(columns: list[tuple[str, bool]], rows: list[Solution]) -> list[Solution]:
    keys = [(var, _column_key(rows, var), desc) for var, desc in columns]
    for row in rows:
        row[KEY] = tuple(key(row[var]) for var, key, _ in keys)
    for position in reversed(range(len(keys))):
        rows.sort(key=lambda row: row[KEY][position], reverse=keys[position][2])
    return rows
