"""The DCAT catalogue: what it lists, that DCAT-AP 3.0.1 accepts it, and the downloads."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS

from graph.describe.catalog import (
    Catalog,
    catalog_json,
    catalog_triples,
    dataset_table,
    dataset_turtle,
    read_catalog,
    serialize_catalog,
)
from graph.errors import UnknownDataset
from graph.publish.platform import LoadReport, Platform
from graph.read.mappings import discover_mappings, load_mapping
from graph.settings import PROJECT_DIR
from tests.conftest import write_small_table

SHAPES = PROJECT_DIR / "tests" / "fixtures" / "dcat-ap"
SERVICE = "http://example.test/"
OC = "https://w3id.org/onecenter/def#"
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
Demo = tuple[Platform, list[LoadReport]]


def dcat_ap_shapes() -> rdflib.Graph:
    """DCAT-AP 3.0.1 (shapes + ranges) without the references to undefined property shapes."""
    shapes = rdflib.Graph()
    shapes.parse(SHAPES / "dcat-ap-3.0.1-SHACL.ttl")
    shapes.parse(SHAPES / "dcat-ap-3.0.1-ranges.ttl")
    dangling = [(s, p) for s, p in shapes.subject_objects(SH.property) if (p, SH.path, None) not in shapes]
    # SEMICeu/DCAT-AP#448: exactly these five references point at nothing (see SOURCES.md).
    assert len(dangling) == 5, dangling
    for s, p in dangling:
        shapes.remove((s, SH.property, p))
    return shapes


def validate(data: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=dcat_ap_shapes(), inference="none")
    assert isinstance(report, rdflib.Graph)
    return bool(conforms), report


def parse(data: bytes, rdflib_format: str) -> rdflib.Graph:
    """Parse with rdflib, an independent reader of what pyoxigraph wrote."""
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds a (deprecated) ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=rdflib_format)


def as_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.fixture(scope="module")
def catalog(demo: Demo) -> Catalog:
    platform, _ = demo
    return read_catalog(platform.store, platform.iris, platform.settings.home_region)


def test_the_catalogue_lists_every_published_demo_dataset(catalog: Catalog, demo: Demo) -> None:
    platform, _ = demo
    ids = {load_mapping(p).dataset.id for p in discover_mappings(platform.settings.mappings_path)}
    assert len(ids) == 6
    assert {d.id for d in catalog.datasets} == ids
    # Published by the Walidata; each dataset by its producing agency.
    assert catalog.publisher is not None and OC + "roleWalidata" in catalog.publisher.roles
    assert catalog.home_region == platform.iris.region(platform.settings.home_region)
    assert catalog.title["id"].startswith("Katalog Satu Data ") and catalog.title["en"]
    publishers = {d.id: d.publisher.iri for d in catalog.datasets if d.publisher}
    assert publishers["dinkes-stunting-desa"] == platform.iris.agency("dinkes")
    assert publishers["bps-luas-penduduk-kecamatan"] == platform.iris.agency("bps")


def test_a_dataset_entry_carries_its_dcat_and_satu_data_metadata(catalog: Catalog, demo: Demo) -> None:
    platform, _ = demo
    entry = catalog_json(catalog, SERVICE)
    [dinkes] = [d for d in entry["datasets"] if d["id"] == "dinkes-stunting-desa"]
    assert dinkes["title"]["id"].startswith("Balita Ditimbang") and dinkes["title"]["en"].startswith(
        "Toddlers"
    )
    assert dinkes["description"]["id"] and dinkes["description"]["en"]
    assert dinkes["publisher"]["name"] == {"id": "Dinas Kesehatan", "en": "Health Office"}
    assert set(dinkes["keywords"]) == {"stunting", "balita", "gizi", "kesehatan", "desa"}
    assert dinkes["temporal"] == {
        "first_period": "2020",
        "last_period": "2024",
        "start": "2020-01-01",
        "end": "2024-12-31",
        "resolution": "P1Y",
    }
    assert dinkes["spatial"]["iri"] == platform.iris.region(platform.settings.home_region)
    assert dinkes["region_levels"] == ["desa"]
    assert dinkes["frequency"]["key"] == "annual"
    assert dinkes["access_rights"]["level"] == "terbuka"
    assert dinkes["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dinkes["synthetic"] is True
    assert dinkes["contact_point"] is None  # no agency in ontology/agencies.ttl has an address
    indicators = {i["iri"].rsplit("/", 1)[-1]: i for i in dinkes["indicators"]}
    assert set(indicators) == {"balita-ditimbang", "balita-stunting", "prevalensi-stunting"}
    assert indicators["prevalensi-stunting"]["unit"]["label"]["id"] == "Persen"
    assert indicators["prevalensi-stunting"]["measure_kind"] == "kindPercentage"
    assert "z-skor" in indicators["balita-stunting"]["definition"]["id"]
    assert {t["label"]["id"] for t in dinkes["themes"]} == {"Stunting", "Pemantauan pertumbuhan balita"}
    # Distributions and where the published version came from, with its validation status.
    urls = {d["format"]: d["url"] for d in dinkes["distributions"]}
    assert urls == {
        "CSV": SERVICE + "catalog/dinkes-stunting-desa.csv",
        "RDF_TURTLE": SERVICE + "catalog/dinkes-stunting-desa.ttl",
    }
    assert dinkes["generated_by"]["outcome"] == "published"
    assert dinkes["generated_by"]["file_name"] == "dinkes_balita_stunting_desa_2020_2024.xlsx"
    assert dinkes["validation"]["violations"] == 1  # C3, accepted in accepted_violations.yaml
    assert dinkes["validation"]["accepted"] == 1
    assert dinkes["validation"]["warnings"] == 1
    assert dinkes["last_load"]["iri"] == dinkes["generated_by"]["iri"]
    assert dinkes["issued"] and dinkes["modified"]


def test_the_catalogue_conforms_to_dcat_ap_3_0_1(catalog: Catalog) -> None:
    conforms, report = validate(as_rdflib(catalog_triples(catalog, SERVICE)))
    assert conforms, report.serialize(format="turtle")


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
    assert len(datasets) == 6
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


def test_a_dataset_table_has_the_c3_figure_at_its_region_and_period(demo: Demo) -> None:
    platform, reports = demo
    table = dataset_table(platform.store, platform.iris, "dinkes-stunting-desa")
    [report] = [r for r in reports if r.dataset == "dinkes-stunting-desa"]
    assert len(table.rows) == report.observations
    assert table.columns == [
        "region_code",
        "region_label",
        "region_level",
        "period",
        "indicator",
        "indicator_label",
        "value",
        "unit",
        "observation",
    ]
    records = list(csv.DictReader(io.StringIO(table.to_csv("standard").decode("utf-8"))))
    gerning = {r["indicator"]: r for r in records if r["region_label"] == "Gerning" and r["period"] == "2022"}
    assert gerning["balita-stunting"]["value"] == "223"
    assert gerning["balita-stunting"]["unit"] == "jiwa"
    assert gerning["balita-ditimbang"]["value"] == "189"
    assert gerning["balita-stunting"]["region_code"] == platform.settings.home_region + ".03.2010"
    assert gerning["balita-stunting"]["region_level"] == "desa"
    assert gerning["balita-stunting"]["observation"] == (
        platform.iris.observation_prefix("dinkes-stunting-desa")
        + platform.settings.home_region
        + ".03.2010/2022/balita-stunting"
    )
    # Sorted by region code, period, indicator.
    keys = [(r["region_code"], r["period"], r["indicator"]) for r in records]
    assert keys == sorted(keys)


def test_the_excel_dialect_uses_semicolons_decimal_commas_and_indonesian_headers(demo: Demo) -> None:
    platform, _ = demo
    text = (
        dataset_table(platform.store, platform.iris, "dinkes-stunting-desa").to_csv("excel").decode("utf-8")
    )
    assert text.startswith("\ufeffKode wilayah;Nama wilayah;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    percentages = [r[6] for r in rows[1:] if r[4] == "prevalensi-stunting"]
    assert percentages and all("." not in v for v in percentages) and any("," in v for v in percentages)


def test_a_dataset_with_a_dimension_gets_a_column_for_it(demo: Demo) -> None:
    platform, _ = demo
    table = dataset_table(platform.store, platform.iris, "disdukcapil-penduduk-desa")
    assert "jenis-kelamin" in table.columns
    position = table.columns.index("jenis-kelamin")
    assert {row[position] for row in table.rows} == {"L", "P"}
    assert table.headers[position] == "Jenis kelamin"


def test_the_turtle_download_is_the_published_version_graph(demo: Demo, catalog: Catalog) -> None:
    platform, _ = demo
    # The smallest dataset, so that rdflib (an independent reader) parses it quickly.
    [entry] = [d for d in catalog.datasets if d.id == "bps-luas-penduduk-kecamatan"]
    parsed = parse(dataset_turtle(platform.store, platform.iris, entry.id), "turtle")
    assert len(parsed) == platform.store.count(entry.graph)
    assert (rdflib.URIRef(entry.iri), RDF.type, DCAT.Dataset) in parsed


def test_an_unknown_dataset_has_no_downloads(demo: Demo) -> None:
    platform, _ = demo
    with pytest.raises(UnknownDataset, match="dinkes-stunting-desa"):
        dataset_table(platform.store, platform.iris, "tidak-ada")
    with pytest.raises(UnknownDataset):
        dataset_turtle(platform.store, platform.iris, "tidak-ada")


def with_future_year(mapping: Path, values: list[str]) -> None:
    """Rewrite the small table so that its third data row says 2031, a year not yet come."""
    write_small_table(mapping.parent, values)
    table = mapping.parent / "penduduk.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    code, _, value = lines[3].split(";")
    lines[3] = f"{code};2031;{value}"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_held_draft_is_not_listed_nor_downloadable(platform: Platform, tmp_path: Path) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    with_future_year(mapping, [str(1000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "held"
    catalog = read_catalog(platform.store, platform.iris, platform.settings.home_region)
    assert catalog.datasets == []
    with pytest.raises(UnknownDataset):
        dataset_table(platform.store, platform.iris, "uji-penduduk")


def test_a_newer_held_draft_shows_as_last_load_while_the_old_version_stays_listed(
    platform: Platform, tmp_path: Path
) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    first = platform.load(mapping)
    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "held"
    catalog = read_catalog(platform.store, platform.iris, platform.settings.home_region)
    [entry] = catalog.datasets
    assert entry.graph == first.graph
    assert entry.generated_by is not None and entry.generated_by.outcome == "published"
    assert entry.last_load is not None and entry.last_load.outcome == "held"
    assert entry.last_load.violations == 1
    values = {str(row[-3]) for row in dataset_table(platform.store, platform.iris, "uji-penduduk").rows}
    assert values == {str(1000 + i) for i in range(20)}  # the published figures, not the draft's
    conforms, report = validate(as_rdflib(catalog_triples(catalog, SERVICE)))
    assert conforms, report.serialize(format="turtle")


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
        catalog_json(catalog, SERVICE)["datasets"][0]["contact_point"]["email"] == "data@disdukcapil.example"
    )
    assert validate(g)[0]
