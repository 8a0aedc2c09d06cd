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


def _time(value: dt.datetime) -> str:
    return literal(value.isoformat(), _XSD + "dateTime")


def _int(value: int) -> str:
    return literal(str(value), _XSD + "integer")


def load_provenance(record: LoadRecord, iris: Iris) -> str:
    """N-Triples describing one load, its inputs and its output."""
    load = f"<{iris.load(record.load_id)}>"
    file = f"<{iris.file(record.file_sha256)}>"
    mapping = f"<{iris.mapping(record.mapping_sha256)}>"
    person_name = record.agent or getpass.getuser()
    person = f"<{iris.person(person_name)}>"
    software = f"<{iris.software(__version__)}>"
    outcome = {
        "published": "outcomePublished",
        "held": "outcomeHeld",
        "rejected": "outcomeRejected",
        "failed": "outcomeFailed",
    }[record.outcome]
    t = f"<{RDF_TYPE}>"
    lines = [
        f"{load} {t} <{PROV}Activity>",
        f"{load} {t} <{OC}Load>",
        f"{load} <{_RDFS}label> {literal(f'Pemuatan {record.dataset} {record.load_id}')}",
        f"{load} <{PROV}startedAtTime> {_time(record.started)}",
        f"{load} <{PROV}endedAtTime> {_time(record.ended)}",
        f"{load} <{PROV}wasAssociatedWith> {person}",
        f"{load} <{PROV}wasAssociatedWith> {software}",
        f"{load} <{PROV}wasAssociatedWith> <{iris.agency(record.agency)}>",
        f"{load} <{PROV}used> {file}",
        f"{load} <{PROV}used> {mapping}",
        f"{load} <{OC}loadedDataset> <{iris.dataset(record.dataset)}>",
        f"{load} <{OC}outcome> <{OC}{outcome}>",
        f"{load} <{OC}rowsRead> {_int(record.rows_read)}",
        f"{load} <{OC}rowsRejected> {_int(record.rows_rejected)}",
        f"{load} <{OC}rowsDropped> {_int(record.rows_dropped)}",
        f"{load} <{OC}observationCount> {_int(record.observations)}",
        f"{person} {t} <{PROV}Person>",
        f"{person} <{_RDFS}label> {literal(person_name)}",
        f"{software} {t} <{PROV}SoftwareAgent>",
        f"{software} <{_RDFS}label> {literal(f'One Center {__version__}')}",
        f"{mapping} {t} <{PROV}Entity>",
        f"{mapping} {t} <{PROV}Plan>",
        f"{mapping} {t} <{OC}MappingFile>",
        f"{mapping} <{OC}fileName> {literal(record.mapping_name)}",
        f"{mapping} <{OC}sha256> {literal(record.mapping_sha256)}",
    ]
    if record.message:
        lines.append(f"{load} <{_RDFS}comment> {literal(record.message)}")
    if record.validation_report:
        lines.append(f"{load} <{OC}validationReport> <{record.validation_report}>")
    lines += [f"{load} <{OC}acceptedViolations> <{a}>" for a in record.acceptances]
    if record.graph:
        graph = f"<{record.graph}>"
        lines += [
            f"{load} <{PROV}generated> {graph}",
            f"{graph} {t} <{PROV}Entity>",
            f"{graph} <{PROV}wasGeneratedBy> {load}",
            f"{graph} <{PROV}wasDerivedFrom> {file}",
            f"{graph} <{PROV}specializationOf> <{iris.dataset(record.dataset)}>",
        ]
    return "".join(line + " .\n" for line in lines) + source_file_ntriples(record, iris)


def source_file_ntriples(record: LoadRecord, iris: Iris) -> str:
    """The source file as a PROV entity: name, SHA-256, size, media type.

    Written as soon as a draft is staged (so validation can name the file of a finding)
    and again with the load's record; the same triples in the same graph add nothing.
    """
    t = f"<{RDF_TYPE}>"
    file = f"<{iris.file(record.file_sha256)}>"
    lines = [
        f"{file} {t} <{PROV}Entity>",
        f"{file} {t} <{OC}SourceFile>",
        f"{file} <{OC}fileName> {literal(record.file_name)}",
        f"{file} <{OC}sha256> {literal(record.file_sha256)}",
        f"{file} <{OC}byteSize> {_int(record.file_bytes)}",
        f"{file} <{DCTERMS}format> {literal(_MEDIA_TYPES.get(record.file_format, record.file_format))}",
    ]
    return "".join(line + " .\n" for line in lines)


def acceptance_ntriples(acceptance: Acceptance, iris: Iris, results: list[str]) -> str:
    """One violation acceptance: who decided, when, why, which rules and the results it covered."""
    t = f"<{RDF_TYPE}>"
    s = f"<{iris.acceptance(acceptance.key)}>"
    person = f"<{iris.person(acceptance.decided_by)}>"
    lines = [
        f"{s} {t} <{PROV}Entity>",
        f"{s} {t} <{OC}ViolationAcceptance>",
        f"{s} <{_RDFS}comment> {literal(acceptance.reason)}",
        f"{s} <{PROV}wasAttributedTo> {person}",
        f"{s} <{DCTERMS}date> {literal(acceptance.decided_on.isoformat(), _XSD + 'date')}",
        f"{s} <{DCTERMS}source> {literal(acceptance.source)}",
        f"{s} <{OC}loadedDataset> <{iris.dataset(acceptance.dataset)}>",
        f"{person} {t} <{PROV}Person>",
        f"{person} <{_RDFS}label> {literal(acceptance.decided_by)}",
    ]
    lines += [f"{s} <{OC}acceptedShape> <{shape}>" for shape in acceptance.shapes]
    lines += [f"{s} <{OC}sourceRowNumber> {_int(row)}" for row in acceptance.rows or ()]
    lines += [f"{s} <{OC}acceptedResult> <{r}>" for r in results]
    return "".join(line + " .\n" for line in lines)


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
    t = f"<{RDF_TYPE}>"
    pub = f"<{iris.publication(record.publication_id)}>"
    person = f"<{iris.person(record.agent or getpass.getuser())}>"
    lines = [
        f"{pub} {t} <{PROV}Activity>",
        f"{pub} {t} <{OC}Publication>",
        f"{pub} <{_RDFS}label> {literal(f'Penerbitan {record.dataset} {record.publication_id}')}",
        f"{pub} <{PROV}startedAtTime> {_time(record.started)}",
        f"{pub} <{PROV}endedAtTime> {_time(record.ended)}",
        f"{pub} <{PROV}wasAssociatedWith> {person}",
        f"{pub} <{PROV}used> <{record.graph}>",
        f"{pub} <{PROV}wasInformedBy> <{record.load_iri}>",
        f"{pub} <{OC}loadedDataset> <{iris.dataset(record.dataset)}>",
        f"{pub} <{OC}outcome> <{OC}outcomePublished>",
        f"{pub} <{OC}validationReport> <{record.validation_report}>",
        f"{person} {t} <{PROV}Person>",
        f"{person} <{_RDFS}label> {literal(record.agent or getpass.getuser())}",
    ]
    lines += [f"{pub} <{OC}acceptedViolations> <{a}>" for a in record.acceptances]
    return "".join(line + " .\n" for line in lines)


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
    t = f"<{RDF_TYPE}>"
    iri = f"{load_iri}/penolakan/{rejection_id}"
    act = f"<{iri}>"
    person = f"<{iris.person(agent)}>"
    lines = [
        f"{act} {t} <{PROV}Activity>",
        f"{act} {t} <{OC}Rejection>",
        f"{act} <{_RDFS}label> {literal(f'Penolakan draf {dataset} {rejection_id}')}",
        f"{act} <{PROV}startedAtTime> {_time(started)}",
        f"{act} <{PROV}endedAtTime> {_time(started)}",
        f"{act} <{PROV}wasAssociatedWith> {person}",
        f"{act} <{PROV}wasInformedBy> <{load_iri}>",
        f"{act} <{OC}rejectedGraph> <{graph}>",
        f"{act} <{OC}loadedDataset> <{iris.dataset(dataset)}>",
        f"{act} <{OC}outcome> <{OC}outcomeRejected>",
        f"{act} <{_RDFS}comment> {literal(reason)}",
        f"{person} {t} <{PROV}Person>",
        f"{person} <{_RDFS}label> {literal(agent)}",
    ]
    return iri, "".join(line + " .\n" for line in lines)


def decisions_ntriples(decisions: Decisions, iris: Iris) -> str:
    """The Walidata's linking decisions as PROV entities (N-Triples)."""
    t = f"<{RDF_TYPE}>"
    lines: list[str] = []
    for d in decisions.items:
        s = f"<{iris.decision(d.key)}>"
        person = f"<{iris.person(d.decided_by)}>"
        lines += [
            f"{s} {t} <{PROV}Entity>",
            f"{s} {t} <{OC}LinkDecision>",
            f"{s} <{OC}variant> {literal(d.variant)}",
            f"{s} <{OC}decidedRegion> <{iris.region(d.code)}>",
            f"{s} <{PROV}wasAttributedTo> {person}",
            f"{s} <{DCTERMS}date> {literal(d.decided_on.isoformat(), _XSD + 'date')}",
            f"{person} {t} <{PROV}Person>",
            f"{person} <{_RDFS}label> {literal(d.decided_by)}",
        ]
        if d.parent:
            lines.append(f"{s} <{OC}variantParent> {literal(d.parent)}")
        if d.note:
            lines.append(f"{s} <{_RDFS}comment> {literal(d.note)}")
    return "".join(line + " .\n" for line in lines)
