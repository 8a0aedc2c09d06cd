"""A SPARQL server as the remote store sees it, apart from the requests themselves.

Where its endpoints are (``Endpoints``: Oxigraph server, Fuseki or Virtuoso, or URLs given one by
one), how its URLs appear in messages and logs (never with credentials), and how its
answers are read back into pyoxigraph's own result types, so callers of the remote
store get what the embedded store returns and cannot tell the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph.errors import StoreError
from graph.settings import Settings
from graph.store.interface import QueryResult

__all__ = ["Endpoints", "Flavour", "display_url", "read_answer", "response_detail"]

Flavour = Literal["oxigraph", "fuseki", "virtuoso"]

_DETAIL_CHARS = 600


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL server and what kind of server it is."""

    query: str
    update: str
    data: str
    flavour: Flavour = "oxigraph"

    @classmethod
    def for_server(cls, url: str, flavour: Flavour = "oxigraph", *, authenticated: bool = False) -> Endpoints:
        """The default endpoints under ``url``.

        Oxigraph server: ``/query``, ``/update``, ``/store``. Fuseki (``url`` is the dataset,
        e.g. ``http://host:3030/onecenter``): ``/query``, ``/update``, ``/data``. Virtuoso:
        ``/sparql`` and ``/sparql-graph-crud``, or ``/sparql-auth`` and
        ``/sparql-graph-crud-auth`` (digest authentication) when ``authenticated``.

        >>> Endpoints.for_server("http://127.0.0.1:7878/").data
        'http://127.0.0.1:7878/store'
        >>> Endpoints.for_server("http://127.0.0.1:3030/onecenter", "fuseki").data
        'http://127.0.0.1:3030/onecenter/data'
        >>> Endpoints.for_server("http://127.0.0.1:8890", "virtuoso", authenticated=True).update
        'http://127.0.0.1:8890/sparql-auth'
        """
        base = url.rstrip("/")
        if flavour == "virtuoso":
            # One endpoint for queries and updates; updates need the SPARQL_UPDATE role.
            sparql = base + "/sparql" + ("-auth" if authenticated else "")
            data = base + "/sparql-graph-crud" + ("-auth" if authenticated else "")
            return cls(query=sparql, update=sparql, data=data, flavour=flavour)
        data_path = "/store" if flavour == "oxigraph" else "/data"
        return cls(query=base + "/query", update=base + "/update", data=base + data_path, flavour=flavour)

    @classmethod
    def of(cls, settings: Settings) -> Endpoints:
        """The endpoints the settings name: those of ``store_url``, each replaced by a non-empty
        ``store_query_url``, ``store_update_url`` or ``store_data_url``."""
        server = cls.for_server(
            settings.store_url, settings.store_flavour, authenticated=bool(settings.store_user)
        )
        return cls(
            query=settings.store_query_url or server.query,
            update=settings.store_update_url or server.update,
            data=settings.store_data_url or server.data,
            flavour=server.flavour,
        )


def read_answer(response: httpx.Response, server: str) -> QueryResult:
    """A query's answer as the result types the embedded store returns: SELECT and ASK
    results in any format pyoxigraph reads, CONSTRUCT / DESCRIBE triples in an RDF format."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    body = response.content
    try:
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is not None:
            return ox.parse_query_results(body, results_format)
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is not None and not rdf_format.supports_datasets:
            return _as_query_triples(ox.parse(body, rdf_format))
    except SyntaxError as exc:
        raise StoreError(
            f"jawaban server tidak terbaca / unreadable answer from {server} ({media_type}): {exc}"
        ) from None
    raise StoreError(f"jenis jawaban tidak dikenal / unexpected answer type {media_type!r} from {server}")


def _as_query_triples(triples: Iterable[ox.Triple | ox.Quad]) -> ox.QueryTriples:
    """CONSTRUCT / DESCRIBE triples as the ``QueryTriples`` the embedded store returns."""
    # QueryTriples has no constructor: a tiny in-memory store gives one back.
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


def display_url(url: str) -> str:
    """A URL fit for messages and logs: no user name, password or query string.

    >>> display_url("http://ani:rahasia@127.0.0.1:7878/query?x=1")
    'http://127.0.0.1:7878/query'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def response_detail(response: httpx.Response) -> str:
    """The start of a refusal's text from the server, for the error message."""
    text = response.text.strip()
    return text if len(text) <= _DETAIL_CHARS else text[:_DETAIL_CHARS] + " ..."
