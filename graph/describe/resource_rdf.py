"""A resource's description as an RDF document, with the prefixes a person can read.

The linked-data pages answer Turtle, JSON-LD, N-Triples and RDF/XML as well as HTML;
the triples are the description's (``Description.graph``), the prefixes the shared
vocabularies' and the instance's main IRI families (``wilayah:11.01``), which the HTML
page uses too for the short names it shows.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.describe.descriptions import Description
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES

__all__ = ["rdf_prefixes", "serialize"]


def rdf_prefixes(iris: Iris) -> dict[str, str]:
    """Prefixes for RDF output: the shared vocabularies and the instance's main IRI families.

    >>> rdf_prefixes(Iris("https://data.example.go.id/"))["indikator"]
    'https://data.example.go.id/id/indikator/'
    """
    return {
        **PREFIXES,
        "oc-shape": "https://w3id.org/onecenter/shapes#",
        "wilayah": iris.region_prefix,
        "periode": iris.period_prefix,
        "indikator": iris.base + "id/indikator/",
        "organisasi": iris.base + "id/organisasi/",
        "satuan": iris.base + "id/satuan/",
    }


def serialize(description: Description, iris: Iris, media_type: str) -> bytes:
    """The description's triples in an RDF format named by its media type.

    Raises:
        ValueError: pyoxigraph has no writer for ``media_type``.
    """
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no RDF format for {media_type}")
    return ox.serialize(description.graph(), format=fmt, prefixes=rdf_prefixes(iris)) or b""
