"""The SPARQL validation engine gives the same findings as pySHACL on the same shapes and data."""

from __future__ import annotations

import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from graph.check.engine import validate
from graph.check.shapes import Shapes
from graph.errors import ReferenceDataError
from graph.settings import PROJECT_DIR
from graph.store.embedded import EmbeddedStore
from tests.scripts import import_script

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""

SHAPES = (
    PREFIXES
    + """
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .

ex:ThingShape a sh:NodeShape ;
  sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                sh:minLength 2 ; sh:maxLength 10 ; sh:pattern "^[A-Z]" ] ;
  sh:property [ sh:path ex:label ; sh:languageIn ( "id" "en" ) ; sh:uniqueLang true ] ;
  sh:property [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxExclusive 100 ;
                sh:severity sh:Warning ] ;
  sh:property [ sh:path ex:kind ; sh:in ( ex:a ex:b ) ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path ex:parent ; sh:class ex:Thing ] ;
  sh:property [ sh:path ex:flag ; sh:hasValue true ] ;
  sh:property [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ;
                sh:qualifiedMinCount 1 ] ;
  sh:property [ sh:path ex:forbidden ; sh:maxCount 0 ] ;
  sh:property [ sh:path ex:kind ; sh:minCount 1 ; sh:maxCount 2 ] ;
  sh:sparql [ sh:prefixes ex:prefixes ;
              sh:message "anak lebih besar dari induk"@id , "child larger than parent"@en ;
              sh:select "SELECT $this (ex:count AS ?path) ?value WHERE { $this ex:parent ?p ; ex:count ?value . ?p ex:count ?pc . FILTER(isNumeric(?value) && ?value > ?pc) }" ] .

ex:NodeTargetShape a sh:NodeShape ;
  sh:targetNode ex:lonely ;
  sh:severity sh:Info ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
)

DATA = (
    PREFIXES
    + """
ex:SubThing rdfs:subClassOf ex:Thing .
ex:good a ex:Thing ; ex:name "Good" ; ex:label "baik"@id , "good"@en ; ex:count 5 ; ex:kind ex:a ;
  ex:flag true .
ex:t1 a ex:Thing ; ex:name "x" , "Yy" ; ex:label "a"@id , "b"@id , "c"@fr ; ex:count 120 , -1 ;
  ex:kind ex:c , "a" , ex:b ; ex:parent ex:nothing ; ex:flag false .
ex:t2 a ex:SubThing ; ex:count "7" ; ex:parent ex:good ; ex:flag true ; ex:name "lowercase" ;
  ex:forbidden 1 , 2 .
ex:t3 a ex:Thing ; ex:name 42 ; ex:count 9 ; ex:parent ex:good ; ex:flag true .
ex:t4 a ex:Thing ; ex:name "Far Too Long A Name" ; ex:flag true ; ex:count 50 ; ex:parent ex:t3 .
ex:lonely ex:other 1 .
"""
)


def pyshacl_keys(data: rdflib.Graph, shapes: rdflib.Graph) -> set[tuple[str, str, str | None, str, str]]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
    # Read as our findings' keys: one reading, shared with scripts/bench_validation.py.
    reference = import_script("shacl_reference")
    keys: set[tuple[str, str, str | None, str, str]] = reference.pyshacl_keys(report, shapes)
    return keys


def engine_keys(data: rdflib.Graph, shapes: rdflib.Graph) -> set[tuple[str, str, str | None, str, str]]:
    store = EmbeddedStore(None)
    graph = "http://example.org/graph"
    store.load_rdf(data.serialize(format="nt"), fmt="ntriples", graph=graph)
    findings = validate(store, Shapes.from_graph(shapes), [graph])
    # pySHACL reports one result per value node; our engine too, but keyed without the value.
    return {f.key() for f in findings}


def test_findings_equal_pyshacl_for_every_supported_component() -> None:
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    data = rdflib.Graph().parse(data=DATA, format="turtle")
    expected = pyshacl_keys(data, shapes)
    assert len(expected) >= 15  # the fixture really exercises the components
    assert engine_keys(data, shapes) == expected


def test_count_constraints_of_a_shape_share_one_query() -> None:
    shapes = Shapes.from_graph(rdflib.Graph().parse(data=SHAPES, format="turtle"))
    count = {str(SH.MinCountConstraintComponent), str(SH.MaxCountConstraintComponent)}
    counts = [q for q in shapes.queries if {c.component for c in q.constraints} <= count]
    # ThingShape: ex:name min 1 and max 1, ex:forbidden max 0, ex:kind min 1 in one pass, and
    # ex:kind max 2 counted apart; NodeTargetShape: ex:name min 1.
    assert sorted(len(q.constraints) for q in counts) == [1, 1, 4]
    assert sum(len(q.constraints) for q in shapes.queries) == len(shapes.constraints)


def test_threads_do_not_change_the_findings_or_their_order() -> None:
    shapes = Shapes.from_graph(rdflib.Graph().parse(data=SHAPES, format="turtle"))
    store = EmbeddedStore(None)
    store.load_rdf(
        rdflib.Graph().parse(data=DATA, format="turtle").serialize(format="nt"), fmt="ntriples", graph="urn:g"
    )
    timings: dict[str, float] = {}
    one = validate(store, shapes, ["urn:g"], workers=1)
    several = validate(store, shapes, ["urn:g"], workers=3, timings=timings)
    assert one == several and len(one) >= 15
    assert set(timings) == {q.label for q in shapes.queries}


def test_sparql_targets_that_repeat_their_rule_are_not_run_again() -> None:
    # A shape whose SHACL-AF target is its constraint's own query (deklarasi.ttl, koherensi.ttl, data-cube.ttl)
    # is one query: joining the target would evaluate the same query twice.
    shapes = Shapes.load(PROJECT_DIR / "shapes")
    graph = shapes.graph
    targeted = {str(s) for s in graph.subjects(SH.target, None)}
    assert len(targeted) >= 10
    for c in shapes.constraints:
        if c.shape in targeted:
            assert "SELECT DISTINCT ?this WHERE" not in c.query, c.shape


def test_sparql_type_errors_follow_the_specification() -> None:
    # rdflib's engine (inside pySHACL) reads "7" > 5 as true; SPARQL 1.1 calls it a type
    # error, so Oxigraph drops the row. Shapes therefore guard comparisons with isNumeric().
    store = EmbeddedStore(None)
    result = store.query('ASK { FILTER("7" > 5) }', default_graph=[])
    assert bool(result) is False


def test_clean_data_gives_no_findings() -> None:
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    data = rdflib.Graph().parse(
        data=PREFIXES
        + 'ex:good a ex:Thing ; ex:name "Good" ; ex:label "good"@en ; ex:flag true ; ex:kind ex:a .\n'
        + 'ex:lonely ex:name "L" .',
        format="turtle",
    )
    assert pyshacl_keys(data, shapes) == set() == engine_keys(data, shapes)


def test_untranslated_component_is_refused_not_skipped() -> None:
    shapes = rdflib.Graph().parse(
        data=PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; "
        "sh:property [ sh:path ex:name ; sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] ) ] .",
        format="turtle",
    )
    with pytest.raises(ReferenceDataError, match="#or"):
        Shapes.from_graph(shapes)
