"""The links of the provenance chain as an auditor reads them: figure, source row, file, decision.

``graph.provenance.lineage`` says which resources are on a figure's chain; these readers
say what each one holds, as JSON-ready dicts for the trace: the observation (value,
indicator, region, period, dimensions, unit), its source row (file, sheet, row number and
how its region was linked), the source file (name, SHA-256, size, media type), the
Walidata's linking decision, a region (code, name, level). Labels are ``Text``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from graph.rdf.labels import languages
from graph.store.public import PublicGraphs
from graph.text import Text

__all__ = ["observation_record", "region_record", "source_file_record", "source_row_record", "texts_of"]


def texts_of(rows: list[dict[str, Any]], key: str) -> Text:
    """The literals under ``key`` in some rows as one text (the first of each language)."""
    return Text.of(languages(row.get(key) for row in rows))


def _value(row: dict[str, Any], key: str) -> str | None:
    return row[key].value if key in row else None


def _record(
    view: PublicGraphs,
    sparql: str,
    graphs: list[str],
    iri: str,
    fields: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """``{"iri": iri}`` with the ``fields`` of the first row the query finds in ``graphs``."""
    rows = view.select(sparql, graphs=graphs, iri=ox.NamedNode(iri))
    return {"iri": iri, **(fields(rows[0]) if rows else {})}


def labels_of(view: PublicGraphs, iri: str) -> Text:
    """An indicator's or unit's name (``skos:prefLabel`` or ``rdfs:label``)."""
    rows = view.select(
        "SELECT ?iri ?l WHERE { { ?iri skos:prefLabel ?l } UNION { ?iri rdfs:label ?l } }",
        iri=ox.NamedNode(iri),
    )
    return texts_of(rows, "l")


def region_record(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    """A region: IRI, code, Indonesian name, level (``desa``, ``kecamatan``, ...)."""
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
        "label": texts_of(rows, "l").id or None,
        "level": level.rsplit("level", 1)[-1].lower() if level else None,
    }


def source_file_record(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    """A source file as the load recorded it: name, SHA-256, size in bytes, media type."""
    if iri is None:
        return None

    def fields(r: dict[str, Any]) -> dict[str, Any]:
        size = _value(r, "size")
        return {
            "name": r["name"].value,
            "sha256": r["sha"].value,
            "byte_size": int(size) if size is not None else None,
            "media_type": _value(r, "format"),
        }

    return _record(
        view,
        """SELECT ?iri ?name ?sha ?size ?format WHERE { ?iri oc:fileName ?name ; oc:sha256 ?sha .
  OPTIONAL { ?iri oc:byteSize ?size } OPTIONAL { ?iri dcterms:format ?format } }""",
        view.provenance,
        iri,
        fields,
    )


def _decision(view: PublicGraphs, iri: str | None) -> dict[str, Any] | None:
    """The Walidata's decision that linked a region name: variant, region, who, when, why."""
    if iri is None:
        return None
    return _record(
        view,
        """SELECT ?iri ?variant ?region ?parent ?who ?date ?note WHERE {
  ?iri oc:variant ?variant . OPTIONAL { ?iri oc:decidedRegion ?region }
  OPTIONAL { ?iri oc:variantParent ?parent }
  OPTIONAL { ?iri prov:wasAttributedTo/rdfs:label ?who } OPTIONAL { ?iri dcterms:date ?date }
  OPTIONAL { ?iri rdfs:comment ?note } }""",
        [view.iris.decisions_graph],
        iri,
        lambda r: {
            "variant": r["variant"].value,
            "region": _value(r, "region"),
            "parent": _value(r, "parent"),
            "decided_by": _value(r, "who"),
            "decided_on": _value(r, "date"),
            "note": _value(r, "note"),
        },
    )


def source_row_record(view: PublicGraphs, iri: str, graph: str) -> dict[str, Any]:
    """A source row: file, sheet, row number, and how its region was linked."""

    def fields(r: dict[str, Any]) -> dict[str, Any]:
        score = _value(r, "score")
        return {
            "file": source_file_record(view, _value(r, "file")),
            "sheet": _value(r, "sheet"),
            "row": int(r["number"].value),
            "region_link": {
                "method": _value(r, "method"),
                "score": float(score) if score is not None else None,
                "runner_up": region_record(view, _value(r, "runnerUp")),
                "decision": _decision(view, _value(r, "decision")),
                "stated_parent": region_record(view, _value(r, "stated")),
                "stated_parent_name": _value(r, "statedName"),
            },
        }

    return _record(
        view,
        """SELECT ?iri ?file ?number ?sheet ?method ?score ?runnerUp ?decision ?stated ?statedName
WHERE { ?iri oc:sourceFile ?file ; oc:rowNumber ?number .
  OPTIONAL { ?iri oc:sheet ?sheet } OPTIONAL { ?iri oc:regionLinkMethod ?method }
  OPTIONAL { ?iri oc:regionLinkScore ?score } OPTIONAL { ?iri oc:regionLinkRunnerUp ?runnerUp }
  OPTIONAL { ?iri oc:regionLinkDecision ?decision } OPTIONAL { ?iri oc:statedParent ?stated }
  OPTIONAL { ?iri oc:statedParentName ?statedName } }""",
        [graph],
        iri,
        fields,
    )


def _number(value: ox.NamedNode | ox.Literal | ox.BlankNode) -> Any:
    """A figure as JSON: integers and decimals as numbers, anything else as its text."""
    if isinstance(value, ox.Literal) and value.datatype.value.endswith(("#integer", "#decimal", "#double")):
        return int(value.value) if value.datatype.value.endswith("#integer") else float(value.value)
    return value.value


def observation_record(view: PublicGraphs, iri: str, graph: str) -> dict[str, Any]:
    """An observation: its figure, indicator, region, period, dimensions, unit and source cell."""
    r = view.select(
        """SELECT ?iri ?dataset ?indicator ?value ?area ?period ?unit ?row ?column ?raw WHERE {
  ?iri a qb:Observation ; qb:dataSet/oc:cubeOf ?dataset ; qb:measureType ?indicator ; ?indicator ?value .
  OPTIONAL { ?iri sdmx-dimension:refArea ?area } OPTIONAL { ?iri sdmx-dimension:refPeriod ?period }
  OPTIONAL { ?iri sdmx-attribute:unitMeasure ?unit } OPTIONAL { ?iri oc:sourceRow ?row }
  OPTIONAL { ?iri oc:sourceColumn ?column } OPTIONAL { ?iri oc:rawValue ?raw } }""",
        graphs=[graph],
        iri=ox.NamedNode(iri),
    )[0]
    dims = view.select(
        """SELECT ?iri ?dimension ?code ?notation WHERE {
  ?iri ?dimension ?code . ?dimension a qb:DimensionProperty .
  FILTER(?dimension NOT IN (sdmx-dimension:refArea, sdmx-dimension:refPeriod, qb:measureType))
  OPTIONAL { ?code skos:notation ?notation } }""",
        graphs=[graph, view.iris.ontology_graph],
        iri=ox.NamedNode(iri),
    )
    indicator = r["indicator"].value
    period = _value(r, "period")
    period_prefix = view.iris.period_prefix
    unit = _value(r, "unit")
    return {
        "iri": iri,
        "dataset": r["dataset"].value,
        "indicator": {"iri": indicator, "label": labels_of(view, indicator)},
        "region": region_record(view, _value(r, "area")),
        "period": {
            "iri": period,
            "key": period[len(period_prefix) :] if period and period.startswith(period_prefix) else None,
        },
        "dimensions": [
            {"dimension": d["dimension"].value, "code": d["code"].value, "notation": _value(d, "notation")}
            for d in dims
        ],
        "value": _number(r["value"]),
        "unit": {"iri": unit, "label": labels_of(view, unit)} if unit is not None else None,
        "source_row": _value(r, "row"),
        "source_column": _value(r, "column"),
        "raw_value": _value(r, "raw"),
    }
