"""Findings and refusals a data officer can act on (issue 17, item 6), on small fresh tables.

The wrong cell is named (the Tahun cell for a year not yet come, once for the row), a duplicate
row says both values and which one is published, and a total row is called a total row and
never offered as a region to link.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.publish.platform import Platform
from tests.conftest import SMALL_MAPPING

pytestmark = pytest.mark.slow

FUTURE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"


def write(folder: Path, table: str, mapping: str) -> Path:
    (folder / "tabel.csv").write_text(table, encoding="utf-8")
    path = folder / "uji.yaml"
    path.write_text(mapping, encoding="utf-8")
    return path


def test_a_year_not_yet_come_is_one_finding_at_the_tahun_cell(platform: Platform, tmp_path: Path) -> None:
    mapping = SMALL_MAPPING.format(path="tabel.csv").replace("disdukcapil", "dinsos")
    mapping = mapping.replace(
        """  - column: jumlah
    indicator: jumlah-penduduk
    unit: jiwa
""",
        """  - column: pkh
    indicator: kpm-pkh
    unit: keluarga
  - column: bpnt
    indicator: kpm-bpnt
    unit: keluarga
""",
    )
    table = "kode_desa;tahun;pkh;bpnt\n1809012001;2023;40;60\n1809012002;2031;41;61\n1809012003;2023;42;62\n"
    report = platform.load(write(tmp_path, table, mapping))
    assert report.outcome == "held"
    # Two figures in the row, one problem: its year.
    [finding] = [f for f in report.findings if f.shape == FUTURE]
    assert (finding.file, finding.row, finding.column, finding.raw) == ("tabel.csv", 3, "tahun", "2031")
    assert "2031" in finding.message_id and "2.031" not in finding.message_id
    assert report.summary()["findings"][0]["severity_label"] == {"id": "Pelanggaran", "en": "Violation"}


NAMED_MAPPING = SMALL_MAPPING.format(path="tabel.csv").replace(
    "  code: {column: kode_desa, system: kemendagri}\n",
    "  name: {column: desa}\n  parent: {column: kecamatan}\n",
)


def test_total_rows_are_called_total_rows_and_never_offered_as_regions(
    platform: Platform, tmp_path: Path
) -> None:
    table = (
        "desa;kecamatan;tahun;jumlah\n"
        "Padang Ratu;Gedong Tataan;2023;1000\n"
        "Pampangan;Gedong Tataan;2023;1100\n"
        "JUMLAH;Gedong Tataan;2023;2100\n"
        "Kecamatan Gedong Tataan;;2023;2100\n"
        "Kabupaten Pesawaran;;2023;2100\n"
    )
    report = platform.dry_run(write(tmp_path, table, NAMED_MAPPING))
    assert report.review == [] and report.problems == [] and report.rows_rejected == 0
    assert report.rows_mapped == 2 and report.rows_dropped == 3
    dropped = {row: (column, value, why) for row, column, value, why in report.dropped}
    assert sorted(dropped) == [4, 5, 6]
    assert all(why.startswith("baris total") and "a total row" in why for _, _, why in dropped.values())
    assert "Gedong Tataan (18.09.01)" in dropped[5][2] and "Pesawaran (18.09)" in dropped[6][2]


def test_a_total_row_without_a_code_is_a_total_row_too(platform: Platform, tmp_path: Path) -> None:
    mapping = SMALL_MAPPING.format(path="tabel.csv").replace(
        "  code: {column: kode_desa, system: kemendagri}\n",
        "  code: {column: kode_desa, system: kemendagri}\n  name: {column: desa}\n",
    )
    table = (
        "kode_desa;desa;tahun;jumlah\n1809012001;Padang Ratu;2023;1000\n;JUMLAH;2023;1000\nTOTAL;;2023;1000\n"
    )
    report = platform.dry_run(write(tmp_path, table, mapping))
    assert report.review == [] and report.problems == [] and report.rows_dropped == 2
    assert all("total row" in why for *_, why in report.dropped)


def test_a_duplicate_row_says_both_values_and_which_is_published(platform: Platform, tmp_path: Path) -> None:
    table = "desa;kecamatan;tahun;jumlah\nPadang Ratu;Gedong Tataan;2023;1000\nPadang Ratu;Gedong Tataan;2023;1050\n"
    report = platform.dry_run(write(tmp_path, table, NAMED_MAPPING))
    [problem] = report.problems
    assert (problem.row, problem.column, problem.value) == (3, "jumlah", "1050")
    assert problem.reason.startswith(
        "duplikat baris 2: baris 2 memberi 1000, baris ini 1050; yang dipakai dan diterbitkan: baris 2 (1000)"
    )
    assert "row 2 (1000) is the one used and published" in problem.reason
