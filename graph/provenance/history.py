"""Provenance for auditors: from a figure to its source file, its checks and who published it.

``trace`` follows one IRI — an observation, a source row, a dataset, a load, a
publication or a source file — to the load activity behind it, the source file
(name, SHA-256, sheet, row, column, raw value), the mapping (name, SHA-256), how
its region was linked, what validation found about it, the violations the
Walidata accepted, the publication and the publisher. ``load_history`` lists
every load and publication, newest first.

Only the public graphs are read (vocabulary, regions, periods, decisions,
catalogue, provenance, and the *published* version of each dataset): a held
draft's figures are never shown, though its load record — public in the
provenance graph — is. User input reaches queries only as substituted terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from graph.errors import ParameterError, QueryError, UnknownResource
from graph.provenance.activities import Activity
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, PROV, QB
from graph.store.embedded import Store
from graph.store.public import PublicGraphs

__all__ = [
    "OUTCOMES",
    "Activity",
    "ParameterError",
    "LoadHistory",
    "PublicGraphs",
    "UnknownResource",
    "acceptances_of",
    "activities",
    "load_history",
    "report_findings",
    "trace",
    "trace_rdf",
]

SH = PREFIXES["sh"]
_RDFS = PREFIXES["rdfs"]
_SKOS = PREFIXES["skos"]
_ORG = PREFIXES["org"]
_DCTERMS = PREFIXES["dcterms"]
_DCAT = PREFIXES["dcat"]
# Outcome names in the API -> their oc: concepts.
OUTCOMES = {
    "published": OC + "outcomePublished",
    "held": OC + "outcomeHeld",
    "rejected": OC + "outcomeRejected",
    "failed": OC + "outcomeFailed",
}
_OUTCOME_NAMES = {iri: name for name, iri in OUTCOMES.items()}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

KINDS = {
    QB + "Observation": "observation",
    OC + "SourceRow": "source_row",
    _DCAT + "Dataset": "dataset",
    OC + "Load": "load",
    OC + "Publication": "publication",
    OC + "SourceFile": "source_file",
}


# --- activities (loads and publications) --------------------------------------------------


def _int(term: Any) -> int | None:
    return int(term.value) if term is not None else None


def _texts(rows: list[dict[str, Any]], key: str) -> dict[str, str]:
    """{language: text} of the literals under ``key`` ("" for a plain literal)."""
    out: dict[str, str] = {}
    for row in rows:
        term = row.get(key)
        if isinstance(term, ox.Literal):
            out.setdefault(term.language or "", term.value)
    return out


def _slug(iris: Iris, dataset_iri: str) -> str:
    prefix = iris.dataset("")
    return unquote(dataset_iri[len(prefix) :]) if dataset_iri.startswith(prefix) else dataset_iri


def activities(view: PublicGraphs) -> list[Activity]:
    """Every load and publication of a held draft, newest first."""
    iris = view.iris
    prov = [iris.provenance_graph, iris.ontology_graph]
    core = view.select(
        """SELECT ?act ?kind ?dataset ?started ?ended ?outcome ?graph ?origin ?report ?conforms
       ?violations ?warnings ?message WHERE {
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
}""",
        graphs=prov,
    )
    inputs = view.select(
        """SELECT ?act ?x ?type ?name ?sha WHERE {
  ?act a prov:Activity ; prov:used ?x . ?x a ?type ; oc:fileName ?name ; oc:sha256 ?sha .
  FILTER(?type IN (oc:SourceFile, oc:MappingFile))
}""",
        graphs=prov,
    )
    agents = view.select(
        """SELECT ?act ?agent ?type ?label WHERE {
  ?act a prov:Activity ; prov:wasAssociatedWith ?agent . ?agent a ?type .
  FILTER(?type IN (prov:Person, prov:SoftwareAgent, org:Organization))
  OPTIONAL { ?agent rdfs:label ?label }
}""",
        graphs=prov,
    )
    counts = view.select(
        """SELECT ?act ?p ?n WHERE {
  ?act a prov:Activity ; ?p ?n .
  FILTER(?p IN (oc:rowsRead, oc:rowsRejected, oc:rowsDropped, oc:observationCount))
}""",
        graphs=prov,
    )
    accepted = view.select(
        """SELECT ?act ?acc (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?act oc:acceptedViolations ?acc .
  OPTIONAL { ?act oc:validationReport ?report . ?report sh:result ?r . ?acc oc:acceptedResult ?r }
} GROUP BY ?act ?acc""",
        graphs=prov,
    )
    published = set(view.versions.values())

    fields: dict[str, dict[str, Any]] = {}
    f: dict[str, Any] | None
    for row in core:
        act = row["act"].value
        f = fields.setdefault(act, {})
        f.update(
            iri=act,
            kind=row["kind"].value,
            dataset=row["dataset"].value,
            dataset_id=_slug(iris, row["dataset"].value),
            started=row["started"].value,
            ended=row["ended"].value,
            outcome=_OUTCOME_NAMES.get(row["outcome"].value, row["outcome"].value),
        )
        for key in ("graph", "origin", "report"):
            if key in row:
                f[key] = row[key].value
        if "conforms" in row:
            f["conforms"] = row["conforms"].value in ("true", "1")
        for key in ("violations", "warnings"):
            if key in row:
                f[key] = _int(row[key])
        if "message" in row:
            f["message"] = row["message"].value
    for row in inputs:
        f = fields.get(row["act"].value)
        if f is None:
            continue
        kind = "file" if row["type"].value == OC + "SourceFile" else "mapping"
        f.update(
            {kind: row["x"].value, f"{kind}_name": row["name"].value, f"{kind}_sha256": row["sha"].value}
        )
    for row in agents:
        f = fields.get(row["act"].value)
        if f is None:
            continue
        kind = row["type"].value
        label = row.get("label")
        if kind == PROV + "Person" and label is not None:
            f.setdefault("people", set()).add(label.value)
        elif kind == PROV + "SoftwareAgent" and label is not None:
            f["software"] = label.value
        elif kind == _ORG + "Organization":
            f["agency"] = row["agent"].value
            if isinstance(label, ox.Literal):
                f.setdefault("agency_name", {})[label.language or ""] = label.value
    names = {OC + "rowsRead": "rows_read", OC + "rowsRejected": "rows_rejected"}
    names |= {OC + "rowsDropped": "rows_dropped", OC + "observationCount": "observations"}
    for row in counts:
        f = fields.get(row["act"].value)
        if f is not None:
            f[names[row["p"].value]] = _int(row["n"])
    for row in accepted:
        f = fields.get(row["act"].value)
        if f is not None:
            f.setdefault("acceptances", set()).add(row["acc"].value)
            f["accepted"] = f.get("accepted", 0) + (_int(row["n"]) or 0)

    found: dict[str, Activity] = {}
    for act, f in fields.items():
        f["people"] = tuple(sorted(f.get("people", ())))
        f["acceptances"] = tuple(sorted(f.get("acceptances", ())))
        f["published_now"] = f.get("graph") in published
        found[act] = Activity(**f)
    # A publication shows the table it published: file, mapping, agency and counts of its load.
    for act, a in found.items():
        origin = found.get(a.origin or "")
        if a.kind == "publication" and origin is not None:
            found[act] = replace(
                a,
                agency=origin.agency,
                agency_name=origin.agency_name,
                file=origin.file,
                file_name=origin.file_name,
                file_sha256=origin.file_sha256,
                mapping=origin.mapping,
                mapping_name=origin.mapping_name,
                mapping_sha256=origin.mapping_sha256,
                rows_read=origin.rows_read,
                rows_rejected=origin.rows_rejected,
                rows_dropped=origin.rows_dropped,
                observations=origin.observations,
            )
    return sorted(found.values(), key=lambda a: (a.started, a.ended, a.iri), reverse=True)


@dataclass(frozen=True)
class LoadHistory:
    """A page of the load history (newest first) and how many activities matched."""

    items: list[Activity]
    total: int
    offset: int
    truncated: bool  # more matched than this page holds


def load_history(
    store: Store,
    iris: Iris,
    *,
    dataset: str | None = None,
    outcome: str | None = None,
    limit: int,
    offset: int = 0,
) -> LoadHistory:
    """Loads and publications, newest first, optionally of one dataset (its id) or outcome.

    Raises:
        ParameterError: an outcome that is not one of ``OUTCOMES``, or a dataset id that is
            malformed or that no load and no publication names.
    """
    if outcome is not None and outcome not in OUTCOMES:
        raise ParameterError(
            f"hasil tidak dikenal / unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}"
        )
    view = PublicGraphs(store, iris)
    every = activities(view)
    if dataset is not None:
        known = sorted({a.dataset_id for a in every})
        if not _SLUG.match(dataset) or dataset not in known:
            raise ParameterError(
                f"dataset tidak dikenal / unknown dataset {dataset!r}; datasets with loads: "
                + (", ".join(known) or "(none)")
            )
    chosen = [
        a
        for a in every
        if (dataset is None or a.dataset_id == dataset) and (outcome is None or a.outcome == outcome)
    ]
    page = chosen[offset : offset + limit]
    return LoadHistory(page, len(chosen), offset, offset + len(page) < len(chosen))


# --- trace --------------------------------------------------------------------------------


def _node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise QueryError(f"bukan IRI yang sah / not a valid absolute IRI: {iri!r}") from None


def _kind(view: PublicGraphs, iri: ox.NamedNode) -> tuple[str, str | None]:
    """What the IRI is (observation, dataset, …) and the public graph that says so."""
    rows = view.select("SELECT ?iri ?type ?g WHERE { GRAPH ?g { ?iri a ?type } }", iri=iri)
    found = {(KINDS[r["type"].value], r["g"].value) for r in rows if r["type"].value in KINDS}
    for kind in ("observation", "source_row", "dataset", "load", "publication", "source_file"):
        graphs = sorted(g for k, g in found if k == kind)
        if graphs:
            return kind, graphs[0]
    # A dataset never published (first load held or refused) still has its load records.
    named = view.select(
        "SELECT ?iri WHERE { ?act oc:loadedDataset ?iri } LIMIT 1",
        graphs=[view.iris.provenance_graph],
        iri=iri,
    )
    if named:
        return "dataset", None
    raise UnknownResource(
        f"tidak ada jejak untuk IRI ini / no public provenance for <{iri.value}>: give the IRI of a "
        "published observation, a source row, a dataset, a load, a publication or a source file "
        "(a held draft's figures are not public; its load record is, see /loads)"
    )


def _labels(view: PublicGraphs, iri: str) -> dict[str, str]:
    rows = view.select(
        "SELECT ?iri ?l WHERE { { ?iri skos:prefLabel ?l } UNION { ?iri rdfs:label ?l } }",
        iri=ox.NamedNode(iri),
    )
    return _texts(rows, "l")


def _region(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    if iri is None:
        return None
    iris = view.iris
    rows = view.select(
        "SELECT ?iri ?l ?level WHERE { ?iri skos:prefLabel ?l OPTIONAL { ?iri oc:regionLevel ?level } }",
        graphs=[iris.regions_graph],
        iri=ox.NamedNode(iri),
    )
    code = iri[len(iris.region_prefix) :] if iri.startswith(iris.region_prefix) else None
    level = next((r["level"].value for r in rows if "level" in r), None)
    return {
        "iri": iri,
        "code": code,
        "label": _texts(rows, "l").get("id") or next(iter(_texts(rows, "l").values()), None),
        "level": level.rsplit("level", 1)[-1].lower() if level else None,
    }


def _agency(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    if iri is None:
        return None
    rows = view.select(
        """SELECT ?iri ?l ?role ?roleLabel WHERE {
  OPTIONAL { ?iri skos:prefLabel ?l }
  OPTIONAL { ?iri oc:satuDataRole ?role OPTIONAL { ?role skos:prefLabel ?roleLabel } } }""",
        graphs=[view.iris.ontology_graph],
        iri=ox.NamedNode(iri),
    )
    roles: dict[str, dict[str, str]] = {}
    for r in rows:
        if "role" in r:
            label = r.get("roleLabel")
            entry = roles.setdefault(r["role"].value, {})
            if isinstance(label, ox.Literal):
                entry[label.language or ""] = label.value
    return {
        "iri": iri,
        "name": _texts(rows, "l"),
        "roles": [{"iri": k, "label": v} for k, v in sorted(roles.items())],
    }


def _source_file(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    if iri is None:
        return None
    rows = view.select(
        """SELECT ?iri ?name ?sha ?size ?format WHERE { ?iri oc:fileName ?name ; oc:sha256 ?sha .
  OPTIONAL { ?iri oc:byteSize ?size } OPTIONAL { ?iri dcterms:format ?format } }""",
        graphs=[view.iris.provenance_graph],
        iri=ox.NamedNode(iri),
    )
    if not rows:
        return {"iri": iri}
    r = rows[0]
    return {
        "iri": iri,
        "name": r["name"].value,
        "sha256": r["sha"].value,
        "byte_size": _int(r.get("size")),
        "media_type": r["format"].value if "format" in r else None,
    }


def _decision(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    if iri is None:
        return None
    rows = view.select(
        """SELECT ?iri ?variant ?region ?parent ?who ?date ?note WHERE {
  ?iri oc:variant ?variant . OPTIONAL { ?iri oc:decidedRegion ?region }
  OPTIONAL { ?iri oc:variantParent ?parent }
  OPTIONAL { ?iri prov:wasAttributedTo/rdfs:label ?who } OPTIONAL { ?iri dcterms:date ?date }
  OPTIONAL { ?iri rdfs:comment ?note } }""",
        graphs=[view.iris.decisions_graph],
        iri=ox.NamedNode(iri),
    )
    if not rows:
        return {"iri": iri}
    r = rows[0]
    return {
        "iri": iri,
        "variant": r["variant"].value,
        "region": r["region"].value if "region" in r else None,
        "parent": r["parent"].value if "parent" in r else None,
        "decided_by": r["who"].value if "who" in r else None,
        "decided_on": r["date"].value if "date" in r else None,
        "note": r["note"].value if "note" in r else None,
    }


def _source_row(view: PublicGraphs, iri: str, graph: str) -> dict[str, Any]:
    """A source row: file, sheet, row number, and how its region was linked."""
    rows = view.select(
        """SELECT ?iri ?file ?number ?sheet ?method ?score ?runnerUp ?decision ?stated ?statedName
WHERE { ?iri oc:sourceFile ?file ; oc:rowNumber ?number .
  OPTIONAL { ?iri oc:sheet ?sheet } OPTIONAL { ?iri oc:regionLinkMethod ?method }
  OPTIONAL { ?iri oc:regionLinkScore ?score } OPTIONAL { ?iri oc:regionLinkRunnerUp ?runnerUp }
  OPTIONAL { ?iri oc:regionLinkDecision ?decision } OPTIONAL { ?iri oc:statedParent ?stated }
  OPTIONAL { ?iri oc:statedParentName ?statedName } }""",
        graphs=[graph],
        iri=ox.NamedNode(iri),
    )
    if not rows:
        return {"iri": iri}
    r = rows[0]

    def value(key: str) -> str | None:
        return r[key].value if key in r else None

    score = value("score")
    return {
        "iri": iri,
        "file": _source_file(view, value("file")),
        "sheet": value("sheet"),
        "row": int(r["number"].value),
        "region_link": {
            "method": value("method"),
            "score": float(score) if score is not None else None,
            "runner_up": _region(view, value("runnerUp")),
            "decision": _decision(view, value("decision")),
            "stated_parent": _region(view, value("stated")),
            "stated_parent_name": value("statedName"),
        },
    }


def _observation(view: PublicGraphs, iri: str, graph: str) -> dict[str, Any]:
    rows = view.select(
        """SELECT ?iri ?dataset ?indicator ?value ?area ?period ?unit ?row ?column ?raw WHERE {
  ?iri a qb:Observation ; qb:dataSet ?dataset ; qb:measureType ?indicator ; ?indicator ?value .
  OPTIONAL { ?iri sdmx-dimension:refArea ?area } OPTIONAL { ?iri sdmx-dimension:refPeriod ?period }
  OPTIONAL { ?iri sdmx-attribute:unitMeasure ?unit } OPTIONAL { ?iri oc:sourceRow ?row }
  OPTIONAL { ?iri oc:sourceColumn ?column } OPTIONAL { ?iri oc:rawValue ?raw } }""",
        graphs=[graph],
        iri=ox.NamedNode(iri),
    )
    r = rows[0]
    dims = view.select(
        """SELECT ?iri ?dimension ?code ?notation WHERE {
  ?iri ?dimension ?code . ?dimension a qb:DimensionProperty . OPTIONAL { ?code skos:notation ?notation } }""",
        graphs=[graph, view.iris.ontology_graph],
        iri=ox.NamedNode(iri),
    )
    value = r["value"]
    number: Any = value.value
    if isinstance(value, ox.Literal) and value.datatype.value.endswith(("#integer", "#decimal", "#double")):
        number = int(value.value) if value.datatype.value.endswith("#integer") else float(value.value)
    indicator = r["indicator"].value
    period = r["period"].value if "period" in r else None
    iris = view.iris
    return {
        "iri": iri,
        "dataset": r["dataset"].value,
        "indicator": {"iri": indicator, "label": _labels(view, indicator)},
        "region": _region(view, r["area"].value if "area" in r else None),
        "period": {
            "iri": period,
            "key": period[len(iris.period_prefix) :]
            if period and period.startswith(iris.period_prefix)
            else None,
        },
        "dimensions": [
            {
                "dimension": d["dimension"].value,
                "code": d["code"].value,
                "notation": d["notation"].value if "notation" in d else None,
            }
            for d in dims
        ],
        "value": number,
        "unit": {"iri": r["unit"].value, "label": _labels(view, r["unit"].value)} if "unit" in r else None,
        "source_row": r["row"].value if "row" in r else None,
        "source_column": r["column"].value if "column" in r else None,
        "raw_value": r["raw"].value if "raw" in r else None,
    }


def _findings(
    view: PublicGraphs, focus: list[str], current: set[str], max_rows: int
) -> tuple[list[dict[str, Any]], bool]:
    """Validation results about the focus nodes in every recorded report, newest first.

    ``current`` are the reports of the activities behind the published versions.
    """
    out: list[dict[str, Any]] = []
    for iri in focus:
        rows = view.select(
            """SELECT ?iri ?result ?report ?activity ?started ?severity ?shape ?component ?path ?value
       ?message WHERE { ?result sh:focusNode ?iri . ?report sh:result ?result .
  ?activity oc:validationReport ?report ; prov:startedAtTime ?started .
  OPTIONAL { ?result sh:resultSeverity ?severity } OPTIONAL { ?result sh:sourceShape ?shape }
  OPTIONAL { ?result sh:sourceConstraintComponent ?component } OPTIONAL { ?result sh:resultPath ?path }
  OPTIONAL { ?result sh:value ?value } OPTIONAL { ?result sh:resultMessage ?message } }""",
            graphs=[view.iris.provenance_graph],
            iri=ox.NamedNode(iri),
        )
        accepted = view.select(
            """SELECT ?iri ?result ?acceptance WHERE {
  ?result sh:focusNode ?iri . ?acceptance oc:acceptedResult ?result }""",
            graphs=[view.iris.provenance_graph],
            iri=ox.NamedNode(iri),
        )
        by_result: dict[str, list[str]] = {}
        for a in accepted:
            by_result.setdefault(a["result"].value, []).append(a["acceptance"].value)
        grouped: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            grouped.setdefault(r["result"].value, []).append(r)
        for result, group in grouped.items():
            r = group[0]

            def value(key: str, r: dict[str, Any] = r) -> str | None:
                return r[key].value if key in r else None

            severity = value("severity") or ""
            out.append(
                {
                    "result": result,
                    "focus": iri,
                    "severity": severity.rsplit("#", 1)[-1] if severity else None,
                    "shape": value("shape"),
                    "component": value("component"),
                    "path": value("path"),
                    "value": value("value"),
                    "message": _texts(group, "message"),
                    "report": r["report"].value,
                    "activity": r["activity"].value,
                    "at": r["started"].value,
                    "current": r["report"].value in current,
                    "accepted_by": sorted(by_result.get(result, [])),
                }
            )
    out.sort(key=lambda f: f["at"], reverse=True)
    out.sort(key=lambda f: not f["current"])  # stable: findings on the version in force first
    return out[:max_rows], len(out) > max_rows


def acceptances_of(view: PublicGraphs, iris_: list[str]) -> list[dict[str, Any]]:
    out = []
    for iri in sorted(set(iris_)):
        rows = view.select(
            """SELECT ?iri ?reason ?who ?date ?source ?shape ?row WHERE {
  ?iri a oc:ViolationAcceptance . OPTIONAL { ?iri rdfs:comment ?reason }
  OPTIONAL { ?iri prov:wasAttributedTo/rdfs:label ?who } OPTIONAL { ?iri dcterms:date ?date }
  OPTIONAL { ?iri dcterms:source ?source } OPTIONAL { ?iri oc:acceptedShape ?shape }
  OPTIONAL { ?iri oc:sourceRowNumber ?row } }""",
            graphs=[view.iris.provenance_graph],
            iri=ox.NamedNode(iri),
        )
        if not rows:
            continue
        r = rows[0]
        out.append(
            {
                "iri": iri,
                "reason": r["reason"].value if "reason" in r else None,
                "decided_by": r["who"].value if "who" in r else None,
                "decided_on": r["date"].value if "date" in r else None,
                "source": r["source"].value if "source" in r else None,
                "shapes": sorted({x["shape"].value for x in rows if "shape" in x}),
                "rows": sorted({int(x["row"].value) for x in rows if "row" in x}),
            }
        )
    return out


def _version(
    view: PublicGraphs, graph: str, every: list[Activity]
) -> tuple[Activity | None, Activity | None]:
    """The load that wrote a version graph and the publication that published it (if a later one did)."""
    load = next((a for a in every if a.kind == "load" and a.graph == graph), None)
    publication = next((a for a in every if a.kind == "publication" and a.graph == graph), None)
    return load, publication


def _dataset_summary(view: PublicGraphs, dataset: str) -> dict[str, Any]:
    graph = view.versions.get(dataset)
    info: dict[str, Any] = {"iri": dataset, "id": _slug(view.iris, dataset), "published_graph": graph}
    if graph is None:
        info.update(title={}, publisher=None)
        return info
    rows = view.select(
        """SELECT ?iri ?title ?publisher WHERE { ?iri dcterms:title ?title .
  OPTIONAL { ?iri dcterms:publisher ?publisher } }""",
        graphs=[graph],
        iri=ox.NamedNode(dataset),
    )
    publisher = next((r["publisher"].value for r in rows if "publisher" in r), None)
    info.update(title=_texts(rows, "title"), publisher=_agency(view, publisher))
    return info


def _published_context(
    view: PublicGraphs, dataset: str, graph: str | None, every: list[Activity]
) -> dict[str, Any]:
    """Load, publication, validation reports and acceptances behind a dataset's published version."""
    load, publication = _version(view, graph, every) if graph else (None, None)
    in_force = publication or load
    reports = {a.report for a in (load, publication) if a is not None and a.report}
    acceptance_iris = [i for a in (load, publication) if a is not None for i in a.acceptances]
    return {
        "load": load.as_dict() if load else None,
        "publication": publication.as_dict() if publication else None,
        "validation": (
            {
                "report": in_force.report,
                "conforms": in_force.conforms,
                "violations": in_force.violations,
                "warnings": in_force.warnings,
                "accepted": in_force.accepted,
            }
            if in_force is not None
            else None
        ),
        "_reports": reports,
        "_acceptances": acceptance_iris,
    }


def trace(store: Store, iris: Iris, iri: str, *, max_rows: int) -> dict[str, Any]:
    """The provenance of one IRI, as a JSON-ready dict (``kind`` says what the IRI is).

    Raises:
        QueryError: ``iri`` is not an absolute IRI.
        UnknownResource: nothing public with provenance has that IRI (a held draft's
            observation included).
    """
    node = _node(iri)
    view = PublicGraphs(store, iris)
    kind, graph = _kind(view, node)
    every = activities(view)
    body: dict[str, Any] = {"ok": True, "iri": iri, "kind": kind}
    truncated = False

    if kind in ("observation", "source_row"):
        assert graph is not None
        if kind == "observation":
            obs = _observation(view, iri, graph)
            body["observation"] = obs
            row = _source_row(view, obs["source_row"], graph) if obs["source_row"] else None
            focus = [iri]
            dataset = obs["dataset"]
            body["source"] = {
                "row": obs["source_row"],
                "file": row["file"] if row else None,
                "sheet": row["sheet"] if row else None,
                "row_number": row["row"] if row else None,
                "column": obs["source_column"],
                "raw_value": obs["raw_value"],
            }
            body["region_link"] = row["region_link"] if row else None
        else:
            row = _source_row(view, iri, graph)
            members = view.select(
                """SELECT ?iri ?obs ?dataset ?column ?raw WHERE {
  ?obs oc:sourceRow ?iri ; qb:dataSet ?dataset .
  OPTIONAL { ?obs oc:sourceColumn ?column } OPTIONAL { ?obs oc:rawValue ?raw } } ORDER BY ?column ?obs""",
                graphs=[graph],
                iri=node,
            )
            truncated = len(members) > max_rows
            members = members[:max_rows]
            focus = [iri] + [m["obs"].value for m in members]
            dataset = members[0]["dataset"].value if members else ""
            body["source"] = {
                "row": iri,
                "file": row.get("file"),
                "sheet": row.get("sheet"),
                "row_number": row.get("row"),
                "observations": [
                    {
                        "iri": m["obs"].value,
                        "column": m["column"].value if "column" in m else None,
                        "raw_value": m["raw"].value if "raw" in m else None,
                    }
                    for m in members
                ],
            }
            body["region_link"] = row.get("region_link")
        context = _published_context(view, dataset, graph, every)
        findings, cut = _findings(view, focus, context.pop("_reports"), max_rows)
        acceptance_iris = context.pop("_acceptances")
        body["dataset"] = _dataset_summary(view, dataset)
        body.update(context)
        body["findings"] = findings
        del acceptance_iris  # the version's other acceptances are on its load / publication
        body["acceptances"] = acceptances_of(view, [a for f in findings for a in f["accepted_by"]])
        body["publisher"] = body["dataset"]["publisher"]
        body["truncated"] = truncated or cut
        return body

    if kind == "dataset":
        published = view.versions.get(iri)
        context = _published_context(view, iri, published, every)
        reports = context.pop("_reports")
        acceptance_iris = context.pop("_acceptances")
        body["dataset"] = _dataset_summary(view, iri)
        body.update(context)
        body["findings"], body["truncated"] = report_findings(view, sorted(reports), max_rows)
        body["acceptances"] = acceptances_of(view, acceptance_iris)
        body["publisher"] = body["dataset"]["publisher"]
        history = [a for a in every if a.dataset == iri]
        body["history"] = [a.as_dict() for a in history[:max_rows]]
        body["truncated"] = body["truncated"] or len(history) > max_rows
        return body

    if kind in ("load", "publication"):
        activity = next((a for a in every if a.iri == iri), None)
        if activity is None:  # typed, but without the fields of a finished activity
            raise UnknownResource(f"catatan pemuatan tidak lengkap / incomplete activity record <{iri}>")
        body["activity"] = activity.as_dict()
        body["dataset"] = _dataset_summary(view, activity.dataset)
        findings, cut = report_findings(view, [activity.report] if activity.report else [], max_rows)
        body["findings"] = findings
        body["acceptances"] = acceptances_of(view, list(activity.acceptances))
        body["publications"] = [a.as_dict() for a in every if a.kind == "publication" and a.origin == iri]
        body["publisher"] = body["dataset"]["publisher"]
        body["truncated"] = cut
        return body

    # source_file
    body["file"] = _source_file(view, iri)
    used = [a for a in every if a.file == iri]
    body["activities"] = [a.as_dict() for a in used[:max_rows]]
    body["truncated"] = len(used) > max_rows
    return body


def report_findings(
    view: PublicGraphs, reports: list[str], max_rows: int
) -> tuple[list[dict[str, Any]], bool]:
    """Every result of the given reports (with the acceptances that cover them)."""
    out: list[dict[str, Any]] = []
    for report in reports:
        rows = view.select(
            """SELECT ?iri ?result ?focus ?severity ?shape ?component ?path ?value ?message ?acceptance
WHERE {
  ?iri sh:result ?result . ?result sh:focusNode ?focus .
  OPTIONAL { ?result sh:resultSeverity ?severity } OPTIONAL { ?result sh:sourceShape ?shape }
  OPTIONAL { ?result sh:sourceConstraintComponent ?component } OPTIONAL { ?result sh:resultPath ?path }
  OPTIONAL { ?result sh:value ?value } OPTIONAL { ?result sh:resultMessage ?message }
  OPTIONAL { ?acceptance oc:acceptedResult ?result } }""",
            graphs=[view.iris.provenance_graph],
            iri=ox.NamedNode(report),
        )
        grouped: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            grouped.setdefault(r["result"].value, []).append(r)
        for result, group in grouped.items():
            r = group[0]
            severity = r["severity"].value if "severity" in r else ""
            out.append(
                {
                    "result": result,
                    "focus": r["focus"].value,
                    "severity": severity.rsplit("#", 1)[-1] if severity else None,
                    "shape": r["shape"].value if "shape" in r else None,
                    "component": r["component"].value if "component" in r else None,
                    "path": r["path"].value if "path" in r else None,
                    "value": r["value"].value if "value" in r else None,
                    "message": _texts(group, "message"),
                    "report": report,
                    "accepted_by": sorted({g["acceptance"].value for g in group if "acceptance" in g}),
                }
            )
    out.sort(key=lambda f: (f["report"], _result_number(f["result"])))
    return out[:max_rows], len(out) > max_rows


def _result_number(result: str) -> int:
    tail = result.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# --- the same trace as RDF ------------------------------------------------------------------


def _subjects(body: Mapping[str, Any]) -> list[str]:
    """The IRIs a trace names whose own triples make up its RDF form."""
    out: list[str] = [body["iri"]]

    def add(value: Any) -> None:
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            out.append(value)

    source = body.get("source") or {}
    add(source.get("row"))
    add((source.get("file") or {}).get("iri"))
    for o in source.get("observations", []):
        add(o["iri"])
    link = body.get("region_link") or {}
    add((link.get("decision") or {}).get("iri"))
    for key in ("load", "publication", "activity"):
        a = body.get(key)
        if a:
            for k in ("iri", "mapping", "file", "report", "agency"):
                add(a.get(k))
    add((body.get("dataset") or {}).get("iri") if body.get("kind") != "dataset" else None)
    for f in body.get("findings", []):
        add(f["result"])
        add(f["report"])
    for a in body.get("acceptances", []):
        add(a["iri"])
    add((body.get("publisher") or {}).get("iri"))
    add((body.get("file") or {}).get("iri"))
    for a in body.get("activities", []) + body.get("history", []) + body.get("publications", []):
        add(a["iri"])
    seen: dict[str, None] = {}
    for iri in out:
        seen.setdefault(iri, None)
    return list(seen)


def trace_rdf(store: Store, iris: Iris, iri: str, *, max_rows: int, media_type: str) -> bytes:
    """The triples of every resource a trace names, in an RDF format (``media_type``).

    The dataset itself is described by its published version (not its observations).

    Raises:
        QueryError, UnknownResource: as ``trace``.
    """
    body = trace(store, iris, iri, max_rows=max_rows)
    view = PublicGraphs(store, iris)
    seen: set[ox.Triple] = set()
    triples: list[ox.Triple] = []
    for subject in _subjects(body):
        rows = view.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", s=ox.NamedNode(subject))
        for r in rows:
            t = ox.Triple(r["s"], r["p"], r["o"])
            if t not in seen:
                seen.add(t)
                triples.append(t)
    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b""
