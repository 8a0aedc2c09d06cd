"""The SPARQL 1.1 Protocol at ``/sparql``, in process: formats, datasets, description, errors."""

from __future__ import annotations

import csv
import gc
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.settings import Settings, load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.versions import published_datasets, published_graphs

QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"

# Kabupaten Pesawaran and its kecamatan: a small answer with literals and IRIs.
KECAMATAN = f"""
PREFIX skos: <{SKOS}>
SELECT ?k ?label WHERE {{
  ?k skos:broader ?kab ; skos:prefLabel ?label .
  ?kab skos:notation '18.09'^^<https://w3id.org/onecenter/def#KemendagriCode> .
}} ORDER BY ?label
"""
KECAMATAN_GRAPH = f"""
PREFIX skos: <{SKOS}>
CONSTRUCT {{ ?k skos:prefLabel ?label ; skos:broader ?kab }} WHERE {{
  ?k skos:broader ?kab ; skos:prefLabel ?label .
  ?kab skos:notation '18.09'^^<https://w3id.org/onecenter/def#KemendagriCode> .
}}
"""
TURTLE = "text/turtle; charset=utf-8"
COUNT_OBSERVATIONS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o a <{QB}Observation> }}"


@pytest.fixture(scope="module")
def client(demo: tuple[Platform, list[LoadReport]]) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c


def _solutions(body: bytes, fmt: ox.QueryResultsFormat) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    parsed = ox.parse_query_results(body, fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in parsed]


def _count(client: TestClient, query: str, **params: str | list[str]) -> int:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- result formats -------------------------------------------------------------------------


def test_select_answers_the_same_rows_in_json_xml_tsv_and_csv(client: TestClient) -> None:
    def get(accept: str) -> tuple[str, bytes]:
        response = client.get("/sparql", params={"query": KECAMATAN}, headers={"accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["x-truncated"] == "false"
        assert "Accept" in response.headers["vary"]
        return response.headers["content-type"], response.content

    kind, body = get("application/sparql-results+json")
    assert kind == "application/sparql-results+json"
    rows = _solutions(body, ox.QueryResultsFormat.JSON)
    assert len(rows) >= 10 and {"k", "label"} <= set(rows[0])
    kind, body = get("application/sparql-results+xml")
    assert kind == "application/sparql-results+xml"
    assert ET.fromstring(body).tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    assert _solutions(body, ox.QueryResultsFormat.XML) == rows
    kind, body = get("text/tab-separated-values")
    assert kind == "text/tab-separated-values; charset=utf-8"
    assert _solutions(body, ox.QueryResultsFormat.TSV) == rows
    kind, body = get("text/csv")
    assert kind == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert table[0] == ["k", "label"]
    assert [r[1] for r in table[1:]] == [r["label"].value for r in rows]


def test_ask_answers_in_json_and_xml(client: TestClient) -> None:
    query = f"ASK {{ ?o a <{QB}Observation> }}"
    as_json = client.get("/sparql", params={"query": query}).json()
    assert as_json == {"head": {}, "boolean": True}
    as_xml = client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"}
    )
    parsed = ox.parse_query_results(as_xml.content, ox.QueryResultsFormat.XML)
    assert isinstance(parsed, ox.QueryBoolean) and bool(parsed) is True


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("text/n3", ox.RdfFormat.N3),
    ],
)
def test_construct_answers_the_same_triples_in_every_rdf_format(
    client: TestClient, accept: str, fmt: ox.RdfFormat
) -> None:
    reference = client.get(
        "/sparql", params={"query": KECAMATAN_GRAPH}, headers={"accept": "application/n-triples"}
    )
    expected = set(ox.parse(reference.content, ox.RdfFormat.N_TRIPLES))
    assert len(expected) >= 20
    response = client.get("/sparql", params={"query": KECAMATAN_GRAPH}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == fmt.media_type
    assert set(ox.parse(response.content, fmt)) == expected


def test_describe_answers_rdf(client: TestClient, demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    region = platform.iris.region("18.09")
    response = client.get("/sparql", params={"query": f"DESCRIBE <{region}>"})
    assert response.headers["content-type"].startswith("text/turtle")
    subjects = {t.subject for t in ox.parse(response.content, ox.RdfFormat.TURTLE)}
    assert subjects == {ox.NamedNode(region)}


@pytest.mark.parametrize(
    ("accept", "select_type", "construct_type"),
    [
        ("*/*", "application/sparql-results+json", TURTLE),
        ("text/*", "text/csv; charset=utf-8", TURTLE),
        (
            "application/sparql-results+json;q=0, application/rdf+xml;q=0.5, */*;q=0.1",
            "application/sparql-results+xml",
            "application/rdf+xml",
        ),
        (  # a browser
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/sparql-results+json",
            TURTLE,
        ),
        ("application/json", "application/sparql-results+json", None),
        ("application/x-turtle", None, TURTLE),
    ],
)
def test_accept_is_negotiated_with_q_values_and_wildcards(
    client: TestClient, accept: str, select_type: str | None, construct_type: str | None
) -> None:
    select = client.get("/sparql", params={"query": KECAMATAN}, headers={"accept": accept})
    construct = client.get("/sparql", params={"query": KECAMATAN_GRAPH}, headers={"accept": accept})
    for response, expected in ((select, select_type), (construct, construct_type)):
        if expected is None:
            assert response.status_code == 406
        else:
            assert response.status_code == 200 and response.headers["content-type"] == expected


def test_nothing_acceptable_gets_406_listing_the_offered_types(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": KECAMATAN}, headers={"accept": "image/png"})
    assert response.status_code == 406
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"} and body["status"] == 406
    offered = {e["media_type"] for e in body["errors"]}
    assert {"application/sparql-results+json", "text/csv", "text/tab-separated-values"} <= offered
    assert "text/tab-separated-values" in body["error"]
    graph = client.get("/sparql", params={"query": KECAMATAN_GRAPH}, headers={"accept": "text/csv"})
    assert graph.status_code == 406
    assert {"text/turtle", "application/ld+json"} <= {e["media_type"] for e in graph.json()["errors"]}


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    json_accept = {"accept": "application/sparql-results+json"}
    as_csv = client.get("/sparql", params={"query": KECAMATAN, "format": "csv"}, headers=json_accept)
    assert as_csv.headers["content-type"].startswith("text/csv")
    # SPARQLWrapper sends a name and a media type for TSV
    as_tsv = client.get(
        "/sparql", params={"query": KECAMATAN, "format": ["tsv", "text/tab-separated-values"]}
    )
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    # "xml" means RDF/XML for a graph, SPARQL XML for a table
    rdf = client.get("/sparql", params={"query": KECAMATAN_GRAPH, "format": "xml"})
    assert rdf.headers["content-type"] == "application/rdf+xml"
    table = client.get("/sparql", params={"query": KECAMATAN, "format": "xml"})
    assert table.headers["content-type"] == "application/sparql-results+xml"
    unknown = client.get("/sparql", params={"query": KECAMATAN, "format": "xlsx"})
    assert unknown.status_code == 406 and "xlsx" in unknown.json()["error"]


# --- the row cap ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
def test_row_cap_is_reported_in_the_header_for_every_format(
    demo: tuple[Platform, list[LoadReport]], accept: str
) -> None:
    platform, _ = demo
    settings = platform.settings.model_copy(update={"max_result_rows": 3})
    with TestClient(create_app(settings, platform.store)) as c:
        response = c.get("/sparql", params={"query": KECAMATAN}, headers={"accept": accept})
    assert response.headers["x-truncated"] == "true"
    if accept == "text/csv":
        assert len(response.text.splitlines()) == 1 + 3
    else:
        fmt = ox.QueryResultsFormat.from_media_type(accept)
        assert fmt is not None and len(_solutions(response.content, fmt)) == 3


def test_row_cap_cuts_construct_triples(demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    settings = platform.settings.model_copy(update={"max_result_rows": 4})
    with TestClient(create_app(settings, platform.store)) as c:
        response = c.get("/sparql", params={"query": KECAMATAN_GRAPH, "format": "nt"})
        whole = c.get("/sparql", params={"query": "CONSTRUCT { <urn:a> <urn:b> 1 } WHERE {}"})
    assert response.headers["x-truncated"] == "true"
    assert len(list(ox.parse(response.content, ox.RdfFormat.N_TRIPLES))) == 4
    assert whole.headers["x-truncated"] == "false"


# --- the dataset: default-graph-uri, named-graph-uri, FROM ----------------------------------


def test_default_graph_uri_makes_the_default_graph(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    dataset_graph = sorted(published_datasets(platform.store, platform.iris).values())[0]
    everything = _count(client, COUNT_OBSERVATIONS)
    only_regions = _count(client, COUNT_OBSERVATIONS, **{"default-graph-uri": platform.iris.regions_graph})
    one_dataset = _count(client, COUNT_OBSERVATIONS, **{"default-graph-uri": dataset_graph})
    assert only_regions == 0 and 0 < one_dataset < everything
    both = _count(
        client, COUNT_OBSERVATIONS, **{"default-graph-uri": [platform.iris.regions_graph, dataset_graph]}
    )
    assert both == one_dataset
    # the protocol's dataset wins over the query's own FROM
    overridden = _count(
        client,
        f"SELECT (COUNT(*) AS ?n) FROM <{dataset_graph}> WHERE {{ ?o a <{QB}Observation> }}",
        **{"default-graph-uri": platform.iris.regions_graph},
    )
    assert overridden == 0


def test_named_graph_uri_limits_graph_patterns(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    iris = platform.iris
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"

    def graphs(**params: str | list[str]) -> list[str]:
        response = client.get("/sparql", params={"query": query, **params})
        return [b["g"]["value"] for b in response.json()["results"]["bindings"]]

    assert graphs(**{"named-graph-uri": [iris.regions_graph, iris.periods_graph]}) == sorted(
        [iris.periods_graph, iris.regions_graph]
    )
    # a default graph alone leaves no named graphs (SPARQL 1.1 Protocol 2.1.4)
    assert graphs(**{"default-graph-uri": iris.regions_graph}) == []
    # and a named graph alone leaves the default graph empty
    assert _count(client, COUNT_OBSERVATIONS, **{"named-graph-uri": iris.regions_graph}) == 0
    assert set(graphs()) <= set(published_graphs(platform.store, iris))


def test_the_querys_own_from_clauses_choose_the_dataset(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    iris = platform.iris
    from_regions = f"PREFIX g: <{iris.base}graph/>\nSELECT (COUNT(*) AS ?n) FROM g:wilayah WHERE {{ ?o a <{QB}Observation> }}"
    assert _count(client, from_regions) == 0
    from_named = (
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{iris.regions_graph}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert _count(client, from_named) == 1
    # FROM NAMED alone leaves the default graph empty
    only_named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{iris.regions_graph}> WHERE {{ ?s ?p ?o }}"
    assert _count(client, only_named) == 0


@pytest.fixture
def secret_store() -> Iterator[tuple[EmbeddedStore, Settings]]:
    """An in-memory store with public region data and an unpublished draft graph."""
    settings = load_settings(store_path=":memory:")
    iris = Iris(settings.base_iri)
    store = EmbeddedStore(None)
    store.bulk_load(
        [
            f'<urn:public> <urn:p> "public" <{iris.regions_graph}> .\n'
            f'<urn:secret> <urn:p> "rahasia" <{iris.dataset_graphs_prefix}draft/1> .\n'
        ]
    )
    yield store, settings
    store.close()


def test_an_unpublished_graph_named_by_the_client_leaks_nothing(
    secret_store: tuple[EmbeddedStore, Settings],
) -> None:
    store, settings = secret_store
    draft = f"{Iris(settings.base_iri).dataset_graphs_prefix}draft/1"
    missing = f"{Iris(settings.base_iri).dataset_graphs_prefix}nothing/1"
    with TestClient(create_app(settings, store)) as c:
        answers = {
            graph: [
                c.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": graph}),
                c.get(
                    "/sparql",
                    params={"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": graph},
                ),
                c.get("/sparql", params={"query": f"SELECT * FROM <{graph}> {{ ?s ?p ?o }}"}),
                c.get(
                    "/sparql",
                    params={"query": f"SELECT * FROM NAMED <{graph}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
                ),
            ]
            for graph in (draft, missing)
        }
        everything = c.get(
            "/sparql", params={"query": "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"}
        )
    for responses in answers.values():
        for response in responses:
            assert response.status_code == 400
            assert "rahasia" not in response.text and "urn:secret" not in response.text
            assert response.json()["error"].startswith("graf tidak diterbitkan / not a published graph")
    # a draft gets the very same answer as a graph that does not exist
    assert [r.json()["error"].replace(draft, "G") for r in answers[draft]] == [
        r.json()["error"].replace(missing, "G") for r in answers[missing]
    ]
    assert "public" in everything.text and "rahasia" not in everything.text


# --- the service description -----------------------------------------------------------------


def _description(client: TestClient, accept: str | None = None) -> ox.Store:
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200, response.text
    fmt = ox.RdfFormat.from_media_type(response.headers["content-type"])
    assert fmt is not None
    store = ox.Store()
    store.load(response.content, format=fmt)
    return store


def test_service_description_lists_formats_and_published_graphs_with_counts(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    described = _description(client)  # no Accept: Turtle
    endpoint = "http://testserver/sparql"
    assert described.query(
        f"ASK {{ <{endpoint}> a <{SD}Service> ; <{SD}endpoint> <{endpoint}> ; "
        f"<{SD}supportedLanguage> <{SD}SPARQL11Query> ; <{SD}feature> <{SD}UnionDefaultGraph> }}"
    )
    formats = {
        s["f"].value
        for s in described.query(f"SELECT ?f {{ ?s <{SD}resultFormat> ?f }}")  # type: ignore[union-attr]
    }
    assert {
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "http://www.w3.org/ns/formats/Turtle",
        "http://www.w3.org/ns/formats/N-Triples",
        "http://www.w3.org/ns/formats/RDF_XML",
    } <= formats
    counts = {
        s["g"].value: int(s["n"].value)
        for s in described.query(  # type: ignore[union-attr]
            f"SELECT ?g ?n {{ <{endpoint}> <{SD}defaultDataset> ?d . ?d <{SD}namedGraph> ?ng . "
            f"?ng <{SD}name> ?g ; <{SD}graph> [ <{VOID}triples> ?n ] }}"
        )
    }
    assert set(counts) == set(published_graphs(platform.store, platform.iris))
    assert counts[platform.iris.regions_graph] == platform.store.count(platform.iris.regions_graph) > 0


@pytest.mark.parametrize("accept", ["application/n-triples", "application/ld+json", "application/rdf+xml"])
def test_service_description_by_accept(client: TestClient, accept: str) -> None:
    described = _description(client, accept)
    assert described.query(f"ASK {{ ?s a <{SD}Service> }}")


def test_service_description_refuses_unknown_types(client: TestClient) -> None:
    response = client.get("/sparql", headers={"accept": "application/sparql-results+json"})
    assert response.status_code == 406
    assert "text/turtle" in {e["media_type"] for e in response.json()["errors"]}


# --- errors ----------------------------------------------------------------------------------


def test_malformed_query_gets_400_naming_line_and_column(client: TestClient) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?x WHERE {\n"
        "  ?x skos:prefLabel ?l .\n"
        "  ?x skos:prefLabel }\n"
    )
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"} and body["ok"] is False
    where = body["errors"][0]
    assert (where["line"], where["column"]) == (4, 21)
    assert where["text"] == "  ?x skos:prefLabel }"
    assert where["marker"] == " " * 20 + "^"
    assert "baris 4 kolom 21" in body["error"] and "line 4, column 21" in body["error"]
    assert "\\u{" not in body["error"]  # the Unicode ranges are left out of the headline


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("post", {"data": {"update": "DROP ALL"}}),
        ("post", {"content": "DROP ALL", "headers": {"content-type": "application/sparql-update"}}),
        ("get", {"params": {"update": "DROP ALL"}}),
        ("get", {"params": {"query": "DROP ALL"}}),
        ("post", {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
        (
            "post",
            {
                "content": "PREFIX ex: <http://example.org/#>\n# remove everything\ndelete where { ?s ?p ?o }",
                "headers": {"content-type": "application/sparql-query"},
            },
        ),
        ("get", {"params": {"query": "LOAD <http://example.org/data.ttl>"}}),
    ],
)
def test_updates_are_refused_however_they_arrive(
    client: TestClient, demo: tuple[Platform, list[LoadReport]], method: str, kwargs: dict[str, object]
) -> None:
    platform, _ = demo
    before = platform.store.count()
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == 403
    body = response.json()
    assert body["ok"] is False and "hanya-baca / this endpoint is read-only" in body["error"]
    assert platform.store.count() == before


def test_federated_service_calls_are_refused(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9999/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403 and "SERVICE" in response.json()["error"]
    # the word in a string or a variable name is not a SERVICE call
    harmless = 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }'
    assert client.get("/sparql", params={"query": harmless}).status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": "SELECT * {}", "headers": {"content-type": "text/plain"}}, 415),
        ({"data": {"query": ["SELECT * {}", "ASK {}"]}}, 400),
        ({"data": {"query": "  "}}, 400),
        ({"data": {"default-graph-uri": "urn:g"}}, 400),
        (
            {
                "content": b"SELECT * { ?s ?p '\xff' }",
                "headers": {"content-type": "application/sparql-query"},
            },
            400,
        ),
    ],
)
def test_bad_requests_get_the_error_shape(client: TestClient, kwargs: dict[str, object], status: int) -> None:
    response = client.post("/sparql", **kwargs)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"} and body["status"] == status


def test_cors_lets_browser_code_read_the_truncation_header(client: TestClient) -> None:
    origin = {"origin": "https://example.org"}
    preflight = client.options(
        "/sparql",
        headers={
            **origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    response = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-truncated" in response.headers["access-control-expose-headers"].lower()


def test_openapi_documents_the_protocol_parameters_and_errors(client: TestClient) -> None:
    operations = client.get("/openapi.json").json()["paths"]["/sparql"]
    names = {p["name"] for p in operations["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= names
    for operation in operations.values():
        assert {"200", "400", "403", "406", "503"} <= set(operation["responses"])
    body = operations["post"]["requestBody"]["content"]
    assert {"application/x-www-form-urlencoded", "application/sparql-query"} <= set(body)


# --- the time limit, on an on-disk store ------------------------------------------------------


def small_disk_store(folder: Path, iris: Iris, triples: int = 300) -> EmbeddedStore:
    """An on-disk store with ``triples`` region-graph triples (the region graph is always public)."""
    store = EmbeddedStore(folder / "store")
    store.bulk_load(["".join(f'<urn:s{i}> <urn:p> "{i}" <{iris.regions_graph}> .\n' for i in range(triples))])
    store.flush()
    return store


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


@pytest.mark.slow
def test_runaway_query_gets_503_naming_the_limit_and_the_service_goes_on(tmp_path: Path) -> None:
    settings = load_settings(store_path=str(tmp_path / "store"), query_timeout_ms=500, query_workers=1)
    writer = small_disk_store(tmp_path, Iris(settings.base_iri))
    with TestClient(create_app(settings)) as c:
        stopped = c.get("/sparql", params={"query": RUNAWAY})
        after = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
        # a publication by the writer is seen by the (new) worker
        writer.update(
            f"INSERT DATA {{ GRAPH <{Iris(settings.base_iri).regions_graph}> {{ <urn:x> <urn:p> 1 }} }}"
        )
        later = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    writer.close()
    assert stopped.status_code == 503
    body = stopped.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert "500 ms" in body["error"] and "query_timeout_ms" in body["error"]
    assert after.status_code == 200 and after.json()["results"]["bindings"][0]["n"]["value"] == "300"
    assert later.json()["results"]["bindings"][0]["n"]["value"] == "301"
    assert json.loads(later.content)["head"]["vars"] == ["n"]


def test_from_queries_leave_no_pyoxigraph_result_to_the_garbage_collector(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    # rdflib's parser (used to read FROM) caches exceptions whose frames lead back to the
    # caller; a result held there would be freed by the collector in this thread, which
    # pyoxigraph refuses (an unraisable error, a failure here under filterwarnings=error).
    platform, _ = demo
    query = f"SELECT (COUNT(*) AS ?n) FROM <{platform.iris.regions_graph}> WHERE {{ ?s ?p ?o }}"
    assert _count(client, query) > 0
    gc.collect()
