"""parse_numbers: agency number texts become exact decimal text, or a reported problem."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from graph.read.mappings import DEFAULT_MISSING
from graph.read.numbers import parse_numbers

MISSING = ["", "-", "..."]


def parse(values, *, style="comma", integer=False, missing=None):
    raw = pd.Series(values, dtype="object")
    return parse_numbers(raw, style=style, missing=MISSING if missing is None else missing, integer=integer)


def one(value, **kwargs):
    """(lexical, missing, problem) of a single cell."""
    result = parse([value], **kwargs)
    lexical = result.lexical.iloc[0]
    problem = result.problem.iloc[0]
    return (
        None if pd.isna(lexical) else lexical,
        bool(result.missing.iloc[0]),
        None if pd.isna(problem) else problem,
    )


# --- readable values -------------------------------------------------------------------


def test_comma_style_reads_dot_thousands_and_comma_decimals():
    assert one("1.234,5", style="comma") == ("1234.5", False, None)


def test_comma_style_reads_several_thousands_groups():
    assert one("3.000.000", style="comma") == ("3000000", False, None)


def test_point_style_reads_point_decimals():
    assert one("7.84", style="point") == ("7.84", False, None)


def test_point_style_reads_comma_thousands_and_point_decimals():
    assert one("1,234.5", style="point") == ("1234.5", False, None)


def test_rupiah_prefix_is_stripped_before_reading():
    assert one("Rp1.500", style="comma") == ("1500", False, None)


@pytest.mark.parametrize("text", ["Rp 1.500", "Rp. 1.500", "rp1.500", "IDR 1.500"])
def test_rupiah_prefix_variants_are_stripped(text):
    assert one(text, style="comma")[0] == "1500"


def test_rupiah_amount_with_cents_keeps_its_value():
    lexical, missing, problem = one("Rp420.032,00", style="comma")
    assert problem is None and not missing
    assert Decimal(lexical) == Decimal("420032")
    assert "," not in lexical and lexical.count(".") <= 1


def test_percent_sign_is_stripped_and_value_kept_in_percent():
    assert one("12,5%", style="comma") == ("12.5", False, None)
    assert one("67,5 %", style="comma") == ("67.5", False, None)


def test_leading_and_trailing_spaces_and_nbsp_are_ignored():
    result = parse(["  1.234,5 ", "\u00a012,5\u00a0", "\t7 "], style="comma")
    assert list(result.lexical) == ["1234.5", "12.5", "7"]
    assert result.problem.isna().all()


def test_unicode_minus_sign_reads_as_negative():
    assert one("\u22125", style="comma") == ("-5", False, None)
    assert one("\u22121.234,5", style="comma") == ("-1234.5", False, None)


def test_ascii_minus_sign_reads_as_negative():
    assert one("-12,5", style="comma") == ("-12.5", False, None)


def test_leading_zeros_of_the_integer_part_are_dropped_but_decimals_kept():
    assert one("007", style="comma")[0] == "7"
    assert one("0,05", style="comma")[0] == "0.05"


# --- exactness ---------------------------------------------------------------------------


def test_decimal_text_is_exact_not_float_rounded():
    assert one("0,1", style="comma")[0] == "0.1"


def test_long_values_are_kept_digit_for_digit():
    assert one("123456789012,345678", style="comma")[0] == "123456789012.345678"
    assert one("123.456.789.012,345678", style="comma")[0] == "123456789012.345678"


def test_lexical_values_are_valid_xsd_decimal_text():
    result = parse(["1.234,5", "Rp1.500", "12,5%", "\u22125", "0,1"], style="comma")
    for text in result.lexical:
        assert Decimal(text) == Decimal(text.strip())
        assert text.replace("-", "", 1).replace(".", "", 1).isdigit()


# --- missing values ------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["", "-", "...", "  -  ", "\u00a0"])
def test_missing_markers_are_counted_as_missing_not_problems(marker):
    lexical, missing, problem = one(marker, style="comma")
    assert missing is True
    assert lexical is None
    assert problem is None


def test_none_cell_is_missing_when_empty_text_is_a_marker():
    assert one(None, style="comma") == (None, True, None)


def test_marker_outside_the_missing_list_is_a_problem():
    lexical, missing, problem = one("...", style="comma", missing=[""])
    assert missing is False and lexical is None and problem is not None


def test_default_missing_markers_are_missing_in_every_style():
    for style in ("comma", "point", "auto"):
        result = parse(["", "-", "...", "\u2026", "n/a"], style=style, missing=DEFAULT_MISSING)
        assert result.missing.all()
        assert result.problem.isna().all()
        assert result.lexical.isna().all()


def test_missing_markers_are_also_missing_for_integer_indicators():
    result = parse(["", "-", "..."], style="comma", integer=True)
    assert result.missing.all()
    assert result.problem.isna().all()


# --- unreadable values -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["12,3,4", "\u00b140", "n.a.", "21,8,4", "abc", "1.23.4", "12 5"])
@pytest.mark.parametrize("style", ["comma", "point", "auto"])
def test_unparseable_text_is_reported_with_a_reason_and_never_zero(text, style):
    lexical, missing, problem = one(text, style=style)
    assert lexical is None
    assert missing is False
    assert problem and "not a number" in problem


def test_problem_reason_tells_how_to_write_the_number_in_the_declared_style():
    assert "1.234,5" in one("n.a.", style="comma")[2]
    assert "1,234.5" in one("n.a.", style="point")[2]


def test_comma_style_rejects_a_point_decimal():
    lexical, _, problem = one("7.84", style="comma")
    assert lexical is None and problem is not None


def test_point_style_rejects_a_comma_decimal():
    lexical, _, problem = one("1.234,5", style="point")
    assert lexical is None and problem is not None


def test_problems_do_not_spoil_the_other_cells_of_the_column():
    result = parse(["1.234,5", "n.a.", "", "12,3,4", "7"], style="comma")
    assert list(result.lexical.fillna("<NA>")) == ["1234.5", "<NA>", "<NA>", "<NA>", "7"]
    assert list(result.problem.notna()) == [False, True, False, True, False]
    assert list(result.missing) == [False, False, True, False, False]


def test_result_keeps_the_index_of_the_input_column():
    raw = pd.Series(["1", "n.a.", "-"], index=[10, 20, 30], dtype="string")
    result = parse_numbers(raw, style="comma", missing=MISSING, integer=False)
    for series in (result.lexical, result.missing, result.problem):
        assert list(series.index) == [10, 20, 30]
    assert result.problem.loc[20] is not pd.NA and result.lexical.loc[10] == "1"


@pytest.mark.parametrize(("text", "style"), [("0.125", "comma"), ("0,125", "point")])
def test_zero_thousands_group_is_not_read_as_thousands(text, style):
    lexical, _, problem = one(text, style=style)
    assert lexical is None
    assert problem is not None


# --- auto mode -------------------------------------------------------------------------------


def test_auto_mode_reports_a_number_readable_both_ways_as_ambiguous():
    lexical, missing, problem = one("45.123", style="auto")
    assert lexical is None and not missing
    assert "ambig" in problem
    # Both readings are named, so the agency can tell which one it meant.
    assert "45123" in problem and "45.123" in problem


def test_auto_mode_reports_comma_thousands_as_ambiguous_too():
    lexical, _, problem = one("1,500", style="auto")
    assert lexical is None and "ambig" in problem


def test_auto_mode_reads_rupiah_dot_groups_as_thousands():
    assert one("Rp45.123", style="auto") == ("45123", False, None)
    assert one("Rp1.500", style="auto") == ("1500", False, None)


def test_auto_mode_reads_unambiguous_values_of_both_styles_in_one_column():
    result = parse(["41,11", "7.84", "1.234,5", "3.000.000", "12"], style="auto")
    assert list(result.lexical) == ["41.11", "7.84", "1234.5", "3000000", "12"]
    assert result.problem.isna().all()


def test_auto_mode_reads_rupiah_with_cents():
    lexical, _, problem = one("Rp420.032,00", style="auto")
    assert problem is None and Decimal(lexical) == Decimal("420032")


# --- integer indicators -----------------------------------------------------------------------


def test_integer_indicator_rejects_a_fraction():
    lexical, missing, problem = one("12,5", style="comma", integer=True)
    assert lexical is None and not missing
    assert "whole number" in problem


def test_integer_indicator_accepts_zero_decimals_and_drops_them():
    assert one("12,00", style="comma", integer=True) == ("12", False, None)
    assert one("Rp420.032,00", style="comma", integer=True) == ("420032", False, None)


def test_integer_indicator_reads_dot_thousands():
    assert one("3.000.000", style="comma", integer=True) == ("3000000", False, None)


def test_integer_indicator_keeps_the_not_a_number_reason_for_garbage():
    lexical, _, problem = one("n.a.", style="comma", integer=True)
    assert lexical is None and "not a number" in problem
