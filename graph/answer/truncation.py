"""An answer cut at the row cap, as every client can see it, and the formats the cap may be lifted for.

SELECT rows and CONSTRUCT/DESCRIBE triples past the cap (``max_result_rows``) are cut. Every
answer says whether it was in its headers (``X-OneCenter-Truncated: true|false``, the older
``X-Truncated``, and the cap in ``X-OneCenter-Row-Cap``). Clients that never show headers
(rdflib's ``SPARQLStore``, most libraries) see it in the body where the format has room for a
note: SPARQL JSON gets ``"truncated": true`` and a ``warnings`` list in its ``head``, the XML
formats (SPARQL XML, RDF/XML) an XML comment, Turtle, N-Triples and N3 a ``#`` comment line.
CSV, TSV and JSON-LD have no room for one: their headers alone say it.

``streaming_max_result_rows`` lifts the cap for the formats a client reads as they arrive
(``STREAMING``): pyoxigraph writes them one row or triple after another, and their readers
(SAX, line by line) need not hold the whole answer. SPARQL JSON and JSON-LD are read whole by
their clients (SPARQLWrapper's ``json.load``, rdflib), so they keep ``max_result_rows``. The
query's time limit (``query_timeout_ms``) covers writing the answer, however long it is.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

__all__ = ["ROW_CAP_HEADER", "STREAMING", "TRUNCATED_HEADER", "mark_truncated", "notice", "row_cap"]

TRUNCATED_HEADER = "X-OneCenter-Truncated"
ROW_CAP_HEADER = "X-OneCenter-Row-Cap"

STREAMING = frozenset(
    {
        ox.QueryResultsFormat.XML.media_type,
        "text/csv",
        "text/tab-separated-values",
        ox.RdfFormat.N_TRIPLES.media_type,
        ox.RdfFormat.TURTLE.media_type,
        ox.RdfFormat.N3.media_type,
        ox.RdfFormat.RDF_XML.media_type,
    }
)
_JSON = ox.QueryResultsFormat.JSON.media_type
_XML = frozenset({ox.QueryResultsFormat.XML.media_type, ox.RdfFormat.RDF_XML.media_type})
_HASH_COMMENTS = frozenset(
    {ox.RdfFormat.N_TRIPLES.media_type, ox.RdfFormat.TURTLE.media_type, ox.RdfFormat.N3.media_type}
)


def _bare(media_type: str) -> str:
    return media_type.split(";")[0].strip().lower()


def row_cap(media_type: str, max_rows: int, streaming_rows: int) -> int:
    """The rows (or triples) an answer in ``media_type`` may hold.

    >>> row_cap("text/csv; charset=utf-8", 10_000, 1_000_000)
    1000000
    >>> row_cap("application/sparql-results+json", 10_000, 1_000_000)
    10000
    >>> row_cap("text/csv", 10_000, 0)
    10000
    """
    if streaming_rows > max_rows and _bare(media_type) in STREAMING:
        return streaming_rows
    return max_rows


def notice(rows: int) -> str:
    """The note a cut answer carries (no ``--``: it goes into XML comments too)."""
    return (
        f"One Center: jawaban dipotong setelah {rows} baris / answer cut after {rows} rows "
        "(max_result_rows). Page with ORDER BY and LIMIT/OFFSET, or ask in a streaming format "
        "(SPARQL XML, CSV, TSV, N-Triples, Turtle) where the instance lifts the cap for them "
        "(streaming_max_result_rows). See docs/sparql.md."
    )


def mark_truncated(body: bytes, media_type: str, rows: int) -> bytes:
    """``body``, an answer cut after ``rows`` rows, with the note its format has room for.

    >>> cut = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
    >>> mark_truncated(cut, "application/sparql-results+json", 3)[:60]
    b'{"head":{"vars":["s"],"warnings":["One Center: jawaban dipot'
    >>> mark_truncated(b"<a> <b> <c> .\\n", "application/n-triples", 3).startswith(b"# One Center")
    True
    """
    kind = _bare(media_type)
    text = notice(rows)
    if kind == _JSON:
        answer = json.loads(body)
        answer.setdefault("head", {})["warnings"] = [text]
        answer["truncated"] = True
        return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if kind in _XML:
        at = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
        return body[:at] + f"<!-- {text} -->".encode() + body[at:]
    if kind in _HASH_COMMENTS:
        return f"# {text}\n".encode() + body
    return body
