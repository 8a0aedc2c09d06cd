"""The catalogue's read model: what it lists, and that a held draft is never listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.describe.catalog import Catalog, read_catalog
from graph.describe.catalog_rdf import catalog_triples
from graph.describe.downloads import dataset_table
from graph.errors import UnknownDataset
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.read.mappings import discover_mappings, load_mapping
from tests.conftest import with_future_year, write_small_table
from tests.graph.describe.catalog_support import as_rdflib, validate

SERVICE = "http://example.test/"
OC = "https://w3id.org/onecenter/def#"
Demo = tuple[Platform, list[LoadReport]]


def test_the_catalogue_lists_every_published_demo_dataset(catalog: Catalog, demo: Demo) -> None:
    platform, _ = demo
    ids = {load_mapping(p).dataset.id for p in discover_mappings(platform.settings.mappings_path)}
    assert len(ids) == 7  # six synthetic tables and the real IDM 2024
    assert {d.id for d in catalog.datasets} == ids
    # Published by the Walidata; each dataset by its producing agency.
    assert catalog.publisher is not None and OC + "roleWalidata" in catalog.publisher.roles
    assert catalog.home_region == platform.iris.region(platform.settings.home_region)
    assert catalog.title["id"].startswith("Katalog Satu Data ") and catalog.title["en"]
    publishers = {d.id: d.publisher.iri for d in catalog.datasets if d.publisher}
    assert publishers["dinkes-stunting-desa"] == platform.iris.agency("dinkes")
    assert publishers["bps-luas-penduduk-kecamatan"] == platform.iris.agency("bps")


def test_a_held_draft_is_not_listed_nor_downloadable(platform: Platform, tmp_path: Path) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    with_future_year(mapping, [str(1000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "held"
    catalog = read_catalog(platform.store, platform.iris, platform.settings.home_region)
    assert catalog.datasets == []
    with pytest.raises(UnknownDataset):
        dataset_table(platform.store, platform.iris, "uji-penduduk")


@pytest.mark.slow
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
