"""The terms a catalogue entry is described with, shared by its RDF and JSON forms.

How often a dataset is updated (the EU frequency authority, with the months between two
updates the home page judges freshness by), its access level, the kind of measure of its
indicators, the periods it covers as dates, the dimensions every dataset has, and the two
downloads every dataset offers. ``graph.describe.catalog`` reads entries with them;
``graph.describe.catalog_rdf`` and ``graph.describe.catalog_json`` write them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from graph.cube.metadata import ACCESS, FREQUENCY
from graph.rdf.namespaces import OC, PREFIXES, QB
from graph.text import Text

__all__ = [
    "ACCESS_LEVELS",
    "DISTRIBUTIONS",
    "FREQUENCIES",
    "STRUCTURAL_DIMENSIONS",
    "Coverage",
    "Distribution",
    "Frequency",
    "frequency_of",
    "measure_kind",
    "measure_kind_iri",
]


@dataclass(frozen=True)
class Frequency:
    """How often a dataset says it is updated (``dct:accrualPeriodicity``)."""

    key: str  # of graph.cube.metadata.FREQUENCY
    label: Text
    months: int | None  # between two updates; None: no fixed schedule


FREQUENCIES = {
    f.key: f
    for f in (
        Frequency("annual", Text("Tahunan", "Annual"), 12),
        Frequency("semiannual", Text("Semesteran", "Semiannual"), 6),
        Frequency("quarterly", Text("Triwulanan", "Quarterly"), 3),
        Frequency("monthly", Text("Bulanan", "Monthly"), 1),
        Frequency("irregular", Text("Tidak teratur", "Irregular"), None),
    )
}
_FREQUENCY_KEYS = {iri: key for key, iri in FREQUENCY.items()}
ACCESS_LEVELS = {iri: key for key, (_, iri) in ACCESS.items()}  # access-right IRI -> "terbuka" | …
# Dimensions every dataset has (region, period, measure type): not columns of their own.
STRUCTURAL_DIMENSIONS = frozenset(
    {PREFIXES["sdmx-dimension"] + "refArea", PREFIXES["sdmx-dimension"] + "refPeriod", QB + "measureType"}
)
_KIND = OC + "kind"  # oc:kindCount, oc:kindPercentage, …


def frequency_of(frequency: str | None) -> Frequency | None:
    """The frequency an EU frequency-authority IRI or a FREQUENCY key names, or None.

    >>> frequency_of("http://publications.europa.eu/resource/authority/frequency/MONTHLY").months
    1
    >>> frequency_of("annual").label.en, frequency_of("weekly"), frequency_of(None)
    ('Annual', None, None)
    """
    key = _FREQUENCY_KEYS.get(frequency or "", frequency)
    return FREQUENCIES.get(key or "")


def measure_kind(iri: str | None) -> str:
    """The indicator's kind of measure (``Indicator.kind``) from its ``oc:measureKind``.

    >>> measure_kind("https://w3id.org/onecenter/def#kindPercentage"), measure_kind(None)
    ('percentage', 'unknown')
    """
    if not iri or not iri.startswith(_KIND) or len(iri) == len(_KIND):
        return "unknown"
    name = iri[len(_KIND) :]
    return name[0].lower() + name[1:]


def measure_kind_iri(kind: str) -> str | None:
    """The ``oc:measureKind`` of an ``Indicator.kind`` (None for "unknown").

    >>> measure_kind_iri("percentage"), measure_kind_iri("unknown")
    ('https://w3id.org/onecenter/def#kindPercentage', None)
    """
    return None if kind in ("", "unknown") else _KIND + kind[0].upper() + kind[1:]


@dataclass(frozen=True)
class Distribution:
    """A download every dataset offers, at ``{service}catalog/{id}.{suffix}``."""

    suffix: str
    media_type: str
    file_type: str  # EU file-type authority name
    title: Text

    def url(self, service_url: str, dataset: str) -> str:
        return f"{service_url}catalog/{dataset}.{self.suffix}"


DISTRIBUTIONS = (
    Distribution("csv", "text/csv", "CSV", Text("Tabel observasi (CSV)", "Observations as a table (CSV)")),
    Distribution(
        "ttl",
        "text/turtle",
        "RDF_TURTLE",
        Text("Graf versi terbit (Turtle)", "Published version graph (Turtle)"),
    ),
)


@dataclass(frozen=True)
class Coverage:
    """The periods a dataset's figures cover: its first and last period key, their dates, and
    the length of one period as an ``xsd:duration``."""

    first_period: str
    last_period: str
    start: dt.date
    end: dt.date
    resolution: str

    @classmethod
    def of(cls, first: str, last: str) -> Coverage:
        """From the first and last period keys ("2024", "2024-S1", "2024-03").

        >>> c = Coverage.of("2020-S2", "2024-02")
        >>> c.start.isoformat(), c.end.isoformat(), c.resolution
        ('2020-07-01', '2024-02-29', 'P6M')
        """
        resolution = "P1Y" if len(first) == 4 else "P6M" if first[5] == "S" else "P1M"
        return cls(first, last, _period_dates(first)[0], _period_dates(last)[1], resolution)

    def as_dict(self) -> dict[str, str]:
        return {
            "first_period": self.first_period,
            "last_period": self.last_period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "resolution": self.resolution,
        }


def _period_dates(key: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period key."""
    year = int(key[:4])
    if len(key) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if key[5] == "S":
        first_half = key[6:] == "1"
        return (
            (dt.date(year, 1, 1), dt.date(year, 6, 30))
            if first_half
            else (dt.date(year, 7, 1), dt.date(year, 12, 31))
        )
    month = int(key[5:])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
