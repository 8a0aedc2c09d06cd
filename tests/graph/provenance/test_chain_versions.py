"""Which version of each dataset the audit chain names, read from the log's end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.provenance import chain_versions
from graph.provenance.chain import AuditChain
from graph.provenance.chain_versions import (
    chain_started,
    chained_versions,
    lines_from_end,
    unrecorded_versions,
)

A, B = "urn:dataset:a", "urn:dataset:b"


@pytest.mark.parametrize(
    "content",
    [b"", b"torn", b"one\n", b"one\ntwo\n", b"one\n\nthree\n", b"one\ntwo\ntorn tail", b"\n\n"],
)
@pytest.mark.parametrize("block", [1, 3, 65536])
def test_lines_from_end_are_the_complete_lines_last_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, block: int
) -> None:
    monkeypatch.setattr(chain_versions, "_BLOCK", block)
    path = tmp_path / "log"
    path.write_bytes(content)
    complete = content[: content.rfind(b"\n") + 1]  # a torn last line is not one
    assert list(lines_from_end(path)) == complete.split(b"\n")[:-1][::-1]


def publish(chain: AuditChain, dataset: str, graph: str) -> None:
    chain.append("publication", actor="uji", subjects=[dataset, f"{graph}/activity", graph])


def test_the_latest_publication_of_each_dataset_names_its_version(tmp_path: Path) -> None:
    chain = AuditChain(tmp_path / "chain.jsonl")
    publish(chain, A, "urn:g:a1")
    publish(chain, B, "urn:g:b1")
    chain.append("load", actor="uji", subjects=[A, "urn:load", "urn:g:a2"])  # staged, not published
    publish(chain, A, "urn:g:a3")
    chain.append("hold", actor="uji", subjects=[B, "urn:load", "urn:g:b2"])

    assert chained_versions(chain.path, {A, B, "urn:dataset:never"}) == {A: "urn:g:a3", B: "urn:g:b1"}
    pointers = {A: "urn:g:a3", B: "urn:g:b2", "urn:dataset:never": "urn:g:n1"}
    assert unrecorded_versions(pointers, chain.path) == {B: "urn:g:b2", "urn:dataset:never": "urn:g:n1"}
    assert unrecorded_versions({}, chain.path) == {}
    assert unrecorded_versions({A: "urn:g:a1"}, tmp_path / "absent.jsonl") == {A: "urn:g:a1"}


def test_the_chain_starts_with_its_first_entry(tmp_path: Path) -> None:
    chain = AuditChain(tmp_path / "chain.jsonl")
    assert chain_started(chain.path) is None
    first = chain.append("reference", actor="uji")
    chain.append("reference", actor="uji")
    assert chain_started(chain.path) == dt.datetime.fromisoformat(first.time)
