"""PROV-O records of loads, source files and mapping files.

A load is a ``prov:Activity`` (who, when, which mapping and file, outcome,
counts); the source file and the mapping file are ``prov:Entity``s identified
by their SHA-256; the dataset version graph the load generated is an entity
too. Together with each observation's ``oc:sourceRow`` this lets a SPARQL query
walk from any figure to the file, sheet and row it came from.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from graph.check.acceptances import Acceptance
from graph.link.names import Decisions
from graph.provenance.activities import OUTCOMES
from graph.rdf.iris import Iris
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, RDF_TYPE
from graph.rdf.ntriples import literal
from graph.version import __version__

__all__ = [
    "LoadRecord",
    "PublicationRecord",
    "acceptance_ntriples",
    "decisions_ntriples",
    "load_provenance",
    "new_load_id",
    "now",
    "publication_provenance",
    "rejection_provenance",
    "source_file_ntriples",
]

_XSD = PREFIXES["xsd"]
_RDFS = PREFIXES["rdfs"]
_MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_load_id(started: dt.datetime) -> str:
    """Sortable and unique enough for one writer: time to the microsecond."""
    return started.strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class LoadRecord:
    load_id: str
    dataset: str  # slug
    agency: str  # slug
    started: dt.datetime
    ended: dt.datetime
    outcome: str  # "published" | "held" | "rejected" | "failed"
    file_name: str
    file_sha256: str
    file_bytes: int
    file_format: str
    mapping_name: str
    mapping_sha256: str
    rows_read: int
    rows_rejected: int
    rows_dropped: int
    observations: int
    graph: str | None  # the version graph generated, when published
    agent: str = ""
    message: str = ""
    validation_report: str | None = None  # IRI of the sh:ValidationReport on its draft
    acceptances: tuple[str, ...] = ()  # IRIs of the violation acceptances applied
    # An upload's name on the sender's machine (``display_name``: never a path). The file
    # entity is named by the server (``file_name``) and identified by its SHA-256, so the same
    # bytes sent twice under two names are one entity: the name sent belongs to the load.
    upload_name: str = ""


_A = f"<{RDF_TYPE}>"


def _time(value: dt.datetime) -> str:
    return literal(value.isoformat(), _XSD + "dateTime")


def _int(value: int) -> str:
    return literal(str(value), _XSD + "integer")


def _date(value: dt.date) -> str:
    return literal(value.isoformat(), _XSD + "date")


def _ntriples(lines: list[str]) -> str:
    return "".join(line + " .\n" for line in lines)


def _activity(node: str, kind: str, label: str, started: dt.datetime, ended: dt.datetime) -> list[str]:
    """The statements every activity opens with: its types, name and times."""
    return [
        f"{node} {_A} <{PROV}Activity>",
        f"{node} {_A} <{OC}{kind}>",
        f"{node} <{_RDFS}label> {literal(label)}",
        f"{node} <{PROV}startedAtTime> {_time(started)}",
        f"{node} <{PROV}endedAtTime> {_time(ended)}",
    ]


def _agent(node: str, kind: str, name: str) -> list[str]:
    """A person (``prov:Person``) or a program (``prov:SoftwareAgent``) and its name."""
    return [f"{node} {_A} <{PROV}{kind}>", f"{node} <{_RDFS}label> {literal(name)}"]


def _file(node: str, kinds: tuple[str, ...], name: str, sha256: str) -> list[str]:
    """A file as a PROV entity of ``kinds``, identified by its name and SHA-256."""
    return [f"{node} {_A} <{kind}>" for kind in kinds] + [
        f"{node} <{OC}fileName> {literal(name)}",
        f"{node} <{OC}sha256> {literal(sha256)}",
    ]


def load_provenance(record: LoadRecord, iris: Iris) -> str:
    """N-Triples describing one load, its inputs and its output."""
    load = f"<{iris.load(record.load_id)}>"
    file = f"<{iris.file(record.file_sha256)}>"
    mapping = f"<{iris.mapping(record.mapping_sha256)}>"
    person_name = record.agent or getpass.getuser()
    person = f"<{iris.person(person_name)}>"
    software = f"<{iris.software(__version__)}>"
    lines = _activity(
        load, "Load", f"Pemuatan {record.dataset} {record.load_id}", record.started, record.ended
    )
    lines += [
        f"{load} <{PROV}wasAssociatedWith> {person}",
        f"{load} <{PROV}wasAssociatedWith> {software}",
        f"{load} <{PROV}wasAssociatedWith> <{iris.agency(record.agency)}>",
        f"{load} <{PROV}used> {file}",
        f"{load} <{PROV}used> {mapping}",
        f"{load} <{OC}loadedDataset> <{iris.dataset(record.dataset)}>",
        f"{load} <{OC}outcome> <{OUTCOMES[record.outcome]}>",
        f"{load} <{OC}rowsRead> {_int(record.rows_read)}",
        f"{load} <{OC}rowsRejected> {_int(record.rows_rejected)}",
        f"{load} <{OC}rowsDropped> {_int(record.rows_dropped)}",
        f"{load} <{OC}observationCount> {_int(record.observations)}",
        *_agent(person, "Person", person_name),
        *_agent(software, "SoftwareAgent", f"One Center {__version__}"),
        *_file(
            mapping,
            (PROV + "Entity", PROV + "Plan", OC + "MappingFile"),
            record.mapping_name,
            record.mapping_sha256,
        ),
    ]
    if record.message:
        lines.append(f"{load} <{_RDFS}comment> {literal(record.message)}")
    if record.upload_name:
        lines.append(f"{load} <{OC}uploadName> {literal(record.upload_name)}")
    if record.validation_report:
        lines.append(f"{load} <{OC}validationReport> <{record.validation_report}>")
    lines += [f"{load} <{OC}acceptedViolations> <{a}>" for a in record.acceptances]
    if record.graph:
        graph = f"<{record.graph}>"
        lines += [
            f"{load} <{PROV}generated> {graph}",
            f"{graph} {_A} <{PROV}Entity>",
            f"{graph} <{PROV}wasGeneratedBy> {load}",
            f"{graph} <{PROV}wasDerivedFrom> {file}",
            f"{graph} <{PROV}specializationOf> <{iris.dataset(record.dataset)}>",
        ]
    return _ntriples(lines) + source_file_ntriples(record, iris)


def source_file_ntriples(record: LoadRecord, iris: Iris) -> str:
    """The source file as a PROV entity: name, SHA-256, size, media type.

    Written as soon as a draft is staged (so validation can name the file of a finding)
    and again with the load's record; the same triples in the same graph add nothing.
    """
    file = f"<{iris.file(record.file_sha256)}>"
    lines = _file(file, (PROV + "Entity", OC + "SourceFile"), record.file_name, record.file_sha256) + [
        f"{file} <{OC}byteSize> {_int(record.file_bytes)}",
        f"{file} <{DCTERMS}format> {literal(_MEDIA_TYPES.get(record.file_format, record.file_format))}",
    ]
    return _ntriples(lines)


def acceptance_ntriples(acceptance: Acceptance, iris: Iris, results: list[str]) -> str:
    """One violation acceptance: who decided, when, why, which rules and the results it covered."""
    s = f"<{iris.acceptance(acceptance.key)}>"
    person = f"<{iris.person(acceptance.decided_by)}>"
    lines = [
        f"{s} {_A} <{PROV}Entity>",
        f"{s} {_A} <{OC}ViolationAcceptance>",
        f"{s} <{_RDFS}comment> {literal(acceptance.reason)}",
        f"{s} <{PROV}wasAttributedTo> {person}",
        f"{s} <{DCTERMS}date> {_date(acceptance.decided_on)}",
        f"{s} <{DCTERMS}source> {literal(acceptance.source)}",
        f"{s} <{OC}loadedDataset> <{iris.dataset(acceptance.dataset)}>",
        *_agent(person, "Person", acceptance.decided_by),
    ]
    lines += [f"{s} <{OC}acceptedShape> <{shape}>" for shape in acceptance.shapes]
    lines += [f"{s} <{OC}sourceRowNumber> {_int(row)}" for row in acceptance.rows or ()]
    lines += [f"{s} <{OC}acceptedResult> <{r}>" for r in results]
    return _ntriples(lines)


@dataclass(frozen=True)
class PublicationRecord:
    """Publishing a held draft later, on the Walidata's decision."""

    publication_id: str
    dataset: str  # slug
    graph: str  # the draft version graph
    load_iri: str  # the load that wrote the draft
    started: dt.datetime
    ended: dt.datetime
    agent: str
    validation_report: str
    acceptances: tuple[str, ...] = ()


def publication_provenance(record: PublicationRecord, iris: Iris) -> str:
    """N-Triples of a publication activity (draft -> published)."""
    pub = f"<{iris.publication(record.publication_id)}>"
    name = record.agent or getpass.getuser()
    person = f"<{iris.person(name)}>"
    label = f"Penerbitan {record.dataset} {record.publication_id}"
    lines = _activity(pub, "Publication", label, record.started, record.ended) + [
        f"{pub} <{PROV}wasAssociatedWith> {person}",
        f"{pub} <{PROV}used> <{record.graph}>",
        f"{pub} <{PROV}wasInformedBy> <{record.load_iri}>",
        f"{pub} <{OC}loadedDataset> <{iris.dataset(record.dataset)}>",
        f"{pub} <{OC}outcome> <{OUTCOMES['published']}>",
        f"{pub} <{OC}validationReport> <{record.validation_report}>",
        *_agent(person, "Person", name),
    ]
    lines += [f"{pub} <{OC}acceptedViolations> <{a}>" for a in record.acceptances]
    return _ntriples(lines)


def rejection_provenance(
    rejection_id: str,
    iris: Iris,
    *,
    dataset: str,
    graph: str,
    load_iri: str,
    started: dt.datetime,
    agent: str,
    reason: str,
) -> tuple[str, str]:
    """(activity IRI, N-Triples) of the Walidata rejecting a held draft: the draft is
    dropped, the published version stays, and why is kept on record."""
    iri = f"{load_iri}/penolakan/{rejection_id}"
    act = f"<{iri}>"
    person = f"<{iris.person(agent)}>"
    lines = _activity(act, "Rejection", f"Penolakan draf {dataset} {rejection_id}", started, started) + [
        f"{act} <{PROV}wasAssociatedWith> {person}",
        f"{act} <{PROV}wasInformedBy> <{load_iri}>",
        f"{act} <{OC}rejectedGraph> <{graph}>",
        f"{act} <{OC}loadedDataset> <{iris.dataset(dataset)}>",
        f"{act} <{OC}outcome> <{OUTCOMES['rejected']}>",
        f"{act} <{_RDFS}comment> {literal(reason)}",
        *_agent(person, "Person", agent),
    ]
    return iri, _ntriples(lines)


def decisions_ntriples(decisions: Decisions, iris: Iris) -> str:
    """The Walidata's linking decisions as PROV entities (N-Triples)."""
    lines: list[str] = []
    for d in decisions.items:
        s = f"<{iris.decision(d.key)}>"
        person = f"<{iris.person(d.decided_by)}>"
        lines += [
            f"{s} {_A} <{PROV}Entity>",
            f"{s} {_A} <{OC}LinkDecision>",
            f"{s} <{OC}variant> {literal(d.variant)}",
            f"{s} <{OC}decidedRegion> <{iris.region(d.code)}>",
            f"{s} <{PROV}wasAttributedTo> {person}",
            f"{s} <{DCTERMS}date> {_date(d.decided_on)}",
            *_agent(person, "Person", d.decided_by),
        ]
        if d.parent:
            lines.append(f"{s} <{OC}variantParent> {literal(d.parent)}")
        if d.note:
            lines.append(f"{s} <{_RDFS}comment> {literal(d.note)}")
    return _ntriples(lines)
