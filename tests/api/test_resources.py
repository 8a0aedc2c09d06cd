"""``/id/...``: minted IRIs dereference to RDF and HTML, drafts and unknown IRIs are 404."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

from api.app import create_app
from graph.describe.resources import describe
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.namespaces import PREFIXES, SKOS
from graph.settings import load_settings
from tests.graph.describe.test_resource_rdf import parse_rdf
from tests.graph.describe.test_resources import (
    DINKES_FILE,
    GERNING_IN_HOME,
    c3_observation,
    load_held_draft,
    sha256,
)

Demo = tuple[Platform, list[LoadReport]]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# Accept header -> (media type answered, rdflib parser)
ACCEPT = {
    "text/turtle": ("text/turtle", "turtle"),
    "application/ld+json": ("application/ld+json", "json-ld"),
    "application/n-triples": ("application/n-triples", "nt"),
    "application/rdf+xml": ("application/rdf+xml", "xml"),
    "application/json": ("application/ld+json", "json-ld"),
    "text/turtle;q=0.5, application/n-triples": ("application/n-triples", "nt"),
    "*/*": ("text/turtle", "turtle"),
    "": ("text/turtle", "turtle"),
}
EXTENSIONS = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".rdf": "xml"}


def path_of(platform: Platform, iri: str) -> str:
    assert iri.startswith(platform.iris.base)
    return "/" + iri[len(platform.iris.base) :]


def expected_graph(platform: Platform, iri: str) -> rdflib.Graph:
    found = describe(platform.store, platform.iris, iri)
    assert found is not None
    return parse_rdf(ox.serialize(found.graph(), format=ox.RdfFormat.N_TRIPLES) or b"", "nt")


# --- RDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", list(ACCEPT))
def test_every_accept_variant_parses_back_into_the_regions_triples(
    client: TestClient, demo: Demo, accept: str
) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    region = platform.iris.region(home)
    response = client.get(path_of(platform, region), headers={"accept": accept})
    media_type, fmt = ACCEPT[accept]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"].split(", ")
    graph = parse_rdf(response.content, fmt)
    assert set(graph) == set(expected_graph(platform, region))
    node = URIRef(region)
    assert (node, URIRef(SKOS + "broader"), URIRef(platform.iris.region(home[:2]))) in graph
    assert any(o.language == "id" for o in graph.objects(node, URIRef(SKOS + "prefLabel")))  # type: ignore[attr-defined]
    kecamatan = URIRef(platform.iris.region(home + GERNING_IN_HOME.rsplit(".", 1)[0]))
    assert (kecamatan, URIRef(SKOS + "broader"), node) in graph  # an incoming link


@pytest.mark.parametrize("extension", list(EXTENSIONS))
def test_every_extension_parses_back_into_the_observations_triples(
    client: TestClient, demo: Demo, extension: str
) -> None:
    platform, _ = demo
    obs = c3_observation(platform)
    # The extension wins over Accept: it names a document.
    response = client.get(path_of(platform, obs) + extension, headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-location"] == path_of(platform, obs) + extension
    graph = parse_rdf(response.content, EXTENSIONS[extension])
    assert set(graph) == set(expected_graph(platform, obs))
    node = URIRef(obs)
    oc = PREFIXES["oc"]
    assert (node, URIRef(platform.iris.indicator("balita-stunting")), Literal(223)) in graph
    assert (node, URIRef(oc + "rawValue"), Literal("223")) in graph
    assert (node, URIRef(oc + "sourceColumn"), Literal("Jumlah Balita Stunting")) in graph
    [row] = graph.objects(node, URIRef(oc + "sourceRow"))
    assert (row, URIRef(oc + "rowNumber"), Literal(350)) in graph
    [file] = graph.objects(row, URIRef(oc + "sourceFile"))
    assert (file, URIRef(oc + "fileName"), Literal(DINKES_FILE)) in graph
    assert (
        file,
        URIRef(oc + "sha256"),
        Literal(sha256(platform.settings.project_dir / "data" / DINKES_FILE)),
    ) in graph


def test_a_region_code_ending_in_digits_is_not_taken_for_an_extension(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    home = platform.settings.home_region  # a dotted code such as AA.BB: ".BB" is no extension
    desa = platform.iris.region(home + GERNING_IN_HOME)
    for iri in (platform.iris.region(home), desa):
        response = client.get(path_of(platform, iri), headers={"accept": "application/n-triples"})
        assert response.status_code == 200
        subjects = {str(s) for s in parse_rdf(response.content, "nt").subjects()}
        assert iri in subjects
    with_extension = client.get(path_of(platform, desa) + ".nt")
    assert with_extension.headers["content-type"].startswith("application/n-triples")
    assert (URIRef(desa), URIRef(SKOS + "prefLabel"), Literal("Gerning", lang="id")) in parse_rdf(
        with_extension.content, "nt"
    )


@pytest.mark.parametrize(
    "iri_of",
    [
        lambda p: p.iris.dataset("dinkes-stunting-desa"),
        lambda p: p.iris.indicator("balita-stunting"),
        lambda p: p.iris.agency("dinkes"),
        lambda p: p.iris.period("2022"),
        lambda p: p.iris.code("jenis-kelamin", "P"),
    ],
    ids=["dataset", "indicator", "agency", "period", "code"],
)
def test_reference_resources_dereference(client: TestClient, demo: Demo, iri_of: object) -> None:
    platform, _ = demo
    iri = iri_of(platform)  # type: ignore[operator]
    response = client.get(path_of(platform, iri) + ".ttl")
    assert response.status_code == 200
    graph = parse_rdf(response.content, "turtle")
    assert (URIRef(iri), None, None) in graph
    assert set(graph) == set(expected_graph(platform, iri))


def test_load_and_validation_report_dereference_with_their_findings(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    found = describe(platform.store, platform.iris, c3_observation(platform))
    assert found is not None and found.provenance is not None and found.provenance.load is not None
    load = found.provenance.load
    response = client.get(path_of(platform, load.iri), headers={"accept": "text/turtle"})
    assert response.status_code == 200
    graph = parse_rdf(response.content, "turtle")
    assert (URIRef(load.iri), URIRef(PREFIXES["oc"] + "validationReport"), URIRef(load.report or "")) in graph
    report = client.get(path_of(platform, load.report or ""), headers={"accept": BROWSER})
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "melebihi Balita ditimbang dan diukur" in report.text  # the finding's Indonesian message
    assert path_of(platform, c3_observation(platform)) in report.text


# --- 404, 406 -----------------------------------------------------------------------------------


def test_an_unknown_iri_is_a_404_in_the_json_error_shape(client: TestClient) -> None:
    response = client.get("/id/wilayah/99.99.99.9999", headers={"accept": "text/turtle"})
    assert response.status_code == 404
    assert "Accept" in response.headers["vary"].split(", ")
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == 404 and "99.99.99.9999" in body["error"]


def test_an_unknown_iri_is_an_html_404_page_for_browsers(client: TestClient) -> None:
    for path, accept in [("/id/tidak/ada", BROWSER), ("/id/tidak/ada.html", "*/*")]:
        response = client.get(path, headers={"accept": accept})
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
        assert '<html lang="id">' in response.text and "Tidak ditemukan" in response.text


def test_an_unoffered_media_type_is_a_406(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    response = client.get(path_of(platform, platform.iris.agency("dinkes")), headers={"accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["status"] == 406


@pytest.mark.slow
def test_a_held_drafts_observation_is_a_404(platform: Platform, tmp_path: Path) -> None:
    violation = load_held_draft(platform, tmp_path)
    with TestClient(create_app(platform.settings, platform.store)) as c:
        for accept in ("text/turtle", BROWSER):
            assert c.get(path_of(platform, violation.focus), headers={"accept": accept}).status_code == 404
        published = path_of(platform, violation.focus.replace("/2031/", "/2020/"))
        assert c.get(published, headers={"accept": "text/turtle"}).status_code == 200


def test_an_iri_that_itself_ends_in_an_extension_is_found_whole_first(platform: Platform) -> None:
    iris = platform.iris
    whole, stem = iris.code("uji", "berkas.ttl"), iris.code("uji", "berkas")
    label = SKOS + "prefLabel"
    platform.store.load_rdf(
        f'<{whole}> <{label}> "utuh"@id .\n<{stem}> <{label}> "pangkal"@id .\n',
        fmt="ntriples",
        graph=iris.ontology_graph,
    )
    with TestClient(create_app(platform.settings, platform.store)) as c:
        response = c.get(path_of(platform, whole), headers={"accept": "application/n-triples"})
        assert (URIRef(whole), URIRef(label), Literal("utuh", lang="id")) in parse_rdf(response.content, "nt")
        response = c.get(path_of(platform, stem) + ".nt")
        assert (URIRef(stem), URIRef(label), Literal("pangkal", lang="id")) in parse_rdf(
            response.content, "nt"
        )


# --- IRIs under the configured base, served anywhere --------------------------------------------


@pytest.mark.slow
def test_iris_resolve_against_the_configured_base_iri_not_the_host() -> None:
    settings = load_settings(store_path=":memory:", base_iri="https://satudata.contoh.example/data/")
    platform = Platform(settings)
    try:
        platform.load_reference()
        region = platform.iris.region(settings.home_region)
        assert region.startswith("https://satudata.contoh.example/data/id/wilayah/")
        with TestClient(create_app(settings, platform.store), base_url="http://127.0.0.1:8000") as c:
            response = c.get(f"/id/wilayah/{settings.home_region}", headers={"accept": "text/turtle"})
            assert response.status_code == 200
            assert (URIRef(region), None, None) in parse_rdf(
                response.content, "turtle"
            )  # canonical IRIs kept
            page = c.get(f"/id/wilayah/{settings.home_region}", headers={"accept": BROWSER})
            assert 'href="/id/wilayah/' in page.text  # links stay on this server
            assert 'href="https://satudata.contoh.example/' not in page.text
    finally:
        platform.close()


# --- HTML ----------------------------------------------------------------------------------------


def asset_urls(html: str) -> list[str]:
    """URLs a page loads by itself (stylesheets, scripts, images), not links to follow."""
    tags = re.findall(r"<(?:link|script|img|iframe|source)\b[^>]*>", html)
    urls = []
    for tag in tags:
        if 'rel="alternate"' in tag:
            continue  # alternates are links, not loaded
        urls += re.findall(r'(?:src|href)="([^"]*)"', tag)
    return urls


def test_a_region_page_shows_labels_hierarchy_and_local_links(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    desa = platform.iris.region(home + GERNING_IN_HOME)
    response = client.get(path_of(platform, desa), headers={"accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["content-location"] == path_of(platform, desa) + ".html"
    html = response.text
    assert '<html lang="id">' in html and "<main" in html
    assert "<h1>Gerning" in html and "Desa" in html
    kecamatan = platform.iris.region(home + GERNING_IN_HOME.rsplit(".", 1)[0])
    kecamatan_label = describe(platform.store, platform.iris, kecamatan)
    assert kecamatan_label is not None
    assert f'href="{path_of(platform, kecamatan)}">{kecamatan_label.title()}</a>' in html
    assert f'href="{path_of(platform, platform.iris.region(home))}"' in html
    # Own resources link to local paths; the canonical IRI is shown, never linked.
    assert f'href="{platform.iris.base}' not in html
    assert desa in html
    # Local paths only; the empty inline icon (data:,) keeps browsers from asking for /favicon.ico.
    assert all(url.startswith("/") or url == "data:," for url in asset_urls(html)), asset_urls(html)
    assert client.get("/static/onecenter.css").status_code == 200


def test_an_observation_page_shows_its_provenance_chain(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    obs = c3_observation(platform)
    # <wbr> marks where a long file name may wrap on a phone (api.pages.wrap_at).
    html = client.get(path_of(platform, obs) + ".html").text.replace("<wbr>", "")
    for text in (
        "Asal-usul angka",
        "Balita stunting",
        "Gerning",
        DINKES_FILE,
        sha256(platform.settings.project_dir / "data" / DINKES_FILE),
        "<dd>Stunting</dd>",
        ">350</a>",
        "<dd>Jumlah Balita Stunting</dd>",
        '<code class="raw">223</code>',
        "dinkes-stunting-desa.yaml",
        "Dinas Kesehatan",
        "melebihi Balita ditimbang dan diukur",
        "Diterbitkan meski melanggar",
    ):
        assert text in html, text
    assert f'href="{path_of(platform, platform.iris.dataset("dinkes-stunting-desa"))}"' in html
    assert 'href="/id/pemuatan/' in html and 'href="/id/validasi/' in html and 'href="/id/berkas/' in html


def test_html_links_follow_the_apps_root_path(demo: Demo) -> None:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store), root_path="/satudata") as c:
        region = platform.iris.region(platform.settings.home_region)
        response = c.get("/satudata" + path_of(platform, region), headers={"accept": BROWSER})
        assert response.status_code == 200
        assert 'href="/satudata/static/onecenter.css"' in response.text
        assert (
            f'href="/satudata{path_of(platform, platform.iris.region(platform.settings.home_region[:2]))}"'
            in response.text
        )


def test_head_answers_like_get_without_a_body(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    response = client.head(
        path_of(platform, platform.iris.agency("dinkes")), headers={"accept": "text/turtle"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_openapi_documents_the_route_once_without_warnings(demo: Demo) -> None:
    import warnings

    platform, _ = demo
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = create_app(platform.settings, platform.store).openapi()["paths"]
    operation = paths["/id/{path}"]
    assert set(operation) == {"get"}
    assert set(operation["get"]["responses"]) >= {"200", "404", "406"}
    assert "text/turtle" in operation["get"]["responses"]["200"]["content"]
