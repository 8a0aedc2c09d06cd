"""The audit chain: real loads append entries; changed, removed, reordered and torn entries are
named by ``verify``; concurrent writers keep the chain whole."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import AuditChainError
from graph.provenance.chain import AuditChain
from graph.provenance.chain_entries import GENESIS, canonical_json
from graph.provenance.graph_hash import graph_hash
from graph.publish.platform import Platform
from graph.settings import load_settings
from tests.conftest import write_small_table

# --- a chain written by a real pipeline -------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, Path]]:
    """Reference graphs and one small agency table loaded and published, with an audit log."""
    folder = tmp_path_factory.mktemp("audit")
    log = folder / "audit" / "chain.jsonl"
    platform = Platform(load_settings(store_path=":memory:", audit_path=str(log), agent="uji-audit"))
    platform.load_reference()
    mapping = write_small_table(folder, [str(1000 + i) for i in range(20)])
    report = platform.load(mapping)
    assert report.outcome == "published"
    assert report.findings, "the small table is expected to draw at least one warning"
    yield platform, log
    platform.close()


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def tampered(tmp_path: Path, source: Path, lines: list[str]) -> AuditChain:
    copy = tmp_path / "chain.jsonl"
    copy.write_text("".join(lines), encoding="utf-8")
    return AuditChain(copy)


def test_a_load_appends_reference_decisions_load_validation_and_publication(
    loaded: tuple[Platform, Path],
) -> None:
    platform, log = loaded
    entries = list(AuditChain(log).entries())
    assert [e.kind for e in entries] == ["reference", "link-decisions", "load", "validation", "publication"]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous == GENESIS
    assert all(e.actor == "uji-audit" for e in entries)
    load = entries[2].payload
    assert load["outcome"] == "staged" and load["dataset"] == "uji-penduduk"
    assert load["source"]["name"] == "penduduk.csv" and len(load["source"]["sha256"]) == 64
    assert len(load["mapping"]["sha256"]) == 64
    version = load["graph"]
    assert entries[2].subjects[-1] == version
    # The version graph's hash is its RDFC-1.0 hash, recomputable from the store.
    recorded = load["graphs"][version]
    assert recorded == graph_hash(platform.store, version).as_dict()
    assert recorded["quads"] == load["quads"]
    decisions = entries[1].payload["graphs"][platform.iris.decisions_graph]
    assert decisions["algorithm"] == "RDFC-1.0+SHA-256"
    validation = entries[3].payload
    assert validation["violations"] == 0 and validation["findings"] == validation["warnings"] >= 1
    assert len(validation["findings_sha256"]) == 64
    assert entries[4].payload["outcome"] == "published"


@pytest.mark.slow
def test_a_graph_over_the_hash_limit_is_chained_by_its_size(tmp_path: Path) -> None:
    log = tmp_path / "chain.jsonl"
    settings = load_settings(store_path=":memory:", audit_path=str(log), audit_graph_hash_max_quads=50)
    platform = Platform(settings)
    platform.load(write_small_table(tmp_path, [str(1000 + i) for i in range(20)]))
    load = next(e for e in AuditChain(log).entries() if e.kind == "load").payload
    recorded = load["graphs"][load["graph"]]
    assert recorded["sha256"] is None and recorded["quads"] == load["quads"] > 50
    assert "audit_graph_hash_max_quads" in recorded["skipped"]
    assert AuditChain(log).verify().ok
    platform.close()


def test_the_untouched_chain_verifies_and_names_its_head(loaded: tuple[Platform, Path]) -> None:
    _, log = loaded
    result = AuditChain(log).verify()
    last = json.loads(lines_of(log)[-1])
    assert result.ok and result.entries == result.verified == 5
    assert result.head == last["hash"]
    assert AuditChain(log).head().hash == last["hash"]  # type: ignore[union-attr]
    assert AuditChain(log).verify(known_head=json.loads(lines_of(log)[2])["hash"]).ok


def test_a_changed_field_is_named_as_a_hash_mismatch(loaded: tuple[Platform, Path], tmp_path: Path) -> None:
    _, log = loaded
    lines = lines_of(log)
    lines[2] = lines[2].replace('"uji-penduduk"', '"uji-lain"', 1)
    result = tampered(tmp_path, log, lines).verify()
    assert not result.ok and result.broken is not None
    assert (result.broken.line, result.broken.seq, result.broken.reason) == (3, 3, "hash-mismatch")
    assert result.verified == 2 and result.head == json.loads(lines[1])["hash"]
    assert "entri 3" in result.broken.message and "entry 3" in result.broken.message


def test_a_rewritten_entry_with_its_hash_recomputed_breaks_the_next_link(
    loaded: tuple[Platform, Path], tmp_path: Path
) -> None:
    _, log = loaded
    lines = lines_of(log)
    entry = json.loads(lines[2])
    entry["payload"]["observations"] = 1
    entry["content_hash"] = hashlib.sha256(canonical_json(entry["payload"])).hexdigest()
    del entry["hash"]
    entry["hash"] = hashlib.sha256(canonical_json(entry)).hexdigest()
    lines[2] = canonical_json(entry).decode() + "\n"
    broken = tampered(tmp_path, log, lines).verify().broken
    assert broken is not None and (broken.line, broken.seq, broken.reason) == (4, 4, "previous-mismatch")


def test_a_payload_changed_without_its_content_hash_is_named(
    loaded: tuple[Platform, Path], tmp_path: Path
) -> None:
    _, log = loaded
    lines = lines_of(log)
    entry = json.loads(lines[3])
    entry["payload"]["findings"] = 7
    del entry["hash"]
    entry["hash"] = hashlib.sha256(canonical_json(entry)).hexdigest()
    lines[3] = canonical_json(entry).decode() + "\n"
    broken = tampered(tmp_path, log, lines).verify().broken
    assert broken is not None and (broken.line, broken.seq, broken.reason) == (4, 4, "content-mismatch")


def test_an_entry_removed_in_the_middle_is_a_sequence_gap(
    loaded: tuple[Platform, Path], tmp_path: Path
) -> None:
    _, log = loaded
    lines = lines_of(log)
    del lines[2]
    result = tampered(tmp_path, log, lines).verify()
    assert result.broken is not None
    assert (result.broken.line, result.broken.seq, result.broken.reason) == (3, 4, "sequence-gap")
    assert "entri 3 hilang" in result.broken.message and result.entries == 4


def test_two_swapped_entries_are_reported_reordered(loaded: tuple[Platform, Path], tmp_path: Path) -> None:
    _, log = loaded
    lines = lines_of(log)
    lines[2], lines[3] = lines[3], lines[2]
    broken = tampered(tmp_path, log, lines).verify().broken
    assert broken is not None and (broken.line, broken.seq, broken.reason) == (3, 4, "reordered")


def test_a_duplicated_entry_is_reported_reordered(loaded: tuple[Platform, Path], tmp_path: Path) -> None:
    _, log = loaded
    lines = lines_of(log)
    lines.insert(3, lines[1])
    broken = tampered(tmp_path, log, lines).verify().broken
    assert broken is not None and (broken.line, broken.seq, broken.reason) == (4, 2, "reordered")


def test_a_garbled_line_is_unparseable(loaded: tuple[Platform, Path], tmp_path: Path) -> None:
    _, log = loaded
    lines = lines_of(log)
    lines[1] = lines[1][:40] + "\n"
    broken = tampered(tmp_path, log, lines).verify().broken
    assert broken is not None and (broken.line, broken.seq, broken.reason) == (2, None, "unparseable")


def test_the_last_entry_removed_is_caught_only_against_a_recorded_head(
    loaded: tuple[Platform, Path], tmp_path: Path
) -> None:
    _, log = loaded
    recorded = AuditChain(log).verify().head
    chain = tampered(tmp_path, log, lines_of(log)[:-1])
    assert chain.verify().ok  # the file alone cannot tell: that is why the head is published
    result = chain.verify(known_head=recorded)
    assert result.broken is not None and result.broken.reason == "head-missing"


# --- a torn last line -------------------------------------------------------------------


def test_a_torn_last_line_is_reported_and_the_next_append_records_the_cut(tmp_path: Path) -> None:
    chain = AuditChain(tmp_path / "chain.jsonl")
    for i in range(3):
        chain.append("load", actor="uji", subjects=[f"urn:load:{i}"], payload={"i": i})
    whole = chain.path.read_bytes()
    torn = whole[: len(whole) - 25]  # a crash in the middle of writing entry 3
    chain.path.write_bytes(torn)
    result = chain.verify()
    assert result.broken is not None
    assert (result.broken.line, result.broken.reason) == (3, "torn")
    assert "terpotong" in result.broken.message and "torn" in result.broken.message
    assert result.verified == 2

    entry = chain.append("publication", actor="uji", payload={"after": "crash"})
    kinds = [e.kind for e in chain.entries()]
    assert kinds == ["load", "load", "repair", "publication"]
    repair = list(chain.entries())[2]
    cut = torn[torn.rindex(b"\n") + 1 :]
    assert repair.payload["cut_bytes"] == len(cut)
    assert repair.payload["cut_sha256"] == hashlib.sha256(cut).hexdigest()
    assert repair.previous == list(chain.entries())[1].hash
    assert entry.seq == 4 and chain.verify().ok


def test_an_unreadable_complete_last_line_stops_appends(tmp_path: Path) -> None:
    chain = AuditChain(tmp_path / "chain.jsonl")
    chain.append("load", actor="uji")
    with chain.path.open("ab") as f:
        f.write(b'{"not": "an entry"}\n')
    before = chain.path.read_bytes()
    with pytest.raises(AuditChainError, match="cannot be read"):
        chain.append("load", actor="uji")
    assert chain.path.read_bytes() == before


def test_payloads_must_be_plain_json(tmp_path: Path) -> None:
    chain = AuditChain(tmp_path / "chain.jsonl")
    with pytest.raises(ValueError):
        chain.append("load", actor="uji", payload={"x": float("nan")})
    with pytest.raises(ValueError, match="kind"):
        chain.append("Load; rm", actor="uji")
    assert not chain.path.exists()


# --- concurrent writers -----------------------------------------------------------------


def _append_many(path: str, writer: int, count: int) -> None:
    chain = AuditChain(Path(path))
    for i in range(count):
        chain.append("upload", actor=f"writer-{writer}", subjects=[f"urn:w{writer}:{i}"], payload={"i": i})


def test_concurrent_appends_from_several_processes_keep_the_chain_valid(tmp_path: Path) -> None:
    path = tmp_path / "chain.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(path), w, 25)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
        assert p.exitcode == 0
    result = AuditChain(path).verify()
    assert result.ok, result.broken
    assert result.entries == 100
    entries = list(AuditChain(path).entries())
    assert sorted(e.subjects[0] for e in entries) == sorted(
        f"urn:w{w}:{i}" for w in range(4) for i in range(25)
    )
    # Each writer's own entries keep their order.
    for w in range(4):
        mine = [e.payload["i"] for e in entries if e.actor == f"writer-{w}"]
        assert mine == list(range(25))
