"""Hypothesis strategies for malformed agency tables (CSV bytes, XLSX files).

They aim at what agencies really send and what breaks readers: wrong encodings and
BOMs, ragged rows, the wrong delimiter, Indonesian and English number formats,
spreadsheet formulas, huge fields, empty and header-only files, duplicate headers,
damaged or disguised Excel files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DESA = [f"18090120{n:02d}" for n in range(1, 11)]
HEADER = ["kode_desa", "nama_desa", "tahun", "jumlah"]

numbers = st.sampled_from(
    [
        "1.234,5",
        "1,234.5",
        "1.234.567",
        "12,5",
        "12.5",
        "0",
        "-3",
        "1e308",
        "NaN",
        "inf",
        "-0",
        "١٢٣",
        "１２３",
        "12 345",
        "12%",
        "Rp 1.000",
        "(5)",
        "1/2",
        "0x1F",
        "9" * 40,
    ]
)
formulas = st.sampled_from(
    [
        '=HYPERLINK("http://example.invalid/","klik")',
        "=1+1",
        "+SUM(A1:A9)",
        "-2+3",
        "@cmd",
        "=cmd|' /C calc'!A0",
        '=IMPORTXML("x","y")',
    ]
)
cells = st.one_of(
    st.sampled_from(DESA),
    st.sampled_from(["2020", "2024", "20x4", "", " ", "-", "...", "n/a", "Jumlah", "TOTAL", "\u2013"]),
    numbers,
    formulas,
    st.text(max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
huge = st.sampled_from([1_000, 140_000]).map(lambda n: "x" * n)  # past csv's field limit too


@st.composite
def rows(draw: st.DrawFn) -> list[list[str]]:
    """A header (right, duplicated, missing or odd) and ragged data rows."""
    header = draw(
        st.one_of(
            st.just(HEADER),
            st.just(HEADER + ["jumlah"]),  # duplicate header
            st.just(["kode_desa", "kode_desa", "tahun", "jumlah"]),
            st.just(["kode_desa", "tahun", "jumlah", "jumlah", "jumlah (2)"]),
            st.just([]),
            st.lists(cells, max_size=6),
            st.permutations(HEADER).map(list),
        )
    )
    body = draw(
        st.lists(
            st.one_of(
                st.tuples(
                    st.sampled_from(DESA), st.text(max_size=8), st.sampled_from(["2020", "2023"]), numbers
                ).map(list),
                st.lists(cells, max_size=7),
                st.lists(huge, min_size=1, max_size=1),
            ),
            max_size=12,
        )
    )
    return ([header] if draw(st.booleans()) or not body else []) + body


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A CSV file as an agency might send it, or worse."""
    kind = draw(st.sampled_from(["table", "table", "table", "bytes", "damaged", "empty"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\n", b"\xff\xfe", b"\x00" * 8]))
    table = draw(rows())
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.booleans()):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=ending).writerows(table)
        text = out.getvalue()
    else:  # pasted together by hand: quotes left unbalanced
        text = ending.join(delimiter.join(r) for r in table) + ending
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if kind == "damaged" and data:
        at = draw(st.integers(0, len(data)))
        data = draw(
            st.sampled_from(
                [data[:at], data[:at] + b"\x00" + data[at:], data[:at] + b"\xff\xfe\x80" + data[at:]]
            )
        )
    return data


@st.composite
def nearly_good_csv(draw: st.DrawFn) -> bytes:
    """The table the test mapping expects, with a few bad cells, rows or totals among good ones."""
    lines = [";".join(HEADER)]
    for i, code in enumerate(DESA):
        value = (
            draw(st.one_of(st.just(str(100 + i)), numbers, formulas, cells))
            if draw(st.booleans())
            else str(100 + i)
        )
        year = draw(st.sampled_from(["2024", "2024", "2024", "20x4", "", "1899"]))
        lines.append(";".join([code, f"Desa {i}", year, value]))
    lines += draw(
        st.lists(
            st.sampled_from(["Jumlah;;2024;1.000", ";;;", "catatan: sumber data Dinsos", "TOTAL;x;y;z"]),
            max_size=3,
        )
    )
    return ("\n".join(lines) + "\n").encode("utf-8")


def workbook_bytes(table: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in table:
        # Control characters cannot be written to a sheet (openpyxl refuses them).
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


xlsx_cells = st.one_of(
    cells,
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
odd_sheets = st.sampled_from(
    [
        b"<worksheet",  # cut short
        b"not xml at all",
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="abc"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="n"><v>abc</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="4294967296"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2000000"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="0"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="-1"><c r="ZZZZ1"><v>1</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c r="A1" t="d"><v>bukan tanggal</v></c></row></sheetData></worksheet>'.encode(),
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c r="!!"><v>1</v></c></row></sheetData></worksheet>'.encode(),
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>',
    ]
)


@st.composite
def xlsx_bytes(draw: st.DrawFn) -> bytes:
    """An Excel file: sound, cut short, bit-flipped, with members missing or replaced, or no zip."""
    table = draw(st.lists(st.lists(xlsx_cells, max_size=6), max_size=8))
    good = workbook_bytes([HEADER, *table] if draw(st.booleans()) else table)
    kind = draw(st.sampled_from(["sound", "truncated", "flipped", "member", "not-zip"]))
    if kind == "sound":
        return good
    if kind == "not-zip":
        return draw(st.one_of(st.binary(max_size=300), st.just(b"kode_desa;tahun\n1;2\n")))
    # Positions are drawn apart from the file: its length varies with the time stamps inside,
    # and hypothesis needs the same draws to give the same test case.
    if kind == "truncated":
        return good[: draw(st.integers(0, 1 << 20)) % len(good)]
    if kind == "flipped":
        data = bytearray(good)
        for at in draw(st.lists(st.integers(0, 1 << 20), min_size=1, max_size=8)):
            data[at % len(data)] ^= draw(st.integers(1, 255))
        return bytes(data)
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        names = source.namelist()
        victim = draw(st.sampled_from(names))
        replacement = draw(
            st.one_of(st.none(), st.binary(max_size=200), odd_sheets)
            if victim == SHEET
            else st.one_of(st.none(), st.binary(max_size=200), st.just(b"<x/>"))
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in names:
                if name != victim:
                    target.writestr(name, source.read(name))
                elif replacement is not None:
                    target.writestr(name, replacement)
    return out.getvalue()
