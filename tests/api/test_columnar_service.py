"""The service answers planned questions from the columnar view once it is built: same rows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.settings import load_settings
from tests.api.test_sparql_server import disk_store  # noqa: F401  (the on-disk demo store)

# Slow: builds the columnar view of the demo.
pytestmark = pytest.mark.slow

QUESTIONS = [
    "/questions/stunting-vs-safe-water.json?region=18.09.05&period=2023",
    "/questions/household-size.json?region=18.09&period=2022",
    "/questions/village-ranking.json?region=18.09.02&indicator=kpm-pkh&period=2021",
]


def test_planned_questions_switch_to_the_view_and_answer_the_same(disk_store: Path) -> None:  # noqa: F811
    with TestClient(create_app(load_settings(store_path=str(disk_store), columnar_view=False))) as plain:
        expected = [plain.get(url) for url in QUESTIONS]
        profile_by_sparql = plain.get("/questions/village-profile.json")
        # Without a view, the choices come from a scan of the observations.
        scanned_choices = plain.get("/questions").json()
        assert plain.get("/health").json()["columnar_view"] == "off"
    assert all(r.headers["x-answer-engine"] == "sparql" for r in expected)
    with TestClient(create_app(load_settings(store_path=str(disk_store)))) as client:
        # /health starts the build and says when the view is ready; questions then use it.
        deadline = time.monotonic() + 60
        while client.get("/health").json()["columnar_view"] != "ready":
            assert time.monotonic() < deadline, "the observation view was never ready"
            time.sleep(0.2)
        # With the view ready, the choices are read through it (minutes faster on a
        # province store on disk) and are the same.
        assert client.get("/questions").json() == scanned_choices
        for url, sparql in zip(QUESTIONS, expected, strict=True):
            fast = client.get(url)
            assert fast.headers["x-answer-engine"] == "columnar"
            assert fast.json()["rows"] == sparql.json()["rows"] and len(fast.json()["rows"]) > 10
            csv = client.get(url.replace(".json", ".csv"))
            assert csv.headers["x-answer-engine"] == "columnar"
        # Every question has a plan now, village-profile too (observation IRIs, breakdowns):
        # the same rows as its SPARQL (a plan that declines is tests/graph/answer/test_columnar_ties.py's).
        profile = client.get("/questions/village-profile.json")
        assert profile_by_sparql.headers["x-answer-engine"] == "sparql" and profile.json()["rows"]
        assert profile.headers["x-answer-engine"] == "columnar"
        assert profile.json()["rows"] == profile_by_sparql.json()["rows"]
