"""A row whose region code and stated kecamatan disagree (data/README.md C9)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from graph.check.engine import validate
from graph.check.shapes import Shapes
from graph.publish.platform import Platform
from graph.store.embedded import EmbeddedStore
from tests.conftest import SMALL_MAPPING
from tests.graph.check.test_engine import pyshacl_keys
from tests.graph.check.test_shapes import BASE, data_graph, dataset, obs, run

RULE = rdflib.URIRef("https://w3id.org/onecenter/shapes#WilayahDiBawahIndukYangDisebut")
SHAPE_FILE = Path(__file__).resolve().parents[3] / "shapes" / "koherensi-wilayah.ttl"

REGIONS = f"""
<{BASE}id/wilayah/K> skos:prefLabel "Kesatu"@id .
<{BASE}id/wilayah/K2> a skos:Concept ; skos:prefLabel "Kedua"@id .
<{BASE}id/wilayah/D1> skos:notation "18.01.01.2001"^^oc:KemendagriCode .
<{BASE}id/wilayah/D2> skos:notation "18.01.01.2002"^^oc:KemendagriCode .
"""


def rows(stated_for_row_1: str) -> str:
    return f"""
<{BASE}id/berkas/abc/baris/1> oc:statedParent <{BASE}id/wilayah/{stated_for_row_1}> ;
    oc:statedParentName "KECAMATAN {stated_for_row_1}" .
"""


def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPE_FILE)


def test_pyshacl_flags_a_code_under_another_kecamatan_than_stated() -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        obs("x", "a", "jumlah-penduduk", "D1", 2023, 10),
        REGIONS,
        rows("K2"),
    )
    [result] = [r for r in run(data, shapes_graph()) if r["shape"] == RULE]
    assert result["severity"] == rdflib.SH.Warning
    assert str(result["focus"]).endswith("/observasi/x")
    assert any("KECAMATAN K2" in m and "Kesatu" in m for m in result["messages"])  # type: ignore[attr-defined]


def test_pyshacl_is_quiet_when_code_and_kecamatan_agree() -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        obs("x", "a", "jumlah-penduduk", "D1", 2023, 10),
        REGIONS,
        rows("K"),
    )
    assert [r for r in run(data, shapes_graph()) if r["shape"] == RULE] == []


def test_engine_equals_pyshacl_on_the_rule() -> None:
    data = data_graph(
        dataset("a", ["jumlah-penduduk"]),
        obs("x", "a", "jumlah-penduduk", "D1", 2023, 10),
        obs("y", "a", "jumlah-penduduk", "D2", 2023, 11),
        REGIONS,
        rows("K2"),
    )
    shapes = shapes_graph()
    expected = pyshacl_keys(data, shapes)
    store = EmbeddedStore(None)
    store.load_rdf(data.serialize(format="nt"), fmt="ntriples", graph="urn:uji")
    got = {f.key() for f in validate(store, Shapes.from_graph(shapes), ["urn:uji"])}
    assert got == expected and len(got) == 2  # both observations come from row 1


@pytest.mark.slow
def test_the_pipeline_keeps_the_stated_kecamatan_and_the_rule_finds_the_row(
    platform: Platform, tmp_path: Path
) -> None:
    # Desa 18.09.01.2001..2003 lie in Kec. Gedong Tataan; row 3 names Negeri Katon.
    table = tmp_path / "penduduk.csv"
    table.write_text(
        "kode_desa;kecamatan;tahun;jumlah\n"
        "1809012001;Gedong Tataan;2023;1000\n"
        "1809012002;Negeri Katon;2023;1100\n"
        "1809012003;GEDONG TATAAN;2023;1200\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "uji-penduduk.yaml"
    mapping.write_text(
        SMALL_MAPPING.format(path=table.name).replace(
            "region:\n  level: desa\n", "region:\n  level: desa\n  parent: {column: kecamatan}\n"
        ),
        encoding="utf-8",
    )
    report = platform.load(mapping)
    assert report.outcome == "published"  # a warning does not hold the table back
    # One finding for the row, at its code cell (the code as read: the cell says 1809012002).
    [finding] = [f for f in report.findings if f.shape == str(RULE)]
    assert (finding.file, finding.row, finding.column, finding.raw) == (
        "penduduk.csv",
        3,
        "kode_desa",
        "18.09.01.2002",
    )
    assert "Negeri Katon" in finding.message_id and "Gedong Tataan" in finding.message_id
