"""CSV for people and for programs, written one way everywhere.

Two dialects:

- ``excel``: what Excel with Indonesian regional settings opens with columns split and
  text intact: UTF-8 with a byte-order mark, ``;`` between fields, decimal comma, and
  any text Excel would run as a formula (CSV injection: ``=``, ``+``, ``-``, ``@``, tab,
  carriage return) prefixed with a quote.
- ``standard``: RFC 4180 for programs: UTF-8 without BOM, ``,``, decimal point, the text
  as it is.

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

__all__ = ["CsvDialect", "as_written", "cell_text", "csv_bytes", "excel_safe", "verbatim", "write_csv"]

CsvDialect = Literal["excel", "standard"]

# Text Excel would evaluate as a formula when the file is opened.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def excel_safe(text: str) -> str:
    """Text Excel would run as a formula, with a leading quote so it stays text.

    >>> excel_safe("-1+2"), excel_safe("Way Lima")
    ("'-1+2", 'Way Lima')
    """
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


def as_written(text: str) -> str:
    """A cell as an agency wrote it, for the ``excel`` dialect: a plain number stays as it is
    (Excel reads "-5" as minus five, not as a formula), other text goes through the guard.

    >>> as_written("-5"), as_written("-1+2"), as_written("1.234,5")
    ('-5', "'-1+2", '1.234,5')
    """
    return verbatim(text) if _NUMBER.match(text) else excel_safe(text)


def _rows_text(header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: CsvDialect) -> str:
    excel = dialect == "excel"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([excel_safe(h) if excel else h for h in header])
    for row in rows:
        writer.writerow([value if isinstance(value, _Verbatim) else cell_text(value, excel) for value in row])
    return buffer.getvalue()


class _Verbatim(str):
    """A cell already written for its dialect (see ``verbatim``)."""

    __slots__ = ()


def verbatim(text: str) -> str:
    """Mark a cell the caller already wrote for the dialect, so it is not changed again."""
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
