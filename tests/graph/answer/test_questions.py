"""Named questions: the catalogue, answers on the demo graph, parameters bound as RDF terms."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from graph.answer.answers import Answer
from graph.answer.questions import ChartSpec, ParameterSpec, QuestionSpec, load_catalogue
from graph.errors import QuestionFileError, UnknownQuestion
from graph.settings import PROJECT_DIR
from tests.graph.answer.demo_answers import CATALOGUE, Demo, answer

DATA = PROJECT_DIR / "data"


def table(result: Answer) -> pd.DataFrame:
    return pd.DataFrame(result.records(), columns=result.columns)


# --- independent readings of the agency tables (pandas only, no One Center code) -----------


def dotted(code: str) -> str:
    return ".".join(p for p in (code[:2], code[2:4], code[4:6], code[6:]) if p)


def dukcapil_by_kecamatan() -> pd.DataFrame:
    """Registered population per kecamatan and year, summed from the desa rows (both sexes)."""
    frame = pd.read_csv(DATA / "disdukcapil_penduduk_desa_jk_2020_2024.csv", sep=";", dtype=str)
    frame.columns = [c.replace("\n", "") for c in frame.columns]
    frame["kecamatan"] = frame["kemendagri_kode_kecamatan"].map(dotted)
    frame["jumlah"] = frame["jumlah_penduduk"].astype(int)
    frame["tahun"] = frame["tahun"].astype(int)
    return frame.groupby(["kecamatan", "tahun"], as_index=False).agg(jumlah=("jumlah", "sum"))


def bps_kecamatan() -> pd.DataFrame:
    """BPS area and projected population per kecamatan (Kemendagri code via the crosswalk)."""
    raw = pd.read_csv(DATA / "bps_luas_penduduk_kecamatan_2020_2024.csv", header=None, dtype=str, skiprows=4)
    raw = raw[raw[0].fillna("").str.fullmatch(r"\d{7}")]
    codes = pd.read_csv(PROJECT_DIR / "ontology/codes/wilayah_lampung.csv", dtype=str, keep_default_na=False)
    crosswalk = dict(zip(codes["kode_bps"], codes["kode"], strict=True))
    rows = []
    for record in raw.itertuples(index=False):
        for i, year in enumerate(range(2020, 2025)):
            rows.append(
                {
                    "kecamatan": crosswalk[record[0]],
                    "tahun": year,
                    "luas": float(record[2].replace(",", ".")),
                    "proyeksi": int(record[3 + i].replace(".", "")),
                }
            )
    return pd.DataFrame(rows)


# --- the catalogue ------------------------------------------------------------------------


def test_catalogue_has_at_least_twelve_questions_with_bilingual_metadata() -> None:
    assert len(CATALOGUE.questions) >= 12
    for question in CATALOGUE.questions.values():
        spec = question.spec
        assert spec.title.id != spec.title.en and spec.description.id != spec.description.en
        assert question.query_file.stem == question.meta_file.stem == spec.id
        assert question.columns == list(spec.columns)
        for name, parameter in spec.parameters.items():
            # A dataset parameter (sumber) chooses the datasets of the source variables instead.
            assert (name in question.projection) != (parameter.type == "dataset"), (spec.id, name)
        for name in spec.sources:
            assert name in question.projection and name not in question.columns, (spec.id, name)


def test_every_code_parameter_type_is_used_and_every_chart_kind_suggested() -> None:
    types = {p.type for q in CATALOGUE.questions.values() for p in q.spec.parameters.values()}
    kinds = {q.spec.chart.kind for q in CATALOGUE.questions.values()}
    assert {"region", "period", "indicator", "level", "agency", "decimal"} <= types
    assert kinds == {"bar", "line", "scatter", "table", "map"}


# Every question has demo data (category-count: the real IDM status of dpmd-idm-desa).
WITHOUT_DEMO_DATA: set[str] = set()


@pytest.mark.parametrize("question_id", sorted(CATALOGUE.questions))
def test_every_question_answers_the_demo_graph_with_its_declared_columns(
    demo: Demo, question_id: str
) -> None:
    result = answer(demo, question_id)
    spec = CATALOGUE.get(question_id).spec
    assert result.columns == list(spec.columns)
    if question_id in WITHOUT_DEMO_DATA:  # answered on its own table in test_category_count.py
        assert not result.rows
        return
    assert result.rows and not result.truncated
    assert all(len(row) == len(result.columns) for row in result.rows)
    for column in spec.chart.y + ([spec.chart.value] if spec.chart.value else []):
        values = [r[column] for r in result.records() if r[column] is not None]
        assert values and all(isinstance(v, int | float) for v in values), (question_id, column)


# --- answers checked against the agency tables ---------------------------------------------


def test_population_gap_matches_the_dukcapil_and_bps_tables(demo: Demo) -> None:
    got = table(answer(demo, "population-gap-dukcapil-bps", period="2022")).set_index("district_code")
    dukcapil = dukcapil_by_kecamatan().query("tahun == 2022").set_index("kecamatan")["jumlah"]
    bps = bps_kecamatan().query("tahun == 2022").set_index("kecamatan")["proyeksi"]
    assert sorted(got.index) == sorted(bps.index)
    for code in got.index:
        assert got.loc[code, "dukcapil_population"] == dukcapil[code]
        assert got.loc[code, "bps_projection"] == bps[code]
        expected = round(1000 * (bps[code] - dukcapil[code]) / dukcapil[code]) / 10
        assert got.loc[code, "gap_pct"] == pytest.approx(expected)
    # The deliberate inconsistency C6: Teluk Pandan 2022, BPS 16 % above Dukcapil, comes first.
    assert got.index[0] == "18.09.10" and got.iloc[0]["gap_pct"] == pytest.approx(16.0)


def test_population_density_is_dukcapil_population_over_bps_area(demo: Demo) -> None:
    got = table(answer(demo, "population-density", period="2023")).set_index("district_code")
    population = dukcapil_by_kecamatan().query("tahun == 2023").set_index("kecamatan")["jumlah"]
    area = bps_kecamatan().query("tahun == 2024").set_index("kecamatan")["luas"]
    assert len(got) == 11
    for code, row in got.iterrows():
        assert row["population"] == population[str(code)]
        assert row["area_km2"] == pytest.approx(area[str(code)])
        assert row["density_per_km2"] == pytest.approx(
            round(10 * population[str(code)] / area[str(code)]) / 10
        )


def test_welfare_vs_dropout_sums_desa_recipients_and_households_per_kecamatan(demo: Demo) -> None:
    got = table(answer(demo, "welfare-vs-dropout", period="2024")).set_index("district_code")
    dinsos = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype={"Kode Wilayah": str})
    dinsos = dinsos[dinsos["Tahun"] == 2024].assign(kec=lambda f: f["Kode Wilayah"].str[:8])
    dpupr = pd.read_excel(DATA / "dpupr_air_sanitasi_desa_2020_2024.xlsx", header=2, dtype={"Kode Desa": str})
    dpupr = dpupr[dpupr["Tahun"].astype(int) == 2024].assign(kec=lambda f: f["Kode Desa"].str[:8])
    pkh = dinsos.groupby("kec")["KPM PKH"].sum()
    households = dpupr.groupby("kec")["Jumlah Rumah Tangga"].sum()
    for code, row in got.iterrows():
        assert row["pkh_families"] == pkh[str(code)]
        assert row["households"] == households[str(code)]
        assert row["pkh_per_100_households"] == pytest.approx(
            round(1000 * pkh[str(code)] / households[str(code)]) / 10
        )


def test_village_ranking_ranks_like_pandas(demo: Demo) -> None:
    got = table(answer(demo, "village-ranking", region="18.09.05", indicator="kpm-bpnt", period="2023"))
    dinsos = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype={"Kode Wilayah": str})
    rows = dinsos[(dinsos["Tahun"] == 2023) & dinsos["Kode Wilayah"].str.startswith("18.09.05.")]
    expected = rows.set_index("Kode Wilayah")["KPM BPNT"].rank(method="min", ascending=False).astype(int)
    assert dict(zip(got["village_code"], got["rank"], strict=True)) == expected.to_dict()
    assert list(got["rank"]) == sorted(got["rank"])


def test_indicator_trend_sums_the_regency_population(demo: Demo) -> None:
    got = table(answer(demo, "indicator-trend", indicator="jumlah-penduduk", region="18.09"))
    expected = dukcapil_by_kecamatan().groupby("tahun")["jumlah"].sum()
    assert dict(zip(got["year"], got["value"], strict=True)) == expected.to_dict()
    assert expected[2024] == 501_047  # the real Dukcapil total the demo is scaled to
    assert set(got["areas"]) == {148}


def test_safe_water_share_of_the_stunting_question_is_the_dpupr_cell(demo: Demo) -> None:
    got = table(answer(demo, "stunting-vs-safe-water", region="18.09.06", period="2021"))
    dpupr = pd.read_excel(DATA / "dpupr_air_sanitasi_desa_2020_2024.xlsx", header=2, dtype=str)
    dpupr = dpupr[(dpupr["Tahun"] == "2021") & dpupr["Kode Desa"].str.startswith("18.09.06.")]
    share = {
        row["Kode Desa"]: float(row["% Air Minum Layak"].rstrip("%").replace(",", "."))
        for _, row in dpupr.iterrows()
    }
    assert dict(zip(got["village_code"], got["safe_water_pct"], strict=True)) == share


def test_indicator_by_region_recomputes_a_percentage_from_numerator_and_denominator(demo: Demo) -> None:
    got = table(answer(demo, "indicator-by-region", indicator="persen-air-minum-layak", level="kecamatan"))
    dpupr = pd.read_excel(DATA / "dpupr_air_sanitasi_desa_2020_2024.xlsx", header=2, dtype=str)
    dpupr = dpupr[dpupr["Tahun"] == "2024"].assign(kec=lambda f: f["Kode Desa"].str[:8])
    sums = (
        dpupr.assign(
            safe=dpupr["RT Akses Air Minum Layak"].astype(int), all=dpupr["Jumlah Rumah Tangga"].astype(int)
        )
        .groupby("kec")[["safe", "all"]]
        .sum()
    )
    expected = {k: round(1000 * r["safe"] / r["all"]) / 10 for k, r in sums.iterrows()}
    assert dict(zip(got["region_code"], got["value"], strict=True)) == pytest.approx(expected)


def test_village_profile_shows_every_agency_and_the_dukcapil_anomaly(demo: Demo) -> None:
    got = table(answer(demo, "village-profile", region="18.09.01.2005", period="2023"))
    assert got["agency"].nunique() == 6  # four desa-level agencies, two kecamatan-level
    population = got[got["indicator"].str.endswith("/jumlah-penduduk")]
    assert sorted(population["value"]) == [752, 819]  # data/README.md C1 and C2
    assert all(o.startswith(demo[0].iris.base + "id/observasi/") for o in got["observation"])


@pytest.mark.parametrize("year", [2025, 2026])
def test_stale_datasets_compare_the_latest_period_with_this_year(demo: Demo, year: int) -> None:
    # "This year" is a parameter: the answer does not change with the clock of the test run.
    got = table(answer(demo, "stale-datasets", tahun_berjalan=str(year))).set_index("dataset")
    assert len(got) == 7 and set(got["expected_year"]) == {year - 1}  # six synthetic, the real IDM
    dinsos = got.loc[demo[0].iris.dataset("dinsos-kpm-desa")]
    assert dinsos["last_period"] == "2027"  # the future-dated row of data/README.md C5
    for _, row in got.drop(index=str(dinsos.name)).iterrows():
        assert row["years_behind"] == year - 1 - 2024
        assert row["status"].startswith("terlambat" if year - 1 > 2024 else "terkini")


def test_optional_parameter_left_out_means_all(demo: Demo) -> None:
    everything = table(answer(demo, "agency-coverage"))
    health = table(answer(demo, "agency-coverage", agency="dinkes"))
    districts = table(answer(demo, "agency-coverage", level="kecamatan"))
    assert everything["agency_name"].nunique() == 7 and len(everything) == 21  # DPMD: six IDM indicators
    assert set(health["agency_name"]) == {"Dinas Kesehatan"} and len(health) == 3
    assert set(districts["level_label"]) == {"Kecamatan"} and len(districts) == 5


def test_unknown_question_is_refused_with_the_list() -> None:
    with pytest.raises(UnknownQuestion, match="population-density"):
        CATALOGUE.get("no-such-question")


# --- question files -----------------------------------------------------------------------

GOOD_RQ = "SELECT ?period ?value WHERE { ?o sdmx-dimension:refPeriod ?period ; ind:jumlah-penduduk ?value }\n"
GOOD_YAML = """\
id: demo
title: {id: Judul, en: Title}
description: {id: Uraian, en: Description}
parameters:
  period:
    type: period
    label: {id: Tahun, en: Year}
    default: "2024"
columns:
  value: {id: Nilai, en: Value}
chart:
  kind: table
theme: kesehatan
"""


def write(folder: Path, rq: str = GOOD_RQ, meta: str = GOOD_YAML, stem: str = "demo") -> Path:
    (folder / f"{stem}.rq").write_text(rq, encoding="utf-8")
    (folder / f"{stem}.yaml").write_text(meta, encoding="utf-8")
    return folder


def test_a_well_formed_question_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path))
    assert catalogue.get("demo").columns == ["value"]
    assert catalogue.get("demo").projection == ("period", "value")


@pytest.mark.parametrize(
    ("meta", "rq", "file", "line", "words"),
    [
        (
            GOOD_YAML.replace("  kind: table", "  kind: table\n  colour: red"),
            GOOD_RQ,
            "yaml",
            13,
            "unknown key",
        ),
        (GOOD_YAML.replace("type: period", "type: tahun"), GOOD_RQ, "yaml", 6, "parameters.period.type"),
        (GOOD_YAML.replace("id: demo", "id: other"), GOOD_RQ, "yaml", 1, "differs from the file name"),
        (GOOD_YAML.replace("value: {", "nilai: {"), GOOD_RQ, "yaml", 9, "expected, in this order: ['value']"),
        (
            GOOD_YAML.replace("kind: table", "kind: bar\n  x: tahun\n  y: value"),
            GOOD_RQ,
            "yaml",
            13,
            "chart.x",
        ),
        (GOOD_YAML.replace("en: Title}", "en: Title"), GOOD_RQ, "yaml", 3, "invalid YAML"),
        # A theme outside the declared list (graph.answer.themes), or none at all.
        (GOOD_YAML.replace("theme: kesehatan", "theme: olahraga"), GOOD_RQ, "yaml", 13, "theme"),
        (GOOD_YAML.replace("theme: kesehatan\n", ""), GOOD_RQ, "yaml", 1, "theme: Field required"),
        (GOOD_YAML, GOOD_RQ.replace("?period ?value", "?value"), "rq", None, "SELECT"),
        (GOOD_YAML, "\n\nSELECT ?period ?value WHERE { ?o nope:x ?value }\n", "rq", 3, "invalid SPARQL"),
        (GOOD_YAML, "ASK { ?period ?p ?o }", "rq", None, "must be a SELECT query"),
    ],
)
def test_question_file_mistakes_name_the_file_and_line(
    tmp_path: Path, meta: str, rq: str, file: str, line: int | None, words: str
) -> None:
    write(tmp_path, rq, meta)
    with pytest.raises(QuestionFileError, match=re.escape(words)) as caught:
        load_catalogue(tmp_path)
    assert caught.value.file.endswith(f"demo.{file}")
    assert caught.value.line == line


def test_a_query_without_its_metadata_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lonely.rq").write_text(GOOD_RQ, encoding="utf-8")
    with pytest.raises(QuestionFileError, match="lonely.yaml"):
        load_catalogue(tmp_path)


def test_parameter_options_must_fit_the_type() -> None:
    with pytest.raises(ValueError, match="'min' and 'max'"):
        ParameterSpec.model_validate({"type": "period", "label": {"id": "a", "en": "b"}, "min": 1})
    with pytest.raises(ValueError, match="optional parameter has no default"):
        ParameterSpec.model_validate(
            {"type": "agency", "label": {"id": "a", "en": "b"}, "optional": True, "default": "x"}
        )


# --- docs -----------------------------------------------------------------------------------


def _keys(model: type[QuestionSpec] | type[ParameterSpec]) -> set[str]:
    return set(model.model_fields)


def test_every_question_and_metadata_key_is_documented() -> None:
    text = (PROJECT_DIR / "docs" / "questions.md").read_text(encoding="utf-8")
    for question_id in CATALOGUE.questions:
        assert f"`{question_id}`" in text, question_id
    for key in _keys(QuestionSpec) | _keys(ParameterSpec) | set(ChartSpec.model_fields):
        assert f"`{key}`" in text, key
    for kind in ("region", "period", "indicator", "level", "agency", "integer", "decimal"):
        assert f"`{kind}`" in text, kind


def test_every_indicator_parameter_says_whether_it_takes_categories() -> None:
    # A numeric question offered a categorical indicator would compute on category IRIs (issue 17).
    undecided = [
        f"{q.id}.{name}"
        for q in CATALOGUE.questions.values()
        for name, spec in q.spec.parameters.items()
        if spec.type == "indicator" and spec.categorical is None
    ]
    assert not undecided, f"say categorical: true or false for {undecided}"
