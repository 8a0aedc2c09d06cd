"""Malformed inputs that once escaped as bare Python exceptions (or ate the memory).

Found by the property tests beside this file; kept here as plain examples so each
stays fixed even if the strategies change.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from graph.errors import MappingError, SourceError
from graph.publish.platform import Platform
from graph.read.mappings import SourceSpec, load_mapping
from graph.read.tables import read_table
from tests.trust.malformed import HEADER, MAIN, SHEET, workbook_bytes
from tests.trust.test_malformed_tables import MAPPING


def rebuilt(good: bytes, name: str, content: bytes | None) -> bytes:
    """``good`` with member ``name`` replaced by ``content`` (or left out when None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.namelist():
            if member != name:
                target.writestr(member, source.read(member))
            elif content is not None:
                target.writestr(member, content)
    return out.getvalue()


def sheet_xml(rows: str) -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def test_csv_in_an_unknown_encoding_names_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_bytes(b"a;b\n1;2\n")
    with pytest.raises(SourceError, match="unknown encoding 'latin-9x'") as caught:
        read_table(path, SourceSpec(path=path.name, encoding="latin-9x"))
    assert caught.value.file == str(path)


def test_utf16_csv_without_bom_is_a_source_error(tmp_path: Path) -> None:
    # Python's utf-16 codec raises a plain UnicodeError (no byte offset) for a missing BOM.
    path = tmp_path / "tabel.csv"
    path.write_bytes("a;b\n1;2\n".encode("utf-16-le"))
    with pytest.raises(SourceError, match="not utf-16 text"):
        read_table(path, SourceSpec(path=path.name, encoding="utf-16"))


def test_table_path_with_a_nul_byte_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        read_table(tmp_path / "tabel\x00.csv", SourceSpec(path="tabel.csv"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file without read permission")
def test_unreadable_table_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_bytes(b"a;b\n1;2\n")
    path.chmod(0)
    with pytest.raises(SourceError, match="cannot read the file"):
        read_table(path, SourceSpec(path=path.name))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "the workbook has no sheet"),  # its sheet member missing from the zip
        (sheet_xml('<row r="abc"><c r="A1"><v>1</v></c></row>'), "damaged"),
        (sheet_xml('<row r="1"><c r="A1" t="n"><v>abc</v></c></row>'), "damaged"),
        (sheet_xml('<row r="1"><c r="A1" t="s"><v>999</v></c></row>'), "damaged"),
    ],
)
def test_damaged_sheet_is_a_source_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "tabel.xlsx"
    path.write_bytes(rebuilt(workbook_bytes([HEADER, ["1809012001", "x", "2024", "5"]]), SHEET, content))
    with pytest.raises(SourceError, match=message) as caught:
        read_table(path, SourceSpec(path=path.name))
    assert caught.value.file == str(path)


@pytest.mark.slow
def test_sheet_row_number_past_excel_limit_is_refused_without_padding(tmp_path: Path) -> None:
    # Padding empty rows up to r="4294967296" once took every byte of memory the machine had.
    path = tmp_path / "tabel.xlsx"
    forged = sheet_xml('<row r="4294967296"><c r="A1"><v>1</v></c></row>')
    path.write_bytes(rebuilt(workbook_bytes([HEADER]), SHEET, forged))
    with pytest.raises(SourceError, match="row number past Excel's limit") as caught:
        read_table(path, SourceSpec(path=path.name))
    assert caught.value.row is not None and caught.value.row > 1_048_576


def test_sheet_declaring_the_whole_grid_reads_only_its_cells(tmp_path: Path) -> None:
    # A declared size of A1:XFD1048576 once had openpyxl pad every row to 16,384 cells
    # and add empty rows up to row 1,048,576.
    path = tmp_path / "tabel.xlsx"
    forged = (
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>kode_desa</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>jumlah</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>1809012001</t></is></c><c r="B2"><v>5</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    path.write_bytes(rebuilt(workbook_bytes([HEADER]), SHEET, forged))
    table = read_table(path, SourceSpec(path=path.name))
    assert table.columns == ["kode_desa", "jumlah"]
    assert table.frame[["kode_desa", "jumlah"]].values.tolist() == [["1809012001", "5"]]
    assert table.blank_rows == []


def test_mapping_with_nested_aliases_is_refused_at_once(tmp_path: Path) -> None:
    # "Billion laughs": ten levels of ten aliases. Recording the line of every key path
    # walked each alias again, in exponential time (six levels took 7.6 s, ten would not end).
    lines = ["a0: &a0 [x, y, z, w, v, u, t, s, r, q]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 11)]
    lines.append("dataset: {keywords: *a10}")
    path = tmp_path / "bom.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(MappingError, match="unknown key") as caught:
        load_mapping(path)
    assert time.monotonic() - started < 5
    assert caught.value.file == str(path) and caught.value.line == 1


def test_mapping_with_a_nul_byte_in_its_table_path_names_the_line(tmp_path: Path) -> None:
    # Resolving such a path raised a bare ValueError ("embedded null byte").
    path = tmp_path / "uji.yaml"
    path.write_text(MAPPING.format(table='"tabel\\0.csv"'), encoding="utf-8")
    with pytest.raises(MappingError, match="source.path: .*no NUL character") as caught:
        load_mapping(path)
    assert caught.value.line == 8


def test_indicator_column_naming_no_known_indicator_is_reported_not_a_crash(
    platform: Platform, tmp_path: Path
) -> None:
    # With no row naming a known indicator, parsing the numbers failed inside pyarrow.
    (tmp_path / "tabel.csv").write_text(
        "kode_desa;nama_desa;tahun;jumlah\n1809012001;Desa 1;2024;5\n1809012002;Desa 2;2024;6\n",
        encoding="utf-8",
    )
    path = tmp_path / "uji.yaml"
    path.write_text(
        MAPPING.format(table="tabel.csv").replace("indicator: kpm-pkh", "indicator: {column: nama_desa}"),
        encoding="utf-8",
    )
    report = platform.dry_run(path)
    assert report.outcome == "would-be-rejected" and report.observations == 0
    assert [(p.row, p.column) for p in report.problems] == [(2, "nama_desa"), (3, "nama_desa")]
