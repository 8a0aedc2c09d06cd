"""The catalogue as DCAT-AP 3 triples, and those triples in any RDF format.

``catalog_triples`` turns a ``Catalog`` (``graph.describe.catalog``) into a
``dcat:Catalog`` that DCAT-AP 3.0.1 validators and CKAN's DCAT harvester can read:
every published dataset with its own description, its agency, coverage, contact point,
indicators (with their Satu Data "Standar Data" metadata), structure, two distributions
and the load behind it; the SPARQL endpoint as the ``dcat:DataService`` serving them all.
A restricted (terbatas) dataset is its public card alone: ``dct:accessRights`` RESTRICTED,
title, description, agency, frequency, indicators and ``dct:modified``; no distribution,
no coverage, no load, and the endpoint does not say it serves it.
``serialize_catalog`` writes them in the RDF format a media type names.

Download, access and service URLs are made from the URL the service is reached at
(``service_url``, ending with '/'); dataset, agency and region IRIs are the graph's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from graph.describe.catalog import Agent, Catalog, CatalogDataset
from graph.describe.catalog_terms import (
    ACCESS_LEVELS,
    DISTRIBUTIONS,
    Coverage,
    Distribution,
    frequency_of,
    measure_kind_iri,
)
from graph.provenance.activities import Activity
from graph.rdf.namespaces import DCAT, DCTERMS, OC, PREFIXES, PROV, QB, RDF_TYPE, SKOS
from graph.reference.indicators import Indicator
from graph.text import Text

__all__ = ["catalog_triples", "serialize_catalog"]

_XSD = PREFIXES["xsd"]
_RDFS = PREFIXES["rdfs"]
_FOAF = PREFIXES["foaf"]
_ORG = PREFIXES["org"]
_SH = PREFIXES["sh"]
_VCARD = "http://www.w3.org/2006/vcard/ns#"
_EU = "http://publications.europa.eu/resource/authority/"
_IANA = "http://www.iana.org/assignments/media-types/"
_LANGUAGES = {"id": _EU + "language/IND", "en": _EU + "language/ENG"}
_ACCESS_LABELS = {"terbuka": Text("Terbuka", "Public"), "terbatas": Text("Terbatas", "Restricted")}
_SPARQL_TITLE = Text("Titik akhir SPARQL", "SPARQL endpoint")
_SPARQL_DESCRIPTION = Text(
    "Kueri SPARQL 1.1 atas semua graf terbit; GET tanpa kueri memberi deskripsi layanan.",
    "SPARQL 1.1 queries over every published graph; a GET without a query gives the service description.",
)

_Subject = ox.NamedNode | ox.BlankNode


class _Triples:
    """A list of triples built with short helpers, without duplicates."""

    def __init__(self) -> None:
        self.items: list[ox.Triple] = []
        self._seen: set[ox.Triple] = set()

    def add(self, s: _Subject, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        t = ox.Triple(s, ox.NamedNode(p), o)
        if t not in self._seen:
            self._seen.add(t)
            self.items.append(t)

    def texts(self, s: _Subject, p: str, values: Mapping[str, str]) -> None:
        """One literal per language of ``values`` (``""``: a plain literal); empty texts none."""
        for lang, text in sorted(values.items()):
            if text:
                self.add(s, p, ox.Literal(text, language=lang) if lang else ox.Literal(text))

    def a(self, s: _Subject, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF_TYPE, ox.NamedNode(c))

    def grouped(self) -> list[ox.Triple]:
        """The triples grouped by subject (in order of first mention), so that Turtle writes
        each subject once."""
        first: dict[Any, int] = {}
        for i, t in enumerate(self.items):
            first.setdefault(t.subject, i)
        return sorted(self.items, key=lambda t: first[t.subject])


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def _known(text: Text, fallback: str) -> Mapping[str, str]:
    """The text, or ``fallback`` as a plain literal when there is none."""
    return text if text.id else {"": fallback}


def _mailto(email: str) -> str:
    return email if email.startswith("mailto:") else f"mailto:{email}"


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


def _catalog_description(out: _Triples, catalog: Catalog, cat: ox.NamedNode, service_url: str) -> None:
    home = ox.NamedNode(catalog.home_region)
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


def _service_description(out: _Triples, catalog: Catalog, cat: ox.NamedNode, sparql: ox.NamedNode) -> None:
    """The SPARQL endpoint, which serves every published dataset."""
    out.add(cat, DCAT + "service", sparql)
    out.a(sparql, DCAT + "DataService")
    out.texts(sparql, DCTERMS + "title", _SPARQL_TITLE)
    out.texts(sparql, DCTERMS + "description", _SPARQL_DESCRIPTION)
    out.add(sparql, DCAT + "endpointURL", sparql)
    out.add(sparql, DCAT + "endpointDescription", sparql)
    out.a(sparql, _RDFS + "Resource")  # the range DCAT-AP gives both (as ckanext-dcat writes it)
    protocol = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")
    out.add(sparql, DCTERMS + "conformsTo", protocol)
    out.a(protocol, DCTERMS + "Standard")
    if catalog.publisher:
        out.add(sparql, DCTERMS + "publisher", ox.NamedNode(catalog.publisher.iri))


def catalog_triples(catalog: Catalog, service_url: str) -> list[ox.Triple]:
    """The catalogue as DCAT-AP 3 triples; ``service_url`` ends with '/'."""
    out = _Triples()
    cat = ox.NamedNode(service_url + "catalog")
    sparql = ox.NamedNode(service_url + "sparql")
    _catalog_description(out, catalog, cat, service_url)
    _service_description(out, catalog, cat, sparql)
    for d in catalog.datasets:
        _dataset_triples(out, catalog, d, service_url, cat, sparql)
    return out.grouped()


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
    # The dataset's own description, as its published version carries it.
    for p, o in d.triples:
        out.add(ds, p, o)
    if d.issued:
        out.add(ds, DCTERMS + "issued", _typed(d.issued, _XSD + "dateTime"))
    if d.publisher:
        _agent_triples(out, d.publisher)
    _authority_terms(out, catalog, d)
    if d.coverage:
        _coverage_triples(out, ds, d.coverage)
    _contact_triples(out, ds, d)
    # Themes: the statistical concepts its indicators measure; with the indicators' standard
    # metadata (definition, unit, concept, kind of measure) and the dataset's structure.
    for indicator in d.indicators:
        _indicator_triples(out, catalog, ds, indicator)
    for s, p, o in d.structure:
        out.add(ox.NamedNode(s), p, o)
    for dimension, label in d.dimensions:
        out.texts(ox.NamedNode(dimension), _RDFS + "label", label)
    if not d.restricted:  # a restricted dataset's data and history are not public
        _data_triples(out, d, ds, service_url, sparql)


def _data_triples(
    out: _Triples, d: CatalogDataset, ds: ox.NamedNode, service_url: str, sparql: ox.NamedNode
) -> None:
    """Where an open dataset's data is: the endpoint serving it, its distributions (the
    observations as CSV, the published version graph as Turtle), the load behind the
    published version with its validation status, and the newest load."""
    out.add(sparql, DCAT + "servesDataset", ds)
    for distribution in DISTRIBUTIONS:
        _distribution_triples(out, d, distribution, ds, service_url, sparql)
    if d.generated_by:
        out.add(ds, PROV + "wasGeneratedBy", ox.NamedNode(d.generated_by.iri))
    for a in (d.generated_by, d.published_by, d.last_load):
        if a is not None:
            _activity_triples(out, a)


def _authority_terms(out: _Triples, catalog: Catalog, d: CatalogDataset) -> None:
    """The place, frequency, access right and licence the dataset names, typed and labelled."""
    if d.spatial:
        place = ox.NamedNode(d.spatial)
        out.a(place, DCTERMS + "Location", SKOS + "Concept")
        if d.spatial == catalog.home_region:
            out.texts(place, SKOS + "prefLabel", catalog.home_label or {"": catalog.home_code})
    if d.frequency:
        frequency = ox.NamedNode(d.frequency)
        out.a(frequency, DCTERMS + "Frequency", SKOS + "Concept")
        known = frequency_of(d.frequency)
        out.texts(frequency, SKOS + "prefLabel", known.label if known else {"": d.frequency})
    if d.access_rights:
        rights = ox.NamedNode(d.access_rights)
        out.a(rights, DCTERMS + "RightsStatement")
        out.texts(rights, _RDFS + "label", _ACCESS_LABELS.get(ACCESS_LEVELS.get(d.access_rights, ""), {}))
    if d.license:
        out.a(ox.NamedNode(d.license), DCTERMS + "LicenseDocument")


def _coverage_triples(out: _Triples, ds: ox.NamedNode, coverage: Coverage) -> None:
    period = ox.BlankNode()
    out.add(ds, DCTERMS + "temporal", period)
    out.a(period, DCTERMS + "PeriodOfTime")
    out.add(period, DCAT + "startDate", _typed(coverage.start.isoformat(), _XSD + "date"))
    out.add(period, DCAT + "endDate", _typed(coverage.end.isoformat(), _XSD + "date"))
    out.add(ds, DCAT + "temporalResolution", _typed(coverage.resolution, _XSD + "duration"))


def _contact_triples(out: _Triples, ds: ox.NamedNode, d: CatalogDataset) -> None:
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


def _indicator_triples(out: _Triples, catalog: Catalog, ds: ox.NamedNode, indicator: Indicator) -> None:
    node = ox.NamedNode(indicator.iri)
    out.a(node, OC + "Indicator", QB + "MeasureProperty")
    out.texts(node, _RDFS + "label", indicator.label)
    out.texts(node, SKOS + "definition", indicator.definition)
    if indicator.unit_iri:
        unit = ox.NamedNode(indicator.unit_iri)
        out.add(node, OC + "unit", unit)
        out.a(unit, OC + "Unit", SKOS + "Concept")
        out.texts(unit, SKOS + "prefLabel", _known(indicator.unit_label, indicator.unit_iri))
    kind = measure_kind_iri(indicator.kind)
    if kind:
        out.add(node, OC + "measureKind", ox.NamedNode(kind))
    if indicator.concept:
        concept = ox.NamedNode(indicator.concept)
        out.add(node, QB + "concept", concept)
        out.add(ds, DCAT + "theme", concept)
        out.a(concept, SKOS + "Concept")
        label, scheme = catalog.concepts.get(indicator.concept, (Text(""), None))
        out.texts(concept, SKOS + "prefLabel", _known(label, indicator.concept))
        if scheme:
            out.add(concept, SKOS + "inScheme", ox.NamedNode(scheme))


def _distribution_triples(
    out: _Triples,
    d: CatalogDataset,
    distribution: Distribution,
    ds: ox.NamedNode,
    service_url: str,
    sparql: ox.NamedNode,
) -> None:
    node = ox.BlankNode()
    url = ox.NamedNode(distribution.url(service_url, d.id))
    out.add(ds, DCAT + "distribution", node)
    out.a(node, DCAT + "Distribution")
    out.texts(node, DCTERMS + "title", distribution.title)
    out.add(node, DCAT + "accessURL", url)
    out.add(node, DCAT + "downloadURL", url)
    media_type = ox.NamedNode(_IANA + distribution.media_type)
    out.add(node, DCAT + "mediaType", media_type)
    out.a(media_type, DCTERMS + "MediaType")
    file_type = ox.NamedNode(_EU + "file-type/" + distribution.file_type)
    out.add(node, DCTERMS + "format", file_type)
    out.a(file_type, DCTERMS + "MediaTypeOrExtent")
    if d.license:
        out.add(node, DCTERMS + "license", ox.NamedNode(d.license))
    if d.modified:
        out.add(node, DCTERMS + "modified", _typed(d.modified, _XSD + "dateTime"))
    out.add(node, DCAT + "accessService", sparql)


def serialize_catalog(catalog: Catalog, service_url: str, media_type: str) -> bytes:
    """The catalogue in an RDF format named by its media type (Turtle, JSON-LD, RDF/XML, …)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    prefixes = {**PREFIXES, "vcard": _VCARD}
    return ox.serialize(catalog_triples(catalog, service_url), format=fmt, prefixes=prefixes) or b""
