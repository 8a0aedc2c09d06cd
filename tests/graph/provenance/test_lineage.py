"""The provenance chain of a public resource, read once: figure -> row -> file -> load -> publication."""

from __future__ import annotations

import pytest

from graph.errors import QueryError, UnknownResource
from graph.provenance.activities import activities
from graph.provenance.lineage import lineage
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.public import PublicGraphs

Demo = tuple[Platform, list[LoadReport]]


def c3(platform: Platform) -> str:
    """data/README.md C3: Gerning 2022, stunted (223) > weighed (189); xlsx row 350."""
    gerning = platform.settings.home_region + ".03.2010"
    return platform.iris.observation_prefix("dinkes-stunting-desa") + f"{gerning}/2022/balita-stunting"


def test_a_figure_leads_to_its_row_file_version_and_load(demo: Demo) -> None:
    platform, _ = demo
    view = PublicGraphs(platform.store, platform.iris)
    found = lineage(view, c3(platform))
    dataset = platform.iris.dataset("dinkes-stunting-desa")
    assert (found.kind, found.dataset, found.version) == ("observation", dataset, view.versions[dataset])
    assert found.graph == found.version and found.source_row and found.source_file
    assert found.load is not None and found.load.graph == found.version and found.load.kind == "load"
    assert found.load.file == found.source_file
    assert found.publications == () and found.publication is None and found.in_force == found.load
    assert found.reports == {found.load.report} and found.acceptances == list(found.load.acceptances)
    assert found.activity is None and found.history == ()


def test_every_link_of_the_chain_leads_to_the_same_load(demo: Demo) -> None:
    platform, _ = demo
    view = PublicGraphs(platform.store, platform.iris)
    every = activities(view)
    figure = lineage(view, c3(platform), every)
    assert figure.source_row is not None and figure.load is not None
    row = lineage(view, figure.source_row, every)
    assert (row.kind, row.dataset, row.load, row.source_file) == (
        "source_row",
        figure.dataset,
        figure.load,
        figure.source_file,
    )
    dataset = lineage(view, figure.dataset or "", every)
    assert (dataset.kind, dataset.load, dataset.history) == ("dataset", figure.load, (figure.load,))
    load = lineage(view, figure.load.iri, every)
    assert (load.kind, load.activity, load.load, load.dataset) == (
        "load",
        figure.load,
        figure.load,
        figure.dataset,
    )
    file = lineage(view, figure.source_file or "", every)
    assert (file.kind, file.history) == ("source_file", (figure.load,))


def test_a_held_figure_or_a_malformed_iri_has_no_lineage(demo: Demo) -> None:
    platform, _ = demo
    view = PublicGraphs(platform.store, platform.iris)
    with pytest.raises(UnknownResource):
        lineage(view, platform.iris.base + "id/observasi/tidak/ada")
    with pytest.raises(QueryError):
        lineage(view, "bukan iri")
