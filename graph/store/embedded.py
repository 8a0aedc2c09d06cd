"""The embedded store: Oxigraph in the same process, on disk (RocksDB) or in memory.

It keeps the ``Store`` interface of ``graph.store.interface``; the service's reader
processes open the same folder read-only, and every committed update touches a marker
file beside it (``marker_for``) so they know to reopen.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyoxigraph as ox

from graph.errors import QueryError, StoreError
from graph.rdf.ntriples import NQuadsChunk, chunk_bytes, line_count
from graph.store.interface import Bindings, Dataset, QueryResult, Store

__all__ = ["EmbeddedStore"]


class EmbeddedStore(Store):
    """Oxigraph in the same process: on disk under ``path``, or in memory when None."""

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._graph_names: list[str] | None = None  # a read-only handle's, read once (``_graphs``)
        if read_only and path is not None and not (path / "CURRENT").exists():
            # A reader before the first build: say what to do, not "is another process loading?".
            raise StoreError(
                f"belum ada graf di {path}; jalankan `onecenter build` dulu / "
                f"no graph at {path} yet: run `onecenter build` first"
            )
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

    def evaluate(self, sparql: str, dataset: Dataset, substitutions: Bindings | None) -> QueryResult:
        bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = (
            {ox.Variable(k): v for k, v in substitutions.items()} if substitutions else None
        )
        union = dataset.covers(self._graphs())  # asked for every graph there is
        try:
            if union:
                return self._store.query(sparql, use_default_graph_as_union=True, substitutions=bound)
            graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
                ox.NamedNode(g) for g in dataset.default_graph
            ]
            named: list[ox.NamedNode | ox.BlankNode] | None = (
                None if dataset.named_graphs is None else [ox.NamedNode(g) for g in dataset.named_graphs]
            )
            return self._store.query(sparql, default_graph=graphs, named_graphs=named, substitutions=bound)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL tidak valid / invalid query: {exc}") from None
        except OSError as exc:
            raise StoreError(f"penyimpanan gagal / store failed: {exc}") from exc

    def named_graphs(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def _graphs(self) -> list[str]:
        """``named_graphs``, read once by a read-only handle: it sees the store as of its opening,
        and every query asks (to choose the union), which cost small queries a scan each."""
        if not self.read_only:
            return self.named_graphs()
        if self._graph_names is None:
            self._graph_names = self.named_graphs()
        return self._graph_names

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
