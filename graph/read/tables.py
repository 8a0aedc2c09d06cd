"""Read an agency's CSV or XLSX table into a frame of cell texts. No RDF here.

Every cell is kept as the text the agency wrote, so that numbers are parsed
once, by rules that report what they cannot read. Every data row keeps the row
number the agency sees in Excel (or the record number of a CSV), which is what
provenance and error messages point at.

A read may take at most its budget (``graph.read.budget``): cells counted as the rows come,
seconds on the clock, and the table as the frame holds it; past it the file is refused at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from graph.errors import SourceError
from graph.read.budget import ReadBudget, ReadMeter
from graph.read.mappings import SourceSpec, normalise_header

__all__ = ["ReadBudget", "Table", "normalise_header", "read_table", "sha256_of"]

ROW = "__row__"  # column holding the source row number


@dataclass
class Table:
    """A source table: data rows as text, with their row numbers and what was set aside."""

    path: Path
    sheet: str | None
    sha256: str
    byte_size: int
    frame: pd.DataFrame  # one column per header name, plus ROW
    columns: list[str]
    blank_rows: list[int] = field(default_factory=list)
    dropped: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, col, value, why
    spec: SourceSpec | None = None  # the layout it was read with

    @property
    def rows_read(self) -> int:
        """Rows below the header: data rows plus blank and dropped ones."""
        return len(self.frame) + len(self.blank_rows) + len(self.dropped)


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _read_csv_records(path: Path, spec: SourceSpec, meter: ReadMeter) -> list[list[str]]:
    try:
        with path.open(encoding=spec.encoding, newline="") as f:
            records: list[list[str]] = []
            for row in csv.reader(f, delimiter=spec.delimiter):
                meter.row(len(row), len(records) + 1)
                records.append(row)
            return records
    except UnicodeError as exc:  # also "UTF-16 stream does not start with BOM", which has no byte
        where = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise SourceError(
            f"berkas bukan teks {spec.encoding} / the file is not {spec.encoding} text"
            f"{where}; set source.encoding in the mapping, e.g. cp1252",
            file=path,
        ) from None
    except LookupError:
        raise SourceError(
            f"pengodean {spec.encoding!r} tidak dikenal / unknown encoding {spec.encoding!r}; set "
            "source.encoding in the mapping to e.g. utf-8-sig or cp1252",
            file=path,
        ) from None
    except csv.Error as exc:
        raise SourceError(f"CSV rusak / broken CSV: {exc}", file=path) from None


def _cell_text(value: Any, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            # Excel stores 12.5% as 0.125 (and 100% as 1); the agency sees 12.5 and 100.
            value = round(value * 100, 10)
        if isinstance(value, int):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


_EXCEL_MAX_ROWS = 1_048_576


def _read_xlsx_records(path: Path, spec: SourceSpec, meter: ReadMeter) -> tuple[list[list[str]], str]:
    from openpyxl import load_workbook

    try:
        # data_only: cached values, formulas are never evaluated; keep_links=False: links to
        # other workbooks are neither kept nor followed.
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise SourceError(
            f"berkas Excel tidak dapat dibuka / cannot open the Excel file: {exc}", file=path
        ) from None
    try:
        if spec.sheet is None:
            if not workbook.worksheets:
                raise SourceError("berkas Excel tanpa lembar / the workbook has no sheet", file=path)
            sheet = workbook.worksheets[0]
        elif spec.sheet in workbook.sheetnames:
            sheet = workbook[spec.sheet]
        else:
            raise SourceError(
                f"lembar {spec.sheet!r} tidak ada / no sheet {spec.sheet!r}; sheets: "
                f"{', '.join(workbook.sheetnames)}",
                file=path,
            )
        # The size a sheet declares is not trusted: a forged "A1:XFD1048576" would have every
        # row padded to 16,384 cells. Without it openpyxl pads only the rows the sheet skips.
        sheet.reset_dimensions()
        meter.sheet = sheet.title
        meter.check_time()  # opening the workbook reads its shared strings and styles
        records: list[list[str]] = []
        for row in sheet.iter_rows(min_row=1):
            number = getattr(row[0], "row", None) if row else None
            # Counted before the cells become text: a sheet past its budget stops here.
            meter.row(len(row), number or len(records) + 1)
            cells = [_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
            if len(records) >= _EXCEL_MAX_ROWS or (number is not None and number > _EXCEL_MAX_ROWS):
                # A damaged or forged sheet (a row numbered 4294967296): stop padding up to it.
                raise SourceError(
                    f"nomor baris melebihi batas Excel {_EXCEL_MAX_ROWS} / row number past Excel's "
                    "limit; the file is damaged: save it again from Excel",
                    file=path,
                    row=number or len(records) + 1,
                )
            while number is not None and len(records) < number - 1:
                records.append([])  # rows openpyxl skipped are empty
            records.append(cells)
        return records, sheet.title
    except SourceError:
        raise
    except Exception as exc:  # openpyxl parses the sheet lazily: a damaged one fails only here
        raise SourceError(
            f"berkas Excel rusak / the Excel file is damaged ({type(exc).__name__}: {exc}); "
            "save it again from Excel or export it as CSV",
            file=path,
        ) from None
    finally:
        workbook.close()


def _header(records: list[list[str]], rows: list[int], width: int) -> list[str]:
    grid = [(records[r - 1] + [""] * width)[:width] for r in rows]
    if len(grid) > 1:
        # Merged header cells: a blank cell takes the text to its left when a lower header
        # row names that column ("Proyeksi Penduduk" over "2020", "2021", ...).
        for upper in range(len(grid) - 1):
            for j in range(1, width):
                below = any(grid[k][j].strip() for k in range(upper + 1, len(grid)))
                if not grid[upper][j].strip() and below:
                    grid[upper][j] = grid[upper][j - 1]
    names = [normalise_header(" ".join(g[j] for g in grid if g[j].strip())) for j in range(width)]
    seen: dict[str, int] = {}
    unique = []
    for j, name in enumerate(names):
        name = name or f"(kolom {j + 1})"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def read_table(path: Path, spec: SourceSpec, budget: ReadBudget | None = None) -> Table:
    """Read the table a mapping points at, apply its layout, keep row numbers.

    ``budget`` bounds the cells and seconds the read may take (``ReadBudget.of(settings)``
    for loads and uploads); without one the read is unbounded.

    Raises:
        SourceError: the file is missing, unreadable, over its budget, or its header row
            is absent.
    """
    meter = (budget or ReadBudget()).meter(path)
    try:
        found = path.is_file()
    except (OSError, ValueError):  # a name the system refuses, e.g. with a NUL byte
        found = False
    if not found:
        raise SourceError(
            "berkas tidak ditemukan / file not found; check source.path in the mapping",
            file=path,
        )
    try:
        sha, size = sha256_of(path)
        sheet: str | None = None
        if spec.resolved_format == "xlsx":
            records, sheet = _read_xlsx_records(path, spec, meter)
        else:
            records = _read_csv_records(path, spec, meter)
    except OSError as exc:
        raise SourceError(
            f"berkas tidak dapat dibaca / cannot read the file ({exc.strerror or exc}); check its "
            "permissions and that it is not open elsewhere",
            file=path,
        ) from None
    last_header = max(spec.header_rows)
    if len(records) < last_header:
        raise SourceError(
            f"baris judul kolom {last_header} tidak ada / header row {last_header} is missing "
            f"(the file has {len(records)} rows); check source.header_rows",
            file=path,
        )
    widest = max(range(len(records)), key=lambda i: len(records[i]))  # header rows exist: not empty
    width = len(records[widest])
    skip = set(spec.skip_rows)
    numbers: list[int] = []
    blank: list[int] = []
    for number in range(last_header + 1, len(records) + 1):
        if number in skip:
            continue
        if any(c.strip() for c in records[number - 1]):
            numbers.append(number)
        else:
            blank.append(number)
    # Every data row is padded to the widest row: the padded table must fit the budget too.
    meter.grid(len(numbers), width, widest=widest + 1)
    columns = _header(records, spec.header_rows, width)
    data = [(records[n - 1] + [""] * width)[:width] for n in numbers]
    frame = (
        pd.DataFrame(data, columns=columns, dtype="string")
        if data
        else pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    )
    # Declared personal data is never read: it leaves here, before drop rules or mapping.
    frame = frame.drop(columns=[c for c in columns if c in spec.personal_columns])
    frame[ROW] = pd.Series(numbers, dtype="int64")
    table = Table(
        path=path,
        sheet=sheet,
        sha256=sha,
        byte_size=size,
        frame=frame,
        columns=columns,
        blank_rows=blank,
        spec=spec,
    )
    _drop_non_data_rows(table, spec)
    return table


def _drop_non_data_rows(table: Table, spec: SourceSpec) -> None:
    for rule in spec.drop_rows:
        column = normalise_header(rule.column)
        if column not in table.frame.columns:
            continue  # reported by the mapping check, which knows the mapping's lines
        cells = table.frame[column].fillna("").str.strip()
        if rule.blank:
            hit = (cells == "").astype(bool)
        else:
            pattern = re.compile(rule.matches or "", re.IGNORECASE)
            hit = cells.map(lambda text, rx=pattern: rx.search(text) is not None).astype(bool)
        for number, value in zip(table.frame.loc[hit, ROW], cells[hit], strict=True):
            table.dropped.append((int(number), column, str(value), rule.reason))
        table.frame = table.frame.loc[~hit].reset_index(drop=True)
