"""period_keys: years, semesters and months as agencies write them become period keys."""

from __future__ import annotations

import pandas as pd
import pytest

from graph.read.periods import MONTHS, period_keys


def keys_of(years, *, semester=None, month=None):
    year = pd.Series(years, dtype="object")
    sem = pd.Series(semester, dtype="object") if semester is not None else None
    mon = pd.Series(month, dtype="object") if month is not None else None
    key, problem = period_keys(year, semester=sem, month=mon)
    return [None if pd.isna(k) else k for k in key], [None if pd.isna(p) else p for p in problem]


def key_of(year, **kwargs):
    extra = {k: [v] for k, v in kwargs.items()}
    keys, problems = keys_of([year], **extra)
    return keys[0], problems[0]


# --- years --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2024", " 2024 ", "Tahun 2024", "TAHUN 2024", "2024.0", "2024.00"])
def test_year_texts_give_the_year_key(text):
    assert key_of(text) == ("2024", None)


def test_excel_float_year_text_reads_as_the_year():
    # An Excel number cell exported as text by some tools: "2024.0".
    assert keys_of(["2020.0", "2021", "Tahun 2022"]) == (["2020", "2021", "2022"], [None] * 3)


@pytest.mark.parametrize("text", ["1850", "2150", "0000", "9999"])
def test_out_of_range_years_are_reported(text):
    key, problem = key_of(text)
    assert key is None
    assert "year not recognised" in problem


@pytest.mark.parametrize("text", ["", "abc", "24", "20245", "tahun lalu", None])
def test_garbage_years_are_reported(text):
    key, problem = key_of(text)
    assert key is None
    assert "year not recognised" in problem


def test_year_problems_stay_on_their_own_rows():
    keys, problems = keys_of(["2023", "abc", "2024"])
    assert keys == ["2023", None, "2024"]
    assert [p is None for p in problems] == [True, False, True]


@pytest.mark.parametrize("text", ["2024.5", "2023/2024"])
def test_year_with_extra_digits_is_reported_not_truncated(text):
    key, problem = key_of(text)
    assert key is None and problem is not None


# --- semesters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I", "2024-S1"),
        ("II", "2024-S2"),
        ("1", "2024-S1"),
        ("2", "2024-S2"),
        ("Semester 2", "2024-S2"),
        ("semester I", "2024-S1"),
        ("SEMESTER II", "2024-S2"),
        ("S1", "2024-S1"),
        ("s2", "2024-S2"),
        ("Smt. 2", "2024-S2"),
        ("Sem 1", "2024-S1"),
        (" II ", "2024-S2"),
    ],
)
def test_semester_texts_give_semester_keys(text, expected):
    assert key_of("2024", semester=text) == (expected, None)


@pytest.mark.parametrize("text", ["3", "III", "0", "", "Semester", "ganjil"])
def test_unknown_semesters_are_reported(text):
    key, problem = key_of("2024", semester=text)
    assert key is None
    assert "semester not recognised" in problem


def test_semester_key_combines_the_row_year():
    keys, problems = keys_of(["2023", "Tahun 2024"], semester=["II", "Semester 1"])
    assert keys == ["2023-S2", "2024-S1"]
    assert problems == [None, None]


def test_bad_year_with_good_semester_reports_the_year():
    key, problem = key_of("abc", semester="I")
    assert key is None and "year not recognised" in problem


# --- months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "2024-01"),
        ("03", "2024-03"),
        ("3", "2024-03"),
        ("12", "2024-12"),
        ("Januari", "2024-01"),
        ("JANUARI", "2024-01"),
        ("Pebruari", "2024-02"),
        ("Maret", "2024-03"),
        ("Mei", "2024-05"),
        ("Agustus", "2024-08"),
        ("Agt", "2024-08"),
        ("Ags", "2024-08"),
        ("Okt", "2024-10"),
        ("Nopember", "2024-11"),
        ("Nop", "2024-11"),
        ("Desember", "2024-12"),
        ("Des", "2024-12"),
        ("Des.", "2024-12"),
        ("January", "2024-01"),
        ("May", "2024-05"),
        ("Aug", "2024-08"),
        ("October", "2024-10"),
        ("Dec", "2024-12"),
        (" Juli ", "2024-07"),
    ],
)
def test_month_numbers_and_names_give_month_keys(text, expected):
    assert key_of("2024", month=text) == (expected, None)


@pytest.mark.parametrize("text", ["0", "13", "-1", "", "Bulan", "Juni-Juli"])
def test_unknown_months_are_reported(text):
    key, problem = key_of("2024", month=text)
    assert key is None
    assert "month not recognised" in problem


def test_every_month_table_entry_is_between_1_and_12_and_covers_all_months():
    assert set(MONTHS.values()) == set(range(1, 13))
    # Indonesian full names must be present: they are what agencies write most.
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "maret",
            "april",
            "mei",
            "juni",
            "juli",
            "agustus",
            "september",
            "oktober",
            "november",
            "desember",
        ],
        start=1,
    ):
        assert MONTHS[name] == number


def test_fractional_month_number_is_reported_not_truncated():
    key, problem = key_of("2024", month="3.5")
    assert key is None and problem is not None


# --- key format ----------------------------------------------------------------------------


def test_key_formats_are_year_semester_and_zero_padded_month():
    assert key_of("2024") == ("2024", None)
    assert key_of("2024", semester="1") == ("2024-S1", None)
    assert key_of("2024", month="3") == ("2024-03", None)


def test_keys_keep_the_index_of_the_input():
    year = pd.Series(["2024", "x"], index=[7, 9], dtype="object")
    key, problem = period_keys(year)
    assert list(key.index) == [7, 9] and list(problem.index) == [7, 9]
    assert key.loc[7] == "2024" and pd.isna(key.loc[9])
