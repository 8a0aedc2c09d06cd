"""A load, or the Walidata's publication of a held draft, as the provenance graph records it.

One type for every reader: the load history (``/loads``), the catalogue's provenance of a
dataset, a resource page's "who made this", the ingest answers. ``activities`` reads them
all from the provenance graphs the view's audience may read (for the public, the public
provenance graph: a restricted dataset's are in its own graph), once per request: each
activity with its inputs
(source and mapping files), agents, counts, validation report and acceptances; a
publication shows the table its load read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, PROV
from graph.store.public import PublicGraphs
from graph.text import Text

__all__ = ["OUTCOMES", "Activity", "activities", "dataset_id"]

# Outcome names in the API -> their oc: concepts.
OUTCOMES = {
    "published": OC + "outcomePublished",
    "held": OC + "outcomeHeld",
    "rejected": OC + "outcomeRejected",
    "failed": OC + "outcomeFailed",
}
_OUTCOME_NAMES = {iri: name for name, iri in OUTCOMES.items()}


@dataclass(frozen=True)
class Activity:
    """One load or publication of a held draft, as the provenance graph records it."""

    iri: str
    kind: str  # "load" | "publication"
    dataset: str  # dataset IRI
    dataset_id: str
    started: str  # ISO 8601
    ended: str
    outcome: str  # published | held | rejected | failed
    graph: str | None = None  # the version graph it wrote (load) or published (publication)
    origin: str | None = None  # publication: the load that wrote the draft
    agency: str | None = None
    agency_name: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    file_name: str | None = None  # as stored (an upload: the name the server chose)
    upload_name: str | None = None  # an upload's name on the sender's machine
    file_sha256: str | None = None
    mapping: str | None = None
    mapping_name: str | None = None
    mapping_sha256: str | None = None
    rows_read: int | None = None
    rows_rejected: int | None = None
    rows_dropped: int | None = None
    observations: int | None = None
    report: str | None = None
    conforms: bool | None = None
    violations: int | None = None
    warnings: int | None = None
    accepted: int = 0
    acceptances: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    software: str | None = None
    message: str = ""
    # The version graph it wrote or published is the dataset's published version today (for a
    # held load, once a later publication put its draft in force).
    published_now: bool = False
    # Who it was associated with (prov:wasAssociatedWith): person, software, agency IRIs; a
    # resource page reads them, the load history names them (``people``, ``software``, ``agency``).
    agents: tuple[str, ...] = ()

    @property
    def outcome_iri(self) -> str:
        """The outcome as the graph records it.

        >>> Activity("a", "load", "d", "d", "", "", "held").outcome_iri
        'https://w3id.org/onecenter/def#outcomeHeld'
        """
        return self.outcome if ":" in self.outcome else OC + "outcome" + self.outcome.capitalize()

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["acceptances"] = list(self.acceptances)
        out["people"] = list(self.people)
        del out["agents"]  # not part of the load history's answer
        return out


def dataset_id(iris: Iris, dataset_iri: str) -> str:
    """A dataset's id (its slug) from its IRI; an IRI of another family as it is."""
    prefix = iris.dataset("")
    return unquote(dataset_iri[len(prefix) :]) if dataset_iri.startswith(prefix) else dataset_iri


_CORE = """SELECT ?act ?kind ?dataset ?started ?ended ?outcome ?graph ?origin ?report ?conforms
       ?violations ?warnings ?message ?upload WHERE {
  ?act oc:loadedDataset ?dataset ; prov:startedAtTime ?started ; prov:endedAtTime ?ended ;
       oc:outcome ?outcome .
  { ?act a oc:Load . BIND("load" AS ?kind) OPTIONAL { ?act prov:generated ?graph } }
  UNION
  { ?act a oc:Publication . BIND("publication" AS ?kind)
    OPTIONAL { ?act prov:used ?graph } OPTIONAL { ?act prov:wasInformedBy ?origin } }
  OPTIONAL { ?act oc:validationReport ?report .
    OPTIONAL { ?report sh:conforms ?conforms } OPTIONAL { ?report oc:violationCount ?violations }
    OPTIONAL { ?report oc:warningCount ?warnings } }
  OPTIONAL { ?act rdfs:comment ?message }
  OPTIONAL { ?act oc:uploadName ?upload }
}"""
_INPUTS = """SELECT ?act ?x ?type ?name ?sha WHERE {
  ?act a prov:Activity ; prov:used ?x . ?x a ?type ; oc:fileName ?name ; oc:sha256 ?sha .
  FILTER(?type IN (oc:SourceFile, oc:MappingFile))
}"""
# Every agent; ?type only for the people, software and agency the history names.
_AGENTS = """SELECT ?act ?agent ?type ?label WHERE {
  ?act a prov:Activity ; prov:wasAssociatedWith ?agent .
  OPTIONAL { ?agent a ?type . FILTER(?type IN (prov:Person, prov:SoftwareAgent, org:Organization)) }
  OPTIONAL { ?agent rdfs:label ?label }
}"""
_COUNTS = """SELECT ?act ?p ?n WHERE {
  ?act a prov:Activity ; ?p ?n .
  FILTER(?p IN (oc:rowsRead, oc:rowsRejected, oc:rowsDropped, oc:observationCount))
}"""
_ACCEPTED = """SELECT ?act ?acc (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?act oc:acceptedViolations ?acc .
  OPTIONAL { ?act oc:validationReport ?report . ?report sh:result ?r . ?acc oc:acceptedResult ?r }
} GROUP BY ?act ?acc"""
_COUNT_FIELDS = {
    OC + "rowsRead": "rows_read",
    OC + "rowsRejected": "rows_rejected",
    OC + "rowsDropped": "rows_dropped",
    OC + "observationCount": "observations",
}
# What a publication shows of the load that wrote its draft: the table it published.
_FROM_ORIGIN = (
    "agency",
    "agency_name",
    "file",
    "file_name",
    "upload_name",
    "file_sha256",
    "mapping",
    "mapping_name",
    "mapping_sha256",
    "rows_read",
    "rows_rejected",
    "rows_dropped",
    "observations",
)
_Fields = dict[str, Any]


def activities(view: PublicGraphs) -> list[Activity]:
    """Every load and publication of a held draft, newest first."""
    prov = [*view.provenance, view.iris.ontology_graph]
    fields: dict[str, _Fields] = {}
    for row in view.select(_CORE, graphs=prov):
        _read_core(fields.setdefault(row["act"].value, {}), row, view.iris)
    for query, read in ((_INPUTS, _read_input), (_AGENTS, _read_agent), (_COUNTS, _read_count)):
        for row in view.select(query, graphs=prov):
            if (f := fields.get(row["act"].value)) is not None:
                read(f, row)
    for row in view.select(_ACCEPTED, graphs=prov):
        if (f := fields.get(row["act"].value)) is not None:
            f.setdefault("acceptances", set()).add(row["acc"].value)
            f["accepted"] = f.get("accepted", 0) + int(row["n"].value)
    published = set(view.versions.values())
    found = {act: _activity(f, published) for act, f in fields.items()}
    shown = [_with_origin(a, found) for a in found.values()]
    return sorted(shown, key=lambda a: (a.started, a.ended, a.iri), reverse=True)


def _read_core(f: _Fields, row: dict[str, Any], iris: Iris) -> None:
    dataset = row["dataset"].value
    outcome = row["outcome"].value
    f.update(
        iri=row["act"].value,
        kind=row["kind"].value,
        dataset=dataset,
        dataset_id=dataset_id(iris, dataset),
        started=row["started"].value,
        ended=row["ended"].value,
        outcome=_OUTCOME_NAMES.get(outcome, outcome),
    )
    for key in ("graph", "origin", "report"):
        if key in row:
            f[key] = row[key].value
    if "conforms" in row:
        f["conforms"] = row["conforms"].value in ("true", "1")
    for key in ("violations", "warnings"):
        if key in row:
            f[key] = int(row[key].value)
    if "message" in row:
        f["message"] = row["message"].value
    if "upload" in row:
        f["upload_name"] = row["upload"].value


def _read_input(f: _Fields, row: dict[str, Any]) -> None:
    kind = "file" if row["type"].value == OC + "SourceFile" else "mapping"
    f.update({kind: row["x"].value, f"{kind}_name": row["name"].value, f"{kind}_sha256": row["sha"].value})


def _read_agent(f: _Fields, row: dict[str, Any]) -> None:
    agent = row["agent"].value
    f.setdefault("agents", set()).add(agent)
    kind = row["type"].value if "type" in row else None
    label = row.get("label")
    if kind == PROV + "Person" and label is not None:
        f.setdefault("people", set()).add(label.value)
    elif kind == PROV + "SoftwareAgent" and label is not None:
        f["software"] = label.value
    elif kind == PREFIXES["org"] + "Organization":
        f["agency"] = agent
        if isinstance(label, ox.Literal):
            f.setdefault("agency_name", {})[label.language or ""] = label.value


def _read_count(f: _Fields, row: dict[str, Any]) -> None:
    f[_COUNT_FIELDS[row["p"].value]] = int(row["n"].value)


def _activity(f: _Fields, published: set[str]) -> Activity:
    f["people"] = tuple(sorted(f.get("people", ())))
    f["acceptances"] = tuple(sorted(f.get("acceptances", ())))
    f["agents"] = tuple(sorted(f.get("agents", ())))
    if "agency_name" in f:
        # A plain dict: dataclasses.asdict (Activity.as_dict) rebuilds a dict subclass from a
        # generator, which Text's constructor does not take.
        f["agency_name"] = dict(Text.of(f["agency_name"]))
    f["published_now"] = f.get("graph") in published
    return Activity(**f)


def _with_origin(a: Activity, found: dict[str, Activity]) -> Activity:
    """A publication shows the table it published: file, mapping, agency and counts of its load."""
    origin = found.get(a.origin or "")
    if a.kind != "publication" or origin is None:
        return a
    return replace(a, **{name: getattr(origin, name) for name in _FROM_ORIGIN})
