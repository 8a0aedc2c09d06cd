"""Benchmark: the columnar view of the published observations and insight's table, built, restarted and rebuilt.

On a synthetic province-scale store of N observations (``bench_questions.build_province``),
on a scratch copy so that the kept store is not changed, it times

* the first build: every published version graph scanned (and its partition file written);
* a restart: the same view read from the partition files beside the store;
* a rebuild after one more dataset version is published (a small table, through the real
  pipeline): only the new graph is scanned;

and the memory the view keeps: growth of the resident set, and Python's own allocations
(tracemalloc; the strings pyoxigraph keeps in Rust are in the resident set only). Each build
is what the service does after a publication: the view, then insight's observation table
from the view's rows (``graph.insight.observation_table``); both times are printed. Not a test.

    python scripts/bench_view.py --observations 1000000 --keep var/bench
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures, write_table  # noqa: E402
from bench_questions import build_province, ensure  # noqa: E402

from graph.answer.view import ObservationView, read_view  # noqa: E402
from graph.answer.view_files import store_identity  # noqa: E402
from graph.answer.view_partitions import Partitions  # noqa: E402
from graph.insight.observation_table import ObservationTable, observation_table  # noqa: E402
from graph.publish.platform import Platform  # noqa: E402
from graph.rdf.iris import Iris  # noqa: E402
from graph.settings import PROJECT_DIR, load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import draft_datasets, publish  # noqa: E402

EXTRA = "bench-tambahan"  # the small dataset published between two builds


def rss_mb() -> float:
    """The resident set of this process now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


Built = tuple[ObservationView, ObservationTable]


def timed_view(store: EmbeddedStore, iris: Iris, partitions: Partitions) -> tuple[Built, float]:
    """The service's build (the view, then insight's table from it) and its time."""
    t0 = time.perf_counter()
    view = read_view(store, iris, partitions)
    t1 = time.perf_counter()
    table = observation_table(view, store, iris)
    t2 = time.perf_counter()
    print(f"    (view {t1 - t0:.2f} s, insight table {t2 - t1:.2f} s)", flush=True)
    return (view, table), t2 - t0


def publish_extra(path: Path, observations: int) -> None:
    """One more dataset version: a small table of desa figures, loaded through the pipeline and
    published (held drafts too: its random values may break coherence rules)."""
    platform = Platform(load_settings(store_path=str(path)))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            codes = platform.regions.codes_by_level["desa"]
            mapping = write_table(Path(tmp), observations, codes)
            spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
            spec["dataset"]["id"] = EXTRA
            mapping.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
            platform.load(mapping)
        dataset = platform.iris.dataset(EXTRA)
        graph = draft_datasets(platform.store, platform.iris).get(dataset)
        if graph is not None:
            publish(platform.store, platform.iris, dataset, graph, "")
    finally:
        platform.close()


def measure(store_path: Path, extra: int) -> dict[str, object]:
    iris = Iris(load_settings().base_iri)
    files = store_path.parent / f"{store_path.name}-tampilan-kolom"
    shutil.rmtree(files, ignore_errors=True)
    identity = store_identity(store_path)
    store = EmbeddedStore(store_path, read_only=True)
    gc.collect()
    before = rss_mb()
    built, cold = timed_view(store, iris, Partitions(files, identity))
    gc.collect()
    kept_mb = rss_mb() - before
    count = built[0].observation_count
    print(f"  first build (scan every graph, write files): {cold:.1f} s, {count:,} observations", flush=True)
    print(f"  resident set grew by {kept_mb:,.0f} MB for the view and table", flush=True)
    del built
    gc.collect()
    partitions = Partitions(files, identity)
    built, restart = timed_view(store, iris, partitions)
    assert partitions.from_files, "the restart read no partition file"
    print(f"  restart (partitions read from files): {restart:.1f} s", flush=True)
    del built
    gc.collect()
    tracemalloc.start()
    view = read_view(store, iris, Partitions(files, identity))
    table = observation_table(view, store, iris)
    gc.collect()
    python_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    print(f"  Python allocations the view and table keep (tracemalloc): {python_mb:,.0f} MB", flush=True)
    del view, table
    store.close()
    t0 = time.perf_counter()
    publish_extra(store_path, extra)
    print(
        f"  published {extra:,} more observations ({EXTRA}) in {time.perf_counter() - t0:.0f} s", flush=True
    )
    store = EmbeddedStore(store_path, read_only=True)
    (view, _), incremental = timed_view(store, iris, partitions)
    scanned = [g for g in partitions.scanned if g]
    print(
        f"  rebuild after the publication: {incremental:.2f} s ({len(scanned)} graph scanned, "
        f"{view.observation_count - count:,} observations more)",
        flush=True,
    )
    store.close()
    return {
        "bench": "view",
        "observations": count,
        "first_build_s": round(cold, 2),
        "restart_s": round(restart, 2),
        "incremental_s": round(incremental, 3),
        "incremental_observations": view.observation_count - count,
        "rss_mb": round(kept_mb),
        "python_mb": round(python_mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument(
        "--extra", type=int, default=10_000, help="observations of the dataset published between builds"
    )
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the built store in this folder")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    args = parser.parse_args()
    json_path = args.json.resolve() if args.json else None
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-view-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.chdir(PROJECT_DIR)
    province = folder / f"province-{args.observations}"
    scratch = folder / f"view-scratch-{args.observations}"
    try:
        ensure(province, lambda p: build_province(p, args.observations), "province graph")
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(province, scratch)  # the publication below must not change the kept store
        print(
            f"columnar view, {args.observations:,} observations (a scratch copy of {province}):", flush=True
        )
        append_figures(json_path, measure(scratch, args.extra))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(scratch.parent / f"{scratch.name}-tampilan-kolom", ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
