"""Findings a data officer can act on: figures written as each language writes them, a region
code with its name, and the other dataset a cross-dataset rule compared with."""

from __future__ import annotations

import datetime as dt

import rdflib

from graph.check.engine import validate
from graph.check.findings import Finding
from graph.check.report import report_ntriples
from graph.check.shapes import Shapes
from graph.store.embedded import EmbeddedStore
from tests.graph.check.test_engine import pyshacl_keys

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] ,
  [ sh:prefix "skos" ; sh:namespace "http://www.w3.org/2004/02/skos/core#"^^xsd:anyURI ] .

ex:Compare a sh:NodeShape ;
  sh:targetClass ex:Obs ;
  sh:sparql [ sh:prefixes ex:prefixes ;
    sh:message "{?value} melebihi {?other} (rata-rata {?mean}); kode {?code}, tahun {?year}"@id ,
               "{?value} exceeds {?other} (mean {?mean}); code {?code}, year {?year}"@en ;
    sh:select \"\"\"SELECT $this ?value ?other ?mean ?code ?year ?otherDataset WHERE {
      $this ex:value ?value ; ex:other ?o ; ex:area ?r .
      ?o ex:value ?other ; ex:in ?otherDataset .
      ?r skos:notation ?code .
      BIND(2027 AS ?year) BIND(117.989417989 AS ?mean)
      FILTER(?value > ?other) }\"\"\" ] .
"""

DATA = """
@prefix ex: <http://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oc: <https://w3id.org/onecenter/def#> .
ex:a a ex:Obs ; ex:value 42943 ; ex:other ex:b ; ex:area ex:r .
ex:b ex:value 14.3 ; ex:in ex:ds2 .
ex:r skos:notation "18.09.04.2002"^^oc:KemendagriCode ; skos:prefLabel "Banjar Negeri"@id .
"""


def findings() -> list[Finding]:
    store = EmbeddedStore(None)
    store.load_rdf(DATA, fmt="turtle", graph="urn:uji")
    shapes = Shapes.from_graph(rdflib.Graph().parse(data=SHAPES, format="turtle"))
    return validate(store, shapes, ["urn:uji"])


def test_a_message_writes_figures_the_way_each_language_does_and_a_code_with_its_name() -> None:
    [f] = findings()
    assert (
        f.message_id
        == "42.943 melebihi 14,3 (rata-rata 117,99); kode 18.09.04.2002 (Banjar Negeri), tahun 2027"
    )
    assert f.message_en == "42,943 exceeds 14.3 (mean 117.99); code 18.09.04.2002 (Banjar Negeri), year 2027"
    assert f.value == "42943"  # the value itself stays as the graph has it


def test_a_cross_dataset_finding_names_the_other_dataset_and_the_report_keeps_it() -> None:
    [f] = findings()
    assert f.other_dataset == "http://example.org/ds2" and f.other_dataset_id == "ds2"
    # Carrying it changes nothing pySHACL is compared on.
    data = rdflib.Graph().parse(data=DATA, format="turtle")
    assert {f.key()} == pyshacl_keys(data, rdflib.Graph().parse(data=SHAPES, format="turtle"))
    text = report_ntriples(
        "http://example.org/laporan/1", [f], created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    assert "<http://purl.org/dc/terms/references> <http://example.org/ds2> ." in text


def test_a_finding_involves_both_agencies_and_says_its_severity_in_indonesian() -> None:
    f = Finding(
        "https://w3id.org/onecenter/shapes#R",
        "http://example.org/a",
        "c",
        "http://www.w3.org/ns/shacl#Warning",
        agency="https://x.test/id/organisasi/bps",
        other_agency="https://x.test/id/organisasi/disdukcapil",
    )
    assert f.involves("bps") and f.involves("disdukcapil") and not f.involves("dinkes")
    assert f.severity_label == {"id": "Peringatan", "en": "Warning"}
    assert f.as_dict()["other_agency"] == "https://x.test/id/organisasi/disdukcapil"
