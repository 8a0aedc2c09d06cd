"""RegionIndex: the shipped Lampung code list and its SKOS publication.

Expected figures come from the official sources described in ontology/codes/SOURCES.md and
/work/shared/reference/SOURCES.md (Kepmendagri 2025 counts, the BPS bridge, the 2022 edition).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from graph.errors import ReferenceDataError
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, SKOS
from graph.reference.regions import RegionIndex

REPO = Path(__file__).resolve().parents[3]
CODES = REPO / "ontology" / "codes" / "wilayah_lampung.csv"
BASE = "https://example.org/"
IRIS = Iris(BASE)

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
BROADER = NamedNode(SKOS + "broader")
NOTATION = NamedNode(SKOS + "notation")
PREF_LABEL = NamedNode(SKOS + "prefLabel")
KEMENDAGRI_CODE = NamedNode(OC + "KemendagriCode")
BPS_CODE = NamedNode(OC + "BPSCode")
NAME_2022 = NamedNode(OC + "nameEdition2022")
# The four Pesawaran desa of the 2022 decree that the 2024 BPS bridge does not know yet.
NEW_PESAWARAN_DESA = ["18.09.02.2020", "18.09.02.2021", "18.09.05.2032", "18.09.11.2011"]
TOTAL_REGIONS = 1 + 15 + 229 + 2651


@pytest.fixture(scope="module")
def index() -> RegionIndex:
    return RegionIndex.from_csv(CODES)


@pytest.fixture(scope="module")
def store(index: RegionIndex) -> Store:
    store = Store()
    store.load(index.to_ntriples(IRIS).encode("utf-8"), format=RdfFormat.N_TRIPLES)
    return store


def region(code: str) -> NamedNode:
    return NamedNode(f"{BASE}id/wilayah/{code}")


def objects(store: Store, subject: NamedNode, predicate: NamedNode) -> list[object]:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None)]


def parent_code(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


# --- the code list -------------------------------------------------------------------------


def test_lampung_has_1_province_15_kabupaten_229_kecamatan_2651_desa(index):
    counts = Counter(index.levels.values())
    assert counts == {"provinsi": 1, "kabupaten": 15, "kecamatan": 229, "desa": 2651}


def test_kinds_split_kabupaten_kota_and_desa_kelurahan(index):
    kinds = Counter(index.frame["jenis"])
    assert kinds["kabupaten"] == 13 and kinds["kota"] == 2
    assert kinds["desa"] == 2446 and kinds["kelurahan"] == 205


def test_pesawaran_has_11_kecamatan_and_148_desa(index):
    assert len(index.descendants("18.09", "kecamatan")) == 11
    assert len(index.descendants("18.09", "desa")) == 148
    assert {index.parents[c] for c in index.descendants("18.09", "kecamatan")} == {"18.09"}
    assert index.label("18.09") == "Kabupaten Pesawaran"


def test_descendants_do_not_leak_into_codes_sharing_a_prefix(index):
    # 18.09.1x kecamatan must not be counted as children of 18.09.01.
    within = index.descendants("18.09.01", "desa")
    assert within and all(c.startswith("18.09.01.") for c in within)


def test_every_parent_code_is_the_code_less_its_last_part(index):
    for code, parent in index.parents.items():
        assert parent == parent_code(code)
        if parent:
            assert parent in index.names


def test_bps_codes_map_to_kemendagri_codes_of_another_system(index):
    assert index.bps_to_kemendagri["1809050"] == "18.09.01"
    # BPS 1801 is Lampung Barat, which Kemendagri codes 18.04.
    assert index.bps_to_kemendagri["1801"] == "18.04"
    assert index.bps_to_kemendagri["1801042001"] == "18.04.22.2001"


def test_missing_code_list_file_is_a_reference_data_error(tmp_path):
    with pytest.raises(ReferenceDataError):
        RegionIndex.from_csv(tmp_path / "tidak_ada.csv")


def test_code_list_without_required_columns_is_a_reference_data_error(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text("kode,nama\n18,Lampung\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="kode_bps"):
        RegionIndex.from_csv(path)


# --- the SKOS publication ---------------------------------------------------------------------


def test_every_region_is_a_skos_concept_in_the_scheme(store):
    concept = NamedNode(SKOS + "Concept")
    in_scheme = NamedNode(SKOS + "inScheme")
    scheme = NamedNode(IRIS.region_scheme)
    concepts = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, concept)}
    assert len(concepts) == TOTAL_REGIONS
    assert {q.subject for q in store.quads_for_pattern(None, in_scheme, scheme)} == concepts


def test_every_region_but_the_province_has_broader_to_its_parent(store, index):
    for code in index.names:
        broader = objects(store, region(code), BROADER)
        if code == "18":
            assert broader == []
        else:
            assert broader == [region(parent_code(code))], code


def test_province_is_the_top_concept(store):
    top = NamedNode(SKOS + "topConceptOf")
    subjects = [q.subject for q in store.quads_for_pattern(None, top, None)]
    assert subjects == [region("18")]


def test_broader_links_are_consistent_in_sparql(store):
    # Count via SPARQL: every concept except the province has exactly one broader concept.
    query = f"""
        PREFIX skos: <{SKOS}>
        SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s skos:broader ?p . ?p a skos:Concept }}
    """
    [row] = list(store.query(query))
    assert int(row["n"].value) == TOTAL_REGIONS - 1


def test_kemendagri_and_bps_notations_are_separate_typed_literals(store):
    notations = set(objects(store, region("18.09.01"), NOTATION))
    assert notations == {
        Literal("18.09.01", datatype=KEMENDAGRI_CODE),
        Literal("1809050", datatype=BPS_CODE),
    }


def test_every_region_has_exactly_one_kemendagri_notation_equal_to_its_code(store, index):
    query = f"""
        PREFIX skos: <{SKOS}>
        SELECT ?s ?code WHERE {{
            ?s skos:notation ?code . FILTER(DATATYPE(?code) = <{KEMENDAGRI_CODE.value}>)
        }}
    """
    found: Counter[str] = Counter()
    for row in store.query(query):
        code = row["code"].value
        assert row["s"] == region(code)
        found[code] += 1
    assert set(found) == set(index.names)
    assert set(found.values()) == {1}


def test_bps_notation_is_found_by_sparql_for_a_kemendagri_code(store):
    query = f"""
        PREFIX skos: <{SKOS}>
        PREFIX oc: <{OC}>
        SELECT ?bps WHERE {{
            ?s skos:notation "18.04.22.2001"^^oc:KemendagriCode ;
               skos:notation ?bps . FILTER(DATATYPE(?bps) = oc:BPSCode)
        }}
    """
    assert [row["bps"].value for row in store.query(query)] == ["1801042001"]


def test_regions_missing_from_the_bps_bridge_have_no_bps_notation(store):
    for code in NEW_PESAWARAN_DESA:
        notations = objects(store, region(code), NOTATION)
        assert notations == [Literal(code, datatype=KEMENDAGRI_CODE)], code


def test_39_regions_have_no_bps_notation(store):
    # The 2024 BPS bridge lacks kecamatan 18.08.15 Umpu Semenguk and 38 desa
    # (/work/shared/reference/SOURCES.md): 39 regions without a BPS code.
    with_bps = {
        q.subject for q in store.quads_for_pattern(None, NOTATION, None) if q.object.datatype == BPS_CODE
    }
    assert len(with_bps) == TOTAL_REGIONS - 39
    assert region("18.08.15") not in with_bps


def test_renamed_desa_keeps_its_2022_name_as_an_edition_label(store):
    subject = region("18.09.11.2004")
    assert objects(store, subject, PREF_LABEL) == [Literal("Ceringin Asri", language="id")]
    assert objects(store, subject, NAME_2022) == [Literal("Ceringin Sari", language="id")]


def test_unchanged_names_get_no_2022_edition_label(store):
    # 18.09.01.2007 Bagelen has the same name in both editions.
    assert objects(store, region("18.09.01.2007"), NAME_2022) == []


def test_regions_are_typed_by_kind_and_level(store):
    assert NamedNode(OC + "District") in objects(store, region("18.09.01"), RDF_TYPE)
    assert NamedNode(OC + "Village") in objects(store, region("18.09.01.2007"), RDF_TYPE)
    assert NamedNode(OC + "Regency") in objects(store, region("18.09"), RDF_TYPE)
    assert NamedNode(OC + "Province") in objects(store, region("18"), RDF_TYPE)
    level = NamedNode(OC + "regionLevel")
    assert objects(store, region("18.09.01"), level) == [NamedNode(OC + "levelKecamatan")]
    cities = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, NamedNode(OC + "City"))}
    assert len(cities) == 2
    urban = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, NamedNode(OC + "UrbanVillage"))}
    assert len(urban) == 205


def test_region_iris_follow_the_instance_base():
    other = Iris("https://satudata.example.net/kab/")
    text = RegionIndex.from_csv(CODES).to_ntriples(other)
    assert "<https://satudata.example.net/kab/id/wilayah/18.09.01>" in text
    assert BASE not in text
