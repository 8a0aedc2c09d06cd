"""Cell text of a categorical measure linked to its code list: exact after tidying, never guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from graph.link.categories import link_categories, normalise_category
from graph.rdf.iris import Iris
from graph.reference.vocabulary import Vocabulary
from graph.settings import PROJECT_DIR

IRIS = Iris("https://contoh.example/")


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load(PROJECT_DIR / "ontology", IRIS)


def test_the_idm_status_is_an_ordered_code_list_of_five_categories(vocabulary: Vocabulary) -> None:
    status = vocabulary.code_lists["status-idm"]
    assert vocabulary.indicators["status-idm"].is_categorical and status.ordinal
    assert [c.notation for c in status.categories] == [
        "sangat-tertinggal", "tertinggal", "berkembang", "maju", "mandiri"
    ]  # fmt: skip
    assert status.categories[0].iri == IRIS.base + "id/kode/status-idm/sangat-tertinggal"
    assert not vocabulary.indicators["jumlah-penduduk"].is_categorical


def test_case_spaces_and_punctuation_do_not_matter() -> None:
    assert normalise_category(" MAJU ") == normalise_category("maju") == "maju"
    assert normalise_category("Pra-Madya") == normalise_category("pra madya")


def test_labels_variants_and_the_mapping_codes_link_and_unknown_text_goes_to_review(
    vocabulary: Vocabulary,
) -> None:
    raw = pd.Series(["MAJU ", "Desa Sembada", "Sgt. Tertinggal", "", "-", "Swadaya", "swadaya"])
    rows = pd.Series(range(2, 2 + len(raw)))
    linked = link_categories(
        raw,
        rows,
        vocabulary.code_lists["status-idm"],
        indicator="status-idm",
        column="Status",
        codes={"Sgt. Tertinggal": "sangat-tertinggal"},
        missing=["", "-"],
    )
    kode = IRIS.base + "id/kode/status-idm/"
    assert linked.iri.tolist()[:3] == [kode + "maju", kode + "mandiri", kode + "sangat-tertinggal"]
    assert linked.missing.tolist() == [False, False, False, True, True, False, False]
    # Different spellings are distinct texts to decide on; neither is guessed.
    assert [(i.value, i.rows) for i in linked.review] == [("Swadaya", [7]), ("swadaya", [8])]
    assert linked.iri[5:].isna().all() and "bukan kategori" in str(linked.problem[5])
    assert len(linked.review[0].candidates) == 3
