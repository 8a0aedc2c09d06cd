"""Which SPARQL queries are small enough to answer in the service's own process.

A query worker (``graph.store.pool``) exists because Oxigraph cannot stop a query: a runaway
one is stopped by killing its process. That protection costs every query a hop to another
process and back (pickling, a pipe, a process woken up), which on a busy machine made a
one-triple ASK several times slower than Oxigraph server (issue 23). A query whose work has a
known small bound needs no killing, so it is answered in the calling process instead.

The bound is checked on the text and the data, not guessed, in two steps:

1. ``shape`` reads the text only (one scan, kept per text): a SELECT or ASK whose WHERE is one
   group of at most ``MAX_PATTERNS`` plain triple patterns and FILTERs (no GRAPH, OPTIONAL,
   UNION, MINUS, BIND, VALUES, FROM, SERVICE, sub-queries, property paths, blank-node lists or
   numbers in patterns), at most ``MAX_CHARS`` long and nested at most ``MAX_NESTING`` deep, so
   that the parser's recursion stays shallow whatever the FILTERs hold.
2. ``within_budget`` counts, on the store, the matches of each triple pattern alone, each
   count stopped just past ``BUDGET`` (``LIMIT``: it reads at most that many index entries),
   the patterns with the most constants first. Any evaluation order of a join of
   patterns reads at most about the product of their matches, so a product within
   ``BUDGET`` bounds the work; filters and the solution modifiers act on at most that many rows.

Counts are kept per pattern and publication (the store only changes when one is published).
``answer_small`` puts both together: the answer, the same bytes a worker gives, or None; the
bound also caps the answer's rows, so one that cannot reach the row cap is written whole by
the store's own writer, without the worker's row-by-row copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox

from graph.answer.sparql import MAX_NESTING, Answer, ProtocolQuery, syntax_problem, write_answer
from graph.errors import ParameterError, QueryError, StoreError
from graph.rdf.sparql_text import Token, nesting, tokenize
from graph.store.interface import QueryResult, Store

__all__ = [
    "BUDGET",
    "LOOP_BUDGET",
    "MAX_CHARS",
    "MAX_PATTERNS",
    "Shape",
    "answer_small",
    "shape",
    "within_budget",
]

# Index entries a query answered in-process may read, and a pattern's count reads at most:
# about 5 ms of Oxigraph's time (counting 10,000 matches took 4.6 ms of CPU at 100,000
# observations). A query sent on to a worker has paid at most that for its counts, once.
BUDGET = 10_000
# A query known to read at most this many is answered on the service's event loop itself: a
# hop to a thread costs more on a busy machine (milliseconds of waiting to be scheduled).
LOOP_BUDGET = 5_000
MAX_PATTERNS = 4
# Oxigraph's parser descends once per operator of an expression; 10,000 chained overflow a
# thread's 8 MB stack (graph.store.pool). This many characters hold a few hundred at most.
MAX_CHARS = 8_192
_FORMS = frozenset({"SELECT", "ASK"})
# Keywords that make the work unbounded by the patterns' own matches, or read other graphs.
_REFUSED = frozenset(
    {"GRAPH", "SERVICE", "FROM", "OPTIONAL", "UNION", "MINUS", "BIND", "VALUES", "EXISTS", "NOT"}
) | frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_SEPARATORS = frozenset(".;,")
_CACHED_TEXTS = 512


@dataclass(frozen=True)
class Shape:
    """A query ``shape`` accepts: its prologue (PREFIX and BASE declarations, as written) and
    its triple patterns (each as the text of its three terms)."""

    prologue: str
    patterns: tuple[tuple[str, str, str], ...]


class _Lru:
    """A small least-recently-used memo, safe across the service's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> object | None:
        with self._lock:
            return self._items.get(key)

    def get(self, key: Hashable, compute: Callable[[], object]) -> object:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


_SHAPES = _Lru(_CACHED_TEXTS)
_COUNTS = _Lru(4 * _CACHED_TEXTS)


def shape(sparql: str) -> Shape | None:
    """The query's prologue and triple patterns when it has the shape above, else None.

    >>> shape('PREFIX s: <urn:s#> ASK { <urn:a> s:label ?l FILTER(CONTAINS(?l, "x")) }')
    Shape(prologue='PREFIX s: <urn:s#> ', patterns=(('<urn:a>', 's:label', '?l'),))
    >>> shape("SELECT * { ?s ?p ?o OPTIONAL { ?o ?q ?r } }") is None
    True
    """
    if len(sparql) > MAX_CHARS:
        return None
    return _SHAPES.get(sparql, lambda: _read_shape(sparql))  # type: ignore[return-value]


def _read_shape(sparql: str) -> Shape | None:
    tokens = [t for t in tokenize(sparql) if t.kind not in ("space", "comment")]
    words = {t.keyword for t in tokens} - {""}
    if words & _REFUSED or sum(t.keyword == "SELECT" for t in tokens) > 1:
        return None
    form = next((i for i, t in enumerate(tokens) if t.keyword in _FORMS), None)
    if form is None or any(t.keyword not in ("PREFIX", "BASE") for t in tokens[:form] if t.keyword):
        return None
    braces = [i for i, t in enumerate(tokens) if t.kind == "other" and t.text in "{}"]
    if len(braces) != 2 or tokens[braces[0]].text != "{" or tokens[braces[1]].text != "}":
        return None
    patterns = _patterns(tokens[braces[0] + 1 : braces[1]])
    if not patterns or len(patterns) > MAX_PATTERNS or nesting(sparql)[0] > MAX_NESTING:
        return None  # too deep: refused by the worker's path (``check_nesting``), with its message
    return Shape(sparql[: tokens[form].start], tuple(patterns))


def _patterns(body: list[Token]) -> list[tuple[str, str, str]] | None:
    """The triple patterns of a group's tokens, FILTERs skipped; None for anything else."""
    patterns: list[tuple[str, str, str]] = []
    terms: list[str] = []  # the pattern being read: subject, predicate, object so far
    i = 0
    while i < len(body):
        token = body[i]
        if token.keyword == "FILTER" and len(terms) != 2:
            if len(terms) == 3:  # a FILTER may follow a pattern without a "."
                patterns.append((terms[0], terms[1], terms[2]))
            terms = []
            i = _after_filter(body, i + 1)
            if i < 0:
                return None
            continue
        if token.kind == "other" and token.text in _SEPARATORS:
            if len(terms) != 3:
                return None
            patterns.append((terms[0], terms[1], terms[2]))
            # ";" keeps the subject, "," the subject and predicate, "." neither.
            terms = {".": [], ";": terms[:1], ",": terms[:2]}[token.text]
            i += 1
            continue
        term, i = _term(body, i)
        if term is None or len(terms) == 3:
            return None
        terms.append(term)
    if len(terms) == 3:
        patterns.append((terms[0], terms[1], terms[2]))
    elif terms and len(terms) != 1:  # a trailing ";" leaves the subject alone: allowed
        return None
    if any(len({t[1:] for t in p if t.startswith(("?", "$"))}) != _vars(p) for p in patterns):
        return None
    return patterns


def _vars(pattern: tuple[str, str, str]) -> int:
    """Variable positions of a pattern (a variable used twice in one pattern is refused: the
    store then filters a scan, which can read everything without yielding)."""
    return sum(t.startswith(("?", "$")) for t in pattern)


def _term(body: list[Token], i: int) -> tuple[str | None, int]:
    """One RDF term at ``i`` (a variable, an IRI, a prefixed name or ``a``, a string with its
    language or datatype) and where the next token starts; None for anything else."""
    token = body[i]
    name = token.kind == "word" and ":" in token.text and not token.text.startswith("_:")  # no blank nodes
    if token.kind in ("var", "iri") or name or (token.kind == "word" and token.text == "a"):
        return token.text, i + 1
    if token.kind != "string":
        return None, i + 1
    text, i = token.text, i + 1
    if i < len(body) and body[i].kind == "langtag":
        return text + body[i].text, i + 1
    if i + 2 < len(body) and body[i].text == body[i + 1].text == "^":
        datatype = body[i + 2]
        if datatype.kind == "iri" or (datatype.kind == "word" and ":" in datatype.text):
            return text + "^^" + datatype.text, i + 3
        return None, i
    return text, i


def _after_filter(body: list[Token], i: int) -> int:
    """The index after a FILTER's constraint (parenthesised, or a function call), or -1."""
    if i < len(body) and body[i].kind in ("word", "iri"):
        i += 1  # FILTER regex(...), FILTER <fn>(...)
    if i >= len(body) or body[i].text != "(":
        return -1
    depth = 0
    for j in range(i, len(body)):
        text = body[j].text if body[j].kind == "other" else ""
        depth += (text == "(") - (text == ")")
        if depth == 0:
            return j + 1
    return -1


def within_budget(
    store: Store,
    found: Shape,
    dataset: tuple[list[str], list[str]],
    generation: Hashable,
    budget: int = BUDGET,
    *,
    count: bool = True,
) -> int | None:
    """The product of the patterns' matches over ``dataset`` (default and named graphs) when
    it stays within ``budget`` (it also bounds the answer's rows), else None. Each count reads
    at most ``BUDGET`` entries and is kept; without ``count`` only kept counts are used (a
    pattern never counted: None)."""
    product = 1
    ordered = sorted(found.patterns, key=_vars)  # the most constants first: the smallest counts
    for pattern in ordered:
        key = (generation, tuple(dataset[0]), tuple(dataset[1]), found.prologue, pattern)
        matches = _COUNTS.peek(key)
        if matches is None:
            if not count:
                return None
            matches = _COUNTS.get(key, partial(_count, store, found.prologue, pattern, dataset, BUDGET + 1))
        assert isinstance(matches, int)
        product *= max(matches, 1)
        if product > budget:
            return None
    return product


def _count(
    store: Store,
    prologue: str,
    pattern: tuple[str, str, str],
    dataset: tuple[list[str], list[str]],
    limit: int,
) -> int:
    """Matches of one triple pattern, counted up to ``limit``."""
    inner = f"SELECT * WHERE {{ {' '.join(pattern)} }} LIMIT {limit}"
    text = f"{prologue}SELECT (COUNT(*) AS ?n) WHERE {{ {inner} }}"
    result = store.query(text, default_graph=dataset[0], named_graphs=dataset[1])
    assert isinstance(result, ox.QuerySolutions)
    found = next(iter(result))["n"]
    assert isinstance(found, ox.Literal)
    return int(found.value)


def answer_small(
    store: Store,
    request: ProtocolQuery,
    generation: Hashable,
    budget: int = BUDGET,
    *,
    count: bool = True,
) -> Answer | None:
    """The answer of a query within ``budget``, computed on ``store`` in this thread: the
    bytes and errors a worker's ``answer_request`` gives; None for any other query, and
    without ``count`` for one whose patterns were not counted yet.
    ``request.published`` must hold the graphs its audience may read."""
    found = shape(request.sparql)
    if found is None or request.published is None:
        return None
    readable = list(request.published)
    if request.default_graphs is None and request.named_graphs is None:
        default = readable
    else:
        default = list(request.default_graphs or ())
        if not set(default) | set(request.named_graphs or ()) <= set(readable):
            return None  # refused by the worker's path, with its message
    # The shape has no GRAPH: the named graphs are never read, and naming the default ones
    # lets a store whose every graph is readable use its own union (``Dataset.covers``).
    dataset = (default, default)
    try:
        rows = within_budget(store, found, dataset, generation, budget, count=count)
    except (QueryError, StoreError):
        return None  # e.g. an unknown prefix: the worker's path names the error
    if rows is None:
        return None
    try:
        result = store.query(request.sparql, default_graph=dataset[0], named_graphs=dataset[1])
        return _written(result, request, rows)
    except QueryError as exc:
        problem = syntax_problem(str(exc), request.sparql)
        if problem is None:
            raise
        raise ParameterError([problem]) from None


def _written(result: QueryResult, request: ProtocolQuery, rows: int) -> Answer:
    """The answer in the request's format: written whole by the store's own writer when it
    cannot hold more rows than the request's cap (``rows`` bounds it), else as a worker does."""
    if rows > request.max_rows or isinstance(result, ox.QueryTriples):
        return write_answer(result, request)
    fmt = ox.QueryResultsFormat.from_media_type(request.results_type) or ox.QueryResultsFormat.JSON
    try:
        body = result.serialize(format=fmt) or b""
    except OSError as exc:  # results are computed lazily, while being written
        raise StoreError(f"penyimpanan gagal / store failed while answering: {exc}") from exc
    return Answer("ask" if isinstance(result, ox.QueryBoolean) else "select", fmt.media_type, body, False)
