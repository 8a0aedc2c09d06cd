"""Benchmark: the Walidata's publish of a held draft, against its load's judge step (issue 24).

The demo is built into an on-disk store; then the standing acceptances are set aside, so
that a reload of one demo table is held by its deliberate inconsistency, and the held draft
is published with ``--accept-violations`` three ways:

- ``reused``: nothing changed since the load: its findings are read back from its report;
- ``across``: another table was published meanwhile: only the rules across datasets run;
- ``whole``: its report's fingerprint removed, so it is judged whole, as every publish of a
  held draft was before (the path of a changed shape or reference).

Each line prints the held load's judge step (validation + tracing) and the publish's time
and steps. Not a test.

    python scripts/bench_held_publish.py [--dataset dinkes-stunting-desa] [--other disdukcapil-penduduk-desa]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from graph.check.acceptances import Acceptances
from graph.publish.draft import generating_load, held_draft
from graph.publish.fingerprint import FINGERPRINT
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.namespaces import OC
from graph.settings import load_settings

JUDGE = ("validation", "tracing findings")


def _judge_step(report: LoadReport) -> float:
    return sum(report.step_seconds.get(step, 0.0) for step in JUDGE)


def _hold(platform: Platform, mapping: Path) -> LoadReport:
    """Reload ``mapping`` without the standing acceptances: its demo violation holds it."""
    standing = platform.acceptances
    platform.acceptances = Acceptances()
    try:
        report = platform.load(mapping)
    finally:
        platform.acceptances = standing
    assert report.outcome == "held", report.message
    return report


def _forget_fingerprint(platform: Platform, dataset: str) -> None:
    """Remove the held load's fingerprint: its publish then judges the draft whole."""
    _, graph = held_draft(platform.store, platform.iris, dataset)
    load = generating_load(platform.store, platform.iris, graph)
    platform.store.update(
        f"""DELETE {{ GRAPH ?g {{ ?report <{FINGERPRINT}> ?f }} }}
WHERE {{ GRAPH ?h {{ <{load}> <{OC}validationReport> ?report }} GRAPH ?g {{ ?report <{FINGERPRINT}> ?f }} }}"""
    )


def run(platform: Platform, dataset: str, other: str, way: str) -> dict[str, object]:
    mappings = platform.settings.mappings_path
    held = _hold(platform, mappings / f"{dataset}.yaml")
    if way == "across":
        assert platform.load(mappings / f"{other}.yaml").outcome == "published"
    elif way == "whole":
        _forget_fingerprint(platform, dataset)
    started = time.perf_counter()
    report = platform.publish_draft(dataset, accept_reason="bench", decided_by="bench")
    seconds = time.perf_counter() - started
    return {
        "way": way,
        "observations": held.observations,
        "findings": len(report.findings),
        "load_judge_s": round(_judge_step(held), 2),
        "publish_s": round(seconds, 2),
        "steps": {k: round(v, 2) for k, v in report.step_seconds.items()},
        "notes": [n.en for n in report.notes][:1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="dinkes-stunting-desa")
    parser.add_argument("--other", default="disdukcapil-penduduk-desa", help="published meanwhile")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-held-") as work:
        settings = load_settings(store_path=str(Path(work) / "store"), audit_path="off")
        platform = Platform(settings)
        try:
            started = time.perf_counter()
            _, failures = platform.build()
            assert not failures, failures
            print(f"demo built in {time.perf_counter() - started:.1f} s (on disk)")
            for _ in range(args.repeat):
                for way in ("reused", "across", "whole"):
                    print(run(platform, args.dataset, args.other, way), flush=True)
        finally:
            platform.close()


if __name__ == "__main__":
    main()
