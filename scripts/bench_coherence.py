"""Benchmark: the coherence counts the home page reads, next to the full coherence read.

On a synthetic province store (``bench_questions.build_province``: N observations whose
random values break the coherence rules; the held draft is then published) it times

* ``read_coherence_summary``, what the home page, a dataset's page and *Data saya* read:
  the counts each report keeps (or, for a store written before they were kept, one
  aggregate query per report);
* ``counted_tallies`` of each report in force: that aggregate query alone;
* with ``--full``, ``read_coherence`` as ``/coherence`` makes it (``max_result_rows``
  findings traced to their cells): what the home page read before (issue 23).

It prints the median of ``--repeat`` runs. Not a test.

    python scripts/bench_coherence.py --observations 100000 [--keep /tmp/bench-coherence] [--full]

A store written before reports kept their counts gets them at its next load, publication or
rejection; ``--keep-counts STORE`` writes them at once (``keep_missing_tallies``, timed), e.g.
on a benchmark store built before, while no server has it open.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures  # noqa: E402
from bench_questions import build_province, ensure  # noqa: E402

from graph.describe.coherence import read_coherence  # noqa: E402
from graph.describe.coherence_summary import read_coherence_summary  # noqa: E402
from graph.provenance.finding_tally import (  # noqa: E402
    counted_tallies,
    keep_missing_tallies,
    stored_tallies,
)
from graph.rdf.iris import Iris  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.store.connect import open_store  # noqa: E402
from graph.store.public import PublicGraphs  # noqa: E402


def seconds(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def bench(path: Path, repeat: int, full: bool) -> dict[str, object]:
    settings = load_settings(store_path=str(path))
    iris = Iris(settings.base_iri)
    store = open_store(path, read_only=True)
    summary = read_coherence_summary(store, iris)
    times = [seconds(lambda: read_coherence_summary(store, iris)) * 1000 for _ in range(repeat)]
    view = PublicGraphs(store, iris)
    reports = sorted(d.report for d in summary.datasets if d.report)
    kept = stored_tallies(view, reports)
    totals = summary.totals()
    print(
        f"findings in force: {totals.findings:,} ({totals.violations:,} violations, "
        f"{totals.warnings:,} warnings); {len(kept)} of {len(reports)} reports keep their counts"
    )
    print(f"read_coherence_summary: {statistics.median(times):,.1f} ms median of {repeat}")
    counted = max((seconds(lambda r=r: counted_tallies(view, r)) for r in reports), default=0.0)
    print(f"counted_tallies, the largest report: {counted:,.1f} s")
    figures: dict[str, object] = {
        "benchmark": "coherence",
        "findings": totals.findings,
        "summary_ms": statistics.median(times),
        "counted_s": counted,
    }
    if full:
        t0 = time.perf_counter()
        every = read_coherence(store, iris, shapes=settings.shapes_path, max_rows=settings.max_result_rows)
        figures["full_read_s"] = time.perf_counter() - t0
        print(
            f"read_coherence (max_rows {settings.max_result_rows:,}): {figures['full_read_s']:,.1f} s, "
            f"{len(every.findings):,} findings{' (cut)' if every.truncated else ''}"
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the built store here and reuse it")
    parser.add_argument("--full", action="store_true", help="also time the full read (minutes)")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument("--keep-counts", type=Path, help="write the missing counts of this store, then stop")
    args = parser.parse_args(argv)
    if args.keep_counts:
        store = open_store(args.keep_counts.resolve())
        t0 = time.perf_counter()
        done = keep_missing_tallies(store, Iris(load_settings().base_iri))
        store.flush()
        print(f"counts kept for {len(done)} report(s) in {time.perf_counter() - t0:,.1f} s")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep.resolve() if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"province-{args.observations}"
        ensure(path, lambda p: build_province(p, args.observations), "province store")
        figures = bench(path, args.repeat, args.full)
    append_figures(args.json.resolve() if args.json else None, {**figures, "observations": args.observations})


if __name__ == "__main__":
    main()
