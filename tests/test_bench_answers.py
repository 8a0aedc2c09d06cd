"""scripts/bench_answers.py: at a tiny size it times every named question, page and SPARQL
query of its mix through a real ``onecenter serve`` and Oxigraph server, and records them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.scripts import script_module

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench():
    yield from script_module("bench_answers")


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("bench-answers")
    results = folder / "results.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_answers.py"), "--observations", "2000"]
        + ["--kabupaten", "18.09"]
        + ["--repeat", "1", "--keep", str(folder), "--json", str(results)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, json.loads(results.read_text(encoding="utf-8").splitlines()[-1])


def table_names(stdout: str, kind: str) -> set[str]:
    """Names in the printed table's rows of one kind (``question`` or ``page``)."""
    table = stdout.split("observations; service up", 1)[1]
    return {line.split()[1] for line in table.splitlines() if line.startswith(kind + " ")}


def test_every_question_and_page_has_a_row(ran, bench):
    stdout, figures = ran
    questions = {p.stem for p in (ROOT / "questions").glob("*.yaml")}
    assert table_names(stdout, "question") == questions
    assert table_names(stdout, "page") == set(bench.PAGES)
    assert {n for n, a in figures["answers"].items() if a["kind"] == "question"} == questions
    # Nothing timed out at this size, and every answer has a time.
    assert all(a["status"] not in ("timeout",) and a["runs"] == 1 for a in figures["answers"].values())
    for name in ("stunting-vs-safe-water", "home", "map"):
        assert figures["answers"][name]["status"] == "200", name


def test_the_sparql_mix_runs_on_both_servers_with_the_same_rows(ran, bench):
    stdout, figures = ran
    mix = {p.stem for p in bench.SPARQL_DIR.glob("*.rq")}
    assert set(figures["sparql"]) == mix
    for name, q in figures["sparql"].items():
        assert q["onecenter"]["status"] == q["oxigraph"]["status"] == "200", (name, q)
        assert q["onecenter"]["rows"] == q["oxigraph"]["rows"], name
        assert q["ratio"] > 0
    assert figures["sparql"]["small-ask"]["onecenter"]["rows"] == 1
    assert figures["sparql"]["label-search"]["oxigraph"]["rows"] > 0
    assert "ANSWERS DIFFER" not in stdout


def test_a_timeout_is_reported_not_raised(bench):
    def slow(client):
        raise bench.httpx.ReadTimeout("too slow")

    timing = bench.measure(None, slow, repeat=5, budget=60)
    assert (timing.status, timing.times, timing.median) == ("timeout", [], None)


def test_the_budget_stops_reruns_and_keeps_the_first_figure(bench):
    calls = []

    def call(client):
        calls.append(1)
        return 200, 3, "sparql"

    timing = bench.measure(None, call, repeat=5, budget=0)
    assert len(calls) == 1 and len(timing.times) == 1 and timing.rows == 3
    timing = bench.measure(None, call, repeat=4, budget=60)
    assert len(calls) == 1 + 5 and len(timing.times) == 4  # the warm-up is not a figure
