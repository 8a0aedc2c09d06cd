"""Benchmark: mapping a province-scale table to N-Quads, next to Morph-KGC (RML).

One Center maps the messy wide table an agency would send (semicolon CSV, undotted
Kemendagri codes, decimal commas, one column per indicator): read, link every region,
parse every number, melt, and write N-Quads (10 quads per observation) to a file.

The anchor, Morph-KGC (the RML engine of the Knowledge Graph Construction community),
maps the *clean tidy* form of the same observations (one row per observation, dotted
codes, decimal points: no linking or parsing left to do) with an RML mapping of the same
ten triples per observation, to N-Triples, with two processes (this machine has two
cores). Its time is the "Materialization finished in" figure it logs itself (its start-up
and imports not counted); ours is from opening the table to the last byte written (the
reference graphs the linker needs are loaded before, as a running platform has them).

Each run is its own process, so each figure comes with that process's peak memory.
Morph-KGC needs its own environment (it pins pandas 2 and pyoxigraph 0.3):
``make bench`` creates ``.venv-anchors``; without it the anchor is reported as missing.

    python scripts/bench_mapping.py --observations 1000000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures, write_table  # noqa: E402

from graph.cube.prepare import prepare  # noqa: E402
from graph.cube.quads import QuadContext, quads  # noqa: E402
from graph.publish.platform import Platform  # noqa: E402
from graph.rdf.iris import Iris  # noqa: E402
from graph.read.mappings import load_mapping  # noqa: E402
from graph.read.tables import read_table  # noqa: E402
from graph.settings import PROJECT_DIR, load_settings  # noqa: E402

ANCHORS_PYTHON = PROJECT_DIR / ".venv-anchors" / "bin" / "python"

RML = """\
@prefix rml: <http://semweb.mmlab.be/ns/rml#> .
@prefix rr: <http://www.w3.org/ns/r2rml#> .
@prefix ql: <http://semweb.mmlab.be/ns/ql#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix oc: <{base}def/onecenter#> .
<#Observation> a rr:TriplesMap ;
  rml:logicalSource [ rml:source "{source}" ; rml:referenceFormulation ql:CSV ] ;
  rr:subjectMap [ rr:template "{base}id/observasi/bench-provinsi/{{region}}/{{period}}/{{indicator}}" ;
                  rr:class qb:Observation ] ;
  rr:predicateObjectMap [ rr:predicate qb:dataSet ;
      rr:objectMap [ rr:constant <{base}id/dataset/bench-provinsi> ] ] ;
  rr:predicateObjectMap [ rr:predicate <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ;
      rr:objectMap [ rr:template "{base}id/wilayah/{{region}}" ] ] ;
  rr:predicateObjectMap [ rr:predicate <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> ;
      rr:objectMap [ rr:template "{base}id/periode/{{period}}" ] ] ;
  rr:predicateObjectMap [ rr:predicate qb:measureType ;
      rr:objectMap [ rr:template "{base}def/indikator/{{indicator}}" ] ] ;
  rr:predicateObjectMap [ rr:predicateMap [ rr:template "{base}def/indikator/{{indicator}}" ] ;
      rr:objectMap [ rml:reference "value" ; rr:datatype xsd:decimal ] ] ;
  rr:predicateObjectMap [ rr:predicate <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ;
      rr:objectMap [ rr:template "{base}def/satuan/{{unit}}" ] ] ;
  rr:predicateObjectMap [ rr:predicate oc:sourceRow ;
      rr:objectMap [ rr:template "{base}id/baris/bench/{{row}}" ] ] ;
  rr:predicateObjectMap [ rr:predicate oc:sourceColumn ; rr:objectMap [ rml:reference "column" ] ] ;
  rr:predicateObjectMap [ rr:predicate oc:rawValue ; rr:objectMap [ rml:reference "raw" ] ] .
"""

CONFIG = """\
[CONFIGURATION]
output_file: {output}
output_format: N-TRIPLES
number_of_processes: 2

[DataSource1]
mappings: {mapping}
"""


def run_child(command: list[str]) -> tuple[str, float]:
    """Run a measured process; its output and its own peak memory (MB)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[:3]} failed ({process.returncode}):\n{output[-3000:]}")
    return output, usage.ru_maxrss / 1024


def map_ours(folder: Path, output: Path) -> None:
    """In a child process: map the wide table to N-Quads in ``output``; print figures."""
    settings = load_settings(store_path=str(folder / "store"))
    platform = Platform(settings)
    platform.load_reference()
    mapping = load_mapping(folder / "bench.yaml")
    iris = Iris(settings.base_iri)
    t0 = time.perf_counter()
    table = read_table(mapping.source_path, mapping.source)
    prepared = prepare(mapping, table, platform.linker, platform.vocabulary)
    ctx = QuadContext(iris, mapping.dataset.id, iris.base + "graph/bench", table.sha256, None)
    written = 0
    with output.open("wb") as f:
        for chunk in quads(prepared.tidy, platform.vocabulary, ctx, settings.transform_chunk_rows):
            f.write(chunk)
            written += chunk.size
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "observations": len(prepared.tidy), "bytes": written}))


def write_tidy(folder: Path) -> Path:
    """The clean tidy table Morph-KGC maps: our own prepared observations, as CSV."""
    settings = load_settings(store_path=str(folder / "store"))
    platform = Platform(settings)
    platform.load_reference()
    mapping = load_mapping(folder / "bench.yaml")
    prepared = prepare(
        mapping, read_table(mapping.source_path, mapping.source), platform.linker, platform.vocabulary
    )
    tidy = prepared.tidy[["region", "period", "indicator", "value", "row", "column", "raw"]].copy()
    tidy["unit"] = tidy["indicator"].map({s: i.unit for s, i in platform.vocabulary.indicators.items()})
    path = folder / "tidy.csv"
    tidy.to_csv(path, index=False)
    platform.close()
    return path


def lines_in(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 24), b""))


@dataclass
class Timed:
    """The runs of one system: seconds each, the largest peak memory, the triples it wrote."""

    seconds: list[float] = field(default_factory=list)
    memory: float = 0.0  # MB
    triples: int = 0
    observations: int = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one measured run of ours, in its own process
        map_ours(args.child, args.child / "ours.nq")
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = load_settings(store_path=str(folder / "store"))
        platform = Platform(settings)
        platform.load_reference()
        write_table(folder, args.observations, platform.regions.codes_by_level["desa"])
        platform.close()
        ours = time_ours(folder, args.repeat)
        anchor = time_anchor(folder, settings.base_iri, args.repeat) if ANCHORS_PYTHON.exists() else None
    append_figures(args.json, print_table(ours, anchor, args.repeat))


def time_ours(folder: Path, repeat: int) -> Timed:
    """Our mapping of the wide table in ``folder``, each run in its own process."""
    ours = Timed()
    for _ in range(repeat):
        output, memory = run_child([sys.executable, __file__, "--child", str(folder)])
        figures = json.loads(output.strip().splitlines()[-1])
        ours.seconds.append(figures["seconds"])
        ours.memory = max(ours.memory, memory)
    ours.observations = figures["observations"]
    ours.triples = lines_in(folder / "ours.nq")
    (folder / "ours.nq").unlink()
    return ours


def time_anchor(folder: Path, base_iri: str, repeat: int) -> Timed:
    """Morph-KGC on the tidy form of the same observations, each run in its own process."""
    tidy = write_tidy(folder)
    rml = folder / "mapping.rml.ttl"
    rml.write_text(RML.format(base=base_iri, source=tidy), encoding="utf-8")
    config = folder / "config.ini"
    config.write_text(CONFIG.format(output=folder / "morph.nt", mapping=rml), encoding="utf-8")
    anchor = Timed()
    for _ in range(repeat):
        output, memory = run_child([str(ANCHORS_PYTHON), "-m", "morph_kgc", str(config)])
        found = re.search(r"Materialization finished in ([\d.]+) seconds", output)
        if not found:
            raise SystemExit(f"Morph-KGC did not report its time:\n{output[-2000:]}")
        anchor.seconds.append(float(found.group(1)))
        anchor.memory = max(anchor.memory, memory)
    anchor.triples = lines_in(folder / "morph.nt")
    return anchor


def print_table(ours: Timed, anchor: Timed | None, repeat: int) -> dict[str, object]:
    """Print the figures; the figures for ``bench_summary.py``."""
    med = statistics.median
    print(
        f"machine: {host.machine()}, {os.cpu_count()} cores, Python {host.python_version()}; "
        f"median of {repeat} runs, each in its own process"
    )
    print(f"{'mapping, province table':58} {'seconds':>8} {'triples/s':>11} {'peak MB':>8}")
    ours_rate = ours.triples / med(ours.seconds)
    print(
        f"{'One Center: messy wide CSV -> N-Quads (' + format(ours.observations, ',') + ' obs)':58} "
        f"{med(ours.seconds):8.2f} {ours_rate:11,.0f} {ours.memory:8,.0f}"
    )
    figures: dict[str, object] = {
        "bench": "mapping",
        "observations": ours.observations,
        "quads": ours.triples,
        "seconds": med(ours.seconds),
        "quads_per_s": ours_rate,
        "peak_mb": ours.memory,
    }
    if anchor and anchor.seconds:
        anchor_rate = anchor.triples / med(anchor.seconds)
        print(
            f"{'Morph-KGC 2 processes: clean tidy CSV -> N-Triples':58} "
            f"{med(anchor.seconds):8.2f} {anchor_rate:11,.0f} {anchor.memory:8,.0f}"
        )
        print(f"ratio (ours / Morph-KGC, triples per second): {ours_rate / anchor_rate:.2f}x")
        figures.update(
            anchor_seconds=med(anchor.seconds), anchor_triples=anchor.triples, anchor_peak_mb=anchor.memory
        )
    else:
        print(f"Morph-KGC: not measured ({ANCHORS_PYTHON} missing; `make bench` creates it)")
    return figures


if __name__ == "__main__":
    main()
