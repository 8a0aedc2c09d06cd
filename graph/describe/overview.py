"""The home page's summary: what the graph holds, how fresh and how coherent it is.

``read_holdings`` reads what the catalogue does not already say: the home region's
code list by level and how much of it has figures, the periods with their number of
observations, and the Satu Data roles' names. ``build_overview`` joins that with
the DCAT catalogue (``graph.describe.catalog.read_catalog``) and the counts of the coherence
report (``graph.describe.coherence_summary``) into one picklable summary; it is cheap and
takes ``now``, so freshness is judged at the time of the request while the
expensive parts can be cached until the next publication.

Freshness is judged by ``graph.describe.freshness`` (the one rule the catalogue and the
``stale-datasets`` question use too), on the day of ``now``.

Only published data is summarised: the catalogue lists published versions only,
and held drafts are counted from their (public) load records. A restricted (terbatas)
dataset is listed as its public card says (title, agency, frequency, when it was last
published), without figures or periods, so its freshness cannot be judged in public; its held
drafts are not public, so not counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.describe.catalog import Catalog
from graph.describe.coherence_summary import CoherenceSummary
from graph.describe.freshness import Freshness, freshness
from graph.insight.discover import Discovery
from graph.rdf.iris import Iris
from graph.rdf.labels import texts_by
from graph.reference.indicators import Indicator
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.text import Text

__all__ = [
    "AgencyStatus",
    "DatasetStatus",
    "Holdings",
    "Overview",
    "PeriodCount",
    "Region",
    "RegionLevel",
    "build_overview",
    "read_holdings",
    "strongest_insights",
]

_LEVELS = {
    "kabupaten": Text("Kabupaten", "Regency"),
    "kecamatan": Text("Kecamatan", "District"),
    "desa": Text("Desa/kelurahan", "Village"),
}


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


def _regions(view: PublicGraphs, home: str, used: set[str]) -> dict[str, Region]:
    """The home region's code list (the home region and every region below it)."""
    rows = view.select(
        """SELECT ?home ?r ?level ?label WHERE {
  ?r skos:broader* ?home ; oc:regionLevel ?level . OPTIONAL { ?r skos:prefLabel ?label } }""",
        graphs=[view.iris.regions_graph],
        home=ox.NamedNode(home),
    )
    labels = texts_by(rows, "r", "label")
    level_of = {r["r"].value: r["level"].value.rsplit("level", 1)[-1].lower() for r in rows}
    return {
        iri: Region(
            iri=iri,
            code=iri[len(view.iris.region_prefix) :],
            label=labels[iri].id if iri in labels else "",
            level=level,
            has_data=iri in used,
        )
        for iri, level in level_of.items()
    }


def _periods(view: PublicGraphs, versions: list[str], counted: dict[str, int] | None) -> list[PeriodCount]:
    """The periods of the published observations with how many each has, in order: counted
    by the store, or ``counted`` (period IRI -> observations) with the periods' names read."""
    if not versions:  # an empty graph list would mean the whole store to the engine
        return []
    prefix = view.iris.period_prefix
    graphs = [*versions, view.iris.periods_graph]
    if counted is None:
        rows = view.values(
            """SELECT ?p (SAMPLE(?l) AS ?label) (COUNT(?o) AS ?n) WHERE {
  ?o sdmx-dimension:refPeriod ?p . OPTIONAL { ?p rdfs:label ?l } } GROUP BY ?p""",
            graphs=graphs,
        )
    else:
        names = view.values(
            "SELECT ?p (SAMPLE(?l) AS ?label) WHERE { ?p rdfs:label ?l } GROUP BY ?p", graphs=graphs
        )
        label = {r["p"]: r["label"] for r in names}
        rows = [
            {"p": p, "n": str(n)} | ({"label": label[p]} if p in label else {}) for p, n in counted.items()
        ]
    counts = (
        PeriodCount(
            r["p"], r["p"].removeprefix(prefix), r.get("label") or r["p"].removeprefix(prefix), int(r["n"])
        )
        for r in rows
    )
    return sorted(counts, key=lambda p: p.key)


def read_holdings(
    store: Store, iris: Iris, home_region: str, counted: tuple[frozenset[str], dict[str, int]] | None = None
) -> Holdings:
    """The home region's code list by level (and which regions have figures), the periods
    with their observations, and the Satu Data roles' names. ``counted``: the regions with
    observations and each period's observations when the caller has them (the two scans of
    every observation; ``graph.insight.observation_table`` keeps both)."""
    view = PublicGraphs(store, iris)
    versions = sorted(view.versions.values())
    # Distinct regions first, levels from the code list: a join over every observation is
    # slow on disk. With nothing published there is nothing to count.
    used: set[str] = set()
    if versions and counted is not None:
        used = set(counted[0])
    elif versions:
        found = view.values("SELECT DISTINCT ?a WHERE { ?o sdmx-dimension:refArea ?a }", graphs=versions)
        used = {r["a"] for r in found}
    home = iris.region(home_region)
    regions = _regions(view, home, used)
    by_level = Counter(r.level for r in regions.values())
    with_data = Counter(r.level for r in regions.values() if r.has_data)
    roles = view.select(
        "SELECT ?role ?l WHERE { ?role a oc:SatuDataRole ; skos:prefLabel ?l }", graphs=[iris.ontology_graph]
    )
    periods = _periods(view, versions, None if counted is None else counted[1])
    return Holdings(
        home=regions.get(home),
        levels=[
            RegionLevel(lv, label, by_level[lv], with_data[lv])
            for lv, label in _LEVELS.items()
            if by_level[lv]
        ],
        districts=sorted((r for r in regions.values() if r.level == "kecamatan"), key=lambda r: r.code),
        periods=periods,
        observations=sum(p.observations for p in periods),
        role_labels=texts_by(roles, "role", "l"),
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
    synthetic: bool = False  # oc:syntheticData true; without the statement: real data
    # Restricted (terbatas): listed from its public card, without figures or periods, so
    # without a public latest period to judge its freshness by.
    restricted: bool = False


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
class Overview:
    """Everything the home page shows except the insights."""

    place: Text
    datasets: list[DatasetStatus]
    agencies: list[AgencyStatus]
    indicators: list[Indicator]  # every indicator of a published dataset, by Indonesian label
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
    def future(self) -> int:
        """Datasets whose latest period lies after the current year: data errors."""
        return sum(d.freshness.status == "future" for d in self.datasets)

    @property
    def producing_agencies(self) -> list[AgencyStatus]:
        """Agencies with a published dataset or a held draft."""
        return [a for a in self.agencies if a.datasets or a.held]


_STATUS_LABELS = {
    "held": Text("Ada draf ditahan", "Draft held"),
    "violation": Text("Pelanggaran terbuka", "Open violations"),
    "accepted": Text("Pelanggaran diterima Walidata", "Violations accepted by the Walidata"),
    "warning": Text("Ada peringatan", "Warnings"),
    "ok": Text("Koheren", "Coherent"),
    "none": Text("Belum menerbitkan data", "No published data"),
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


def _dataset_statuses(catalog: Catalog, agency_prefix: str, now: dt.datetime) -> list[DatasetStatus]:
    return [
        DatasetStatus(
            id=d.id,
            iri=d.iri,
            title=d.title,
            agency=_slug(d.publisher.iri, agency_prefix) if d.publisher else None,
            agency_name=d.publisher.name if d.publisher else Text(""),
            first_period=d.first_period,
            last_period=d.last_period,
            observations=d.generated_by.observations if d.generated_by else None,
            indicators=len(d.indicators),
            freshness=freshness(d.last_period, d.frequency, now.date()),
            synthetic=d.synthetic is True,
            restricted=d.restricted,
        )
        for d in catalog.datasets
    ]


def _agency_statuses(
    catalog: Catalog,
    holdings: Holdings,
    coherence: CoherenceSummary,
    datasets: list[DatasetStatus],
    agency_prefix: str,
) -> list[AgencyStatus]:
    published: dict[str, list[str]] = {}
    for d in datasets:
        if d.agency:
            published.setdefault(d.agency, []).append(d.id)
    held: dict[str, list[str]] = {}
    for h in coherence.held:
        if h.agency:
            held.setdefault(h.agency, []).append(h.id)
    agencies = []
    for iri, agent in sorted(catalog.agents.items(), key=lambda kv: kv[1].name.id or kv[0]):
        slug = _slug(iri, agency_prefix)
        mine = coherence.totals(agency=slug)
        violations, accepted, warnings = mine.violations, mine.accepted, mine.warnings
        status, label = _agency_status(
            bool(published.get(slug)), violations, accepted, warnings, held.get(slug, [])
        )
        agencies.append(
            AgencyStatus(
                slug=slug,
                iri=iri,
                name=agent.name,
                roles=[holdings.role_labels.get(r, Text(_slug(r, ""))) for r in agent.roles],
                datasets=published.get(slug, []),
                violations=violations,
                accepted=accepted,
                warnings=warnings,
                held=held.get(slug, []),
                status=status,
                label=label,
            )
        )
    return agencies


def build_overview(
    catalog: Catalog, holdings: Holdings, coherence: CoherenceSummary, iris: Iris, now: dt.datetime
) -> Overview:
    """The home page's summary as of ``now`` (timezone-aware)."""
    agency_prefix = iris.agency("")
    datasets = _dataset_statuses(catalog, agency_prefix, now)
    indicators = {i.iri: i for d in catalog.datasets for i in d.indicators}
    totals = coherence.totals()
    return Overview(
        place=Text.of(catalog.home_label),
        datasets=datasets,
        agencies=_agency_statuses(catalog, holdings, coherence, datasets, agency_prefix),
        indicators=sorted(indicators.values(), key=lambda i: (i.label.id or i.iri).lower()),
        holdings=holdings,
        findings=totals.findings,
        violations=totals.violations,
        accepted=totals.accepted,
        warnings=totals.warnings,
        held=len(coherence.held),
    )


def strongest_insights(discovery: Discovery, limit: int = 5) -> dict[str, Any]:
    """The home page's insights: the ``limit`` strongest *wawasan* (significant cross-agency
    pairs that are neither two measures of one concept nor two sizes), strongest |r| first,
    with their level and year; the caveat; how many pairs were tested and are significant."""
    return {
        "pairs": [
            {**pair, "level": discovery.level, "period": discovery.period}
            for pair in discovery.wawasan[:limit]
        ],
        "problem": None,
        "caveat": discovery.caveat,
        "level": discovery.level,
        "period": discovery.period,
        "tested": len(discovery.pairs),
        "significant": len(discovery.wawasan),
    }
