"""A published dataset's downloads: the tidy table in both CSV dialects, the version graph."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF

from graph.describe.catalog import Catalog
from graph.describe.downloads import dataset_table, dataset_turtle
from graph.errors import UnknownDataset
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.graph.describe.catalog_support import parse

Demo = tuple[Platform, list[LoadReport]]


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


@pytest.mark.slow
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
