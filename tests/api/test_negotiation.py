"""Content negotiation: Accept headers with q-values and wildcards."""

from __future__ import annotations

import pytest

from api.negotiation import MediaRange, negotiate, parse_accept

OFFERS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        # the most specific range decides, even when a wider one has a higher q
        ("text/csv;q=0.2, text/*;q=0.9, application/*;q=0.1", "text/csv"),
        ("TEXT/CSV", "text/csv"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", OFFERS[0]),
    ],
)
def test_negotiate_picks_the_preferred_offer(accept: str | None, chosen: str) -> None:
    assert negotiate(accept, OFFERS) == chosen


def test_negotiate_returns_none_when_nothing_is_acceptable() -> None:
    assert negotiate("image/png, text/html", OFFERS) is None
    assert negotiate("text/csv;q=0", OFFERS) is None


def test_equal_quality_is_broken_by_the_offer_order() -> None:
    assert negotiate("text/csv, application/sparql-results+xml", OFFERS) == OFFERS[1]


def test_malformed_accept_entries_are_skipped() -> None:
    assert parse_accept("garbage, */csv, text/csv;q=abc, text/tab-separated-values;q=2") == [
        MediaRange("text", "csv", 0.0),
        MediaRange("text", "tab-separated-values", 1.0),
    ]
