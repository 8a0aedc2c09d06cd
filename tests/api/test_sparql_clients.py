"""``/sparql`` as generic clients use it: the format they name, the registry's format IRIs, the row cap they can see.

SPARQLWrapper names the format it wants in ``format``, ``output`` and ``results`` fields (in
the form of a POST) besides ``Accept``; rdflib's ``SPARQLStore`` never shows a response's
headers, so a cut answer must be visible in the body or not happen at all: a real uvicorn
server, with the row cap lifted for streaming formats, answers a pattern far larger than the
cap whole to ``SPARQLStore`` and marks the cut JSON answer SPARQLWrapper gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, XML, SPARQLWrapper

from api.app import create_app
from graph.answer.service_description import SD
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import load_settings
from graph.store.versions import published_graphs
from tests.api.test_sparql_server import disk_store
from tests.servers import running_server

__all__ = ["disk_store"]  # the fixture: the demo graph in an on-disk store

REF_AREA = "http://purl.org/linked-data/sdmx/2009/dimension#refArea"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL_OF_1809 = (
    f"CONSTRUCT {{ ?r <{SKOS}prefLabel> ?l }} WHERE {{ ?r <{SKOS}notation> ?n ; <{SKOS}prefLabel> ?l . "
    "FILTER(STR(?n) = '18.09') }"
)
REF_AREAS = f"SELECT ?o ?r WHERE {{ ?o <{REF_AREA}> ?r }}"
CAP = 500


def _ref_areas(platform: Platform) -> int:
    """Observations with a region, over the published graphs, counted in the process itself."""
    graphs = published_graphs(platform.store, platform.iris)
    found = platform.store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o <{REF_AREA}> ?r }}", default_graph=graphs, named_graphs=graphs
    )
    return int(next(iter(found))["n"].value)  # type: ignore[arg-type]


# --- in the process: the fields that name a format, the service description ----------------------------


@pytest.fixture(scope="module")
def client(demo: tuple[Platform, list[LoadReport]]) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        ({"format": "json-ld"}, "application/ld+json"),
        ({"output": "json"}, "application/ld+json"),  # JSON for a graph: JSON-LD
        ({"results": "xml"}, "application/rdf+xml"),
        ({"format": ["json-ld", "application/ld+json"], "output": ["json-ld"]}, "application/ld+json"),
        ({"format": "nt"}, "application/n-triples"),
    ],
)
def test_a_form_post_names_the_format_of_a_graph(
    client: TestClient, data: dict[str, object], media_type: str
) -> None:
    response = client.post(
        "/sparql", data={"query": LABEL_OF_1809, **data}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    assert {q.object.value for q in ox.parse(response.content, format=fmt)} == {"Kabupaten Pesawaran"}


def test_form_and_url_fields_name_the_format_of_a_table(client: TestClient) -> None:
    query = "SELECT (1 AS ?x) WHERE {}"
    csv = client.post("/sparql", data={"query": query, "output": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.splitlines() == ["x", "1"]
    tsv = client.get("/sparql", params={"query": query, "output": "tsv"})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    xml = client.post("/sparql?results=xml", data={"query": query})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    unknown = client.post("/sparql", data={"query": query, "format": "xlsx"})
    assert unknown.status_code == 406 and "xlsx" in unknown.json()["error"]


def test_the_service_description_names_formats_by_the_w3c_registry(client: TestClient) -> None:
    described = ox.Store()
    described.load(
        client.get("/sparql", headers={"Accept": "text/turtle"}).content, format=ox.RdfFormat.TURTLE
    )
    formats = {r["f"].value for r in described.query(f"SELECT ?f {{ ?s <{SD}resultFormat> ?f }}")}  # type: ignore[union-attr]
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats and "http://www.w3.org/ns/formats/N3" in formats
    assert len(formats) == 9 and all(f.startswith("http://www.w3.org/ns/formats/") for f in formats)


def test_a_cut_answer_says_so_in_its_headers_and_wherever_its_format_has_room(
    demo: tuple[Platform, list[LoadReport]],
) -> None:
    platform, _ = demo
    settings = platform.settings.model_copy(update={"max_result_rows": 3})
    with TestClient(create_app(settings, platform.store)) as c:
        as_json = c.get("/sparql", params={"query": REF_AREAS})
        as_xml = c.get("/sparql", params={"query": REF_AREAS, "format": "xml"})
        as_csv = c.get("/sparql", params={"query": REF_AREAS, "format": "csv"})
        graph = f"CONSTRUCT {{ ?o <{REF_AREA}> ?r }} WHERE {{ ?o <{REF_AREA}> ?r }}"
        turtle = c.get("/sparql", params={"query": graph, "format": "turtle"})
        rdfxml = c.get("/sparql", params={"query": graph, "format": "rdfxml"})
        whole = c.get("/sparql", params={"query": "SELECT (1 AS ?x) WHERE {}"})
    for response in (as_json, as_xml, as_csv, turtle, rdfxml):
        assert (
            response.headers["x-onecenter-truncated"] == "true" and response.headers["x-truncated"] == "true"
        )
        assert response.headers["x-onecenter-row-cap"] == "3"
    answer = json.loads(as_json.content)
    assert len(answer["results"]["bindings"]) == 3 and answer["truncated"] is True
    assert "max_result_rows" in answer["head"]["warnings"][0] and answer["head"]["vars"] == ["o", "r"]
    assert b"<!-- One Center: " in as_xml.content
    assert len(list(ox.parse_query_results(as_xml.content, ox.QueryResultsFormat.XML))) == 3  # type: ignore[arg-type]
    assert (
        turtle.text.startswith("# One Center: ")
        and len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == 3
    )
    assert len(list(ox.parse(rdfxml.content, format=ox.RdfFormat.RDF_XML))) == 3
    assert whole.headers["x-onecenter-truncated"] == "false" and "warnings" not in whole.json()["head"]


# --- real clients against a real server -------------------------------------------------------


@pytest.fixture(scope="module")
def server(disk_store: Path) -> Iterator[str]:  # noqa: F811
    """A real uvicorn server, its cap at CAP rows and lifted for the streaming formats."""
    settings = load_settings(
        store_path=str(disk_store),
        query_timeout_ms=60_000,
        query_workers=1,
        max_result_rows=CAP,
        streaming_max_result_rows=1_000_000,
    )
    with running_server(create_app(settings)) as base:
        yield f"{base}/sparql"


@pytest.mark.server
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
# JSON for a CONSTRUCT: SPARQLWrapper sends Accept */* with format=json, and says so.
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
def test_sparqlwrapper_gets_the_format_it_asks_for_by_form_post(server: str) -> None:
    client = SPARQLWrapper(server)
    client.setMethod(POST)  # form-encoded: format, output and results go in the form
    client.setQuery(LABEL_OF_1809)
    for fmt, media_type in (
        (JSONLD, "application/ld+json"),
        (JSON, "application/ld+json"),
        (XML, "application/rdf+xml"),
    ):
        client.setReturnFormat(fmt)
        result = client.query()
        assert result.info()["content-type"].startswith(media_type), fmt
        graph = Graph().parse(
            data=result.response.read(), format="json-ld" if "json" in media_type else "xml"
        )
        assert {str(o) for o in graph.objects()} == {"Kabupaten Pesawaran"}, fmt
    client.setQuery("SELECT (1 AS ?x) WHERE {}")
    for fmt, media_type in (
        (CSV, "text/csv"),
        (TSV, "text/tab-separated-values"),
        (JSON, "application/sparql-results+json"),
    ):
        client.setReturnFormat(fmt)
        assert client.query().info()["content-type"].startswith(media_type), fmt


@pytest.mark.server
def test_rdflib_sparqlstore_reads_a_pattern_far_past_the_cap_whole(
    server: str, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    expected = _ref_areas(platform)
    assert expected > 10 * CAP
    everything = Graph(SPARQLStore(server))  # SPARQL XML: a streaming format, the cap lifted
    assert len(list(everything.triples((None, URIRef(REF_AREA), None)))) == expected


@pytest.mark.server
def test_a_json_client_sees_the_cut_in_the_answer_and_its_headers(server: str) -> None:
    client = SPARQLWrapper(server)
    client.setQuery(REF_AREAS)
    client.setReturnFormat(JSON)  # read whole by its clients: the cap holds
    result = client.query()
    assert result.info()["x-onecenter-truncated"] == "true" and result.info()["x-onecenter-row-cap"] == str(
        CAP
    )
    answer = result.convert()
    assert isinstance(answer, dict) and len(answer["results"]["bindings"]) == CAP
    assert answer["truncated"] is True and "max_result_rows" in answer["head"]["warnings"][0]
    client.setReturnFormat(CSV)  # streaming: whole, and says so
    whole = client.query()
    assert whole.info()["x-onecenter-truncated"] == "false"
    assert len(whole.convert().splitlines()) - 1 > 10 * CAP  # type: ignore[union-attr]
