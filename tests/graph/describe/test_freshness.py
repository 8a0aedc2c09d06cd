"""Freshness: a dataset's latest published period against what its frequency promises today."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.cube.metadata import FREQUENCY
from graph.describe.freshness import freshness

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("last_period", "frequency", "status", "expected_year", "due", "late_days", "label"),
    [
        # Annual figures for Y are due in Y+1: in 2026 last year's (2025) are what is promised.
        ("2025", "annual", "current", 2025, "2027-01-01", None, "Terkini"),
        ("2026", "annual", "current", 2025, "2028-01-01", None, "Terkini"),
        ("2024", "annual", "late", 2025, "2026-01-01", 337, "Terlambat 11 bulan"),
        ("2020", FREQUENCY["annual"], "late", 2025, "2022-01-01", 1798, "Terlambat 4 tahun"),
        # Sub-annual figures must reach the current year.
        ("2026-03", "monthly", "current", 2026, "2027-01-01", None, "Terkini"),
        ("2025-S2", "semiannual", "late", 2026, "2026-01-01", 337, "Terlambat 11 bulan"),
        ("2025-12", "quarterly", "late", 2026, "2026-01-01", 337, "Terlambat 11 bulan"),
        # A period after the current year is a finding whatever the frequency.
        ("2027", "annual", "future", None, None, None, "Periode di masa depan (2027)"),
        ("2031-S1", "irregular", "future", None, None, None, "Periode di masa depan (2031-S1)"),
        ("2015", "irregular", "irregular", None, None, None, "Tanpa jadwal tetap"),
        ("2024", None, "unknown", None, None, None, "Frekuensi tidak dinyatakan"),
        (None, "annual", "unknown", None, None, None, "Periode terakhir tidak diketahui"),
    ],
)
def test_freshness_of_the_latest_period_against_the_declared_frequency(
    last_period: str | None,
    frequency: str | None,
    status: str,
    expected_year: int | None,
    due: str | None,
    late_days: int | None,
    label: str,
) -> None:
    found = freshness(last_period, frequency, TODAY)
    assert (found.status, found.expected_year, found.due, found.late_days, found.label["id"]) == (
        status,
        expected_year,
        due,
        late_days,
        label,
    )
    assert found.label["en"] and found.finding == (status == "future")


def test_a_typo_year_stops_being_in_the_future_when_its_year_comes() -> None:
    assert freshness("2027", "annual", dt.date(2026, 12, 31)).status == "future"
    assert freshness("2027", "annual", dt.date(2027, 1, 1)).status == "current"
    # And a dataset late by less than a day on the day its next period falls due.
    assert freshness("2025", "annual", dt.date(2027, 1, 1)).label["id"] == "Terlambat kurang dari sehari"
