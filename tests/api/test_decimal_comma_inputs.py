"""Number parameters over HTTP read what people type ("22,5", "1.234,5") with the reader of agency
cells (``graph.read.numbers.typed_number``), while the API's dot decimals work as before."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

QUESTION = "/questions/stunting-water-priority-villages"


def ask(client: TestClient, value: str, status: int = 200) -> dict[str, Any]:
    response = client.get(QUESTION, params={"min_stunting_pct": value, "max_safe_water_pct": "100"})
    assert response.status_code == status, response.text[:300]
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("comma", ["22,5", " 22,5 ", "22,50"])
def test_a_decimal_comma_answers_as_the_dot_decimal_does(client: TestClient, comma: str) -> None:
    dot = ask(client, "22.5")
    typed = ask(client, comma)
    assert Decimal(typed["parameters"]["min_stunting_pct"]["value"]) == Decimal("22.5")
    assert typed["rows"] == dot["rows"] and dot["rows"]
    assert min(r["stunting_pct"] for r in typed["rows"]) >= 22.5


def test_thousands_dots_are_read_not_dropped(client: TestClient) -> None:
    # 1.234,5 is 1234.5: outside 0–100, refused naming the range (not read as 1.2345 and answered).
    refused = ask(client, "1.234,5", 400)
    assert "di luar rentang" in refused["errors"][0]["message"]


def test_a_number_that_reads_two_ways_is_refused_not_guessed(client: TestClient) -> None:
    refused = ask(client, "1.234", 400)  # 1234 (Indonesian) or 1.234 (the API's dot)?
    assert refused["errors"][0]["parameter"] == "min_stunting_pct"
    assert ask(client, "1.5")["parameters"]["min_stunting_pct"]["value"] == "1.5"  # the API's dot


def test_whole_number_parameters_take_thousands_dots(client: TestClient) -> None:
    # stale-datasets' current year (2000–2100): "1.000" is a thousand, so out of range, not "not a
    # number"; "2,5" is not whole; "2024" is a year as the API always took it.
    thousand = client.get("/questions/stale-datasets", params={"tahun_berjalan": "1.000"})
    assert thousand.status_code == 400 and "di luar rentang" in thousand.json()["errors"][0]["message"]
    fraction = client.get("/questions/stale-datasets", params={"tahun_berjalan": "2,5"})
    assert fraction.status_code == 400 and "bukan bilangan bulat" in fraction.json()["errors"][0]["message"]
    year = client.get("/questions/stale-datasets", params={"tahun_berjalan": "2024"})
    assert year.status_code == 200 and year.json()["parameters"]["tahun_berjalan"]["value"] == "2024"


def test_the_discovery_form_takes_a_decimal_comma(client: TestClient) -> None:
    comma = client.get("/insight/discover", params={"level": "desa", "fdr": "0,1", "min_n": "5"})
    dot = client.get("/insight/discover", params={"level": "desa", "fdr": "0.1", "min_n": "5"})
    assert comma.status_code == dot.status_code == 200
    assert comma.json() == dot.json()
    assert client.get("/insight/discover", params={"level": "desa", "fdr": "sepuluh"}).status_code == 422
    assert client.get("/insight/discover", params={"level": "desa", "fdr": "1,5"}).status_code == 422  # < 1
