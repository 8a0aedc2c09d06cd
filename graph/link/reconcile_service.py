"""What the reconciliation service says about itself: manifest, types and properties.

A client (OpenRefine) first reads the service manifest (protocol 0.2, or 1.0-draft when
it asks for it), then offers its user the region levels as types and the parent region as
the one property a query may carry. These descriptions are the same for every instance
but for its home region and addresses, which the router passes in; the answers to queries
are ``graph.link.reconcile.Reconciler``'s.
"""

from __future__ import annotations

from typing import Any

from graph.link.reconcile import LEVEL_NAMES, type_of
from graph.rdf.namespaces import OC
from graph.reference.regions import LEVELS
from graph.version import __version__

__all__ = [
    "BATCH_SIZE",
    "PARENT_ALIASES",
    "PARENT_PROPERTY",
    "manifest",
    "suggest_properties",
    "suggest_types",
]

# Property ids whose value is the name (or the reconciled entity) of the parent region.
PARENT_PROPERTY = "induk"
PARENT_ALIASES = frozenset({PARENT_PROPERTY, "parent", "kecamatan"})
BATCH_SIZE = 100
PREVIEW_WIDTH, PREVIEW_HEIGHT = 420, 230


def manifest(v1: bool, *, endpoint: str, region_prefix: str, home_name: str) -> dict[str, Any]:
    """The service manifest: 1.0-draft when ``v1``, else 0.2.

    ``endpoint`` is the service's own URL, ``region_prefix`` the IRI prefix of the regions
    (an entity's id appended gives its page), ``home_name`` the region searched in.
    """
    common: dict[str, Any] = {
        "versions": ["0.2", "1.0-draft"],
        "name": f"One Center — Wilayah (Kemendagri), {home_name}",
        "serviceVersion": __version__,
        "defaultTypes": [type_of(level) for level in LEVELS],
        "batchSize": BATCH_SIZE,
    }
    if v1:
        return {
            **common,
            "lang": "id",
            "view": {"url": region_prefix + "{id}"},
            "preview": {"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
            "suggest": {"entity": True, "property": True, "type": True},
            "standardizedScore": True,
        }
    return {
        **common,
        "identifierSpace": region_prefix,
        "schemaSpace": OC,
        "view": {"url": region_prefix + "{{id}}"},
        "preview": {
            "url": endpoint + "/preview?id={{id}}",
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "suggest": {
            kind: {"service_url": endpoint, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "property", "type")
        },
    }


def suggest_types(prefix: str, cursor: int) -> list[dict[str, str]]:
    """Region levels whose id, or a word of whose name, starts with ``prefix``.

    >>> [t["id"] for t in suggest_types("kota", 0)]
    ['kabupaten']
    """
    text = prefix.strip().casefold()
    found = [
        type_of(level)
        for level in LEVELS
        if level.startswith(text) or any(w.startswith(text) for w in LEVEL_NAMES[level].casefold().split("/"))
    ]
    return found[cursor:]


def suggest_properties(prefix: str, cursor: int) -> list[dict[str, str]]:
    """The parent-region property, when ``prefix`` starts one of its names.

    >>> [p["id"] for p in suggest_properties("kec", 0)]
    ['induk']
    >>> suggest_properties("luas", 0)
    []
    """
    text = prefix.strip().casefold()
    known = {
        "id": PARENT_PROPERTY,
        "name": "Wilayah induk / parent region",
        "description": "Nama wilayah induk, mis. kecamatan untuk desa / the parent region's name, "
        "e.g. the kecamatan of a desa",
    }
    hit = any(alias.startswith(text) for alias in (*PARENT_ALIASES, "wilayah induk"))
    return [known][cursor:] if hit else []
