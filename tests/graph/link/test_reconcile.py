"""The reconciliation answers without HTTP: candidates, suggestions, manifest, preview.

tests/api/test_reconcile.py checks the same service over HTTP against the specification's
JSON schemas; these tests call graph.link.reconcile directly.
"""

from __future__ import annotations

import pytest

from graph.link.reconcile import Reconciler, RegionQuery
from graph.link.reconcile_service import BATCH_SIZE, manifest, suggest_properties, suggest_types
from graph.settings import Settings


@pytest.fixture(scope="module")
def reconciler(memory_settings: Settings) -> Reconciler:
    return Reconciler.from_settings(memory_settings)


def test_the_linked_region_comes_first_and_matches(reconciler: Reconciler) -> None:
    candidates = reconciler.reconcile(RegionQuery("Gedung Tataan", parent="Gedong Tataan"))
    assert candidates[0]["id"] == "18.09.01.2006" and candidates[0]["match"] is True
    assert [c["id"] for c in candidates if c["match"]] == ["18.09.01.2006"]
    assert len(candidates) == 5


def test_a_reconciled_parent_and_a_code_query(reconciler: Reconciler) -> None:
    by_parent = reconciler.reconcile(RegionQuery("Bagelen", parent_code="18.09.01"))
    assert by_parent[0]["id"] == "18.09.01.2007" and by_parent[0]["match"] is True
    by_code = reconciler.reconcile(RegionQuery("18.09.01.2006", level="kecamatan", typed=True))
    assert [(c["id"], c["match"]) for c in by_code] == [("18.09.01.2006", False)]  # not the type asked
    assert reconciler.reconcile(RegionQuery("  ")) == []


def test_suggest_orders_whole_names_first_and_pages(reconciler: Reconciler) -> None:
    found = reconciler.suggest("bage", None, 0, 10)
    assert found[0]["id"] == "18.09.01.2007" and found[0]["notable"][0]["id"] == "desa"
    assert (
        reconciler.suggest("18.09", "kecamatan", 1, 2) == reconciler.suggest("18.09", "kecamatan", 0, 3)[1:]
    )


def test_manifest_of_each_version(reconciler: Reconciler) -> None:
    home = reconciler.home_name()
    v02 = manifest(False, endpoint="http://x/reconcile", region_prefix="http://x/wilayah/", home_name=home)
    assert v02["preview"]["url"] == "http://x/reconcile/preview?id={{id}}"
    assert v02["batchSize"] == BATCH_SIZE and home in v02["name"]
    v1 = manifest(True, endpoint="http://x/reconcile", region_prefix="http://x/wilayah/", home_name=home)
    assert v1["view"] == {"url": "http://x/wilayah/{id}"} and "identifierSpace" not in v1


def test_types_and_properties() -> None:
    assert [t["id"] for t in suggest_types("", 0)] == ["provinsi", "kabupaten", "kecamatan", "desa"]
    assert suggest_types("", 3) == [{"id": "desa", "name": "Desa/Kelurahan"}]
    assert [p["id"] for p in suggest_properties("parent", 0)] == ["induk"]
    assert suggest_properties("induk", 1) == []


def test_preview_escapes_and_knows_its_codes(reconciler: Reconciler) -> None:
    assert reconciler.knows("18.09.01.2006") and not reconciler.knows("18.09.99.9999")
    card = reconciler.preview_html("18.09.01.2006", 'http://x/"wilayah"')
    assert "Kec. Gedong Tataan" in card and "&quot;wilayah&quot;" in card
