"""The home page's summary: what the graph holds, how fresh and how coherent it is.

``read_holdings`` reads what the catalogue does not already say: the home region's
code list by level and how much of it has figures, the periods with their number of
observations, and the Satu Data roles' names. ``build_overview`` joins that with
the DCAT catalogue (``graph.describe.catalog.read_catalog``) and the coherence report
(``graph.describe.coherence.read_coherence``) into one picklable summary; it is cheap and
takes ``now``, so freshness is judged at the time of the request while the
expensive parts can be cached until the next publication.

Freshness: a dataset declares how often it is updated (``dct:accrualPeriodicity``,
the mapping's ``dataset.frequency``). Its next update is due one period after its
published version was loaded (``dct:modified``); past that date it is late, by as
many days as have passed since. An irregular dataset is never late.

Only published data is summarised: the catalogue lists published versions only,
and held drafts are counted from their (public) load records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyoxigraph as ox

from graph.cube.metadata import FREQUENCY
from graph.describe.catalog import Catalog
from graph.describe.coherence import Coherence
from graph.insight.correlate import Discovery
from graph.rdf.iris import Iris
from graph.store.embedded import Store
from graph.store.public import PublicGraphs

__all__ = [
    "AgencyStatus",
    "DatasetStatus",
    "Freshness",
    "Holdings",
    "IndicatorEntry",
    "Overview",
    "PeriodCount",
    "Region",
    "RegionLevel",
    "build_overview",
    "freshness",
    "read_holdings",
    "strongest_insights",
]

Text = dict[str, str]

# Frequency key (graph.cube.metadata.FREQUENCY) -> (months between updates, Indonesian, English).
_FREQUENCIES: dict[str, tuple[int | None, str, str]] = {
    "annual": (12, "Tahunan", "Annual"),
    "semiannual": (6, "Semesteran", "Semiannual"),
    "quarterly": (3, "Triwulanan", "Quarterly"),
    "monthly": (1, "Bulanan", "Monthly"),
    "irregular": (None, "Tidak teratur", "Irregular"),
}
_FREQUENCY_KEYS = {iri: key for key, iri in FREQUENCY.items()}
_LEVELS = ("kabupaten", "kecamatan", "desa")
_LEVEL_LABELS = {"kabupaten": ("Kabupaten", "Regency"), "kecamatan": ("Kecamatan", "District")}
_LEVEL_LABELS["desa"] = ("Desa/kelurahan", "Village")


# --- freshness -------------------------------------------------------------------------------


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
        return {"id": "kurang dari sehari", "en": "less than a day"}
    if days < 60:
        return {"id": f"{days} hari", "en": f"{days} day{'s' if days != 1 else ''}"}
    months = int(days / 30.44)
    if months < 24:
        return {"id": f"{months} bulan", "en": f"{months} months"}
    years = int(days / 365.25)
    return {"id": f"{years} tahun", "en": f"{years} years"}


def freshness(updated: str | None, frequency: str | None, now: dt.datetime) -> Freshness:
    """The freshness of a dataset loaded at ``updated`` (ISO 8601) with ``frequency`` (an IRI
    of the EU frequency authority, or a key of graph.cube.metadata.FREQUENCY), as of ``now``."""
    key = _FREQUENCY_KEYS.get(frequency or "", frequency if frequency in _FREQUENCIES else None)
    months, freq_id, freq_en = _FREQUENCIES.get(key or "", (None, "Tidak dinyatakan", "Not stated"))
    freq_label = {"id": freq_id, "en": freq_en}
    if updated is None:
        label = {"id": "Tanggal muat tidak diketahui", "en": "Load date unknown"}
        return Freshness("unknown", label, key, freq_label, None, None, None)
    loaded = _parse_time(updated)
    day = loaded.date().isoformat()
    if months is None:
        status = "irregular" if key == "irregular" else "unknown"
        label = (
            {"id": "Tanpa jadwal tetap", "en": "No fixed schedule"}
            if key == "irregular"
            else {"id": "Frekuensi tidak dinyatakan", "en": "Frequency not stated"}
        )
        return Freshness(status, label, key, freq_label, day, None, None)
    # Calendar months (31 Jan + 1 month = 28/29 Feb), as pandas' DateOffset counts them.
    due = (pd.Timestamp(loaded) + pd.DateOffset(months=months)).to_pydatetime()
    if now <= due:
        label = {"id": "Tepat waktu", "en": "On time"}
        return Freshness("on_time", label, key, freq_label, day, due.date().isoformat(), None)
    days = (now - due).days
    late = _lateness(days)
    label = {"id": f"Terlambat {late['id']}", "en": f"Late by {late['en']}"}
    return Freshness("late", label, key, freq_label, day, due.date().isoformat(), days)


# --- what the graph holds --------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    iri: str
    code: str
    label: str
    level: str  # "kabupaten" | "kecamatan" | "desa"
    has_data: bool = False


@dataclass(frozen=True)
class RegionLevel:
    level: str
    label: Text
    total: int  # regions of the home region's code list at this level
    with_data: int  # of which have at least one published figure


@dataclass(frozen=True)
class PeriodCount:
    iri: str
    key: str
    label: str
    observations: int


@dataclass(frozen=True)
class Holdings:
    """What the published graphs hold beyond the catalogue's dataset entries."""

    home: Region | None
    levels: list[RegionLevel]
    districts: list[Region]  # the kecamatan of the home region
    periods: list[PeriodCount]
    observations: int
    role_labels: dict[str, Text]  # Satu Data role IRI -> label


def _level(term: Any) -> str:
    return str(term.value).rsplit("level", 1)[-1].lower()


def _text(value: Any) -> str:
    return str(value.value) if value is not None else ""


def read_holdings(store: Store, iris: Iris, home_region: str) -> Holdings:
    """The home region's code list by level (and which regions have figures), the periods
    with their observations, and the Satu Data roles' names."""
    view = PublicGraphs(store, iris)
    versions = sorted(view.versions.values())
    home = ox.NamedNode(iris.region(home_region))
    code_list = view.select(
        """SELECT ?home ?r ?level ?label WHERE {
  ?r skos:broader* ?home ; oc:regionLevel ?level . OPTIONAL { ?r skos:prefLabel ?label } }""",
        graphs=[iris.regions_graph],
        home=home,
    )
    # Distinct regions first, levels from the code list above: a join over every observation is
    # slow on disk. With nothing published there is nothing to count (an empty graph list would
    # mean the whole store to the engine).
    used = (
        {
            r["a"].value
            for r in view.select("SELECT DISTINCT ?a WHERE { ?o sdmx-dimension:refArea ?a }", graphs=versions)
        }
        if versions
        else set()
    )
    periods = (
        view.select(
            """SELECT ?p (SAMPLE(?l) AS ?label) (COUNT(?o) AS ?n) WHERE {
  ?o sdmx-dimension:refPeriod ?p . OPTIONAL { ?p rdfs:label ?l } } GROUP BY ?p""",
            graphs=[*versions, iris.periods_graph],
        )
        if versions
        else []
    )
    roles = view.select(
        "SELECT ?role ?l WHERE { ?role a oc:SatuDataRole ; skos:prefLabel ?l }", graphs=[iris.ontology_graph]
    )

    labels: dict[str, dict[str, str]] = {}
    level_of: dict[str, str] = {}
    for r in code_list:
        level_of[r["r"].value] = _level(r["level"])
        label = r.get("label")
        if isinstance(label, ox.Literal):
            labels.setdefault(r["r"].value, {}).setdefault(label.language or "", label.value)
    regions = {
        iri: Region(
            iri=iri,
            code=iri[len(iris.region_prefix) :],
            label=labels.get(iri, {}).get("id") or next(iter(labels.get(iri, {}).values()), ""),
            level=level,
            has_data=iri in used,
        )
        for iri, level in level_of.items()
    }
    by_level = Counter(r.level for r in regions.values())
    with_data = Counter(r.level for r in regions.values() if r.has_data)
    levels = [
        RegionLevel(lv, {"id": _LEVEL_LABELS[lv][0], "en": _LEVEL_LABELS[lv][1]}, by_level[lv], with_data[lv])
        for lv in _LEVELS
        if by_level[lv]
    ]
    role_labels: dict[str, Text] = {}
    for r in roles:
        term = r["l"]
        role_labels.setdefault(r["role"].value, {}).setdefault(term.language or "", term.value)
    period_counts = sorted(
        (
            PeriodCount(
                iri=r["p"].value,
                key=r["p"].value.removeprefix(iris.period_prefix),
                label=_text(r.get("label")) or r["p"].value.removeprefix(iris.period_prefix),
                observations=int(r["n"].value),
            )
            for r in periods
        ),
        key=lambda p: p.key,
    )
    return Holdings(
        home=regions.get(home.value),
        levels=levels,
        districts=sorted((r for r in regions.values() if r.level == "kecamatan"), key=lambda r: r.code),
        periods=period_counts,
        observations=sum(p.observations for p in period_counts),
        role_labels=role_labels,
    )


# --- the summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetStatus:
    """A published dataset on the home page: what it is, who publishes it, how fresh it is."""

    id: str
    iri: str
    title: Text
    agency: str | None  # slug
    agency_name: Text
    first_period: str | None
    last_period: str | None
    observations: int | None
    indicators: int
    freshness: Freshness


@dataclass(frozen=True)
class AgencyStatus:
    """One agency: its role, its published datasets and the coherence of its figures."""

    slug: str
    iri: str
    name: Text
    roles: list[Text]
    datasets: list[str]
    violations: int
    accepted: int  # of the violations, how many the Walidata accepted
    warnings: int
    held: list[str]  # datasets whose latest draft is held
    status: str  # "held" | "violation" | "accepted" | "warning" | "ok" | "none"
    label: Text


@dataclass(frozen=True)
class IndicatorEntry:
    iri: str
    label: Text
    unit: Text
    datasets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Overview:
    """Everything the home page shows except the insights."""

    place: Text
    datasets: list[DatasetStatus]
    agencies: list[AgencyStatus]
    indicators: list[IndicatorEntry]
    holdings: Holdings
    findings: int
    violations: int
    accepted: int
    warnings: int
    held: int

    @property
    def late(self) -> int:
        return sum(d.freshness.status == "late" for d in self.datasets)

    @property
    def producing_agencies(self) -> list[AgencyStatus]:
        """Agencies with a published dataset or a held draft."""
        return [a for a in self.agencies if a.datasets or a.held]


_STATUS_LABELS: dict[str, Text] = {
    "held": {"id": "Ada draf ditahan", "en": "Draft held"},
    "violation": {"id": "Pelanggaran terbuka", "en": "Open violations"},
    "accepted": {"id": "Pelanggaran diterima Walidata", "en": "Violations accepted by the Walidata"},
    "warning": {"id": "Ada peringatan", "en": "Warnings"},
    "ok": {"id": "Koheren", "en": "Coherent"},
    "none": {"id": "Belum menerbitkan data", "en": "No published data"},
}


def _slug(iri: str, prefix: str) -> str:
    return iri[len(prefix) :] if iri.startswith(prefix) else iri.rsplit("/", 1)[-1]


def _agency_status(
    has_data: bool, violations: int, accepted: int, warnings: int, held: list[str]
) -> tuple[str, Text]:
    if held:
        status = "held"
    elif violations > accepted:
        status = "violation"
    elif violations:
        status = "accepted"
    elif warnings:
        status = "warning"
    else:
        status = "ok" if has_data else "none"
    return status, _STATUS_LABELS[status]


def build_overview(
    catalog: Catalog, holdings: Holdings, coherence: Coherence, iris: Iris, now: dt.datetime
) -> Overview:
    """The home page's summary as of ``now`` (timezone-aware)."""
    agency_prefix = iris.agency("")
    datasets = [
        DatasetStatus(
            id=d.id,
            iri=d.iri,
            title=d.title,
            agency=_slug(d.publisher.iri, agency_prefix) if d.publisher else None,
            agency_name=d.publisher.name if d.publisher else {},
            first_period=d.first_period,
            last_period=d.last_period,
            observations=d.generated_by.observations if d.generated_by else None,
            indicators=len(d.indicators),
            freshness=freshness(d.modified, d.frequency, now),
        )
        for d in catalog.datasets
    ]
    published: dict[str, list[str]] = {}
    for d in datasets:
        if d.agency:
            published.setdefault(d.agency, []).append(d.id)
    held: dict[str, list[str]] = {}
    for h in coherence.held:
        if h.agency:
            held.setdefault(h.agency, []).append(h.id)
    agencies = []
    for iri, agent in sorted(catalog.agents.items(), key=lambda kv: kv[1].name.get("id", kv[0])):
        slug = _slug(iri, agency_prefix)
        mine = [f for f in coherence.findings if f.agency == slug]
        violations = sum(f.severity == "violation" for f in mine)
        accepted = sum(f.severity == "violation" and f.accepted for f in mine)
        warnings = sum(f.severity == "warning" for f in mine)
        status, label = _agency_status(
            bool(published.get(slug)), violations, accepted, warnings, held.get(slug, [])
        )
        agencies.append(
            AgencyStatus(
                slug=slug,
                iri=iri,
                name=agent.name,
                roles=[holdings.role_labels.get(r, {"id": _slug(r, "")}) for r in agent.roles],
                datasets=published.get(slug, []),
                violations=violations,
                accepted=accepted,
                warnings=warnings,
                held=held.get(slug, []),
                status=status,
                label=label,
            )
        )
    indicators: dict[str, IndicatorEntry] = {}
    for entry_of in catalog.datasets:
        for i in entry_of.indicators:
            entry = indicators.setdefault(i.iri, IndicatorEntry(i.iri, i.label, i.unit_label))
            entry.datasets.append(entry_of.id)
    findings = coherence.findings
    place = catalog.home_label
    return Overview(
        place={"id": place.get("id") or next(iter(place.values()), ""), "en": place.get("en", "")},
        datasets=datasets,
        agencies=agencies,
        indicators=sorted(indicators.values(), key=lambda i: i.label.get("id", i.iri).lower()),
        holdings=holdings,
        findings=len(findings),
        violations=sum(f.severity == "violation" for f in findings),
        accepted=sum(f.severity == "violation" and f.accepted for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        held=len(coherence.held),
    )


def strongest_insights(discovery: Discovery, limit: int = 5) -> list[dict[str, Any]]:
    """The ``limit`` strongest *wawasan* (significant cross-agency pairs that are neither two
    measures of one concept nor two sizes), strongest |r| first, with their level and year."""
    return [
        {**pair, "level": discovery.level, "period": discovery.period} for pair in discovery.wawasan[:limit]
    ]
