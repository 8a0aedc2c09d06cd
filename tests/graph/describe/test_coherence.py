"""The shapes find every deliberate inconsistency of the demo (data/README.md), and nothing else."""

from __future__ import annotations

import pytest

from graph.check.findings import Finding
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

VIOLATION = "http://www.w3.org/ns/shacl#Violation"

# data/README.md, "Cross-agency inconsistencies": (file, row, column) -> what must be found.
EXPECTED = {
    ("disdukcapil_penduduk_desa_jk_2020_2024.csv", 894, "jumlah_penduduk"): "NilaiSesuaiDeretWaktu",
    ("disdukcapil_penduduk_desa_jk_2020_2024.csv", 1042, "jumlah_penduduk"): "NilaiSesuaiDeretWaktu",
    (
        "dinkes_balita_stunting_desa_2020_2024.xlsx",
        350,
        "Jumlah Balita Stunting",
    ): "BagianTidakMelebihiKeseluruhan",
    ("disdik_sekolah_kecamatan_2020_2024.csv", 20, "Putus Sekolah SMP"): "BagianTidakMelebihiKeseluruhan",
    (
        "bps_luas_penduduk_kecamatan_2020_2024.csv",
        8,
        "Proyeksi Penduduk (jiwa) 2022",
    ): "BesaranSamaSesuaiJumlahWilayahBawah",
    (
        "dpupr_air_sanitasi_desa_2020_2024.xlsx",
        229,
        "RT Akses Air Minum Layak",
    ): "BagianTidakMelebihiKeseluruhan",
    ("dpupr_air_sanitasi_desa_2020_2024.xlsx", 578, "% Air Minum Layak"): "NilaiDalamBatas",
}
FUTURE_YEAR = ("dinsos_kpm_desa_2020_2024.csv", 129)  # C5: 2027 written for 2022
WRONG_KECAMATAN = ("dinsos_kpm_desa_2020_2024.csv", 290)  # C9: code in Way Lima, row says Kedondong


@pytest.fixture(scope="module")
def findings(demo: tuple[Platform, list[LoadReport]]) -> list[Finding]:
    platform, _ = demo
    return platform.check_coherence()


def test_every_deliberate_inconsistency_is_found_at_its_source_cell(findings: list[Finding]) -> None:
    found = {(f.file, f.row, f.column): f for f in findings}
    for cell, shape in EXPECTED.items():
        assert cell in found, f"not found: {cell}"
        assert any(f.shape.endswith("#" + shape) for f in findings if (f.file, f.row, f.column) == cell), (
            cell,
            shape,
        )
    # One finding for the row, at the cell that is wrong: the year; the code (not each figure).
    [future] = [f for f in findings if (f.file, f.row) == FUTURE_YEAR]
    assert future.shape.endswith("#PeriodeTidakDiMasaDepan")
    assert (future.column, future.raw) == ("Tahun", "2027")
    wrong = [f for f in findings if (f.file, f.row) == WRONG_KECAMATAN]
    assert [(f.column, f.raw) for f in wrong] == [("Kode Wilayah", "18.09.04.2002")]
    assert all("18.09.04.2002 (Banjar Negeri)" in f.message_id for f in wrong)  # the code's name beside it
    assert all(f.shape.endswith("#WilayahDiBawahIndukYangDisebut") for f in wrong)
    assert all("KEDONDONG" in f.message_id and "Way Lima" in f.message_id for f in wrong)


def test_findings_name_the_agency_and_carry_both_messages(findings: list[Finding]) -> None:
    by_cell = {(f.file, f.row, f.column): f for f in findings}
    stunting = by_cell[("dinkes_balita_stunting_desa_2020_2024.xlsx", 350, "Jumlah Balita Stunting")]
    assert stunting.agency and stunting.agency.endswith("/id/organisasi/dinkes")
    assert stunting.sheet == "Stunting" and stunting.raw == "223"
    assert all(f.message_id and f.message_en for f in findings)
    # Message templates are filled from the query's bindings ({?value}, {?other}).
    assert "223" in stunting.message_id and "{?" not in stunting.message_en


def test_clean_rows_raise_no_violation(findings: list[Finding]) -> None:
    allowed = set(EXPECTED) | {(*FUTURE_YEAR, "Tahun")}
    violations = {(f.file, f.row, f.column) for f in findings if f.severity == VIOLATION}
    assert violations <= allowed, violations - allowed


def test_every_finding_of_any_severity_is_at_a_deliberate_row(findings: list[Finding]) -> None:
    """Warnings too: the clean parts of the demo produce no finding at all."""
    deliberate = {(f, r) for f, r, _ in EXPECTED} | {FUTURE_YEAR, WRONG_KECAMATAN}
    stray = {
        (f.file, f.row, f.shape.rsplit("#", 1)[-1]) for f in findings if (f.file, f.row) not in deliberate
    }
    assert stray == set()
