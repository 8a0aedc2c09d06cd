"""Staff reports: written by graph.spreadsheet's Excel dialect, formula guard included."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.errors import CellProblem
from graph.publish.load_report import LoadReport
from graph.publish.reports import write_problems


def test_a_rejected_cell_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    report = LoadReport(dataset="uji", mapping="uji.yaml", source="uji.csv", outcome="rejected")
    report.problems = [
        CellProblem("uji.csv", None, 7, "jumlah", '=HYPERLINK("http://x","klik")', "bukan angka"),
        CellProblem("uji.csv", "Lembar1", 8, "jumlah", "12,5", "bukan angka"),
    ]
    report.dropped = [(9, "desa", "@SUM(A1)", "baris total")]
    path = write_problems(report, tmp_path)
    assert path == tmp_path / "uji-masalah.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    # Excel opens the file with its columns split on ';' and runs no formula.
    assert b'\'=HYPERLINK(""http://x"",""klik"")' in data
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["nilai"] for r in rows] == ['\'=HYPERLINK("http://x","klik")', "12,5", "'@SUM(A1)"]
    assert [(r["baris"], r["jenis"], r["lembar"]) for r in rows] == [
        ("7", "ditolak", ""),
        ("8", "ditolak", "Lembar1"),
        ("9", "dibuang", ""),
    ]


def test_no_problems_no_file(tmp_path: Path) -> None:
    report = LoadReport(dataset="uji", mapping="uji.yaml", source="uji.csv", outcome="published")
    assert write_problems(report, tmp_path) is None
    assert not any(tmp_path.iterdir())
