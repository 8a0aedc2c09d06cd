"""Cube-shaped SPARQL answered from the view gives the store's answer; near-misses go to the store.

Each query of the corpus runs twice on the demo graph: over the store (``answer_query``) and
over the view's slice (``answer_slice``); the answers are compared in full (byte for byte
when the query orders its rows, as multisets of rows otherwise).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from graph.answer.cube_sparql import (
    CubeSlice,
    answer_slice,
    recognise,
    slice_triples,
    view_is_complete,
)
from graph.answer.sparql import ProtocolQuery, answer_query
from graph.answer.view import ObservationView, read_view
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.iris import Iris

pytestmark = pytest.mark.slow

Demo = tuple[Platform, list[LoadReport]]


def prefixes(iris: Iris) -> str:
    return f"""PREFIX dim: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX ind: <{iris.indicator("")}>
PREFIX per: <{iris.period("")}>
PREFIX wil: <{iris.region("")}>
"""


# Queries the view answers: joins of two indicators, sums by kecamatan, one region's figures.
CUBE = {
    "join-every-year": """SELECT ?desa ?year ?pkh ?bpnt WHERE {
  ?a ind:kpm-pkh ?pkh ; dim:refArea ?desa ; dim:refPeriod ?year .
  ?b ind:kpm-bpnt ?bpnt ; dim:refArea ?desa ; dim:refPeriod ?year .
}""",
    "sum-by-kecamatan": """SELECT ?kec (SUM(?v) AS ?total) (COUNT(*) AS ?n) WHERE {
  ?o ind:kpm-pkh ?v ; dim:refArea ?desa ; dim:refPeriod per:2023 .
  ?desa skos:broader ?kec .
} GROUP BY ?kec ORDER BY ?kec""",
    "avg-by-kecamatan-and-year": """SELECT ?kec ?label ?year (AVG(?v) AS ?mean) WHERE {
  [] ind:prevalensi-stunting ?v ; dim:refArea ?desa ; dim:refPeriod ?year .
  ?desa skos:broader ?kec . ?kec skos:prefLabel ?label .
} GROUP BY ?kec ?label ?year ORDER BY DESC(?mean) ?kec ?year""",
    "filtered-with-label": """SELECT ?name ?v WHERE {
  ?o ind:balita-ditimbang ?v ; dim:refArea ?desa ; dim:refPeriod per:2022 .
  ?desa skos:prefLabel ?name . FILTER(?v > 50)
} ORDER BY DESC(?v) ?name LIMIT 7""",
    "distinct-count": """SELECT (COUNT(DISTINCT ?desa) AS ?desa_n) (SUM(?v) AS ?s) WHERE {
  ?o ind:jumlah-murid ?v ; dim:refArea ?desa }""",
    "ratio-bind": """SELECT ?desa ?ratio WHERE {
  ?a ind:balita-stunting ?s ; dim:refArea ?desa ; dim:refPeriod ?y .
  ?b ind:balita-ditimbang ?t ; dim:refArea ?desa ; dim:refPeriod ?y .
  BIND(IF(?t > 0, ?s / ?t, 0) AS ?ratio)
} ORDER BY DESC(?ratio) ?desa LIMIT 20""",
    "group-concat": """SELECT ?kec (GROUP_CONCAT(STR(?v); separator="|") AS ?all) WHERE {
  ?o ind:luas-wilayah ?v ; dim:refArea ?kec .
} GROUP BY ?kec ORDER BY ?kec""",
}

# Near-misses: close to a cube shape, but reading what the view does not hold.
NEAR = {
    "projects-observation": "SELECT * WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d }",
    "observation-in-filter": "SELECT ?v WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d FILTER(isIRI(?o)) }",
    "variable-indicator": "SELECT ?i ?v WHERE { ?o ?i ?v ; dim:refArea ?d }",
    "path": "SELECT ?k ?v WHERE { ?o ind:kpm-pkh ?v ; dim:refArea/skos:broader ?k }",
    "graph": "SELECT ?v WHERE { GRAPH ?g { ?o ind:kpm-pkh ?v ; dim:refArea ?d } }",
    "other-predicate": "SELECT ?v ?t WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d ; a ?t }",
    "unanchored-label": "SELECT ?l WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d . ?x skos:prefLabel ?l }",
    "grandparent": """SELECT ?kab WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d .
  ?d skos:broader ?k . ?k skos:broader ?kab }""",
    "coded-indicator": "SELECT ?s WHERE { ?o ind:status-idm ?s ; dim:refArea ?d }",
    "random": "SELECT ?v (RAND() AS ?r) WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d }",
    "from": "SELECT ?v FROM <urn:x> WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d }",
    "no-dimension": "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } LIMIT 3",
    "optional-label": """SELECT ?k ?l WHERE { ?o ind:kpm-pkh ?v ; dim:refArea ?d .
  ?d skos:broader ?k OPTIONAL { ?k skos:prefLabel ?l } }""",
}


@pytest.fixture(scope="module")
def view(demo: Demo) -> ObservationView:
    platform, _ = demo
    return read_view(platform.store, platform.iris)


def rows(body: bytes) -> Counter[str]:
    answer = json.loads(body)
    if "boolean" in answer:
        return Counter([str(answer["boolean"])])
    return Counter(json.dumps(b, sort_keys=True) for b in answer["results"]["bindings"])


def test_the_demo_has_the_shape_a_slice_needs(demo: Demo) -> None:
    platform, _ = demo
    assert view_is_complete(platform.store, platform.iris)


@pytest.mark.parametrize("name", sorted(CUBE))
def test_a_cube_query_gets_the_store_answer_from_the_view(
    demo: Demo, view: ObservationView, name: str
) -> None:
    platform, _ = demo
    request = ProtocolQuery(prefixes(platform.iris) + CUBE[name], max_rows=10_000)
    cube = recognise(request.sparql, view)
    assert isinstance(cube, CubeSlice), name
    stored = answer_query(platform.store, platform.iris, request)
    sliced = answer_slice(platform.store, slice_triples(view, cube), request)
    assert rows(stored.body), f"{name}: the corpus asks for something the demo has"
    assert rows(sliced.body) == rows(stored.body)
    if "ORDER BY" in CUBE[name] or "boolean" in json.loads(stored.body):
        assert sliced.body == stored.body
    assert (sliced.kind, sliced.media_type, sliced.truncated) == (
        stored.kind,
        stored.media_type,
        stored.truncated,
    )


@pytest.mark.parametrize(
    "media_type", ["application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
def test_the_other_formats_are_written_the_same(demo: Demo, view: ObservationView, media_type: str) -> None:
    platform, _ = demo
    sparql = prefixes(platform.iris) + CUBE["avg-by-kecamatan-and-year"]
    request = ProtocolQuery(sparql, max_rows=5, results_type=media_type)
    cube = recognise(sparql, view)
    assert cube is not None
    stored = answer_query(platform.store, platform.iris, request)
    assert stored.truncated
    assert answer_slice(platform.store, slice_triples(view, cube), request) == stored


@pytest.mark.parametrize("name", sorted(NEAR))
def test_a_near_miss_goes_to_the_store(demo: Demo, view: ObservationView, name: str) -> None:
    platform, _ = demo
    assert recognise(prefixes(platform.iris) + NEAR[name], view) is None
