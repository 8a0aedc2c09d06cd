"""Benchmark: the users' path. The province generator's six tables loaded one at a time.

As agencies deliver them (issue 24): ``scripts/generate_province_data.py`` writes the six
tables; each is loaded into one on-disk store in the order its README gives (Dukcapil
first), starting from an empty store (the first load writes the reference graphs); the
held ones are then published by the Walidata (``--accept-violations``); then every agency
delivers its table again with one more year (a second generation with ``years + 1``) on
top; last, one held table is reloaded three times, for the store's size.

Each load and publish runs in a child process so that its memory is its own: the figure
is the child's RSS high-water (``getrusage(RUSAGE_SELF).ru_maxrss``, read by the child at
its end). Each load prints its steps (stage: read + link + check, map + bulk load, draft
columns, compaction, provenance; judge: validation, tracing; settle: report, archive).
Not a test.

    python scripts/bench_agency_loads.py --observations 50000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
HOME_REGION = "18"  # the generator's tables are linked within Lampung
STAGE = ("read + link + check", "map + bulk load", "draft columns", "compaction", "provenance + audit chain")
JUDGE = ("validation", "tracing findings")
SETTLE = ("validation report", "report archive")


def child(action: str, store: Path, target: str) -> None:
    """In the child: one load (``target``: a mapping) or one publish (``target``: a dataset)."""
    sys.path.insert(0, str(PROJECT))
    from graph.errors import OneCenterError
    from graph.publish.platform import Platform
    from graph.settings import load_settings

    started = time.perf_counter()
    platform = Platform(load_settings(store_path=str(store), home_region=HOME_REGION))
    out: dict[str, Any] = {"action": action, "target": Path(target).stem}
    try:
        if action == "load":
            report = platform.load(Path(target))
        else:
            report = platform.publish_draft(target, accept_reason="synthetic data", decided_by="bench")
        out |= {
            "dataset": report.dataset,
            "outcome": report.outcome,
            "observations": report.observations,
            "findings": len(report.findings),
            "reference_loaded": report.reference_loaded,
            "steps": report.step_seconds,
        }
    except OneCenterError as exc:
        out |= {"outcome": "error", "error": str(exc)[:300]}
    finally:
        platform.close()
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_child(action: str, store: Path, target: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", action, "--store", str(store), "--target", target],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def generate(
    out: Path, kabupaten: list[str], *, observations: int | None = None, years: int | None = None
) -> dict[str, Any]:
    size = ["--observations", str(observations)] if observations else ["--years", str(years)]
    size += ["--kabupaten", *kabupaten] if kabupaten else []
    script = PROJECT / "scripts" / "generate_province_data.py"
    subprocess.run([sys.executable, str(script), "--out", str(out), *size], check=True, cwd=PROJECT)
    manifest: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def store_size(store: Path) -> tuple[int, int]:
    """(quads, bytes on disk) of the store, opened read-only between children."""
    sys.path.insert(0, str(PROJECT))
    from graph.store.embedded import EmbeddedStore

    reader = EmbeddedStore(store, read_only=True)
    try:
        quads = reader.count()
    finally:
        reader.close()
    return quads, sum(f.stat().st_size for f in store.rglob("*") if f.is_file())


def part(steps: dict[str, float], names: tuple[str, ...]) -> float:
    return sum(steps.get(n, 0.0) for n in names)


def line(round_name: str, f: dict[str, Any], quads: int) -> str:
    steps = f.get("steps", {})
    return (
        f"{round_name:<10} {f['action']:<8} {f.get('dataset', f['target'])[:40]:<40} "
        f"{f.get('observations', 0):>9,} {f['outcome']:<10} {f.get('findings', 0):>8,} "
        f"{part(steps, STAGE):>7.1f} {part(steps, JUDGE):>7.1f} {part(steps, SETTLE):>7.1f} "
        f"{f['seconds']:>7.1f} {f['peak_rss_mb']:>8.0f} {quads:>11,}"
    )


HEADER = (
    f"{'round':<10} {'action':<8} {'dataset':<40} {'obs':>9} {'outcome':<10} {'findings':>8} "
    f"{'stage s':>7} {'judge s':>7} {'settle s':>7} {'total s':>7} {'peak MB':>8} {'store quads':>11}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000, help="observations of the first round")
    parser.add_argument(
        "--kabupaten",
        nargs="+",
        default=[],
        help="Kemendagri codes of kabupaten/kota (default: all of Lampung)",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument("--child", choices=["load", "publish"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.store, args.target)
        return
    with tempfile.TemporaryDirectory(prefix="bench-agency-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = bench(work, args.observations, args.kabupaten)
    if args.json:
        with args.json.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"bench": "agency_loads", **figures}) + "\n")


def bench(work: Path, observations: int, kabupaten: list[str]) -> dict[str, Any]:
    first = generate(work / "tahun-1", kabupaten, observations=observations)
    second = generate(work / "tahun-2", kabupaten, years=len(first["years"]) + 1)
    store = work / "store"
    runs: list[dict[str, Any]] = []
    print(HEADER)

    def record(round_name: str, figures: dict[str, Any]) -> dict[str, Any]:
        quads, size = store_size(store)
        figures |= {"round": round_name, "store_quads": quads, "store_bytes": size}
        runs.append(figures)
        print(line(round_name, figures, quads), flush=True)
        if "error" in figures:
            print(f"           {figures['error']}", flush=True)
        return figures

    # Dukcapil first, as the generator's README says: the other tables' rules compare with it.
    for t in first["tables"]:
        record("empty+", run_child("load", store, str(work / "tahun-1" / t["mapping"])))
    for f in [r for r in runs if r["outcome"] == "held"]:
        record("publish", run_child("publish", store, f["dataset"]))
    for t in second["tables"]:
        record("year 2", run_child("load", store, str(work / "tahun-2" / t["mapping"])))
    # One table reloaded three times: held ones keep their report each time.
    held = next((r for r in runs if r["round"] == "year 2" and r["outcome"] == "held"), runs[-1])
    mapping = next(t["mapping"] for t in second["tables"] if t["dataset"] == held["dataset"])
    once = runs[-1]["store_quads"]  # the store holding one load of every table
    for _ in range(3):
        record("reload", run_child("load", store, str(work / "tahun-2" / mapping)))
    after = runs[-1]["store_quads"]
    print(
        f"store with one load of each table: {once:,} quads; after three reloads of "
        f"{held['dataset']}: {after:,} "
        f"({after / once:.3f}x); {runs[-1]['store_bytes'] / 1e6:.0f} MB on disk"
    )
    return {
        "observations": {"first": first["observations"], "second": second["observations"]},
        "runs": runs,
        "reload_ratio": after / once,
    }


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
