"""Reference periods as agencies report them: years, semesters, months.

A period key is "2024", "2024-S1" or "2024-03"; it names the period's IRI.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["MONTHS", "has_come", "period_keys"]

# Indonesian and English month names and the abbreviations agencies use.
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan", "january"),
            ("februari", "pebruari", "feb", "peb", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "ags", "agt", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "des", "dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_SEMESTERS = {"1": 1, "i": 1, "2": 2, "ii": 2}


def has_come(key: str, today: dt.date) -> bool:
    """Whether a period key's year has come by ``today``: a later one cannot hold published
    figures (a mistyped year), so no year selector offers it.

    >>> has_come("2026-S2", dt.date(2026, 1, 1)), has_come("2027", dt.date(2026, 12, 31))
    (True, False)
    """
    return int(key[:4]) <= today.year


def _years(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = raw.astype("string").fillna("").str.strip()
    # The whole cell must be a year, optionally after a word ("Tahun 2024", "TA 2024"):
    # "2023/2024" or "2024.5" are reported, not cut down to a year.
    year = text.str.extract(r"^(?:[A-Za-z.]+\s*)?(\d{4})(?:\.0+)?$", expand=False)
    ok = year.notna() & year.fillna("0").astype(int).between(1900, 2100)
    problem = pd.Series(pd.NA, index=raw.index, dtype="string").mask(
        ~ok, "tahun tidak dikenali / year not recognised (write e.g. 2024)"
    )
    return year.where(ok), problem


def _semesters(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = (
        raw.astype("string")
        .fillna("")
        .str.lower()
        .str.replace(r"^(semester|smt\.?|sem\.?|s)\s*", "", regex=True)
        .str.strip()
    )
    sem = text.map(_SEMESTERS, na_action="ignore")
    problem = pd.Series(pd.NA, index=raw.index, dtype="string").mask(
        sem.isna(), "semester tidak dikenali / semester not recognised (write 1, 2, I or II)"
    )
    return sem, problem


def _months(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = raw.astype("string").fillna("").str.lower().str.strip().str.rstrip(".")
    whole = text.str.fullmatch(r"\d{1,2}(?:\.0+)?").fillna(False).astype(bool)
    number = pd.to_numeric(text.where(whole), errors="coerce")
    number = number.where(number.between(1, 12))
    named = text.map(MONTHS, na_action="ignore")
    month = number.fillna(named)
    problem = pd.Series(pd.NA, index=raw.index, dtype="string").mask(
        month.isna(), "bulan tidak dikenali / month not recognised (write 1-12 or Januari)"
    )
    return month, problem


def period_keys(
    year: pd.Series, semester: pd.Series | None = None, month: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Period keys for each row, and a problem text where the period cannot be read."""
    y, problem = _years(year)
    key = y
    if semester is not None:
        s, sp = _semesters(semester)
        key = y + "-S" + s.astype("Int64").astype("string")
        problem = problem.fillna(sp)
    elif month is not None:
        m, mp = _months(month)
        key = y + "-" + m.astype("Int64").astype("string").str.zfill(2)
        problem = problem.fillna(mp)
    return key.where(problem.isna()), problem
