"""A published version the audit chain misses is chained by the next writer, once.

The crash itself (a real ``onecenter load`` killed between the pointer move and the
entry) is in ``tests/trust/test_audit_pointers.py``; here the missing entry is made by
cutting it off the log, which is what the crash leaves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.provenance.chain import AuditChain
from graph.publish.chain_recovery import NOTES, record_unrecorded_publications
from graph.publish.platform import Platform
from graph.settings import load_settings
from tests.conftest import write_small_table

pytestmark = pytest.mark.slow  # loads the reference data


def test_a_missing_publication_is_chained_from_the_stores_record_and_only_once(tmp_path: Path) -> None:
    log = tmp_path / "chain.jsonl"
    settings = load_settings(store_path=":memory:", audit_path=str(log), agent="petugas-uji")
    platform = Platform(settings)
    try:
        assert platform.recovered == []  # a fresh store publishes nothing to recover
        report = platform.load(write_small_table(tmp_path, [str(1000 + i) for i in range(20)]))
        assert report.outcome == "published"
        lines = log.read_bytes().splitlines(keepends=True)
        assert b'"kind":"publication"' in lines[-1]
        log.write_bytes(b"".join(lines[:-1]))  # what a kill before the entry leaves

        chain = AuditChain(log)
        (entry,) = record_unrecorded_publications(platform.store, platform.iris, chain, "pemeriksa")
        dataset, graph = platform.iris.dataset("uji-penduduk"), report.graph
        assert graph is not None
        load_id = graph.rsplit("/", 1)[-1]
        assert entry.kind == "publication" and entry.actor == "petugas-uji"
        assert entry.subjects == [dataset, platform.iris.load(load_id), graph]
        assert entry.payload["recovered"] is True and entry.payload["reason"] == "interrupted"
        assert entry.payload["note"] == NOTES["interrupted"]
        assert entry.payload["load_id"] == load_id and entry.payload["recorded_by"] == "pemeriksa"
        assert record_unrecorded_publications(platform.store, platform.iris, chain, "pemeriksa") == []
        assert chain.verify().ok

        # A chain begun after the publication (turned on later, or a new file) says so.
        later = AuditChain(tmp_path / "later.jsonl")
        (first,) = record_unrecorded_publications(platform.store, platform.iris, later, "pemeriksa")
        assert first.payload["reason"] == "before-chain" and first.payload["note"] == NOTES["before-chain"]
    finally:
        platform.close()
