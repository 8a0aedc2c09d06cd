"""The shared ontology in ``ontology/*.ttl``: parses, is complete, and stays instance-neutral."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
)

from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, sparql_prefixes
from graph.read.mappings import AccessLevel, RegionLevel

ONTOLOGY = Path(__file__).resolve().parents[3] / "ontology"
FILES = sorted(ONTOLOGY.glob("*.ttl"))
BASE = "https://example.org/"
# A second instance, with a path in its base, as another regency would deploy it.
OTHER_BASE = "https://satudata.example.net/kabupaten-lain/"

Term = NamedNode | BlankNode | Literal | Triple

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
XSD = PREFIXES["xsd"]

# The indicators the brief asks for: slug -> (unit, value datatype, producer, measure kind).
EXPECTED_INDICATORS = {
    "jumlah-penduduk": ("jiwa", "integer", "disdukcapil", "kindCount"),
    "balita-ditimbang": ("jiwa", "integer", "dinkes", "kindCount"),
    "balita-stunting": ("jiwa", "integer", "dinkes", "kindCount"),
    "prevalensi-stunting": ("persen", "decimal", "dinkes", "kindPercentage"),
    "jumlah-sekolah": ("unit", "integer", "disdik", "kindCount"),
    "jumlah-murid": ("jiwa", "integer", "disdik", "kindCount"),
    "murid-putus-sekolah": ("jiwa", "integer", "disdik", "kindCount"),
    "kpm-pkh": ("keluarga", "integer", "dinsos", "kindCount"),
    "kpm-bpnt": ("keluarga", "integer", "dinsos", "kindCount"),
    "luas-wilayah": ("km2", "decimal", "bps", "kindArea"),
    "proyeksi-penduduk": ("jiwa", "integer", "bps", "kindCount"),
    "jumlah-rumah-tangga": ("rumah-tangga", "integer", "dpupr", "kindCount"),
    "rt-air-minum-layak": ("rumah-tangga", "integer", "dpupr", "kindCount"),
    "rt-sanitasi-layak": ("rumah-tangga", "integer", "dpupr", "kindCount"),
    "persen-air-minum-layak": ("persen", "decimal", "dpupr", "kindPercentage"),
    "indeks-ketahanan-sosial": ("indeks", "decimal", "dpmd", "kindIndex"),
    "indeks-ketahanan-ekonomi": ("indeks", "decimal", "dpmd", "kindIndex"),
    "indeks-ketahanan-lingkungan": ("indeks", "decimal", "dpmd", "kindIndex"),
    "nilai-idm": ("indeks", "decimal", "dpmd", "kindIndex"),
}
# Categorical indicators (values from a code list, issue 17): slug -> (code list, producer).
CATEGORICAL_INDICATORS = {
    "status-idm": ("status-idm", "dpmd"),
    "target-status-idm": ("status-idm", "dpmd"),
}
REGIONAL_AGENCIES = {
    "dpmd",
    "disdukcapil",
    "dinkes",
    "disdik",
    "dinsos",
    "dpupr",
    "bappeda",
    "diskominfo",
}


def _quads(path: Path, base: str = BASE) -> list[Quad]:
    return list(parse(path=path, format=RdfFormat.TURTLE, base_iri=base))


def _graph_name(path: Path) -> NamedNode:
    return NamedNode(f"urn:onecenter:test:ontology:{path.name}")


def _load_all(base: str) -> Store:
    store = Store()
    for path in FILES:
        store.load(path=path, format=RdfFormat.TURTLE, base_iri=base, to_graph=_graph_name(path))
    return store


@pytest.fixture(scope="module")
def store() -> Store:
    return _load_all(BASE)


def _select(store: Store, query: str) -> list[dict[str, Term]]:
    results = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: row[n] for n in names} for row in results]


def _iri(term: Term) -> NamedNode:
    assert isinstance(term, NamedNode), f"expected an IRI, got {term}"
    return term


def _text(term: Term) -> str:
    assert isinstance(term, Literal), f"expected a literal, got {term}"
    return term.value


def _values(store: Store, subject: Term, predicate: str) -> list[Term]:
    return [q.object for q in store.quads_for_pattern(_iri(subject), NamedNode(predicate), None)]


def _subjects(store: Store, predicate: str, obj: Term) -> list[NamedNode]:
    return [_iri(q.subject) for q in store.quads_for_pattern(None, NamedNode(predicate), obj)]


def _langs(store: Store, subject: Term, predicate: str) -> set[str]:
    return {
        o.language
        for o in _values(store, subject, predicate)
        if isinstance(o, Literal) and o.language and o.value.strip()
    }


def _rdfs(name: str) -> str:
    return PREFIXES["rdfs"] + name


def _skos(name: str) -> str:
    return PREFIXES["skos"] + name


def _is_a(store: Store, subject: Term, cls: str) -> bool:
    return any(store.quads_for_pattern(_iri(subject), RDF_TYPE, NamedNode(cls)))


def _indicators(store: Store) -> list[NamedNode]:
    return sorted(set(_subjects(store, RDF_TYPE.value, NamedNode(OC + "Indicator"))), key=str)


# --- files -------------------------------------------------------------------------------


def test_ontology_folder_holds_the_four_shared_files() -> None:
    names = {p.name for p in FILES}
    assert {"onecenter.ttl", "agencies.ttl", "indicators.ttl", "dimensions.ttl"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_ontology_file_parses_as_turtle(path: Path) -> None:
    assert len(_quads(path)) > 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ontology_files_leave_the_base_iri_to_the_instance(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(@base|BASE)\b", text, flags=re.MULTILINE | re.IGNORECASE)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ontology_files_name_no_particular_regency(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "pesawaran" not in text.lower()
    assert "18.09" not in text  # Pesawaran's Kemendagri code


@pytest.mark.parametrize("base", [BASE, OTHER_BASE])
def test_relative_iris_resolve_under_the_load_base(base: str) -> None:
    store = _load_all(base)
    iris = Iris(base)
    indicator = NamedNode(iris.indicator("jumlah-penduduk"))
    assert _is_a(store, indicator, OC + "Indicator")
    assert _is_a(store, NamedNode(iris.agency("dinkes")), PREFIXES["org"] + "Organization")
    assert _is_a(store, NamedNode(iris.code("jenis-kelamin", "L")), _skos("Concept"))
    assert _is_a(store, NamedNode(f"{base}id/satuan/jiwa"), OC + "Unit")
    dimension = NamedNode(f"{base}id/dimensi/jenjang")
    assert _is_a(store, dimension, PREFIXES["qb"] + "DimensionProperty")
    producer = _values(store, indicator, OC + "producer")
    assert producer == [NamedNode(iris.agency("disdukcapil"))]


# onecenter.ttl is the shared oc: vocabulary; qb-sdmx.ttl restates the qb and SDMX terms
# every structure uses (their own IRIs, with attribution).
@pytest.mark.parametrize(
    "path", [p for p in FILES if p.name not in ("onecenter.ttl", "qb-sdmx.ttl")], ids=lambda p: p.name
)
def test_instance_files_mint_subjects_only_under_the_load_base(path: Path) -> None:
    outside = {
        q.subject.value
        for q in _quads(path, OTHER_BASE)
        if isinstance(q.subject, NamedNode) and not q.subject.value.startswith(OTHER_BASE)
    }
    assert not outside, f"{path.name}: subjects not under the instance base: {sorted(outside)}"


# --- the oc: vocabulary ------------------------------------------------------------------


def _declared_oc_terms() -> set[str]:
    return {
        q.subject.value
        for q in _quads(ONTOLOGY / "onecenter.ttl")
        if isinstance(q.subject, NamedNode) and q.subject.value.startswith(OC) and q.predicate == RDF_TYPE
    }


def test_every_oc_term_used_in_any_file_is_declared_in_onecenter_ttl() -> None:
    used = {
        term.value
        for path in FILES
        for q in _quads(path)
        for term in (q.subject, q.predicate, q.object)
        if isinstance(term, NamedNode) and term.value.startswith(OC)
    }
    assert used - _declared_oc_terms() == set()


def test_every_oc_term_has_label_and_comment_in_indonesian_and_english(store: Store) -> None:
    lacking = []
    for term in sorted(_declared_oc_terms()):
        node = NamedNode(term)
        for predicate in ("label", "comment"):
            if _langs(store, node, _rdfs(predicate)) < {"id", "en"}:
                lacking.append(f"{term} rdfs:{predicate}")
    assert not lacking


def test_vocabulary_is_an_owl_ontology_with_bilingual_title_version_and_licence(
    store: Store,
) -> None:
    ontology = NamedNode("https://w3id.org/onecenter/def")
    assert _is_a(store, ontology, PREFIXES["owl"] + "Ontology")
    assert _langs(store, ontology, PREFIXES["dcterms"] + "title") >= {"id", "en"}
    assert _values(store, ontology, PREFIXES["owl"] + "versionInfo")
    assert _values(store, ontology, PREFIXES["dcterms"] + "license")


def test_region_levels_match_the_mapping_levels_and_are_ranked_top_down(store: Store) -> None:
    rows = _select(
        store,
        """
        SELECT ?notation ?rank WHERE {
          ?level skos:inScheme oc:RegionLevelScheme ; a oc:RegionLevel ;
                 skos:notation ?notation ; oc:levelRank ?rank .
          FILTER NOT EXISTS { ?level skos:broader ?any }
        } ORDER BY ?rank""",
    )
    assert [(_text(r["notation"]), int(_text(r["rank"]))) for r in rows] == [
        (level, rank) for rank, level in enumerate(get_args(RegionLevel), start=1)
    ]


def test_access_levels_match_the_mapping_access_values(store: Store) -> None:
    rows = _select(store, "SELECT ?n WHERE { ?c a oc:AccessLevel ; skos:notation ?n }")
    assert {_text(r["n"]) for r in rows} == set(get_args(AccessLevel))


def test_kemendagri_and_bps_codes_are_distinct_datatypes(store: Store) -> None:
    for name in ("KemendagriCode", "BPSCode"):
        assert _is_a(store, NamedNode(OC + name), _rdfs("Datatype"))


def test_every_concept_scheme_lists_its_top_concepts_both_ways_with_notations(
    store: Store,
) -> None:
    rows = _select(
        store,
        """
        SELECT ?scheme ?concept WHERE {
          { ?scheme skos:hasTopConcept ?concept } UNION { ?concept skos:topConceptOf ?scheme }
          FILTER NOT EXISTS { ?scheme a skos:ConceptScheme ; skos:hasTopConcept ?concept .
                              ?concept a skos:Concept ; skos:inScheme ?scheme ;
                                       skos:topConceptOf ?scheme ; skos:notation ?n }
        }""",
    )
    assert rows == []


# --- indicators ----------------------------------------------------------------------------


def test_the_indicator_list_is_the_agreed_one(store: Store) -> None:
    slugs = {i.value.removeprefix(Iris(BASE).indicator("")) for i in _indicators(store)}
    assert slugs == set(EXPECTED_INDICATORS) | set(CATEGORICAL_INDICATORS)


@pytest.mark.parametrize("slug", sorted(CATEGORICAL_INDICATORS))
def test_a_categorical_indicator_names_its_code_list_of_ranked_concepts(store: Store, slug: str) -> None:
    code_list, producer = CATEGORICAL_INDICATORS[slug]
    node = NamedNode(Iris(BASE).indicator(slug))
    scheme = NamedNode(f"{BASE}id/kode/{code_list}")
    assert _values(store, node, _rdfs("range")) == [NamedNode(PREFIXES["skos"] + "Concept")]
    assert _values(store, node, PREFIXES["qb"] + "codeList") == [scheme]
    assert _values(store, node, OC + "measureKind") == [NamedNode(OC + "kindCategorical")]
    assert _values(store, node, OC + "producer") == [NamedNode(Iris(BASE).agency(producer))]
    concepts = _subjects(store, PREFIXES["skos"] + "inScheme", scheme)
    ranks = sorted(int(getattr(_values(store, c, OC + "categoryRank")[0], "value", "0")) for c in concepts)
    assert ranks == list(range(1, len(concepts) + 1)) and len(concepts) >= 2


@pytest.mark.parametrize("slug", sorted(EXPECTED_INDICATORS))
def test_indicator_has_the_agreed_unit_datatype_producer_and_kind(store: Store, slug: str) -> None:
    unit, datatype, producer, kind = EXPECTED_INDICATORS[slug]
    node = NamedNode(Iris(BASE).indicator(slug))
    assert _values(store, node, OC + "unit") == [NamedNode(f"{BASE}id/satuan/{unit}")]
    assert _values(store, node, _rdfs("range")) == [NamedNode(XSD + datatype)]
    assert _values(store, node, OC + "producer") == [NamedNode(Iris(BASE).agency(producer))]
    assert _values(store, node, OC + "measureKind") == [NamedNode(OC + kind)]


def test_every_indicator_has_labels_and_definitions_in_indonesian_and_english(
    store: Store,
) -> None:
    for indicator in _indicators(store):
        assert _langs(store, indicator, _rdfs("label")) >= {"id", "en"}, indicator
        assert _langs(store, indicator, _skos("definition")) >= {"id", "en"}, indicator


def test_every_indicator_is_a_measure_with_unit_range_concept_and_declared_producer(
    store: Store,
) -> None:
    for indicator in _indicators(store):
        assert _is_a(store, indicator, PREFIXES["qb"] + "MeasureProperty"), indicator
        assert NamedNode(PREFIXES["sdmx-measure"] + "obsValue") in _values(
            store, indicator, _rdfs("subPropertyOf")
        ), indicator
        (unit,) = _values(store, indicator, OC + "unit")
        assert _is_a(store, unit, OC + "Unit") and _values(store, unit, _skos("notation"))
        assert _langs(store, unit, _skos("prefLabel")) >= {"id", "en"}, unit
        (datatype,) = _values(store, indicator, _rdfs("range"))
        coded = bool(_values(store, indicator, PREFIXES["qb"] + "codeList"))  # categorical: concepts
        allowed = (
            {NamedNode(_skos("Concept"))}
            if coded
            else {NamedNode(XSD + "integer"), NamedNode(XSD + "decimal")}
        )
        assert datatype in allowed, indicator
        (producer,) = _values(store, indicator, OC + "producer")
        assert _is_a(store, producer, PREFIXES["org"] + "Organization"), producer
        (kind,) = _values(store, indicator, OC + "measureKind")
        assert _is_a(store, kind, OC + "MeasureKind"), indicator
        (concept,) = _values(store, indicator, PREFIXES["qb"] + "concept")
        assert _is_a(store, concept, _skos("Concept")), concept
        assert _values(store, concept, _skos("inScheme")), concept


def test_counts_are_integers_and_percentages_are_decimal_percent_with_a_known_fraction(
    store: Store,
) -> None:
    for indicator in _indicators(store):
        (kind,) = _values(store, indicator, OC + "measureKind")
        (datatype,) = _values(store, indicator, _rdfs("range"))
        if kind == NamedNode(OC + "kindCount"):
            assert datatype == NamedNode(XSD + "integer"), indicator
        if kind == NamedNode(OC + "kindPercentage"):
            assert datatype == NamedNode(XSD + "decimal"), indicator
            assert _values(store, indicator, OC + "unit") == [NamedNode(f"{BASE}id/satuan/persen")]
            for part in ("numerator", "denominator"):
                (other,) = _values(store, indicator, OC + part)
                assert _values(store, other, OC + "measureKind") == [NamedNode(OC + "kindCount")]


# --- dimensions and code lists -----------------------------------------------------------


def test_every_dimension_code_list_has_codes_with_notations_at_their_template_iris(
    store: Store,
) -> None:
    rows = _select(
        store,
        """
        SELECT ?dimension ?scheme WHERE {
          ?dimension a qb:DimensionProperty , qb:CodedProperty ; qb:codeList ?scheme .
          ?scheme a skos:ConceptScheme .
        }""",
    )
    assert len(rows) >= 2
    iris = Iris(BASE)
    for row in rows:
        dimension, scheme = _iri(row["dimension"]), _iri(row["scheme"])
        assert _langs(store, dimension, _rdfs("label")) >= {"id", "en"}, dimension
        slug = dimension.value.removeprefix(f"{BASE}id/dimensi/")
        assert scheme == NamedNode(f"{BASE}id/kode/{slug}")
        codes = _subjects(store, _skos("inScheme"), scheme)
        assert codes, f"code list {scheme} has no codes"
        notations = []
        for code in codes:
            assert _is_a(store, code, _skos("Concept")), code
            assert scheme in _values(store, code, _skos("topConceptOf")), code
            assert _langs(store, code, _skos("prefLabel")) >= {"id", "en"}, code
            (notation,) = _values(store, code, _skos("notation"))
            assert isinstance(notation, Literal) and notation.value
            assert code == NamedNode(iris.code(slug, notation.value))
            notations.append(notation.value)
        assert len(notations) == len(set(notations)), f"duplicate notations in {scheme}"


def test_sex_codes_match_the_sdmx_sex_codes(store: Store) -> None:
    iris = Iris(BASE)
    sdmx_code = PREFIXES["sdmx-code"]
    for notation, sdmx in (("L", "sex-M"), ("P", "sex-F")):
        code = NamedNode(iris.code("jenis-kelamin", notation))
        assert NamedNode(sdmx_code + sdmx) in _values(store, code, _skos("exactMatch"))
    dimension = NamedNode(f"{BASE}id/dimensi/jenis-kelamin")
    assert _values(store, dimension, _rdfs("subPropertyOf")) == [
        NamedNode(PREFIXES["sdmx-dimension"] + "sex")
    ]


def test_education_levels_are_primary_and_junior_secondary(store: Store) -> None:
    rows = _select(
        store,
        "SELECT ?n WHERE { ?c skos:inScheme ?s ; skos:notation ?n . "
        f"FILTER(?s = <{BASE}id/kode/jenjang>) }}",
    )
    assert {_text(r["n"]) for r in rows} == {"SD", "SMP"}


# --- agencies ------------------------------------------------------------------------------


def _agency(slug: str) -> NamedNode:
    return NamedNode(Iris(BASE).agency(slug))


def test_every_agency_is_an_organization_and_agent_with_bilingual_names(store: Store) -> None:
    agencies = _subjects(store, RDF_TYPE.value, NamedNode(PREFIXES["org"] + "Organization"))
    slugs = {a.value.removeprefix(Iris(BASE).agency("")) for a in agencies}
    assert slugs == REGIONAL_AGENCIES | {"pemda", "bps"}
    for agency in agencies:
        assert _is_a(store, agency, PREFIXES["foaf"] + "Agent"), agency
        assert _langs(store, agency, _skos("prefLabel")) >= {"id", "en"}, agency
        assert _langs(store, agency, _rdfs("label")) >= {"id", "en"}, agency


def test_regional_agencies_belong_to_the_regional_government_but_bps_does_not(
    store: Store,
) -> None:
    sub_of = PREFIXES["org"] + "subOrganizationOf"
    for slug in REGIONAL_AGENCIES:
        assert _values(store, _agency(slug), sub_of) == [_agency("pemda")], slug
    assert _values(store, _agency("bps"), sub_of) == []
    assert _values(store, _agency("pemda"), sub_of) == []


def test_agencies_hold_their_satu_data_roles(store: Store) -> None:
    def roles(slug: str) -> set[Term]:
        return set(_values(store, _agency(slug), OC + "satuDataRole"))

    assert roles("diskominfo") == {NamedNode(OC + "roleWalidata")}
    assert roles("bappeda") == {NamedNode(OC + "roleWalidataPendukung")}
    assert NamedNode(OC + "rolePembinaData") in roles("bps")
    for slug in REGIONAL_AGENCIES - {"diskominfo", "bappeda"}:
        assert roles(slug) == {NamedNode(OC + "roleProdusenData")}, slug
    assert len(_subjects(store, OC + "satuDataRole", NamedNode(OC + "roleWalidata"))) == 1


def test_no_blank_node_stands_for_an_instance_thing() -> None:
    # Blank nodes are fine inside OWL axioms (lists, disjointness), never as agencies,
    # indicators, units or codes: those must be linkable.
    for path in FILES:
        if path.name == "onecenter.ttl":
            continue
        assert not any(isinstance(q.subject, BlankNode) for q in _quads(path)), path.name
