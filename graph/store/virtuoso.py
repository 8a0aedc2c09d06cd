"""Virtuoso 7 as the remote store: the SPARQL protocol as ``RemoteStore`` speaks it, with
Virtuoso's dialect corrected here so callers still cannot tell it from the embedded store.

What Virtuoso 7.2 does differently, and what this module does about it:

- **ASK** answers come back as a one-row SELECT of ``__ASK_RETVAL`` (1 or 0): turned back
  into a boolean answer.
- **Literals** come back in Virtuoso's own lexical form: booleans as ``1``/``0``, doubles
  as ``10.0``; ``typed-literal`` in JSON results. They are rewritten in the canonical form
  Oxigraph gives (``true``, ``10``), the form every other store of One Center answers in.
- **Blank nodes** come back as ``nodeID://b123``: given a plain label.
- **Graph Store Protocol** takes one graph per request, no N-Quads: ``bulk_load`` parses
  each chunk, groups its quads by graph and POSTs N-Triples per graph. Virtuoso has no
  graph-less default graph (its default graph is the union of all graphs), so quads with
  no graph go into ``DEFAULT_GRAPH``, counted by ``count()`` and never listed as named.
- **Its own graphs** (``virtrdf#``, ``ldp#``, ``localuriqaserver``, ...) are never
  listed or counted.
- **Authentication**: ``/sparql-auth`` and ``/sparql-graph-crud-auth`` ask for HTTP
  digest authentication, so ``store_user`` / ``store_password`` are sent that way.

Not corrected, documented in docs/remote-store.md: a multi-operation update is not
atomic on Virtuoso (each operation commits in turn), numbers equal in value are one
object (``"1"^^xsd:integer`` and ``true`` on the same subject and predicate are a single
triple), ``DATATYPE`` of a language-tagged literal is unbound.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
import numpy as np
import pyoxigraph as ox

from graph.errors import StoreError
from graph.rdf.ntriples import NQuadsChunk, chunk_bytes
from graph.store.interface import Dataset, QueryResult
from graph.store.remote import EMPTY_GRAPH, RemoteStore, _pieces
from graph.store.sparql_server import read_answer

__all__ = ["DEFAULT_GRAPH", "VirtuosoStore", "canonical_lexical"]

# Where quads without a graph are kept: Virtuoso has no graph-less default graph.
DEFAULT_GRAPH = "urn:x-onecenter:default-graph"
# Graphs a fresh Virtuoso holds for itself (schemas, the LDP and URIQA vocabularies).
_SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "virtrdf:",
)
# N-Triples are POSTed in pieces of about this size: Virtuoso parses each in one transaction.
_POST_BYTES = 8 * 1024 * 1024

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(
    _XSD + t
    for t in (
        "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
        "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
)
_BNODE_LABEL = re.compile(r"[^A-Za-z0-9]")
# The query form: the first keyword after comments and PREFIX / BASE declarations.
_PROLOGUE = re.compile(
    r"(?:\s*(?:#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>|DEFINE\s+\S+\s+\S+))*\s*(\w+)", re.I
)


class VirtuosoStore(RemoteStore):
    """A store on Virtuoso 7 (``store_flavour = "virtuoso"``); see the module text."""

    def __repr__(self) -> str:  # never the credentials
        return f"VirtuosoStore({self.server!r})"

    def _accept(self, sparql: str) -> str:
        # Virtuoso answers in the first format accepted, whatever the query form.
        return "application/n-triples" if _makes_triples(sparql) else "application/sparql-results+json"

    def _dataset(self, sparql: str, dataset: Dataset) -> list[tuple[str, str]]:
        params = super()._dataset(sparql, dataset)
        if not any(key == "named-graph-uri" for key, _ in params):
            # Without one, Virtuoso lets GRAPH read every graph; the protocol says none.
            params.append(("named-graph-uri", EMPTY_GRAPH))
        return params

    def _auth(self, user: str, password: str) -> httpx.Auth:
        # Virtuoso's /sparql-auth endpoints speak digest authentication only.
        return httpx.DigestAuth(user, password)

    def bulk_load(self, chunks: Iterable[NQuadsChunk]) -> int:
        """POST each chunk's quads as N-Triples, one graph per request (not atomic)."""
        self._writable()
        added = 0
        for chunk in chunks:
            by_graph: dict[str, list[ox.Triple]] = {}
            try:
                quads = ox.parse(bytes(chunk_bytes(chunk)), ox.RdfFormat.N_QUADS)
                for q in quads:
                    graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else DEFAULT_GRAPH
                    by_graph.setdefault(graph, []).append(ox.Triple(q.subject, q.predicate, q.object))
            except SyntaxError as exc:
                raise StoreError(f"N-Quads tidak valid / invalid N-Quads: {exc}") from exc
            for graph, triples in by_graph.items():
                text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
                for piece in _pieces(text, _POST_BYTES):
                    self._send_data(piece, "application/n-triples", params={"graph": graph})
                added += len(triples)
        return added

    def named_graphs(self) -> list[str]:
        return sorted(self._graph_sizes())

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return super().count(graph)
        sizes = self._graph_sizes(with_default=True)
        return sum(sizes.values())

    def _graph_sizes(self, *, with_default: bool = False) -> dict[str, int]:
        """Quads per graph of One Center (Virtuoso's own graphs left out)."""
        result = self._query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", [])
        assert isinstance(result, ox.QuerySolutions)
        sizes = {}
        for s in result:
            name = s["g"]
            if isinstance(name, ox.NamedNode) and not name.value.startswith(_SYSTEM_GRAPH_PREFIXES):
                if name.value != DEFAULT_GRAPH or with_default:
                    sizes[name.value] = int(s["n"].value)
        return sizes

    def _answer(self, response: httpx.Response) -> QueryResult:
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == "application/sparql-results+json":
            try:
                document = json.loads(response.content)
            except ValueError as exc:
                raise StoreError(
                    f"jawaban server tidak terbaca / unreadable answer from {self.server}: {exc}"
                ) from None
            body = json.dumps(_corrected_results(document)).encode("utf-8")
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        answer = read_answer(response, self.server)
        if isinstance(answer, ox.QueryTriples):
            return _as_query_triples(ox.Triple(t.subject, t.predicate, _term(t.object)) for t in answer)
        return answer


def _makes_triples(sparql: str) -> bool:
    """Whether a query is a CONSTRUCT or DESCRIBE (its answer is triples).

    >>> _makes_triples("PREFIX x: <http://x/>\\n# CONSTRUCT\\nconstruct { ?s x:p 1 } WHERE {}")
    True
    >>> _makes_triples("BASE <http://x/> SELECT * { ?s ?p ?o }")
    False
    """
    match = _PROLOGUE.match(sparql)
    return match is not None and match.group(1).upper() in ("CONSTRUCT", "DESCRIBE")


def _corrected_results(document: dict[str, Any]) -> dict[str, Any]:
    """SPARQL JSON results from Virtuoso in the standard, canonical form."""
    variables = document.get("head", {}).get("vars", [])
    rows = document.get("results", {}).get("bindings", [])
    if "boolean" not in document and variables == ["__ASK_RETVAL"]:
        value = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") not in ("0", "false")
        return {"head": {}, "boolean": value}
    for row in rows:
        for name, term in row.items():
            row[name] = _json_term(term)
    return document


def _json_term(term: dict[str, str]) -> dict[str, str]:
    kind = term.get("type")
    if kind == "bnode" or (kind == "uri" and term.get("value", "").startswith("nodeID://")):
        return {"type": "bnode", "value": _bnode_label(term["value"])}
    if kind in ("literal", "typed-literal"):
        fixed = {k: v for k, v in term.items() if k != "type"}
        if "datatype" in fixed:
            fixed["value"] = canonical_lexical(fixed["value"], fixed["datatype"])
        return {"type": "literal", **fixed}
    return term


def _term(term: Any) -> Any:
    if isinstance(term, ox.Literal) and term.language is None:
        value = canonical_lexical(term.value, term.datatype.value)
        return term if value == term.value else ox.Literal(value, datatype=term.datatype)
    return term


def _bnode_label(value: str) -> str:
    return "v" + _BNODE_LABEL.sub("", value.removeprefix("nodeID://"))


def canonical_lexical(value: str, datatype: str) -> str:
    """The lexical form Oxigraph gives a value of ``datatype`` (others as they are).

    >>> canonical_lexical("1", _XSD + "boolean"), canonical_lexical("10.0", _XSD + "double")
    ('true', '10')
    >>> canonical_lexical("-0.50", _XSD + "decimal"), canonical_lexical("+05", _XSD + "integer")
    ('-0.5', '5')
    >>> canonical_lexical("1.5E-7", _XSD + "double"), canonical_lexical("0.1", _XSD + "float")
    ('0.00000015', '0.1')
    """
    try:
        if datatype == _XSD + "boolean":
            return {"1": "true", "0": "false"}.get(value.strip(), value.strip())
        if datatype in _INTEGERS:
            return str(int(value))
        if datatype == _XSD + "decimal":
            return _positional(Decimal(value))
        if datatype in (_XSD + "double", _XSD + "float"):
            number = float(value)
            if math.isinf(number):
                return "INF" if number > 0 else "-INF"
            if math.isnan(number):
                return "NaN"
            shortest = repr(number) if datatype == _XSD + "double" else str(np.float32(number))
            return _positional(Decimal(shortest))
    except (ValueError, InvalidOperation):
        pass  # not a valid number: as the server wrote it
    return value


def _positional(number: Decimal) -> str:
    """Digits without an exponent or trailing zeros, as Oxigraph writes numbers."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _as_query_triples(triples: Iterable[ox.Triple]) -> ox.QueryTriples:
    # QueryTriples has no constructor: a tiny in-memory store gives one back.
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result
