"""The shared vocabulary (``oc:``) as the ontology graph publishes it, read for ``/def``.

The ontology graph holds the vocabulary (``ontology/onecenter.ttl``) beside the instance's
own indicators, units and agencies; the ontology *document* is the part about the ``oc:``
namespace: the ``owl:Ontology`` resource, every ``oc:`` term, and the blank nodes they lead
to (an ``owl:AllDisjointClasses`` and its list). Each term is read into a ``Term`` (labels,
definition, kinds, domain, range, parents) for the page that lists them all and for its own
page; the triples are kept for the RDF documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, RDF_TYPE, SKOS
from graph.store.interface import Store
from graph.text import Text

__all__ = ["GROUPS", "ONTOLOGY", "Ontology", "Term", "read_ontology"]

# The ontology's own IRI: the namespace without its '#' (``owl:Ontology``, ``rdfs:isDefinedBy``).
ONTOLOGY = OC.removesuffix("#")
_RDFS = PREFIXES["rdfs"]
_OWL = PREFIXES["owl"]
_DCTERMS = PREFIXES["dcterms"]

# The sections of the vocabulary's page, in order: a term goes to the first whose types it has.
GROUPS: list[tuple[Text, frozenset[str]]] = [
    (Text("Kelas", "Classes"), frozenset({_OWL + "Class", _RDFS + "Class"})),
    (Text("Properti objek", "Object properties"), frozenset({_OWL + "ObjectProperty"})),
    (Text("Properti data", "Datatype properties"), frozenset({_OWL + "DatatypeProperty"})),
    (
        Text("Properti lain", "Other properties"),
        frozenset({PREFIXES["rdf"] + "Property", _OWL + "AnnotationProperty"}),
    ),
    (Text("Tipe data", "Datatypes"), frozenset({_RDFS + "Datatype"})),
    (Text("Skema konsep", "Concept schemes"), frozenset({SKOS + "ConceptScheme"})),
    (Text("Konsep dan nilai", "Concepts and values"), frozenset()),  # every other term
]
# What a term's entry shows by name; its own page lists every other statement too.
SHOWN = frozenset(
    {
        RDF_TYPE,
        _RDFS + "label",
        _RDFS + "comment",
        SKOS + "definition",
        _RDFS + "domain",
        _RDFS + "range",
        _RDFS + "subClassOf",
        _RDFS + "subPropertyOf",
        SKOS + "broader",
        SKOS + "inScheme",
        _RDFS + "isDefinedBy",
    }
)


# What a statement's object may be (RDF 1.2 triple terms included, though the vocabulary has none).
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _text(objects: Iterable[Object]) -> Text:
    """Language-tagged literals as one people-facing text (Indonesian first)."""
    labels = {o.language or "": o.value for o in objects if isinstance(o, ox.Literal)}
    return Text.of(labels)


@dataclass(frozen=True)
class Term:
    """One ``oc:`` term: its statements, and those of the blank nodes they lead to."""

    iri: str
    triples: tuple[ox.Triple, ...]

    @property
    def name(self) -> str:
        """The part after ``#``: the page anchor (``/def#Region``) and the path (``/def/Region``)."""
        return self.iri[len(OC) :]

    def objects(self, *predicates: str) -> list[Object]:
        return [
            t.object
            for t in self.triples
            if t.subject == ox.NamedNode(self.iri) and t.predicate.value in predicates
        ]

    def iris(self, *predicates: str) -> list[str]:
        return sorted({o.value for o in self.objects(*predicates) if isinstance(o, ox.NamedNode)})

    @property
    def label(self) -> Text:
        return _text(self.objects(_RDFS + "label"))

    @property
    def definition(self) -> Text:
        return _text(self.objects(_RDFS + "comment") or self.objects(SKOS + "definition"))

    @property
    def kinds(self) -> list[str]:
        return self.iris(RDF_TYPE)

    @property
    def domains(self) -> list[str]:
        return self.iris(_RDFS + "domain")

    @property
    def ranges(self) -> list[str]:
        return self.iris(_RDFS + "range")

    @property
    def parents(self) -> list[str]:
        return self.iris(_RDFS + "subClassOf", _RDFS + "subPropertyOf", SKOS + "broader", SKOS + "inScheme")

    @property
    def defined_by(self) -> list[str]:
        return self.iris(_RDFS + "isDefinedBy")

    @property
    def other(self) -> list[ox.Triple]:
        """The term's statements its entry does not show by name (for its own page)."""
        me = ox.NamedNode(self.iri)
        return [t for t in self.triples if t.subject == me and t.predicate.value not in SHOWN]


@dataclass(frozen=True)
class Ontology:
    """The ontology document: its header, its terms by name, and all its triples."""

    triples: tuple[ox.Triple, ...]
    terms: dict[str, Term]

    def _header(self, predicate: str) -> list[Object]:
        me = ox.NamedNode(ONTOLOGY)
        return [t.object for t in self.triples if t.subject == me and t.predicate.value == predicate]

    @property
    def title(self) -> Text:
        return _text(self._header(_DCTERMS + "title"))

    @property
    def description(self) -> Text:
        return _text(self._header(_DCTERMS + "description"))

    @property
    def version_info(self) -> str | None:
        found = [o.value for o in self._header(_OWL + "versionInfo") if isinstance(o, ox.Literal)]
        return found[0] if found else None

    @property
    def version_iri(self) -> str | None:
        found = [o.value for o in self._header(_OWL + "versionIRI") if isinstance(o, ox.NamedNode)]
        return found[0] if found else None

    @property
    def version_name(self) -> str | None:
        """The version's path below ``/def/`` (``0.1.0`` for ``…/def/0.1.0``), when it has one there."""
        iri = self.version_iri
        return iri[len(ONTOLOGY) + 1 :] if iri and iri.startswith(ONTOLOGY + "/") else None

    def term(self, name: str) -> Term | None:
        return self.terms.get(name)

    def groups(self) -> list[tuple[Text, list[Term]]]:
        """The terms by section (``GROUPS``), each section in alphabetical order; empty ones left out."""
        placed: dict[int, list[Term]] = defaultdict(list)
        for term in sorted(self.terms.values(), key=lambda t: t.name.lower()):
            kinds = set(term.kinds)
            index = next((i for i, (_, types) in enumerate(GROUPS) if kinds & types), len(GROUPS) - 1)
            placed[index].append(term)
        return [(GROUPS[i][0], placed[i]) for i in range(len(GROUPS)) if placed[i]]


Node = ox.NamedNode | ox.BlankNode


def _closure(by_subject: dict[Node, list[ox.Triple]], roots: Iterable[Node]) -> list[ox.Triple]:
    """The roots' triples and those of every blank node they lead to."""
    out: list[ox.Triple] = []
    seen: set[Node] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in by_subject.get(node, ()):
            out.append(triple)
            if isinstance(triple.object, ox.BlankNode):
                todo.append(triple.object)
    return out


def _mentions_vocabulary(triples: Iterable[ox.Triple]) -> bool:
    return any(isinstance(t.object, ox.NamedNode) and t.object.value.startswith(OC) for t in triples)


def read_ontology(store: Store, iris: Iris) -> Ontology:
    """The ontology document as the published ontology graph holds it."""
    found = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", default_graph=[iris.ontology_graph])
    assert isinstance(found, ox.QuerySolutions)
    by_subject: dict[Node, list[ox.Triple]] = defaultdict(list)
    objects: set[ox.BlankNode] = set()
    for row in found:
        s, p, o = row["s"], row["p"], row["o"]
        by_subject[s].append(ox.Triple(s, p, o))
        if isinstance(o, ox.BlankNode):
            objects.add(o)
    names = [s for s in by_subject if isinstance(s, ox.NamedNode) and s.value.startswith(OC)]
    terms = {
        s.value[len(OC) :]: Term(s.value, tuple(_closure(by_subject, [s])))
        for s in names
        if len(s.value) > len(OC)
    }
    # Blank nodes nothing points to (an owl:AllDisjointClasses) belong to the document when
    # they speak of its terms.
    loose = [
        s
        for s in by_subject
        if isinstance(s, ox.BlankNode)
        and s not in objects
        and _mentions_vocabulary(_closure(by_subject, [s]))
    ]
    header = [s for s in by_subject if s == ox.NamedNode(ONTOLOGY)]
    triples = _closure(by_subject, [*header, *names, *loose])
    return Ontology(tuple(triples), terms)
