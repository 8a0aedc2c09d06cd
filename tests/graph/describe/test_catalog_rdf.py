"""The catalogue as DCAT-AP 3 triples: that DCAT-AP 3.0.1 and CKAN's harvester accept it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS

from graph.describe.catalog import Catalog, read_catalog
from graph.describe.catalog_json import catalog_json
from graph.describe.catalog_rdf import catalog_triples, serialize_catalog
from graph.publish.platform import Platform
from tests.conftest import write_small_table
from tests.graph.describe.catalog_support import as_rdflib, parse, validate

SERVICE = "http://example.test/"
TODAY = dt.date(2026, 12, 4)  # freshness is judged as of a fixed day, never the clock
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")


@pytest.mark.slow
def test_the_catalogue_conforms_to_dcat_ap_3_0_1(catalog: Catalog) -> None:
    conforms, report = validate(as_rdflib(catalog_triples(catalog, SERVICE)))
    assert conforms, report.serialize(format="turtle")


@pytest.mark.slow
def test_the_dcat_ap_shapes_do_catch_a_catalogue_missing_what_they_require(catalog: Catalog) -> None:
    data = as_rdflib(catalog_triples(catalog, SERVICE))
    cat = rdflib.URIRef(SERVICE + "catalog")
    dataset = next(iter(data.objects(cat, DCAT.dataset)))
    data.remove((cat, DCTERMS.publisher, None))
    data.remove((dataset, DCTERMS.title, None))
    conforms, report = validate(data)
    assert not conforms
    paths = {
        (str(f), str(p))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        for f in report.objects(r, SH.focusNode)
        for p in report.objects(r, SH.resultPath)
    }
    assert (SERVICE + "catalog", str(DCTERMS.publisher)) in paths
    assert (str(dataset), str(DCTERMS.title)) in paths


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_every_rdf_format_parses_to_the_same_graph(
    catalog: Catalog, media_type: str, rdflib_format: str
) -> None:
    triples = catalog_triples(catalog, SERVICE)
    reference = as_rdflib(triples)
    parsed = parse(serialize_catalog(catalog, SERVICE, media_type), rdflib_format)
    assert len(parsed) == len(reference) > 500
    assert isomorphic(parsed, reference)


def test_the_catalogue_reads_as_ckan_dcat_harvesters_read_it(catalog: Catalog) -> None:
    """The properties ckanext-dcat's DCAT-AP profiles look for (profiles/base.py,
    euro_dcat_ap_base.py, euro_dcat_ap_2.py), where it looks for them."""
    g = rdflib.Graph().parse(data=serialize_catalog(catalog, SERVICE, "application/rdf+xml"), format="xml")
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 7  # six synthetic tables and the real IDM 2024
    for ds in datasets:
        assert {getattr(lit, "language", None) for lit in g.objects(ds, DCTERMS.title)} == {"id", "en"}
        [publisher] = g.objects(ds, DCTERMS.publisher)
        assert any(getattr(lit, "language", None) == "id" for lit in g.objects(publisher, FOAF.name))
        # Temporal coverage as DCAT-AP 2+ start/end dates on a dct:PeriodOfTime.
        [period] = g.objects(ds, DCTERMS.temporal)
        assert (period, RDF.type, DCTERMS.PeriodOfTime) in g
        assert str(g.value(period, DCAT.startDate)) <= str(g.value(period, DCAT.endDate))
        # Spatial: a dct:Location with a label.
        [place] = g.objects(ds, DCTERMS.spatial)
        assert (place, RDF.type, DCTERMS.Location) in g and g.value(place, SKOS.prefLabel) is not None
        # Distributions: download URL, IANA media type, EU file type, licence.
        media = set()
        for dist in g.objects(ds, DCAT.distribution):
            assert str(g.value(dist, DCAT.downloadURL)).startswith(SERVICE + "catalog/")
            assert g.value(dist, DCAT.accessURL) == g.value(dist, DCAT.downloadURL)
            media.add(str(g.value(dist, DCAT.mediaType)))
            assert str(g.value(dist, DCTERMS["format"])).startswith(
                "http://publications.europa.eu/resource/authority/file-type/"
            )
            assert g.value(dist, DCTERMS.license) is not None
        assert media == {
            "http://www.iana.org/assignments/media-types/text/csv",
            "http://www.iana.org/assignments/media-types/text/turtle",
        }
        assert g.value(ds, DCTERMS.accrualPeriodicity) is not None
        assert g.value(ds, DCTERMS.accessRights) is not None


@pytest.mark.slow
def test_an_agency_address_becomes_the_datasets_contact_point(platform: Platform, tmp_path: Path) -> None:
    agency = platform.iris.agency("disdukcapil")
    platform.store.update(
        f"INSERT DATA {{ GRAPH <{platform.iris.ontology_graph}> "
        f"{{ <{agency}> <{FOAF.mbox}> <mailto:data@disdukcapil.example> }} }}"
    )
    platform.load(write_small_table(tmp_path, [str(1000 + i) for i in range(20)]))
    catalog = read_catalog(platform.store, platform.iris, platform.settings.home_region)
    g = as_rdflib(catalog_triples(catalog, SERVICE))
    [contact] = g.objects(rdflib.URIRef(platform.iris.dataset("uji-penduduk")), DCAT.contactPoint)
    assert g.value(contact, VCARD.hasEmail) == rdflib.URIRef("mailto:data@disdukcapil.example")
    assert g.value(contact, VCARD.fn) is not None
    assert (
        catalog_json(catalog, SERVICE, today=TODAY)["datasets"][0]["contact_point"]["email"]
        == "data@disdukcapil.example"
    )
    assert validate(g)[0]
