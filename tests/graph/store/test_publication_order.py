"""A publication stopped between two of its update's operations, as on a server whose
updates are not atomic (Virtuoso commits each operation in turn): readers see the old
version or the new one, and a held draft stays registered until the pointer has moved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.publish.platform import Platform
from graph.rdf.namespaces import OC
from graph.store.versions import collect_garbage, draft_datasets, published_datasets
from tests.conftest import write_small_table


def _held_second_version(platform: Platform, tmp_path: Path) -> tuple[str, str, str]:
    """(dataset, published graph, held draft graph) of a small table loaded twice."""
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    first = platform.load(mapping)
    assert first.outcome == "published"
    write_small_table(tmp_path, [str(2000 + i) for i in range(20)])
    table = tmp_path / "penduduk.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    code, _, value = lines[3].split(";")
    lines[3] = f"{code};2031;{value}"  # a year that has not come: held
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    held = platform.load(mapping)
    assert held.outcome == "held" and first.graph and held.graph
    return platform.iris.dataset("uji-penduduk"), first.graph, held.graph


def test_a_publication_stopped_between_operations_leaves_a_state_that_can_be_retried(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, old, new = _held_second_version(platform, tmp_path)
    store = platform.store
    whole = store.update
    applied: list[int] = []

    def stopped_after(k: int) -> Callable[[str], None]:
        def update(sparql: str) -> None:
            if f"<{OC}publishedGraph> <" not in sparql or "INSERT {" not in sparql:
                whole(sparql)
                return
            operations = sparql.split(" ;\n")
            applied.append(len(operations))
            for operation in operations[:k]:
                whole(operation)
            raise StoreError("the connection broke off (simulated)")

        return update

    moved_at = None
    for k in range(12):
        monkeypatch.setattr(store, "update", stopped_after(k))
        with pytest.raises(StoreError, match="simulated"):
            platform.publish_draft("uji-penduduk", accept_reason="Dinas mengonfirmasi", decided_by="Walidata")
        monkeypatch.undo()
        pointer = published_datasets(store, platform.iris)[dataset]
        assert pointer in (old, new)  # one pointer, never none
        if pointer == old:
            # Not published yet: the draft is still there to publish again, and kept.
            assert moved_at is None and draft_datasets(store, platform.iris) == {dataset: new}
        else:
            moved_at = moved_at if moved_at is not None else k
        collect_garbage(store, platform.iris)
        assert new in store.named_graphs() and (pointer == new or old in store.named_graphs())
        if not draft_datasets(store, platform.iris):
            break  # published, the draft pointer removed: the operations after it only tidy
    # The pointer moves after the record (not first) and before the draft pointer goes.
    assert moved_at is not None and 0 < moved_at < applied[-1] and k > moved_at
    assert published_datasets(store, platform.iris)[dataset] == new
