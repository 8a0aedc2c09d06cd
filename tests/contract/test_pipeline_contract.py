"""The whole pipeline on the embedded store and on each server: build, validate, publish or hold, answer named questions.

The demo graph is built once per store per session (the embedded one is the session's shared
``demo``); what the two stores hold and answer must then be the same.
"""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.answer.answers import Answer, run_question
from graph.answer.code_lists import CodeListCache, CodeLists
from graph.answer.questions import load_catalogue
from graph.answer.sparql import run_query
from graph.check.findings import Finding
from graph.errors import LoadRejected
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR
from graph.store.versions import draft_datasets, published_datasets, published_graphs
from tests.conftest import write_small_table
from tests.contract.conftest import DEMOS, Demo
from tests.graph.answer.test_questions import WITHOUT_DEMO_DATA

CATALOGUE = load_catalogue(PROJECT_DIR / "questions")
FUTURE_RULE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"
XSD_DATETIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"


@pytest.fixture(scope="session")
def coherence() -> dict[str, list[Finding]]:
    """``check_coherence`` of each store's demo, run once per session."""
    return {}


def findings_of(kind: str, built: Demo, cache: dict[str, list[Finding]]) -> list[Finding]:
    if kind not in cache:
        cache[kind] = built[0].check_coherence()
    return cache[kind]


def both(request: pytest.FixtureRequest, server_kind: str) -> tuple[Demo, Demo]:
    """The embedded store's demo and the demo on the server of ``server_kind``."""
    return request.getfixturevalue("demo"), request.getfixturevalue(DEMOS[server_kind])


# --- build ----------------------------------------------------------------------------------


def test_the_demo_builds_alike_on_both_stores(request: pytest.FixtureRequest, server_kind: str) -> None:
    (local, local_reports), (remote, remote_reports) = both(request, server_kind)

    def summary(reports: list[Any]) -> dict[str, tuple[Any, ...]]:
        return {
            r.dataset: (r.outcome, r.rows_read, r.rows_mapped, r.rows_rejected, r.observations, r.quads)
            for r in reports
        }

    assert summary(remote_reports) == summary(local_reports)
    assert all(r.outcome == "published" for r in remote_reports)
    local_versions = published_datasets(local.store, local.iris)
    remote_versions = published_datasets(remote.store, remote.iris)
    assert remote_versions.keys() == local_versions.keys() and len(remote_versions) == len(remote_reports)
    for dataset, graph in remote_versions.items():
        assert remote.store.count(graph) == local.store.count(local_versions[dataset]) > 0, dataset
    assert remote.store.count() == local.store.count()
    # Nothing left behind: no staging graph, no unpublished version.
    assert set(remote.store.named_graphs()) <= set(published_graphs(remote.store, remote.iris))


def test_the_reference_graphs_are_replaced_whole_through_staging(built: Demo) -> None:
    platform, _ = built
    fixed = [platform.iris.ontology_graph, platform.iris.regions_graph, platform.iris.periods_graph]
    before = {g: platform.store.count(g) for g in fixed}
    added = platform.load_reference()  # the same data again: replaced, not doubled
    assert {g: platform.store.count(g) for g in fixed} == before and added >= sum(before.values())
    assert not [g for g in platform.store.named_graphs() if g.endswith("/staging")]


# --- validation -----------------------------------------------------------------------------


def test_coherence_finds_the_same_findings_on_both_stores(
    request: pytest.FixtureRequest, server_kind: str, coherence: dict[str, list[Finding]]
) -> None:
    local, remote = both(request, server_kind)
    expected = findings_of("embedded", local, coherence)
    got = findings_of(server_kind, remote, coherence)
    assert expected, "the demo has known cross-agency findings"
    assert sorted(map(astuple, got), key=repr) == sorted(map(astuple, expected), key=repr)
    assert any(f.row is not None and f.file for f in got)  # traced to source rows through HTTP


def test_every_build_report_carries_the_same_findings(
    request: pytest.FixtureRequest, server_kind: str
) -> None:
    (_, local_reports), (_, remote_reports) = both(request, server_kind)

    def keys(reports: list[Any]) -> dict[str, list[tuple[Any, ...]]]:
        return {r.dataset: sorted((f.shape, f.focus, f.value, f.row) for f in r.findings) for r in reports}

    assert keys(remote_reports) == keys(local_reports)


# --- publication ----------------------------------------------------------------------------


def values(platform: Platform) -> dict[tuple[str, str], str]:
    outcome = run_query(
        platform.store,
        platform.iris,
        f"""SELECT ?r ?p ?v WHERE {{ ?o qb:dataSet/oc:cubeOf <{platform.iris.dataset("uji-penduduk")}> ;
             sdmx-dimension:refArea ?r ; sdmx-dimension:refPeriod ?p ; qb:measureType ?i ; ?i ?v }}""",
        max_rows=10_000,
        with_prefixes=True,
    )
    return {(r[0].value, r[1].value): r[2].value for r in outcome.rows}


def test_a_draft_breaking_a_rule_is_held_and_published_only_with_a_reason(
    fresh_platform: Platform, tmp_path: Path
) -> None:
    platform = fresh_platform
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    first = platform.load(mapping)
    assert first.outcome == "published" and first.violations == 0
    before = values(platform)
    assert len(before) == 20

    write_small_table(tmp_path, [str(2000 + i) for i in range(20)])
    table = tmp_path / "penduduk.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    code, _, value = lines[3].split(";")
    lines[3] = f"{code};2031;{value}"  # a year that has not come
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    held = platform.load(mapping)

    assert held.outcome == "held" and [f.shape for f in held.findings if f.blocks_publication] == [
        FUTURE_RULE
    ]
    assert values(platform) == before  # readers still see the first version, whole
    dataset = platform.iris.dataset("uji-penduduk")
    assert draft_datasets(platform.store, platform.iris) == {dataset: held.graph}
    assert held.graph not in published_graphs(platform.store, platform.iris)

    with pytest.raises(LoadRejected, match="accept-violations"):
        platform.publish_draft("uji-penduduk")
    report = platform.publish_draft(
        "uji-penduduk", accept_reason="Dinas mengonfirmasi", decided_by="Walidata"
    )
    assert report.outcome == "published" and report.violations_accepted == 1
    assert published_datasets(platform.store, platform.iris)[dataset] == held.graph
    assert draft_datasets(platform.store, platform.iris) == {}
    assert first.graph not in platform.store.named_graphs()
    after = values(platform)
    assert len(after) == 20 and after != before


def test_a_refused_load_leaves_the_published_version_in_place(
    fresh_platform: Platform, tmp_path: Path
) -> None:
    platform = fresh_platform
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    platform.load(mapping)
    before = values(platform)
    write_small_table(tmp_path, ["bukan angka"] * 20)
    with pytest.raises(LoadRejected):
        platform.load(mapping)
    assert values(platform) == before


# --- named questions ------------------------------------------------------------------------


def answer(built: Demo, question_id: str, lists: CodeLists, params: dict[str, str]) -> Answer:
    platform, _ = built
    return run_question(
        platform.store, platform.iris, CATALOGUE.get(question_id), params, lists, max_rows=100_000
    )


def other_choices(question_id: str, lists: CodeLists) -> dict[str, str]:
    """The last choice of every code parameter: not the default, so bound by substitution."""
    spec = CATALOGUE.get(question_id).spec
    picked = {}
    for name, param in spec.parameters.items():
        choices = (
            lists.for_parameter(param)
            if param.type in ("region", "period", "indicator", "level", "agency")
            else ()
        )
        if choices:
            picked[name] = choices[-1].value
    return picked


def comparable(result: Answer) -> list[list[str]]:
    """Rows as N-Triples terms; load times differ between two builds, so they are masked."""
    return [
        ["(load time)" if t is not None and XSD_DATETIME in str(t) else str(t) for t in row]
        for row in result.rows
    ]


@pytest.mark.parametrize("question_id", sorted(CATALOGUE.questions))
def test_every_named_question_answers_the_same_on_both_stores(
    request: pytest.FixtureRequest, server_kind: str, question_id: str
) -> None:
    local, remote = both(request, server_kind)
    local_lists = CodeListCache().get(local[0].store, local[0].iris, local[0].settings.home_region)
    remote_lists = CodeListCache().get(remote[0].store, remote[0].iris, remote[0].settings.home_region)
    assert remote_lists == local_lists
    for params in ({}, other_choices(question_id, local_lists)):
        expected = answer(local, question_id, local_lists, params)
        got = answer(remote, question_id, remote_lists, params)
        assert got.columns == expected.columns
        assert comparable(got) == comparable(expected)
        assert not got.truncated
    if question_id not in WITHOUT_DEMO_DATA:
        assert answer(remote, question_id, remote_lists, {}).rows, "the demo answers every question"


# --- the API on a remote store --------------------------------------------------------------


def test_the_sparql_endpoint_answers_alike_from_either_store(
    request: pytest.FixtureRequest, server_kind: str
) -> None:
    local, remote = both(request, server_kind)
    sparql = "SELECT ?d (COUNT(?o) AS ?n) WHERE { ?o qb:dataSet ?d } GROUP BY ?d ORDER BY ?d"
    prefixed = "PREFIX qb: <http://purl.org/linked-data/cube#>\n" + sparql
    bodies = []
    for platform, _ in (local, remote):
        with TestClient(create_app(platform.settings, platform.store)) as client:
            response = client.get(
                "/sparql", params={"query": prefixed}, headers={"Accept": "application/sparql-results+json"}
            )
            assert response.status_code == 200, response.text
            bodies.append(response.json())
    assert bodies[1] == bodies[0] and len(bodies[0]["results"]["bindings"]) >= 6
