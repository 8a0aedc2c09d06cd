"""``/def``: the vocabulary dereferences at the instance, and every ``oc:`` IRI the data uses resolves there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.describe.ontology import ONTOLOGY
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.namespaces import OC, PREFIXES
from graph.settings import PROJECT_DIR, load_settings
from graph.store.versions import published_graphs
from graph.version import __version__

OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]
DEFINED_BY = f"<{RDFS}isDefinedBy>"


@pytest.fixture(scope="module")
def client(demo: tuple[Platform, list[LoadReport]]) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c


def _graph(response: object, fmt: ox.RdfFormat) -> ox.Store:
    store = ox.Store()
    store.load(response.content, format=fmt)  # type: ignore[attr-defined]
    return store


def _vocabulary_terms() -> set[str]:
    """Every ``oc:`` subject the files of ``ontology/`` define."""
    return {
        t.subject.value
        for path in (PROJECT_DIR / "ontology").glob("*.ttl")
        for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri="https://data.pesawarankab.go.id/")
        if t.subject.value.startswith(OC)
    }


def test_curl_asking_for_turtle_gets_the_ontology_every_term_defined_by_it(client: TestClient) -> None:
    response = client.get("/def", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert response.headers["vary"].startswith("Accept")
    graph = _graph(response, ox.RdfFormat.TURTLE)
    assert graph.query(f"ASK {{ <{ONTOLOGY}> a <{OWL}Ontology> ; <{OWL}versionIRI> ?v }}")
    subjects = {q.subject.value for q in graph if q.subject.value.startswith(OC)}
    assert subjects == _vocabulary_terms() and len(subjects) > 100
    undefined = [
        s
        for s in subjects
        if ox.Quad(ox.NamedNode(s), ox.NamedNode(RDFS + "isDefinedBy"), ox.NamedNode(ONTOLOGY)) not in graph
    ]
    assert undefined == []
    # The instance's own indicators and agencies live in the same graph but are not the vocabulary.
    assert not [q for q in graph if q.subject.value.startswith("https://data.pesawarankab.go.id/")]
    # curl sends */*: Turtle too
    assert client.get("/def", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(
    ("path", "accept", "fmt"),
    [
        ("/def.ttl", "text/html", ox.RdfFormat.TURTLE),
        ("/def.jsonld", "*/*", ox.RdfFormat.JSON_LD),
        ("/def", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("/def.nt", "*/*", ox.RdfFormat.N_TRIPLES),
        ("/def", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_every_format_holds_the_same_triples(
    client: TestClient, path: str, accept: str, fmt: ox.RdfFormat
) -> None:
    turtle = _graph(client.get("/def.ttl"), ox.RdfFormat.TURTLE)
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(fmt.media_type)
    assert len(_graph(response, fmt)) == len(turtle) > 1000


def test_the_page_lists_each_term_with_its_labels_definition_domain_and_range(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    page = client.get("/def", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    # Each property with a domain and a range, read from the published graph, not from this test.
    found = platform.store.query(
        f"""SELECT ?p ?d ?r ?id ?en WHERE {{ ?p <{RDFS}domain> ?d ; <{RDFS}range> ?r ;
        <{RDFS}label> ?id, ?en FILTER(STRSTARTS(STR(?p), "{OC}") && LANG(?id) = "id" && LANG(?en) = "en") }}""",
        default_graph=[platform.iris.ontology_graph],
    )
    assert isinstance(found, ox.QuerySolutions)
    rows = list(found)
    assert len(rows) > 30
    for row in rows:
        name = row["p"].value[len(OC) :]
        start = html.index(f'id="{name}"')
        entry = html[start : html.index("</section>", start)]
        assert row["id"].value in entry and row["en"].value in entry, name
        domain, range_ = row["d"].value, row["r"].value
        for iri, css in ((domain, "domain"), (range_, "range")):
            shown = f'href="#{iri[len(OC) :]}"' if iri.startswith(OC) else f'href="{iri}"'
            assert re.search(f'class="{css}">.*{re.escape(shown)}', entry), (name, css, iri)
    # the table of contents names each section with its count
    assert "Kelas" in html and "Classes" in html and "Properti objek" in html


def test_other_addresses_redirect_to_def(client: TestClient) -> None:
    for path in ("/def/", "/ontology", "/ontology/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 301 and response.headers["location"] == "/def", path


def test_the_version_iri_dereferences_while_it_is_the_published_version(client: TestClient) -> None:
    graph = _graph(client.get("/def.ttl"), ox.RdfFormat.TURTLE)
    found = graph.query(
        f"SELECT ?v ?info WHERE {{ <{ONTOLOGY}> <{OWL}versionIRI> ?v ; <{OWL}versionInfo> ?info }}"
    )
    assert isinstance(found, ox.QuerySolutions)
    rows = list(found)
    assert len(rows) == 1
    version, info = rows[0]["v"].value, rows[0]["info"].value
    assert info == __version__ and version == f"{ONTOLOGY}/{info}"
    response = client.get(version.replace(ONTOLOGY, "/def"), headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and len(_graph(response, ox.RdfFormat.TURTLE)) == len(graph)
    assert client.get("/def/0.0.1-tidak-ada").status_code == 404


def test_a_term_has_its_own_page_and_document(client: TestClient) -> None:
    page = client.get("/def/Region", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Wilayah administrasi" in page.text and "Administrative region" in page.text
    assert 'href="/def/Region.ttl"' in page.text
    turtle = client.get("/def/Region.ttl")
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    assert {t.subject.value for t in triples} == {OC + "Region"}
    assert (
        ox.Triple(ox.NamedNode(OC + "Region"), ox.NamedNode(RDFS + "isDefinedBy"), ox.NamedNode(ONTOLOGY))
        in triples
    )
    negotiated = client.get("/def/Region", headers={"Accept": "application/n-triples"})
    assert {q.triple for q in ox.parse(negotiated.content, format=ox.RdfFormat.N_TRIPLES)} == set(triples)
    missing = client.get("/def/TidakAda")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    assert client.get("/def/TidakAda", headers={"Accept": "text/html"}).status_code == 404


def test_every_oc_iri_in_the_published_data_is_defined_and_resolves(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    data = [g for g in published_graphs(platform.store, platform.iris) if g != platform.iris.ontology_graph]
    used = {
        row["x"].value
        for row in platform.store.query(  # type: ignore[union-attr]
            f"""SELECT DISTINCT ?x WHERE {{
              {{ GRAPH ?g {{ ?x ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?x ?o }} }} UNION {{ GRAPH ?g {{ ?s ?p ?x }} }}
              UNION {{ GRAPH ?g {{ ?s ?p ?l FILTER(isLiteral(?l)) BIND(DATATYPE(?l) AS ?x) }} }}
              FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{OC}")) }}""",
            default_graph=[],
            named_graphs=data,
        )
    }
    assert len(used) > 30  # subjects, predicates, objects, classes and datatypes of the data
    page = client.get("/def", headers={"Accept": "text/html"}).text
    for iri in sorted(used):
        assert platform.store.query(
            f"ASK {{ <{iri}> {DEFINED_BY} <{ONTOLOGY}> }}", default_graph=[platform.iris.ontology_graph]
        ), iri
        name = iri[len(OC) :]
        assert client.get(f"/def/{name}").status_code == 200, iri
        assert f'id="{name}"' in page, iri


def test_a_term_added_to_any_ontology_file_is_defined_by_the_ontology(tmp_path: Path) -> None:
    # A fresh project whose ontology/ has one more file, with a term no code knows.
    project = tmp_path / "project"
    (project / "ontology").mkdir(parents=True)
    for source in (PROJECT_DIR / "ontology").glob("*.ttl"):
        (project / "ontology" / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "ontology" / "codes").symlink_to(PROJECT_DIR / "ontology" / "codes")
    (project / "ontology" / "zz-baru.ttl").write_text(
        f"@prefix oc: <{OC}> .\n@prefix rdfs: <{RDFS}> .\n"
        'oc:freshTerm a <http://www.w3.org/2002/07/owl#DatatypeProperty> ; rdfs:label "istilah baru"@id , "fresh term"@en .\n',
        encoding="utf-8",
    )
    (project / "mappings").symlink_to(PROJECT_DIR / "mappings")
    settings = load_settings(store_path=":memory:", project_dir=str(project))
    platform = Platform(settings)
    try:
        platform.load_reference()
        assert platform.store.query(
            f"ASK {{ <{OC}freshTerm> {DEFINED_BY} <{ONTOLOGY}> }}",
            default_graph=[platform.iris.ontology_graph],
        )
        with TestClient(create_app(settings, platform.store)) as c:
            assert "fresh term" in c.get("/def/freshTerm", headers={"Accept": "text/html"}).text
    finally:
        platform.close()
