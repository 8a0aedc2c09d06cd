"""Provenance for auditors: from a figure to its source file, its checks and who published it.

``trace`` follows one IRI — an observation, a source row, a dataset, a load, a
publication or a source file — along the provenance chain (``graph.provenance.lineage``)
to the load activity behind it, the source file (name, SHA-256, sheet, row, column, raw
value), the mapping (name, SHA-256), how its region was linked, what validation found
about it, the violations the Walidata accepted, the publication and the publisher, as one
JSON-ready dict; ``trace_rdf`` gives the triples of every resource it names.

Only the graphs of the reader's audience are read (by default the public's: vocabulary,
regions, periods, decisions, catalogue, provenance, and the *published* version of each
open dataset): a held draft's figures are never shown, though an open dataset's load
record — public in the provenance graph — is. A restricted (terbatas) dataset's loads,
files and reports are in its own graph, read only with a token that reads the dataset;
the public gets its public card (title, agency) and nothing of its provenance. User input
reaches queries only as substituted terms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from graph.provenance.activities import dataset_id
from graph.provenance.lineage import Lineage, lineage
from graph.provenance.reports import acceptances_of, archived_report, findings_about, report_findings
from graph.provenance.sources import observation_record, source_file_record, source_row_record, texts_of
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience
from graph.text import Text

__all__ = ["trace", "trace_rdf"]

_Body = dict[str, Any]


def trace(store: Store, iris: Iris, iri: str, *, max_rows: int, audience: Audience = PUBLIC) -> _Body:
    """The provenance of one IRI as ``audience`` may read it, as a JSON-ready dict (``kind``
    says what the IRI is).

    Raises:
        QueryError: ``iri`` is not an absolute IRI.
        UnknownResource: nothing the audience reads with provenance has that IRI (a held
            draft's observation included).
    """
    view = PublicGraphs(store, iris, audience)
    found = lineage(view, iri)
    body: _Body = {"ok": True, "iri": iri, "kind": found.kind}
    _BODIES[found.kind](view, found, body, max_rows)
    return body


def _agency(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    """A publisher: its name and its Satu Data roles (Produsen Data, Walidata, ...)."""
    if iri is None:
        return None
    rows = view.select(
        """SELECT ?iri ?l ?role ?roleLabel WHERE {
  OPTIONAL { ?iri skos:prefLabel ?l }
  OPTIONAL { ?iri oc:satuDataRole ?role OPTIONAL { ?role skos:prefLabel ?roleLabel } } }""",
        graphs=[view.iris.ontology_graph],
        iri=ox.NamedNode(iri),
    )
    roles: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if "role" in r:
            roles.setdefault(r["role"].value, []).append(r)
    return {
        "iri": iri,
        "name": texts_of(rows, "l"),
        "roles": [{"iri": k, "label": texts_of(v, "roleLabel")} for k, v in sorted(roles.items())],
    }


def _dataset_summary(view: PublicGraphs, dataset: str) -> dict[str, Any]:
    graph = view.versions.get(dataset)
    info: dict[str, Any] = {"iri": dataset, "id": dataset_id(view.iris, dataset), "published_graph": graph}
    if graph is None:
        # A restricted dataset the reader may not read: its public card, in the catalogue graph.
        graph = view.iris.catalog_graph if dataset in view.restricted else None
    if graph is None:
        info.update(title=Text(""), publisher=None)
        return info
    rows = view.select(
        """SELECT ?iri ?title ?publisher WHERE { ?iri dcterms:title ?title .
  OPTIONAL { ?iri dcterms:publisher ?publisher } }""",
        graphs=[graph],
        iri=ox.NamedNode(dataset),
    )
    publisher = next((r["publisher"].value for r in rows if "publisher" in r), None)
    info.update(title=texts_of(rows, "title"), publisher=_agency(view, publisher))
    return info


def _published_context(found: Lineage) -> _Body:
    """Load, publication and validation behind the published version a resource stands on."""
    load, publication, in_force = found.load, found.publication, found.in_force
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
    }


def _observation_source(
    view: PublicGraphs, found: Lineage, body: _Body, max_rows: int
) -> tuple[list[str], bool]:
    """An observation's figure and source cell into ``body``; the foci of its findings."""
    assert found.graph is not None
    obs = observation_record(view, found.iri, found.graph)
    body["observation"] = obs
    row = source_row_record(view, obs["source_row"], found.graph) if obs["source_row"] else None
    body["source"] = {
        "row": obs["source_row"],
        "file": row["file"] if row else None,
        "sheet": row["sheet"] if row else None,
        "row_number": row["row"] if row else None,
        "column": obs["source_column"],
        "raw_value": obs["raw_value"],
    }
    body["region_link"] = row["region_link"] if row else None
    return [found.iri], False


def _row_source(view: PublicGraphs, found: Lineage, body: _Body, max_rows: int) -> tuple[list[str], bool]:
    """A source row and the observations read from it (up to ``max_rows``) into ``body``; the
    foci of its findings, and whether observations were left out."""
    assert found.graph is not None
    row = source_row_record(view, found.iri, found.graph)
    members = view.select(
        """SELECT ?iri ?obs ?dataset ?column ?raw WHERE {
  ?obs oc:sourceRow ?iri ; qb:dataSet/oc:cubeOf ?dataset .
  OPTIONAL { ?obs oc:sourceColumn ?column } OPTIONAL { ?obs oc:rawValue ?raw } } ORDER BY ?column ?obs""",
        graphs=[found.graph],
        iri=ox.NamedNode(found.iri),
    )
    truncated = len(members) > max_rows
    members = members[:max_rows]
    body["source"] = {
        "row": found.iri,
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
    return [found.iri] + [m["obs"].value for m in members], truncated


def _figure(view: PublicGraphs, found: Lineage, body: _Body, max_rows: int) -> None:
    """An observation or a source row: its source, the version's load and its findings."""
    source = _observation_source if found.kind == "observation" else _row_source
    focus, truncated = source(view, found, body, max_rows)
    findings, cut = findings_about(view, focus, found.reports, max_rows)
    body["dataset"] = _dataset_summary(view, found.dataset or "")
    body.update(_published_context(found))
    body["findings"] = findings
    # The version's other acceptances are on its load / publication.
    body["acceptances"] = acceptances_of(view, [a for f in findings for a in f["accepted_by"]])
    body["publisher"] = body["dataset"]["publisher"]
    body["truncated"] = truncated or cut


def _dataset(view: PublicGraphs, found: Lineage, body: _Body, max_rows: int) -> None:
    body["dataset"] = _dataset_summary(view, found.iri)
    body.update(_published_context(found))
    body["findings"], body["truncated"] = report_findings(view, sorted(found.reports), max_rows)
    body["acceptances"] = acceptances_of(view, found.acceptances)
    body["publisher"] = body["dataset"]["publisher"]
    body["history"] = [a.as_dict() for a in found.history[:max_rows]]
    body["truncated"] = body["truncated"] or len(found.history) > max_rows


def _activity(view: PublicGraphs, found: Lineage, body: _Body, max_rows: int) -> None:
    activity = found.activity
    assert activity is not None
    body["activity"] = activity.as_dict()
    body["dataset"] = _dataset_summary(view, activity.dataset)
    findings, cut = report_findings(view, [activity.report] if activity.report else [], max_rows)
    body["findings"] = findings
    # A superseded version's report: its results are in a file, its summary in the store.
    body["report_archive"] = archived_report(view, activity.report) if activity.report else None
    body["acceptances"] = acceptances_of(view, list(activity.acceptances))
    # The publications of the draft a load wrote (a publication lists none).
    body["publications"] = [a.as_dict() for a in found.publications if a.origin == found.iri]
    body["publisher"] = body["dataset"]["publisher"]
    body["truncated"] = cut


def _source_file(view: PublicGraphs, found: Lineage, body: _Body, max_rows: int) -> None:
    body["file"] = source_file_record(view, found.iri)
    body["activities"] = [a.as_dict() for a in found.history[:max_rows]]
    body["truncated"] = len(found.history) > max_rows


_BODIES: dict[str, Callable[[PublicGraphs, Lineage, _Body, int], None]] = {
    "observation": _figure,
    "source_row": _figure,
    "dataset": _dataset,
    "load": _activity,
    "publication": _activity,
    "source_file": _source_file,
}


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
    return list(dict.fromkeys(out))


def trace_rdf(
    store: Store, iris: Iris, iri: str, *, max_rows: int, media_type: str, audience: Audience = PUBLIC
) -> bytes:
    """The triples of every resource a trace names, in an RDF format (``media_type``).

    The dataset itself is described by its published version (not its observations).

    Raises:
        QueryError, UnknownResource: as ``trace``.
    """
    body = trace(store, iris, iri, max_rows=max_rows, audience=audience)
    view = PublicGraphs(store, iris, audience)
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
