"""Benchmark: validate a province-scale graph with the SHACL shapes, next to pySHACL on a sample.

Maps the synthetic province table of scripts/bench_load.py (all 2,651 Lampung desa,
10 indicators) into an in-memory store, then times graph.validation.validate over the
published graphs with every shape in shapes/, and pySHACL (the reference semantics) on
the first --sample observations of the same graph. Prints one table; not a test.

    python scripts/bench_validation.py --observations 1000000 --sample 2000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import peak_rss_mb, write_table  # noqa: E402

from graph.pipeline import Platform  # noqa: E402
from graph.publication import published_graphs  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.validation import Shapes, validate  # noqa: E402


def sample_graph(platform: Platform, graphs: list[str], observations: int) -> rdflib.Graph:
    """The first observations with everything they point to (one hop), as an rdflib graph."""
    query = f"""PREFIX qb: <http://purl.org/linked-data/cube#>
CONSTRUCT {{ ?o ?p ?v . ?v ?q ?w }} WHERE {{
  {{ SELECT ?o WHERE {{ ?o a qb:Observation }} LIMIT {observations} }}
  ?o ?p ?v . OPTIONAL {{ ?v ?q ?w FILTER(!isLiteral(?v)) }} }}"""
    result = platform.store.query(query, default_graph=graphs)
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    for path in sorted((platform.settings.ontology_path).glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=platform.iris.base)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="observations given to pySHACL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        platform = Platform(load_settings(store_path=":memory:"))
        platform.load_reference()
        mapping = write_table(folder, args.observations, platform.regions.codes_by_level["desa"])
        t0 = time.perf_counter()
        report = platform.load(mapping)
        load_s = time.perf_counter() - t0
        graphs = published_graphs(platform.store, platform.iris)
        shapes = Shapes.load(platform.settings.shapes_path)
        t1 = time.perf_counter()
        findings = validate(platform.store, shapes, graphs)
        ours_s = time.perf_counter() - t1
        sample = sample_graph(platform, graphs, args.sample)
        t2 = time.perf_counter()
        conforms, results, _ = pyshacl.validate(
            sample, shacl_graph=shapes.graph, advanced=True, allow_warnings=True
        )
        pyshacl_s = time.perf_counter() - t2
        n_pyshacl = len(set(results.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult)))
        t3 = time.perf_counter()
        sample_store_findings = _ours_on(sample, shapes)
        ours_sample_s = time.perf_counter() - t3
    print(
        f"graph: {report.observations:,} observations ({report.quads:,} quads) loaded in {load_s:.0f} s "
        f"(in-memory store); {len(shapes.constraints)} constraints from shapes/"
    )
    print(f"{'validator':48} {'observations':>13} {'seconds':>9} {'findings':>9}")
    print(
        f"{'One Center (one SPARQL query per constraint)':48} {report.observations:>13,} {ours_s:9.2f} {len(findings):9,}"
    )
    print(
        f"{'One Center on the pySHACL sample':48} {args.sample:>13,} {ours_sample_s:9.2f} {sample_store_findings:9,}"
    )
    print(f"{'pySHACL (reference) on the sample':48} {args.sample:>13,} {pyshacl_s:9.2f} {n_pyshacl:9,}")
    print(f"peak memory (max RSS): {peak_rss_mb():,.0f} MB")


def _ours_on(graph: rdflib.Graph, shapes: Shapes) -> int:
    from graph.store import EmbeddedStore

    store = EmbeddedStore(None)
    store.load_rdf(graph.serialize(format="nt"), fmt="ntriples", graph="urn:sample")
    return len(validate(store, shapes, ["urn:sample"]))


if __name__ == "__main__":
    main()
