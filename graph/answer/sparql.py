"""Run SPARQL over the published graphs and turn results into tables and SPARQL JSON.

Public queries see the published graphs only (the union of them as default
graph, each of them for ``GRAPH``), so a version being loaded is never visible.

``answer_query`` answers one SPARQL 1.1 Protocol request: it chooses the RDF
dataset (``default-graph-uri`` / ``named-graph-uri``, else the query's ``FROM`` /
``FROM NAMED``, else every published graph; a graph that is not published is
refused), runs the query, cuts it at the row cap and serializes the answer with
pyoxigraph's own writers. It returns bytes, so it can run in a worker process
(``graph.store.pool``) that is killed at the time limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.runners import Runner
from graph.answer.truncation import mark_truncated
from graph.errors import ParameterError, QueryError, QueryTimeout, StoreError
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES, sparql_prefixes
from graph.rdf.sparql_text import keywords, nesting
from graph.spreadsheet import csv_bytes
from graph.store.interface import QueryResult, Store
from graph.store.versions import PUBLIC, Audience, published_graphs

__all__ = [
    "EXCERPT_CHARS",
    "MAX_NESTING",
    "NO_SERVICE",
    "QUERY_FORMS",
    "READ_ONLY",
    "UPDATE_OPERATIONS",
    "Answer",
    "ProtocolQuery",
    "QueryOutcome",
    "answer_query",
    "answer_request",
    "check_nesting",
    "graph_sizes",
    "run_query",
    "syntax_error_position",
    "syntax_problem",
    "uses_service",
    "write_answer",
]

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_OPERATIONS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


@dataclass
class QueryOutcome:
    """A query's answer, cut at the row cap (``truncated`` says so)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str]
    rows: list[list[Any]]  # pyoxigraph terms or None; for "graph": [s, p, o]
    boolean: bool | None = None
    truncated: bool = False

    def to_sparql_json(self) -> dict[str, Any]:
        """W3C SPARQL 1.1 Query Results JSON (plus a ``truncated`` flag when cut)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = [
            {v: _term_json(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]
        out: dict[str, Any] = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        if self.truncated:
            out["truncated"] = True
        return out

    def to_csv(self) -> str:
        """The answer as RFC 4180 CSV (the ``standard`` dialect: no BOM, text as it is)."""
        if self.kind == "ask":
            header, rows = ["boolean"], [[str(bool(self.boolean)).lower()]]
        else:
            header, rows = self.variables, [["" if t is None else t.value for t in row] for row in self.rows]
        return csv_bytes(header, rows, "standard").decode("utf-8")


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def run_query(
    store: Store,
    iris: Iris,
    sparql: str,
    *,
    max_rows: int,
    with_prefixes: bool = False,
    substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
    audience: Audience = PUBLIC,
) -> QueryOutcome:
    """Run a read query over the published graphs ``audience`` may read, keeping at most
    ``max_rows`` rows.

    Raises:
        QueryError: the query does not parse.
    """
    text = sparql_prefixes() + sparql if with_prefixes else sparql
    graphs = published_graphs(store, iris, audience)
    result = store.query(text, default_graph=graphs, named_graphs=graphs, substitutions=substitutions)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ask", [], [], boolean=bool(result))
    rows: list[list[Any]] = []
    truncated = False
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        for solution in result:
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
        return QueryOutcome("select", variables, rows, truncated=truncated)
    for triple in result:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append([triple.subject, triple.predicate, triple.object])
    return QueryOutcome("graph", ["subject", "predicate", "object"], rows, truncated=truncated)


# --- the SPARQL 1.1 Protocol --------------------------------------------------------------

READ_ONLY = (
    "titik akhir ini hanya-baca / this endpoint is read-only: SPARQL updates are refused "
    "(data is changed only through the load pipeline)"
)
NO_SERVICE = (
    "SERVICE (kueri federasi) tidak diizinkan / federated queries (SERVICE) are not allowed: "
    "this server makes no requests on a client's behalf; federate from your own endpoint instead"
)
_POSITION = re.compile(r"error at (\d+):(\d+)")
# An error quotes at most this much of a client's text (a line of the query, a graph IRI).
EXCERPT_CHARS = 200
# Deeper queries are refused before they reach a worker: Oxigraph's parser descends once per
# level and overflows a worker's stack at a few thousand (a 20 KB query killed one).
MAX_NESTING = 100
# A quoted token (kept) or a bracketed character class such as ['0' ..= '9' | '_'] (dropped).
_CHARACTER_CLASS = re.compile(r"""("(?:[^"\\]|\\.)*")|,?\s*\[(?:'(?:[^'\\]|\\.)*'|[^\]'"])*\]""")


def uses_service(sparql: str) -> bool:
    """Whether the query asks for a ``SERVICE`` (federated) call.

    >>> uses_service('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * { ?service ?p "SERVICE" }')
    False
    """
    return "SERVICE" in keywords(sparql)


def syntax_error_position(message: str) -> tuple[int, int] | None:
    """(line, column), both from 1, of a SPARQL syntax error reported by Oxigraph."""
    match = _POSITION.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else None


def syntax_problem(message: str, sparql: str) -> dict[str, Any] | None:
    """A syntax error reported by Oxigraph as a problem a person can act on: its line and
    column, the line itself and a marker under the column; None when it names no position."""
    position = syntax_error_position(message)
    if position is None:
        return None
    line, column = position
    detail = _clip(message.split("error at", 1)[-1].split(":", 2)[-1].strip(), 5 * EXCERPT_CHARS)
    # Oxigraph also lists the Unicode ranges a name may use; the tokens are what helps.
    short = _CHARACTER_CLASS.sub(lambda m: m.group(1) or "", detail).strip(" ,")
    if short != detail:
        short += ", or a name"
    message = (
        f"SPARQL tidak valid pada baris {line} kolom {column} / invalid SPARQL at line {line}, "
        f"column {column}: {short}"
    )
    return {**_where(sparql, line, column, message), "detail": detail}


def check_nesting(sparql: str) -> None:
    """Refuse a query nested deeper than ``MAX_NESTING`` (one linear scan, no parse).

    Raises:
        ParameterError: a problem naming where the query gets too deep.
    """
    depth, offset = nesting(sparql)
    if depth <= MAX_NESTING:
        return
    line = sparql.count("\n", 0, offset) + 1
    column = offset - (sparql.rfind("\n", 0, offset) + 1) + 1
    message = (
        f"kueri bersarang terlalu dalam / the query nests too deep: {depth} levels at line {line}, "
        f"column {column}; at most {MAX_NESTING} are allowed (braces, brackets, parentheses and "
        "runs of !, +, -, ^ each count one)"
    )
    raise ParameterError([_where(sparql, line, column, message)])


def _where(sparql: str, line: int, column: int, message: str) -> dict[str, Any]:
    """A problem at (line, column): its message, the line (at most ``EXCERPT_CHARS`` of it,
    around the column) and a marker under the column."""
    start = 0
    for _ in range(line - 1):  # the line's start, without splitting the whole text
        found = sparql.find("\n", start)
        if found < 0:
            start = len(sparql)
            break
        start = found + 1
    end = sparql.find("\n", start)
    text = sparql[start : end if end >= 0 else len(sparql)].rstrip("\r")
    at = min(max(column - 1, 0), len(text))
    width = EXCERPT_CHARS - 2  # room for an ellipsis at each end
    if len(text) > EXCERPT_CHARS:
        first = max(0, min(at - width // 2, len(text) - width))
        cut = text[first : first + width]
        text = ("…" if first else "") + cut + ("…" if first + width < len(text) else "")
        at = at - first + (1 if first else 0)
    return {"message": message, "line": line, "column": column, "text": text, "marker": " " * at + "^"}


def _clip(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text``, cut to ``limit`` characters (marked with an ellipsis)."""
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class ProtocolQuery:
    """One SPARQL Protocol request, as a worker needs it (picklable).

    ``default_graphs`` / ``named_graphs`` are the ``default-graph-uri`` /
    ``named-graph-uri`` parameters (None when the request names no graph).
    ``results_type`` and ``graph_type`` are the negotiated media types for
    SELECT/ASK and for CONSTRUCT/DESCRIBE answers. ``audience`` decides which
    restricted datasets the query may read (by default none).
    """

    sparql: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    results_type: str = "application/sparql-results+json"
    graph_type: str = "text/turtle"
    audience: Audience = PUBLIC
    # The graphs ``audience`` may read, when the caller already knows them (the service keeps
    # them per publication): saves the worker reading the catalogue on every request.
    published: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Answer:
    """A serialized answer: ``kind`` is "select", "ask" or "graph"."""

    kind: str
    media_type: str
    body: bytes
    truncated: bool


def answer_query(store: Store, iris: Iris, request: ProtocolQuery) -> Answer:
    """Answer a SPARQL Protocol query over the published graphs, cut at ``max_rows``.

    Raises:
        QueryError: the query does not parse, calls a ``SERVICE`` (this server makes no
            requests for its clients), or names a graph that is not published.
        StoreError: the store failed while answering.
    """
    used = keywords(request.sparql)
    if "SERVICE" in used:
        raise QueryError(NO_SERVICE)
    default, named = _dataset(store, iris, request, from_clauses="FROM" in used)
    if "GRAPH" not in used:
        # Only GRAPH reads the named graphs: naming the default ones too lets a store whose
        # every graph is in the default graph use its own union (``Dataset.covers``), faster.
        named = default
    return _run(store, request, default, named)


def answer_request(run: Runner, iris: Iris, request: ProtocolQuery) -> Answer:
    """``answer_query`` through ``run`` (in the service, a query worker with a time limit).

    Raises:
        ParameterError: the query has a syntax error; the problem names its line and column.
        QueryError, QueryTimeout, StoreError: as ``answer_query``, or the time limit passed.
    """
    check_nesting(request.sparql)
    try:
        return run(answer_query, iris, request)
    except QueryTimeout:
        raise
    except QueryError as exc:
        problem = syntax_problem(str(exc), request.sparql)
        if problem is None:
            raise
        raise ParameterError([problem]) from None


def _run(store: Store, request: ProtocolQuery, default: list[str], named: list[str]) -> Answer:
    # Kept apart from the frames that called rdflib's parser: pyparsing caches exceptions
    # whose frames lead back to their callers, and a pyoxigraph result held there would be
    # freed later by the garbage collector, possibly in another thread, which pyoxigraph forbids.
    return write_answer(store.query(request.sparql, default_graph=default, named_graphs=named), request)


def write_answer(result: QueryResult, request: ProtocolQuery) -> Answer:
    """A query's result in the request's format, cut at its row cap (any store's result)."""
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = ox.QueryResultsFormat.from_media_type(request.results_type) or ox.QueryResultsFormat.JSON
            return Answer("ask", fmt.media_type, result.serialize(format=fmt) or b"", False)
        if isinstance(result, ox.QuerySolutions):
            fmt = ox.QueryResultsFormat.from_media_type(request.results_type) or ox.QueryResultsFormat.JSON
            body, truncated = _solutions(result, fmt, request.max_rows)
            return Answer("select", fmt.media_type, body, truncated)
        rdf = ox.RdfFormat.from_media_type(request.graph_type) or ox.RdfFormat.TURTLE
        body, truncated = _triples(result, rdf, request.max_rows)
        return Answer("graph", rdf.media_type, body, truncated)
    except OSError as exc:  # results are computed lazily, while being written
        raise StoreError(f"penyimpanan gagal / store failed while answering: {exc}") from exc


def graph_sizes(store: Store, iris: Iris, audience: Audience = PUBLIC) -> dict[str, int]:
    """Triples in each published graph ``audience`` may read (0 for one that is empty)."""
    published = published_graphs(store, iris, audience)
    result = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        default_graph=[],
        named_graphs=published,
    )
    assert isinstance(result, ox.QuerySolutions)
    sizes = dict.fromkeys(published, 0)
    sizes.update({s["g"].value: int(s["n"].value) for s in result})
    return sizes


def _dataset(
    store: Store, iris: Iris, request: ProtocolQuery, *, from_clauses: bool
) -> tuple[list[str], list[str]]:
    """Default and named graphs for the query; every one of them must be published and
    readable by the request's audience. ``from_clauses``: the query has FROM clauses."""
    published = (
        list(request.published)
        if request.published is not None
        else published_graphs(store, iris, request.audience)
    )
    if request.default_graphs is not None or request.named_graphs is not None:
        # The protocol's dataset overrides the query's FROM / FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
        default, named = list(request.default_graphs or ()), list(request.named_graphs or ())
    else:
        clauses = _dataset_clauses(store, request.sparql) if from_clauses else None
        if clauses is None:
            return published, published
        default, named = clauses
    unknown = sorted((set(default) | set(named)) - set(published))
    if unknown:
        # The same answer whether the graph is a draft or does not exist: drafts stay unseen.
        raise QueryError(
            "graf tidak diterbitkan / not a published graph: "
            + ", ".join(f"<{_clip(g)}>" for g in unknown[:5])
            + (f" (+{len(unknown) - 5})" if len(unknown) > 5 else "")
            + ". The service description (GET /sparql) lists the published graphs."
        )
    return default, named


def _dataset_clauses(store: Store, sparql: str) -> tuple[list[str], list[str]]:
    """The graphs named by the query's own FROM / FROM NAMED clauses."""
    # Oxigraph does not expose a parsed query; rdflib's parser reads the clauses (with
    # prefixes and BASE resolved). Only queries that mention FROM pay for it.
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        clauses = translateQuery(parseQuery(sparql)).algebra.get("datasetClause") or []
    except Exception:
        # Let Oxigraph name the syntax error's position if there is one (over no data at all).
        store.query(sparql, default_graph=[], named_graphs=[])
        raise QueryError(
            "klausa FROM tidak dapat dibaca / the query's FROM clauses could not be read; name "
            "the graphs with the default-graph-uri and named-graph-uri parameters instead"
        ) from None
    default = [str(c["default"]) for c in clauses if "default" in c]
    named = [str(c["named"]) for c in clauses if "named" in c]
    return default, named


def _solutions(result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int) -> tuple[bytes, bool]:
    """SELECT solutions cut at ``max_rows``, written by pyoxigraph in ``fmt``."""
    # pyoxigraph writes whole result sets only, so the kept rows go back through its TSV
    # reader (terms in N-Triples syntax, which round-trips exactly) to be written again.
    variables = result.variables
    lines = ["\t".join(str(v) for v in variables)]
    truncated = False
    for n, solution in enumerate(result):
        if n == max_rows:
            truncated = True
            break
        lines.append("\t".join("" if (t := solution[v]) is None else str(t) for v in variables))
    kept = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    body = kept.serialize(format=fmt) or b""
    return (mark_truncated(body, fmt.media_type, max_rows) if truncated else body), truncated


def _triples(result: ox.QueryTriples, fmt: ox.RdfFormat, max_rows: int) -> tuple[bytes, bool]:
    """CONSTRUCT / DESCRIBE triples cut at ``max_rows``, written by pyoxigraph in ``fmt``."""
    cut = [False]

    def kept() -> Iterator[ox.Triple]:
        for n, triple in enumerate(result):
            if n == max_rows:
                cut[0] = True
                return
            yield triple

    body = ox.serialize(kept(), format=fmt, prefixes=PREFIXES) or b""
    return (mark_truncated(body, fmt.media_type, max_rows) if cut[0] else body), cut[0]
