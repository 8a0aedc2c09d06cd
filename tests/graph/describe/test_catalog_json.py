"""The catalogue as a plain JSON listing, and one dataset's entry."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.describe.catalog import Catalog
from graph.describe.catalog_json import catalog_entry, catalog_json
from graph.errors import UnknownDataset
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

SERVICE = "http://example.test/"
TODAY = dt.date(2026, 12, 4)  # freshness is judged as of a fixed day, never the clock
Demo = tuple[Platform, list[LoadReport]]


def test_a_dataset_entry_carries_its_dcat_and_satu_data_metadata(catalog: Catalog, demo: Demo) -> None:
    platform, _ = demo
    entry = catalog_json(catalog, SERVICE, today=TODAY)
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


def test_one_entry_is_the_listings_and_an_unknown_id_names_the_published_ones(catalog: Catalog) -> None:
    listing = catalog_json(catalog, SERVICE, today=TODAY)
    for entry in listing["datasets"]:
        assert catalog_entry(catalog, SERVICE, entry["id"], today=TODAY) == entry
    with pytest.raises(UnknownDataset, match="published: bps-luas-penduduk-kecamatan, dinkes-stunting-desa"):
        catalog_entry(catalog, SERVICE, "tidak-ada", today=TODAY)
