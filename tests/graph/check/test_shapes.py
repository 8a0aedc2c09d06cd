"""The SHACL shapes in shapes/*.ttl, run with pyshacl on small hand-written graphs.

Each rule gets a graph that breaks it and one that does not. The graphs use another base
IRI than the demo (https://contoh.example/) to show that no shape hard-codes the base.
Every graph given to pyshacl here is also validated by our engine (graph/check/engine.py),
which must report the same results: the shapes are written for Oxigraph's planner (see
koherensi.ttl), so this is where a rewrite that changes what a rule finds shows up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyshacl import validate
from rdflib.namespace import RDF, RDFS, SH

from graph.check.engine import validate as engine_validate
from graph.check.shapes import Shapes
from graph.settings import PROJECT_DIR
from graph.store.embedded import EmbeddedStore
from tests.scripts import import_script

# Slow: each rule is judged by pySHACL and by the engine on its own graphs.
pytestmark = pytest.mark.slow

SHAPES_DIR = PROJECT_DIR / "shapes"
SHAPE_FILES = sorted(SHAPES_DIR.glob("*.ttl"))
OCS = rdflib.Namespace("https://w3id.org/onecenter/shapes#")
BASE = "https://contoh.example/"
THIS_YEAR = dt.date.today().year

PREFIXES = f"""\
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix oc: <https://w3id.org/onecenter/def#> .
@prefix ind: <{BASE}id/indikator/> .
@prefix satuan: <{BASE}id/satuan/> .
@prefix w: <{BASE}id/wilayah/> .
@prefix per: <{BASE}id/periode/> .
@prefix dim: <{BASE}id/dimensi/> .
@prefix kode: <{BASE}id/kode/> .
@prefix ds: <{BASE}id/dataset/> .
@prefix o: <{BASE}id/observasi/> .
"""

# (slug, unit, datatype)
INDICATORS = [
    ("jumlah-penduduk", "jiwa", "integer"),
    ("proyeksi-penduduk", "jiwa", "integer"),
    ("balita-ditimbang", "jiwa", "integer"),
    ("balita-stunting", "jiwa", "integer"),
    ("prevalensi-stunting", "persen", "decimal"),
    ("jumlah-murid", "jiwa", "integer"),
    ("murid-putus-sekolah", "jiwa", "integer"),
    ("jumlah-rumah-tangga", "rumah-tangga", "integer"),
    ("rt-air-minum-layak", "rumah-tangga", "integer"),
    ("rt-sanitasi-layak", "rumah-tangga", "integer"),
    ("persen-air-minum-layak", "persen", "decimal"),
]


def reference() -> str:
    """Indicators, dimensions, regions (kecamatan K with desa D1, D2) and periods."""
    lines = [PREFIXES]
    for slug, unit, dtype in INDICATORS:
        lines.append(
            f"ind:{slug} a oc:Indicator , qb:MeasureProperty ; oc:unit satuan:{unit} ; rdfs:range xsd:{dtype} ;"
            f' skos:definition "Definisi {slug}."@id ; qb:concept <{BASE}id/konsep/{slug}> .'
        )
    for name in ("jenis-kelamin", "jenjang"):
        lines.append(
            f"dim:{name} a qb:DimensionProperty , qb:CodedProperty ; rdfs:range skos:Concept ; qb:codeList kode:{name} ."
        )
        lines.append(f"kode:{name} a skos:ConceptScheme .")
    for code, dim in (("L", "jenis-kelamin"), ("P", "jenis-kelamin"), ("SD", "jenjang"), ("SMP", "jenjang")):
        lines.append(f"<{BASE}id/kode/{dim}/{code}> a skos:Concept ; skos:inScheme kode:{dim} .")
    lines.append(f"<{BASE}id/skema/wilayah> a skos:ConceptScheme .")
    lines.append(
        f"w:K a skos:Concept ; skos:inScheme <{BASE}id/skema/wilayah> ; oc:regionLevel oc:levelKecamatan ."
    )
    for desa in ("D1", "D2"):
        lines.append(
            f"w:{desa} a skos:Concept ; skos:inScheme <{BASE}id/skema/wilayah> ;"
            " oc:regionLevel oc:levelDesa ; skos:broader w:K ."
        )
    for year in range(2018, THIS_YEAR + 3):
        lines.append(f"per:{year} a oc:Period ; oc:year {year} ; oc:periodType oc:periodYear .")
    return "\n".join(lines) + "\n"


def dataset(name: str, indicators: list[str], dims: tuple[str, ...] = (), last: int = 2024) -> str:
    comps = [
        "[ qb:dimension sdmx-dimension:refArea ]",
        "[ qb:dimension sdmx-dimension:refPeriod ]",
        "[ qb:dimension qb:measureType ]",
        *(f"[ qb:dimension dim:{d} ]" for d in dims),
        *(f"[ qb:measure ind:{i} ]" for i in indicators),
        "[ qb:attribute sdmx-attribute:unitMeasure ]",
    ]
    return f"""
ds:{name} a qb:DataSet ;
    dcterms:title "Judul"@id , "Title"@en ; dcterms:description "Deskripsi"@id ;
    dcterms:publisher <{BASE}id/organisasi/x> ; dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/ANNUAL> ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    oc:lastPeriod per:{last} ;
    oc:cubeOf ds:{name} ;
    qb:structure ds:{name}-dsd .
ds:{name}-dsd a qb:DataStructureDefinition ; qb:component {" , ".join(comps)} .
"""


UNIT = {slug: unit for slug, unit, _ in INDICATORS}
DTYPE = {slug: dtype for slug, _, dtype in INDICATORS}


def obs(name: str, ds: str, indicator: str, region: str, year: int, value: object, **dims: str) -> str:
    dim_triples = "".join(f" ; dim:{d} <{BASE}id/kode/{d}/{c}>" for d, c in dims.items())
    return (
        f"o:{name} a qb:Observation ; qb:dataSet ds:{ds} ; sdmx-dimension:refArea w:{region} ;"
        f" sdmx-dimension:refPeriod per:{year} ; qb:measureType ind:{indicator} ;"
        f' ind:{indicator} "{value}"^^xsd:{DTYPE[indicator]} ; sdmx-attribute:unitMeasure satuan:{UNIT[indicator]} ;'
        f" oc:sourceRow <{BASE}id/berkas/abc/baris/1>{dim_triples} .\n"
    )


def data_graph(*parts: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=reference() + "".join(parts), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in SHAPE_FILES:
        g.parse(path)
    return g


def run(data: rdflib.Graph, shapes: rdflib.Graph) -> list[dict[str, object]]:
    """pyshacl's results, after checking that our engine finds the same on the same graph."""
    _conforms, report, _text = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert engine_keys(data, shapes) == report_keys(report, shapes)
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            {
                "shape": report.value(r, SH.sourceShape),
                "focus": report.value(r, SH.focusNode),
                "path": report.value(r, SH.resultPath),
                "value": report.value(r, SH.value),
                "severity": report.value(r, SH.resultSeverity),
                "component": report.value(r, SH.sourceConstraintComponent),
                "messages": set(report.objects(r, SH.resultMessage)),
            }
        )
    return results


Key = tuple[str, str, str | None, str, str]


# pySHACL's results as our findings' keys: one reading, shared with scripts/bench_validation.py.
report_keys = import_script("shacl_reference").pyshacl_keys


def engine_keys(data: rdflib.Graph, shapes: rdflib.Graph) -> set[Key]:
    store = EmbeddedStore(None)
    store.load_rdf(data.serialize(format="nt"), fmt="ntriples", graph="urn:uji")
    return {f.key() for f in engine_validate(store, Shapes.from_graph(shapes), ["urn:uji"])}


def of_shape(results: list[dict[str, object]], shape: rdflib.URIRef) -> list[dict[str, object]]:
    return [r for r in results if r["shape"] == shape]


def obs_iri(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(f"{BASE}id/observasi/{name}")


def IND(slug: str) -> rdflib.URIRef:  # noqa: N802
    return rdflib.URIRef(f"{BASE}id/indikator/{slug}")


SPARQL = SH.SPARQLConstraintComponent


# --------------------------------------------------------------------------- the files


def test_shape_files_parse_and_every_shape_is_bilingual(shapes: rdflib.Graph) -> None:
    assert {p.name for p in SHAPE_FILES} >= {
        "struktur.ttl",
        "satu-data.ttl",
        "koherensi.ttl",
        "data-cube.ttl",
    }
    all_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    assert len(all_shapes) > 30
    for shape in all_shapes:
        assert isinstance(shape, rdflib.URIRef) and shape.startswith(str(OCS)), shape
        langs = {m.language for m in shapes.objects(shape, SH.message) if isinstance(m, rdflib.Literal)}
        assert {"id", "en"} <= langs, shape
        labels = shapes.objects(shape, RDFS.label)
        assert {lbl.language for lbl in labels if isinstance(lbl, rdflib.Literal)} >= {"id", "en"}, shape
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape
    for constraint in shapes.objects(None, SH.sparql):
        messages = shapes.objects(constraint, SH.message)
        assert {m.language for m in messages if isinstance(m, rdflib.Literal)} >= {"id", "en"}
        assert shapes.value(constraint, SH.prefixes) == OCS.prefixes


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_each_file_works_alone(path: Path) -> None:
    g = rdflib.Graph().parse(path)
    run(data_graph(dataset("a", ["jumlah-penduduk"])), g)


def test_clean_graph_has_no_results(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("a", ["balita-ditimbang", "balita-stunting", "prevalensi-stunting"]),
        obs("w", "a", "balita-ditimbang", "D1", 2023, 100),
        obs("s", "a", "balita-stunting", "D1", 2023, 20),
        obs("p", "a", "prevalensi-stunting", "D1", 2023, "20.4"),
    )
    assert run(data, shapes) == []


# --------------------------------------------------------------------------- structure


def test_observation_structure(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        """o:bad a qb:Observation ; qb:dataSet ds:a ; sdmx-dimension:refArea w:D1 , w:D2 ;
            qb:measureType ind:jumlah-penduduk ; ind:jumlah-penduduk "5"^^xsd:integer .""",
    )
    results = run(data, shapes)
    got = {(r["shape"], r["component"]) for r in results if r["focus"] == obs_iri("bad")}
    assert (OCS["ObservasiStruktur-refArea"], SH.MaxCountConstraintComponent) in got
    assert (OCS["ObservasiStruktur-refPeriod"], SH.MinCountConstraintComponent) in got
    assert (OCS["ObservasiStruktur-unitMeasure"], SH.MinCountConstraintComponent) in got
    assert (OCS["ObservasiStruktur-sourceRow"], SH.MinCountConstraintComponent) in got
    assert all(r["severity"] == SH.Violation for r in results)


@pytest.mark.parametrize(
    "literal",
    ['"5.5"^^xsd:decimal', '"lima"', '"5"^^xsd:string', None],
)
def test_measure_value_numeric_and_typed(shapes: rdflib.Graph, literal: str | None) -> None:
    value = f" ; ind:jumlah-penduduk {literal}" if literal else ""
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        f"""o:x a qb:Observation ; qb:dataSet ds:a ; sdmx-dimension:refArea w:D1 ; sdmx-dimension:refPeriod per:2023 ;
            qb:measureType ind:jumlah-penduduk ; sdmx-attribute:unitMeasure satuan:jiwa ;
            oc:sourceRow <{BASE}id/berkas/abc/baris/1>{value} .""",
    )
    found = of_shape(run(data, shapes), OCS.NilaiUkuranSesuaiRange)
    assert len(found) == 1
    assert found[0]["focus"] == obs_iri("x") and found[0]["path"] == IND("jumlah-penduduk")
    assert found[0]["severity"] == SH.Violation and found[0]["component"] == SPARQL


def test_dataset_structure_and_dsd(shapes: rdflib.Graph) -> None:
    data = data_graph("ds:a a qb:DataSet .\nds:b a qb:DataSet ; qb:structure ds:x , ds:y .")
    results = run(data, shapes)
    dsd = {(r["focus"], r["component"]) for r in of_shape(results, OCS["DatasetStruktur-structure"])}
    assert (rdflib.URIRef(BASE + "id/dataset/a"), SH.MinCountConstraintComponent) in dsd
    assert (rdflib.URIRef(BASE + "id/dataset/b"), SH.MaxCountConstraintComponent) in dsd
    ic2 = {r["focus"] for r in of_shape(results, OCS["IC-2-DSDUnik"])}
    assert ic2 == {rdflib.URIRef(BASE + "id/dataset/a"), rdflib.URIRef(BASE + "id/dataset/b")}


# --------------------------------------------------------------------------- data cube ICs


def test_data_cube_integrity_constraints(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"], dims=("jenis-kelamin",)),
        "ds:empty a qb:DataSet ; qb:structure ds:empty-dsd . ds:empty-dsd a qb:DataStructureDefinition ;"
        " qb:component [ qb:dimension dim:nojangkauan ] . dim:nojangkauan a qb:DimensionProperty .\n",
        obs("ok", "a", "jumlah-penduduk", "D1", 2023, 10, **{"jenis-kelamin": "L"}),
        obs("nosex", "a", "jumlah-penduduk", "D2", 2023, 10),
        obs("dup1", "a", "jumlah-penduduk", "D1", 2022, 10, **{"jenis-kelamin": "P"}),
        obs("dup2", "a", "jumlah-penduduk", "D1", 2022, 11, **{"jenis-kelamin": "P"}),
        obs("badcode", "a", "jumlah-penduduk", "D1", 2021, 10, **{"jenis-kelamin": "X"}),
        obs("othermeasure", "a", "balita-stunting", "D1", 2020, 10, **{"jenis-kelamin": "L"}),
        'o:ok ind:balita-ditimbang "4"^^xsd:integer .\n',
        "ds:a-dsd qb:component [ qb:measure ind:balita-ditimbang ] .\n",
    )
    results = run(data, shapes)

    def focus(shape: str) -> set[object]:
        found = of_shape(results, OCS[shape])
        assert all(r["severity"] == SH.Violation and r["component"] == SPARQL for r in found)
        return {r["focus"] for r in found}

    assert focus("IC-3-DSDMemuatUkuran") == {rdflib.URIRef(BASE + "id/dataset/empty-dsd")}
    assert focus("IC-4-DimensiBerRange") == {rdflib.URIRef(BASE + "id/dimensi/nojangkauan")}
    assert focus("IC-11-SemuaDimensiAda") == {obs_iri("nosex")}
    assert focus("IC-12-TanpaObservasiGanda") == {obs_iri("dup1"), obs_iri("dup2")}
    assert focus("IC-14-UkuranDalamDSD") == {obs_iri("othermeasure")}
    assert focus("IC-15-NilaiUkuranAda") == set()
    assert focus("IC-16-SatuUkuran") == {obs_iri("ok")}
    [ic19] = of_shape(results, OCS["IC-19-KodeDariDaftarKode"])
    assert ic19["focus"] == obs_iri("badcode") and ic19["path"] == rdflib.URIRef(
        BASE + "id/dimensi/jenis-kelamin"
    )
    assert ic19["value"] == rdflib.URIRef(BASE + "id/kode/jenis-kelamin/X")
    assert focus("IC-1-DatasetUnik") == set()


def test_ic1_and_ic15(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        dataset("b", ["jumlah-penduduk"]),
        obs("two", "a", "jumlah-penduduk", "D1", 2023, 10),
        "o:two qb:dataSet ds:b .\n",
        f"""o:novalue a qb:Observation ; qb:dataSet ds:a ; sdmx-dimension:refArea w:D2 ; sdmx-dimension:refPeriod per:2023 ;
            qb:measureType ind:jumlah-penduduk ; sdmx-attribute:unitMeasure satuan:jiwa ; oc:sourceRow <{BASE}x> .""",
    )
    results = run(data, shapes)
    assert {r["focus"] for r in of_shape(results, OCS["IC-1-DatasetUnik"])} == {obs_iri("two")}
    [ic15] = of_shape(results, OCS["IC-15-NilaiUkuranAda"])
    assert ic15["focus"] == obs_iri("novalue") and ic15["path"] == IND("jumlah-penduduk")


# --------------------------------------------------------------------------- Satu Data


def test_metadata_principle(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("ok", ["jumlah-penduduk"]),
        'ds:bad a qb:DataSet ; dcterms:title "Only English"@en ; qb:structure ds:ok-dsd .\n',
    )
    results = [r for r in run(data, shapes) if str(r["shape"]).startswith(str(OCS["DatasetMetadata-"]))]
    assert {r["focus"] for r in results} == {rdflib.URIRef(BASE + "id/dataset/bad")}
    assert {str(r["shape"]).rsplit("-", 1)[-1] for r in results} == {
        "id",
        "description",
        "publisher",
        "license",
        "accrualPeriodicity",
        "accessRights",
    }
    title = [r for r in results if r["shape"] == OCS["DatasetMetadata-title-id"]][0]
    assert title["component"] == SH.QualifiedMinCountConstraintComponent
    assert title["path"] == rdflib.URIRef("http://purl.org/dc/terms/title")
    assert all(r["severity"] == SH.Violation for r in results)


def test_data_standard_principle(shapes: rdflib.Graph) -> None:
    data = data_graph('ind:baru a oc:Indicator , qb:MeasureProperty ; skos:definition "A definition"@en .\n')
    results = [r for r in run(data, shapes) if str(r["shape"]).startswith(str(OCS["IndikatorStandarData-"]))]
    assert {r["focus"] for r in results} == {IND("baru")}
    assert {str(r["shape"]).rsplit("-", 1)[-1] for r in results} == {"definition", "unit", "concept", "range"}


def test_reference_code_principle(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        obs("ok", "a", "jumlah-penduduk", "D1", 2023, 10),
        obs("bad", "a", "jumlah-penduduk", "ZZ", 2023, 10),
        "w:NOSCHEME a skos:Concept ; oc:regionLevel oc:levelDesa .\n",
        obs("noscheme", "a", "jumlah-penduduk", "NOSCHEME", 2023, 10),
    )
    found = of_shape(run(data, shapes), OCS.KodeReferensiWilayah)
    assert {r["focus"] for r in found} == {obs_iri("bad"), obs_iri("noscheme")}
    assert {r["path"] for r in found} == {
        rdflib.URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
    }
    assert all(r["severity"] == SH.Violation and r["component"] == SPARQL for r in found)


# --------------------------------------------------------------------------- coherence

# The rules written by hand in koherensi.ttl; the generated ones are in test_declared_checks.py.
COHERENCE = [
    (
        "PeriodeTidakDiMasaDepan",
        SH.Violation,
        [obs("f", "a", "jumlah-penduduk", "D1", THIS_YEAR + 1, 10)],
        [obs("f", "a", "jumlah-penduduk", "D1", THIS_YEAR, 10)],
        "f",
        None,
    ),
]


@pytest.mark.parametrize("case", COHERENCE, ids=lambda c: c[0])
def test_coherence_rule(shapes: rdflib.Graph, case: tuple[Any, ...]) -> None:
    name, severity, bad, good, focus, path = case
    structure = dataset("a", [s for s, _, _ in INDICATORS], dims=("jenis-kelamin", "jenjang")) + dataset(
        "b", ["proyeksi-penduduk"]
    )
    found = of_shape(run(data_graph(structure, *bad), shapes), OCS[name])
    assert len(found) == 1, found
    [r] = found
    assert r["focus"] == obs_iri(focus)
    expected_path = (
        IND(path) if path else rdflib.URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")
    )
    assert r["path"] == expected_path
    assert r["severity"] == severity and r["component"] == SPARQL
    # pyshacl fills {?var} into sh:message and drops the language tag
    messages = r["messages"]
    assert isinstance(messages, set) and len(messages) == 2 and not any("{?" in m for m in messages)
    assert of_shape(run(data_graph(structure, *good), shapes), OCS[name]) == []


def test_dataset_up_to_date(shapes: rdflib.Graph) -> None:
    data = data_graph(
        dataset("old", ["jumlah-penduduk"], last=THIS_YEAR - 3),
        dataset("fresh", ["jumlah-penduduk"], last=THIS_YEAR - 2),
    )
    [r] = of_shape(run(data, shapes), OCS.DatasetMutakhir)
    assert r["focus"] == rdflib.URIRef(BASE + "id/dataset/old")
    assert r["path"] == rdflib.URIRef("https://w3id.org/onecenter/def#lastPeriod")
    assert r["severity"] == SH.Warning and r["component"] == SPARQL


@pytest.mark.parametrize("case", COHERENCE, ids=lambda c: c[0])
def test_sparql_target_only_preselects(case: tuple[Any, ...]) -> None:
    """Targeting every observation instead of the SPARQL target gives the same results."""
    name = OCS[case[0]]
    targeted = rdflib.Graph().parse(SHAPES_DIR / "koherensi.ttl")
    plain = rdflib.Graph()
    for t in targeted:
        if t[1] != SH.target:
            plain.add(t)
    plain.add((name, SH.targetClass, rdflib.URIRef("http://purl.org/linked-data/cube#Observation")))
    structure = dataset("a", [s for s, _, _ in INDICATORS], dims=("jenis-kelamin", "jenjang")) + dataset(
        "b", ["proyeksi-penduduk"]
    )

    def key(results: list[dict[str, object]]) -> set[tuple[object, ...]]:
        return {(r["focus"], r["path"], r["value"], r["severity"]) for r in of_shape(results, name)}

    for parts in (case[2], case[3]):
        data = data_graph(structure, *parts)
        assert key(run(data, targeted)) == key(run(data, plain))
