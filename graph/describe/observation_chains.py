"""An observation's provenance chain, for its linked-data page.

From a published observation back to the cell it was read from and forward to its
publication: source cell (file name, SHA-256, sheet, row, column, raw value) -> load
(when, who, mapping) -> validation findings about this observation and the acceptances
that let them through -> publication of a held draft, if any. The load and publications
are ``Activity``, the findings ``Finding`` and the decisions ``Acceptance``: the types the
load history, validation and the publication gate use.

Only the published version counts: the observation's IRI is the same in every version of
its dataset, so a held draft's findings about it stay out (see ``_is_about_published``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.check.findings import SEVERITIES, Finding
from graph.describe.acceptance_records import recorded_acceptances
from graph.describe.descriptions import (
    MAX_FINDINGS,
    Description,
    Provenance,
    SourceCell,
    all_objects,
    first_object,
    object_text,
)
from graph.describe.resource_queries import ResourceQueries
from graph.provenance.activities import OUTCOMES, Activity, dataset_id
from graph.rdf.iris import Iris
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, QB, RDF_TYPE

__all__ = ["add_provenance", "finding_from_triples", "finding_order"]

SH = PREFIXES["sh"]
_OUTCOME_NAMES = {iri: name for name, iri in OUTCOMES.items()}
_SEVERITY_RANK = {iri: rank for rank, iri in enumerate(SEVERITIES.values())}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def finding_order(finding: Finding) -> tuple[int, str]:
    """Violations first, then warnings, then the rest; by result IRI within each."""
    return _SEVERITY_RANK.get(finding.severity, 3), finding.result or ""


def finding_from_triples(
    iri: str,
    triples: list[ox.Triple],
    *,
    report: str | None = None,
    activity: str | None = None,
    accepted_by: tuple[str, ...] = (),
) -> Finding:
    """The validation result ``iri`` from its own triples."""
    messages: dict[str | None, str] = {}
    for t in triples:
        if t.predicate.value == SH + "resultMessage" and isinstance(t.object, ox.Literal):
            messages.setdefault(t.object.language, t.object.value)
    return Finding(
        shape=first_object(triples, SH + "sourceShape") or "",
        focus=first_object(triples, SH + "focusNode") or "",
        component=first_object(triples, SH + "sourceConstraintComponent") or "",
        severity=first_object(triples, SH + "resultSeverity") or "",
        path=first_object(triples, SH + "resultPath"),
        value=first_object(triples, SH + "value"),
        message_id=messages.get("id") or messages.get(None) or "",
        message_en=messages.get("en") or "",
        other_dataset=first_object(triples, DCTERMS + "references"),
        result=iri,
        report=report,
        activity=activity,
        accepted_by=accepted_by,
    )


@dataclass
class _Chain:
    """The triples of an observation's chain, read in three rounds (each one query per kind)."""

    row: str | None
    graph: str | None
    row_triples: list[ox.Triple]
    graph_triples: list[ox.Triple]
    file: str | None
    file_triples: list[ox.Triple]
    activities: dict[str, list[ox.Triple]]  # the load and publications -> their triples
    loaded: str | None
    publications: list[str]
    reports: list[str]
    more: dict[str, list[ox.Triple]]  # reports and the files the activities used
    mappings: dict[str, list[ox.Triple]]

    @classmethod
    def read(cls, queries: ResourceQueries, own: list[ox.Triple], graph: str | None) -> _Chain:
        # Source row -> file; version graph -> its load -> mapping, report; publications of the graph.
        row = first_object(own, OC + "sourceRow")
        step1 = queries.triples_of([x for x in (row, graph) if x])
        row_triples = step1.get(row, []) if row else []
        graph_triples = step1.get(graph, []) if graph else []
        file = first_object(row_triples, OC + "sourceFile")
        load = first_object(graph_triples, PROV + "wasGeneratedBy")
        publications = queries.pointing([graph], PROV + "used").get(graph, []) if graph else []
        step2 = queries.triples_of([x for x in (file, load, *publications) if x])
        activities = {a: step2.get(a, []) for a in (load, *publications) if a}
        reports = [r for a in activities.values() if (r := first_object(a, OC + "validationReport"))]
        used = [
            u for a in activities.values() for u in all_objects(a, PROV + "used") if u not in (file, graph)
        ]
        more = queries.triples_of([*reports, *used])
        mappings = {u: more[u] for u in used if OC + "MappingFile" in all_objects(more.get(u, []), RDF_TYPE)}
        file_triples = step2.get(file, []) if file else []
        return cls(
            row=row,
            graph=graph,
            row_triples=row_triples,
            graph_triples=graph_triples,
            file=file,
            file_triples=file_triples,
            activities=activities,
            loaded=load,
            publications=publications,
            reports=reports,
            more=more,
            mappings=mappings,
        )

    def source(self, own: list[ox.Triple]) -> SourceCell | None:
        if self.row is None:
            return None
        row, file = self.row_triples, self.file_triples
        return SourceCell(
            row=self.row,
            file=self.file,
            file_name=first_object(file, OC + "fileName"),
            sha256=first_object(file, OC + "sha256"),
            media_type=first_object(file, DCTERMS + "format"),
            byte_size=_int(first_object(file, OC + "byteSize")),
            sheet=first_object(row, OC + "sheet"),
            row_number=_int(first_object(row, OC + "rowNumber")),
            column=first_object(own, OC + "sourceColumn"),
            raw_value=first_object(own, OC + "rawValue"),
            region_link_method=first_object(row, OC + "regionLinkMethod"),
            region_link_score=first_object(row, OC + "regionLinkScore"),
            region_link_decision=first_object(row, OC + "regionLinkDecision"),
        )

    def activity(self, iri: str, kind: str, iris: Iris) -> Activity:
        triples = self.activities[iri]
        mapping = next((u for u in all_objects(triples, PROV + "used") if u in self.mappings), None)
        mapping_triples = self.mappings.get(mapping, []) if mapping else []
        report = first_object(triples, OC + "validationReport")
        conforms = first_object(self.more.get(report, []), SH + "conforms") if report else None
        dataset = first_object(triples, OC + "loadedDataset") or ""
        outcome = first_object(triples, OC + "outcome") or ""
        return Activity(
            iri=iri,
            kind=kind,
            dataset=dataset,
            dataset_id=dataset_id(iris, dataset),
            started=first_object(triples, PROV + "startedAtTime") or "",
            ended=first_object(triples, PROV + "endedAtTime") or "",
            outcome=_OUTCOME_NAMES.get(outcome, outcome),
            graph=self.graph,
            origin=first_object(triples, PROV + "wasInformedBy"),
            mapping=mapping,
            mapping_name=first_object(mapping_triples, OC + "fileName"),
            mapping_sha256=first_object(mapping_triples, OC + "sha256"),
            report=report,
            conforms=None if conforms is None else conforms == "true",
            acceptances=tuple(all_objects(triples, OC + "acceptedViolations")),
            agents=tuple(all_objects(triples, PROV + "wasAssociatedWith")),
        )

    def context(self, findings: Iterable[Finding]) -> list[ox.Triple]:
        """The chain's own triples, for RDF output (a report's other results are left out)."""
        out = [
            t
            for triples in (self.row_triples, self.graph_triples, self.file_triples)
            + tuple(self.activities.values())
            + tuple(self.mappings.values())
            for t in triples
        ]
        relevant = {f.result for f in findings}
        for report in self.reports:
            out += [
                t
                for t in self.more.get(report, [])
                if t.predicate.value != SH + "result" or object_text(t) in relevant
            ]
        return out


def add_provenance(queries: ResourceQueries, description: Description) -> None:
    """Fill ``description.provenance`` of an observation, and its chain's triples into the context."""
    own = description.triples
    dataset = first_object(own, QB + "dataSet")
    if dataset and dataset not in queries.view.versions:
        # The cube of a group of measures observed at other points: its dataset's chain.
        found = queries.view.select(
            "SELECT ?cube ?d WHERE { ?cube oc:cubeOf ?d }",
            graphs=sorted(queries.view.versions.values()),
            cube=ox.NamedNode(dataset),
        )
        dataset = found[0]["d"].value if found else dataset
    graph = queries.view.versions.get(dataset) if dataset else None
    chain = _Chain.read(queries, own, graph)
    iris = queries.view.iris
    load = chain.activity(chain.loaded, "load", iris) if chain.loaded else None
    publications = tuple(chain.activity(p, "publication", iris) for p in chain.publications)
    findings, finding_context = _findings_about(queries, description.iri, dataset, graph, load)
    accepted = sorted({a for f in findings for a in f.accepted_by})
    acceptances = recorded_acceptances(queries.view, accepted)
    description.provenance = Provenance(
        description.iri,
        dataset,
        graph,
        chain.source(own),
        load,
        publications,
        tuple(findings),
        tuple(acceptances.values()),
    )
    acceptance_triples = queries.triples_of(accepted)
    description.context += chain.context(findings) + finding_context
    for a in accepted:
        description.context += acceptance_triples.get(a, [])


def _is_about_published(
    act: list[ox.Triple], dataset: str | None, graph: str | None, load: Activity | None
) -> bool:
    """Whether a report's activity checked the published version.

    Kept: the load or publication of the published version, or a later load of *another*
    dataset (a cross-agency check run against what was then published).
    """
    same_version = graph is not None and (
        graph in all_objects(act, PROV + "generated") or graph in all_objects(act, PROV + "used")
    )
    return same_version or (
        first_object(act, OC + "loadedDataset") not in (None, dataset)
        and load is not None
        and bool(load.started)
        and (first_object(act, PROV + "startedAtTime") or "") >= load.started
    )


def _findings_about(
    queries: ResourceQueries, obs: str, dataset: str | None, graph: str | None, load: Activity | None
) -> tuple[list[Finding], list[ox.Triple]]:
    """Validation results about the published version of ``obs``, and their triples."""
    results = queries.pointing([obs], SH + "focusNode").get(obs, [])[:MAX_FINDINGS]
    if not results:
        return [], []
    reports = queries.pointing(results, SH + "result")
    actors = queries.pointing({r for found in reports.values() for r in found}, OC + "validationReport")
    activities = queries.triples_of({a for found in actors.values() for a in found})
    accepted = queries.pointing(results, OC + "acceptedResult")
    triples = queries.triples_of(results)
    kept: list[Finding] = []
    context: list[ox.Triple] = []
    for result in results:
        report = next(iter(reports.get(result, [])), None)
        actor = next(iter(actors.get(report, [])), None) if report else None
        if not _is_about_published(activities.get(actor, []) if actor else [], dataset, graph, load):
            continue
        found = triples.get(result, [])
        kept.append(
            finding_from_triples(
                result, found, report=report, activity=actor, accepted_by=tuple(accepted.get(result, []))
            )
        )
        context += found
        if report:
            context.append(ox.Triple(ox.NamedNode(report), ox.NamedNode(SH + "result"), ox.NamedNode(result)))
    return sorted(kept, key=finding_order), context
