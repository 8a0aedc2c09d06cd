"""Describe one minted resource for its linked-data page: triples, links, labels, provenance.

``describe(store, iris, iri)`` reads the *published* graphs only (the same ones a
public SPARQL query sees). A resource is described when it is the subject of at
least one published triple; otherwise ``describe`` returns None. That rule, not
"mentioned anywhere", keeps a held draft's observations unseen: their triples live
in the draft's version graph, and the validation report that names them (public,
in the provenance graph) only points *at* them.

A description holds, each bounded:

- the resource's own triples (at most ``max_triples``);
- incoming links grouped by property, each group with its full count and
  ``incoming_per_property`` of its subjects (the first in the store's order, listed
  in IRI order);
- the labels (``skos:prefLabel``, ``rdfs:label``, ``dcterms:title``) of every IRI
  shown, Indonesian first;
- for a region, its hierarchy (ancestors up to the top, children);
- for an observation, its provenance chain: source cell (file name, SHA-256,
  sheet, row, column, raw value) -> load (when, who, mapping) -> validation
  findings about this observation and the acceptances that let them through ->
  publication of a held draft, if any;
- for a validation report, its findings.

Everything returned is plain picklable data, so ``describe`` can run in a query
worker process that is killed at the time limit (``graph.store.pool``).

All SPARQL of the linked-data pages is in this module. The requested IRI is bound
with ``substitutions``, never written into query text; ``VALUES`` lists carry only
IRIs the store itself returned, written with pyoxigraph's own N-Triples syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from graph.rdf.iris import Iris, path_iris
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, QB, RDF_TYPE, SKOS, sparql_prefixes
from graph.store.embedded import Store
from graph.store.versions import published_datasets, published_graphs

__all__ = [
    "Acceptance",
    "Activity",
    "Description",
    "Finding",
    "Hierarchy",
    "INCOMING_PER_PROPERTY",
    "Incoming",
    "KINDS",
    "LABEL_PROPERTIES",
    "MAX_CHILDREN",
    "MAX_FINDINGS",
    "MAX_TRIPLES",
    "Provenance",
    "SourceCell",
    "describe",
    "kind_of",
    "rdf_prefixes",
    "resolve",
    "serialize",
]

RDFS = PREFIXES["rdfs"]
SH = PREFIXES["sh"]
SDMX_DIMENSION = PREFIXES["sdmx-dimension"]

# Bounds of one description (a region has thousands of observations pointing at it).
MAX_TRIPLES = 2_000
INCOMING_PER_PROPERTY = 50
MAX_CHILDREN = 1_000
MAX_FINDINGS = 500
# A VALUES list longer than this is sent in several queries.
_BATCH = 500

LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")

# rdf:type -> (kind, Indonesian name, English name); the first type found decides.
KINDS: dict[str, tuple[str, str, str]] = {
    QB + "Observation": ("observation", "Observasi", "Observation"),
    OC + "Village": ("region", "Desa", "Village"),
    OC + "UrbanVillage": ("region", "Kelurahan", "Urban village"),
    OC + "District": ("region", "Kecamatan", "District"),
    OC + "Regency": ("region", "Kabupaten", "Regency"),
    OC + "City": ("region", "Kota", "City"),
    OC + "Province": ("region", "Provinsi", "Province"),
    QB + "DataSet": ("dataset", "Dataset", "Dataset"),
    QB + "DataStructureDefinition": ("structure", "Struktur dataset", "Dataset structure"),
    OC + "Indicator": ("indicator", "Indikator", "Indicator"),
    PREFIXES["org"] + "Organization": ("agency", "Organisasi", "Organisation"),
    OC + "Period": ("period", "Periode", "Period"),
    OC + "Unit": ("unit", "Satuan", "Unit"),
    OC + "SourceRow": ("source-row", "Baris sumber", "Source row"),
    OC + "SourceFile": ("source-file", "Berkas sumber", "Source file"),
    OC + "MappingFile": ("mapping", "Berkas pemetaan", "Mapping file"),
    OC + "Load": ("load", "Pemuatan", "Load"),
    OC + "Publication": ("publication", "Penerbitan", "Publication"),
    SH + "ValidationReport": ("validation-report", "Laporan validasi", "Validation report"),
    SH + "ValidationResult": ("validation-result", "Temuan validasi", "Validation finding"),
    OC + "ViolationAcceptance": ("acceptance", "Penerimaan pelanggaran", "Violation acceptance"),
    OC + "LinkDecision": ("link-decision", "Keputusan penautan", "Linking decision"),
    PROV + "Person": ("person", "Orang", "Person"),
    PROV + "SoftwareAgent": ("software", "Perangkat lunak", "Software"),
    SKOS + "ConceptScheme": ("scheme", "Skema kode", "Code scheme"),
    SKOS + "Concept": ("concept", "Konsep", "Concept"),
}
_OTHER = ("resource", "Sumber daya", "Resource")

_PREFIXES = sparql_prefixes("rdf", "rdfs", "skos", "dcterms", "prov", "qb", "sh", "oc")


def kind_of(types: Iterable[str]) -> tuple[str, str, str]:
    """(kind, Indonesian name, English name) of a resource with these ``rdf:type``s."""
    present = set(types)
    return next((v for k, v in KINDS.items() if k in present), _OTHER)


# --- IRIs <-> local paths -----------------------------------------------------------------


def rdf_prefixes(iris: Iris) -> dict[str, str]:
    """Prefixes for RDF output: the shared vocabularies and the instance's main IRI families."""
    return {
        **PREFIXES,
        "oc-shape": "https://w3id.org/onecenter/shapes#",
        "wilayah": iris.region_prefix,
        "periode": iris.period_prefix,
        "indikator": iris.base + "id/indikator/",
        "organisasi": iris.base + "id/organisasi/",
        "satuan": iris.base + "id/satuan/",
    }


def serialize(description: Description, iris: Iris, media_type: str) -> bytes:
    """The description's triples in an RDF format named by its media type.

    Raises:
        ValueError: pyoxigraph has no writer for ``media_type``.
    """
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no RDF format for {media_type}")
    return ox.serialize(description.graph(), format=fmt, prefixes=rdf_prefixes(iris)) or b""


# --- the description ---------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """Resources that point at the described one through ``predicate``."""

    predicate: str
    count: int
    subjects: tuple[str, ...]  # the first ones in IRI order, at most the bound

    @property
    def truncated(self) -> bool:
        return self.count > len(self.subjects)


@dataclass(frozen=True)
class Hierarchy:
    """A region's place in the region hierarchy."""

    ancestors: tuple[str, ...]  # parent first, up to the top
    children: tuple[str, ...]  # in code order
    children_count: int


@dataclass(frozen=True)
class SourceCell:
    """The cell of an agency table an observation's value was read from."""

    row: str
    file: str | None
    file_name: str | None
    sha256: str | None
    media_type: str | None
    byte_size: int | None
    sheet: str | None
    row_number: int | None
    column: str | None
    raw_value: str | None
    region_link_method: str | None
    region_link_score: str | None
    region_link_decision: str | None


@dataclass(frozen=True)
class Activity:
    """A load, or the publication of a held draft."""

    iri: str
    kind: str  # "load" | "publication"
    started: str | None
    ended: str | None
    outcome: str | None
    agents: tuple[str, ...]
    mapping: str | None
    mapping_name: str | None
    mapping_sha256: str | None
    report: str | None
    conforms: bool | None
    acceptances: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result."""

    iri: str
    focus: str | None
    severity: str | None
    shape: str | None
    path: str | None
    value: str | None
    messages: tuple[ox.Literal, ...]  # Indonesian first
    report: str | None = None
    activity: str | None = None
    accepted_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Acceptance:
    """A decision to publish despite named violations."""

    iri: str
    comment: str | None
    decided_by: str | None
    date: str | None


@dataclass(frozen=True)
class Provenance:
    """From a published observation back to the cell it was read from, and forward to its publication."""

    observation: str
    dataset: str | None
    graph: str | None  # the published version graph holding the observation
    source: SourceCell | None
    load: Activity | None
    publications: tuple[Activity, ...]
    findings: tuple[Finding, ...]
    acceptances: tuple[Acceptance, ...]


@dataclass
class Description:
    """What the published graphs say about one resource, bounded (see the module docstring)."""

    iri: str
    triples: list[ox.Triple]
    incoming: list[Incoming]
    labels: dict[str, list[ox.Literal]]
    truncated: bool
    context: list[ox.Triple] = field(default_factory=list)  # related resources' triples and labels
    hierarchy: Hierarchy | None = None
    provenance: Provenance | None = None
    findings: list[Finding] = field(default_factory=list)  # a validation report's results

    @property
    def types(self) -> list[str]:
        return [_object(t) for t in self.triples if t.predicate.value == RDF_TYPE]

    @property
    def kind(self) -> tuple[str, str, str]:
        """(kind, Indonesian name, English name), e.g. ("region", "Desa", "Village")."""
        return kind_of(self.types)

    def values(self, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """Objects of the resource's own triples with ``predicate``."""
        return [t.object for t in self.triples if t.predicate.value == predicate]  # type: ignore[misc]

    def label(self, iri: str, language: str = "id") -> str | None:
        """The best label of ``iri`` in ``language`` (or without a language); None when there is none."""
        for literal in self.labels.get(iri, ()):
            if literal.language in (language, None):
                return literal.value
        return None

    def title(self, language: str = "id") -> str:
        """A heading for the resource: its label, else one made from what it is."""
        own = self.label(self.iri, language) or self.label(self.iri)
        if own:
            return own
        kind = self.kind[0]
        if kind == "observation":
            parts = [
                self.label(str(v.value), language)
                or self.label(str(v.value))  # a place's name is the same in English
                or unquote(str(v.value).rsplit("/", 1)[-1])
                for p in (QB + "measureType", SDMX_DIMENSION + "refArea", SDMX_DIMENSION + "refPeriod")
                for v in self.values(p)[:1]
            ]
            codes = [
                self.label(str(_object(t)), language) or str(_object(t))
                for t in self.triples
                if isinstance(t.object, ox.NamedNode) and "/id/kode/" in _object(t)
            ]
            if parts:
                return " · ".join(parts + codes)
        if kind == "source-file":
            name = next(iter(self.values(OC + "fileName")), None)
            if name is not None:
                return str(name.value)
        if kind == "source-row":
            number = next(iter(self.values(OC + "rowNumber")), None)
            if number is not None:
                return ("Baris " if language == "id" else "Row ") + str(number.value)
        return unquote(self.iri.rstrip("/").rsplit("/", 1)[-1])

    def graph(self) -> list[ox.Triple]:
        """Every triple shown: own, incoming, related (labels included), each once (for RDF output)."""
        node = ox.NamedNode(self.iri)
        incoming = [
            ox.Triple(ox.NamedNode(s), ox.NamedNode(group.predicate), node)
            for group in self.incoming
            for s in group.subjects
        ]
        seen: set[ox.Triple] = set()
        out: list[ox.Triple] = []
        for triple in [*self.triples, *incoming, *self.context]:
            if triple not in seen:
                seen.add(triple)
                out.append(triple)
        return out


# --- reading the store ---------------------------------------------------------------------


class _Reader:
    """Queries over one fixed set of published graphs."""

    def __init__(self, store: Store, graphs: list[str]) -> None:
        self.store = store
        self.graphs = graphs

    def select(
        self, sparql: str, substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None
    ) -> list[ox.QuerySolution]:
        result = self.store.query(
            _PREFIXES + sparql,
            default_graph=self.graphs,
            named_graphs=self.graphs,
            substitutions=substitutions,
        )
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    def outgoing(self, iri: str, limit: int) -> list[ox.Triple]:
        """Triples with ``iri`` as subject, in (property, value) order, at most ``limit``."""
        rows = self.select(
            f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?p ?o LIMIT {int(limit)}",
            {"s": ox.NamedNode(iri)},
        )
        return [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]

    def incoming_counts(self, iri: str) -> list[tuple[str, int]]:
        rows = self.select(
            "SELECT ?o ?p (COUNT(?s) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o ?p ORDER BY ?p",
            {"o": ox.NamedNode(iri)},
        )
        return [(r["p"].value, int(r["n"].value)) for r in rows]

    def incoming(self, iri: str, predicate: str, limit: int) -> list[str]:
        """The first ``limit`` subjects in the store's index order (stable for a store), sorted.

        Not ``ORDER BY``: sorting every subject first cost ~0.5 s for the ~3,000
        observations pointing at one unit (measured on the demo, on disk); this is ~2 ms.
        """
        rows = self.select(
            f"SELECT ?o ?p ?s WHERE {{ ?s ?p ?o }} LIMIT {int(limit)}",
            {"o": ox.NamedNode(iri), "p": ox.NamedNode(predicate)},
        )
        return sorted(r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode))

    def triples_of(
        self, subjects: Iterable[str], limit_each: int = MAX_TRIPLES
    ) -> dict[str, list[ox.Triple]]:
        """The triples of several store-returned IRIs, by subject."""
        out: dict[str, list[ox.Triple]] = {}
        for chunk in _chunks(sorted(set(subjects))):
            rows = self.select(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(chunk)} }} ?s ?p ?o }} ORDER BY ?s ?p ?o"
            )
            for r in rows:
                kept = out.setdefault(r["s"].value, [])
                if len(kept) < limit_each:
                    kept.append(ox.Triple(r["s"], r["p"], r["o"]))
        return out

    def pointing(self, objects: Iterable[str], predicate: str) -> dict[str, list[str]]:
        """For each store-returned IRI, the subjects linking to it through ``predicate`` (a constant)."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(objects))):
            rows = self.select(
                f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {_values(chunk)} }} ?s <{predicate}> ?o }} ORDER BY ?s"
            )
            for r in rows:
                out.setdefault(r["o"].value, []).append(r["s"].value)
        return out

    def labels(self, iri: str, others: Iterable[str]) -> list[tuple[str, str, ox.Literal]]:
        """(IRI, label property, label) for ``iri`` (bound) and store-returned ``others``."""
        props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
        rows = self.select(
            f"SELECT ?x ?p ?l WHERE {{ VALUES ?p {{ {props} }} ?x ?p ?l FILTER(isLiteral(?l)) }}",
            {"x": ox.NamedNode(iri)},
        )
        for chunk in _chunks(sorted(set(others) - {iri})):
            rows += self.select(
                f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {_values(chunk)} }} VALUES ?p {{ {props} }} "
                "?x ?p ?l FILTER(isLiteral(?l)) }"
            )
        return [(r["x"].value, r["p"].value, r["l"]) for r in rows]


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def _values(iris: Iterable[str]) -> str:
    # str(NamedNode) is N-Triples syntax, escaped by pyoxigraph: safe inside query text.
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _language_rank(literal: ox.Literal) -> int:
    return {"id": 0, None: 1, "en": 2}.get(literal.language, 3)


# --- describe ------------------------------------------------------------------------------


def resolve(store: Store, iris: Iris, paths: Sequence[str]) -> tuple[int, Description] | None:
    """The first of several request paths that names a described resource, and its description.

    Each path is tried with every IRI ``path_iris`` gives for it; the result is the
    path's index and the description, or None when none is described.
    """
    for index, path in enumerate(paths):
        for iri in path_iris(iris, path):
            found = describe(store, iris, iri)
            if found is not None:
                return index, found
    return None


def describe(
    store: Store,
    iris: Iris,
    iri: str,
    *,
    max_triples: int = MAX_TRIPLES,
    incoming_per_property: int = INCOMING_PER_PROPERTY,
) -> Description | None:
    """What the published graphs say about ``iri``; None when no published triple has it as subject.

    >>> from graph.store.embedded import open_store
    >>> describe(open_store(None), Iris("https://example.org/"), "https://example.org/id/x") is None
    True
    """
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    reader = _Reader(store, published_graphs(store, iris))
    own = reader.outgoing(iri, max_triples + 1)
    if not own:
        return None
    truncated = len(own) > max_triples
    own = own[:max_triples]
    incoming = [
        Incoming(p, n, tuple(reader.incoming(iri, p, incoming_per_property)))
        for p, n in reader.incoming_counts(iri)
    ]
    description = Description(iri, own, incoming, {}, truncated or any(g.truncated for g in incoming))
    kind = description.kind[0]
    if kind == "region":
        _add_hierarchy(reader, description)
    elif kind == "observation":
        _add_provenance(reader, iris, description)
    elif kind == "validation-report":
        results = [str(o.value) for o in description.values(SH + "result")][:MAX_FINDINGS]
        triples = reader.triples_of(results)
        description.findings = sorted(
            (_finding(r, triples.get(r, [])) for r in results), key=lambda f: _finding_order(f)
        )
        description.context += [t for r in results for t in triples.get(r, [])]
    _add_labels(reader, description)
    return description


def _finding_order(finding: Finding) -> tuple[int, str]:
    severity = {SH + "Violation": 0, SH + "Warning": 1, SH + "Info": 2}
    return severity.get(finding.severity or "", 3), finding.iri


def _add_labels(reader: _Reader, description: Description) -> None:
    shown: set[str] = set()
    for triple in description.graph():
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                shown.add(term.value)
    if description.hierarchy is not None:
        shown.update(description.hierarchy.ancestors)
    found = sorted(
        reader.labels(description.iri, shown),
        key=lambda x: (x[0], _language_rank(x[2]), LABEL_PROPERTIES.index(x[1]), x[2].value),
    )
    labels: dict[str, list[ox.Literal]] = {}
    properties: dict[tuple[str, ox.Literal], str] = {}
    for iri, prop, literal in found:
        if (iri, literal) not in properties:
            labels.setdefault(iri, []).append(literal)
        properties.setdefault((iri, literal), prop)
    description.labels = labels
    description.context += [
        ox.Triple(ox.NamedNode(iri), ox.NamedNode(prop), literal)
        for (iri, literal), prop in properties.items()
    ]


def _add_hierarchy(reader: _Reader, description: Description) -> None:
    ancestors: list[str] = []
    current = [t for t in description.triples if t.predicate.value == SKOS + "broader"]
    while current and len(ancestors) < 10:
        parent = _object(current[0])
        if parent in ancestors or parent == description.iri:
            break
        ancestors.append(parent)
        triples = reader.triples_of([parent]).get(parent, [])
        description.context += [t for t in triples if t.predicate.value in (SKOS + "broader", RDF_TYPE)]
        current = [t for t in triples if t.predicate.value == SKOS + "broader"]
    children = reader.incoming(description.iri, SKOS + "broader", MAX_CHILDREN)
    count = next((g.count for g in description.incoming if g.predicate == SKOS + "broader"), 0)
    description.context += [
        ox.Triple(ox.NamedNode(c), ox.NamedNode(SKOS + "broader"), ox.NamedNode(description.iri))
        for c in children
    ]
    description.hierarchy = Hierarchy(tuple(ancestors), tuple(sorted(children, key=_code_key)), count)


def _code_key(iri: str) -> tuple[tuple[int, int, str], ...]:
    """Order region IRIs by their dotted code, numerically."""
    code = iri.rsplit("/", 1)[-1]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def _object(triple: ox.Triple) -> str:
    """The object's IRI, blank node id or lexical form."""
    term = triple.object
    return str(term) if isinstance(term, ox.Triple) else term.value


def _first(triples: Iterable[ox.Triple], predicate: str) -> str | None:
    return next((_object(t) for t in triples if t.predicate.value == predicate), None)


def _all(triples: Iterable[ox.Triple], predicate: str) -> list[str]:
    return [_object(t) for t in triples if t.predicate.value == predicate]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _add_provenance(reader: _Reader, iris: Iris, description: Description) -> None:
    obs = description.iri
    own = description.triples
    dataset = _first(own, QB + "dataSet")
    graph = published_datasets(reader.store, iris).get(dataset) if dataset else None
    row = _first(own, OC + "sourceRow")

    # Source row -> file; version graph -> its load -> mapping, report; publications of the graph.
    step1 = reader.triples_of([x for x in (row, graph) if x])
    row_triples = step1.get(row, []) if row else []
    graph_triples = step1.get(graph, []) if graph else []
    file = _first(row_triples, OC + "sourceFile")
    load = _first(graph_triples, PROV + "wasGeneratedBy")
    publications = reader.pointing([graph], PROV + "used").get(graph, []) if graph else []
    step2 = reader.triples_of([x for x in (file, load, *publications) if x])
    file_triples = step2.get(file, []) if file else []
    activities = {a: step2.get(a, []) for a in (load, *publications) if a}
    reports = [r for a in activities.values() if (r := _first(a, OC + "validationReport"))]
    used = [u for a in activities.values() for u in _all(a, PROV + "used") if u != file and u != graph]
    step3 = reader.triples_of([*reports, *used])
    mappings = {u: step3[u] for u in used if OC + "MappingFile" in _all(step3.get(u, []), RDF_TYPE)}

    source = None
    if row is not None:
        source = SourceCell(
            row=row,
            file=file,
            file_name=_first(file_triples, OC + "fileName"),
            sha256=_first(file_triples, OC + "sha256"),
            media_type=_first(file_triples, DCTERMS + "format"),
            byte_size=_int(_first(file_triples, OC + "byteSize")),
            sheet=_first(row_triples, OC + "sheet"),
            row_number=_int(_first(row_triples, OC + "rowNumber")),
            column=_first(own, OC + "sourceColumn"),
            raw_value=_first(own, OC + "rawValue"),
            region_link_method=_first(row_triples, OC + "regionLinkMethod"),
            region_link_score=_first(row_triples, OC + "regionLinkScore"),
            region_link_decision=_first(row_triples, OC + "regionLinkDecision"),
        )

    def activity(iri: str, kind: str) -> Activity:
        triples = activities[iri]
        mapping = next((u for u in _all(triples, PROV + "used") if u in mappings), None)
        report = _first(triples, OC + "validationReport")
        conforms = _first(step3.get(report, []), SH + "conforms") if report else None
        return Activity(
            iri=iri,
            kind=kind,
            started=_first(triples, PROV + "startedAtTime"),
            ended=_first(triples, PROV + "endedAtTime"),
            outcome=_first(triples, OC + "outcome"),
            agents=tuple(_all(triples, PROV + "wasAssociatedWith")),
            mapping=mapping,
            mapping_name=_first(mappings.get(mapping, []), OC + "fileName") if mapping else None,
            mapping_sha256=_first(mappings.get(mapping, []), OC + "sha256") if mapping else None,
            report=report,
            conforms=None if conforms is None else conforms == "true",
            acceptances=tuple(_all(triples, OC + "acceptedViolations")),
        )

    load_step = activity(load, "load") if load else None
    publication_steps = tuple(activity(p, "publication") for p in publications)
    findings, finding_context = _findings_about(reader, obs, dataset, graph, load_step)
    accepted = sorted({a for f in findings for a in f.accepted_by})
    acceptance_triples = reader.triples_of(accepted)
    acceptances = tuple(
        Acceptance(
            iri=a,
            comment=_first(acceptance_triples.get(a, []), RDFS + "comment"),
            decided_by=_first(acceptance_triples.get(a, []), PROV + "wasAttributedTo"),
            date=_first(acceptance_triples.get(a, []), DCTERMS + "date"),
        )
        for a in accepted
    )
    description.provenance = Provenance(
        obs, dataset, graph, source, load_step, publication_steps, tuple(findings), acceptances
    )
    # For RDF output: the chain's own triples (a report's other results are left out).
    for triples in (row_triples, graph_triples, file_triples, *activities.values(), *mappings.values()):
        description.context += triples
    relevant = {f.iri for f in findings}
    for report in reports:
        description.context += [
            t for t in step3.get(report, []) if t.predicate.value != SH + "result" or _object(t) in relevant
        ]
    description.context += finding_context
    for a in accepted:
        description.context += acceptance_triples.get(a, [])


def _findings_about(
    reader: _Reader, obs: str, dataset: str | None, graph: str | None, load: Activity | None
) -> tuple[list[Finding], list[ox.Triple]]:
    """Validation results about the published version of ``obs``.

    The observation's IRI is the same in every version of its dataset, so results
    are kept only when their report belongs to the load or publication of the
    published version, or to a later load of *another* dataset (a cross-agency check
    run against what was then published). A held draft's findings stay out.
    """
    results = reader.pointing([obs], SH + "focusNode").get(obs, [])[:MAX_FINDINGS]
    if not results:
        return [], []
    reports = reader.pointing(results, SH + "result")
    report_iris = sorted({r for found in reports.values() for r in found})
    actors = reader.pointing(report_iris, OC + "validationReport")
    activities = reader.triples_of({a for found in actors.values() for a in found})
    accepted = reader.pointing(results, OC + "acceptedResult")
    triples = reader.triples_of(results)
    kept: list[Finding] = []
    context: list[ox.Triple] = []
    for result in results:
        report = next(iter(reports.get(result, [])), None)
        actor = next(iter(actors.get(report, [])), None) if report else None
        act = activities.get(actor, []) if actor else []
        same_version = graph is not None and (
            graph in _all(act, PROV + "generated") or graph in _all(act, PROV + "used")
        )
        other_dataset_later = (
            _first(act, OC + "loadedDataset") not in (None, dataset)
            and load is not None
            and load.started is not None
            and (_first(act, PROV + "startedAtTime") or "") >= load.started
        )
        if not (same_version or other_dataset_later):
            continue
        found = triples.get(result, [])
        kept.append(
            _finding(
                result, found, report=report, activity=actor, accepted_by=tuple(accepted.get(result, []))
            )
        )
        context += found
        if report:
            context.append(ox.Triple(ox.NamedNode(report), ox.NamedNode(SH + "result"), ox.NamedNode(result)))
    return sorted(kept, key=_finding_order), context


def _finding(
    iri: str,
    triples: list[ox.Triple],
    *,
    report: str | None = None,
    activity: str | None = None,
    accepted_by: tuple[str, ...] = (),
) -> Finding:
    messages = sorted(
        (
            t.object
            for t in triples
            if t.predicate.value == SH + "resultMessage" and isinstance(t.object, ox.Literal)
        ),
        key=_language_rank,
    )
    return Finding(
        iri=iri,
        focus=_first(triples, SH + "focusNode"),
        severity=_first(triples, SH + "resultSeverity"),
        shape=_first(triples, SH + "sourceShape"),
        path=_first(triples, SH + "resultPath"),
        value=_first(triples, SH + "value"),
        messages=tuple(messages),
        report=report,
        activity=activity,
        accepted_by=accepted_by,
    )
