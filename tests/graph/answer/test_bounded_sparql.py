"""Small queries answered in the service's process: only when their work is bounded, with the
bytes and errors a query worker gives, and never over a graph the reader may not read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.answer.bounded_sparql import BUDGET, MAX_CHARS, answer_small, shape, within_budget
from graph.answer.runners import run_here
from graph.answer.sparql import ProtocolQuery, answer_request
from graph.errors import ParameterError
from graph.rdf.iris import Iris
from graph.settings import load_settings
from graph.store.embedded import EmbeddedStore

IRIS = Iris(load_settings(store_path=":memory:").base_iri)

PUBLIC = "urn:graph:public"
DRAFT = "urn:graph:draft"
PREFIX = "PREFIX ex: <urn:ex:>\n"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """300 labelled things of 30 kinds in a published graph; a draft graph with a secret of its own."""
    store = EmbeddedStore(tmp_path_factory.mktemp("bounded") / "store")
    public = "".join(
        f'<urn:ex:s{i}> <urn:ex:label> "thing {i}"@id <{PUBLIC}> .\n'
        f"<urn:ex:s{i}> <urn:ex:kind> <urn:ex:k{i % 30}> <{PUBLIC}> .\n"
        for i in range(300)
    )
    draft = f'<urn:ex:s1> <urn:ex:secret> "draft only" <{DRAFT}> .\n'
    store.bulk_load([public + draft])
    store.flush()
    yield store
    store.close()


def request(sparql: str, **fields: object) -> ProtocolQuery:
    values: dict[str, object] = {"max_rows": 1000, "published": (PUBLIC,), **fields}
    return ProtocolQuery(PREFIX + sparql, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sparql",
    [
        "ASK { ex:s1 ex:label ?l }",
        'SELECT ?s ?l WHERE { ?s ex:label ?l FILTER(CONTAINS(STR(?l), "1")) } ORDER BY ?s LIMIT 5',
        "SELECT ?s WHERE { ?s ex:kind ex:k1 ; ex:label ?l . }",
        'SELECT * { ?s ex:label "thing 1"@id , "x"@id FILTER(?s != ex:s2) ?s a ?t }',
    ],
)
def test_plain_patterns_and_filters_have_a_shape(sparql: str) -> None:
    assert shape(PREFIX + sparql) is not None


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * { ?s ex:label ?l OPTIONAL { ?s ex:kind ?k } }",
        "SELECT * { { ?s ex:label ?l } UNION { ?s ex:kind ?k } }",
        "SELECT * { GRAPH ?g { ?s ex:label ?l } }",
        "SELECT * FROM <urn:graph:draft> { ?s ?p ?o }",
        "SELECT * { ?s ex:kind/ex:label ?l }",
        "SELECT * { ?s ex:kind* ?k }",
        "SELECT * { ?s ex:label ?l BIND(1 AS ?one) }",
        "SELECT * { ?s ex:label ?l } VALUES ?s { ex:s1 }",
        "SELECT * { ?s ex:label ?l FILTER EXISTS { ?s ex:kind ?k } }",
        "SELECT * { ?s ex:n 1 }",
        "SELECT * { ?s ex:kind [ ex:label ?l ] }",
        "SELECT * { ?s ?p ?s }",
        "SELECT * { _:b ex:kind _:b }",
        "SELECT * { ?s ex:label ?l { SELECT ?s { ?s ex:kind ?k } } }",
        "SELECT * { ?a ex:kind ?b . ?b ex:kind ?c . ?c ex:kind ?d . ?d ex:kind ?e . ?e ex:kind ?f }",
        "CONSTRUCT { ?s ex:label ?l } WHERE { ?s ex:label ?l }",
        "SELECT * { ?s ex:label ?l FILTER(" + "(" * 150 + "true" + ")" * 150 + ") }",
        "SELECT * { ?s ex:label ?l } # " + "x" * MAX_CHARS,
    ],
)
def test_other_shapes_are_left_to_the_workers(sparql: str) -> None:
    assert shape(PREFIX + sparql) is None


def test_the_budget_bounds_the_product_of_the_patterns_matches(store: EmbeddedStore) -> None:
    dataset = ([PUBLIC], [PUBLIC])
    labels = shape(PREFIX + "SELECT * { ?s ex:label ?l }")
    assert labels is not None
    assert within_budget(store, labels, dataset, "g1") == 300
    assert within_budget(store, labels, dataset, "g1", budget=299) is None
    join = shape(PREFIX + "SELECT * { ?s ex:kind ex:k1 . ?t ex:label ?l }")  # 10 x 300, no shared variable
    assert join is not None
    assert within_budget(store, join, dataset, "g1") == 3_000
    cross = shape(PREFIX + "SELECT * { ?s ex:label ?l . ?t ex:label ?m }")  # 300 x 300
    assert cross is not None and BUDGET < 300 * 300
    assert within_budget(store, cross, dataset, "g1") is None
    runaway = shape(RUNAWAY)
    assert runaway is not None and within_budget(store, runaway, dataset, "g1") is None


def test_without_counting_only_counted_patterns_pass(store: EmbeddedStore) -> None:
    found = shape(PREFIX + "SELECT * { ?s ex:kind ex:k2 }")
    assert found is not None
    assert within_budget(store, found, ([PUBLIC], [PUBLIC]), "g2", count=False) is None
    assert within_budget(store, found, ([PUBLIC], [PUBLIC]), "g2") == 10
    assert within_budget(store, found, ([PUBLIC], [PUBLIC]), "g2", count=False) == 10
    assert within_budget(store, found, ([PUBLIC], [PUBLIC]), "g3", count=False) is None  # next publication


@pytest.mark.parametrize(
    ("sparql", "fields"),
    [
        ("ASK { ex:s1 ex:label ?l }", {}),
        ("ASK { ex:s1 ex:label ?l }", {"results_type": "application/sparql-results+xml"}),
        ('SELECT ?s ?l WHERE { ?s ex:label ?l FILTER(STRENDS(STR(?l), "7")) } ORDER BY ?s', {}),
        ("SELECT ?s ?l WHERE { ?s ex:kind ex:k0 ; ex:label ?l } ORDER BY ?l", {"results_type": "text/csv"}),
        ("SELECT ?s WHERE { ?s ex:label ?l } ORDER BY ?s", {"max_rows": 10}),  # cut at the cap
        ("SELECT ?s WHERE { ?s ex:label ?l } ORDER BY ?s", {"default_graphs": (PUBLIC,)}),
    ],
)
def test_a_small_answer_is_the_workers_answer(
    store: EmbeddedStore, sparql: str, fields: dict[str, object]
) -> None:
    asked = request(sparql, **fields)
    small = answer_small(store, asked, "g4")
    assert small is not None
    assert small == answer_request(run_here(store), IRIS, asked)


def test_a_graph_the_reader_may_not_read_stays_unread(store: EmbeddedStore) -> None:
    secret = "ASK { ex:s1 ex:secret ?x }"
    small = answer_small(store, request(secret), "g5")
    assert small is not None and b"false" in small.body
    assert (
        answer_small(store, request(secret, default_graphs=(DRAFT,)), "g5") is None
    )  # the worker refuses it
    everything = request(secret, published=(PUBLIC, DRAFT))
    answer = answer_small(store, everything, "g5")
    assert answer is not None and b"true" in answer.body  # the same query, for a reader of both


def test_a_syntax_error_names_its_place_as_the_workers_path_does(store: EmbeddedStore) -> None:
    broken = request('SELECT ?s WHERE { ?s ex:label ?l FILTER(CONTAINS(?l "x")) }')
    with pytest.raises(ParameterError) as small:
        answer_small(store, broken, "g6")
    with pytest.raises(ParameterError) as worker:
        answer_request(run_here(store), IRIS, broken)
    assert small.value.problems == worker.value.problems


def test_an_unknown_prefix_is_left_to_the_workers(store: EmbeddedStore) -> None:
    assert (
        answer_small(store, ProtocolQuery("ASK { nope:s1 ex:label ?l }", 10, published=(PUBLIC,)), "g7")
        is None
    )
