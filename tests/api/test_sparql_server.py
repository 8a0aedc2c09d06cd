"""``/sparql`` through a real uvicorn server on an on-disk store: real clients, real limits."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import load_settings
from tests.servers import running_server

pytestmark = pytest.mark.server

TIME_LIMIT_MS = 1500
QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# The catalogue datasets (a table's measures observed at other points have cubes of their own,
# each naming its dataset: graph.cube.measure_groups).
DATASETS = (
    "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?o <http://purl.org/linked-data/cube#dataSet>/"
    "<https://w3id.org/onecenter/def#cubeOf> ?d }"
)
# Every observation of the demo against every other, twice over: ~10^12 rows to count.
RUNAWAY = f"""
SELECT (COUNT(*) AS ?n) WHERE {{
  ?a a <{QB}Observation> . ?b a <{QB}Observation> . ?c a <{QB}Observation> .
}}"""
# In a group of its own, so that a query worker answers it, not the service's own process
# (graph.answer.bounded_sparql): the tests below are about the workers.
SIMPLE = f"ASK {{ {{ ?o a <{QB}Observation> }} }}"
# A look-up of one region's names: bounded, answered in the service's process.
SMALL = f"SELECT ?name WHERE {{ <https://data.pesawarankab.go.id/id/wilayah/18.09> <{SKOS}prefLabel> ?name }}"


@pytest.fixture(scope="module")
def disk_store(demo_on_disk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo graph in an on-disk store of this module's own (a copy of the session's)."""
    path = tmp_path_factory.mktemp("sparql-server") / "store"
    shutil.copytree(demo_on_disk, path)
    return path


@pytest.fixture(scope="module")
def server(disk_store: Path) -> Iterator[str]:
    """A real uvicorn server (in a thread, on a free port) with a short query time limit."""
    settings = load_settings(store_path=str(disk_store), query_timeout_ms=TIME_LIMIT_MS, query_workers=2)
    with running_server(create_app(settings)) as base:
        yield f"{base}/sparql"


@pytest.mark.filterwarnings(
    # SPARQLWrapper turns RDF/XML into an rdflib ConjunctiveGraph, which rdflib 7 deprecates.
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)
def test_sparqlwrapper_queries_the_endpoint_unchanged(server: str) -> None:
    client = SPARQLWrapper(server)
    client.setQuery(DATASETS)
    client.setReturnFormat(JSON)
    as_json = client.queryAndConvert()
    assert isinstance(as_json, dict)
    assert (
        as_json["results"]["bindings"][0]["n"]["value"] == "7"
    )  # six synthetic tables and the real IDM 2024 (dpmd-idm-desa)
    client.setReturnFormat(XML)  # SPARQLWrapper's default, by GET
    as_xml = client.queryAndConvert()
    assert isinstance(as_xml, Document)
    assert as_xml.getElementsByTagName("literal")[0].firstChild.data == "7"  # type: ignore[union-attr]
    client.setMethod(POST)  # form-encoded
    client.setReturnFormat(JSON)
    client.setQuery(SIMPLE)
    assert client.queryAndConvert() == {"head": {}, "boolean": True}
    client.setQuery(
        f"CONSTRUCT {{ ?r <{SKOS}prefLabel> ?l }} WHERE {{ ?r <{SKOS}notation> ?n ; <{SKOS}prefLabel> ?l . "
        "FILTER(STR(?n) = '18.09') }"
    )
    for fmt in (TURTLE, XML):
        client.setReturnFormat(fmt)
        converted = client.queryAndConvert()
        if isinstance(converted, Graph):
            graph = converted
        else:
            assert isinstance(converted, str | bytes), type(converted)
            graph = Graph().parse(data=converted, format="turtle")
        assert set(graph.objects()) == {Literal("Kabupaten Pesawaran", lang="id")}


def test_rdflib_sparqlstore_queries_the_endpoint_unchanged(
    server: str, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    store = SPARQLStore(server)
    everything = Graph(store)
    rows = list(
        everything.query(
            f"SELECT ?l WHERE {{ ?r <{SKOS}notation> ?n ; <{SKOS}prefLabel> ?l . FILTER(STR(?n) = '18.09') }}"
        )
    )
    assert [str(r[0]) for r in rows] == ["Kabupaten Pesawaran"]  # type: ignore[index]
    # A Graph named by a published graph IRI is queried with default-graph-uri.
    regions = Graph(store, identifier=URIRef(platform.iris.regions_graph))
    assert len(regions) == platform.store.count(platform.iris.regions_graph)
    kabupaten = URIRef(platform.iris.region("18.09"))
    assert Literal("Kabupaten Pesawaran", lang="id") in set(regions.objects(kabupaten, None))
    periods = Graph(store, identifier=URIRef(platform.iris.periods_graph))
    assert list(periods.triples((kabupaten, None, None))) == []


def test_runaway_query_is_stopped_within_the_limit_while_a_simple_one_is_answered(server: str) -> None:
    runaway: dict[str, object] = {}

    def run_away() -> None:
        started = time.monotonic()
        # From another client than the simple query: one client's queries take turns (api.query_slots).
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30) as client:
            response = client.get(server, params={"query": RUNAWAY})
        runaway.update(response=response, seconds=time.monotonic() - started)

    thread = threading.Thread(target=run_away)
    thread.start()
    time.sleep(0.3)  # the runaway now holds one of the two workers
    started = time.monotonic()
    simple = httpx.get(server, params={"query": SIMPLE}, timeout=30)
    simple_seconds = time.monotonic() - started
    runaway_still_running = thread.is_alive()
    thread.join(timeout=30)

    assert simple.status_code == 200 and simple.json()["boolean"] is True
    assert simple_seconds < 1.0 and runaway_still_running
    response = runaway["response"]
    assert isinstance(response, httpx.Response) and response.status_code == 503
    assert f"{TIME_LIMIT_MS} ms" in response.json()["error"]
    assert isinstance(runaway["seconds"], float) and runaway["seconds"] < TIME_LIMIT_MS / 1000 + 1.0
    # the killed worker was replaced: both workers answer again
    answers = [httpx.get(server, params={"query": SIMPLE}, timeout=30) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4


def test_a_small_query_is_answered_in_process_while_runaways_hold_every_worker(server: str) -> None:
    # Once the observation view is built: its build in this process's threads slows every request.
    deadline = time.monotonic() + 300
    while httpx.get(server.replace("/sparql", "/health")).json()["columnar_view"] != "ready":
        assert time.monotonic() < deadline, "the view was not built in time"
        time.sleep(0.5)

    def run_away(address: str) -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30) as client:
            client.get(server, params={"query": RUNAWAY})

    runaways = [threading.Thread(target=run_away, args=(a,)) for a in ("127.0.0.2", "127.0.0.3")]
    for thread in runaways:
        thread.start()
    time.sleep(0.3)  # both workers are now busy until the time limit
    # Answered before either runaway is stopped: no worker was needed (the second time on the
    # event loop itself, its bound known).
    small = [httpx.get(server, params={"query": SMALL}, timeout=30) for _ in range(2)]
    workers_still_busy = all(thread.is_alive() for thread in runaways)
    for thread in runaways:
        thread.join(timeout=30)

    assert workers_still_busy
    assert [r.headers["x-onecenter-path"] for r in small] == ["store-inline"] * 2
    names = {b["name"]["value"] for b in small[0].json()["results"]["bindings"]}
    assert "Kabupaten Pesawaran" in names
    # The same look-up in a group of its own goes to a worker: the same bytes.
    grouped = SMALL.replace("WHERE {", "WHERE { {").replace("?name }", "?name } }")
    by_worker = httpx.get(server, params={"query": grouped}, timeout=30)
    assert by_worker.headers["x-onecenter-path"] == "store"
    assert by_worker.content == small[0].content == small[1].content


def test_the_publics_known_small_query_skips_the_routing_with_the_routes_answer(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.sparql_answer import answer_now as real

    answered: list[bool] = []

    def counted(*args: object) -> object:
        found = real(*args)  # type: ignore[arg-type]
        answered.append(found is not None)
        return found

    monkeypatch.setattr("api.sparql_fast.answer_now", counted)
    # A pattern this module sends nowhere else: its count is not known yet.
    query = SMALL.replace("wilayah/18.09>", "wilayah/18.09.01>") + " ORDER BY ?name"
    accept = {"Accept": "application/sparql-results+json"}
    routed = httpx.post(server, data={"query": query}, headers=accept)
    fast_post = httpx.post(server, data={"query": query}, headers=accept)
    fast_get = httpx.get(server, params={"query": query}, headers=accept)
    body_post = httpx.post(
        server, content=query, headers={**accept, "Content-Type": "application/sparql-query"}
    )
    signed = httpx.post(server, data={"query": query}, headers={**accept, "Authorization": "Bearer nobody"})

    # The first was counted by the route (on a thread); the next three answered before it; a
    # request with a token never comes here (a signed-in reader may read more than the public).
    assert answered == [False, True, True, True]
    assert signed.status_code == 401
    same = {k: v for k, v in routed.headers.items() if k != "date"}
    for response in (fast_post, fast_get, body_post):
        assert response.content == routed.content
        assert {k: v for k, v in response.headers.items() if k != "date"} == same
    assert same["x-onecenter-path"] == "store-inline" and "content-security-policy" in same
