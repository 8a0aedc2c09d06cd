"""A new agency's indicators, declared in a few lines of Turtle, get their checks with no SPARQL.

The project has never seen a Dinas Pertanian: this test copies the project, adds one Turtle
file (``PERTANIAN``: the agency, farmers as part of the population, young farmers as part of
farmers, a BPS census count of farmers as the same quantity, rice-field area in hectares with
a plausible range for a desa), builds the demo, and loads the agency's own messy tables one at
a time, as they would arrive. The findings come from shapes/deklarasi.ttl, which names none of
these indicators, and are judged against what the other agencies published.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, load_settings
from tests.graph.publish.test_platform import select

# Slow: builds the demo and loads three tables.
pytestmark = pytest.mark.slow

PERTANIAN = """\
@prefix oc: <https://w3id.org/onecenter/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix organisasi: <id/organisasi/> .
@prefix ind: <id/indikator/> .
@prefix satuan: <id/satuan/> .
@prefix konsep: <id/konsep/> .

organisasi:distan a org:Organization , foaf:Agent ;
    skos:prefLabel "Dinas Pertanian"@id , "Agriculture Office"@en ;
    rdfs:label "Dinas Pertanian"@id , "Agriculture Office"@en ;
    oc:satuDataRole oc:roleProdusenData ; org:subOrganizationOf organisasi:pemda .

ind:jumlah-petani a oc:Indicator , qb:MeasureProperty ; rdfs:subPropertyOf sdmx-measure:obsValue ;
    rdfs:label "Jumlah petani"@id , "Number of farmers"@en ;
    skos:definition "Penduduk yang bekerja sebagai petani."@id , "Residents working as farmers."@en ;
    oc:unit satuan:jiwa ; rdfs:range xsd:integer ; oc:producer organisasi:distan ;
    oc:measureKind oc:kindCount ; oc:aggregation oc:aggregationSum ;
    oc:partOf ind:jumlah-penduduk ; qb:concept konsep:petani .

ind:petani-muda a oc:Indicator , qb:MeasureProperty ; rdfs:subPropertyOf sdmx-measure:obsValue ;
    rdfs:label "Petani muda"@id , "Young farmers"@en ;
    skos:definition "Petani berumur 19–39 tahun."@id , "Farmers aged 19–39."@en ;
    oc:unit satuan:jiwa ; rdfs:range xsd:integer ; oc:producer organisasi:distan ;
    oc:measureKind oc:kindCount ; oc:aggregation oc:aggregationSum ;
    oc:partOf ind:jumlah-petani ; qb:concept konsep:petani-muda .

ind:petani-sensus a oc:Indicator , qb:MeasureProperty ; rdfs:subPropertyOf sdmx-measure:obsValue ;
    rdfs:label "Petani menurut sensus pertanian"@id , "Farmers by the agricultural census"@en ;
    skos:definition "Petani menurut Sensus Pertanian BPS."@id , "Farmers by the BPS agricultural census."@en ;
    oc:unit satuan:jiwa ; rdfs:range xsd:integer ; oc:producer organisasi:bps ;
    oc:measureKind oc:kindCount ; oc:aggregation oc:aggregationSum ;
    oc:sameQuantityAs ind:jumlah-petani ; oc:relativeTolerance 0.10 ; qb:concept konsep:petani .

ind:luas-sawah a oc:Indicator , qb:MeasureProperty ; rdfs:subPropertyOf sdmx-measure:obsValue ;
    rdfs:label "Luas lahan sawah"@id , "Rice-field area"@en ;
    skos:definition "Luas lahan sawah."@id , "Area of rice fields."@en ;
    oc:unit satuan:ha ; rdfs:range xsd:decimal ; oc:producer organisasi:distan ;
    oc:measureKind oc:kindArea ; oc:aggregation oc:aggregationSum ;
    oc:plausibleRange <id/indikator/luas-sawah/rentang-wajar/desa> ; qb:concept konsep:sawah .

<id/indikator/luas-sawah/rentang-wajar/desa> a oc:PlausibleRange ;
    oc:rangeLevel oc:levelDesa ; oc:minValue 5 ; oc:maxValue 3000 .
"""

DESA_MAPPING = """\
dataset:
  id: distan-petani-desa
  title: {id: Petani dan sawah per desa, en: Farmers and rice fields by village}
  description: {id: Tabel uji Dinas Pertanian, en: Agriculture Office test table}
  agency: distan
  frequency: annual
source:
  path: petani.csv
  delimiter: ";"
  decimal: comma
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - {column: jumlah_petani, indicator: jumlah-petani, unit: jiwa}
  - {column: luas_sawah_ha, indicator: luas-sawah, unit: ha}
"""

KECAMATAN_MAPPING = """\
dataset:
  id: bps-petani-kecamatan
  title: {id: Petani per kecamatan, en: Farmers by district}
  description: {id: Tabel uji BPS, en: BPS test table}
  agency: bps
  frequency: annual
source:
  path: petani-kecamatan.csv
  delimiter: ";"
region:
  level: kecamatan
  code: {column: kode_kecamatan, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - {column: petani_muda, indicator: petani-muda, unit: jiwa}
  - {column: petani_sensus, indicator: petani-sensus, unit: jiwa}
"""

KECAMATAN = "18.09.01"
YEAR = 2023


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, Path]]:
    project = tmp_path_factory.mktemp("proyek")
    for folder in ("ontology", "shapes", "mappings", "data", "questions"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    (project / "ontology" / "pertanian.ttl").write_text(PERTANIAN, encoding="utf-8")
    platform = Platform(load_settings(project_dir=str(project), store_path=":memory:"))
    _, failures = platform.build()
    assert not failures
    yield platform, project
    platform.close()


def population(platform: Platform) -> dict[str, int]:
    """Dukcapil's 2023 population of each desa of the kecamatan, summed over sex."""
    rows = select(
        platform,
        f"""SELECT ?code (SUM(?v) AS ?total) WHERE {{
              ?o <http://purl.org/linked-data/cube#dataSet> <{platform.iris.dataset("disdukcapil-penduduk-desa")}> ;
                 <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?desa ;
                 <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> <{platform.iris.period(str(YEAR))}> ;
                 <{platform.iris.indicator("jumlah-penduduk")}> ?v .
              ?desa <http://www.w3.org/2004/02/skos/core#broader> <{platform.iris.region(KECAMATAN)}> ;
                 <http://www.w3.org/2004/02/skos/core#notation> ?code .
              FILTER(DATATYPE(?code) = <https://w3id.org/onecenter/def#KemendagriCode>)
            }} GROUP BY ?code ORDER BY ?code""",
    )
    return {row["code"]: int(float(row["total"])) for row in rows}


def write_desa_table(folder: Path, farmers: dict[str, str], area: dict[str, str]) -> Path:
    lines = ["kode_desa;tahun;jumlah_petani;luas_sawah_ha"]
    lines += [f"{code.replace('.', '')};{YEAR};{farmers[code]};{area[code]}" for code in farmers]
    (folder / "petani.csv").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "distan-petani-desa.yaml"
    mapping.write_text(DESA_MAPPING, encoding="utf-8")
    return mapping


def test_a_new_agency_table_is_checked_by_its_declarations(
    instance: tuple[Platform, Path], tmp_path: Path
) -> None:
    platform, _ = instance
    people = population(platform)
    assert len(people) > 5  # every desa of the kecamatan has a Dukcapil figure in the demo
    farmers = {code: f"{n * 3 // 10:,}".replace(",", ".") for code, n in people.items()}  # "1.234"
    area = {code: f"{100 + i},5" for i, code in enumerate(people)}  # "100,5" ha

    # 1. A clean table of farmers and rice fields per desa is published.
    first = platform.load(write_desa_table(tmp_path, farmers, area))
    assert first.outcome == "published", [f.message_id for f in first.findings]
    assert [f for f in first.findings if f.blocks_publication] == []
    total = sum(n * 3 // 10 for n in people.values())

    # 2. BPS's kecamatan table: young farmers above all the desa's farmers (part > whole across
    #    levels) and a census count twice the desa sum (same quantity across levels).
    table = tmp_path / "petani-kecamatan.csv"
    table.write_text(
        f"kode_kecamatan;tahun;petani_muda;petani_sensus\n{KECAMATAN};{YEAR};{total + 500};{2 * total}\n"
    )
    (tmp_path / "bps-petani-kecamatan.yaml").write_text(KECAMATAN_MAPPING, encoding="utf-8")
    second = platform.load(tmp_path / "bps-petani-kecamatan.yaml")
    assert second.outcome == "held"
    found = {(f.rule, f.path.rsplit("/", 1)[-1] if f.path else None): f for f in second.findings}
    part = found[("BagianTidakMelebihiJumlahKeseluruhanWilayahBawah", "petani-muda")]
    same = found[("BesaranSamaSesuaiJumlahWilayahBawah", "petani-sensus")]
    distan = platform.iris.dataset("distan-petani-desa")
    assert part.blocks_publication and not same.blocks_publication
    for finding in (part, same):
        assert finding.other_dataset == distan and finding.other_agency == platform.iris.agency("distan")
        assert finding.row == 2 and finding.file == "petani-kecamatan.csv"
    assert f"{total:,}".replace(",", ".") in part.message_id  # the desa sum, as the agency writes it

    # 3. The agency's next version: one desa with more farmers than people (Dukcapil's figures by
    #    sex, summed), one rice-field area with its thousands dot read as a decimal point.
    codes = list(people)
    farmers[codes[0]] = f"{people[codes[0]] + 10:,}".replace(",", ".")
    area[codes[1]] = "1,85"
    third = platform.load(write_desa_table(tmp_path, farmers, area))
    assert third.outcome == "held"
    by_rule = {f.rule: f for f in third.findings if f.blocks_publication}
    assert set(by_rule) == {"BagianTidakMelebihiJumlahRincian", "NilaiWajarUntukTingkatWilayah"}
    whole = by_rule["BagianTidakMelebihiJumlahRincian"]
    assert (whole.row, whole.column) == (2, "jumlah_petani")
    assert whole.other_dataset == platform.iris.dataset("disdukcapil-penduduk-desa")
    assert whole.other_agency == platform.iris.agency("disdukcapil")
    wrong_unit = by_rule["NilaiWajarUntukTingkatWilayah"]
    assert (wrong_unit.row, wrong_unit.column, wrong_unit.raw) == (3, "luas_sawah_ha", "1,85")
    assert "hektare" in wrong_unit.message_id
    # What was published stays published.
    kept = select(
        platform,
        f"SELECT ?v WHERE {{ ?o <http://purl.org/linked-data/cube#dataSet> <{distan}> ;"
        f" <{platform.iris.indicator('luas-sawah')}> ?v }}",
    )
    assert sorted(float(r["v"]) for r in kept) == sorted(100.5 + i for i in range(len(people)))
