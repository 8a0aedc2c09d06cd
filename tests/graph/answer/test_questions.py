"""Named questions: the catalogue, answers on the demo graph, parameters bound as RDF terms."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest

from graph.answer.parameters import Answer, CodeListCache, CodeLists, bind_parameters, run_question
from graph.answer.questions import ChartSpec, ParameterSpec, QuestionSpec, load_catalogue, question_prefixes
from graph.answer.sparql import run_query
from graph.errors import ParameterError, QuestionFileError, UnknownQuestion
from graph.publish.platform import LoadReport, Platform
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]
DATA = PROJECT_DIR / "data"
CATALOGUE = load_catalogue(PROJECT_DIR / "questions")
CHOICES = CodeListCache()
XSD = "http://www.w3.org/2001/XMLSchema#"


def choices(demo: Demo) -> CodeLists:
    platform, _ = demo
    return CHOICES.get(platform.store, platform.iris, platform.settings.home_region)


def answer(demo: Demo, question_id: str, **params: str) -> Answer:
    platform, _ = demo
    question = CATALOGUE.get(question_id)
    return run_question(
        platform.store,
        platform.iris,
        question,
        params,
        choices(demo),
        max_rows=platform.settings.max_result_rows,
    )


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
    return frame.groupby(["kecamatan", "tahun"], as_index=False)["jumlah"].sum()


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
        for name in spec.parameters:
            assert name in question.projection, (spec.id, name)


def test_every_code_parameter_type_is_used_and_every_chart_kind_suggested() -> None:
    types = {p.type for q in CATALOGUE.questions.values() for p in q.spec.parameters.values()}
    kinds = {q.spec.chart.kind for q in CATALOGUE.questions.values()}
    assert {"region", "period", "indicator", "level", "agency", "decimal"} <= types
    assert kinds == {"bar", "line", "scatter", "table", "map"}


@pytest.mark.parametrize("question_id", sorted(CATALOGUE.questions))
def test_every_question_answers_the_demo_graph_with_its_declared_columns(
    demo: Demo, question_id: str
) -> None:
    result = answer(demo, question_id)
    spec = CATALOGUE.get(question_id).spec
    assert result.columns == list(spec.columns)
    assert result.rows and not result.truncated
    assert all(len(row) == len(result.columns) for row in result.rows)
    for column in spec.chart.y + ([spec.chart.value] if spec.chart.value else []):
        values = [r[column] for r in result.records() if r[column] is not None]
        assert values and all(isinstance(v, int | float) for v in values), (question_id, column)


def test_choices_come_from_the_published_code_lists(demo: Demo) -> None:
    platform, _ = demo
    lists = choices(demo)
    levels = {c.value: c.levels for c in lists.region}
    assert sum(1 for lv in levels.values() if lv == ("desa",)) == 148
    assert sum(1 for lv in levels.values() if lv == ("kecamatan",)) == 11
    assert levels["18.09"] == ("kabupaten",) and "18.01" not in levels  # home region only
    # Years with observations: 2020-2024, and the Dinsos row dated 2027 (data/README.md C5).
    assert [c.value for c in lists.period] == ["2020", "2021", "2022", "2023", "2024", "2027"]
    assert len(lists.indicator) == 15
    assert [c.value for c in lists.level] == ["provinsi", "kabupaten", "kecamatan", "desa"]
    assert {c.value for c in lists.agency} == {"bps", "dinkes", "dinsos", "disdik", "disdukcapil", "dpupr"}
    village_indicators = CATALOGUE.get("village-ranking").spec.parameters["indicator"]
    assert {c.value for c in lists.for_parameter(village_indicators)} == {
        c.value for c in lists.indicator if c.levels == ("desa",)
    }
    assert choices(demo) is lists  # cached until the published graphs change
    assert CodeListCache().get(platform.store, platform.iris, "18.09") == lists


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
        assert row["population"] == population[code]
        assert row["area_km2"] == pytest.approx(area[code])
        assert row["density_per_km2"] == pytest.approx(round(10 * population[code] / area[code]) / 10)


def test_welfare_vs_dropout_sums_desa_recipients_and_households_per_kecamatan(demo: Demo) -> None:
    got = table(answer(demo, "welfare-vs-dropout", period="2024")).set_index("district_code")
    dinsos = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype={"Kode Wilayah": str})
    dinsos = dinsos[dinsos["Tahun"] == 2024].assign(kec=lambda f: f["Kode Wilayah"].str[:8])
    dpupr = pd.read_excel(DATA / "dpupr_air_sanitasi_desa_2020_2024.xlsx", header=2, dtype={"Kode Desa": str})
    dpupr = dpupr[dpupr["Tahun"].astype(int) == 2024].assign(kec=lambda f: f["Kode Desa"].str[:8])
    pkh = dinsos.groupby("kec")["KPM PKH"].sum()
    households = dpupr.groupby("kec")["Jumlah Rumah Tangga"].sum()
    for code, row in got.iterrows():
        assert row["pkh_families"] == pkh[code]
        assert row["households"] == households[code]
        assert row["pkh_per_100_households"] == pytest.approx(round(1000 * pkh[code] / households[code]) / 10)


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


def test_stale_datasets_compare_the_latest_period_with_this_year(demo: Demo) -> None:
    import datetime as dt

    got = table(answer(demo, "stale-datasets")).set_index("dataset")
    year = dt.datetime.now(dt.UTC).year
    assert len(got) == 6 and set(got["expected_year"]) == {year - 1}
    dinsos = got.loc[demo[0].iris.dataset("dinsos-kpm-desa")]
    assert dinsos["last_period"] == "2027"  # the future-dated row of data/README.md C5
    for _, row in got.drop(index=dinsos.name).iterrows():
        assert row["years_behind"] == year - 1 - 2024
        assert row["status"].startswith("terlambat" if year - 1 > 2024 else "terkini")


def test_optional_parameter_left_out_means_all(demo: Demo) -> None:
    everything = table(answer(demo, "agency-coverage"))
    health = table(answer(demo, "agency-coverage", agency="dinkes"))
    districts = table(answer(demo, "agency-coverage", level="kecamatan"))
    assert everything["agency_name"].nunique() == 6 and len(everything) == 15
    assert set(health["agency_name"]) == {"Dinas Kesehatan"} and len(health) == 3
    assert set(districts["level_label"]) == {"Kecamatan"} and len(districts) == 5


# --- parameters -----------------------------------------------------------------------------


def test_parameters_are_bound_as_typed_terms_never_written_into_the_query(demo: Demo) -> None:
    platform, _ = demo
    result = answer(demo, "stunting-water-priority-villages", region="18.09.06", min_stunting_pct="22,5")
    assert result.sparql == question_prefixes(platform.iris) + CATALOGUE.get(result.question.id).sparql
    assert "22.5" not in result.sparql and "18.09.06" not in result.sparql
    terms = {n: p.term for n, p in result.parameters.items()}
    assert terms["region"] == ox.NamedNode(platform.iris.region("18.09.06"))
    assert terms["period"] == ox.NamedNode(platform.iris.period("2024"))
    assert terms["min_stunting_pct"] == ox.Literal("22.5", datatype=ox.NamedNode(XSD + "decimal"))
    assert result.rows and all(r["stunting_pct"] >= 22.5 for r in result.records())
    assert {r["district"] for r in result.records()} == {"Punduh Pidada"}


def refused(demo: Demo, question_id: str, **params: str) -> list[dict[str, object]]:
    with pytest.raises(ParameterError) as caught:
        answer(demo, question_id, **params)
    return caught.value.problems


def test_unknown_parameter_is_named_with_the_known_ones(demo: Demo) -> None:
    [problem] = refused(demo, "population-density", tahun="2024")
    assert problem["parameter"] == "tahun" and problem["allowed"] == ["period"]
    assert str(problem["message"]).startswith("parameter 'tahun' tidak dikenal")
    assert "/ unknown parameter 'tahun'" in str(problem["message"])


def test_value_not_among_the_choices_names_parameter_value_and_choices(demo: Demo) -> None:
    [problem] = refused(demo, "village-ranking", region="18.09.01.2005")
    assert problem["parameter"] == "region" and problem["value"] == "18.09.01.2005"
    assert problem["allowed"] == [f"18.09.{i:02d}" for i in range(1, 12)]
    message = str(problem["message"])
    assert message.index("tidak ada di daftar pilihan") < message.index("is not among the choices")


def test_wrong_type_out_of_range_and_repeated_values_are_all_reported(demo: Demo) -> None:
    platform, _ = demo
    with pytest.raises(ParameterError) as caught:
        run_question(
            platform.store,
            platform.iris,
            CATALOGUE.get("stunting-water-priority-villages"),
            [
                ("min_stunting_pct", "banyak"),
                ("max_safe_water_pct", "120"),
                ("period", "2024"),
                ("period", "2023"),
            ],
            choices(demo),
            max_rows=100,
        )
    problems = {p["parameter"]: p for p in caught.value.problems}
    assert "bukan bilangan desimal / value 'banyak' is not a decimal number" in str(
        problems["min_stunting_pct"]["message"]
    )
    assert "di luar rentang" in str(problems["max_safe_water_pct"]["message"])
    assert problems["max_safe_water_pct"]["allowed"] == [0, 100]
    assert "lebih dari sekali" in str(problems["period"]["message"])


def test_unknown_question_is_refused_with_the_list() -> None:
    with pytest.raises(UnknownQuestion, match="population-density"):
        CATALOGUE.get("no-such-question")


INJECTIONS = [
    "2024> } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o",
    '" } UNION { ?s ?p ?o } #',
    "18.09' . ?x ?y ?z } #",
    "<http://example.org/x> . } INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
]


@pytest.mark.parametrize("question_id", sorted(CATALOGUE.questions))
def test_a_hostile_term_bound_past_validation_is_only_a_value(demo: Demo, question_id: str) -> None:
    """Even with the checks bypassed, a bound term cannot change the query: it stays one value."""
    platform, _ = demo
    question = CATALOGUE.get(question_id)
    defaults = {
        n: p.term for n, p in bind_parameters(question, [], choices(demo)).items() if p.term is not None
    }
    before = platform.store.count()
    sparql = question_prefixes(platform.iris) + question.sparql
    hostile: list[ox.NamedNode | ox.Literal] = [
        ox.Literal(" ".join(INJECTIONS)),
        ox.NamedNode("urn:x:" + re.sub(r"\W", "_", INJECTIONS[0])),
    ]
    for name in question.spec.parameters:
        for term in hostile:
            outcome = run_query(
                platform.store, platform.iris, sparql, max_rows=50, substitutions={**defaults, name: term}
            )
            assert outcome.variables == list(question.projection)
            assert all(row[outcome.variables.index(name)] == term for row in outcome.rows)
    assert platform.store.count() == before


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


# --- CSV ------------------------------------------------------------------------------------


def test_excel_csv_has_bom_semicolons_decimal_commas_and_indonesian_headers(demo: Demo) -> None:
    result = answer(demo, "population-density", period="2024")
    data = result.to_csv("excel")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Kode kecamatan", "Kecamatan", "Jumlah penduduk (Disdukcapil)"]
    gedong = next(r for r in rows if r[0] == "18.09.01")
    assert gedong[2] == "77141" and gedong[3] == "97,06"  # integers plain, decimals with a comma
    back = pd.read_csv(
        io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Kode kecamatan": str}
    )
    assert list(back["Kepadatan (jiwa/km²)"]) == [r["density_per_km2"] for r in result.records()]


def test_standard_csv_is_rfc4180_with_column_names(demo: Demo) -> None:
    result = answer(demo, "population-density", period="2024")
    back = pd.read_csv(io.BytesIO(result.to_csv("standard")), dtype={"district_code": str})
    assert not result.to_csv("standard").startswith(b"\xef\xbb\xbf")
    assert list(back.columns) == result.columns
    assert back.to_dict("records") == result.records()


def test_excel_csv_defuses_text_that_excel_would_run_as_a_formula(demo: Demo) -> None:
    result = answer(demo, "population-density", period="2024")
    hostile = [
        ox.Literal('=HYPERLINK("http://example.org")'),
        ox.Literal("-12", datatype=ox.NamedNode(XSD + "integer")),
    ]
    crafted = Answer(result.question, result.parameters, ["district", "population"], [hostile], False, "")
    rows = list(csv.reader(io.StringIO(crafted.to_csv("excel").decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ['\'=HYPERLINK("http://example.org")', "-12"]  # text defused, numbers kept
    standard = list(csv.reader(io.StringIO(crafted.to_csv("standard").decode("utf-8"))))
    assert standard[1] == ['=HYPERLINK("http://example.org")', "-12"]


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
