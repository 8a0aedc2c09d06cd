"""Freshness: does a dataset's latest published period reach what its frequency promises today?

The one rule, for the home page (``graph.describe.overview``), the catalogue
(``graph.describe.catalog_json``) and the named question ``stale-datasets`` (whose SPARQL
computes the same, ``tests/graph/describe/test_freshness_agrees.py`` holds them together):

- a dataset declares how often it is updated (``dct:accrualPeriodicity``); its figures for a
  period are published some time after the period ends. Annual figures for year Y appear in
  Y+1 (a lag of one year); sub-annual figures are expected within their year (no lag);
- so the year it should have reached by ``today`` is ``today.year - lag``; a latest period
  before that year is late, from 1 January of the year after the expected one;
- a latest period after the current year cannot be published data: it is a finding, "periode
  di masa depan", never "on time" (a mistyped 2027 stops being one on 2027-01-01);
- an irregular dataset promises no date and is never late; a dataset without a stated
  frequency or a public latest period (a restricted one's card has none) cannot be judged.

``today`` is always an input: the service reads the clock once per request, tests fix it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.describe.catalog_terms import frequency_of
from graph.text import Text

__all__ = ["PUBLICATION_LAG_YEARS", "Freshness", "freshness"]

# Years between a period and the year its figures are due: annual data for Y is due in Y+1.
PUBLICATION_LAG_YEARS = {"annual": 1, "semiannual": 0, "quarterly": 0, "monthly": 0}

_NOT_STATED = Text("Tidak dinyatakan", "Not stated")


@dataclass(frozen=True)
class Freshness:
    """Whether a dataset's latest published period is what its frequency promises today."""

    status: str  # "current" | "late" | "future" | "irregular" | "unknown"
    label: Text
    frequency: str | None  # key of graph.cube.metadata.FREQUENCY
    frequency_label: Text
    last_period: str | None  # key of the latest published period ("2024", "2025-S1")
    expected_year: int | None  # the year the latest period should have reached by today
    years_behind: int | None  # expected_year - the latest period's year (negative: ahead)
    due: str | None  # ISO date from which the period after the latest one is late
    late_days: int | None  # days past ``due``, when late

    @property
    def finding(self) -> bool:
        """A latest period after the current year: a data error to name, not a schedule."""
        return self.status == "future"

    def as_dict(self) -> dict[str, object]:
        """The catalogue's JSON form."""
        return {
            "status": self.status,
            "label": self.label,
            "last_period": self.last_period,
            "expected_year": self.expected_year,
            "years_behind": self.years_behind,
            "due": self.due,
            "late_days": self.late_days,
        }


def _lateness(days: int) -> Text:
    """How late, in words people use: days up to two months, then months, then years."""
    if days < 1:
        return Text("kurang dari sehari", "less than a day")
    if days < 60:
        return Text(f"{days} hari", f"{days} day{'s' if days != 1 else ''}")
    months = int(days / 30.44)
    if months < 24:
        return Text(f"{months} bulan", f"{months} months")
    years = int(days / 365.25)
    return Text(f"{years} tahun", f"{years} years")


def freshness(last_period: str | None, frequency: str | None, today: dt.date) -> Freshness:
    """The freshness of a dataset whose latest published period is ``last_period`` (a period
    key: "2024", "2024-S1", "2024-03") with ``frequency`` (an IRI of the EU frequency
    authority, or a key of graph.cube.metadata.FREQUENCY), as of ``today``."""
    declared = frequency_of(frequency)
    key = declared.key if declared else None
    freq_label = declared.label if declared else _NOT_STATED

    def judged(
        status: str,
        label: Text,
        expected: int | None = None,
        behind: int | None = None,
        due: str | None = None,
        late_days: int | None = None,
    ) -> Freshness:
        return Freshness(status, label, key, freq_label, last_period, expected, behind, due, late_days)

    if last_period is None:
        return judged("unknown", Text("Periode terakhir tidak diketahui", "Latest period unknown"))
    year = int(last_period[:4])
    if year > today.year:  # before the schedule: no frequency makes a future period right
        return judged(
            "future",
            Text(f"Periode di masa depan ({last_period})", f"Period in the future ({last_period})"),
        )
    if key == "irregular":
        return judged("irregular", Text("Tanpa jadwal tetap", "No fixed schedule"))
    if key not in PUBLICATION_LAG_YEARS:
        return judged("unknown", Text("Frekuensi tidak dinyatakan", "Frequency not stated"))
    expected = today.year - PUBLICATION_LAG_YEARS[key]
    behind = expected - year
    # The period after the latest one was due within the year after it (plus the lag).
    due = dt.date(year + PUBLICATION_LAG_YEARS[key] + 1, 1, 1)
    if behind <= 0:
        return judged("current", Text("Terkini", "Up to date"), expected, behind, due.isoformat(), None)
    days = (today - due).days
    late = _lateness(days)
    label = Text(f"Terlambat {late.id}", f"Late by {late.en}")
    return judged("late", label, expected, behind, due.isoformat(), days)
