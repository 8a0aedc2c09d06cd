"""The frames made from the view's rows by their codes are ``observation_frame``'s, row for row.

Rows made by hand with what the generated province lacks: ties on period, indicator, region and
breakdown (two datasets, one observation with two values), breakdown keys of two dimensions, a
category, a value that is no number, observations out of order. ``observation_frame`` (the
definition's pandas code over the store's two answers) is compared with the frames made here.
"""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pyarrow as pa

from graph.answer.view_rows import COLUMNS as ROW_COLUMNS
from graph.insight.observation_frames import coded_rows, period_frames
from graph.insight.observations import COLUMNS, observation_frame
from graph.rdf.iris import Iris

IRIS = Iris("https://data.example.go.id/")
XSD = "http://www.w3.org/2001/XMLSchema#"
SEX = IRIS.base + "def/dimension/jenis-kelamin"
AGE = IRIS.base + "def/dimension/kelompok-umur"


def observation(
    obs: str, indicator: str, period: str, dataset: str, area: str, value: str
) -> dict[str, str | None]:
    concept = value.startswith("http")
    return {
        "obs": IRIS.base + "obs/" + obs,
        "indicator": IRIS.indicator(indicator),
        "period": IRIS.period(period),
        "dataset": IRIS.dataset(dataset),
        "area": IRIS.region(area),
        "value": value,
        "datatype": None
        if concept
        else XSD + ("decimal" if "." in value or not value[0].isdigit() else "integer"),
        "language": None,
        "dimension": None,
    }


def key(obs: str, dimension: str, code: str) -> dict[str, str | None]:
    found: dict[str, str | None] = dict.fromkeys(ROW_COLUMNS)
    return {**found, "obs": IRIS.base + "obs/" + obs, "dimension": dimension, "value": code}


def rows_of(found: list[dict[str, str | None]]) -> pa.Table:
    return pa.table(
        {c: pa.array([r[c] for r in found], pa.string()).dictionary_encode() for c in ROW_COLUMNS}
    )


def made_by_hand() -> list[dict[str, str | None]]:
    found = []
    for n, area in enumerate(["18.09.01.2001", "18.09.01.2002", "18.09.02.2001", "18.09"]):
        for year in ("2023", "2024"):
            found.append(observation(f"p{year}-{n}", "jumlah-penduduk", year, "dukcapil", area, str(900 + n)))
            # The same figure from a second dataset: a tie broken by the observation IRI only
            # (the IRI sorting first is listed last).
            found.append(observation(f"a{year}-{n}", "jumlah-penduduk", year, "bps", area, f"{900 + n}.5"))
            for sex in ("laki-laki", "perempuan"):
                for age in ("0-4", "5-9"):
                    obs = f"k{year}-{n}-{sex}-{age}"
                    found.append(observation(obs, "balita", year, "dinkes", area, str(n * 7 + len(sex))))
                    found.append(key(obs, SEX, IRIS.base + "kode/jenis-kelamin/" + sex))
                    found.append(key(obs, AGE, IRIS.base + "kode/kelompok-umur/" + age))
            found.append(
                observation(f"s{year}-{n}", "status-idm", year, "dpmd", area, IRIS.base + "kode/idm/maju")
            )
            found.append(observation(f"x{year}-{n}", "catatan", year, "dpmd", area, "tidak tersedia"))
    # One observation with two values (a tie on every key, the observation's too).
    found.append(observation("z2024", "jumlah-penduduk", "2024", "dukcapil", "18.09.03.2001", "10"))
    found.append(observation("z2024", "jumlah-penduduk", "2024", "dukcapil", "18.09.03.2001", "11"))
    return found


def definition(found: list[dict[str, str | None]]) -> dict[str, pd.DataFrame]:
    """``observation_frame`` of the rows as the store's two answers give them, cut per period."""
    values: list[Any] = [
        {"period": r["period"], "indicator": r["indicator"], "obs": r["obs"], "region": r["area"]}
        | {"value": r["value"], "dataset": r["dataset"]}
        for r in found
        if r["dimension"] is None
    ]
    dimensions: list[Any] = [
        {"obs": r["obs"], "dimension": r["dimension"], "code": r["value"]} for r in found if r["dimension"]
    ]
    frame = observation_frame(values, dimensions, IRIS)
    return {str(p): rows[COLUMNS].reset_index(drop=True) for p, rows in frame.groupby("period", sort=False)}


def test_the_frames_of_the_codes_are_the_definitions_in_any_row_order() -> None:
    found = made_by_hand()
    for seed in range(5):
        shuffled = random.Random(seed).sample(found, len(found))
        expected = definition(shuffled)
        frames, regions = period_frames(coded_rows(rows_of(shuffled), IRIS))
        assert list(frames) == list(expected)
        for period, frame in expected.items():
            pd.testing.assert_frame_equal(frames[period], frame)
            assert len(regions[period]) == len(frame)
    # What the hand-made rows are for: ties, keys of two dimensions, a category, a non-number.
    frame = expected[IRIS.period("2024")]
    assert frame["dims"].str.contains(" ").any() and frame["term"].notna().sum() >= 8
    assert frame.duplicated(["indicator", "code", "dims"]).sum() >= 4


def test_no_rows_give_no_frames() -> None:
    assert period_frames(coded_rows(rows_of([]), IRIS)) == ({}, {})
