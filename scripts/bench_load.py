"""Benchmark: map and load a synthetic province-wide table of N observations.

Writes a semicolon CSV (undotted Kemendagri desa codes of all Lampung, decimal commas,
one column per indicator) and its mapping into a temporary folder, then times each
step of the real pipeline on an on-disk store, and, as the floor, the raw pyoxigraph
bulk load of the same N-Quads. Prints one table; not a test.

    python scripts/bench_load.py --observations 1000000
"""

from __future__ import annotations

import argparse
import json
import platform as host
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyoxigraph as ox
import yaml

from graph.cube.prepare import Prepared, prepare
from graph.cube.quads import QuadContext, quads
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.rdf.ntriples import NQuadsChunk, line_count
from graph.read.mappings import Mapping, load_mapping
from graph.read.tables import Table, read_table
from graph.settings import load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.interface import Store

INDICATORS = [
    ("jumlah-penduduk", "int"),
    ("balita-ditimbang", "int"),
    ("balita-stunting", "int"),
    ("prevalensi-stunting", "dec"),
    ("kpm-pkh", "int"),
    ("kpm-bpnt", "int"),
    ("jumlah-rumah-tangga", "int"),
    ("rt-air-minum-layak", "int"),
    ("rt-sanitasi-layak", "int"),
    ("persen-air-minum-layak", "dec"),
]


def mapping_for(path: str) -> dict[str, object]:
    """The mapping of the synthetic table at ``path`` (relative to the mapping): desa codes,
    years, and one measure per indicator column."""
    return {
        "dataset": {
            "id": "bench-provinsi",
            "title": {"id": "Uji skala provinsi", "en": "Province-scale benchmark"},
            "description": {"id": "Data sintetis", "en": "Synthetic data"},
            "agency": "bappeda",
            "frequency": "annual",
            "synthetic": True,
        },
        "source": {"path": path, "delimiter": ";", "decimal": "comma"},
        # Every Lampung desa: the table declares the province as its scope (else rows outside
        # the home kabupaten are refused as outside it, issue 18).
        "region": {"level": "desa", "code": {"column": "kode_desa", "system": "kemendagri"}, "scope": "18"},
        "period": {"year": {"column": "tahun"}},
        "measures": [{"column": n, "indicator": n} for n, _ in INDICATORS],
    }


def append_figures(path: Path | None, figures: dict[str, object]) -> None:
    """Append one benchmark's figures to the JSON-lines file ``bench_summary.py`` reads."""
    if path is not None:
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(figures) + "\n")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_table(folder: Path, observations: int, codes: list[str]) -> Path:
    rng = np.random.default_rng(7)
    rows = -(-observations // len(INDICATORS))
    years = -(-rows // len(codes))
    desa = np.tile(np.array([c.replace(".", "") for c in codes]), years)[:rows]
    year = np.repeat(np.arange(2024 - years + 1, 2025), len(codes))[:rows]
    columns = {"kode_desa": desa, "tahun": year.astype(str)}
    for name, kind in INDICATORS:
        if kind == "int":
            columns[name] = rng.integers(0, 9000, rows).astype(str)
        else:
            columns[name] = np.char.replace(np.round(rng.uniform(0, 100, rows), 1).astype(str), ".", ",")
    path = folder / "bench.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write(";".join(columns) + "\n")
        block = np.column_stack(list(columns.values()))
        f.writelines(";".join(r) + "\n" for r in block)
    mapping = folder / "bench.yaml"
    mapping.write_text(yaml.safe_dump(mapping_for(path.name), sort_keys=False), encoding="utf-8")
    return mapping


@dataclass
class Runs:
    """Seconds of each run of each step, and what the last run produced."""

    steps: dict[str, list[float]] = field(
        default_factory=lambda: {"read": [], "link+parse+melt": [], "N-Quads": []}
    )
    stage: list[float] = field(default_factory=list)  # Platform.load's stage: map, bulk load, provenance
    judged: list[float] = field(default_factory=list)  # its judge + settle
    floor: list[float] = field(default_factory=list)  # raw pyoxigraph bulk load of our N-Quads
    observations: int = 0
    quads: int = 0
    desa: int = 0
    stage_peak: float = 0.0  # MB
    pipeline_peak: float = 0.0  # MB
    triples: int = 0  # in the store after all runs
    report: LoadReport | None = None  # of the last run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument(
        "--skip-judge", action="store_true", help="do not validate the staged draft (minutes on disk at 1M)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = measure(Path(tmp), args.observations, args.repeat, judge=not args.skip_judge)
    append_figures(args.json, print_table(runs, args.repeat))


def measure(folder: Path, observations: int, repeat: int, *, judge: bool) -> Runs:
    """Time ``repeat`` runs of the pipeline, of its mapping steps and of the floor, in ``folder``."""
    settings = load_settings(store_path=str(folder / "store"))
    platform = Platform(settings)
    platform.load_reference()
    codes = platform.regions.codes_by_level["desa"]
    mapping_path = write_table(folder, observations, codes)
    mapping = load_mapping(mapping_path)
    runs = Runs(desa=len(codes))
    for run in range(repeat):
        # End to end through the pipeline first, so that the peak memory read after it is
        # the pipeline's (the floor below holds all of its N-Quads in memory at once).
        time_pipeline(platform, mapping_path, runs, judge=judge)
        mapped = time_mapping(platform, mapping, runs)
        runs.floor.append(time_floor(folder / f"floor{run}", mapped[2]))
        del mapped
    runs.triples = platform.store.count()
    platform.close()
    return runs


def time_pipeline(platform: Platform, mapping_path: Path, runs: Runs, *, judge: bool) -> None:
    """One Platform.load, timed as stage (map, bulk load, provenance) and judge (validate against
    everything published) + settle (publish or hold): the issue's "end to end" is the first,
    and validation has its own benchmark."""
    t5 = time.perf_counter()
    draft = platform._stage(mapping_path)
    flush(platform.store)
    runs.stage.append(time.perf_counter() - t5)
    # Max RSS only grows: read after the stage, it is the stage's own peak.
    runs.stage_peak = max(runs.stage_peak, peak_rss_mb())
    t6 = time.perf_counter()
    if judge:
        platform._judge([draft])
        platform._settle(draft)
        flush(platform.store)
        runs.judged.append(time.perf_counter() - t6)
    runs.report = draft.report
    runs.pipeline_peak = max(runs.pipeline_peak, peak_rss_mb())


def time_mapping(
    platform: Platform, mapping: Mapping, runs: Runs
) -> tuple[Table, Prepared, list[NQuadsChunk]]:
    """The mapping steps on their own: read, link + parse + melt, N-Quads; what they made (the
    caller keeps it while it times the floor, as the pipeline holds it while it loads)."""
    settings = platform.settings
    iris = Iris(settings.base_iri)
    t0 = time.perf_counter()
    table = read_table(mapping.source_path, mapping.source)
    t1 = time.perf_counter()
    prepared = prepare(mapping, table, platform.linker, platform.vocabulary)
    t2 = time.perf_counter()
    ctx = QuadContext(iris, mapping.dataset.id, iris.base + "graph/bench", table.sha256, None)
    text = list(quads(prepared.tidy, platform.vocabulary, ctx, settings.transform_chunk_rows))
    t3 = time.perf_counter()
    runs.steps["read"].append(t1 - t0)
    runs.steps["link+parse+melt"].append(t2 - t1)
    runs.steps["N-Quads"].append(t3 - t2)
    runs.observations = len(prepared.tidy)
    runs.quads = sum(line_count(t) for t in text)
    return table, prepared, text


def time_floor(path: Path, text: list[NQuadsChunk]) -> float:
    """The floor: pyoxigraph's own bulk loader on exactly our output, into a store at ``path``."""
    raw = ox.Store(str(path))
    t4 = time.perf_counter()
    for chunk in text:
        raw.bulk_load(pa.BufferReader(chunk), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    return time.perf_counter() - t4


def flush(store: Store) -> None:
    """Write the embedded store's buffers to disk (the benchmark's store is on disk)."""
    assert isinstance(store, EmbeddedStore), type(store)
    store.flush()


def print_table(runs: Runs, repeat: int) -> dict[str, object]:
    """Print the figures; the figures for ``bench_summary.py``."""
    med = statistics.median
    n_obs, n_quads, report = runs.observations, runs.quads, runs.report
    assert report is not None
    print(
        f"machine: {host.processor() or host.machine()}, {host.system()} {host.release()}, "
        f"Python {host.python_version()}, pyoxigraph {ox.__version__}"
    )
    print(
        f"table: {n_obs:,} observations ({n_obs // len(INDICATORS):,} rows x {len(INDICATORS)} "
        f"indicator columns, {runs.desa:,} desa), {n_quads:,} quads; median of {repeat} runs"
    )
    print(f"{'step':44} {'seconds':>9} {'obs/s':>12} {'quads/s':>12}")
    for name, values in runs.steps.items():
        s = med(values)
        print(f"{name:44} {s:9.2f} {n_obs / s:12,.0f} {n_quads / s:12,.0f}")
    mapping_s = sum(med(v) for v in runs.steps.values())
    for label, seconds in (
        ("mapping (read+link+map to N-Quads)", mapping_s),
        ("floor: raw pyoxigraph bulk load of our N-Quads", med(runs.floor)),
        ("end to end (stage: map+load+provenance)", med(runs.stage)),
    ):
        print(f"{label:44} {seconds:9.2f} {n_obs / seconds:12,.0f} {n_quads / seconds:12,.0f}")
    if runs.judged:
        print(
            f"{'judge + settle (validate on disk, publish/hold)':44} {med(runs.judged):9.2f}  "
            f"outcome: {report.outcome}"
        )
    steps_taken = ", ".join(f"{name} {sec:.1f} s" for name, sec in report.step_seconds.items())
    print(f"steps of the last Platform.load: {steps_taken}")
    print(
        f"store after runs: {runs.triples:,} quads (reference graphs + 1 published version); "
        f"last load rows rejected: {report.rows_rejected}"
    )
    print(
        f"peak memory (max RSS): {runs.stage_peak:,.0f} MB after the stage, "
        f"{runs.pipeline_peak:,.0f} MB after judge + settle; "
        f"{peak_rss_mb():,.0f} MB in all (the floor holds every N-Quads chunk at once)"
    )
    return {
        "bench": "load",
        "observations": n_obs,
        "quads": n_quads,
        "mapping_seconds": mapping_s,
        "floor_seconds": med(runs.floor),
        "end_to_end_seconds": med(runs.stage),
        "judge_seconds": med(runs.judged) if runs.judged else None,
        "peak_mb": runs.pipeline_peak,
        "stage_peak_mb": runs.stage_peak,
        "steps": report.step_seconds,
    }


if __name__ == "__main__":
    main()
