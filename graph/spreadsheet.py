"""CSV for people and for programs, written one way everywhere.

Two dialects:

- ``excel``: what Excel with Indonesian regional settings opens with columns split and
  text intact: UTF-8 with a byte-order mark, ``;`` between fields, decimal comma, and
  every text guarded against formulas (``excel_safe``, below).
- ``standard``: RFC 4180 for programs: UTF-8 without BOM, ``,``, decimal point, the text
  as it is.

The formula guard (CSV injection, OWASP; ASVS 1.2.10) puts a quote before a cell that a
spreadsheet would run as a formula: one starting with ``=``, ``+``, ``-``, ``@``, tab,
carriage return, line feed or NUL, or with their fullwidth forms ``＝ ＋ － ＠`` (kept as
text as well: some spreadsheet settings convert them). A plain number keeps no quote, so
Excel still reads it as a number: "-5", "-0,5", "-1.234,5", "-1.5E-3" (digits, ``.`` and
``,``, an exponent: nothing a formula can be made of). A trigger after a comma or a line
break inside a cell gets the quote too: Excel set to a comma list separator (English
Windows) splits a ``;`` file at its commas and may not see the quotes around a cell, so
"x,=1+1" would start a cell of its own there and a line break a row. Every cell of the
``excel`` dialect goes through the guard, also those a caller wrote itself (``verbatim``);
the ``standard`` dialect, and the SPARQL results' ``text/csv`` (W3C's format, written by
``graph.answer.sparql``), are for programs and are never changed.

>>> csv_bytes(["wilayah", "nilai"], [["=HYPERLINK(1)", Decimal("12.5")]], "excel")
b"\\xef\\xbb\\xbfwilayah;nilai\\r\\n'=HYPERLINK(1);12,5\\r\\n"
>>> csv_bytes(["wilayah", "nilai"], [["=HYPERLINK(1)", Decimal("12.5")]], "standard")
b'wilayah,nilai\\r\\n=HYPERLINK(1),12.5\\r\\n'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

__all__ = ["CsvDialect", "cell_text", "csv_bytes", "excel_safe", "verbatim", "write_csv"]

CsvDialect = Literal["excel", "standard"]

# Text a spreadsheet would evaluate as a formula when the file is opened.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
# A number as an agency or Excel writes it: nothing a formula could be made of.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)*(?:[eE][-+]?[0-9]+)?")
# A trigger after a comma or a line break inside a cell (and the quotes that may open a
# field there): where a spreadsheet splitting at commas starts a cell or a row.
_INSIDE = re.compile('((?:,|[\r\n]+)"*)(?=[' + re.escape("".join(FORMULA_START)) + "])")


def excel_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula, with a quote so it stays text; a plain
    number as it is.

    >>> excel_safe("-1+2"), excel_safe("Way Lima"), excel_safe("-0,5"), excel_safe("x,=1+1")
    ("'-1+2", 'Way Lima', '-0,5', "x,'=1+1")
    >>> excel_safe("\\r=1+2"), excel_safe("catatan\\n@SUM(1)")
    ("'\\r'=1+2", "catatan\\n'@SUM(1)")
    """
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    text = _INSIDE.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_text(value: Any, excel: bool, *, number: bool = False) -> str:
    """One cell: ``None`` empty, booleans ``ya``/``tidak`` (Excel) or ``true``/``false``,
    decimals with a decimal comma for Excel; ``number`` marks text holding a number
    in the graph's notation ("12.5"), written with a comma for Excel too.

    >>> cell_text(None, True), cell_text(True, True), cell_text("12.5", True, number=True)
    ('', 'ya', '12,5')
    >>> cell_text(0.25, False), cell_text("+62 812", True)
    ('0.25', "'+62 812")
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("ya" if value else "tidak") if excel else str(value).lower()
    if isinstance(value, Decimal):
        value = format(value, "f")
        number = True
    elif isinstance(value, int | float):
        number = True
    text = str(value)
    if number and _NUMBER.match(text):
        return text.replace(".", ",") if excel else text
    return excel_safe(text) if excel else text


def _rows_text(header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: CsvDialect) -> str:
    excel = dialect == "excel"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([excel_safe(h) if excel else h for h in header])
    for row in rows:
        writer.writerow([_cell(value, excel) for value in row])
    return buffer.getvalue()


def _cell(value: Any, excel: bool) -> str:
    """A cell for the writer: a verbatim one is not converted again, but guarded for Excel."""
    if isinstance(value, _Verbatim):
        return excel_safe(value) if excel else value
    return cell_text(value, excel)


class _Verbatim(str):
    """A cell already written for its dialect (see ``verbatim``)."""

    __slots__ = ()


def verbatim(text: str) -> str:
    """Mark a cell the caller already wrote for the dialect (a number with its decimal comma),
    so it is not converted again; the ``excel`` dialect still guards it against formulas."""
    return _Verbatim(text)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: CsvDialect = "excel") -> bytes:
    """The table as CSV bytes in ``dialect`` (cells through ``cell_text``)."""
    text = _rows_text(header, rows, dialect)
    return ("\ufeff" + text if dialect == "excel" else text).encode("utf-8")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a report for agency staff: the ``excel`` dialect, into ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(header, rows, "excel"))
    return path
