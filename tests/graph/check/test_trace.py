"""Findings traced to their source cells: in batches on threads as on one thread."""

from __future__ import annotations

import dataclasses

import pytest

from graph.check.engine import validate
from graph.check.trace import trace_findings
from graph.store.versions import published_graphs


@pytest.mark.slow
def test_tracing_on_threads_finds_what_one_thread_finds(demo) -> None:
    # Coherence findings of the demo point at observations with their source rows and
    # cells as written; traced in batches of 7 on two threads, or one by one, alike.
    platform, _ = demo
    graphs = published_graphs(platform.store, platform.iris)
    findings = validate(platform.store, platform.shapes, graphs)
    assert len(findings) >= 10

    def traced(workers: int, batch: int) -> list[tuple[object, ...]]:
        copies = [dataclasses.replace(f) for f in findings]
        trace_findings(platform.store, graphs, copies, batch=batch, workers=workers)
        return [(f.focus, f.dataset, f.agency, f.file, f.sheet, f.row, f.column, f.raw) for f in copies]

    alone, threaded = traced(1, 10_000), traced(2, 7)
    assert alone == threaded
    assert sum(t[5] is not None and t[7] is not None for t in alone) >= 5  # rows and raw cells found
