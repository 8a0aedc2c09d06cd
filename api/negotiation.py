"""Content negotiation: pick the media type a client prefers from what a route offers.

``Accept`` is read as RFC 9110 says: each media range has a quality (``q``,
default 1); an offer takes the quality of the most specific range that matches
it (``type/subtype`` over ``type/*`` over ``*/*``); ``q=0`` means "not this".
Among offers of equal quality the route's own order decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "negotiate", "parse_accept"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``; None when it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped.

    >>> parse_accept("text/turtle;q=0.9, */*;q=0.1")
    [MediaRange(type='text', subtype='turtle', q=0.9), MediaRange(type='*', subtype='*', q=0.1)]
    """
    ranges = []
    for entry in header.split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def negotiate(
    accept: str | None, offers: Sequence[str], aliases: Mapping[str, Sequence[str]] | None = None
) -> str | None:
    """The offer the client prefers; the first offer when there is no ``Accept``; None when
    the client accepts none of them.

    ``aliases`` gives other names of an offer (``application/json`` for SPARQL JSON);
    the most specific range matching any of its names decides, so refusing the
    offer by its own name is not undone by a wildcard matching an alias.

    >>> negotiate("application/json;q=0.5, text/csv", ["application/json", "text/csv"])
    'text/csv'
    >>> negotiate("image/png", ["application/json"]) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = parse_accept(accept)
    best: tuple[float, str] | None = None
    for offer in offers:
        names = [offer, *(aliases or {}).get(offer, ())]
        matches = [
            (s, r.q) for name in names for r in ranges if (s := r.specificity(name.lower())) is not None
        ]
        if not matches:
            continue
        top = max(s for s, _ in matches)  # the most specific match decides ...
        q = max(q for s, q in matches if s == top)  # ... the higher q among equals
        if q > 0 and (best is None or q > best[0]):
            best = (q, offer)
    return best[1] if best else None
