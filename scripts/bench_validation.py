"""Benchmark: validate a province-scale graph with the SHACL shapes, next to pySHACL on a sample.

Maps the synthetic province table of scripts/bench_load.py (all 2,651 Lampung desa,
10 indicators) into a store as a draft (on disk, as the platform keeps it, or in memory
with --store memory), then times graph.check.engine.validate over the graphs a load judges
(everything published plus the draft) twice: as a load judges, the observation shapes on
the draft's columns (graph.check.column_checks); and with every shape in the store, whose
findings must be the same in full. pySHACL (the reference semantics) runs on the first
--sample observations of the same graph, where our engine must find the same. Prints one
table and the slowest queries; not a test.

    python scripts/bench_validation.py --observations 1000000 --sample 1000
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures, peak_rss_mb, write_table  # noqa: E402

from graph.check.engine import Shapes, validate
from graph.check.findings import Finding
from graph.publish.platform import Platform  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import candidate_graphs  # noqa: E402

Key = tuple[str, str, str | None, str, str]


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


def pyshacl_keys(report: rdflib.Graph, shapes: rdflib.Graph) -> set[Key]:
    """(focus, component, path, severity, node shape) of each pySHACL result."""
    owner = {str(ps): str(ns) for ns, ps in shapes.subject_objects(SH.property)}
    keys = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        source = str(report.value(r, SH.sourceShape))
        path = report.value(r, SH.resultPath)
        keys.add(
            (
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.sourceConstraintComponent)),
                None if path is None else str(path),
                str(report.value(r, SH.resultSeverity)),
                owner.get(source, source),
            )
        )
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1_000, help="observations given to pySHACL")
    parser.add_argument("--workers", type=int, default=None, help="queries at once (default: one per CPU)")
    parser.add_argument("--top", type=int, default=10, help="slowest queries to list")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument("--store", choices=["disk", "memory"], default="disk", help="where the graph is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store_path = str(folder / "store") if args.store == "disk" else ":memory:"
        platform = Platform(load_settings(store_path=store_path))
        platform.load_reference()
        mapping = write_table(folder, args.observations, platform.regions.codes_by_level["desa"])
        t0 = time.perf_counter()
        # Staged as Platform.load stages it, but not judged: judging is what is timed here
        # (and the random figures break rules, so the load would hold the draft).
        draft = platform._stage(mapping)
        load_s = time.perf_counter() - t0
        report = draft.report
        gc.collect()  # the table and its N-Quads are gone: the store is what is left
        graphs = candidate_graphs(platform.store, platform.iris, {draft.dataset_iri: draft.graph})
        shapes = Shapes.load(platform.settings.shapes_path)
        timings: dict[str, float] = {}
        # As a load judges its draft (first, as a load does, right after the stage): the
        # observation shapes on the draft's columns, the rest in the store.
        assert draft.observations is not None
        t1 = time.perf_counter()
        findings = validate(
            platform.store, shapes, graphs, drafts=[draft.observations], workers=args.workers, timings=timings
        )
        ours_s = time.perf_counter() - t1
        # Every shape in the store: the engine alone, and what the columns must agree with.
        t4 = time.perf_counter()
        in_store = validate(platform.store, shapes, graphs, workers=args.workers)
        store_s = time.perf_counter() - t4
        same = "identical" if _full(findings) == _full(in_store) else "DIFFERENT"
        store_findings = len(in_store)
        del in_store
        sample = sample_graph(platform, graphs, args.sample)
        every = "all of the store's" if set(platform.store.named_graphs()) <= set(graphs) else "not all"
        platform.close()
    t2 = time.perf_counter()
    _conforms, results, _ = pyshacl.validate(
        sample, shacl_graph=shapes.graph, advanced=True, allow_warnings=True
    )
    pyshacl_s = time.perf_counter() - t2
    assert isinstance(results, rdflib.Graph)
    expected = pyshacl_keys(results, shapes.graph)
    n_pyshacl = len(set(results.subjects(RDF.type, SH.ValidationResult)))
    t3 = time.perf_counter()
    on_sample = _ours_on(sample, shapes, args.workers)
    ours_sample_s = time.perf_counter() - t3
    agree = "identical" if {f.key() for f in on_sample} == expected else "DIFFERENT"

    print(
        f"graph: {report.observations:,} observations ({report.quads:,} quads) loaded in {load_s:.0f} s "
        f"({args.store} store, as a draft); {len(shapes.constraints)} constraints from shapes/ in "
        f"{len(shapes.queries)} queries; {len(graphs)} graphs, {every}"
    )
    print(f"{'validator':48} {'observations':>13} {'seconds':>9} {'findings':>9}")
    print(
        f"{'One Center, as a load judges (draft on columns)':48} {report.observations:>13,} {ours_s:9.2f} "
        f"{len(findings):9,}"
    )
    print(
        f"{'One Center, every shape in the store':48} {report.observations:>13,} {store_s:9.2f} "
        f"{store_findings:9,}"
    )
    print(
        f"{'One Center on the pySHACL sample':48} {args.sample:>13,} {ours_sample_s:9.2f} {len(on_sample):9,}"
    )
    print(f"{'pySHACL (reference) on the sample':48} {args.sample:>13,} {pyshacl_s:9.2f} {n_pyshacl:9,}")
    print(f"findings with the draft's columns and with every shape in the store, in full: {same}")
    print(f"findings on the sample, by focus/component/path/severity/shape: {agree}")
    print(f"peak memory (max RSS): {peak_rss_mb():,.0f} MB")
    print(
        f"slowest queries as a load judges ({sum(timings.values()):.1f} s in all, "
        f"run {args.workers or 'one per CPU'} at once):"
    )
    for label, seconds in sorted(timings.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {seconds:7.2f}  {label}")
    figures = {
        "bench": "validation",
        "store": args.store,
        "observations": report.observations,
        "seconds": ours_s,
        "store_seconds": store_s,
        "findings": len(findings),
        "sample": args.sample,
        "sample_seconds": ours_sample_s,
        "pyshacl_seconds": pyshacl_s,
        "agree": agree,
        "columns_agree": same,
        "peak_mb": peak_rss_mb(),
    }
    append_figures(args.json, figures)


def _full(findings: list[Finding]) -> list[tuple[object, ...]]:
    return sorted((*f.key(), f.value, f.message_id, f.message_en) for f in findings)


def _ours_on(graph: rdflib.Graph, shapes: Shapes, workers: int | None) -> list[Finding]:
    store = EmbeddedStore(None)
    store.load_rdf(graph.serialize(format="nt"), fmt="ntriples", graph="urn:sample")
    return validate(store, shapes, ["urn:sample"], workers=workers)


if __name__ == "__main__":
    main()
