"""The store interface and its embedded Oxigraph implementation.

Everything above this module talks to a ``Store``: bulk loading N-Quads,
SPARQL update (transactional), SPARQL query over a chosen set of graphs.
The embedded store keeps its files on disk (RocksDB) or in memory for tests;
``graph.store.remote.RemoteStore`` is the same interface on a SPARQL server.
``connect_store(settings)`` opens whichever the settings name.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

import pyarrow as pa
import pyoxigraph as ox

from graph.errors import QueryError, StoreError
from graph.rdf.ntriples import NQuadsChunk, chunk_bytes, line_count

if TYPE_CHECKING:
    from graph.settings import Settings

__all__ = ["EmbeddedStore", "QueryResult", "Store", "connect_store", "open_store"]

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Store(Protocol):
    """What the pipeline and the API need from a triple store."""

    def bulk_load(self, chunks: Iterable[NQuadsChunk]) -> int:
        """Add N-Quads text, chunk by chunk, without a transaction; returns quads added."""

    def load_rdf(self, data: str, *, fmt: str, graph: str, base_iri: str | None = None) -> None:
        """Parse Turtle or N-Triples into one named graph (not atomic: use a fresh graph)."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL update; all its operations apply together or not at all."""

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str],
        named_graphs: list[str] | None = None,
        substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query whose default graph is the union of ``default_graph``.

        ``substitutions`` binds variables (by name, without ``?``) to RDF terms before
        evaluation (SEP-0007), so user values never become query text.
        """

    def named_graphs(self) -> list[str]:
        """IRIs of every named graph in the store."""

    def remove_graph(self, graph: str) -> None:
        """Delete a named graph and its quads."""

    def compact(self) -> None:
        """Reorganise the store's files after a bulk load so reads are fast (may do nothing)."""

    def count(self, graph: str | None = None) -> int:
        """Number of quads in a graph (or the whole store)."""

    def close(self) -> None:
        """Release the store's files."""


class EmbeddedStore:
    """Oxigraph in the same process: on disk under ``path``, or in memory when None."""

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(
                f"penyimpanan tidak dapat dibuka / cannot open the store at {path}: {exc}. "
                "Is another `onecenter` process loading data into it?"
            ) from None

    def bulk_load(self, chunks: Iterable[NQuadsChunk]) -> int:
        added = 0
        for chunk in chunks:
            data = chunk_bytes(chunk)
            # An Arrow buffer is read in place (pyoxigraph takes a binary file object).
            source = pa.BufferReader(data) if isinstance(data, pa.Buffer) else data
            try:
                self._store.bulk_load(source, format=ox.RdfFormat.N_QUADS)
            except SyntaxError as exc:  # a bug in quad writing, not a user error
                raise StoreError(f"N-Quads tidak valid / invalid N-Quads generated: {exc}") from exc
            added += line_count(chunk)
        return added

    def load_rdf(self, data: str, *, fmt: str, graph: str, base_iri: str | None = None) -> None:
        formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
        try:
            self._store.load(
                data.encode("utf-8"),
                format=formats[fmt],
                base_iri=base_iri,
                to_graph=ox.NamedNode(graph),
            )
        except SyntaxError as exc:
            raise StoreError(f"RDF tidak valid / invalid RDF for graph {graph}: {exc}") from exc

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL update tidak valid / invalid update: {exc}") from exc
        if self.path is not None:
            # Readers in other processes hold read-only handles that see the data as of
            # their opening; this marker tells them to reopen.
            self._store.flush()
            self.marker_for(self.path).touch()

    @staticmethod
    def marker_for(path: Path) -> Path:
        """File whose modification time changes after every committed update."""
        return path.with_name(path.name + ".changed")

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str],
        named_graphs: list[str] | None = None,
        substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
    ) -> QueryResult:
        bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = (
            {ox.Variable(k): v for k, v in substitutions.items()} if substitutions else None
        )
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in default_graph]
        named: list[ox.NamedNode | ox.BlankNode] | None = (
            [ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None
        )
        everything = set(self.named_graphs())
        try:
            if everything <= set(default_graph) and (named_graphs is None or everything <= set(named_graphs)):
                # Asked for every graph there is: Oxigraph evaluates its own union ~3x faster
                # than the same graphs listed one by one (measured on the demo validation).
                return self._store.query(sparql, use_default_graph_as_union=True, substitutions=bound)
            return self._store.query(sparql, default_graph=graphs, named_graphs=named, substitutions=bound)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL tidak valid / invalid query: {exc}") from None
        except OSError as exc:
            raise StoreError(f"penyimpanan gagal / store failed: {exc}") from exc

    def named_graphs(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def remove_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        # Counted inside Oxigraph: iterating the quads in Python took 12.9 s for a graph of
        # 2.1 M quads on disk, this 0.65 s (the audit chain counts every loaded graph).
        found = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(graph)
        )
        assert isinstance(found, ox.QuerySolutions)
        n = next(found)["n"]
        assert isinstance(n, ox.Literal)
        return int(n.value)

    def dump_graph(self, graph: str, output: IO[bytes]) -> None:
        """Write one named graph's triples to ``output`` as N-Triples (streamed, no order)."""
        self._store.dump(output, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def compact(self) -> None:
        # Each bulk_load call adds its own sorted files; until RocksDB merges them every
        # look-up searches all of them. An in-memory store has nothing to merge.
        if self.path is not None and not self.read_only:
            self._store.optimize()

    def close(self) -> None:
        self.flush()
        del self._store


def open_store(location: Path | None, *, read_only: bool = False) -> EmbeddedStore:
    """The embedded store in the folder ``location`` (in memory when None)."""
    return EmbeddedStore(location, read_only=read_only)


def connect_store(settings: Settings, *, read_only: bool = False, timeout_s: float | None = None) -> Store:
    """The store the settings name: the SPARQL server at ``store_url`` when it is set, else
    the embedded store at ``store_path``.

    ``read_only`` refuses writes; an in-memory store cannot be shared, so it stays writable.
    ``timeout_s`` replaces ``store_timeout_s`` for a server (e.g. the API's query time limit).

    Raises:
        StoreError: the embedded store cannot be opened (a server is only reached when used).
    """
    if settings.store_url:
        from graph.store.remote import RemoteStore  # httpx only for those who use a server

        return RemoteStore.from_settings(settings, read_only=read_only, timeout_s=timeout_s)
    location = settings.store_location
    return EmbeddedStore(location, read_only=read_only and location is not None)
