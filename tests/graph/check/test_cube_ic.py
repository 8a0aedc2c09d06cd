"""The W3C Data Cube integrity constraints, as written, on the demo and on a graph built to break them."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graph.check.cube_ic import (
    check_published,
    count_violations,
    load_constraints,
    normalise,
    scratch_copy,
)
from graph.cli.commands import app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.interface import Store


def test_the_recommendation_has_21_constraints_with_their_titles() -> None:
    constraints = load_constraints()
    assert [c.number for c in constraints] == list(range(1, 22))
    by_id = {c.id: c for c in constraints}
    assert by_id["IC-12"].title == "No duplicate observations"
    assert len(by_id["IC-19"].queries) == 2  # the concept-scheme and the collection query
    assert by_id["IC-20"].instantiation is not None and by_id["IC-21"].instantiation is not None
    assert all(q.lstrip().startswith("#") and "\nASK {" in q for c in constraints for q in c.queries)


@pytest.fixture(scope="module")
def demo_counts(demo: tuple[Platform, list[LoadReport]]) -> list[Any]:
    """The 21 counts on the demo, run once for the tests that read them (about 6 s)."""
    platform, _ = demo
    return check_published(platform.store, platform.iris)


@pytest.mark.slow
def test_all_21_constraints_hold_on_the_normalised_demo(demo_counts: list[Any]) -> None:
    # IC-17 included: the demo's empty cells (dinkes, dpupr, disdik) and BPS's area given for
    # one year beside five of population are published as cubes of their own measures
    # (graph/cube/measure_groups.py), not as invented values.
    assert len(demo_counts) == 21
    assert {c.constraint.id: c.violations for c in demo_counts if c.violations} == {}


# A cube that breaks some constraints on purpose. Point (A, 2020, L) has both measures, and a
# second observation of m1 (a duplicate); point (B, 2020, L) lacks m2 (a missing cell);
# one observation belongs to no dataset; the dimension ex:sex has no range.
BROKEN = """
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix ex: <http://example.org/> .

ex:dsd a qb:DataStructureDefinition ;
  qb:component [ qb:dimension sdmx-dimension:refArea ] , [ qb:dimension sdmx-dimension:refPeriod ] ,
    [ qb:dimension qb:measureType ] , [ qb:dimension ex:sex ] , [ qb:measure ex:m1 ] , [ qb:measure ex:m2 ] .
sdmx-dimension:refArea rdfs:range rdfs:Resource .
sdmx-dimension:refPeriod rdfs:range rdfs:Resource .
qb:measureType rdfs:range qb:MeasureProperty .
ex:ds a qb:DataSet ; qb:structure ex:dsd .

ex:a1 qb:dataSet ex:ds ; sdmx-dimension:refArea ex:A ; sdmx-dimension:refPeriod ex:y2020 ; ex:sex ex:L ;
  qb:measureType ex:m1 ; ex:m1 1 .
ex:a2 qb:dataSet ex:ds ; sdmx-dimension:refArea ex:A ; sdmx-dimension:refPeriod ex:y2020 ; ex:sex ex:L ;
  qb:measureType ex:m2 ; ex:m2 2 .
ex:a1-again qb:dataSet ex:ds ; sdmx-dimension:refArea ex:A ; sdmx-dimension:refPeriod ex:y2020 ; ex:sex ex:L ;
  qb:measureType ex:m1 ; ex:m1 1 .
ex:b1 qb:dataSet ex:ds ; sdmx-dimension:refArea ex:B ; sdmx-dimension:refPeriod ex:y2020 ; ex:sex ex:L ;
  qb:measureType ex:m1 ; ex:m1 3 .
ex:orphan a qb:Observation ; sdmx-dimension:refArea ex:B ; sdmx-dimension:refPeriod ex:y2020 ;
  qb:measureType ex:m1 ; ex:m1 4 .
"""


def _broken() -> ox.Store:
    store = scratch_copy(ox.parse(BROKEN.encode(), format=ox.RdfFormat.TURTLE))
    normalise(store)
    return store


def test_the_checker_finds_exactly_the_violations_built_in() -> None:
    counts = {c.constraint.id: c.violations for c in count_violations(_broken()) if c.violations}
    assert counts == {
        "IC-1": 1,  # ex:orphan has no dataset
        "IC-4": 1,  # ex:sex has no range
        "IC-12": 2,  # (a1, a1-again) and (a1-again, a1): the same values for every dimension
        "IC-17": 4,  # at (A, 2020, L) three observations for two measures; at (B, 2020, L) one
    }


def test_ic17_as_written_cannot_fail_on_a_conforming_engine() -> None:
    # Its HAVING names a SELECT alias, unbound where SPARQL 1.1 evaluates HAVING.
    as_written = load_constraints(corrected=False)
    counts = {c.constraint.id: c.violations for c in count_violations(_broken(), as_written)}
    assert counts["IC-17"] == 0
    assert counts["IC-12"] == 2


def test_partitions_count_what_the_whole_graph_counts() -> None:
    store = _broken()
    whole = [c.violations for c in count_violations(store, partition=False)]
    assert [c.violations for c in count_violations(store)] == whole


def test_without_normalisation_a_generic_checker_misreads_the_abbreviated_form() -> None:
    # Without the closure no structure has a typed measure: IC-3 fails for ex:dsd.
    store = scratch_copy(ox.parse(BROKEN.encode(), format=ox.RdfFormat.TURTLE))
    counts = {c.constraint.id: c.violations for c in count_violations(store)}
    assert counts["IC-3"] == 1


class _Borrowed:
    """The demo's store lent to the command: its ``close`` leaves it open for other tests."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def close(self) -> None:
        pass


@pytest.mark.slow
def test_the_command_prints_each_constraint_and_exits_0_on_the_demo(
    demo: tuple[Platform, list[LoadReport]], monkeypatch: pytest.MonkeyPatch
) -> None:
    platform, _ = demo
    monkeypatch.setattr(
        "graph.cli.cube_check.connect_store", lambda settings, read_only: _Borrowed(platform.store)
    )
    result = CliRunner().invoke(app, ["cube-check"])
    assert result.exit_code == 0, result.output
    assert "Ke-21 batasan terpenuhi / all 21 constraints hold" in result.output
    for number in range(1, 22):
        assert f"IC-{number} " in result.output
    assert "No duplicate observations" in result.output


HIERARCHY = """
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix ex: <http://example.org/> .

ex:dsd a qb:DataStructureDefinition ;
  qb:component [ qb:dimension sdmx-dimension:refArea ] , [ qb:measure ex:m1 ] .
sdmx-dimension:refArea rdfs:range rdfs:Resource ; qb:codeList ex:regions .
ex:regions a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:province ;
  qb:parentChildProperty [ owl:inverseOf skos:broader ] .
ex:village skos:broader ex:district . ex:district skos:broader ex:province .
ex:ds a qb:DataSet ; qb:structure ex:dsd .
ex:o1 qb:dataSet ex:ds ; sdmx-dimension:refArea ex:village ; ex:m1 1 .
ex:o2 qb:dataSet ex:ds ; sdmx-dimension:refArea ex:elsewhere ; ex:m1 2 .
"""


def test_the_inverse_hierarchy_template_is_expanded_and_finds_a_region_outside_it() -> None:
    # As the region scheme is published: children point to parents with skos:broader.
    store = scratch_copy(ox.parse(HIERARCHY.encode(), format=ox.RdfFormat.TURTLE))
    normalise(store)
    counts = {c.constraint.id: c.violations for c in count_violations(store) if c.violations}
    assert counts == {"IC-21": 1}  # ex:elsewhere is not below ex:province; IC-20 has no instance
