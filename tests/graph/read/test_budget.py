"""The read budget: a table over read_max_cells or read_max_seconds is refused as soon as its
read passes the budget, with a message saying where, how much, the limit and what to do.

Issue 19: a 27.6 MB workbook within every size limit took 120 s and 2.9 GB to read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from graph.errors import SourceError
from graph.read.mappings import SourceSpec
from graph.read.tables import ReadBudget, read_table
from graph.settings import load_settings

ADVICE = (
    "pisahkan tabel",
    "hapus kolom dan format sel yang tidak dipakai",
    "minta Walidata menaikkan",
    "split the table",
    "remove unused columns and cell formatting",
    "ask the Walidata to raise",
)


def workbook(path: Path, rows: int, columns: int = 10, sheet: str = "Rekap Desa") -> Path:
    """An agency workbook: a header row, then ``rows`` rows of ``columns`` cells."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["kode_desa", "tahun", *[f"kolom_{j}" for j in range(columns - 2)]])
    for i in range(rows):
        ws.append([f"18090120{i % 10 + 1:02d}", 2024, *[i + j for j in range(columns - 2)]])
    book.save(path)
    return path


def refusal(path: Path, budget: ReadBudget, **spec: object) -> str:
    with pytest.raises(SourceError) as caught:
        read_table(path, SourceSpec(path=path.name, **spec), budget)  # type: ignore[arg-type]
    message = str(caught.value)
    assert caught.value.file == str(path)
    for words in ADVICE:
        assert words in message, words
    return message


def test_a_workbook_over_the_cell_budget_is_refused_as_soon_as_it_passes_it(tmp_path: Path) -> None:
    path = workbook(tmp_path / "rekap.xlsx", rows=2_000)  # 20,010 cells
    message = refusal(path, ReadBudget(max_cells=500))
    assert "lembar 'Rekap Desa'" in message and "sheet 'Rekap Desa'" in message
    assert "lebih dari 500 sel" in message and "more than 500 cells" in message
    assert "read_max_cells" in message
    # Abandoned at row 51 (51 × 10 cells > 500), not after the 2,001 rows of the sheet.
    assert "baris/row 51:" in message and "510 cells read by this row" in message


def test_a_workbook_within_the_budget_is_read_whole(tmp_path: Path) -> None:
    path = workbook(tmp_path / "rekap.xlsx", rows=49)  # exactly 500 cells
    table = read_table(path, SourceSpec(path=path.name), ReadBudget(max_cells=500, max_seconds=60))
    assert len(table.frame) == 49


def test_formatted_empty_cells_count_against_the_budget(tmp_path: Path) -> None:
    """A fill applied far to the right of the table: every formatted cell is read."""
    path = tmp_path / "berwarna.xlsx"
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["kode_desa", "tahun", "jumlah"])
    fill = PatternFill("solid", fgColor="FFFF00")
    for i in range(2, 40):
        ws.append([f"18090120{i % 10 + 1:02d}", 2024, i])
        for column in range(4, 200):
            ws.cell(row=i, column=column).fill = fill
    book.save(path)
    assert len(read_table(path, SourceSpec(path=path.name)).frame) == 38  # no budget: read
    message = refusal(path, ReadBudget(max_cells=1_000))
    assert "baris/row 7:" in message  # 3 + 5 × 199 cells by row 6, 1,193 by row 7


def test_a_read_past_its_seconds_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "lambat.xlsx", rows=200)
    message = refusal(path, ReadBudget(max_seconds=1e-6))
    assert "lebih dari 1e-06 detik" in message and "more than 1e-06 s to read" in message
    assert "read_max_seconds" in message


def test_a_csv_over_the_cell_budget_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "penduduk.csv"
    lines = ["kode_desa;tahun;jumlah"] + [f"18090120{i % 10 + 1:02d};2024;{i}" for i in range(1_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refusal(path, ReadBudget(max_cells=300), delimiter=";")
    assert "berkas ini berisi lebih dari 300 sel" in message and "the file holds more than 300" in message
    assert "baris/row 101:" in message  # 101 records × 3 cells = 303
    assert (
        len(read_table(path, SourceSpec(path=path.name, delimiter=";"), ReadBudget(max_cells=3_003)).frame)
        == 1_000
    )


def test_one_wide_row_cannot_pad_every_other_row_past_the_budget(tmp_path: Path) -> None:
    """999 rows of 3 cells and one of 5,000 (a stray value far to the right): 8,000 cells read,
    but padded to the widest row the frame would hold 5 M."""
    path = tmp_path / "lebar.csv"
    wide = "1809012001;2024;5" + ";" * 4_997 + "catatan"
    lines = ["kode_desa;tahun;jumlah", wide] + [f"1809012002;2024;{i}" for i in range(999)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refusal(path, ReadBudget(max_cells=100_000), delimiter=";")
    assert "1,000 baris × 5,000 kolom = 5,000,000 sel" in message
    assert "row 2 reaches column 5,000" in message


def test_the_settings_give_the_budget() -> None:
    settings = load_settings(store_path=":memory:", read_max_cells=1_234, read_max_seconds=5)
    assert ReadBudget.of(settings) == ReadBudget(max_cells=1_234, max_seconds=5.0)
    default = load_settings(store_path=":memory:")
    assert ReadBudget.of(default) == ReadBudget(max_cells=5_000_000, max_seconds=120.0)
