"""``/catalog`` over HTTP: formats by Accept and extension, DCAT-AP conformance, downloads, errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, RDF

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.conftest import with_future_year, write_small_table
from tests.graph.describe.catalog_support import parse, validate

Demo = tuple[Platform, list[LoadReport]]
BASE = "http://testserver/"
FORMATS = [
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"ok", "status", "error", "errors"} and isinstance(body["errors"], list)
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body


@pytest.mark.parametrize(("media_type", "fmt"), FORMATS)
def test_catalog_negotiates_each_rdf_format(client: TestClient, media_type: str, fmt: str) -> None:
    response = client.get("/catalog", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "accept" in response.headers["vary"].lower()
    g = parse(response.content, fmt)
    assert (
        len(set(g.subjects(RDF.type, DCAT.Dataset))) == 7
    )  # six synthetic tables and the real IDM 2024 (dpmd-idm-desa)
    assert (rdflib.URIRef(BASE + "catalog"), RDF.type, DCAT.Catalog) in g


@pytest.mark.slow
def test_every_format_of_the_catalog_holds_the_same_triples(client: TestClient) -> None:
    graphs = [parse(client.get("/catalog", headers={"Accept": m}).content, f) for m, f in FORMATS]
    sizes = {len(g) for g in graphs}
    assert len(sizes) == 1 and sizes.pop() > 500
    by_extension = parse(client.get("/catalog.rdf").content, "xml")
    assert len(by_extension) == len(graphs[0])


@pytest.mark.slow
def test_catalog_defaults_to_turtle_and_offers_a_json_listing(client: TestClient) -> None:
    assert client.get("/catalog").headers["content-type"].startswith("text/turtle")
    # A browser prefers HTML: it gets the catalogue page (tests/pages/test_catalog_page.py).
    assert (
        client.get("/catalog", headers={"Accept": "text/html,*/*;q=0.8"})
        .headers["content-type"]
        .startswith("text/html")
    )
    assert client.get("/catalog", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    listing = client.get("/catalog", headers={"Accept": "application/json"}).json()
    assert listing == client.get("/catalog.json").json()
    assert (
        listing["ok"] is True and len(listing["datasets"]) == 7
    )  # six synthetic tables and the real IDM 2024 (dpmd-idm-desa)
    assert listing["catalog"]["sparql_endpoint"] == BASE + "sparql"
    for extension, media_type in [("ttl", "text/turtle"), ("jsonld", "application/ld+json")]:
        response = client.get(f"/catalog.{extension}", headers={"Accept": "application/json"})
        assert response.headers["content-type"].startswith(media_type)


@pytest.mark.slow
def test_the_served_catalog_conforms_to_dcat_ap_3_0_1(client: TestClient) -> None:
    """As CKAN's harvester reads it: RDF/XML."""
    data = parse(client.get("/catalog", headers={"Accept": "application/rdf+xml"}).content, "xml")
    conforms, report = validate(data)
    assert conforms, report.serialize(format="turtle")


@pytest.mark.slow
def test_every_download_url_in_the_catalog_serves_its_file(client: TestClient, demo: Demo) -> None:
    platform, reports = demo
    observations = {r.dataset: r.observations for r in reports}
    for entry in client.get("/catalog.json").json()["datasets"]:
        for dist in entry["distributions"]:
            assert dist["url"].startswith(BASE)
            response = client.get(dist["url"].removeprefix(BASE.rstrip("/")))
            assert response.status_code == 200, dist["url"]
            assert response.headers["content-type"].startswith(dist["media_type"])
            if dist["format"] == "CSV":
                rows = list(csv.DictReader(io.StringIO(response.text)))
                assert len(rows) == observations[entry["id"]]
            else:  # pyoxigraph's reader: rdflib would take seconds per file
                triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)]
                assert len(triples) == platform.store.count(entry["published_graph"])
                dataset = ox.Triple(
                    ox.NamedNode(entry["iri"]), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCAT.Dataset))
                )
                assert dataset in triples


@pytest.mark.slow
def test_the_csv_download_has_the_c3_row_in_both_dialects(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    gerning = platform.settings.home_region + ".03.2010"
    standard = client.get("/catalog/dinkes-stunting-desa.csv")
    assert standard.headers["content-disposition"] == 'attachment; filename="dinkes-stunting-desa.csv"'
    rows = list(csv.DictReader(io.StringIO(standard.text)))
    [row] = [
        r
        for r in rows
        if (r["region_code"], r["period"], r["indicator"]) == (gerning, "2022", "balita-stunting")
    ]
    assert (row["region_label"], row["value"], row["unit"]) == ("Gerning", "223", "jiwa")
    excel = client.get("/catalog/dinkes-stunting-desa.csv", params={"_dialect": "excel"})
    text = excel.content.decode("utf-8")
    assert text.startswith("\ufeffKode wilayah;Nama wilayah;Tingkat wilayah;Periode;Indikator;")
    assert f"{gerning};Gerning;desa;2022;balita-stunting;Balita stunting;223;jiwa;" in text
    assert_error(client.get("/catalog/dinkes-stunting-desa.csv", params={"_dialect": "latin"}), 422)


def test_one_dataset_entry_by_its_id(client: TestClient) -> None:
    body = client.get("/catalog/disdik-sekolah-kecamatan").json()
    assert body["ok"] is True and body["dataset"]["id"] == "disdik-sekolah-kecamatan"
    assert body["dataset"]["region_levels"] == ["kecamatan"]
    assert [d["iri"].rsplit("/", 1)[-1] for d in body["dataset"]["dimensions"]] == ["jenjang"]


def test_unknown_datasets_and_formats_are_errors_in_the_one_shape(client: TestClient) -> None:
    for path in ["/catalog/tidak-ada", "/catalog/tidak-ada.csv", "/catalog/tidak-ada.ttl"]:
        body = assert_error(client.get(path), 404)
        assert "dinkes-stunting-desa" in body["error"]  # names what is published
    assert_error(client.get("/catalog.xls"), 404)
    body = assert_error(client.get("/catalog", headers={"Accept": "image/png"}), 406)
    assert "text/turtle" in body["error"]


@pytest.mark.slow
def test_a_held_draft_is_neither_listed_nor_served(platform: Platform, tmp_path: Path) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    with_future_year(mapping, [str(1000 + i) for i in range(20)])  # a year not yet come: held
    assert platform.load(mapping).outcome == "held"
    with TestClient(create_app(platform.settings, platform.store)) as c:
        assert c.get("/catalog.json").json()["datasets"] == []
        g = parse(c.get("/catalog").content, "turtle")
        assert not set(g.subjects(RDF.type, DCAT.Dataset))
        for path in ["/catalog/uji-penduduk", "/catalog/uji-penduduk.csv", "/catalog/uji-penduduk.ttl"]:
            assert_error(c.get(path), 404)
