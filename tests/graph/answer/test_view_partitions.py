"""The view merged from per-graph partitions is the view one scan of every published graph gives."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.answer.view import read_view
from graph.answer.view_partitions import Partition, merge
from graph.answer.view_rows import _OBSERVATIONS
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.versions import published_graphs

Demo = tuple[Platform, list[LoadReport]]


def one_scan(platform: Platform) -> tuple[dict, dict, dict, int, dict]:  # type: ignore[type-arg]
    """The view's observations as the service read them before partitions: one scan of the
    union of the published graphs."""
    rows = platform.store.query(_OBSERVATIONS, default_graph=published_graphs(platform.store, platform.iris))
    assert isinstance(rows, ox.QuerySolutions)
    values: dict = {}  # type: ignore[type-arg]
    sourced: dict = {}  # type: ignore[type-arg]
    coded: dict = {}  # type: ignore[type-arg]
    categories: dict = {}  # type: ignore[type-arg]
    count = 0
    for s in rows:
        count += 1
        key = (s["indicator"].value, s["period"].value)
        if not isinstance(s["value"], ox.Literal):
            coded.setdefault(key, set()).add(s["area"].value)
            by_dataset = categories.setdefault((*key, s["dataset"].value), {})
            by_dataset.setdefault(s["area"].value, []).append(s["value"].value)
            continue
        values.setdefault(key, {}).setdefault(s["area"].value, []).append(s["value"])
        sourced.setdefault((*key, s["dataset"].value), {}).setdefault(s["area"].value, []).append(s["value"])
    return values, sourced, coded, count, categories


@pytest.mark.slow  # the demo
def test_partitions_give_the_view_of_one_scan(demo: Demo) -> None:
    platform, _ = demo
    view = read_view(platform.store, platform.iris)
    values, sourced, coded, count, categories = one_scan(platform)
    # Literal for literal, in store order within each region (lists compare in order).
    assert view.values == values and view.sourced == sourced
    assert view.coded == coded and view.observation_count == count > 8_000
    assert view.categories == categories and categories  # the demo's IDM status, by its dataset
    assert view.rows.num_rows > count  # every observation, and the keys of its breakdowns
    assert any(len(literals) > 1 for areas in view.values.values() for literals in areas.values())


def lit(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_one_dataset_shares_its_dict_and_several_are_joined_in_graph_order() -> None:
    a = Partition(
        "g1",
        {("i", "p", "d1"): {"x": [lit("1")], "y": [lit("2")]}, ("j", "p", "d1"): {"x": [lit("5")]}},
        {},
        3,
    )
    b = Partition("g2", {("i", "p", "d2"): {"y": [lit("3")], "z": [lit("4")]}}, {("k", "p"): {"x"}}, 3)
    values, sourced, coded, count = merge([a, b])
    assert values[("i", "p")] == {"x": [lit("1")], "y": [lit("2"), lit("3")], "z": [lit("4")]}
    assert values[("j", "p")] is sourced[("j", "p", "d1")]  # one dataset: not copied
    assert sourced[("i", "p", "d1")] == {"x": [lit("1")], "y": [lit("2")]}  # the partition's own, untouched
    assert a.sourced[("i", "p", "d1")]["y"] == [lit("2")]
    assert coded == {("k", "p"): {"x"}} and count == 6
