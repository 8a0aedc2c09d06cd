"""Derive the demo's real IDM table from Kemendesa's province workbook.

Kementerian Desa PDTT publishes its "Rekomendasi Indeks Desa Membangun (IDM) 2024 per Desa"
for a whole province; Pesawaran's DPMD keeps its own kabupaten's rows. This script keeps
exactly those rows of the ministry's sheet, in the ministry's layout (title on row 2, header
on row 4, each desa row followed by its recommendation rows, codes as numbers without dots),
so the demo loads the table the way the agency holds it. Run once by a developer; the output
is committed (data/dpmd_idm_desa_2024.xlsx) so the project never needs ../shared to run.

    python scripts/derive_idm.py ../shared/samples/real/REKOMENDASI_IDM_PROVINSI_18_2024.xlsx
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl

KABUPATEN = 1809  # Kabupaten Pesawaran, Kemendagri code without dots
HEADER_ROW = 4
OUT = Path(__file__).resolve().parent.parent / "data" / "dpmd_idm_desa_2024.xlsx"


def pesawaran_rows(workbook: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows above the data, and Pesawaran's desa rows with their continuation rows."""
    sheet = openpyxl.load_workbook(workbook, read_only=True).active
    head: list[tuple[object, ...]] = []
    kept: list[tuple[object, ...]] = []
    keeping = False
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number <= HEADER_ROW:
            head.append(row)
            continue
        if row[2] is not None:  # a desa row; continuation rows leave the region blank
            keeping = int(row[2]) == KABUPATEN
        if keeping:
            kept.append(row)
    return head, kept


def main(workbook: Path) -> None:
    head, kept = pesawaran_rows(workbook)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Worksheet"  # the ministry's sheet name, kept
    for row in head + kept:
        sheet.append(list(row))
    desa = sum(1 for row in kept if row[6] is not None)
    # A fixed document date: the file's properties say nothing of when it was derived.
    book.properties.created = book.properties.modified = dt.datetime(2026, 12, 5)
    book.save(OUT)
    print(f"{OUT.name}: {desa} desa, {len(kept)} rows below the header")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
