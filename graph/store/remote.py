"""A store on a SPARQL server, behind the same ``Store`` interface as the embedded one.

Queries and updates go through the SPARQL 1.1 Protocol, data through the Graph
Store HTTP Protocol, with httpx. Answers are parsed with pyoxigraph's own readers
(``graph.store.sparql_server.read_answer``), so callers get the same result types as
from the embedded store and cannot tell the two apart.

What the protocol cannot carry is emulated:

- ``substitutions`` (variables bound to RDF terms) become ``VALUES`` blocks written
  with pyoxigraph's term syntax (see ``bind_values``);
- a dataset of *no* graph (``default_graph=[]``) names a graph that never exists, and
  ``named_graphs=None`` ("every named graph") lists them when the query uses ``GRAPH``;
- Oxigraph's union default graph is asked for (``union-default-graph``) when a query
  reads every graph in the store, as the embedded store does.

Only requests that cannot change anything are retried: queries (the SPARQL Protocol
defines them as safe, whether sent by GET or POST) after a dropped connection or a
502/503/504, and any request that never reached the server (connection refused).
An update or a POST of data whose outcome is unknown is reported, never resent.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator

import httpx
import pyoxigraph as ox

from graph.errors import QueryError, QueryTimeout, StoreError
from graph.rdf.ntriples import NQuadsChunk, chunk_bytes
from graph.rdf.values_binding import bind_values
from graph.settings import Settings
from graph.store.interface import Bindings, Dataset, QueryResult, Store
from graph.store.sparql_server import Endpoints, display_url, read_answer, response_detail

__all__ = ["RemoteStore"]

log = logging.getLogger("onecenter.remote_store")

# A graph name no one writes to: the protocol's way of saying "an empty default graph".
EMPTY_GRAPH = "urn:x-onecenter:no-graph"
# Longer query strings are POSTed form-encoded: servers and proxies cap URLs at 4-8 KiB.
_MAX_GET_BYTES = 4096
# N-Quads are POSTed in pieces of about this size, cut at line ends.
_POST_BYTES = 8 * 1024 * 1024
# Safe requests are tried this many times in all, waiting 0.25 s, 0.5 s, ... in between.
_ATTEMPTS = 3
_RETRY_STATUSES = frozenset({502, 503, 504})

_RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples;q=0.8, text/turtle;q=0.7"
)


class RemoteStore(Store):
    """A triple store on a SPARQL 1.1 server (Oxigraph server, Apache Jena Fuseki, ...).

    Parameters:
        endpoints: the query, update and Graph Store Protocol URLs.
        user, password: HTTP basic authentication (both or neither).
        token: a bearer token, sent as ``Authorization: Bearer``; not with ``user``.
        timeout_s: the longest wait for the server to accept, answer or read a request;
            a query past it raises ``QueryTimeout`` (the server may keep computing unless it
            has a time limit of its own, e.g. ``oxigraph serve --timeout-s``).
        read_only: refuse every write before sending it.
    """

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        user: str = "",
        password: str = "",
        token: str = "",
        timeout_s: float = 300.0,
        read_only: bool = False,
    ) -> None:
        if token and user:
            raise StoreError(
                "pilih satu cara autentikasi / choose one authentication: basic (user and password) "
                "or a bearer token, not both"
            )
        self.endpoints = endpoints
        self.read_only = read_only
        self.timeout_s = timeout_s
        self.server = display_url(endpoints.query)
        auth = self._auth(user, password) if user else None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(
            auth=auth,
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            # httpx retries a connection that could not be made (nothing was sent), only that.
            transport=httpx.HTTPTransport(retries=_ATTEMPTS - 1),
            follow_redirects=False,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, read_only: bool = False, timeout_s: float | None = None
    ) -> RemoteStore:
        """The store ``settings.store_url`` points at, with its endpoints and credentials."""
        return cls(
            Endpoints.of(settings),
            user=settings.store_user,
            password=settings.store_password.get_secret_value(),
            token=settings.store_token.get_secret_value(),
            timeout_s=settings.store_timeout_s if timeout_s is None else timeout_s,
            read_only=read_only,
        )

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never the credentials
        return f"RemoteStore({self.server!r}, flavour={self.endpoints.flavour!r})"

    # Writes ---------------------------------------------------------------------------------

    def bulk_load(self, chunks: Iterable[NQuadsChunk]) -> int:
        """POST N-Quads to the server, piece by piece; each piece is one request (not atomic)."""
        self._writable()
        added = 0
        for chunk in chunks:
            for piece in _pieces(bytes(chunk_bytes(chunk)), _POST_BYTES):
                self._send_data(piece, "application/n-quads", params={})
                added += piece.count(b"\n")
        return added

    def load_rdf(self, data: str, *, fmt: str, graph: str, base_iri: str | None = None) -> None:
        """Parse here (so bad data fails as in the embedded store and relative IRIs resolve
        against ``base_iri``), then POST the triples as N-Triples into ``graph``."""
        self._writable()
        formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
        name = ox.NamedNode(graph)
        try:
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(data.encode("utf-8"), formats[fmt], base_iri=base_iri)
            ]
        except SyntaxError as exc:
            raise StoreError(f"RDF tidak valid / invalid RDF for graph {graph}: {exc}") from exc
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self._send_data(body, "application/n-triples", params={"graph": name.value})

    def update(self, sparql: str) -> None:
        """One SPARQL update request: the server applies all its operations or none."""
        self._writable()
        response = self._send(
            "POST",
            self.endpoints.update,
            safe=False,
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )
        if response.status_code == 400:
            raise StoreError(
                f"SPARQL update tidak valid / invalid update (server {display_url(self.endpoints.update)}, "
                f"HTTP 400): {response_detail(response)}"
            )
        self._check(response, self.endpoints.update, "update")

    def remove_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    # Reads ----------------------------------------------------------------------------------

    def evaluate(self, sparql: str, dataset: Dataset, substitutions: Bindings | None) -> QueryResult:
        text = bind_values(sparql, substitutions) if substitutions else sparql
        return self._query(text, self._dataset(sparql, dataset))

    def named_graphs(self) -> list[str]:
        result = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", [])
        assert isinstance(result, ox.QuerySolutions)
        return [s["g"].value for s in result if isinstance(s["g"], ox.NamedNode)]

    def count(self, graph: str | None = None) -> int:
        """Quads in ``graph``; for the whole store, quads in every named graph plus the triples
        of the server's default graph (the real one: a server set to use the union of its
        graphs as default graph would count them twice)."""
        if graph is None:
            sparql = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        else:
            sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        result = self._query(sparql, [])
        assert isinstance(result, ox.QuerySolutions)
        return sum(int(s["n"].value) for s in result)

    def flush(self) -> None:
        """Nothing to do: the server commits each request before answering it."""

    def compact(self) -> None:
        """Nothing to do: the server organises its own files."""

    def close(self) -> None:
        self._client.close()

    # The protocol ---------------------------------------------------------------------------

    def _dataset(self, sparql: str, dataset: Dataset) -> list[tuple[str, str]]:
        """``default-graph-uri`` / ``named-graph-uri`` parameters giving the embedded store's dataset."""
        everything: list[str] | None = None
        if self.endpoints.flavour == "oxigraph" and dataset.default_graph:
            everything = self.named_graphs()
            if dataset.covers(everything):
                # As in EmbeddedStore.evaluate: the server's own union is faster than a long list.
                return [("union-default-graph", "")]
        named_graphs = dataset.named_graphs
        if named_graphs is None:
            # "Every named graph": the protocol has no word for it, so list them, but only for
            # a query that can see named graphs at all (it says GRAPH).
            if _GRAPH.search(sparql):
                named_graphs = sorted(everything if everything is not None else self.named_graphs())
            else:
                named_graphs = []
        params = [("default-graph-uri", ox.NamedNode(g).value) for g in dataset.default_graph]
        if not params:
            # With no default-graph-uri the server would use its own default graph; an unknown
            # graph is empty, which is what an empty list means.
            params.append(("default-graph-uri", EMPTY_GRAPH))
        params += [("named-graph-uri", ox.NamedNode(g).value) for g in named_graphs]
        return params

    def _query(self, sparql: str, dataset: list[tuple[str, str]]) -> QueryResult:
        params = [("query", sparql), *dataset]
        url = self.endpoints.query
        headers = {"Accept": self._accept(sparql)}
        encoded = httpx.QueryParams(tuple(params))
        if len(str(encoded)) <= _MAX_GET_BYTES:
            response = self._send("GET", url, safe=True, params=encoded, headers=headers)
        else:
            response = self._send("POST", url, safe=True, data=dict(_grouped(params)), headers=headers)
        if response.status_code == 400:
            raise QueryError(
                f"SPARQL tidak valid / invalid query (server {display_url(url)}, HTTP 400): "
                f"{response_detail(response)}"
            )
        self._check(response, url, "query")
        return self._answer(response)

    def _accept(self, sparql: str) -> str:
        """The answer formats asked for (a flavour may need one per query form)."""
        return _RESULTS_ACCEPT

    def _auth(self, user: str, password: str) -> httpx.Auth:
        """How the user and password are sent: HTTP basic (a flavour may use another scheme)."""
        return httpx.BasicAuth(user, password)

    def _answer(self, response: httpx.Response) -> QueryResult:
        """A query's answer as pyoxigraph results (a flavour may correct its dialect first)."""
        return read_answer(response, self.server)

    def _send_data(self, body: bytes, media_type: str, *, params: dict[str, str]) -> None:
        url = self.endpoints.data
        response = self._send(
            "POST", url, safe=False, content=body, params=params, headers={"Content-Type": media_type}
        )
        if response.status_code == 400:
            raise StoreError(
                f"data ditolak server / the server refused the data (server {display_url(url)}, "
                f"HTTP 400): {response_detail(response)}"
            )
        self._check(response, url, "data")

    def _send(
        self,
        method: str,
        url: str,
        *,
        safe: bool,
        headers: dict[str, str],
        params: httpx.QueryParams | dict[str, str] | None = None,
        content: bytes | None = None,
        data: dict[str, str | list[str]] | None = None,
    ) -> httpx.Response:
        """One request; a safe one is tried again after a dropped connection or a busy server."""
        what = "kueri / query" if safe else "perubahan / write"
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                response = self._client.request(
                    method, url, headers=headers, params=params, content=content, data=data
                )
            except httpx.TimeoutException as exc:
                if isinstance(exc, httpx.ConnectTimeout) or not safe:
                    raise _unreachable(url, exc, safe) from None
                raise QueryTimeout(
                    f"kueri melewati batas waktu {self.timeout_s:g} detik / the query ran past the "
                    f"time limit of {self.timeout_s:g} s (server {display_url(url)}): {type(exc).__name__}"
                ) from None
            except httpx.TransportError as exc:
                # A refused connection was already tried again by the transport.
                if safe and attempt < _ATTEMPTS and not isinstance(exc, httpx.ConnectError):
                    log.warning("%s to %s failed (%s); trying again", what, display_url(url), exc)
                    time.sleep(0.25 * 2 ** (attempt - 1))
                    continue
                raise _unreachable(url, exc, safe) from None
            if safe and response.status_code in _RETRY_STATUSES and attempt < _ATTEMPTS:
                log.warning("%s to %s: HTTP %s; trying again", what, display_url(url), response.status_code)
                time.sleep(0.25 * 2 ** (attempt - 1))
                continue
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    @staticmethod
    def _check(response: httpx.Response, url: str, operation: str) -> None:
        status = response.status_code
        if status < 300:
            return
        where = f"(server {display_url(url)}, HTTP {status})"
        if status in (401, 403):
            raise StoreError(
                f"server menolak akses {where} / the server refused access {where}; check "
                "store_user and store_password, or store_token"
            )
        if status == 404:
            raise StoreError(
                f"alamat tidak ditemukan {where} / endpoint not found {where}; check store_url, "
                f"store_flavour and the store_{operation}_url setting"
            )
        raise StoreError(
            f"server SPARQL gagal {where} / the SPARQL server failed {where}: {response_detail(response)}"
        )

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"penyimpanan hanya-baca / the store {self.server} was opened read-only; writes go "
                "through the load pipeline"
            )


_GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)


def _grouped(params: list[tuple[str, str]]) -> Iterator[tuple[str, str | list[str]]]:
    """Form fields, repeated names gathered into lists (as httpx wants them)."""
    fields: dict[str, list[str]] = {}
    for key, value in params:
        fields.setdefault(key, []).append(value)
    for key, values in fields.items():
        yield key, values if len(values) > 1 else values[0]


def _pieces(text: bytes, size: int) -> Iterator[bytes]:
    """``text`` cut at line ends into pieces of about ``size`` bytes."""
    start = 0
    while start < len(text):
        end = text.find(b"\n", min(start + size, len(text)) - 1)
        end = len(text) if end == -1 else end + 1
        yield text[start:end]
        start = end


def _unreachable(url: str, exc: Exception, safe: bool) -> StoreError:
    if safe or isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return StoreError(
            f"server SPARQL tidak dapat dihubungi / cannot reach the SPARQL server {display_url(url)}: "
            f"{type(exc).__name__}: {exc}. Is it running, and is store_url right?"
        )
    return StoreError(
        f"sambungan ke {display_url(url)} terputus; perubahan mungkin sudah atau belum diterapkan / the "
        f"connection to {display_url(url)} broke off: the write may or may not have been applied "
        f"({type(exc).__name__}). It is not sent again; a load can be repeated safely."
    )
