"""Village development index tables as DPMD receives them (issue 18): the demo's real IDM
2024 table, and a province-wide recap the code has never seen, with the traps a data
officer meets: continuation rows, other kabupaten's desa, a total named like a desa, a code
and a name that disagree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from graph.answer.sparql import run_query
from graph.publish.platform import Platform

REPO = Path(__file__).resolve().parents[3]

RECAP_MAPPING = """\
dataset:
  id: uji-idm-provinsi
  title: {id: Rekap IDM provinsi (uji), en: Province IDM recap (test)}
  description: {id: Tabel uji, en: Test table}
  agency: Dinas Pemberdayaan Masyarakat dan Desa
  frequency: annual
  synthetic: false
source:
  path: rekap.xlsx
  header_rows: [3]
  drop_rows:
    - {column: Kode Desa, blank: true, reason: baris lanjutan / continuation row}
region:
  level: desa
  code: {column: Kode Desa, system: kemendagri}
  name: {column: Desa}
period:
  year: {value: 2024}
measures:
  - {column: Skor IDM, indicator: Nilai IDM}
  - {column: Status, indicator: status-idm, codes: {"Sgt. Tertinggal": sangat-tertinggal}}
"""

# (code, desa, score, status): Pesawaran's desa first, then Lampung Selatan's.
PESAWARAN = [
    (1809012001, "PADANG RATU", 0.6719, "BERKEMBANG"),
    (1809012002, "PAMPANGAN", 0.7701, "Maju"),
    (1809012003, "TJIPADANG", 0.8302, "mandiri"),  # the old spelling of Cipadang
    (1809012004, "WAY LAYAP", 0.7112, "MAJU"),
    (1809012005, "SUKADADI", 0.5921, "Tertinggal"),
    (1809012006, "GEDONG TATAAN", 0.8210, "MANDIRI"),  # the decree's Gedung Tataan, by its code
    (1809012007, "BAGELEN", 0.4801, "Sgt. Tertinggal"),
    (1809012008, "SUKARAJA", 0.6500, "BERKEMBANG"),
    (1809012010, "SUNGAI LANGKA", 0.7300, "MAJU"),
    (1809012011, "KURUNGAN NYAWA", 0.7400, "MAJU"),
    (1809012012, "NEGERI SAKTI", 0.6900, "BERKEMBANG"),
]
ELSEWHERE = [(1801042001, "HAJIMENA", 0.8787, "MANDIRI"), (1801042002, "SIDOSARI", 0.7, "MAJU")]


def write_recap(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "REKAP INDEKS DESA MEMBANGUN 2024 — PROVINSI LAMPUNG"
    sheet.append([])
    sheet.append(["Kode Desa", "Desa", "Skor IDM", "Status", "Keterangan"])
    for code, desa, score, status in PESAWARAN + ELSEWHERE:
        sheet.append([code, desa, score, status, None])
        sheet.append([None, None, None, None, "Jumlah Dokter Tidak ada"])  # a continuation row
    sheet.append([None, "PESAWARAN", 0.70, "MAJU", "rata-rata kabupaten"])  # the kabupaten's average
    sheet.append([1809012009, "Sukadadi", 0.61, "BERKEMBANG", None])  # 1809012009 is Kebagusan
    book.save(folder / "rekap.xlsx")
    mapping = folder / "uji-idm-provinsi.yaml"
    mapping.write_text(RECAP_MAPPING, encoding="utf-8")
    return mapping


def test_a_province_recap_publishes_only_the_home_regions_desa(platform: Platform, tmp_path: Path) -> None:
    report = platform.load(write_recap(tmp_path))
    assert report.outcome == "published", report.message
    assert report.rows_mapped == len(PESAWARAN)
    assert report.rows_dropped == len(PESAWARAN + ELSEWHERE) + 1  # continuation rows and the total
    assert report.rows_rejected == len(ELSEWHERE) + 1  # Lampung Selatan's desa, the code/name conflict
    reasons = {p.row: p.reason for p in report.problems}
    assert "Hajimena (18.01.04.2001) di luar wilayah Kabupaten Pesawaran" in reasons[4 + 2 * len(PESAWARAN)]
    conflict = reasons[max(reasons)]
    assert "tetapi kolom nama menulis 'Sukadadi'" in conflict
    # The kabupaten's average has no code: the blank-code rule drops it with the continuation
    # rows (linking "PESAWARAN" alone is tested in tests/graph/link/test_region_columns.py).
    total_row = 4 + 2 * len(PESAWARAN + ELSEWHERE)
    assert (total_row, "Kode Desa", "", "baris lanjutan / continuation row") in report.dropped
    rows = run_query(
        platform.store,
        platform.iris,
        f"""SELECT ?area ?status WHERE {{ ?o qb:dataSet/oc:cubeOf <{platform.iris.dataset("uji-idm-provinsi")}> ;
              qb:measureType <{platform.iris.indicator("status-idm")}> ;
              <{platform.iris.indicator("status-idm")}> ?status ; sdmx-dimension:refArea ?area }}""",
        max_rows=100,
        with_prefixes=True,
    ).rows
    statuses = Counter(r[1].value.rsplit("/", 1)[1] for r in rows)
    assert statuses == {"berkembang": 3, "maju": 4, "mandiri": 2, "tertinggal": 1, "sangat-tertinggal": 1}
    assert all(r[0].value.rsplit("/", 1)[1].startswith("18.09.") for r in rows)


# Slow: the shipped IDM table, loaded whole through the pipeline (an integration test).
@pytest.mark.slow
def test_the_real_idm_table_loads_all_148_desa(platform: Platform) -> None:
    report = platform.load(REPO / "mappings" / "dpmd-idm-desa.yaml")
    assert report.outcome == "published", report.message
    assert (report.rows_mapped, report.rows_rejected, report.observations) == (148, 0, 148 * 6)
    assert report.rows_dropped == report.rows_read - 148  # the ministry's recommendation rows
    rows = run_query(
        platform.store,
        platform.iris,
        f"""SELECT ?status (COUNT(*) AS ?n) WHERE {{
              ?o qb:dataSet/oc:cubeOf <{platform.iris.dataset("dpmd-idm-desa")}> ;
                 <{platform.iris.indicator("status-idm")}> ?status }}
            GROUP BY ?status""",
        max_rows=10,
        with_prefixes=True,
    ).rows
    # Kemendesa's own counts for Pesawaran in 2024 (data/README.md).
    assert {r[0].value.rsplit("/", 1)[1]: int(r[1].value) for r in rows} == {
        "berkembang": 71,
        "maju": 49,
        "mandiri": 28,
    }
