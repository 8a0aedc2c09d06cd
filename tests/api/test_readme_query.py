"""The README's example query ("ask the graph a question that joins two agencies"), exactly as the
README prints it, sent to ``/sparql`` as its ``curl`` line does, on the demo graph: every row
can be told apart, though ten desa names are shared by two desa."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]


def readme_example() -> tuple[str, str, str]:
    """The path, the Accept header and the query of the README's curl example."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"joins two agencies.*?```sh\ncurl -G http://127\.0\.0\.1:8000(\S+) -H 'Accept: ([^']+)' "
        r"--data-urlencode query='(.*?)'\n```",
        readme,
        re.S,
    )
    assert found, "the README's example query is not where this test looks for it"
    path, accept, query = found.groups()
    return path, accept, query


@pytest.fixture(scope="module")
def rows(demo: Demo) -> Iterator[list[dict[str, str]]]:
    platform, _ = demo
    path, accept, query = readme_example()
    with TestClient(create_app(platform.settings, platform.store)) as client:
        response = client.get(path, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text[:500]
    yield list(csv.DictReader(io.StringIO(response.text)))


def test_the_example_names_each_desa_by_code_and_kecamatan(rows: list[dict[str, str]]) -> None:
    assert rows, "the example returns nothing on the demo graph"
    assert {"kode_desa", "desa", "kecamatan", "tahun", "stunting", "air"} <= set(rows[0])
    assert all(
        re.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", r["kode_desa"]) for r in rows
    )  # Kemendagri, dotted


def test_every_row_is_distinguishable(rows: list[dict[str, str]]) -> None:
    keys = Counter((r["kode_desa"], r["desa"], r["kecamatan"], r["tahun"]) for r in rows)
    assert [key for key, n in keys.items() if n > 1] == []
    # one kecamatan per desa code: the hierarchy gives each desa one parent
    parents = defaultdict(set)
    for r in rows:
        parents[r["kode_desa"]].add(r["kecamatan"])
    assert all(len(p) == 1 for p in parents.values())


def test_names_alone_would_not_tell_the_rows_apart(rows: list[dict[str, str]]) -> None:
    """Why the code and kecamatan are there: some desa names belong to two desa."""
    desa = defaultdict(set)
    for r in rows:
        desa[r["desa"]].add((r["kode_desa"], r["kecamatan"]))
    shared = {name: places for name, places in desa.items() if len(places) > 1}
    assert shared, "no desa name is shared by two desa: the example's reason to name codes is gone"
    by_name_and_year = Counter((r["desa"], r["tahun"]) for r in rows)
    assert max(by_name_and_year.values()) > 1  # the old query's key (desa, tahun) repeats
