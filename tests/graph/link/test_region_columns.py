"""Whole region columns: scope, code against name, totals named like regions above (issue 18)."""

from __future__ import annotations

import pandas as pd

from graph.link.regions import RegionLinker
from graph.read.mappings import RegionSpec
from tests.graph.link.test_regions import refused


def coded(system: str = "kemendagri", **extra: object) -> RegionSpec:
    return RegionSpec.model_validate(
        {"level": "desa", "code": {"column": "kode", "system": system}, "name": {"column": "desa"}, **extra}
    )


def link(linker: RegionLinker, spec: RegionSpec, **columns: list[str]):
    frame = pd.DataFrame(columns, dtype="string")
    roles = {"kode": "code", "desa": "name", "kecamatan": "parent"}
    return linker.link(spec, frame, {roles[c]: c for c in columns})


def test_a_desa_of_another_kabupaten_is_refused_as_outside_the_home_region(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    linked = link(linker, coded(), kode=["1809012001", "1801042001"], desa=["Padang Ratu", "Hajimena"])
    assert list(linked.code.fillna("-")) == ["18.09.01.2001", "-"]
    assert "Hajimena (18.01.04.2001) di luar wilayah Kabupaten Pesawaran" in linked.problem[1]
    assert "region.scope" in linked.problem[1]
    assert linked.review == []  # nothing a person could decide: the row is simply not ours


def test_a_declared_wider_scope_takes_the_whole_province(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    linked = link(
        linker, coded(scope="18"), kode=["1809012001", "1801042001"], desa=["Padang Ratu", "Hajimena"]
    )
    assert list(linked.code) == ["18.09.01.2001", "18.01.04.2001"]


def test_a_code_and_a_name_that_disagree_are_refused_with_both_shown(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    linked = link(linker, coded(), kode=["1809012001", "1809012001"], desa=["PADANG RATU", "Sukadadi"])
    assert linked.code[0] == "18.09.01.2001"
    problem = linked.problem[1]
    assert pd.isna(linked.code[1])
    assert "Padang Ratu (18.09.01.2001)" in problem and "'Sukadadi'" in problem


def test_spelling_variants_of_the_codes_own_name_agree(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    # The decree's Gedung Tataan written with the kecamatan's vowel; Kota Dalam as Kuta Dalom.
    assert linker.names_agree("18.09.01.2006", "Desa Gedong Tataan", "desa")
    kota_dalam = next(c for c, n in index.names.items() if n == "Kota Dalam" and c.startswith("18.09"))
    assert linker.names_agree(kota_dalam, "KUTA DALOM", "desa")
    assert not linker.names_agree("18.09.01.2006", "Sukadadi", "desa")


def test_kemendagri_codes_declared_as_bps_are_caught_by_the_name_column(index, rules):
    """1809022001 is Kagungan Ratu's Kemendagri code and, read as a BPS code, Sumber Jaya's."""
    linker = RegionLinker(index, rules, "18.09")
    without_names = linker.link(
        RegionSpec.model_validate({"level": "desa", "code": {"column": "kode", "system": "bps"}}),
        pd.DataFrame({"kode": ["1809022001"]}, dtype="string"),
        {"code": "kode"},
    )
    assert without_names.code[0] == "18.09.11.2005"  # the code alone cannot tell
    linked = link(linker, coded("bps"), kode=["1809022001"], desa=["Kagungan Ratu"])
    assert pd.isna(linked.code[0])
    assert "Sumber Jaya" in linked.problem[0] and "'Kagungan Ratu'" in linked.problem[0]


def test_the_kabupatens_name_in_a_desa_column_is_a_total_not_pesawaran_indah(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    # BPS spells the desa Pesawaran Indah (18.09.07.2020) "PESAWARAN": still not a desa.
    link_ = linker.resolve_name("PESAWARAN", None, "desa")
    assert link_.total and link_.code is None
    assert "Kabupaten Pesawaran (18.09)" in (link_.problem or "")
    linked = link(linker, coded(), kode=["", "1809072020"], desa=["PESAWARAN", "Pesawaran Indah"])
    assert list(linked.total) == [True, False]
    assert linked.code[1] == "18.09.07.2020"


def test_a_kecamatan_name_beside_a_similar_desa_goes_to_review_not_to_the_desa(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    link_ = linker.resolve_name("Gedong Tataan", "GEDONG TATAAN", "desa")
    problem = refused(link_)
    assert not link_.total
    assert "nama kecamatan Gedong Tataan (18.09.01)" in problem and "Gedung Tataan" in problem
    assert [c.code for c in link_.candidates] == ["18.09.01.2006"]


def test_a_desa_the_decree_names_like_a_kabupaten_is_that_desa(index, rules):
    linker = RegionLinker(
        index, rules, "18.08"
    )  # Way Kanan, whose desa Tulang Bawang shares a kabupaten name
    assert linker.resolve_name("Tulang Bawang", None, "desa").code == "18.08.05.2001"


def test_a_blank_code_cell_says_blank_and_how_to_drop_such_rows(index, rules):
    linker = RegionLinker(index, rules, "18.09")
    problem = refused(linker.resolve_code("  ", "kemendagri", "desa"))
    assert problem.startswith("sel kode wilayah kosong") and "drop_rows" in problem
