"""``bind_values``: substitutions written as VALUES give what pyoxigraph's substitutions give."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.rdf.values_binding import bind_values
from tests.contract.test_store_contract import HOSTILE

EX = "http://example.org/"
INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture(scope="module")
def data() -> ox.Store:
    store = ox.Store()
    store.update(
        f"""PREFIX ex: <{EX}>
INSERT DATA {{ ex:a ex:p 1 ; ex:label "satu" . ex:b ex:p 2 ; ex:label "dua"@id .
  ex:c ex:q 3 . ex:a ex:knows ex:b . ex:b ex:knows ex:c }}"""
    )
    return store


def answers(result: object) -> list[tuple[str | None, ...]]:
    if isinstance(result, ox.QueryBoolean):
        return [(str(bool(result)),)]
    if isinstance(result, ox.QueryTriples):
        return sorted((str(t),) for t in result)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple(None if (t := s[n]) is None else str(t) for n in names) for s in result)


B = ox.NamedNode(EX + "b")
CASES = [
    ("SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": B}),
    ("SELECT $s ?o { $s ?p ?o }", {"s": B}),
    ("SELECT * WHERE { ?s ?p ?o }", {"o": ox.Literal("2", datatype=INT)}),
    ("SELECT ?s ?n WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }", {"s": B}),
    ("SELECT ?s WHERE { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1 }", {"s": B}),
    ("SELECT ?s ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } }", {"s": B}),
    (
        "SELECT ?x ?y WHERE { { SELECT ?x ?y WHERE { { SELECT ?x WHERE { ?x ?p ?o } } ?x ?k ?y } } }",
        {"x": ox.NamedNode(EX + "a")},
    ),
    (
        "SELECT ?x WHERE { { SELECT ?y WHERE { { SELECT ?x ?y WHERE { ?x ?k ?y } } } } BIND(?y AS ?x2) }",
        {"x": ox.NamedNode(EX + "a")},
    ),
    ("SELECT ?s ?l WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/label> ?l } }", {"l": ox.Literal("z")}),
    (
        "SELECT ?s ?m WHERE { ?s <http://example.org/p> ?o FILTER(?o > ?m) }",
        {"m": ox.Literal("1", datatype=INT)},
    ),
    ("SELECT ?s WHERE { { ?s ?p 1 } UNION { ?s ?p 3 } }", {"s": ox.NamedNode(EX + "c")}),
    ("SELECT ?s WHERE { ?s ?p ?o MINUS { ?s <http://example.org/q> ?z } }", {"s": ox.NamedNode(EX + "c")}),
    ('SELECT ?s ?t WHERE { ?s ?p "{ }" } # } {', {"t": B}),
    ("SELECT ?s ?l WHERE { ?s <http://example.org/label> ?l }", {"l": ox.Literal("dua", language="id")}),
    ("ASK { ?s <http://example.org/knows> ?o }", {"o": ox.NamedNode(EX + "c")}),
    ("ASK WHERE { ?s <http://example.org/knows> ?o }", {"o": ox.NamedNode(EX + "a")}),
    ("CONSTRUCT { ?s <http://example.org/seen> ?o } WHERE { ?s ?p ?o }", {"s": B}),
    ("DESCRIBE ?s WHERE { ?s ?p ?o }", {"s": B}),
]


@pytest.mark.parametrize(("sparql", "subs"), CASES)
def test_values_answer_like_pyoxigraph_substitutions(
    data: ox.Store, sparql: str, subs: dict[str, ox.NamedNode | ox.Literal]
) -> None:
    expected = data.query(sparql, substitutions={ox.Variable(k): v for k, v in subs.items()})
    assert answers(data.query(bind_values(sparql, subs))) == answers(expected)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_stays_one_literal_even_if_the_server_decodes_escapes_first(
    data: ox.Store, value: str
) -> None:
    text = bind_values("SELECT ?s ?l WHERE { ?s ?p ?l }", {"l": ox.Literal(value)})
    # SPARQL allows \\uXXXX escapes anywhere, decoded before parsing by some servers.
    decoded = re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), text)
    for candidate in (text, decoded):
        try:
            result = data.query(candidate)
        except SyntaxError:
            continue  # refused outright: nothing leaked either
        assert answers(result) == []  # no such label: the value never became query text


def test_a_group_that_is_only_a_sub_select_gets_its_own_braces() -> None:
    text = bind_values("SELECT ?s WHERE { SELECT ?s WHERE { ?s ?p ?o } }", {"s": B})
    assert text == (
        f"SELECT ?s WHERE {{ VALUES (?s) {{ (<{EX}b>) }} {{ SELECT ?s WHERE {{ VALUES (?s) "
        f"{{ (<{EX}b>) }} ?s ?p ?o }} }} }}"
    )


def test_a_variable_bound_by_an_expression_is_not_a_projection() -> None:
    with pytest.raises(QueryError, match=r"\?n"):
        bind_values("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"n": ox.Literal("1")})


def test_construct_where_cannot_take_values() -> None:
    with pytest.raises(QueryError, match="CONSTRUCT WHERE"):
        bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": B})


def test_unbalanced_braces_are_a_query_error() -> None:
    with pytest.raises(QueryError, match="invalid query"):
        bind_values("SELECT ?s WHERE { ?s ?p ?o ", {"s": B})


def test_only_iris_and_literals_can_be_bound() -> None:
    with pytest.raises(QueryError, match="only IRIs and literals"):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": ox.BlankNode("x")})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s } ; DROP ALL": B})
