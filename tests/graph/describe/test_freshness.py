"""Freshness: a dataset's last load against the frequency it declares."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.cube.metadata import FREQUENCY
from graph.describe.freshness import freshness

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("updated", "frequency", "status", "due", "late_days", "label"),
    [
        ("2025-01-10T08:00:00Z", "annual", "on_time", "2026-01-10", None, "Tepat waktu"),
        ("2024-01-10T08:00:00Z", "annual", "late", "2025-01-10", 142, "Terlambat 4 bulan"),
        ("2025-05-20T08:00:00+00:00", "monthly", "on_time", "2025-06-20", None, "Tepat waktu"),
        ("2025-04-20T00:00:00Z", "monthly", "late", "2025-05-20", 12, "Terlambat 12 hari"),
        ("2025-01-31T00:00:00Z", "quarterly", "late", "2025-04-30", 32, "Terlambat 32 hari"),
        ("2024-11-30T00:00:00Z", "semiannual", "late", "2025-05-30", 2, "Terlambat 2 hari"),
        ("2020-01-01T00:00:00Z", FREQUENCY["annual"], "late", "2021-01-01", 1612, "Terlambat 4 tahun"),
        ("2020-01-01T00:00:00Z", "irregular", "irregular", None, None, "Tanpa jadwal tetap"),
        ("2020-01-01T00:00:00Z", None, "unknown", None, None, "Frekuensi tidak dinyatakan"),
        (None, "annual", "unknown", None, None, "Tanggal muat tidak diketahui"),
    ],
)
def test_freshness_against_the_declared_frequency(
    updated: str | None,
    frequency: str | None,
    status: str,
    due: str | None,
    late_days: int | None,
    label: str,
) -> None:
    found = freshness(updated, frequency, NOW)
    assert (found.status, found.due, found.late_days, found.label["id"]) == (status, due, late_days, label)
    assert found.label["en"]
