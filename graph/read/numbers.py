"""Numbers as Indonesian agencies write them, parsed column-wise.

"1.234,5" (dot thousands, comma decimals), "Rp1.500", "12,5%", "7.84" and
"45.123" all occur, sometimes in one file. Values are kept as exact decimal
text ("1234.5") so that no figure is changed by floating-point rounding on the
way from the agency's cell to the graph. A value that cannot be read is
reported with the reason; it is never turned into zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pandas as pd

__all__ = ["ParsedNumbers", "parse_numbers", "typed_number"]

DecimalStyle = Literal["comma", "point", "auto"]

# Whole-cell patterns: an optional sign, digits with or without thousands groups, decimals.
# A thousands-grouped number never starts with a 0 group: "0.125" is not 125.
_COMMA_DECIMAL = r"-?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?"
_POINT_DECIMAL = r"-?(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CURRENCY = r"^(?:rp\.?|idr)\s*"


@dataclass
class ParsedNumbers:
    """Column-wise result: exact decimal text where readable, a reason where not."""

    lexical: pd.Series  # "1234.5" or <NA>
    missing: pd.Series  # bool: the cell is empty or a declared "no data" marker
    problem: pd.Series  # reason text or <NA>


def parse_numbers(
    raw: pd.Series, *, style: DecimalStyle, missing: list[str], integer: bool | pd.Series
) -> ParsedNumbers:
    """Parse a column of cell texts into exact decimal text.

    Args:
        raw: the cells as text.
        style: "comma" for 1.234,5; "point" for 1,234.5; "auto" decides per cell and
            reports a cell that could be read both ways with different results.
        missing: cell texts meaning "no data" (after trimming).
        integer: the indicator holds whole numbers ("12.5" is then a problem); a boolean
            column when each row's indicator differs (long tables).
    """
    text = raw.astype("string").fillna("")
    # Agency columns repeat their values (counts, percentages with one decimal), so each
    # distinct text is parsed once and the results are spread back by position: at a
    # million cells this is the difference between ~1 s and ~14 s.
    positions, distinct = pd.factorize(text)
    parsed = _parse_distinct(pd.Series(distinct, dtype="string"), style=style, missing=missing)

    def spread(values: pd.Series) -> pd.Series:
        return pd.Series(values.array.take(positions), index=raw.index, dtype=values.dtype)

    lexical = spread(parsed.lexical)
    problem = spread(parsed.problem)
    counts = integer if isinstance(integer, pd.Series) else pd.Series(integer, index=raw.index)
    if counts.any():
        # Whether a value is whole, and its text without ".0", are per distinct value too;
        # whether it must be whole depends on the row's indicator.
        whole_distinct = parsed.lexical.str.fullmatch(r"-?\d+(?:\.0+)?").fillna(True).astype(bool)
        whole = spread(whole_distinct) | ~counts
        problem = problem.mask(~whole, "bukan bilangan bulat / not a whole number, but the indicator counts")
        trimmed = spread(parsed.lexical.str.replace(r"\.0+$", "", regex=True))
        lexical = trimmed.where(counts, lexical).where(whole)
    return ParsedNumbers(lexical=lexical, missing=spread(parsed.missing), problem=problem)


def _parse_distinct(raw: pd.Series, *, style: DecimalStyle, missing: list[str]) -> ParsedNumbers:
    """Parse distinct cell texts (no whole-number check: that depends on the row)."""
    text = raw.str.replace("\u00a0", " ", regex=False).str.strip()
    is_missing = text.isin([m.strip() for m in missing])
    has_currency = text.str.contains(_CURRENCY, case=False, regex=True)
    core = (
        text.str.replace(_CURRENCY, "", case=False, regex=True)
        .str.replace(r"\s*%$", "", regex=True)
        .str.replace("\u2212", "-", regex=False)  # the minus sign some exports use
        .str.strip()
    )
    comma_ok = core.str.fullmatch(_COMMA_DECIMAL).fillna(False).astype(bool)
    point_ok = core.str.fullmatch(_POINT_DECIMAL).fillna(False).astype(bool)
    as_comma = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    as_point = core.str.replace(",", "", regex=False)

    problem = pd.Series(pd.NA, index=raw.index, dtype="string")
    if style == "comma":
        lexical = as_comma.where(comma_ok)
        bad = ~comma_ok
        hint = "tulis seperti / write like 1.234,5"
    elif style == "point":
        lexical = as_point.where(point_ok)
        bad = ~point_ok
        hint = "tulis seperti / write like 1,234.5"
    else:
        both = comma_ok & point_ok
        differ = both & (as_comma != as_point)
        # Rupiah amounts use dots for thousands and have no decimals in practice.
        lexical = as_comma.where(comma_ok & ~point_ok)
        lexical = lexical.fillna(as_point.where(point_ok & ~comma_ok))
        lexical = lexical.fillna(as_comma.where(both & (~differ | has_currency)))
        ambiguous = differ & ~has_currency
        bad = ~(comma_ok | point_ok)
        problem = problem.mask(
            ambiguous & ~is_missing,
            "angka ambigu / ambiguous number: could be "
            + as_comma.astype("string")
            + " or "
            + as_point.astype("string")
            + "; set decimal: comma or point in the mapping",
        )
        hint = "tulis seperti / write like 1.234,5 or 1234.5"

    problem = problem.mask(
        bad & ~is_missing,
        "bukan angka / not a number (" + hint + ")",
    )
    lexical = lexical.where(~is_missing & problem.isna())
    lexical = lexical.str.replace(r"^(-?)0+(\d)", r"\1\2", regex=True)
    return ParsedNumbers(lexical=lexical, missing=is_missing, problem=problem)


def typed_number(text: str, *, whole: bool = False) -> Decimal | None:
    """A number a person typed into a form, read as an agency's cell is: "22,5", "1.234,5",
    "22.5" and "1234.5" all work; None when it is not a number, or when it reads two ways
    ("1.234": 1234 or 1.234, refused rather than guessed). ``whole``: only whole numbers, so
    a dot can only group thousands ("1.234" is 1234).

    >>> typed_number("22,5"), typed_number("1.234,5"), typed_number("22.5"), typed_number("-0.125")
    (Decimal('22.5'), Decimal('1234.5'), Decimal('22.5'), Decimal('-0.125'))
    >>> typed_number("1.234"), typed_number("1.234", whole=True), typed_number("22,5", whole=True)
    (None, Decimal('1234'), None)
    >>> typed_number("dua"), typed_number(""), typed_number("1,5e3")
    (None, None, None)
    """
    one = pd.Series([text], dtype="string")
    parsed = parse_numbers(one, style="comma" if whole else "auto", missing=[], integer=whole)
    lexical = parsed.lexical.iloc[0]
    return None if pd.isna(lexical) or parsed.missing.iloc[0] else Decimal(str(lexical))
