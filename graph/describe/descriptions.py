"""What a linked-data page shows about one resource: the description and its parts.

``Description`` holds, each bounded, what the published graphs say about one IRI: its
own triples, the incoming links grouped by property, the labels of every IRI shown, and
by kind a region's hierarchy, an observation's provenance chain or a report's findings.
It is the read model of ``graph.describe.resources`` (which fills it) and of the
resource page and RDF output (which show it). Everything here is plain picklable data,
so a description can come back from a query worker process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from graph.check.acceptances import Acceptance
from graph.check.findings import SEVERITIES, SEVERITY_LABELS, Finding
from graph.provenance.activities import Activity
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, QB, RDF_TYPE, SDMX_DIMENSION, SKOS

__all__ = [
    "INCOMING_PER_PROPERTY",
    "KINDS",
    "LABEL_PROPERTIES",
    "MAX_CHILDREN",
    "MAX_FINDINGS",
    "MAX_TRIPLES",
    "Description",
    "Hierarchy",
    "Incoming",
    "Provenance",
    "SourceCell",
    "all_objects",
    "first_object",
    "kind_of",
    "object_text",
]

RDFS = PREFIXES["rdfs"]
SH = PREFIXES["sh"]

# Bounds of one description (a region has thousands of observations pointing at it).
MAX_TRIPLES = 2_000
INCOMING_PER_PROPERTY = 50
MAX_CHILDREN = 1_000
MAX_FINDINGS = 500

LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")
# Terms the store holds no label for that people still read on a page: a result's severity
# (sh:Violation is "Pelanggaran / Violation", never the bare English term).
_KNOWN_LABELS = {SEVERITIES[key]: SEVERITY_LABELS[key] for key in SEVERITIES}

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


def kind_of(types: Iterable[str]) -> tuple[str, str, str]:
    """(kind, Indonesian name, English name) of a resource with these ``rdf:type``s.

    >>> kind_of([OC + "Village", OC + "Region"])
    ('region', 'Desa', 'Village')
    >>> kind_of([])
    ('resource', 'Sumber daya', 'Resource')
    """
    present = set(types)
    return next((v for k, v in KINDS.items() if k in present), _OTHER)


# --- reading triples -----------------------------------------------------------------------


def object_text(triple: ox.Triple) -> str:
    """The object's IRI, blank node id or lexical form."""
    term = triple.object
    return str(term) if isinstance(term, ox.Triple) else term.value


def first_object(triples: Iterable[ox.Triple], predicate: str) -> str | None:
    """The first object of ``predicate`` among ``triples``, as text."""
    return next((object_text(t) for t in triples if t.predicate.value == predicate), None)


def all_objects(triples: Iterable[ox.Triple], predicate: str) -> list[str]:
    """Every object of ``predicate`` among ``triples``, as text, in their order."""
    return [object_text(t) for t in triples if t.predicate.value == predicate]


# --- the description -----------------------------------------------------------------------


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
        return all_objects(self.triples, RDF_TYPE)

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
        known = _KNOWN_LABELS.get(iri)
        return known.get(language) if known else None

    def title(self, language: str = "id") -> str:
        """A heading for the resource: its label, else one made from what it is."""
        own = self.label(self.iri, language) or self.label(self.iri)
        if own:
            return own
        made = {
            "observation": self._observation_title,
            "source-file": self._file_title,
            "source-row": self._row_title,
        }.get(self.kind[0])
        return (made and made(language)) or unquote(self.iri.rstrip("/").rsplit("/", 1)[-1])

    def _observation_title(self, language: str) -> str | None:
        """Indicator · region · period · codes, named in ``language`` where a label says so."""
        parts = [
            self.label(str(v.value), language)
            or self.label(str(v.value))  # a place's name is the same in English
            or unquote(str(v.value).rsplit("/", 1)[-1])
            for p in (QB + "measureType", SDMX_DIMENSION + "refArea", SDMX_DIMENSION + "refPeriod")
            for v in self.values(p)[:1]
        ]
        codes = [
            self.label(object_text(t), language) or object_text(t)
            for t in self.triples
            if isinstance(t.object, ox.NamedNode) and "/id/kode/" in object_text(t)
        ]
        return " · ".join(parts + codes) if parts else None

    def _file_title(self, language: str) -> str | None:
        name = next(iter(self.values(OC + "fileName")), None)
        return None if name is None else str(name.value)

    def _row_title(self, language: str) -> str | None:
        number = next(iter(self.values(OC + "rowNumber")), None)
        return None if number is None else ("Baris " if language == "id" else "Row ") + str(number.value)

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
