"""The DCAT catalogue of the published datasets (DCAT-AP 3 style), and their downloads.

``read_catalog`` gathers, for every *published* dataset, the DCAT metadata its
version graph carries (title, description, publisher, keywords, licence, access
rights, frequency, spatial coverage, modified), what the other public graphs add
(indicators with definitions, units and concepts; region level; first and last
period; the load behind the version and its validation report) and the
publisher's name. ``catalog_triples`` turns it into a ``dcat:Catalog`` that
DCAT-AP 3.0.1 validators and CKAN's DCAT harvester can read; ``catalog_json`` is
the same as a plain JSON listing. ``dataset_table`` is a published dataset as a
tidy table (one row per observation) and ``dataset_turtle`` its version graph.

Download, access and service URLs are made from the URL the service is reached
at (``service_url``); dataset, agency and region IRIs are the graph's own.
A held draft is never listed: only ``oc:publishedGraph`` versions are read.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import pyoxigraph as ox

from graph.cube.metadata import ACCESS, FREQUENCY
from graph.errors import UnknownDataset
from graph.provenance.activities import Activity
from graph.provenance.history import activities
from graph.rdf.iris import Iris
from graph.rdf.namespaces import DCAT, DCTERMS, OC, PREFIXES, PROV, QB, RDF_TYPE, SKOS
from graph.store.embedded import Store
from graph.store.public import PublicGraphs

__all__ = [
    "CSV_COLUMNS",
    "Catalog",
    "CatalogDataset",
    "CsvDialect",
    "DatasetTable",
    "UnknownDataset",
    "catalog_json",
    "catalog_triples",
    "dataset_table",
    "dataset_turtle",
    "read_catalog",
    "serialize_catalog",
]

CsvDialect = Literal["standard", "excel"]

_XSD = PREFIXES["xsd"]
_RDFS = PREFIXES["rdfs"]
_FOAF = PREFIXES["foaf"]
_ORG = PREFIXES["org"]
_SH = PREFIXES["sh"]
_VCARD = "http://www.w3.org/2006/vcard/ns#"
_EU = "http://publications.europa.eu/resource/authority/"
_IANA = "http://www.iana.org/assignments/media-types/"
_LANGUAGES = {"id": _EU + "language/IND", "en": _EU + "language/ENG"}
_FREQUENCY_NAMES = {iri: key for key, iri in FREQUENCY.items()}
_FREQUENCY_LABELS = {
    "annual": ("Tahunan", "Annual"),
    "semiannual": ("Semesteran", "Semiannual"),
    "quarterly": ("Triwulanan", "Quarterly"),
    "monthly": ("Bulanan", "Monthly"),
    "irregular": ("Tidak teratur", "Irregular"),
}
_ACCESS_NAMES = {iri: key for key, (_, iri) in ACCESS.items()}
_ACCESS_LABELS = {"terbuka": ("Terbuka", "Public"), "terbatas": ("Terbatas", "Restricted")}
_STRUCTURAL = {
    PREFIXES["sdmx-dimension"] + "refArea",
    PREFIXES["sdmx-dimension"] + "refPeriod",
    QB + "measureType",
}
# (suffix, media type, EU file type, Indonesian title, English title)
DISTRIBUTIONS = [
    ("csv", "text/csv", "CSV", "Tabel observasi (CSV)", "Observations as a table (CSV)"),
    ("ttl", "text/turtle", "RDF_TURTLE", "Graf versi terbit (Turtle)", "Published version graph (Turtle)"),
]
# Tidy-table columns: name for programs, Indonesian header for Excel.
CSV_COLUMNS = {
    "region_code": "Kode wilayah",
    "region_label": "Nama wilayah",
    "region_level": "Tingkat wilayah",
    "period": "Periode",
    "indicator": "Indikator",
    "indicator_label": "Nama indikator",
    "value": "Nilai",
    "unit": "Satuan",
    "observation": "Observasi (IRI)",
}


@dataclass(frozen=True)
class Indicator:
    """A measure of a dataset with its Satu Data "Standar Data" metadata."""

    iri: str
    label: dict[str, str]
    definition: dict[str, str]
    unit: str | None
    unit_label: dict[str, str]
    concept: str | None
    concept_label: dict[str, str]
    measure_kind: str | None


@dataclass(frozen=True)
class Agent:
    iri: str
    name: dict[str, str]
    roles: tuple[str, ...] = ()
    email: str | None = None
    homepage: str | None = None


@dataclass
class CatalogDataset:
    """One published dataset as the catalogue describes it."""

    id: str
    iri: str
    graph: str
    triples: list[tuple[str, Any]]  # (predicate, object term) of the dataset in its version graph
    title: dict[str, str]
    description: dict[str, str]
    publisher: Agent | None
    keywords: list[str]
    first_period: str | None
    last_period: str | None
    spatial: str | None
    levels: list[str]
    frequency: str | None
    access_rights: str | None
    license: str | None
    modified: str | None
    issued: str | None
    synthetic: bool | None
    indicators: list[Indicator]
    dimensions: list[tuple[str, dict[str, str]]]  # (dimension IRI, label)
    structure: list[tuple[str, str, Any]]  # DSD triples (s, p, o-term)
    generated_by: Activity | None
    published_by: Activity | None  # a later publication of a held draft
    last_load: Activity | None
    contact_points: list[str] = field(default_factory=list)  # IRIs given by dcat:contactPoint


@dataclass
class Catalog:
    """The catalogue: who publishes it, where, and every published dataset."""

    title: dict[str, str]
    description: dict[str, str]
    publisher: Agent | None
    home_region: str
    home_label: dict[str, str]
    home_code: str
    agents: dict[str, Agent]
    concepts: dict[str, tuple[dict[str, str], str | None]]  # concept -> (label, scheme)
    schemes: dict[str, dict[str, str]]
    datasets: list[CatalogDataset]

    @property
    def modified(self) -> str | None:
        times = [a.ended for d in self.datasets if (a := d.published_by or d.generated_by)]
        return max(times) if times else None


# --- reading ---------------------------------------------------------------------------------


def _texts(rows: list[dict[str, Any]], key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in rows:
        term = row.get(key)
        if isinstance(term, ox.Literal):
            out.setdefault(term.language or "", term.value)
    return out


def _grouped_texts(rows: list[dict[str, Any]], by: str, key: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        term = row.get(key)
        if by in row and isinstance(term, ox.Literal):
            out.setdefault(row[by].value, {}).setdefault(term.language or "", term.value)
    return out


def _agents(view: PublicGraphs) -> dict[str, Agent]:
    rows = view.select(
        """SELECT ?org ?name ?role ?mbox ?email ?homepage WHERE { ?org a org:Organization .
  OPTIONAL { ?org skos:prefLabel ?name } OPTIONAL { ?org oc:satuDataRole ?role }
  OPTIONAL { ?org foaf:mbox ?mbox } OPTIONAL { ?org <http://www.w3.org/2006/vcard/ns#hasEmail> ?email }
  OPTIONAL { ?org foaf:homepage ?homepage } }""",
        graphs=[view.iris.ontology_graph],
    )
    names = _grouped_texts(rows, "org", "name")
    out: dict[str, Agent] = {}
    for org in sorted({r["org"].value for r in rows}):
        mine = [r for r in rows if r["org"].value == org]
        email = next((r[k].value for r in mine for k in ("mbox", "email") if k in r), None)
        email = email.removeprefix("mailto:") if email else None
        homepage = next((r["homepage"].value for r in mine if "homepage" in r), None)
        roles = tuple(sorted({r["role"].value for r in mine if "role" in r}))
        out[org] = Agent(org, names.get(org, {}), roles, email, homepage)
    return out


def _period_dates(key: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period key ("2024", "2024-S1", "2024-03")."""
    year = int(key[:4])
    if len(key) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if key[5] == "S":
        return (
            (dt.date(year, 1, 1), dt.date(year, 6, 30))
            if key[6:] == "1"
            else (
                dt.date(year, 7, 1),
                dt.date(year, 12, 31),
            )
        )
    month = int(key[5:])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _resolution(key: str) -> str:
    """The period length of a period key as an xsd:duration."""
    if len(key) == 4:
        return "P1Y"
    return "P6M" if key[5] == "S" else "P1M"


def read_catalog(store: Store, iris: Iris, home_region: str) -> Catalog:
    """Every published dataset with its DCAT and Satu Data metadata (picklable)."""
    view = PublicGraphs(store, iris)
    versions = view.versions
    version_graphs = sorted(versions.values())
    agents = _agents(view)
    every = activities(view)

    meta = view.select(
        "SELECT ?g ?ds ?p ?o WHERE { GRAPH ?g { ?ds a dcat:Dataset ; ?p ?o } }",
        graphs=version_graphs,
    )
    structure = view.select(
        """SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?ds a dcat:Dataset ; qb:structure/qb:component? ?s .
  ?s ?p ?o } }""",
        graphs=version_graphs,
    )
    # Per version graph: distinct regions first, then their levels (a join over every
    # observation of every graph at once is ~100x slower on disk).
    levels = {
        g: sorted(
            r["level"].value.rsplit("level", 1)[-1].lower()
            for r in view.select(
                """SELECT DISTINCT ?level WHERE {
  { SELECT DISTINCT ?area WHERE { GRAPH ?g { ?o sdmx-dimension:refArea ?area } } }
  ?area oc:regionLevel ?level }""",
                graphs=[g, iris.regions_graph],
            )
        )
        for g in version_graphs
    }
    indicators = view.select(
        """SELECT ?ind ?label ?definition ?unit ?unitLabel ?concept ?conceptLabel ?scheme ?kind WHERE {
  ?ind a oc:Indicator . OPTIONAL { ?ind rdfs:label ?label } OPTIONAL { ?ind skos:definition ?definition }
  OPTIONAL { ?ind oc:unit ?unit OPTIONAL { ?unit skos:prefLabel ?unitLabel } }
  OPTIONAL { ?ind qb:concept ?concept OPTIONAL { ?concept skos:prefLabel ?conceptLabel }
             OPTIONAL { ?concept skos:inScheme ?scheme } }
  OPTIONAL { ?ind oc:measureKind ?kind } }""",
        graphs=[iris.ontology_graph],
    )
    dimension_labels = _grouped_texts(
        view.select(
            "SELECT ?d ?l WHERE { ?d a qb:DimensionProperty ; rdfs:label ?l }", graphs=[iris.ontology_graph]
        ),
        "d",
        "l",
    )
    schemes_rows = view.select(
        "SELECT ?scheme ?l WHERE { ?scheme a skos:ConceptScheme ; skos:prefLabel ?l }",
        graphs=[iris.ontology_graph],
    )
    home = iris.region(home_region)
    home_rows = view.select(
        "SELECT ?r ?l WHERE { ?r skos:prefLabel ?l }", graphs=[iris.regions_graph], r=ox.NamedNode(home)
    )

    ind_label = _grouped_texts(indicators, "ind", "label")
    ind_definition = _grouped_texts(indicators, "ind", "definition")
    unit_label = _grouped_texts(indicators, "unit", "unitLabel")
    concept_label = _grouped_texts(indicators, "concept", "conceptLabel")
    ind_info: dict[str, dict[str, str]] = {}
    for r in indicators:
        info = ind_info.setdefault(r["ind"].value, {})
        for key in ("unit", "concept", "scheme", "kind"):
            if key in r:
                info.setdefault(key, r[key].value)
    concepts = {
        info["concept"]: (concept_label.get(info["concept"], {}), info.get("scheme"))
        for info in ind_info.values()
        if "concept" in info
    }

    datasets: list[CatalogDataset] = []
    for dataset_iri, graph in sorted(versions.items()):
        pairs = [
            (r["p"].value, r["o"]) for r in meta if r["g"].value == graph and r["ds"].value == dataset_iri
        ]
        if not pairs:
            continue

        def one(predicate: str, pairs: list[tuple[str, Any]] = pairs) -> str | None:
            return next((o.value for p, o in pairs if p == predicate), None)

        def texts(predicate: str, pairs: list[tuple[str, Any]] = pairs) -> dict[str, str]:
            out: dict[str, str] = {}
            for p, o in pairs:
                if p == predicate and isinstance(o, ox.Literal):
                    out.setdefault(o.language or "", o.value)
            return out

        dsd = [(r["s"].value, r["p"].value, r["o"]) for r in structure if r["g"].value == graph]
        measures = sorted({o.value for _, p, o in dsd if p == QB + "measure"})
        dims = sorted({o.value for _, p, o in dsd if p == QB + "dimension"} - _STRUCTURAL)
        first = one(OC + "firstPeriod")
        last = one(OC + "lastPeriod")
        load = next((a for a in every if a.kind == "load" and a.graph == graph), None)
        publication = next((a for a in every if a.kind == "publication" and a.graph == graph), None)
        loads = [a for a in every if a.kind == "load" and a.dataset == dataset_iri]
        published_times = [a.ended for a in every if a.dataset == dataset_iri and a.outcome == "published"]
        publisher = one(DCTERMS + "publisher")
        synthetic = one(OC + "syntheticData")
        datasets.append(
            CatalogDataset(
                id=one(DCTERMS + "identifier") or dataset_iri.rsplit("/", 1)[-1],
                iri=dataset_iri,
                graph=graph,
                triples=pairs,
                title=texts(DCTERMS + "title"),
                description=texts(DCTERMS + "description"),
                publisher=agents.get(publisher) if publisher else None,
                keywords=sorted(o.value for p, o in pairs if p == DCAT + "keyword"),
                first_period=first[len(iris.period_prefix) :] if first else None,
                last_period=last[len(iris.period_prefix) :] if last else None,
                spatial=one(DCTERMS + "spatial"),
                levels=levels.get(graph, []),
                frequency=one(DCTERMS + "accrualPeriodicity"),
                access_rights=one(DCTERMS + "accessRights"),
                license=one(DCTERMS + "license"),
                modified=one(DCTERMS + "modified"),
                issued=min(published_times) if published_times else None,
                synthetic=None if synthetic is None else synthetic in ("true", "1"),
                indicators=[
                    Indicator(
                        iri=m,
                        label=ind_label.get(m, {}),
                        definition=ind_definition.get(m, {}),
                        unit=ind_info.get(m, {}).get("unit"),
                        unit_label=unit_label.get(ind_info.get(m, {}).get("unit", ""), {}),
                        concept=ind_info.get(m, {}).get("concept"),
                        concept_label=concept_label.get(ind_info.get(m, {}).get("concept", ""), {}),
                        measure_kind=ind_info.get(m, {}).get("kind"),
                    )
                    for m in measures
                ],
                dimensions=[(d, dimension_labels.get(d, {})) for d in dims],
                structure=dsd,
                generated_by=load,
                published_by=publication,
                last_load=loads[0] if loads else None,
                contact_points=sorted(o.value for p, o in pairs if p == DCAT + "contactPoint"),
            )
        )

    home_label = _texts(home_rows, "l")
    place = home_label.get("id") or next(iter(home_label.values()), home_region)
    walidata = next((a for a in agents.values() if OC + "roleWalidata" in a.roles), None)
    used_schemes = {scheme for _, scheme in concepts.values() if scheme}
    return Catalog(
        title={"id": f"Katalog Satu Data {place}", "en": f"One Data catalogue: {place}"},
        description={
            "id": f"Dataset terbit Satu Data {place}: metadata DCAT, distribusi CSV dan Turtle, "
            "pemuatan terakhir dan status validasinya.",
            "en": f"The published One Data datasets of {place}: DCAT metadata, CSV and Turtle "
            "distributions, the last load and its validation status.",
        },
        publisher=walidata,
        home_region=home,
        home_label=home_label,
        home_code=home_region,
        agents=agents,
        concepts=concepts,
        schemes={s: t for s, t in _grouped_texts(schemes_rows, "scheme", "l").items() if s in used_schemes},
        datasets=datasets,
    )


# --- RDF -------------------------------------------------------------------------------------


class _Triples:
    """A list of triples built with short helpers, without duplicates."""

    def __init__(self) -> None:
        self.items: list[ox.Triple] = []
        self._seen: set[ox.Triple] = set()

    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        t = ox.Triple(s, ox.NamedNode(p), o)
        if t not in self._seen:
            self._seen.add(t)
            self.items.append(t)

    def texts(self, s: ox.NamedNode | ox.BlankNode, p: str, values: dict[str, str]) -> None:
        for lang, text in sorted(values.items()):
            self.add(s, p, ox.Literal(text, language=lang) if lang else ox.Literal(text))

    def a(self, s: ox.NamedNode | ox.BlankNode, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF_TYPE, ox.NamedNode(c))


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def _agent_triples(out: _Triples, agent: Agent) -> None:
    node = ox.NamedNode(agent.iri)
    out.a(node, _FOAF + "Agent", _FOAF + "Organization", _ORG + "Organization")
    out.texts(node, _FOAF + "name", agent.name)
    out.texts(node, SKOS + "prefLabel", agent.name)
    for role in agent.roles:
        out.add(node, OC + "satuDataRole", ox.NamedNode(role))
    if agent.email:
        out.add(node, _FOAF + "mbox", ox.NamedNode(_mailto(agent.email)))
    if agent.homepage:
        out.add(node, _FOAF + "homepage", ox.NamedNode(agent.homepage))
        out.a(ox.NamedNode(agent.homepage), _FOAF + "Document")


def _mailto(email: str) -> str:
    return email if email.startswith("mailto:") else f"mailto:{email}"


def _activity_triples(out: _Triples, a: Activity) -> None:
    node = ox.NamedNode(a.iri)
    out.a(node, PROV + "Activity", OC + ("Load" if a.kind == "load" else "Publication"))
    out.add(node, OC + "loadedDataset", ox.NamedNode(a.dataset))
    out.add(node, PROV + "startedAtTime", _typed(a.started, _XSD + "dateTime"))
    out.add(node, PROV + "endedAtTime", _typed(a.ended, _XSD + "dateTime"))
    out.add(node, OC + "outcome", ox.NamedNode(OC + "outcome" + a.outcome.capitalize()))
    if a.origin:
        out.add(node, PROV + "wasInformedBy", ox.NamedNode(a.origin))
    for acceptance in a.acceptances:
        out.add(node, OC + "acceptedViolations", ox.NamedNode(acceptance))
    if a.report:
        report = ox.NamedNode(a.report)
        out.add(node, OC + "validationReport", report)
        out.a(report, _SH + "ValidationReport")
        if a.conforms is not None:
            out.add(report, _SH + "conforms", _typed(str(a.conforms).lower(), _XSD + "boolean"))
        if a.violations is not None:
            out.add(report, OC + "violationCount", _typed(str(a.violations), _XSD + "integer"))
        if a.warnings is not None:
            out.add(report, OC + "warningCount", _typed(str(a.warnings), _XSD + "integer"))


def catalog_triples(catalog: Catalog, service_url: str) -> list[ox.Triple]:
    """The catalogue as DCAT-AP 3 triples; ``service_url`` ends with '/'."""
    out = _Triples()
    cat = ox.NamedNode(service_url + "catalog")
    home = ox.NamedNode(catalog.home_region)
    sparql = ox.NamedNode(service_url + "sparql")
    out.a(cat, DCAT + "Catalog")
    out.texts(cat, DCTERMS + "title", catalog.title)
    out.texts(cat, DCTERMS + "description", catalog.description)
    homepage = ox.NamedNode(service_url)
    out.add(cat, _FOAF + "homepage", homepage)
    out.a(homepage, _FOAF + "Document")
    for iri in _LANGUAGES.values():
        out.add(cat, DCTERMS + "language", ox.NamedNode(iri))
        out.a(ox.NamedNode(iri), DCTERMS + "LinguisticSystem")
    out.add(cat, DCTERMS + "spatial", home)
    out.a(home, DCTERMS + "Location", SKOS + "Concept")
    out.texts(home, SKOS + "prefLabel", catalog.home_label or {"": catalog.home_code})
    out.add(home, SKOS + "notation", _typed(catalog.home_code, OC + "KemendagriCode"))
    if catalog.publisher:
        out.add(cat, DCTERMS + "publisher", ox.NamedNode(catalog.publisher.iri))
        _agent_triples(out, catalog.publisher)
    if catalog.modified:
        out.add(cat, DCTERMS + "modified", _typed(catalog.modified, _XSD + "dateTime"))
    for scheme, label in sorted(catalog.schemes.items()):
        node = ox.NamedNode(scheme)
        out.add(cat, DCAT + "themeTaxonomy", node)
        out.a(node, SKOS + "ConceptScheme")
        out.texts(node, DCTERMS + "title", label)
        out.texts(node, SKOS + "prefLabel", label)

    # The SPARQL endpoint serves every published dataset.
    out.add(cat, DCAT + "service", sparql)
    out.a(sparql, DCAT + "DataService")
    out.texts(sparql, DCTERMS + "title", {"id": "Titik akhir SPARQL", "en": "SPARQL endpoint"})
    out.texts(
        sparql,
        DCTERMS + "description",
        {
            "id": "Kueri SPARQL 1.1 atas semua graf terbit; GET tanpa kueri memberi deskripsi layanan.",
            "en": "SPARQL 1.1 queries over every published graph; a GET without a query gives the "
            "service description.",
        },
    )
    out.add(sparql, DCAT + "endpointURL", sparql)
    out.add(sparql, DCAT + "endpointDescription", sparql)
    out.a(sparql, _RDFS + "Resource")  # the range DCAT-AP gives both (as ckanext-dcat writes it)
    protocol = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")
    out.add(sparql, DCTERMS + "conformsTo", protocol)
    out.a(protocol, DCTERMS + "Standard")
    if catalog.publisher:
        out.add(sparql, DCTERMS + "publisher", ox.NamedNode(catalog.publisher.iri))

    for d in catalog.datasets:
        _dataset_triples(out, catalog, d, service_url, cat, sparql)
    # Grouped by subject (in order of first mention) so that Turtle writes each once.
    first: dict[Any, int] = {}
    for i, t in enumerate(out.items):
        first.setdefault(t.subject, i)
    return sorted(out.items, key=lambda t: first[t.subject])


def _dataset_triples(
    out: _Triples,
    catalog: Catalog,
    d: CatalogDataset,
    service_url: str,
    cat: ox.NamedNode,
    sparql: ox.NamedNode,
) -> None:
    ds = ox.NamedNode(d.iri)
    out.add(cat, DCAT + "dataset", ds)
    out.add(sparql, DCAT + "servesDataset", ds)
    # The dataset's own description, as its published version carries it.
    for p, o in d.triples:
        out.add(ds, p, o)
    if d.issued:
        out.add(ds, DCTERMS + "issued", _typed(d.issued, _XSD + "dateTime"))
    if d.publisher:
        _agent_triples(out, d.publisher)
    if d.spatial:
        place = ox.NamedNode(d.spatial)
        out.a(place, DCTERMS + "Location", SKOS + "Concept")
        if d.spatial == catalog.home_region:
            out.texts(place, SKOS + "prefLabel", catalog.home_label or {"": catalog.home_code})
    if d.frequency:
        freq = ox.NamedNode(d.frequency)
        out.a(freq, DCTERMS + "Frequency", SKOS + "Concept")
        key = _FREQUENCY_NAMES.get(d.frequency)
        labels = _FREQUENCY_LABELS.get(key or "")
        out.texts(
            freq, SKOS + "prefLabel", {"id": labels[0], "en": labels[1]} if labels else {"": d.frequency}
        )
    if d.access_rights:
        rights = ox.NamedNode(d.access_rights)
        out.a(rights, DCTERMS + "RightsStatement")
        labels = _ACCESS_LABELS.get(_ACCESS_NAMES.get(d.access_rights, ""))
        if labels:
            out.texts(rights, _RDFS + "label", {"id": labels[0], "en": labels[1]})
    if d.license:
        out.a(ox.NamedNode(d.license), DCTERMS + "LicenseDocument")
    if d.first_period and d.last_period:
        start, _ = _period_dates(d.first_period)
        _, end = _period_dates(d.last_period)
        period = ox.BlankNode()
        out.add(ds, DCTERMS + "temporal", period)
        out.a(period, DCTERMS + "PeriodOfTime")
        out.add(period, DCAT + "startDate", _typed(start.isoformat(), _XSD + "date"))
        out.add(period, DCAT + "endDate", _typed(end.isoformat(), _XSD + "date"))
        out.add(ds, DCAT + "temporalResolution", _typed(_resolution(d.first_period), _XSD + "duration"))
    for given in d.contact_points:
        out.add(ds, DCAT + "contactPoint", ox.NamedNode(given))
        out.a(ox.NamedNode(given), _VCARD + "Kind")
    if not d.contact_points and d.publisher and d.publisher.email:
        # The producing agency's address is the dataset's contact point.
        contact = ox.BlankNode()
        out.add(ds, DCAT + "contactPoint", contact)
        out.a(contact, _VCARD + "Organization", _VCARD + "Kind")
        out.texts(contact, _VCARD + "fn", d.publisher.name)
        out.add(contact, _VCARD + "hasEmail", ox.NamedNode(_mailto(d.publisher.email)))
    # Themes: the statistical concepts its indicators measure; with the indicators' standard
    # metadata (definition, unit, concept, kind of measure) and the dataset's structure.
    for ind in d.indicators:
        node = ox.NamedNode(ind.iri)
        out.a(node, OC + "Indicator", QB + "MeasureProperty")
        out.texts(node, _RDFS + "label", ind.label)
        out.texts(node, SKOS + "definition", ind.definition)
        if ind.unit:
            unit = ox.NamedNode(ind.unit)
            out.add(node, OC + "unit", unit)
            out.a(unit, OC + "Unit", SKOS + "Concept")
            out.texts(unit, SKOS + "prefLabel", ind.unit_label or {"": ind.unit})
        if ind.measure_kind:
            out.add(node, OC + "measureKind", ox.NamedNode(ind.measure_kind))
        if ind.concept:
            concept = ox.NamedNode(ind.concept)
            out.add(node, QB + "concept", concept)
            out.add(ds, DCAT + "theme", concept)
            out.a(concept, SKOS + "Concept")
            label, scheme = catalog.concepts.get(ind.concept, ({}, None))
            out.texts(concept, SKOS + "prefLabel", label or {"": ind.concept})
            if scheme:
                out.add(concept, SKOS + "inScheme", ox.NamedNode(scheme))
    for s, p, o in d.structure:
        out.add(ox.NamedNode(s), p, o)
    for dimension, label in d.dimensions:
        out.texts(ox.NamedNode(dimension), _RDFS + "label", label)
    # Distributions: the observations as CSV and the published version graph as Turtle.
    for suffix, media, file_type, title_id, title_en in DISTRIBUTIONS:
        dist = ox.BlankNode()
        url = ox.NamedNode(f"{service_url}catalog/{d.id}.{suffix}")
        out.add(ds, DCAT + "distribution", dist)
        out.a(dist, DCAT + "Distribution")
        out.texts(dist, DCTERMS + "title", {"id": title_id, "en": title_en})
        out.add(dist, DCAT + "accessURL", url)
        out.add(dist, DCAT + "downloadURL", url)
        media_node = ox.NamedNode(_IANA + media)
        out.add(dist, DCAT + "mediaType", media_node)
        out.a(media_node, DCTERMS + "MediaType")
        format_node = ox.NamedNode(_EU + "file-type/" + file_type)
        out.add(dist, DCTERMS + "format", format_node)
        out.a(format_node, DCTERMS + "MediaTypeOrExtent")
        if d.license:
            out.add(dist, DCTERMS + "license", ox.NamedNode(d.license))
        if d.modified:
            out.add(dist, DCTERMS + "modified", _typed(d.modified, _XSD + "dateTime"))
        out.add(dist, DCAT + "accessService", sparql)
    # The load behind the published version, its validation status, and the newest load.
    if d.generated_by:
        out.add(ds, PROV + "wasGeneratedBy", ox.NamedNode(d.generated_by.iri))
    for a in (d.generated_by, d.published_by, d.last_load):
        if a is not None:
            _activity_triples(out, a)


def serialize_catalog(catalog: Catalog, service_url: str, media_type: str) -> bytes:
    """The catalogue in an RDF format named by its media type (Turtle, JSON-LD, RDF/XML, …)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    prefixes = {**PREFIXES, "vcard": _VCARD}
    return ox.serialize(catalog_triples(catalog, service_url), format=fmt, prefixes=prefixes) or b""


# --- JSON ------------------------------------------------------------------------------------


def _agent_json(agent: Agent | None) -> dict[str, Any] | None:
    if agent is None:
        return None
    return {
        "iri": agent.iri,
        "name": agent.name,
        "roles": [r.rsplit("#", 1)[-1].removeprefix("role") for r in agent.roles],
        "email": agent.email,
        "homepage": agent.homepage,
    }


def _activity_json(a: Activity | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "iri": a.iri,
        "kind": a.kind,
        "started": a.started,
        "ended": a.ended,
        "outcome": a.outcome,
        "file_name": a.file_name,
        "file_sha256": a.file_sha256,
        "mapping_name": a.mapping_name,
        "mapping_sha256": a.mapping_sha256,
        "observations": a.observations,
        "validation": {
            "report": a.report,
            "conforms": a.conforms,
            "violations": a.violations,
            "warnings": a.warnings,
            "accepted": a.accepted,
        },
    }


def catalog_json(catalog: Catalog, service_url: str) -> dict[str, Any]:
    """The catalogue as a plain JSON listing (same content as the RDF forms)."""
    datasets = []
    for d in catalog.datasets:
        temporal = None
        if d.first_period and d.last_period:
            temporal = {
                "first_period": d.first_period,
                "last_period": d.last_period,
                "start": _period_dates(d.first_period)[0].isoformat(),
                "end": _period_dates(d.last_period)[1].isoformat(),
                "resolution": _resolution(d.first_period),
            }
        in_force = d.published_by or d.generated_by
        datasets.append(
            {
                "id": d.id,
                "iri": d.iri,
                "title": d.title,
                "description": d.description,
                "publisher": _agent_json(d.publisher),
                "keywords": d.keywords,
                "themes": [
                    {"iri": i.concept, "label": i.concept_label}
                    for i in {i.concept: i for i in d.indicators if i.concept}.values()
                ],
                "temporal": temporal,
                "spatial": {
                    "iri": d.spatial,
                    "label": catalog.home_label if d.spatial == catalog.home_region else None,
                },
                "region_levels": d.levels,
                "frequency": {"iri": d.frequency, "key": _FREQUENCY_NAMES.get(d.frequency or "")},
                "issued": d.issued,
                "modified": d.modified,
                "license": d.license,
                "access_rights": {"iri": d.access_rights, "level": _ACCESS_NAMES.get(d.access_rights or "")},
                "contact_point": (
                    {"iri": d.contact_points[0], "email": None, "name": None}
                    if d.contact_points
                    else {"iri": None, "email": d.publisher.email, "name": d.publisher.name}
                    if d.publisher and d.publisher.email
                    else None
                ),
                "synthetic": d.synthetic,
                "indicators": [
                    {
                        "iri": i.iri,
                        "label": i.label,
                        "definition": i.definition,
                        "unit": {"iri": i.unit, "label": i.unit_label},
                        "concept": {"iri": i.concept, "label": i.concept_label},
                        "measure_kind": i.measure_kind.rsplit("#", 1)[-1] if i.measure_kind else None,
                    }
                    for i in d.indicators
                ],
                "dimensions": [{"iri": iri, "label": label} for iri, label in d.dimensions],
                "distributions": [
                    {
                        "format": file_type,
                        "media_type": media,
                        "title": {"id": title_id, "en": title_en},
                        "url": f"{service_url}catalog/{d.id}.{suffix}",
                    }
                    for suffix, media, file_type, title_id, title_en in DISTRIBUTIONS
                ],
                "published_graph": d.graph,
                "generated_by": _activity_json(d.generated_by),
                "published_by": _activity_json(d.published_by),
                "validation": (_activity_json(in_force) or {}).get("validation"),
                "last_load": _activity_json(d.last_load),
            }
        )
    return {
        "ok": True,
        "catalog": {
            "iri": service_url + "catalog",
            "title": catalog.title,
            "description": catalog.description,
            "publisher": _agent_json(catalog.publisher),
            "spatial": {"iri": catalog.home_region, "code": catalog.home_code, "label": catalog.home_label},
            "modified": catalog.modified,
            "sparql_endpoint": service_url + "sparql",
        },
        "datasets": datasets,
    }


# --- downloads -------------------------------------------------------------------------------


def _published_graph(view: PublicGraphs, dataset: str) -> str:
    graph = view.versions.get(view.iris.dataset(dataset))
    if graph is None:
        known = sorted(d.rsplit("/", 1)[-1] for d in view.versions)
        raise UnknownDataset(
            f"dataset terbit tidak dikenal / no published dataset {dataset!r}; published: "
            + (", ".join(known) or "(none)")
        )
    return graph


@dataclass(frozen=True)
class DatasetTable:
    """A published dataset as a tidy table: one row per observation."""

    columns: list[str]
    headers: list[str]  # Indonesian headers (Excel dialect)
    rows: list[list[Any]]

    def to_csv(self, dialect: CsvDialect = "standard") -> bytes:
        """CSV bytes. ``standard``: RFC 4180, ',', decimal point, column names (for programs).
        ``excel``: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel, Indonesian
        regional settings), and text Excel would run as a formula quoted."""
        buffer = io.StringIO()
        excel = dialect == "excel"
        writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow(self.headers if excel else self.columns)
        for row in self.rows:
            writer.writerow([_cell(v, excel) for v in row])
        text = buffer.getvalue()
        return ("\ufeff" + text if excel else text).encode("utf-8")


def _cell(value: Any, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if excel else text
    text = str(value)
    if excel and text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def dataset_table(store: Store, iris: Iris, dataset: str) -> DatasetTable:
    """The observations of a published dataset with region, period, indicator, dimensions,
    value and unit, sorted by region code, period, indicator and dimensions.

    Raises:
        UnknownDataset: no published dataset has the id ``dataset``.
    """
    view = PublicGraphs(store, iris)
    graph = _published_graph(view, dataset)
    observations = view.select(
        """SELECT ?obs ?area ?period ?indicator ?value ?unit WHERE {
  ?obs a qb:Observation ; qb:measureType ?indicator ; ?indicator ?value .
  OPTIONAL { ?obs sdmx-dimension:refArea ?area } OPTIONAL { ?obs sdmx-dimension:refPeriod ?period }
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?unit } }""",
        graphs=[graph],
    )
    dims = [
        r["d"].value
        for r in view.select(
            "SELECT DISTINCT ?d WHERE { ?ds qb:structure/qb:component/qb:dimension ?d }", graphs=[graph]
        )
        if r["d"].value not in _STRUCTURAL
    ]
    dims.sort()
    codes: dict[tuple[str, str], str] = {}
    for d in dims:
        for r in view.select(
            "SELECT ?d ?obs ?code WHERE { ?obs ?d ?code }", graphs=[graph], d=ox.NamedNode(d)
        ):
            codes[(r["obs"].value, d)] = r["code"].value
    regions = view.select(
        """SELECT ?area ?label ?level WHERE {
  { SELECT DISTINCT ?area WHERE { GRAPH ?g { ?o sdmx-dimension:refArea ?area } } }
  ?area skos:prefLabel ?label OPTIONAL { ?area oc:regionLevel ?level } }""",
        graphs=[graph, iris.regions_graph],
    )
    region_label = {r["area"].value: r["label"].value for r in regions}
    region_level = {
        r["area"].value: r["level"].value.rsplit("level", 1)[-1].lower() for r in regions if "level" in r
    }
    vocabulary = view.select(
        """SELECT ?x ?notation ?label WHERE {
  { ?x a oc:Indicator } UNION { ?x a oc:Unit } UNION { ?x a skos:Concept ; skos:inScheme ?s }
  OPTIONAL { ?x skos:notation ?notation } OPTIONAL { ?x rdfs:label ?label FILTER(lang(?label) = "id") } }""",
        graphs=[iris.ontology_graph],
    )
    notation = {r["x"].value: r["notation"].value for r in vocabulary if "notation" in r}
    label = {r["x"].value: r["label"].value for r in vocabulary if "label" in r}
    dimension_labels = _grouped_texts(
        view.select(
            "SELECT ?d ?l WHERE { ?d a qb:DimensionProperty ; rdfs:label ?l }", graphs=[iris.ontology_graph]
        ),
        "d",
        "l",
    )

    def tail(iri: str, prefix: str) -> str:
        return iri[len(prefix) :] if iri.startswith(prefix) else iri

    dim_names = [d.rsplit("/", 1)[-1] for d in dims]
    rows: list[list[Any]] = []
    for r in observations:
        obs = r["obs"].value
        area = r["area"].value if "area" in r else ""
        indicator = r["indicator"].value
        value = r["value"]
        number: Any = Decimal(value.value) if isinstance(value, ox.Literal) else value.value
        unit = r["unit"].value if "unit" in r else ""
        rows.append(
            [
                tail(area, iris.region_prefix) if area else None,
                region_label.get(area),
                region_level.get(area),
                tail(r["period"].value, iris.period_prefix) if "period" in r else None,
                indicator.rsplit("/", 1)[-1],
                label.get(indicator),
                *(notation.get(codes.get((obs, d), ""), codes.get((obs, d))) for d in dims),
                number,
                notation.get(unit, unit.rsplit("/", 1)[-1]) if unit else None,
                obs,
            ]
        )
    width = 6 + len(dims)
    rows.sort(key=lambda row: tuple("" if v is None else str(v) for v in row[:width]))
    names = list(CSV_COLUMNS)
    headers = list(CSV_COLUMNS.values())
    columns = [*names[:6], *dim_names, *names[6:]]
    dim_headers = [dimension_labels.get(d, {}).get("id", n) for d, n in zip(dims, dim_names, strict=True)]
    return DatasetTable(columns, [*headers[:6], *dim_headers, *headers[6:]], rows)


def dataset_turtle(store: Store, iris: Iris, dataset: str) -> bytes:
    """The published version graph of a dataset as Turtle.

    Raises:
        UnknownDataset: no published dataset has the id ``dataset``.
    """
    view = PublicGraphs(store, iris)
    graph = _published_graph(view, dataset)
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=[graph])
    assert isinstance(result, ox.QueryTriples)
    prefixes = {
        **PREFIXES,
        "wilayah": iris.region_prefix,
        "periode": iris.period_prefix,
        "indikator": iris.indicator(""),
        "observasi": iris.observation_prefix(dataset),
    }
    return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
