"""Freshness: was a dataset updated as often as it says it is?

A dataset declares how often it is updated (``dct:accrualPeriodicity``, the mapping's
``dataset.frequency``). Its next update is due one period after its published version was
loaded (``dct:modified``), in calendar months; past that date it is late, by as many days
as have passed since, said in the words people use. An irregular dataset is never late.
The home page (``graph.describe.overview``) judges every published dataset so, at the time
of the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from graph.describe.catalog_terms import frequency_of
from graph.text import Text

__all__ = ["Freshness", "freshness"]

_NOT_STATED = Text("Tidak dinyatakan", "Not stated")


@dataclass(frozen=True)
class Freshness:
    """Whether a dataset was updated as often as it says it is."""

    status: str  # "on_time" | "late" | "irregular" | "unknown"
    label: Text
    frequency: str | None  # key of graph.cube.metadata.FREQUENCY
    frequency_label: Text
    updated: str | None  # ISO date of the last load of the published version
    due: str | None  # ISO date the next update is due
    late_days: int | None  # days past the due date, when late


def _parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


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


def freshness(updated: str | None, frequency: str | None, now: dt.datetime) -> Freshness:
    """The freshness of a dataset loaded at ``updated`` (ISO 8601) with ``frequency`` (an IRI
    of the EU frequency authority, or a key of graph.cube.metadata.FREQUENCY), as of ``now``."""
    declared = frequency_of(frequency)
    key = declared.key if declared else None
    months = declared.months if declared else None
    freq_label = declared.label if declared else _NOT_STATED
    if updated is None:
        label = Text("Tanggal muat tidak diketahui", "Load date unknown")
        return Freshness("unknown", label, key, freq_label, None, None, None)
    loaded = _parse_time(updated)
    day = loaded.date().isoformat()
    if months is None:
        status = "irregular" if key == "irregular" else "unknown"
        label = (
            Text("Tanpa jadwal tetap", "No fixed schedule")
            if key == "irregular"
            else Text("Frekuensi tidak dinyatakan", "Frequency not stated")
        )
        return Freshness(status, label, key, freq_label, day, None, None)
    # Calendar months (31 Jan + 1 month = 28/29 Feb), as pandas' DateOffset counts them.
    due = (pd.Timestamp(loaded) + pd.DateOffset(months=months)).to_pydatetime()
    if now <= due:
        label = Text("Tepat waktu", "On time")
        return Freshness("on_time", label, key, freq_label, day, due.date().isoformat(), None)
    days = (now - due).days
    late = _lateness(days)
    label = Text(f"Terlambat {late.id}", f"Late by {late.en}")
    return Freshness("late", label, key, freq_label, day, due.date().isoformat(), days)
