"""The catalogue as a plain JSON listing: the same content as its DCAT form, for programs.

``catalog_json`` is ``/catalog.json``: the catalogue (title, publisher, place, SPARQL
endpoint) and one entry per published dataset with its metadata, indicators, dimensions,
download URLs, the load and publication behind its published version with their
validation status, and its newest load. ``catalog_entry`` is one dataset's entry
(``/catalog/{dataset}``). Labels are ``{"id": …, "en": …}``; a label the graph does not
give is ``{}``. A restricted (terbatas) dataset's entry has the same keys, from its public
card: ``restricted`` true and ``access_note`` saying whom to ask; its temporal coverage,
region levels, distributions, version graph, loads and validation are ``null`` or empty.

Each entry's ``freshness`` is its latest period judged against its frequency as of ``today``
(``graph.describe.freshness``, the rule of the home page and of ``stale-datasets``); it is
in the JSON listing only, as it changes with the day, not with the published graphs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.describe.catalog import Agent, Catalog, CatalogDataset, unknown_dataset
from graph.describe.catalog_terms import DISTRIBUTIONS, measure_kind_iri
from graph.describe.freshness import freshness
from graph.provenance.activities import Activity
from graph.reference.indicators import Indicator
from graph.text import Text

__all__ = ["catalog_entry", "catalog_json"]


def _given(text: Text) -> dict[str, str]:
    """A label as JSON: ``{}`` when the graph gives none."""
    return text if text.id else {}


def _agent_json(agent: Agent | None) -> dict[str, Any] | None:
    if agent is None:
        return None
    return {
        "iri": agent.iri,
        "name": _given(agent.name),
        "roles": [r.rsplit("#", 1)[-1].removeprefix("role") for r in agent.roles],
        "email": agent.email,
        "homepage": agent.homepage,
    }


def _activity_json(a: Activity | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "iri": a.iri,
        "kind": a.kind,
        "started": a.started,
        "ended": a.ended,
        "outcome": a.outcome,
        "file_name": a.file_name,
        "file_sha256": a.file_sha256,
        "mapping_name": a.mapping_name,
        "mapping_sha256": a.mapping_sha256,
        "observations": a.observations,
        "validation": {
            "report": a.report,
            "conforms": a.conforms,
            "violations": a.violations,
            "warnings": a.warnings,
            "accepted": a.accepted,
        },
    }


def _indicator_json(i: Indicator) -> dict[str, Any]:
    kind = measure_kind_iri(i.kind)
    return {
        "iri": i.iri,
        "label": _given(i.label),
        "definition": _given(i.definition),
        "unit": {"iri": i.unit_iri or None, "label": _given(i.unit_label)},
        "concept": {"iri": i.concept, "label": _given(i.concept_label)},
        "measure_kind": kind.rsplit("#", 1)[-1] if kind else None,
    }


def _contact_point(d: CatalogDataset) -> dict[str, Any] | None:
    """The address given for the dataset, else its agency's."""
    if d.contact_points:
        return {"iri": d.contact_points[0], "email": None, "name": None}
    if d.publisher and d.publisher.email:
        return {"iri": None, "email": d.publisher.email, "name": _given(d.publisher.name)}
    return None


_RESTRICTED_NOTE = Text(
    "Data terbatas: hanya metadatanya yang publik. Data dan riwayat pemuatannya dapat diminta "
    "kepada instansi penerbitnya.",
    "Restricted data: only its metadata is public. Ask the publishing agency for the data and "
    "its load history.",
)


def _dataset_json(catalog: Catalog, d: CatalogDataset, service_url: str, today: dt.date) -> dict[str, Any]:
    return {
        "id": d.id,
        "iri": d.iri,
        "title": _given(d.title),
        "description": _given(d.description),
        "publisher": _agent_json(d.publisher),
        "keywords": d.keywords,
        "themes": [
            {"iri": i.concept, "label": _given(i.concept_label)}
            for i in {i.concept: i for i in d.indicators if i.concept}.values()
        ],
        "temporal": d.coverage.as_dict() if d.coverage else None,
        "spatial": {
            "iri": d.spatial,
            "label": catalog.home_label if d.spatial == catalog.home_region else None,
        },
        "region_levels": d.levels,
        "frequency": {"iri": d.frequency, "key": d.frequency_key},
        "freshness": freshness(d.last_period, d.frequency, today).as_dict(),
        "issued": d.issued,
        "modified": d.modified,
        "license": d.license,
        "access_rights": {"iri": d.access_rights, "level": d.access_level},
        "contact_point": _contact_point(d),
        "synthetic": d.synthetic,
        "indicators": [_indicator_json(i) for i in d.indicators],
        "dimensions": [{"iri": iri, "label": _given(label)} for iri, label in d.dimensions],
        "distributions": [
            {
                "format": dist.file_type,
                "media_type": dist.media_type,
                "title": dist.title,
                "url": dist.url(service_url, d.id),
            }
            for dist in (() if d.restricted else DISTRIBUTIONS)
        ],
        "published_graph": None if d.restricted else d.graph,
        "restricted": d.restricted,
        "access_note": _RESTRICTED_NOTE if d.restricted else None,
        "generated_by": _activity_json(d.generated_by),
        "published_by": _activity_json(d.published_by),
        "validation": (_activity_json(d.in_force) or {}).get("validation"),
        "last_load": _activity_json(d.last_load),
    }


def catalog_json(catalog: Catalog, service_url: str, *, today: dt.date) -> dict[str, Any]:
    """The catalogue as a plain JSON listing (same content as the RDF forms), each dataset's
    freshness as of ``today``."""
    return {
        "ok": True,
        "catalog": {
            "iri": service_url + "catalog",
            "title": catalog.title,
            "description": catalog.description,
            "publisher": _agent_json(catalog.publisher),
            "spatial": {"iri": catalog.home_region, "code": catalog.home_code, "label": catalog.home_label},
            "modified": catalog.modified,
            "sparql_endpoint": service_url + "sparql",
        },
        "datasets": [_dataset_json(catalog, d, service_url, today) for d in catalog.datasets],
    }


def catalog_entry(catalog: Catalog, service_url: str, dataset: str, *, today: dt.date) -> dict[str, Any]:
    """One published dataset's entry of the listing, its freshness as of ``today``.

    Raises:
        UnknownDataset: no published dataset has the id ``dataset``.
    """
    for d in catalog.datasets:
        if d.id == dataset:
            return _dataset_json(catalog, d, service_url, today)
    raise unknown_dataset(dataset, (d.id for d in catalog.datasets))
