"""Cube-shaped SPARQL answered from the view gives the store's answer; near-misses go to the store.

Each query of ``cube_corpus.CUBE`` (the benchmark's cube-shaped queries and variations) runs
twice, on the demo and on a generated province sample: over the store (``answer_query``) and
from the view (``answer_cube``). Answers are compared in full: byte for byte when the query
orders its rows (the corpus orders by keys that tie no two rows), as multisets of rows
otherwise (SPARQL leaves that order to the engine).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from graph.answer.code_lists import CodeLists
from graph.answer.cube_shape import CubeShapes, graph_is_regular
from graph.answer.cube_sparql import answer_cube, may_be_cube, recognise
from graph.answer.questions import question_prefixes
from graph.answer.sparql import Answer, ProtocolQuery, answer_query
from graph.answer.view import ObservationView, read_view
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.embedded import EmbeddedStore
from tests.graph.answer.cube_corpus import CUBE, NEAR
from tests.graph.answer.test_columnar_plans import province  # noqa: F401  (the province sample)

pytestmark = pytest.mark.slow

Demo = tuple[Platform, list[LoadReport]]
Province = tuple[Platform, ObservationView, CodeLists]


def text(platform: Platform, body: str) -> str:
    home = platform.settings.home_region
    return question_prefixes(platform.iris) + body.replace("HOME", home).replace("18.09", home)


def rows(body: bytes) -> Counter[str]:
    answer = json.loads(body)
    if "boolean" in answer:
        return Counter([str(answer["boolean"])])
    return Counter(json.dumps(b, sort_keys=True) for b in answer["results"]["bindings"])


def both(
    platform: Platform, view: ObservationView, sparql: str, **request: Any
) -> tuple[Answer, Answer | None]:
    protocol = ProtocolQuery(sparql, **{"max_rows": 10_000, **request})
    cube = recognise(sparql)
    assert cube is not None, "recognised"
    return answer_query(platform.store, platform.iris, protocol), answer_cube(view, cube, protocol)


def check_same(name: str, stored: Answer, columnar: Answer | None, *, found: bool = True) -> None:
    assert columnar is not None, f"{name}: answered from the view"
    assert rows(stored.body) or not found, f"{name}: the corpus asks for something the data has"
    assert rows(columnar.body) == rows(stored.body), name
    if "ORDER BY" in CUBE[name] or "boolean" in json.loads(stored.body):
        assert columnar.body == stored.body, name
    assert (columnar.kind, columnar.media_type, columnar.truncated) == (
        stored.kind,
        stored.media_type,
        stored.truncated,
    )


@pytest.fixture(scope="module")
def demo_view(demo: Demo) -> ObservationView:
    platform, _ = demo
    view = read_view(platform.store, platform.iris)
    assert CubeShapes().update(platform.store, platform.iris, view), "the demo has the shape"
    return view


def test_the_corpus_is_large_enough() -> None:
    assert len(CUBE) >= 15 and len(NEAR) >= 10


@pytest.mark.parametrize("name", sorted(CUBE))
def test_a_cube_query_gets_the_store_answer_on_the_demo(
    demo: Demo, demo_view: ObservationView, name: str
) -> None:
    platform, _ = demo
    stored, columnar = both(platform, demo_view, text(platform, CUBE[name]))
    check_same(name, stored, columnar)


@pytest.mark.parametrize("name", sorted(CUBE))
def test_a_cube_query_gets_the_store_answer_on_a_province_sample(province: Province, name: str) -> None:  # noqa: F811
    platform, view, _ = province
    assert CubeShapes().update(platform.store, platform.iris, view)
    stored, columnar = both(platform, view, text(platform, CUBE[name]))
    # The sample holds fewer tables than the demo: some queries find nothing there (on both paths).
    check_same(name, stored, columnar, found=False)


@pytest.mark.parametrize(
    "media_type", ["application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
def test_other_formats_and_a_cut_are_written_the_same(
    demo: Demo, demo_view: ObservationView, media_type: str
) -> None:
    platform, _ = demo
    sparql = text(platform, CUBE["join-ordered"])
    stored, columnar = both(platform, demo_view, sparql, max_rows=5, results_type=media_type)
    assert stored.truncated
    assert columnar == stored


@pytest.mark.parametrize("name", sorted(NEAR))
def test_a_near_miss_goes_to_the_store(demo: Demo, demo_view: ObservationView, name: str) -> None:
    platform, _ = demo
    sparql = text(platform, NEAR[name])
    cube = recognise(sparql)
    assert cube is None or answer_cube(demo_view, cube, ProtocolQuery(sparql, max_rows=10_000)) is None


def test_an_unordered_answer_past_the_row_cap_goes_to_the_store(
    demo: Demo, demo_view: ObservationView
) -> None:
    platform, _ = demo
    sparql = text(platform, CUBE["bench-join-desa-year"])
    cube = recognise(sparql)
    assert cube is not None
    assert answer_cube(demo_view, cube, ProtocolQuery(sparql, max_rows=10)) is None


def test_only_texts_naming_a_dimension_reach_the_parser() -> None:
    assert not may_be_cube("ASK { <urn:a> <urn:b> ?label }")
    assert not may_be_cube("SELECT * { GRAPH ?g { ?o <urn:x#refArea> ?a } }")
    assert not may_be_cube('SELECT ?o { ?o <urn:x#refArea> ?a OPTIONAL { ?o <urn:l> "refPeriod" } }')
    assert may_be_cube("SELECT ?a { ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?a }")


DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
QB = "http://purl.org/linked-data/cube#"


def observation(graph: str, name: str, areas: list[str]) -> str:
    """One observation of a measure (its dataset a cube of itself) as N-Quads."""
    o, g = f"<urn:obs:{name}>", f"<{graph}>"
    lines = [
        f"{o} <{QB}measureType> <urn:ind:x> {g} .",
        f'{o} <urn:ind:x> "4"^^<http://www.w3.org/2001/XMLSchema#integer> {g} .',
        f"{o} <{QB}dataSet> <urn:cube> {g} .",
        f"<urn:cube> <https://w3id.org/onecenter/def#cubeOf> <urn:cube> {g} .",
        f"{o} <{DIM}refPeriod> <urn:period:2023> {g} .",
    ]
    lines += [f"{o} <{DIM}refArea> <{area}> {g} ." for area in areas]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("areas", "regular"), [(["urn:a"], True), (["urn:a", "urn:b"], False), ([], False)])
def test_the_shape_check_finds_an_observation_with_two_areas_or_none(areas: list[str], regular: bool) -> None:
    store = EmbeddedStore(None)
    store.bulk_load([observation("urn:g", "one", ["urn:c"]) + observation("urn:g", "two", areas)])
    assert graph_is_regular(store, "urn:g") is regular


def test_a_text_only_rdflib_reads_goes_to_the_store() -> None:
    # rdflib binds xsd: by default; Oxigraph refuses the undeclared prefix, and so must /sparql.
    dim = "http://purl.org/linked-data/sdmx/2009/dimension#"
    body = f'{{ ?o <urn:ind:x> ?v ; <{dim}refArea> ?d FILTER(?v > "1"^^xsd:integer) }}'
    assert recognise(f"SELECT ?d ?v {body}") is None
    assert recognise(f"PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?d ?v {body}") is not None
