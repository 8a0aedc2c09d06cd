"""How much of one table a read may take: cells, as the sheet or CSV yields them, and seconds.

A workbook within every size limit can still take minutes and gigabytes to read (issue 19: a
27.6 MB xlsx, 120 s and 2.9 GB, while every other agency's upload waited): formatting applied
to whole columns makes openpyxl yield every formatted cell of every row, and each cell read
is kept as text. So the reader counts cells as the rows come and looks at the clock after
each row, and a table over its budget (settings ``read_max_cells``, ``read_max_seconds``) is
abandoned as soon as it passes it, before more memory is used. The table as the frame will
hold it, every row padded to the widest one, is held to the same cell budget before it is
built: one row reaching column XFD would otherwise pad every other row to 16,384 cells.

>>> meter = ReadBudget(max_cells=10).meter(Path("tabel.csv"))
>>> meter.row(6, 1); meter.row(4, 2); meter.cells
10
>>> meter.row(1, 3)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.SourceError: tabel.csv, baris/row 3: berkas ini berisi lebih dari 10 sel ...
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import SourceError

if TYPE_CHECKING:
    from graph.settings import Settings

__all__ = ["ReadBudget", "ReadMeter"]


@dataclass(frozen=True)
class ReadBudget:
    """The most cells and seconds reading one table may take; None: no limit."""

    max_cells: int | None = None
    max_seconds: float | None = None

    @classmethod
    def of(cls, settings: Settings) -> ReadBudget:
        """The budget the settings give every table a load or an upload reads."""
        return cls(settings.read_max_cells, settings.read_max_seconds)

    def meter(self, path: Path) -> ReadMeter:
        """A meter for reading ``path``, its clock started now."""
        return ReadMeter(self, path)


def _advice(setting: str) -> tuple[str, str]:
    return (
        "pisahkan tabel (mis. per tahun atau per kecamatan), hapus kolom dan format sel yang tidak "
        "dipakai (di Excel: pilih kolom kosong di kanan tabel dan baris kosong di bawahnya, lalu "
        f"Hapus), atau minta Walidata menaikkan pengaturan {setting}",
        "split the table (e.g. by year or by kecamatan), remove unused columns and cell formatting "
        "(in Excel: select the empty columns right of the table and the empty rows below it, then "
        f"Delete), or ask the Walidata to raise the setting {setting}",
    )


class ReadMeter:
    """Counts the cells one read has taken and the seconds it has run; refuses past the budget."""

    def __init__(self, budget: ReadBudget, path: Path) -> None:
        self.budget = budget
        self.path = path
        self.sheet: str | None = None  # set once the workbook's sheet is known
        self.cells = 0
        self.started = time.monotonic()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def row(self, cells: int, number: int) -> None:
        """Count a row of ``cells`` cells (row ``number`` as the agency sees it), then check the
        budget.

        Raises:
            SourceError: more cells than ``max_cells`` read, or ``max_seconds`` passed.
        """
        self.cells += cells
        limit = self.budget.max_cells
        if limit is not None and self.cells > limit:
            self._refuse(
                f"berisi lebih dari {limit:,} sel (batas read_max_cells): {self.cells:,} sel terbaca "
                "sampai baris ini, pembacaan dihentikan",
                f"holds more than {limit:,} cells (the read_max_cells limit): {self.cells:,} cells "
                "read by this row, reading stopped",
                "read_max_cells",
                number,
            )
        self.check_time(number)

    def check_time(self, number: int | None = None) -> None:
        """Refuse the read when it has run longer than ``max_seconds``.

        Raises:
            SourceError: naming the seconds, the cells read so far and the limit.
        """
        limit = self.budget.max_seconds
        if limit is None:
            return
        seconds = self.seconds
        if seconds > limit:
            self._refuse(
                f"dibaca lebih dari {limit:g} detik (batas read_max_seconds): {self.cells:,} sel "
                f"terbaca dalam {seconds:.1f} detik, pembacaan dihentikan",
                f"took more than {limit:g} s to read (the read_max_seconds limit): {self.cells:,} "
                f"cells read in {seconds:.1f} s, reading stopped",
                "read_max_seconds",
                number,
            )

    def grid(self, rows: int, width: int, widest: int) -> None:
        """Check the table as the frame will hold it: ``rows`` data rows, each padded to
        ``width`` cells (the width of row ``widest``).

        Raises:
            SourceError: rows × width is over ``max_cells``.
        """
        limit = self.budget.max_cells
        cells = rows * width
        if limit is None or cells <= limit:
            return
        self._refuse(
            f"menjadi {rows:,} baris × {width:,} kolom = {cells:,} sel (batas read_max_cells "
            f"{limit:,}): baris {widest:,} terisi sampai kolom {width:,} dan setiap baris dilebarkan "
            "sampai kolom itu",
            f"would be {rows:,} rows × {width:,} columns = {cells:,} cells (the read_max_cells limit "
            f"is {limit:,}): row {widest:,} reaches column {width:,} and every row is padded to it",
            "read_max_cells",
            None,
        )

    def _refuse(self, what_id: str, what_en: str, setting: str, row: int | None) -> None:
        where_id, where_en = (
            (f"lembar {self.sheet!r}", f"sheet {self.sheet!r}") if self.sheet else ("berkas ini", "the file")
        )
        advice_id, advice_en = _advice(setting)
        raise SourceError(
            f"{where_id} {what_id}; {advice_id} / {where_en} {what_en}; {advice_en}",
            file=self.path,
            row=row,
        )
