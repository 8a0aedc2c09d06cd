"""Benchmark: each coherence rule alone, so that a slow one is seen by name.

Stages the synthetic province table of scripts/bench_load.py (10 indicators, all 2,651 Lampung
desa) as a draft in an on-disk store, then times ``graph.check.engine.validate`` with one shape
at a time, on one thread, over the graphs a load judges. Give shape files to compare sets
(the hand-written rules of an earlier commit beside shapes/deklarasi.ttl, for instance):

    python scripts/bench_rules.py --observations 100000 shapes/deklarasi.ttl old/koherensi.ttl

Prints one line per shape (seconds, findings) and each file's total; not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import write_table  # noqa: E402

from graph.check.engine import validate  # noqa: E402
from graph.check.shapes import Shapes  # noqa: E402
from graph.publish.platform import Platform  # noqa: E402
from graph.settings import PROJECT_DIR, load_settings  # noqa: E402
from graph.store.versions import candidate_graphs  # noqa: E402


def one_shape(graph: rdflib.Graph, shape: rdflib.term.Node) -> rdflib.Graph:
    """The shapes graph with every other node shape's own triples left out."""
    alone = rdflib.Graph()
    others = set(graph.subjects(RDF.type, SH.NodeShape)) - {shape}
    for triple in graph:
        if triple[0] not in others:
            alone.add(triple)
    return alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="shape files (default: shapes/deklarasi.ttl)")
    parser.add_argument("--observations", type=int, default=100_000)
    args = parser.parse_args()
    files = args.files or [PROJECT_DIR / "shapes" / "deklarasi.ttl"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        platform = Platform(load_settings(store_path=str(folder / "store")))
        platform.load_reference()
        mapping = write_table(folder, args.observations, platform.regions.codes_by_level["desa"])
        started = time.perf_counter()
        draft = platform._stage(mapping)  # staged as a load stages it, not judged
        print(f"staged {draft.report.observations:,} observations in {time.perf_counter() - started:.1f} s")
        graphs = candidate_graphs(platform.store, platform.iris, {draft.dataset_iri: draft.graph})
        for path in files:
            graph = rdflib.Graph().parse(path)
            total = 0.0
            print(f"\n{path}")
            for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
                started = time.perf_counter()
                found = validate(
                    platform.store, Shapes.from_graph(one_shape(graph, shape)), graphs, workers=1
                )
                seconds = time.perf_counter() - started
                total += seconds
                print(f"{seconds:8.2f} s {len(found):9,} findings  {str(shape).rsplit('#', 1)[-1]}")
            print(f"{total:8.2f} s in all")
        platform.close()


if __name__ == "__main__":
    main()
