"""Which graphs are published, and swapping a dataset's version in one step.

Each load writes a dataset into a new *version graph*. Publishing it is one
SPARQL update that moves the dataset's pointer in the catalogue graph and
records the load's provenance, so readers see the old version or the new one,
never a mix. Queries run over the published graphs only, so a version being
written (or left behind by a crashed load) is never seen.

A version that validation held back stays in the store as the dataset's
*draft* (``oc:draftGraph`` in the catalogue graph; a restricted draft's in its
dataset's own graph, so the public does not learn that a load waits) until it is
published by the Walidata or replaced by the next load; it is never part of a
public query.

A published dataset is *terbuka* (open) or *terbatas* (restricted), as its
metadata says (``oc:accessLevel``). Every reader asks for the graphs of an
``Audience``; the default is the public one, which never gets a restricted
dataset's graph nor its own provenance graph (its loads, publications and rejections
with their files, hashes, counts, people and validation reports: ``provenance_graph_of``).
What the public may know of a restricted dataset is its *public card* in the catalogue
graph (``CARD_PROPERTIES``: title, description, agency, access level, frequency, the
indicators it covers, and ``dct:modified``, when its version in force was published),
written by ``publish`` in the same update that moves the pointer. A dataset whose level
cannot be read counts as restricted: a mistake hides data rather than leaking it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import DCAT, DCTERMS, OC, PREFIXES, QB, RDF_TYPE
from graph.rdf.ntriples import literal
from graph.store.interface import Store

__all__ = [
    "CARD_PROPERTIES",
    "EVERYONE_INTERNAL",
    "PUBLIC",
    "Audience",
    "PublishedDataset",
    "candidate_graphs",
    "collect_garbage",
    "draft_datasets",
    "fixed_graphs",
    "graphs_of",
    "hold",
    "provenance_graph_of",
    "provenance_graphs",
    "published",
    "publish",
    "published_datasets",
    "published_graphs",
    "restricted_provenance_graphs",
    "version_is_open",
]


@dataclass(frozen=True)
class Audience:
    """Whose query it is, as far as access levels go (picklable: it travels to query workers).

    ``restricted_agencies`` are agency IRIs whose restricted datasets may be read;
    ``all_restricted`` reads every restricted dataset (Walidata, admin, the pipeline).
    """

    all_restricted: bool = False
    restricted_agencies: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return not self.all_restricted and not self.restricted_agencies

    def may_read(self, dataset: PublishedDataset) -> bool:
        if dataset.open:
            return True
        mine = dataset.agency is not None and dataset.agency in self.restricted_agencies
        return self.all_restricted or mine


PUBLIC = Audience()
# The pipeline itself (validation, publication, garbage collection) sees every dataset.
EVERYONE_INTERNAL = Audience(all_restricted=True)


@dataclass(frozen=True)
class PublishedDataset:
    iri: str
    graph: str
    slug: str
    open: bool
    agency: str | None


def fixed_graphs(iris: Iris) -> list[str]:
    """Graphs always public: vocabulary, regions, periods, decisions, catalogue, provenance."""
    return [
        iris.ontology_graph,
        iris.regions_graph,
        iris.periods_graph,
        iris.decisions_graph,
        iris.catalog_graph,
        iris.provenance_graph,
    ]


_PUBLISHED = """SELECT ?d ?g ?level ?agency WHERE {
  GRAPH <CATALOG> { ?d <OC_publishedGraph> ?g }
  OPTIONAL { GRAPH ?g { ?d <OC_accessLevel> ?level } }
  OPTIONAL { GRAPH ?g { ?d <http://purl.org/dc/terms/publisher> ?agency } }
}""".replace("OC_", OC)


def published(store: Store, iris: Iris) -> list[PublishedDataset]:
    """Every published dataset with its version graph, access level and agency.

    One query (it runs on every request): each dataset's level and agency are read from
    its own published version, where its metadata lives.
    """
    found = store.query(
        _PUBLISHED.replace("CATALOG", iris.catalog_graph), default_graph=[], named_graphs=None
    )
    assert isinstance(found, ox.QuerySolutions)
    graphs: dict[str, str] = {}
    levels: dict[str, set[str]] = {}
    agencies: dict[str, str] = {}
    for s in found:
        d = s["d"].value
        graphs[d] = s["g"].value
        if s["level"] is not None:
            levels.setdefault(d, set()).add(s["level"].value)
        if s["agency"] is not None:
            agencies[d] = s["agency"].value
    prefix = iris.dataset("")
    return [
        PublishedDataset(
            iri=d,
            graph=g,
            slug=d.removeprefix(prefix),
            # Missing or contradictory levels make a dataset restricted.
            open=levels.get(d) == {f"{OC}accessOpen"},
            agency=agencies.get(d),
        )
        for d, g in sorted(graphs.items())
    ]


def published_datasets(store: Store, iris: Iris, audience: Audience = PUBLIC) -> dict[str, str]:
    """Dataset IRI -> its published version graph, for the datasets ``audience`` may read."""
    return {d.iri: d.graph for d in published(store, iris) if audience.may_read(d)}


def version_is_open(store: Store, dataset_iri: str, graph: str) -> bool:
    """Whether the version in ``graph`` says, and only says, that the dataset is open
    (the rule of ``published``: a missing or contradictory level is restricted)."""
    found = store.query(
        f"SELECT ?level WHERE {{ <{dataset_iri}> <{OC}accessLevel> ?level }}", default_graph=[graph]
    )
    assert isinstance(found, ox.QuerySolutions)
    return {s["level"].value for s in found} == {f"{OC}accessOpen"}


def provenance_graph_of(iris: Iris, dataset_iri: str, open: bool) -> str:
    """Where the provenance of a load, publication or rejection of the dataset goes: the
    public provenance graph for an open version, the dataset's own graph for a restricted one."""
    return iris.provenance_graph if open else iris.restricted_provenance_graph(_slug(iris, dataset_iri))


def _slug(iris: Iris, dataset_iri: str) -> str:
    return dataset_iri.removeprefix(iris.dataset(""))


def restricted_provenance_graphs(store: Store, iris: Iris) -> list[str]:
    """Every restricted dataset's own provenance graph in the store (published, held or refused)."""
    prefix = iris.restricted_graphs_prefix
    return sorted(g for g in store.named_graphs() if g.startswith(prefix) and g.endswith("/provenans"))


def _own_provenance(
    store: Store, iris: Iris, datasets: list[PublishedDataset], audience: Audience
) -> list[str]:
    """The restricted provenance graphs ``audience`` may read: those of the published
    restricted datasets it reads; every one in the store for the Walidata, admins and the pipeline."""
    own = {iris.restricted_provenance_graph(d.slug) for d in datasets if not d.open and audience.may_read(d)}
    if audience.all_restricted:
        own |= set(restricted_provenance_graphs(store, iris))
    elif audience.restricted_agencies:
        own |= _agencies_unpublished(store, iris, audience.restricted_agencies)
    return sorted(own)


_LOADING_AGENCIES = """SELECT DISTINCT ?g ?agency WHERE {
  GRAPH ?g { ?act <http://www.w3.org/ns/prov#wasAssociatedWith> ?agency }
  FILTER(STRSTARTS(STR(?agency), "AGENCIES"))
}"""


def _agencies_unpublished(store: Store, iris: Iris, agencies: frozenset[str]) -> set[str]:
    """The provenance graphs of restricted datasets only ``agencies`` have loaded: a Produsen
    traces its own held or refused load before its dataset is ever published (the catalogue
    does not name an unpublished dataset's agency; its loads do). A graph where another agency
    loaded too (two mappings naming one dataset) stays closed: a mistake hides, never leaks."""
    graphs = restricted_provenance_graphs(store, iris)
    if not graphs:
        return set()
    found = store.query(
        _LOADING_AGENCIES.replace("AGENCIES", iris.agency("")), default_graph=[], named_graphs=graphs
    )
    assert isinstance(found, ox.QuerySolutions)
    loaders: dict[str, set[str]] = {}
    for s in found:
        loaders.setdefault(s["g"].value, set()).add(s["agency"].value)
    return {g for g, who in loaders.items() if who <= agencies}


def provenance_graphs(
    store: Store, iris: Iris, audience: Audience = PUBLIC, datasets: list[PublishedDataset] | None = None
) -> list[str]:
    """The provenance graphs ``audience`` may read: the public one first (``datasets``:
    ``published(store, iris)`` when already read)."""
    found = published(store, iris) if datasets is None else datasets
    return [iris.provenance_graph, *_own_provenance(store, iris, found, audience)]


def draft_datasets(store: Store, iris: Iris) -> dict[str, str]:
    """Dataset IRI -> its held draft graph (open and restricted drafts: for the pipeline and
    the Walidata, not the public)."""
    result = store.query(
        f"SELECT ?d ?g WHERE {{ ?d <{OC}draftGraph> ?g }}",
        default_graph=[iris.catalog_graph, *restricted_provenance_graphs(store, iris)],
    )
    assert isinstance(result, ox.QuerySolutions)
    return {s["d"].value: s["g"].value for s in result}


def published_graphs(store: Store, iris: Iris, audience: Audience = PUBLIC) -> list[str]:
    """Every graph a query of ``audience`` may read (by default: the public's)."""
    return graphs_of(store, iris, published(store, iris), audience)


def graphs_of(store: Store, iris: Iris, datasets: list[PublishedDataset], audience: Audience) -> list[str]:
    """``published_graphs`` from ``published(store, iris)`` already read."""
    readable = [d for d in datasets if audience.may_read(d)]
    own = _own_provenance(store, iris, datasets, audience)
    return fixed_graphs(iris) + own + sorted(d.graph for d in readable)


def candidate_graphs(store: Store, iris: Iris, drafts: dict[str, str]) -> list[str]:
    """Every published graph as it would be if ``drafts`` (dataset IRI -> graph) were
    published: what validation judges (restricted datasets and their provenance included)."""
    versions = {**published_datasets(store, iris, EVERYONE_INTERNAL), **drafts}
    return fixed_graphs(iris) + restricted_provenance_graphs(store, iris) + sorted(versions.values())


def hold(store: Store, iris: Iris, dataset_iri: str, graph: str, provenance_nt: str) -> str | None:
    """Keep ``graph`` as the dataset's draft (replacing an older draft) and record why, atomically
    (in the dataset's own provenance graph when the draft is restricted).

    Returns the older draft graph (now unreferenced), or None.
    """
    previous = draft_datasets(store, iris).get(dataset_iri)
    # The pointer and the record go where the draft's level says (``provenance_graph_of``).
    home = provenance_graph_of(iris, dataset_iri, version_is_open(store, dataset_iri, graph))
    pointer = iris.catalog_graph if home == iris.provenance_graph else home
    store.update(
        f"""{_drop_drafts(iris, dataset_iri)} ;
INSERT DATA {{ GRAPH <{pointer}> {{ <{dataset_iri}> <{OC}draftGraph> <{graph}> }} }} ;
INSERT DATA {{ GRAPH <{home}> {{
{provenance_nt}
}} }}"""
    )
    return previous if previous != graph else None


def _drop_drafts(iris: Iris, dataset_iri: str) -> str:
    """The update removing the dataset's draft pointer, wherever it is (the catalogue graph
    or, for a restricted draft, the dataset's own graph)."""
    own = iris.restricted_provenance_graph(_slug(iris, dataset_iri))
    return " ;\n".join(
        f"DELETE WHERE {{ GRAPH <{g}> {{ <{dataset_iri}> <{OC}draftGraph> ?draft }} }}"
        for g in (iris.catalog_graph, own)
    )


# What the public may know of a restricted dataset, copied from its version graph into the
# catalogue graph (its public card): besides these, ``a dcat:Dataset``, ``dct:modified`` (when
# its version in force was published) and the measures of its structure (the indicators it
# covers). Never its figures, periods, regions, keywords, files or counts.
CARD_PROPERTIES = (
    DCTERMS + "identifier",
    DCTERMS + "title",
    PREFIXES["rdfs"] + "label",
    DCTERMS + "description",
    DCTERMS + "publisher",
    DCTERMS + "accessRights",
    OC + "accessLevel",
    DCTERMS + "accrualPeriodicity",
    QB + "structure",
    # The cubes of its measures (graph.cube.measure_groups): the indicators it covers.
    OC + "cubeOf",
)


def _card_update(
    iris: Iris, dataset_iri: str, graph: str, restricted: bool, published_at: dt.datetime
) -> str:
    """The update replacing the dataset's public card in the catalogue graph: removed, and
    written again from ``graph`` when the version is restricted."""
    catalog, ds = iris.catalog_graph, f"<{dataset_iri}>"
    keep = f"<{OC}publishedGraph>, <{OC}draftGraph>"
    remove = f"""DELETE WHERE {{ GRAPH <{catalog}> {{
  {ds} <{QB}structure> ?dsd . ?dsd <{QB}component> ?c . ?c ?cp ?co }} }} ;
DELETE WHERE {{ GRAPH <{catalog}> {{ {ds} <{QB}structure> ?dsd . ?dsd ?p ?o }} }} ;
DELETE {{ GRAPH <{catalog}> {{ {ds} ?p ?o }} }}
WHERE {{ GRAPH <{catalog}> {{ {ds} ?p ?o FILTER(?p NOT IN ({keep})) }} }}"""
    if not restricted:
        return remove
    properties = ", ".join(f"<{p}>" for p in CARD_PROPERTIES)
    when = literal(published_at.isoformat(), PREFIXES["xsd"] + "dateTime")
    return f"""{remove} ;
INSERT {{ GRAPH <{catalog}> {{ {ds} ?p ?o }} }}
WHERE {{ GRAPH <{graph}> {{ {ds} ?p ?o FILTER(?p IN ({properties})) }} }} ;
INSERT {{ GRAPH <{catalog}> {{ ?dsd <{RDF_TYPE}> <{QB}DataStructureDefinition> ; <{QB}component> ?c .
  ?c <{RDF_TYPE}> <{QB}ComponentSpecification> ; <{QB}measure> ?m .
  ?cube <{OC}cubeOf> {ds} ; <{QB}structure> ?dsd }} }}
WHERE {{ GRAPH <{graph}> {{ ?cube <{OC}cubeOf> {ds} ; <{QB}structure> ?dsd .
  ?dsd <{QB}component> ?c . ?c <{QB}measure> ?m }} }} ;
INSERT DATA {{ GRAPH <{catalog}> {{ {ds} <{RDF_TYPE}> <{DCAT}Dataset> ; <{DCTERMS}modified> {when} }} }}"""


def publish(
    store: Store,
    iris: Iris,
    dataset_iri: str,
    graph: str,
    provenance_nt: str,
    *,
    published_at: dt.datetime | None = None,
) -> list[str]:
    """Point ``dataset_iri`` at ``graph``, append provenance and replace the dataset's public
    card, atomically. A restricted version's provenance goes to the dataset's own graph and
    its card (``CARD_PROPERTIES``, dated ``published_at``) to the catalogue graph; an open
    version has no card (its whole version graph is public).

    A held draft of the dataset is dropped from the catalogue in the same update
    (it is either ``graph`` itself or superseded by it).

    Returns the graphs no longer referenced (previous version, older draft).
    """
    previous = published_datasets(store, iris, EVERYONE_INTERNAL).get(dataset_iri)
    draft = draft_datasets(store, iris).get(dataset_iri)
    catalog = iris.catalog_graph
    open_version = version_is_open(store, dataset_iri, graph)
    record = provenance_graph_of(iris, dataset_iri, open_version)
    when = published_at or dt.datetime.now(dt.UTC)
    pointer = f"GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> ?old }}"
    # The operations in the order a server without multi-operation transactions (Virtuoso)
    # may safely stop between: the record and the card, then the pointer in one operation
    # (readers switch there), then the draft pointer. The pointer's WHERE says "the old
    # pointer, or one solution when there is none" without OPTIONAL over nothing, which
    # gives Virtuoso 7.2 no solution at all (and the first publication no pointer).
    store.update(
        f"""INSERT DATA {{ GRAPH <{record}> {{
{provenance_nt}
}} }} ;
{_card_update(iris, dataset_iri, graph, not open_version, when)} ;
DELETE {{ {pointer} }}
INSERT {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> <{graph}> }} }}
WHERE {{ {{ {pointer} }} UNION {{ BIND(true AS ?first) FILTER NOT EXISTS {{ {pointer} }} }} }} ;
{_drop_drafts(iris, dataset_iri)}"""
    )
    return [g for g in (previous, draft) if g and g != graph]


def collect_garbage(store: Store, iris: Iris) -> list[str]:
    """Remove dataset version graphs neither published nor held as drafts (superseded, half-written)."""
    keep = set(published_datasets(store, iris, EVERYONE_INTERNAL).values())
    keep |= set(draft_datasets(store, iris).values())
    removed = [g for g in store.named_graphs() if g.startswith(iris.dataset_graphs_prefix) and g not in keep]
    for g in removed:
        store.remove_graph(g)
    return removed
