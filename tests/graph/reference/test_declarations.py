"""Indicator declarations that cannot be right stop the platform with a message that says why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.errors import ReferenceDataError
from graph.rdf.iris import Iris
from graph.reference.vocabulary import Vocabulary
from graph.settings import PROJECT_DIR

IRIS = Iris("https://contoh.example/")
HEADER = """\
@prefix oc: <https://w3id.org/onecenter/def#> .
@prefix ind: <id/indikator/> .
@prefix satuan: <id/satuan/> .
"""


def vocabulary_with(tmp_path: Path, turtle: str) -> Vocabulary:
    folder = tmp_path / "ontology"
    shutil.copytree(PROJECT_DIR / "ontology", folder, ignore=shutil.ignore_patterns("codes"))
    (folder / "tambahan.ttl").write_text(HEADER + turtle, encoding="utf-8")
    return Vocabulary.load(folder, IRIS)


def test_the_projects_own_declarations_are_sound(tmp_path: Path) -> None:
    assert "balita-stunting" in vocabulary_with(tmp_path, "").indicators


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        ("ind:balita-stunting oc:partOf ind:balita-ditimbang-x .", "ind:balita-ditimbang-x bukan indikator"),
        ("ind:jumlah-penduduk oc:partOf ind:balita-stunting .", "kembali ke dirinya sendiri"),
        (
            "ind:jumlah-penduduk oc:maxYearlyChange -0.3 .",
            "oc:maxYearlyChange -0.3: harus angka tidak negatif",
        ),
        (
            "ind:jumlah-murid oc:minValue 10 ; oc:maxValue 5 .",
            "oc:minValue 10 lebih besar daripada oc:maxValue 5",
        ),
        ("ind:jumlah-murid oc:plausibleRange [ oc:minValue 1 ] .", "rentang wajar perlu oc:rangeLevel"),
        (
            "ind:jumlah-murid oc:plausibleRange [ oc:rangeLevel oc:levelDesa ; oc:minValue 1 ; oc:maxValue 9 ] ,"
            " [ oc:rangeLevel oc:levelDesa ; oc:minValue 2 ; oc:maxValue 8 ] .",
            "ind:jumlah-murid: dua rentang wajar untuk oc:levelDesa",
        ),
        ("ind:kpm-pkh oc:partOf ind:jumlah-penduduk .", "satuannya berbeda (satuan:keluarga, satuan:jiwa)"),
        ("ind:jumlah-murid oc:numerator ind:murid-putus-sekolah .", "perlu oc:numerator dan oc:denominator"),
        (
            "ind:prevalensi-stunting oc:aggregation oc:aggregationSum .",
            "satuannya satuan:persen adalah rasio",
        ),
    ],
)
def test_an_unsound_declaration_is_refused_with_what_to_fix(
    tmp_path: Path, turtle: str, expected: str
) -> None:
    with pytest.raises(ReferenceDataError) as refused:
        vocabulary_with(tmp_path, turtle)
    message = str(refused.value)
    assert expected in message, message
    assert "unsound indicator declarations" in message and message.count("\n- ") >= 1
