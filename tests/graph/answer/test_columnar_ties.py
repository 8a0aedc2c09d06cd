"""A plan whose ORDER BY leaves different rows tied declines, and the SPARQL answers (issue 23):
Oxigraph's order of ties is its own, so a plan cannot promise the same rows there."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from graph.answer.answers import run_question
from graph.answer.code_lists import read_code_lists
from graph.answer.columnar_terms import Undetermined, ensure_determined
from graph.answer.questions import load_catalogue
from graph.answer.view import read_view
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.settings import load_settings
from graph.store.embedded import EmbeddedStore
from tests.conftest import nquads_of

pytestmark = pytest.mark.slow

QB, SDMX, SKOS, DCTERMS = (PREFIXES[p] for p in ("qb", "sdmx-dimension", "skos", "dcterms"))
_ONE = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_rows_tied_on_the_order_but_different_are_undetermined() -> None:
    tied = [{"k": _ONE, "v": ox.Literal("a")}, {"k": _ONE, "v": ox.Literal("b")}]
    with pytest.raises(Undetermined):
        ensure_determined(tied, ("k",), ["k", "v"])
    ensure_determined(tied[:1] * 2, ("k",), ["k", "v"])  # the same row twice: any order is it
    ensure_determined([tied[0], {**tied[1], "k": None}], ("k",), ["k", "v"])  # keys differ


@pytest.fixture()
def store(demo: tuple[Platform, list[LoadReport]]) -> Iterator[EmbeddedStore]:
    """A copy of the demo in memory (this test changes it; on disk its SPARQL took ~10x longer)."""
    opened = EmbeddedStore(None)
    opened.bulk_load([nquads_of(demo[0].store)])
    yield opened
    opened.close()


def _add_second_name(store: EmbeddedStore, pattern: str, predicate: str, name: str) -> None:
    """Give the first ``?s`` matching the pattern a second name, in the graph holding its first."""
    graphs = store.named_graphs()
    found = store.query(
        f"SELECT ?g ?s WHERE {{ {pattern} GRAPH ?g {{ ?s <{predicate}> ?n }} }} LIMIT 1",
        default_graph=graphs,
        named_graphs=graphs,
    )
    assert isinstance(found, ox.QuerySolutions)
    (solution,) = list(found)
    store.update(
        f"INSERT DATA {{ GRAPH <{solution['g'].value}> {{ <{solution['s'].value}> <{predicate}> {name} }} }}"
    )


def test_a_second_name_ties_rows_and_the_sparql_answers(store: EmbeddedStore) -> None:
    settings = load_settings(store_path=":memory:")
    iris = Iris(settings.base_iri)
    catalogue = load_catalogue(settings.resolve("questions"))
    lists = read_code_lists(store, iris, settings.home_region)
    count, coverage = catalogue.questions["category-count"], catalogue.questions["agency-coverage"]
    view = read_view(store, iris)
    before = [run_question(store, iris, q, {}, lists, max_rows=10_000, view=view) for q in (count, coverage)]
    assert [a.engine for a in before] == ["columnar", "columnar"] and all(len(a.rows) > 10 for a in before)
    # A kecamatan with a second name, and a dataset with a second Indonesian title: rows that
    # differ only there tie on the ORDER BY.
    categorical = (
        f"?o <{QB}measureType> ?i ; <{SDMX}refArea> ?d ; <{SDMX}refPeriod> ?p . "
        f'?p <{OC}year> ?y . FILTER(str(?y) = "2024") '  # the question's default year
        f"?i <{QB}codeList> ?list . ?d <{SKOS}broader> ?s ."
    )
    _add_second_name(store, categorical, SKOS + "prefLabel", '"Nama Kedua"')
    published = f"?o <{QB}dataSet>/<{OC}cubeOf> ?s . ?s <{DCTERMS}publisher> ?agency ."
    _add_second_name(store, published, DCTERMS + "title", '"Judul Kedua"@id')
    view = read_view(store, iris)
    for question in (count, coverage):
        by_sparql = run_question(store, iris, question, {}, lists, max_rows=10_000)
        declined = run_question(store, iris, question, {}, lists, max_rows=10_000, view=view)
        assert declined.engine == "sparql" and declined.rows == by_sparql.rows, question.id
