"""Loosely written agency and indicator names, linked like region names."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.answer.sparql import run_query
from graph.errors import LoadRejected, MappingError
from graph.link.terms import TermLinker
from graph.publish.platform import Platform


@pytest.fixture(scope="module")
def linkers(memory_settings):
    platform = Platform(memory_settings)
    rules = platform.linker.rules
    yield (
        TermLinker.of(platform.vocabulary, "agency", rules),
        TermLinker.of(platform.vocabulary, "indicator", rules),
    )
    platform.close()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("dinkes", "dinkes"),
        ("Dinas Kesehatan", "dinkes"),
        ("DINKES", "dinkes"),
        ("Dinas Kesehatan Kabupaten Pesawaran", "dinkes"),
        ("Dinas Sosial Kab. Pesawaran", "dinsos"),
        ("Dukcapil", "disdukcapil"),
        ("Badan Pusat Statistik", "bps"),
    ],
)
def test_agency_names_link_to_their_slug(linkers, text: str, slug: str) -> None:
    assert linkers[0].resolve(text).code == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Jumlah Balita Stunting", "balita-stunting"),
        ("jumlah balita ditimbang", "balita-ditimbang"),
        ("Prevalensi Stunting (%)", "prevalensi-stunting"),
        ("Luas Wilayah (km2)", "luas-wilayah"),
        ("KPM PKH", "kpm-pkh"),
    ],
)
def test_indicator_names_link_to_their_slug(linkers, text: str, slug: str) -> None:
    link = linkers[1].resolve(text)
    assert link.code == slug and link.method in {"slug", "label", "aturan-ejaan", "fuzzy"}


def test_a_rate_is_not_taken_for_a_count(linkers) -> None:
    link = linkers[1].resolve("Angka Putus Sekolah")
    assert link.code is None and "murid-putus-sekolah" in link.problem


LONG_MAPPING = """\
dataset:
  id: uji-panjang
  title: {{id: Uji tabel panjang, en: Long table test}}
  description: {{id: Uji, en: Test}}
  agency: {agency}
  frequency: annual
source:
  path: panjang.csv
region:
  level: desa
  code: {{column: kode, system: kemendagri}}
period:
  year: {{column: tahun}}
measures:
  - column: nilai
    indicator: {{column: indikator}}
"""


def write_long_table(folder: Path, agency: str, earlier_years: int = 9) -> Path:
    """Five rows of 2024 (two of them give no value) after ``earlier_years`` years of
    toddlers weighed in two desa: with none, 2 of 5 rows are lost, over the reject limit."""
    earlier = "".join(
        f"18.09.01.200{d},{2024 - y},Jumlah Balita Ditimbang,{100 + y}\n"
        for y in range(1, earlier_years + 1)
        for d in (1, 2)
    )
    (folder / "panjang.csv").write_text(
        "kode,tahun,indikator,nilai\n"
        "18.09.01.2001,2024,Jumlah Balita Ditimbang,120\n"
        "18.09.01.2001,2024,Jumlah Balita Stunting,30\n"
        '18.09.01.2001,2024,Prevalensi Stunting (%),"25,0"\n'
        "18.09.01.2001,2024,Indikator Tak Dikenal,5\n"
        '18.09.01.2002,2024,Balita Stunting,"12,5"\n' + earlier,
        encoding="utf-8",
    )
    path = folder / "uji-panjang.yaml"
    path.write_text(LONG_MAPPING.format(agency=agency), encoding="utf-8")
    return path


def test_long_table_names_each_rows_indicator(platform: Platform, tmp_path: Path) -> None:
    report = platform.load(write_long_table(tmp_path, "Dinas Kesehatan Kabupaten Pesawaran"))
    outcome = run_query(
        platform.store,
        platform.iris,
        f"""SELECT ?ind ?v ?agency WHERE {{ ?o qb:dataSet/oc:cubeOf <{platform.iris.dataset("uji-panjang")}> ;
              qb:measureType ?ind ; ?ind ?v . <{platform.iris.dataset("uji-panjang")}> dcterms:publisher ?agency }}""",
        max_rows=100,
        with_prefixes=True,
    )
    found = {
        (r[0].value.rsplit("/", 1)[1], r[1].value) for r in outcome.rows if r[1].value in ("120", "30", "25")
    }
    assert found == {("balita-ditimbang", "120"), ("balita-stunting", "30"), ("prevalensi-stunting", "25")}
    assert {r[2].value for r in outcome.rows} == {platform.iris.agency("dinkes")}
    # The unknown indicator and the fractional count are reported, row by row.
    reasons = {p.row: p.reason for p in report.problems}
    assert set(reasons) == {5, 6}
    assert "nama indikator 'Indikator Tak Dikenal' tidak cocok" in reasons[5] and "bulat" in reasons[6]
    assert report.rows_without_values == 2  # 2 of 23 rows: under the reject limit


def test_rows_that_give_no_value_count_towards_the_reject_limit(platform: Platform, tmp_path: Path) -> None:
    """2 of 5 rows give no value (an unknown indicator, a fractional count): refused, and the
    refusal names the indicator column, the row and the name that fits no indicator."""
    with pytest.raises(LoadRejected) as caught:
        platform.load(write_long_table(tmp_path, "dinkes", earlier_years=0))
    message = str(caught.value)
    assert (
        "2 dari 5 baris tidak dapat dimuat" in message
        and "2 without any value, their cells refused" in message
    )
    assert "most in column 'indikator'" in message and "'Indikator Tak Dikenal'" in message
    assert "check header_rows" not in message


def test_unknown_agency_name_is_refused_with_the_mapping_line(platform: Platform, tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"uji-panjang.yaml:5: instansi") as caught:
        platform.load(write_long_table(tmp_path, "Dinas Entah Berantah"))
    assert "closest" in str(caught.value)
