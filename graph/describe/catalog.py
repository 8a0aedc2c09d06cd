"""The DCAT catalogue of the published datasets, as read from the graph (the read model).

``read_catalog`` gathers, for every *published* dataset, the DCAT metadata its
version graph carries (title, description, publisher, keywords, licence, access
rights, frequency, spatial coverage, modified), what the other public graphs add
(indicators with definitions, units and concepts; region level; first and last
period; the load behind the version and its validation report) and the
publisher's name, into a picklable ``Catalog``: the service caches it until the next
publication. A published restricted (terbatas) dataset is listed from its public card in
the catalogue graph (``graph.store.versions.CARD_PROPERTIES``): title, description, agency,
access rights, frequency, the indicators it covers and when its version in force was
published; never its periods, regions, distributions, loads or validation. Its forms
live beside it: ``graph.describe.catalog_rdf`` (DCAT-AP 3 triples),
``graph.describe.catalog_json`` (the plain JSON listing) and ``graph.describe.downloads``
(a dataset's tidy table and version graph).

A held draft is never listed: only ``oc:publishedGraph`` versions are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox

from graph.describe.catalog_terms import (
    ACCESS_LEVELS,
    STRUCTURAL_DIMENSIONS,
    Coverage,
    frequency_of,
    measure_kind,
)
from graph.errors import UnknownDataset
from graph.provenance.activities import Activity, activities
from graph.rdf.iris import Iris
from graph.rdf.labels import languages, texts_by
from graph.rdf.namespaces import DCAT, DCTERMS, OC, QB
from graph.reference.indicators import Indicator
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience
from graph.text import Text

__all__ = [
    "Agent",
    "Catalog",
    "CatalogDataset",
    "dimension_labels",
    "read_catalog",
    "unknown_dataset",
]


@dataclass(frozen=True)
class Agent:
    """An organisation of the vocabulary: its name, Satu Data roles and addresses."""

    iri: str
    name: Text
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
    title: Text
    description: Text
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
    dimensions: list[tuple[str, Text]]  # (dimension IRI, label)
    structure: list[tuple[str, str, Any]]  # DSD triples (s, p, o-term)
    generated_by: Activity | None
    published_by: Activity | None  # a later publication of a held draft
    last_load: Activity | None
    contact_points: list[str] = field(default_factory=list)  # IRIs given by dcat:contactPoint
    # A restricted dataset the catalogue's reader (the public) may not read: its public card only.
    restricted: bool = False

    @property
    def coverage(self) -> Coverage | None:
        if self.first_period and self.last_period:
            return Coverage.of(self.first_period, self.last_period)
        return None

    @property
    def frequency_key(self) -> str | None:
        """The key of graph.cube.metadata.FREQUENCY its frequency IRI stands for."""
        known = frequency_of(self.frequency)
        return known.key if known else None

    @property
    def access_level(self) -> str | None:
        """Its access level ("terbuka" or "terbatas"), from its access right."""
        return ACCESS_LEVELS.get(self.access_rights or "")

    @property
    def in_force(self) -> Activity | None:
        """What put the published version in force: its publication, else its load."""
        return self.published_by or self.generated_by


@dataclass
class Catalog:
    """The catalogue: who publishes it, where, and every published dataset."""

    title: Text
    description: Text
    publisher: Agent | None
    home_region: str
    home_label: dict[str, str]  # {language: label}, as the region code list gives it
    home_code: str
    agents: dict[str, Agent]
    concepts: dict[str, tuple[Text, str | None]]  # concept -> (label, scheme)
    schemes: dict[str, Text]
    datasets: list[CatalogDataset]

    @property
    def modified(self) -> str | None:
        times = [a.ended for d in self.datasets if (a := d.in_force)]
        times += [d.modified for d in self.datasets if d.restricted and d.modified]
        return max(times) if times else None


def unknown_dataset(dataset: str, published: Iterable[str]) -> UnknownDataset:
    """The error for an id no published dataset has, naming the ones that are published."""
    known = ", ".join(sorted(published)) or "(none)"
    return UnknownDataset(
        f"dataset terbit tidak dikenal / no published dataset {dataset!r}; published: {known}"
    )


# --- reading ---------------------------------------------------------------------------------


def _agents(view: PublicGraphs) -> dict[str, Agent]:
    rows = view.select(
        """SELECT ?org ?name ?role ?mbox ?email ?homepage WHERE { ?org a org:Organization .
  OPTIONAL { ?org skos:prefLabel ?name } OPTIONAL { ?org oc:satuDataRole ?role }
  OPTIONAL { ?org foaf:mbox ?mbox } OPTIONAL { ?org <http://www.w3.org/2006/vcard/ns#hasEmail> ?email }
  OPTIONAL { ?org foaf:homepage ?homepage } }""",
        graphs=[view.iris.ontology_graph],
    )
    names = texts_by(rows, "org", "name")
    out: dict[str, Agent] = {}
    for org in sorted({r["org"].value for r in rows}):
        mine = [r for r in rows if r["org"].value == org]
        email = next((r[k].value for r in mine for k in ("mbox", "email") if k in r), None)
        email = email.removeprefix("mailto:") if email else None
        homepage = next((r["homepage"].value for r in mine if "homepage" in r), None)
        roles = tuple(sorted({r["role"].value for r in mine if "role" in r}))
        out[org] = Agent(org, names.get(org, Text("")), roles, email, homepage)
    return out


def _indicators(view: PublicGraphs) -> tuple[dict[str, Indicator], dict[str, tuple[Text, str | None]]]:
    """Every indicator of the vocabulary with its standard metadata, and the concepts they
    measure (concept -> (label, scheme))."""
    rows = view.select(
        """SELECT ?ind ?label ?definition ?unit ?unitLabel ?concept ?conceptLabel ?scheme ?kind WHERE {
  ?ind a oc:Indicator . OPTIONAL { ?ind rdfs:label ?label } OPTIONAL { ?ind skos:definition ?definition }
  OPTIONAL { ?ind oc:unit ?unit OPTIONAL { ?unit skos:prefLabel ?unitLabel } }
  OPTIONAL { ?ind qb:concept ?concept OPTIONAL { ?concept skos:prefLabel ?conceptLabel }
             OPTIONAL { ?concept skos:inScheme ?scheme } }
  OPTIONAL { ?ind oc:measureKind ?kind } }""",
        graphs=[view.iris.ontology_graph],
    )
    label, definition = texts_by(rows, "ind", "label"), texts_by(rows, "ind", "definition")
    unit_label, concept_label = texts_by(rows, "unit", "unitLabel"), texts_by(rows, "concept", "conceptLabel")
    info: dict[str, dict[str, str]] = {}
    for r in rows:
        found = info.setdefault(r["ind"].value, {})
        for key in ("unit", "concept", "scheme", "kind"):
            if key in r:
                found.setdefault(key, r[key].value)
    indicator_prefix = view.iris.indicator("")
    indicators = {
        iri: Indicator(
            iri=iri,
            slug=iri.removeprefix(indicator_prefix),
            label=label.get(iri, Text("")),
            definition=definition.get(iri, Text("")),
            unit=i["unit"].rsplit("/", 1)[-1] if "unit" in i else "",
            unit_iri=i.get("unit", ""),
            unit_label=unit_label.get(i.get("unit", ""), Text("")),
            concept=i.get("concept"),
            concept_label=concept_label.get(i.get("concept", ""), Text("")),
            kind=measure_kind(i.get("kind")),
        )
        for iri, i in info.items()
    }
    concepts = {
        i["concept"]: (concept_label.get(i["concept"], Text("")), i.get("scheme"))
        for i in info.values()
        if "concept" in i
    }
    return indicators, concepts


def _levels(view: PublicGraphs, graphs: list[str]) -> dict[str, list[str]]:
    """The region levels each version graph has figures for."""
    # Per version graph: distinct regions first, then their levels (a join over every
    # observation of every graph at once is ~100x slower on disk).
    return {
        g: sorted(
            r["level"].value.rsplit("level", 1)[-1].lower()
            for r in view.select(
                """SELECT DISTINCT ?level WHERE {
  { SELECT DISTINCT ?area WHERE { GRAPH ?g { ?o sdmx-dimension:refArea ?area } } }
  ?area oc:regionLevel ?level }""",
                graphs=[g, view.iris.regions_graph],
            )
        )
        for g in graphs
    }


@dataclass(frozen=True)
class _Shared:
    """What every dataset's entry is made from besides its own triples."""

    iris: Iris
    agents: dict[str, Agent]
    indicators: dict[str, Indicator]
    dimension_labels: dict[str, Text]
    levels: dict[str, list[str]]
    activities: list[Activity]


def _dataset(
    shared: _Shared, iri: str, graph: str, pairs: list[tuple[str, Any]], dsd: list[tuple[str, str, Any]]
) -> CatalogDataset:
    def one(predicate: str) -> str | None:
        return next((o.value for p, o in pairs if p == predicate), None)

    def every(predicate: str) -> list[str]:
        return sorted(o.value for p, o in pairs if p == predicate)

    def text(predicate: str) -> Text:
        return Text.of(languages(o for p, o in pairs if p == predicate))

    def period(predicate: str) -> str | None:
        value = one(predicate)
        return value[len(shared.iris.period_prefix) :] if value else None

    measures = sorted({o.value for _, p, o in dsd if p == QB + "measure"})
    dims = sorted({o.value for _, p, o in dsd if p == QB + "dimension"} - STRUCTURAL_DIMENSIONS)
    mine = shared.activities
    loads = [a for a in mine if a.kind == "load" and a.dataset == iri]
    published_times = [a.ended for a in mine if a.dataset == iri and a.outcome == "published"]
    publisher, synthetic = one(DCTERMS + "publisher"), one(OC + "syntheticData")
    return CatalogDataset(
        id=one(DCTERMS + "identifier") or iri.rsplit("/", 1)[-1],
        iri=iri,
        graph=graph,
        triples=pairs,
        title=text(DCTERMS + "title"),
        description=text(DCTERMS + "description"),
        publisher=shared.agents.get(publisher) if publisher else None,
        keywords=every(DCAT + "keyword"),
        first_period=period(OC + "firstPeriod"),
        last_period=period(OC + "lastPeriod"),
        spatial=one(DCTERMS + "spatial"),
        levels=shared.levels.get(graph, []),
        frequency=one(DCTERMS + "accrualPeriodicity"),
        access_rights=one(DCTERMS + "accessRights"),
        license=one(DCTERMS + "license"),
        modified=one(DCTERMS + "modified"),
        issued=min(published_times) if published_times else None,
        synthetic=None if synthetic is None else synthetic in ("true", "1"),
        indicators=[shared.indicators.get(m) or Indicator(m) for m in measures],
        dimensions=[(d, shared.dimension_labels.get(d, Text(""))) for d in dims],
        structure=dsd,
        generated_by=next((a for a in mine if a.kind == "load" and a.graph == graph), None),
        published_by=next((a for a in mine if a.kind == "publication" and a.graph == graph), None),
        last_load=loads[0] if loads else None,
        contact_points=every(DCAT + "contactPoint"),
    )


def dimension_labels(view: PublicGraphs) -> dict[str, Text]:
    """The label of every dimension property of the vocabulary."""
    rows = view.select(
        "SELECT ?d ?l WHERE { ?d a qb:DimensionProperty ; rdfs:label ?l }", graphs=[view.iris.ontology_graph]
    )
    return texts_by(rows, "d", "l")


_META = "SELECT ?g ?ds ?p ?o WHERE { GRAPH ?g { ?ds a dcat:Dataset ; ?p ?o } }"
# Every cube of the dataset (graph.cube.measure_groups): its measures are those of them all.
_STRUCTURE = """SELECT ?g ?ds ?s ?p ?o WHERE { GRAPH ?g { ?ds a dcat:Dataset . ?cube oc:cubeOf ?ds .
  ?cube qb:structure/qb:component? ?s . ?s ?p ?o } }"""
# The catalogue graph's pointers, beside a restricted dataset's card: not part of its description.
_POINTERS = (OC + "publishedGraph", OC + "draftGraph")


def _datasets(view: PublicGraphs, shared: _Shared) -> list[CatalogDataset]:
    """Every published dataset: those the reader reads from their version graphs, the
    restricted others from their public cards."""
    graphs = sorted(view.versions.values())
    meta = view.select(_META, graphs=graphs)
    structure = view.select(_STRUCTURE, graphs=graphs)
    datasets: list[CatalogDataset] = []
    for iri, graph in sorted(view.versions.items()):
        pairs = [(r["p"].value, r["o"]) for r in meta if r["g"].value == graph and r["ds"].value == iri]
        if pairs:
            dsd = [(r["s"].value, r["p"].value, r["o"]) for r in structure if r["g"].value == graph]
            datasets.append(_dataset(shared, iri, graph, pairs, dsd))
    return sorted(datasets + _cards(view, shared), key=lambda d: d.iri)


def _cards(view: PublicGraphs, shared: _Shared) -> list[CatalogDataset]:
    """The published restricted datasets the reader may not read, as their public cards say
    (a card is written at publication; a version published before cards existed has none
    and is not listed until it is published again)."""
    if not view.restricted:
        return []
    catalog = [view.iris.catalog_graph]
    meta = view.select(_META, graphs=catalog)
    structure = view.select(_STRUCTURE, graphs=catalog)
    cards: list[CatalogDataset] = []
    for iri, graph in sorted(view.restricted.items()):
        mine = [r for r in meta if r["ds"].value == iri]
        pairs = [(r["p"].value, r["o"]) for r in mine if r["p"].value not in _POINTERS]
        if pairs:
            dsd = [(r["s"].value, r["p"].value, r["o"]) for r in structure if r["ds"].value == iri]
            cards.append(replace(_dataset(shared, iri, graph, pairs, dsd), restricted=True))
    return cards


def read_catalog(store: Store, iris: Iris, home_region: str, audience: Audience = PUBLIC) -> Catalog:
    """Every published dataset with its DCAT and Satu Data metadata (picklable), as
    ``audience`` may read it: a restricted dataset it may not read as its public card."""
    view = PublicGraphs(store, iris, audience)
    agents = _agents(view)
    indicators, concepts = _indicators(view)
    levels = _levels(view, sorted(view.versions.values()))
    shared = _Shared(iris, agents, indicators, dimension_labels(view), levels, activities(view))
    home = iris.region(home_region)
    home_rows = view.select(
        "SELECT ?r ?l WHERE { ?r skos:prefLabel ?l }", graphs=[iris.regions_graph], r=ox.NamedNode(home)
    )
    schemes_rows = view.select(
        "SELECT ?scheme ?l WHERE { ?scheme a skos:ConceptScheme ; skos:prefLabel ?l }",
        graphs=[iris.ontology_graph],
    )
    home_label = languages(r["l"] for r in home_rows)
    place = Text.of(home_label, home_region).id
    used_schemes = {scheme for _, scheme in concepts.values() if scheme}
    return Catalog(
        title=Text(f"Katalog Satu Data {place}", f"One Data catalogue: {place}"),
        description=Text(
            f"Dataset terbit Satu Data {place}: metadata DCAT, distribusi CSV dan Turtle, "
            "pemuatan terakhir dan status validasinya.",
            f"The published One Data datasets of {place}: DCAT metadata, CSV and Turtle "
            "distributions, the last load and its validation status.",
        ),
        publisher=next((a for a in agents.values() if OC + "roleWalidata" in a.roles), None),
        home_region=home,
        home_label=home_label,
        home_code=home_region,
        agents=agents,
        concepts=concepts,
        schemes={s: t for s, t in texts_by(schemes_rows, "scheme", "l").items() if s in used_schemes},
        datasets=_datasets(view, shared),
    )
