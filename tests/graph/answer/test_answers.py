"""Answers as CSV: for Excel with Indonesian settings, or RFC 4180 for programs."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyoxigraph as ox

from graph.answer.answers import Answer
from tests.graph.answer.demo_answers import XSD, Demo, answer


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
