"""RDFC-1.0 hashes: pyoxigraph's canonicalization against a W3C vector, and store graphs hashed
by streaming and sorting their lines."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.provenance.graph_hash import canonical_nquads, graph_hash, rdfc_sha256
from graph.store.embedded import EmbeddedStore
from graph.store.interface import QueryResult

VECTORS = Path(__file__).resolve().parents[2] / "fixtures" / "rdfc10"
G = "https://data.example.org/graph/dataset/uji/v/1"


def test_w3c_poison_graph_test044_canonicalizes_to_the_expected_document() -> None:
    """W3C rdf-canon test044 (two 6-node cycles that only n-degree hashing tells apart)."""
    data = (VECTORS / "test044-in.nq").read_bytes()
    expected = (VECTORS / "test044-rdfc10.nq").read_bytes()
    assert canonical_nquads(ox.parse(data, format=ox.RdfFormat.N_QUADS)) == expected
    assert rdfc_sha256(ox.parse(data, format=ox.RdfFormat.N_QUADS)) == hashlib.sha256(expected).hexdigest()


def _store(nquads: str) -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.bulk_load([nquads])
    return store


OBSERVATIONS = "".join(
    f'<https://data.example.org/id/observasi/{i}> <https://data.example.org/def/nilai> "{i}.5"'
    f"^^<http://www.w3.org/2001/XMLSchema#decimal> <{G}> .\n"
    f'<https://data.example.org/id/observasi/{i}> <http://www.w3.org/2000/01/rdf-schema#label> "Desa é {i}"'
    f" <{G}> .\n"
    for i in range(40)
)


def test_graph_hash_is_the_rdfc_hash_of_the_graph_as_a_default_graph() -> None:
    store = _store(OBSERVATIONS + '<urn:other> <urn:p> "not in the graph" <urn:g2> .\n')
    triples = [
        ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(OBSERVATIONS, format=ox.RdfFormat.N_QUADS)
    ]
    found = graph_hash(store, G)
    assert found.quads == 80
    assert found.sha256 == rdfc_sha256(triples)


def test_graph_hash_merging_sorted_runs_from_files_equals_one_run(tmp_path: Path) -> None:
    store = _store(OBSERVATIONS)
    one = graph_hash(store, G)
    runs = graph_hash(store, G, workdir=tmp_path / "runs", run_lines=7)
    assert runs == one


def test_graph_hash_changes_when_one_figure_changes() -> None:
    changed = OBSERVATIONS.replace('"17.5"', '"17.6"')
    assert graph_hash(_store(changed), G).sha256 != graph_hash(_store(OBSERVATIONS), G).sha256


def test_graph_hash_ignores_the_graph_name_and_blank_node_labels() -> None:
    a = _store(f'_:x <urn:p> "1" <{G}> .\n_:x <urn:q> _:y <{G}> .\n_:y <urn:p> "2" <{G}> .\n')
    b = _store(
        '_:k <urn:p> "2" <urn:other> .\n_:j <urn:q> _:k <urn:other> .\n_:j <urn:p> "1" <urn:other> .\n'
    )
    ha, hb = graph_hash(a, G), graph_hash(b, "urn:other")
    assert ha.sha256 == hb.sha256 and ha.quads == 3
    expected = b'_:c14n0 <urn:p> "1" .\n_:c14n0 <urn:q> _:c14n1 .\n_:c14n1 <urn:p> "2" .\n'
    assert ha.sha256 == hashlib.sha256(expected).hexdigest()


class _SparqlOnly:
    """A store seen only through the Store protocol's query (as a SPARQL server is)."""

    def __init__(self, inner: EmbeddedStore) -> None:
        self.inner = inner

    def query(self, sparql: str, *, default_graph: list[str], **kw: object) -> QueryResult:
        return self.inner.query(sparql, default_graph=default_graph)


@pytest.mark.parametrize("data", [OBSERVATIONS, f'_:a <urn:p> _:b <{G}> .\n_:b <urn:p> "x" <{G}> .\n'])
def test_a_store_reached_by_sparql_hashes_the_same(data: str) -> None:
    store = _store(data)
    assert graph_hash(_SparqlOnly(store), G) == graph_hash(store, G)  # type: ignore[arg-type]
