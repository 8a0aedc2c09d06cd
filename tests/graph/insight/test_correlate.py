"""Correlation on the demo graph, checked against the agencies' raw tables read with pandas.

The independent side never touches the graph: it reads data/*.csv|xlsx, joins on the
codes (or names, where an agency writes names only) and computes with numpy/scipy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from graph.errors import ParameterError
from graph.insight.catalogue import InsightCatalogue
from graph.insight.correlate import Correlation, correlate
from graph.insight.wording import CAVEAT
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]
DATA = PROJECT_DIR / "data"


# --- the raw agency tables, read independently ------------------------------------------------


def _number(text: object) -> float:
    """'67,5%' -> 67.5; '8.903' -> 8903 (the agencies' Indonesian number writing)."""
    raw = str(text).strip().rstrip("%")
    if "," in raw:
        return float(raw.replace(".", "").replace(",", "."))
    return float(raw.replace(".", "")) if raw.count(".") and len(raw.split(".")[-1]) == 3 else float(raw)


def dinsos(year: int) -> pd.DataFrame:
    frame = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype=str)
    frame = frame[frame["Tahun"] == str(year)]
    return pd.DataFrame({"code": frame["Kode Wilayah"], "kpm_pkh": frame["KPM PKH"].astype(float)})


def dpupr(year: int) -> pd.DataFrame:
    frame = pd.read_excel(DATA / "dpupr_air_sanitasi_desa_2020_2024.xlsx", header=2, dtype=str)
    frame = frame[frame["Tahun"].str.strip() == str(year)]
    return pd.DataFrame(
        {
            "code": frame["Kode Desa"].str.strip(),
            "desa": frame["Desa"].str.strip().str.casefold(),
            "kecamatan": frame["Kecamatan"].str.strip().str.casefold(),
            "households": frame["Jumlah Rumah Tangga"].map(_number),
            "water_households": frame["RT Akses Air Minum Layak"].map(_number),
            "water_percent": frame["% Air Minum Layak"].map(_number),
        }
    )


def dinkes(year: int) -> pd.DataFrame:
    frame = pd.read_excel(DATA / "dinkes_balita_stunting_desa_2020_2024.xlsx", header=3, dtype=str)
    frame = frame[pd.to_numeric(frame["Tahun"], errors="coerce") == year]
    return pd.DataFrame(
        {
            "desa": frame["Desa"].str.strip().str.casefold(),
            "kecamatan": frame["Kecamatan"].str.strip().str.casefold(),
            "prevalence": frame["Prevalensi (%)"].map(_number),
        }
    )


def disdik_dropouts(year: int, home_region: str) -> pd.Series:
    """SD + SMP dropouts per kecamatan code (names matched to the shipped code list)."""
    frame = pd.read_csv(DATA / "disdik_sekolah_kecamatan_2020_2024.csv", dtype=str)
    frame = frame[frame["Tahun"] == str(year)]
    codes = pd.read_csv(PROJECT_DIR / "ontology" / "codes" / "wilayah_lampung.csv", dtype=str)
    codes = codes[(codes["tingkat"] == "kecamatan") & codes["kode"].str.startswith(home_region + ".")]
    by_name = dict(zip(codes["nama"].str.casefold(), codes["kode"], strict=True))
    names = frame["Kecamatan"].str.strip().str.removeprefix("Kec. ").str.casefold()
    dropouts = frame["Putus Sekolah SD"].map(_number) + frame["Putus Sekolah SMP"].map(_number)
    return pd.Series(dropouts.to_numpy(), index=names.map(by_name).to_numpy()).sort_index()


# --- helpers ---------------------------------------------------------------------------------------


def run_correlate(
    demo: Demo, catalogue: InsightCatalogue, x: str, y: str, level: str, period: str | None
) -> Correlation:
    platform, _ = demo
    return correlate(
        platform.store,
        platform.iris,
        x,
        y,
        level,
        period,
        home_region=platform.settings.home_region,
        catalogue=catalogue,
    )


def assert_same_stats(found: Correlation, x: np.ndarray, y: np.ndarray) -> None:
    assert found.stats is not None
    assert found.stats.n == len(x)
    pearson, spearman, line = stats.pearsonr(x, y), stats.spearmanr(x, y), stats.linregress(x, y)
    assert found.stats.pearson_r == pytest.approx(pearson.statistic, abs=1e-12)
    assert found.stats.pearson_p == pytest.approx(pearson.pvalue, rel=1e-9)
    assert found.stats.spearman_rho == pytest.approx(spearman.statistic, abs=1e-12)
    assert found.stats.spearman_p == pytest.approx(spearman.pvalue, rel=1e-9)
    assert found.stats.slope == pytest.approx(line.slope, rel=1e-9)
    assert found.stats.intercept == pytest.approx(line.intercept, rel=1e-9)
    assert found.stats.r_squared == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2, rel=1e-9)


# --- correlate ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_desa_correlation_equals_the_raw_tables_joined_on_codes(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    raw = dinsos(2023).merge(dpupr(2023), on="code")
    raw = raw[raw["code"].str.startswith(home + ".")].set_index("code").sort_index()
    found = run_correlate(demo, catalogue, "kpm-pkh", "persen-air-minum-layak", "desa", "2023")
    table = found.table.set_index("code").sort_index()
    assert list(table.index) == list(raw.index) and len(raw) > 100
    assert table["x"].tolist() == raw["kpm_pkh"].tolist()
    assert table["y"].to_numpy() == pytest.approx(raw["water_percent"].to_numpy())
    assert_same_stats(found, raw["kpm_pkh"].to_numpy(), raw["water_percent"].to_numpy())
    assert found.excluded == [] and not found.small_n
    assert found.x_rule["en"] == "values as published"


@pytest.mark.slow
def test_stunting_against_safe_water_by_desa_matches_the_name_only_health_table(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    # Dinkes writes names only: join them to DPUPR's coded rows by (kecamatan, desa) name.
    raw = dinkes(2023).merge(dpupr(2023), on=["kecamatan", "desa"]).set_index("code")
    found = run_correlate(demo, catalogue, "prevalensi-stunting", "persen-air-minum-layak", "desa", "2023")
    table = found.table.set_index("code")
    matched = table.index.intersection(raw.index)
    # The desa the names match carry the same figures in the graph; a matched desa missing from
    # the table is listed as excluded, and the graph may hold a few more (misspelt names it linked).
    assert len(matched) >= 140
    assert set(raw.index.difference(table.index)) <= {e["code"] for e in found.excluded}
    assert table.loc[matched, "x"].to_numpy() == pytest.approx(raw.loc[matched, "prevalence"].to_numpy())
    assert table.loc[matched, "y"].to_numpy() == pytest.approx(raw.loc[matched, "water_percent"].to_numpy())
    assert len(table) - len(matched) <= 2
    assert_same_stats(found, table["x"].to_numpy(), table["y"].to_numpy())
    expected = stats.pearsonr(raw.loc[matched, "prevalence"], raw.loc[matched, "water_percent"]).statistic
    assert found.stats is not None and found.stats.pearson_r == pytest.approx(expected, abs=0.02)
    assert found.stats.pearson_r < -0.5  # the demo data are built with this link
    every = {code for code in found.table["code"]} | {e["code"] for e in found.excluded}
    assert len(every) == len(dpupr(2023))  # every desa is in the table or says why it is not


def test_kecamatan_level_sums_desa_counts_and_education_levels(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    pkh = dinsos(2023)
    pkh = pkh[pkh["code"].str.startswith(home + ".")]
    pkh_by_kecamatan = pkh.groupby(pkh["code"].str[: len(home) + 3])["kpm_pkh"].sum().sort_index()
    dropouts = disdik_dropouts(2023, home)
    found = run_correlate(demo, catalogue, "kpm-pkh", "murid-putus-sekolah", "kecamatan", "2023")
    table = found.table.set_index("code").sort_index()
    assert list(table.index) == list(pkh_by_kecamatan.index) == list(dropouts.index)
    assert table["x"].tolist() == pkh_by_kecamatan.tolist()
    assert table["y"].tolist() == dropouts.tolist()
    assert_same_stats(found, pkh_by_kecamatan.to_numpy(), dropouts.to_numpy())
    assert "sum over every desa" in found.x_rule["en"] and "summed over jenjang" in found.y_rule["en"]
    # Each kecamatan figure keeps the observations it was summed from.
    first = found.records()[0]
    assert (
        len(first["y_observations"]) == 2
        and len(first["x_observations"]) == (pkh["code"].str.startswith(first["code"] + ".")).sum()
    )


@pytest.mark.slow
def test_percentage_at_kecamatan_is_recomputed_from_numerator_and_denominator(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    raw = dpupr(2023)
    raw = raw[raw["code"].str.startswith(home + ".")]
    sums = raw.groupby(raw["code"].str[: len(home) + 3])[["water_households", "households"]].sum()
    expected = (100 * sums["water_households"] / sums["households"]).sort_index()
    averaged = raw.groupby(raw["code"].str[: len(home) + 3])["water_percent"].mean().sort_index()
    found = run_correlate(
        demo, catalogue, "persen-air-minum-layak", "murid-putus-sekolah", "kecamatan", "2023"
    )
    table = found.table.set_index("code").sort_index()
    assert table["x"].to_numpy() == pytest.approx(expected.to_numpy())
    assert not np.allclose(table["x"].to_numpy(), averaged.to_numpy())  # never a mean of percentages
    assert found.x_rule["en"].startswith("recomputed: 100 × rt-air-minum-layak ÷ jumlah-rumah-tangga")


def test_a_kecamatan_with_a_desa_missing_is_left_out_of_the_sum_and_says_why(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    rows = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype=str)
    rows = rows[rows["Kode Wilayah"].str.startswith(home + ".")]
    reported_2022 = set(rows.loc[rows["Tahun"] == "2022", "Kode Wilayah"])
    gaps = sorted(set(rows["Kode Wilayah"]) - reported_2022)
    assert gaps  # the demo's dinsos table lacks a desa in 2022
    incomplete = {code[: len(home) + 3] for code in gaps}
    found = run_correlate(demo, catalogue, "kpm-pkh", "murid-putus-sekolah", "kecamatan", "2022")
    assert incomplete.isdisjoint(found.table["code"])
    excluded = {e["code"]: e for e in found.excluded}
    assert set(excluded) == incomplete
    reason = excluded[sorted(incomplete)[0]]["missing"][0]
    assert reason["indicator"] == "x" and "desa without a value" in reason["reason"]["en"]
    assert "tanpa nilai" in reason["reason"]["id"]


def test_the_deliberate_share_above_100_percent_is_named_an_outlier(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    raw = dpupr(2023)
    above = raw.loc[raw["water_percent"] > 100, "code"].tolist()
    assert len(above) == 1
    found = run_correlate(demo, catalogue, "prevalensi-stunting", "persen-air-minum-layak", "desa", "2023")
    outliers = found.outliers()
    assert outliers[0]["code"] == above[0] and outliers[0]["direction"] == "above"
    assert outliers[0]["label"] and outliers[0]["studentized_residual"] > 2.5
    assert outliers[0]["region"].endswith("/" + above[0])
    marked = found.table.loc[found.table["outlier"], "code"].tolist()
    assert sorted(marked) == sorted(o["code"] for o in outliers)


def test_correlate_refuses_unknown_values_naming_parameter_value_and_allowed(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    def refused(**kwargs: Any) -> list[dict[str, Any]]:
        params: dict[str, Any] = {
            "x": "kpm-pkh",
            "y": "prevalensi-stunting",
            "level": "desa",
            "period": "2023",
        }
        params.update(kwargs)
        with pytest.raises(ParameterError) as caught:
            run_correlate(demo, catalogue, params["x"], params["y"], params["level"], params["period"])
        return caught.value.problems

    [problem] = refused(x="stunting")
    assert problem["parameter"] == "x" and problem["value"] == "stunting"
    assert "kpm-pkh" in problem["allowed"] and "unknown indicator" in problem["message"]
    [problem] = refused(level="provinsi")
    assert problem == {**problem, "parameter": "level", "value": "provinsi", "allowed": ["desa", "kecamatan"]}
    [problem] = refused(period="1999")
    assert (
        problem["parameter"] == "period" and "2023" in problem["allowed"] and "1999" not in problem["allowed"]
    )
    [problem] = refused(period="dua ribu")
    assert problem["parameter"] == "period" and "four-digit year" in problem["message"]
    [problem] = refused(x="murid-putus-sekolah")  # reported by kecamatan only
    assert problem["parameter"] == "x" and "murid-putus-sekolah" not in problem["allowed"]
    [problem] = refused(y="kpm-pkh")
    assert problem["parameter"] == "y" and "differ" in problem["message"]


def test_the_caveat_says_correlation_is_not_causation_and_is_area_level(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    found = run_correlate(demo, catalogue, "kpm-pkh", "prevalensi-stunting", "desa", "2023")
    caveat = found.caveat
    assert list(caveat) == ["id", "en"]
    assert "bukan sebab-akibat" in caveat["id"] and "ekologis" in caveat["id"]
    assert "not causation" in caveat["en"] and "not for individuals" in caveat["en"]
    assert caveat["en"].startswith(CAVEAT["en"]) and "synthetic" in caveat["en"]  # the demo data are


def test_a_real_indicator_against_a_synthetic_one_says_so_naming_both(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    # nilai-idm: Kemendesa's real IDM 2024 (dpmd-idm-desa); prevalensi-stunting: the synthetic demo.
    body = run_correlate(demo, catalogue, "nilai-idm", "prevalensi-stunting", "desa", "2024").as_dict()
    assert body["n"] == 148 and body["mixed_data"] is True and body["synthetic"] is True
    assert (body["x"]["synthetic"], body["y"]["synthetic"]) == (False, True)
    assert body["x"]["source"]["used"]["dataset"] == "dpmd-idm-desa"
    assert body["x"]["source"]["used"]["synthetic"] is False
    assert body["y"]["source"]["used"]["synthetic"] is True
    note = body["data_note"]
    assert note["id"] == (
        "Nilai Indeks Desa Membangun (IDM) adalah data nyata (Dinas Pemberdayaan Masyarakat dan Desa); "
        "Prevalensi stunting adalah data sintetis: korelasi keduanya tidak bermakna sebagai statistik."
    )
    assert note["en"].startswith("Village Development Index (IDM) score is real data (")
    assert note["en"].endswith(
        "; Stunting prevalence is synthetic data: their correlation means nothing as a statistic."
    )
    # The caveat carries it, instead of the general word on synthetic data.
    assert body["caveat"]["id"] == f"{CAVEAT['id']} {note['id']}"
    assert body["caveat"]["en"] == f"{CAVEAT['en']} {note['en']}"


def test_two_synthetic_indicators_keep_the_word_on_synthetic_data_and_two_real_ones_carry_none(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    made = run_correlate(demo, catalogue, "kpm-pkh", "prevalensi-stunting", "desa", "2024")
    assert made.synthetic and not made.mixed_data
    assert made.caveat["id"] == (
        f"{CAVEAT['id']} Sebagian data ini sintetis (oc:syntheticData): angka buatan, bukan statistik resmi."
    )
    real = run_correlate(demo, catalogue, "indeks-ketahanan-sosial", "nilai-idm", "desa", "2024")
    assert not real.synthetic and not real.mixed_data and real.data_note is None
    assert real.caveat == CAVEAT and real.as_dict()["x"]["synthetic"] is False


def test_without_a_period_the_latest_well_covered_year_is_used(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    years = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype=str)["Tahun"].astype(int)
    stray = years.max()  # one mistyped row (a future year) must not become the default
    assert (years == stray).sum() == 1
    found = run_correlate(demo, catalogue, "kpm-pkh", "kpm-bpnt", "desa", None)
    assert found.period == str(sorted(set(years))[-2]) and len(found.table) > 100
    assert str(stray) in catalogue.years("kpm-pkh", "desa")
