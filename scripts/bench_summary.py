"""Print the figures of one ``make bench`` run as one table, each next to its anchor and target.

The benchmark scripts append their figures to a JSON-lines file (``--json``); this reads
it (the last figures of each kind win) and prints one row per measured step. A step whose
script did not run says so. Not a test.

    python scripts/bench_summary.py var/bench/results.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Row = tuple[str, str, str, str, str, str]


def read(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            figures = json.loads(line)
            key = figures["bench"] + (":" + figures["graph"] if "graph" in figures else "")
            found[key] = figures
    return found


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def rows(found: dict[str, Any]) -> list[Row]:
    """One row per measured step, in the order of ``make bench`` (questions: one set per graph)."""
    out: list[Row] = []
    for kind, rows_of in BENCH_ROWS.items():
        for key, figures in found.items():
            if key == kind or key.startswith(kind + ":"):  # one set per graph where there is one
                out += rows_of(figures)
    return out


def mapping_rows(mapping: dict[str, Any]) -> list[Row]:
    ours = mapping["quads_per_s"]
    anchor = (
        mapping.get("anchor_triples", 0) / mapping["anchor_seconds"] if "anchor_seconds" in mapping else None
    )
    return [
        (
            f"mapping, {mapping['observations']:,} obs (triples/s)",
            f"{ours:,.0f}",
            f"Morph-KGC {anchor:,.0f}" if anchor else "Morph-KGC not run",
            "≥ 3×",
            f"{ours / anchor:.1f}× {verdict(ours >= 3 * anchor)}" if anchor else "—",
            f"{mapping['peak_mb']:,.0f}",
        )
    ]


def load_rows(load: dict[str, Any]) -> list[Row]:
    ratio = load["end_to_end_seconds"] / load["floor_seconds"]
    out: list[Row] = [
        (
            f"end to end, {load['observations']:,} obs (s)",
            f"{load['end_to_end_seconds']:.0f}",
            f"bulk load {load['floor_seconds']:.0f}",
            "≤ 2× floor",
            f"{ratio:.2f}× {verdict(ratio <= 2)}",
            f"{load.get('stage_peak_mb', load['peak_mb']):,.0f}",
        )
    ]
    steps = load.get("steps") or {}
    if load.get("judge_seconds") is not None:
        on_disk = steps.get("validation")
        out.append(
            (
                "judge + settle inside a load, on disk (s)",
                f"{load['judge_seconds']:.0f}"
                + (f" (validation {on_disk:.0f})" if on_disk is not None else ""),
                # Steps of judge + settle besides validation (the stage's are in the row above).
                "; ".join(
                    f"{k} {steps[k]:.0f}" for k in ("tracing findings", "validation report") if k in steps
                ),
                "< 60 s",
                verdict(on_disk < 60) if on_disk is not None else "—",
                f"{load['peak_mb']:,.0f}",
            )
        )
    return out


def validation_rows(validation: dict[str, Any]) -> list[Row]:
    where = validation.get("store", "memory")
    in_store = (
        f"; every shape in the store {validation['store_seconds']:.0f}, {validation['columns_agree']}"
        if "store_seconds" in validation
        else ""
    )
    return [
        (
            f"validation, {validation['observations']:,} obs, {where} (s)",
            f"{validation['seconds']:.1f}{in_store}",
            f"pySHACL {validation['pyshacl_seconds']:.0f} s on {validation['sample']:,} "
            f"(ours {validation['sample_seconds']:.2f} s, {validation['agree']})",
            "< 60 s",
            verdict(validation["seconds"] < 60),
            f"{validation['peak_mb']:,.0f}",
        )
    ]


def question_rows(figures: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    for qid, q in figures.items():
        if not isinstance(q, dict):
            continue
        correlated = qid != "village-ranking"
        out.append(
            (
                f"{qid}, {figures['graph']} (ms)",
                f"HTTP {q['http_ms']:.1f} ({q['engine']})",
                f"SPARQL in-process {q['sparql_ms']:,.1f}",
                "< 100 ms" if correlated else "—",
                verdict(q["http_ms"] < 100) if correlated else "—",
                "",
            )
        )
    return out


def rdflib_rows(sample: dict[str, Any]) -> list[Row]:
    return [
        (
            f"{qid}, demo sample of {sample['triples']:,} triples (ms)",
            f"pyoxigraph {q['oxigraph_ms']:,.1f}",
            f"rdflib {q['rdflib_ms']:,.0f}",
            "—",
            f"{q['rdflib_ms'] / q['oxigraph_ms']:,.0f}× faster",
            "",
        )
        for qid, q in sample.items()
        if isinstance(q, dict)
    ]


def endpoint_rows(endpoint: dict[str, Any]) -> list[Row]:
    ours = endpoint["One Center /sparql"]
    other = endpoint["Oxigraph server 0.5"]
    ratio = ours["requests_per_s"] / other["requests_per_s"]
    return [
        (
            f"endpoint, {endpoint['clients']} clients (req/s; p50/p99 ms)",
            f"{ours['requests_per_s']:.1f}; {ours['p50_ms']:.0f}/{ours['p99_ms']:.0f}",
            f"Oxigraph server {other['requests_per_s']:.1f}; {other['p50_ms']:.0f}/{other['p99_ms']:.0f}",
            "≥ 80 %",
            f"{ratio:.0%} {verdict(ratio >= 0.8)}",
            "",
        )
    ]


def answer_rows(figures: dict[str, Any]) -> list[Row]:
    """Every named question and page through HTTP (p95 < 1 s), and each SPARQL query of the
    mix next to Oxigraph server (≥ 1×, ≥ 10× on joins and aggregates), from ``bench_answers.py``."""
    size = f"{figures['observations']:,} obs"
    out: list[Row] = []
    for name, a in figures["answers"].items():
        answered = a["status"] == "200"
        out.append(
            (
                f"{a['kind']} {name}, {size} (ms)",
                f"{a['median_ms']:,.1f} (p95 {a['p95_ms']:,.1f})" if answered else a["status"],
                "",
                "p95 < 1 s",
                verdict(answered and a["p95_ms"] < 1000),
                "",
            )
        )
    for name, q in figures["sparql"].items():
        ours, theirs, ratio = q["onecenter"], q["oxigraph"], q["ratio"]
        target = 10 if q["heavy"] else 1
        out.append(
            (
                f"SPARQL {name}, {size} (ms)",
                f"{ours['median_ms']:,.1f}" if ours["status"] == "200" else ours["status"],
                f"Oxigraph server {theirs['median_ms']:,.1f}"
                if theirs["status"] == "200"
                else theirs["status"],
                f"≥ {target}×",
                f"{ratio:.2f}× {verdict(ratio >= target)}" if ratio else "—",
                "",
            )
        )
    return out


# The rows of each benchmark's figures, in the order the table lists them.
BENCH_ROWS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "mapping": mapping_rows,
    "load": load_rows,
    "validation": validation_rows,
    "questions": question_rows,
    "rdflib": rdflib_rows,
    "endpoint": endpoint_rows,
    "answers": answer_rows,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    args = parser.parse_args()
    table = [("step", "One Center", "anchor", "target", "met", "peak MB"), *rows(read(args.results))]
    widths = [max(len(r[i]) for r in table) for i in range(6)]
    for n, row in enumerate(table):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("-+-".join("-" * w for w in widths))
    peaks = [float(r[5].replace(",", "")) for r in table[1:] if r[5]]
    if peaks:
        print(f"largest peak memory of a step: {max(peaks):,.0f} MB (target < 4,096 MB)")


if __name__ == "__main__":
    main()
