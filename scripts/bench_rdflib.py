"""Benchmark anchor: the three named questions on rdflib's own SPARQL engine, on a sample.

rdflib is the Python RDF library most projects would reach for first. Its SPARQL engine
evaluates in pure Python, so it is run on the demo graph (about 8,500 observations), not
on a province: the published graphs of an on-disk store are copied into one rdflib
``Graph`` (their union, the service's default graph), and each question runs with its
parameters as ``initBindings``, next to the same query on pyoxigraph in-process. Not a test.

    python scripts/bench_rdflib.py --store var/bench/demo [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures  # noqa: E402
from bench_questions import QUESTIONS  # noqa: E402

from graph.answer.code_lists import read_code_lists
from graph.answer.parameters import bind_parameters
from graph.answer.questions import load_catalogue, question_prefixes  # noqa: E402
from graph.rdf.iris import Iris  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import published_graphs  # noqa: E402


def to_rdflib(term: ox.NamedNode | ox.Literal) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="an on-disk store (the demo)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    args = parser.parse_args()

    settings = load_settings(store_path=str(args.store))
    iris = Iris(settings.base_iri)
    catalogue = load_catalogue(settings.resolve("questions"))
    store = EmbeddedStore(args.store, read_only=True)
    lists = read_code_lists(store, iris, settings.home_region)
    graphs = published_graphs(store, iris)
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=graphs)
    assert isinstance(union, ox.QueryTriples)
    data = ox.serialize(union, format=ox.RdfFormat.N_TRIPLES) or b""
    t0 = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    parse_s = time.perf_counter() - t0
    print(
        f"sample: {len(graph):,} triples (the published graphs of {args.store}), parsed by rdflib in {parse_s:.1f} s"
    )
    print(f"{'question':24} {'rows':>5} {'rdflib ms':>11} {'pyoxigraph ms':>14} {'ratio':>7}")
    figures: dict[str, object] = {"bench": "rdflib", "triples": len(graph)}
    for qid, params in QUESTIONS.items():
        question = catalogue.questions[qid]
        bound = bind_parameters(question, list(params.items()), lists)
        terms = {n: p.term for n, p in bound.items() if p.term is not None}
        sparql = question_prefixes(iris) + question.sparql
        rdflib_times, oxigraph_times = [], []
        rows = rows_ox = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            rows = len(list(graph.query(sparql, initBindings={n: to_rdflib(t) for n, t in terms.items()})))
            rdflib_times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            result = store.query(sparql, default_graph=graphs, named_graphs=graphs, substitutions=terms)
            rows_ox = len(list(result))  # type: ignore[arg-type]
            oxigraph_times.append((time.perf_counter() - t0) * 1000)
        r, o = statistics.median(rdflib_times), statistics.median(oxigraph_times)
        same = "" if rows == rows_ox else f"  ROWS DIFFER: {rows} vs {rows_ox}"
        print(f"{qid:24} {rows:5} {r:11,.0f} {o:14,.1f} {r / o:6,.0f}x{same}")
        figures[qid] = {"rows": rows, "rdflib_ms": r, "oxigraph_ms": o}
    store.close()
    append_figures(args.json, figures)


if __name__ == "__main__":
    main()
