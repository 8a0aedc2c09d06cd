"""The embedded store as a reader meets it before anything was built."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.store.embedded import EmbeddedStore


def test_reading_before_the_first_build_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="onecenter build"):
        EmbeddedStore(tmp_path / "store", read_only=True)
    assert not (tmp_path / "store").exists()  # a reader creates nothing


def test_a_built_store_opens_read_only(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "store").close()
    reader = EmbeddedStore(tmp_path / "store", read_only=True)
    assert reader.count() == 0
    reader.close()
