"""RegionLinker: strict linking of agency codes and names to Kemendagri 2025 codes.

Expected codes were checked against ontology/codes/wilayah_lampung.csv and the BPS bridge
described in /work/shared/reference/SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph.errors import ReferenceDataError
from graph.link.links import Link
from graph.link.names import NameRules
from graph.link.regions import RegionLinker
from graph.read.mappings import RegionSpec

REPO = Path(__file__).resolve().parents[3]
CODES = REPO / "ontology" / "codes" / "wilayah_lampung.csv"
RULES = REPO / "mappings" / "linking" / "name_rules.yaml"


def pair(link: Link) -> tuple[str | None, str | None]:
    """(code, problem) of a Link: what these tests check."""
    return link.code, link.problem


def refused(link: Link) -> str:
    """The problem of a link that found no code."""
    assert link.code is None and link.problem is not None, link
    return link.problem


@pytest.fixture
def linker(index, rules) -> RegionLinker:
    return RegionLinker(index, rules, "18.09")


# --- codes --------------------------------------------------------------------------------


def test_undotted_kemendagri_desa_code_gets_its_dots(linker):
    assert pair(linker.resolve_code("1809012001", "kemendagri", "desa")) == ("18.09.01.2001", None)


def test_dotted_kemendagri_code_is_accepted_as_is(linker):
    assert pair(linker.resolve_code("18.09.01.2001", "kemendagri", "desa")) == ("18.09.01.2001", None)
    assert pair(linker.resolve_code(" 18.09.01 ", "kemendagri", "kecamatan")) == ("18.09.01", None)


def test_same_digits_give_different_desa_in_the_two_code_systems(linker, index):
    # 1801042001 is Kemendagri 18.01.04.2001 (Hajimena, Natar, Lampung Selatan) but the BPS
    # code of Lombok (18.04.22.2001, Lampung Barat): the declared system decides.
    assert index.label("18.01.04.2001") == "Hajimena"
    assert index.label("18.04.22.2001") == "Lombok"
    assert pair(linker.resolve_code("1801042001", "kemendagri", "desa")) == ("18.01.04.2001", None)
    assert pair(linker.resolve_code("1801042001", "bps", "desa")) == ("18.04.22.2001", None)


def test_bps_kecamatan_code_links_to_the_kemendagri_kecamatan(linker):
    assert pair(linker.resolve_code("1809050", "bps", "kecamatan")) == ("18.09.01", None)


def test_bps_kabupaten_code_differs_from_kemendagri_before_pesawaran(linker):
    assert pair(linker.resolve_code("1801", "bps", "kabupaten")) == ("18.04", None)
    assert pair(linker.resolve_code("1801", "kemendagri", "kabupaten")) == ("18.01", None)
    assert pair(linker.resolve_code("1809", "bps", "kabupaten")) == ("18.09", None)


@pytest.mark.parametrize(
    ("value", "system", "level", "reason"),
    [
        ("180901", "kemendagri", "desa", "10 digits"),
        ("1809050", "bps", "desa", "10 digits"),
        ("1809012001", "kemendagri", "kecamatan", "6 digits"),
        ("18.09.01", "kemendagri", "desa", "no desa has this Kemendagri code"),
        ("18.09.01.2001", "kemendagri", "kecamatan", "no kecamatan has this Kemendagri code"),
        ("1809050001", "bps", "kecamatan", "7 digits"),
    ],
)
def test_code_of_the_wrong_level_is_rejected_with_a_reason(linker, value, system, level, reason):
    problem = refused(linker.resolve_code(value, system, level))
    assert reason in problem


def test_unknown_codes_are_rejected(linker):
    assert pair(linker.resolve_code("1809999999", "kemendagri", "desa"))[0] is None
    problem = refused(linker.resolve_code("1809012001", "bps", "desa"))
    assert "unknown BPS desa code" in problem


@pytest.mark.parametrize("value", ["", "18.09.01.200A", "abc", "18.09.01.2001.1"])
def test_malformed_codes_are_rejected(linker, value):
    problem = refused(linker.resolve_code(value, "kemendagri", "desa"))
    assert problem


def test_desa_added_in_2022_links_by_kemendagri_code_though_bps_does_not_know_it(linker):
    assert pair(linker.resolve_code("1809022020", "kemendagri", "desa")) == ("18.09.02.2020", None)


# --- names -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("Kec. Way Lima", "kecamatan", "18.09.04"),
        ("KECAMATAN WAY LIMA", "kecamatan", "18.09.04"),
        ("Way Lima", "kecamatan", "18.09.04"),
        ("Desa Bagelen", "desa", "18.09.01.2007"),
        ("DS. Bagelen", "desa", "18.09.01.2007"),
        ("Ds.Bagelen", "desa", "18.09.01.2007"),
        ("BAGELEN", "desa", "18.09.01.2007"),
        ("  bagelen  ", "desa", "18.09.01.2007"),
        ("Gedong  Tataan", "kecamatan", "18.09.01"),
        ("Kabupaten Pesawaran", "kabupaten", "18.09"),
        ("KAB. PESAWARAN", "kabupaten", "18.09"),
        ("Kota Bandar Lampung", "kabupaten", "18.71"),
    ],
)
def test_names_with_prefixes_case_and_spacing_differences_link(linker, name, level, expected):
    assert pair(linker.resolve_name(name, None, level)) == (expected, None)


def test_desa_named_kota_keeps_kota_at_desa_level(linker, index):
    assert index.label("18.09.04.2006") == "Kota Dalam"
    assert pair(linker.resolve_name("Kota Dalam", None, "desa")) == ("18.09.04.2006", None)
    assert pair(linker.resolve_name("Desa Kota Dalam", "Kec. Way Lima", "desa")) == (
        "18.09.04.2006",
        None,
    )


def test_name_of_the_previous_edition_links(linker):
    # 18.09.11.2004 was "Ceringin Sari" in the 2022 decree, "Ceringin Asri" in 2025.
    assert pair(linker.resolve_name("Ceringin Sari", None, "desa")) == ("18.09.11.2004", None)
    assert pair(linker.resolve_name("Ceringin Asri", None, "desa")) == ("18.09.11.2004", None)


def test_bps_spelling_links(linker):
    # BPS 2018 writes the kecamatan "GEDUNG TATAAN"; Kemendagri writes "Gedong Tataan".
    assert pair(linker.resolve_name("GEDUNG TATAAN", None, "kecamatan")) == ("18.09.01", None)


def test_name_in_two_kecamatan_without_parent_is_ambiguous_naming_both(linker, index):
    assert index.label("18.09.02.2011") == index.label("18.09.09.2010") == "Tanjung Rejo"
    problem = refused(linker.resolve_name("Tanjung Rejo", None, "desa"))
    assert "ambig" in problem
    assert "18.09.02.2011" in problem and "18.09.09.2010" in problem


@pytest.mark.slow
@pytest.mark.parametrize(
    ("parent", "expected"),
    [
        ("Negeri Katon", "18.09.02.2011"),
        ("Kec. Way Khilau", "18.09.09.2010"),
        ("WAY KHILAU", "18.09.09.2010"),
    ],
)
def test_name_in_two_kecamatan_links_with_the_right_parent(linker, parent, expected):
    assert pair(linker.resolve_name("Tanjung Rejo", parent, "desa")) == (expected, None)


def test_wrong_parent_is_rejected_naming_the_kecamatan_where_the_desa_is(linker):
    problem = refused(linker.resolve_name("Tanjung Rejo", "Way Lima", "desa"))
    assert "Way Lima" in problem
    assert "Negeri Katon" in problem and "18.09.02.2011" in problem
    assert "Way Khilau" in problem and "18.09.09.2010" in problem


def test_wrong_parent_for_a_unique_desa_names_its_kecamatan(linker):
    problem = refused(linker.resolve_name("Bagelen", "Way Lima", "desa"))
    assert "Gedong Tataan" in problem and "18.09.01.2007" in problem


def test_unknown_parent_is_rejected_with_the_parent_reason(linker):
    problem = refused(linker.resolve_name("Bagelen", "Kec. Entah", "desa"))
    assert "parent" in problem and "Entah" in problem


@pytest.mark.parametrize("parent", [None, "Way Lima"])
def test_vowel_variant_links_by_spelling_rule_with_its_evidence(linker, parent):
    link = linker.resolve_name("Kuta Dalom", parent, "desa")
    assert (link.code, link.method) == ("18.09.04.2006", "aturan-ejaan")
    assert 70 <= link.score < 100 and link.runner_up not in (None, link.code)


def test_name_unlike_any_desa_is_sent_to_review_with_candidates(linker):
    link = linker.resolve_name("Sukamakmur Jaya Abadi", "Way Lima", "desa")
    assert "tidak cocok" in refused(link)
    assert len(link.candidates) == 3
    assert all(c.code.startswith("18.09.04.") for c in link.candidates)


@pytest.mark.parametrize("name", ["  ", "-", ".", "--", " . "])
def test_empty_name_is_rejected(linker, name):
    # A cell of punctuation only is as empty as a blank one: refused with a reason, the load goes on.
    problem = refused(linker.resolve_name(name, None, "desa"))
    assert "empty" in problem


def test_names_outside_the_home_region_do_not_link(linker, index):
    # Hajimena is a desa of Natar, Lampung Selatan, not of Pesawaran.
    assert index.label("18.01.04.2001") == "Hajimena"
    problem = refused(linker.resolve_name("Hajimena", None, "desa"))
    assert problem


def test_home_region_not_in_the_code_list_is_a_reference_data_error(index, rules):
    with pytest.raises(ReferenceDataError, match="18.99"):
        RegionLinker(index, rules, "18.99")


def test_name_rules_file_that_cannot_be_read_is_a_reference_data_error(tmp_path):
    with pytest.raises(ReferenceDataError):
        NameRules.from_yaml(tmp_path / "tidak_ada.yaml")
    bad = tmp_path / "rules.yaml"
    bad.write_text("remove: x\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError):
        NameRules.from_yaml(bad)


def test_name_rules_remove_apostrophes_and_strip_prefixes_only_at_their_level(rules):
    assert rules.normalise("Pasi Kuala Ba'U", "desa") == "pasi kuala bau"
    assert rules.normalise("Kota Dalam", "desa") == "kota dalam"
    assert rules.normalise("Kota Bandar Lampung", "kabupaten") == "bandar lampung"
    assert rules.normalise("Kec. Way Lima", "desa") == "kec way lima"


# --- link() on a frame ----------------------------------------------------------------------


def spy(monkeypatch, linker, method: str) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    original = getattr(linker, method)

    def wrapper(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(linker, method, wrapper)
    return calls


def test_link_by_kemendagri_code_resolves_each_distinct_code_once(linker, monkeypatch):
    frame = pd.DataFrame(
        {"kode": ["1809012001", "1809012001", "1801042001", "180901", "1809012001", None]},
        dtype="string",
    )
    calls = spy(monkeypatch, linker, "resolve_code")
    spec = RegionSpec.model_validate({"level": "desa", "code": {"column": "kode", "system": "kemendagri"}})
    linked = linker.link(spec, frame, {"code": "kode"})
    assert sorted(c[0] for c in calls) == sorted(["1809012001", "1801042001", "180901", ""])
    # 18.01.04.2001 is a real desa, of Lampung Selatan: outside the home region, refused.
    assert list(linked.code.fillna("-")) == ["18.09.01.2001", "18.09.01.2001", "-", "-", "18.09.01.2001", "-"]
    assert list(linked.method.fillna("-")) == [
        "kode-kemendagri",
        "kode-kemendagri",
        "-",
        "-",
        "kode-kemendagri",
        "-",
    ]
    assert list(linked.problem.notna()) == [False, False, True, True, False, True]
    assert "di luar wilayah Kabupaten Pesawaran" in linked.problem[2]
    assert "kosong" in linked.problem[5] and "blank: true" in linked.problem[5]
    assert linked.review == [] or all(item.name.strip() for item in linked.review)


def test_link_by_bps_code_uses_the_bps_system(linker):
    frame = pd.DataFrame({"kode": ["1801042001", "1809050"]}, dtype="string")
    # A desa of Lampung Barat: the table declares it covers the province.
    spec = RegionSpec.model_validate(
        {"level": "desa", "code": {"column": "kode", "system": "bps"}, "scope": "18"}
    )
    linked = linker.link(spec, frame, {"code": "kode"})
    assert list(linked.code.fillna("-")) == ["18.04.22.2001", "-"]
    assert list(linked.method.fillna("-")) == ["kode-bps", "-"]


def test_link_by_name_and_parent_resolves_each_distinct_pair_once(linker, monkeypatch):
    frame = pd.DataFrame(
        {
            "Desa": [
                "Tanjung Rejo",
                "Tanjung Rejo",
                "Bagelen",
                "Kuta Dalom",
                "Tanjung Rejo",
                "Bagelen",
            ],
            "Kecamatan": [
                "NEGERI KATON",
                "WAY KHILAU",
                "GEDONG TATAAN",
                "WAY LIMA",
                "NEGERI KATON",
                "GEDONG TATAAN",
            ],
        },
        dtype="string",
    )
    calls = spy(monkeypatch, linker, "resolve_name")
    spec = RegionSpec.model_validate(
        {"level": "desa", "name": {"column": "Desa"}, "parent": {"column": "Kecamatan"}}
    )
    linked = linker.link(spec, frame, {"name": "Desa", "parent": "Kecamatan"})
    desa_calls = [c for c in calls if c[2] == "desa"]
    assert len(desa_calls) == 4 == len(set(desa_calls))
    assert list(linked.code.fillna("-")) == [
        "18.09.02.2011",
        "18.09.09.2010",
        "18.09.01.2007",
        "18.09.04.2006",
        "18.09.02.2011",
        "18.09.01.2007",
    ]
    assert list(linked.method.fillna("-")) == ["nama-baku"] * 3 + ["aturan-ejaan"] + ["nama-baku"] * 2
    assert linked.problem.isna().all()


def test_link_by_name_without_parent_reports_ambiguity_per_row(linker):
    frame = pd.DataFrame({"Desa": ["Tanjung Rejo", "Kota Dalam", "Tanjung Rejo"]}, dtype="string")
    spec = RegionSpec.model_validate({"level": "desa", "name": {"column": "Desa"}})
    linked = linker.link(spec, frame, {"name": "Desa"})
    assert list(linked.code.fillna("-")) == ["-", "18.09.04.2006", "-"]
    assert "ambig" in linked.problem.iloc[0] and "ambig" in linked.problem.iloc[2]


@pytest.mark.slow
def test_link_with_a_fixed_parent_value_applies_it_to_every_row(linker):
    frame = pd.DataFrame({"Desa": ["Tanjung Rejo", "Bagelen"]}, dtype="string")
    spec = RegionSpec.model_validate(
        {"level": "desa", "name": {"column": "Desa"}, "parent": {"value": "Way Khilau"}}
    )
    linked = linker.link(spec, frame, {"name": "Desa"})
    assert list(linked.code.fillna("-")) == ["18.09.09.2010", "-"]
    assert "Gedong Tataan" in linked.problem.iloc[1]


def test_link_keeps_the_frame_index(linker):
    frame = pd.DataFrame({"kode": ["1809012001", "x"]}, index=[5, 9], dtype="string")
    spec = RegionSpec.model_validate({"level": "desa", "code": {"column": "kode", "system": "kemendagri"}})
    linked = linker.link(spec, frame, {"code": "kode"})
    for series in (linked.code, linked.method, linked.problem):
        assert list(series.index) == [5, 9]
    assert linked.code.loc[5] == "18.09.01.2001"


# Found by scripts/bench_linking.py.


def test_names_equal_but_for_spaces_are_ambiguous_without_parent(linker):
    # "Batu Raja" (Punduh Pidada) and "Baturaja" (Way Lima) are two desa.
    for text in ("Batu Raja", "Baturaja"):
        link = linker.resolve_name(text, None, "desa")
        assert link.code is None and "ambigu" in link.problem
        assert {c.code for c in link.candidates} == {"18.09.06.2003", "18.09.04.2010"}


def test_names_equal_but_for_spaces_link_within_their_kecamatan(linker):
    assert linker.resolve_name("Batu Raja", "Punduh Pidada", "desa").code == "18.09.06.2003"
    assert linker.resolve_name("Baturaja", "Way Lima", "desa").code == "18.09.04.2010"


def test_a_leading_word_of_an_official_name_is_not_a_prefix(linker):
    # "Kampung Baru" and "Pekon Ampai" are official desa names; "Baru" alone is not one.
    assert linker.resolve_name("Kampung Baru", None, "desa").code == "18.09.08.2009"
    assert linker.resolve_name("Desa Kampung Baru", None, "desa").code == "18.09.08.2009"
    assert linker.resolve_name("Pekon Ampai", None, "desa").method == "nama-baku"
    assert linker.resolve_name("Baru", None, "desa").code is None


def test_a_different_number_is_never_a_spelling_slip(linker):
    # Karang Rejo II is a desa of Lampung Utara, not a misspelt Karang Rejo.
    link = linker.resolve_name("Karang Rejo II", None, "desa")
    assert link.code is None
    assert link.candidates[0].code == "18.09.02.2018"  # Pesawaran's Karang Rejo, for review


def test_old_spelling_links_by_the_spelling_rule(linker):
    link = linker.resolve_name("Tjipadang", "Gedong Tataan", "desa")
    assert (link.code, link.method) == ("18.09.01.2003", "aturan-ejaan")


def test_parent_with_stray_semicolon_still_links(linker):
    assert linker.resolve_name("Bagelen", "Gedong Tataan;", "desa").code == "18.09.01.2007"
