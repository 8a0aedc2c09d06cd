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
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures, peak_rss_mb, write_table  # noqa: E402
from shacl_reference import pyshacl_keys  # noqa: E402

from graph.check.engine import validate
from graph.check.findings import Finding
from graph.check.shapes import Shapes
from graph.publish.load_report import LoadReport  # noqa: E402
from graph.publish.platform import Platform  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import candidate_graphs  # noqa: E402


def sample_graph(platform: Platform, graphs: list[str], observations: int) -> rdflib.Graph:
    """The first observations with everything they point to (one hop), as an rdflib graph."""
    query = f"""PREFIX qb: <http://purl.org/linked-data/cube#>
CONSTRUCT {{ ?o ?p ?v . ?v ?q ?w }} WHERE {{
  {{ SELECT ?o WHERE {{ ?o a qb:Observation }} LIMIT {observations} }}
  ?o ?p ?v . OPTIONAL {{ ?v ?q ?w FILTER(!isLiteral(?v)) }} }}"""
    result = platform.store.query(query, default_graph=graphs)
    assert isinstance(result, ox.QueryTriples)
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    for path in sorted((platform.settings.ontology_path).glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=platform.iris.base)
    return graph


@dataclass
class StoreRun:
    """The draft validated in the store: as a load judges it, and with every shape in the store."""

    report: LoadReport  # the staged draft's
    load_seconds: float
    graphs: list[str]  # the graphs a load judges
    shapes: Shapes
    findings: list[Finding]  # as a load judges
    seconds: float
    timings: dict[str, float]  # seconds per query, as a load judges
    store_findings: int
    store_seconds: float
    same: str  # "identical" when both found the same, in full
    every: str  # whether the graphs judged are all of the store's
    sample: rdflib.Graph  # the first observations, for pySHACL


@dataclass
class SampleRun:
    """pySHACL and our engine on the sample."""

    pyshacl_seconds: float
    pyshacl_results: int
    findings: list[Finding]
    seconds: float
    agree: str  # "identical" when both found the same keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1_000, help="observations given to pySHACL")
    parser.add_argument("--workers", type=int, default=None, help="queries at once (default: one per CPU)")
    parser.add_argument("--top", type=int, default=10, help="slowest queries to list")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument("--store", choices=["disk", "memory"], default="disk", help="where the graph is kept")
    parser.add_argument(
        "--skip-store-run",
        action="store_true",
        help="do not validate again with every shape in the store (at 1 M the generated rules "
        "take tens of minutes there; bench_rules.py compares both ways at 100,000)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run = validate_in_store(args, Path(tmp))
    # pySHACL (rdflib's SPARQL) joins the generated rules' groups without reordering them: on
    # 200 observations it was still judging after 15 minutes. --sample 0 leaves it out;
    # tests/graph/check/test_declared_checks.py holds it equal to the engine on small graphs.
    sample = (
        validate_sample(run.sample, run.shapes, args.workers)
        if args.sample
        else SampleRun(float("nan"), 0, [], float("nan"), "not run (--sample 0)")
    )
    print_table(args, run, sample)
    append_figures(
        args.json,
        {
            "bench": "validation",
            "store": args.store,
            "observations": run.report.observations,
            "seconds": run.seconds,
            "store_seconds": run.store_seconds,
            "findings": len(run.findings),
            "sample": args.sample,
            "sample_seconds": sample.seconds,
            "pyshacl_seconds": sample.pyshacl_seconds,
            "agree": sample.agree,
            "columns_agree": run.same,
            "peak_mb": peak_rss_mb(),
        },
    )


def validate_in_store(args: argparse.Namespace, folder: Path) -> StoreRun:
    """Stage the synthetic table as a draft in a store in ``folder`` (or in memory), then time
    validating it twice: as a load judges it, and with every shape in the store."""
    store_path = str(folder / "store") if args.store == "disk" else ":memory:"
    platform = Platform(load_settings(store_path=store_path))
    platform.load_reference()
    mapping = write_table(folder, args.observations, platform.regions.codes_by_level["desa"])
    t0 = time.perf_counter()
    # Staged as Platform.load stages it, but not judged: judging is what is timed here
    # (and the random figures break rules, so the load would hold the draft).
    draft = platform._stage(mapping)
    load_s = time.perf_counter() - t0
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
    print(
        f"as a load judges: {ours_s:.2f} s, {len(findings):,} findings, peak {peak_rss_mb():,.0f} MB",
        flush=True,
    )
    # Every shape in the store: the engine alone, and what the columns must agree with.
    store_s, same, store_findings = float("nan"), "not compared (--skip-store-run)", 0
    if not args.skip_store_run:
        t4 = time.perf_counter()
        in_store = validate(platform.store, shapes, graphs, workers=args.workers)
        store_s = time.perf_counter() - t4
        same = "identical" if _full(findings) == _full(in_store) else "DIFFERENT"
        store_findings = len(in_store)
        del in_store
    sample = sample_graph(platform, graphs, args.sample) if args.sample else rdflib.Graph()
    every = "all of the store's" if set(platform.store.named_graphs()) <= set(graphs) else "not all"
    platform.close()
    return StoreRun(
        draft.report,
        load_s,
        graphs,
        shapes,
        findings,
        ours_s,
        timings,
        store_findings,
        store_s,
        same,
        every,
        sample,
    )


def validate_sample(sample: rdflib.Graph, shapes: Shapes, workers: int | None) -> SampleRun:
    """Time pySHACL, the reference, and our engine on the sample; whether they agree."""
    t2 = time.perf_counter()
    _conforms, results, _ = pyshacl.validate(
        sample, shacl_graph=shapes.graph, advanced=True, allow_warnings=True
    )
    pyshacl_s = time.perf_counter() - t2
    assert isinstance(results, rdflib.Graph)
    expected = pyshacl_keys(results, shapes.graph)
    n_pyshacl = len(set(results.subjects(RDF.type, SH.ValidationResult)))
    t3 = time.perf_counter()
    on_sample = _ours_on(sample, shapes, workers)
    ours_sample_s = time.perf_counter() - t3
    agree = "identical" if {f.key() for f in on_sample} == expected else "DIFFERENT"
    return SampleRun(pyshacl_s, n_pyshacl, on_sample, ours_sample_s, agree)


def print_table(args: argparse.Namespace, run: StoreRun, sample: SampleRun) -> None:
    report = run.report
    print(
        f"graph: {report.observations:,} observations ({report.quads:,} quads) loaded in {run.load_seconds:.0f} s "
        f"({args.store} store, as a draft); {len(run.shapes.constraints)} constraints from shapes/ in "
        f"{len(run.shapes.queries)} queries; {len(run.graphs)} graphs, {run.every}"
    )
    print(f"{'validator':48} {'observations':>13} {'seconds':>9} {'findings':>9}")
    print(
        f"{'One Center, as a load judges (draft on columns)':48} {report.observations:>13,} {run.seconds:9.2f} "
        f"{len(run.findings):9,}"
    )
    print(
        f"{'One Center, every shape in the store':48} {report.observations:>13,} {run.store_seconds:9.2f} "
        f"{run.store_findings:9,}"
    )
    print(
        f"{'One Center on the pySHACL sample':48} {args.sample:>13,} {sample.seconds:9.2f} {len(sample.findings):9,}"
    )
    print(
        f"{'pySHACL (reference) on the sample':48} {args.sample:>13,} {sample.pyshacl_seconds:9.2f} "
        f"{sample.pyshacl_results:9,}"
    )
    print(f"findings with the draft's columns and with every shape in the store, in full: {run.same}")
    print(f"findings on the sample, by focus/component/path/severity/shape: {sample.agree}")
    print(f"peak memory (max RSS): {peak_rss_mb():,.0f} MB")
    print(
        f"slowest queries as a load judges ({sum(run.timings.values()):.1f} s in all, "
        f"run {args.workers or 'one per CPU'} at once):"
    )
    for label, seconds in sorted(run.timings.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {seconds:7.2f}  {label}")


def _full(findings: list[Finding]) -> list[tuple[object, ...]]:
    return sorted((*f.key(), f.value, f.message_id, f.message_en) for f in findings)


def _ours_on(graph: rdflib.Graph, shapes: Shapes, workers: int | None) -> list[Finding]:
    store = EmbeddedStore(None)
    store.load_rdf(graph.serialize(format="nt"), fmt="ntriples", graph="urn:sample")
    return validate(store, shapes, ["urn:sample"], workers=workers)


if __name__ == "__main__":
    main()
