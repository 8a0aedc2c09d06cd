"""A description as an RDF document: every format carries the same triples."""

from __future__ import annotations

import warnings

import pytest
import rdflib

from graph.describe.resource_rdf import serialize
from graph.describe.resources import describe
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.graph.describe.test_resources import c3_observation

Demo = tuple[Platform, list[LoadReport]]


def parse_rdf(data: bytes | str, fmt: str) -> rdflib.Graph:
    """Parse with rdflib: an independent reader of what pyoxigraph wrote."""
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds its own (deprecated) ConjunctiveGraph internally.
        warnings.simplefilter("ignore", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=fmt)


def test_every_rdf_format_serializes_the_same_triples(demo: Demo) -> None:
    platform, _ = demo
    found = describe(platform.store, platform.iris, c3_observation(platform))
    assert found is not None
    reference = parse_rdf(serialize(found, platform.iris, "application/n-triples"), "nt")
    assert len(reference) == len(found.graph())
    for media_type, fmt in [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ]:
        parsed = parse_rdf(serialize(found, platform.iris, media_type), fmt)
        assert set(parsed) == set(reference), media_type
    with pytest.raises(ValueError):
        serialize(found, platform.iris, "image/png")
