"""The load log for auditors: every load and publication, filtered; a held draft in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ParameterError, UnknownResource
from graph.provenance.history import load_history
from graph.provenance.trace import trace
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR
from tests.conftest import with_future_year, write_small_table

Demo = tuple[Platform, list[LoadReport]]
FUTURE_RULE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"
DINKES_FILE = PROJECT_DIR / "data" / "dinkes_balita_stunting_desa_2020_2024.xlsx"


def test_the_load_history_lists_the_seven_published_demo_loads_newest_first(demo: Demo) -> None:
    platform, reports = demo
    history = load_history(platform.store, platform.iris, limit=100)
    assert history.total == 7 and not history.truncated
    assert {a.dataset_id for a in history.items} == {r.dataset for r in reports}
    assert {a.outcome for a in history.items} == {"published"}
    assert all(a.published_now for a in history.items)
    started = [a.started for a in history.items]
    assert started == sorted(started, reverse=True)
    dinkes = load_history(platform.store, platform.iris, dataset="dinkes-stunting-desa", limit=100)
    [only] = dinkes.items
    assert (only.file_name, only.violations, only.warnings, only.accepted) == (DINKES_FILE.name, 1, 1, 1)
    assert only.agency_name["id"] == "Dinas Kesehatan"
    assert load_history(platform.store, platform.iris, outcome="held", limit=100).total == 0
    page = load_history(platform.store, platform.iris, limit=2, offset=1)
    assert [a.iri for a in page.items] == [a.iri for a in history.items[1:3]] and page.truncated


@pytest.mark.parametrize(
    ("dataset", "outcome", "message"),
    [
        (None, "ditahan", "unknown outcome"),
        ("tidak-ada", None, "unknown dataset"),
        ("BAD id", None, "unknown dataset"),
    ],
)
def test_bad_load_filters_are_refused_with_what_is_allowed(
    demo: Demo, dataset: str | None, outcome: str | None, message: str
) -> None:
    platform, _ = demo
    with pytest.raises(ParameterError, match=message):
        load_history(platform.store, platform.iris, dataset=dataset, outcome=outcome, limit=10)


# --- a held draft ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_held_draft_is_in_the_history_but_its_figures_are_not_traced(
    platform: Platform, tmp_path: Path
) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    first = platform.load(mapping)
    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    held = platform.load(mapping)
    assert held.outcome == "held"
    draft_only = platform.iris.observation_prefix("uji-penduduk") + (
        platform.settings.home_region + ".01.2003/2031/jumlah-penduduk"
    )

    history = load_history(platform.store, platform.iris, limit=10)
    assert [a.outcome for a in history.items] == ["held", "published"]
    newest = history.items[0]
    assert newest.violations == 1 and newest.accepted == 0 and not newest.published_now
    assert newest.graph == held.graph and "draf ditahan" in newest.message
    with pytest.raises(UnknownResource):
        trace(platform.store, platform.iris, draft_only, max_rows=10)
    # The load record is public: its findings name the draft's row.
    load = trace(platform.store, platform.iris, newest.iri, max_rows=10)
    assert load["activity"]["outcome"] == "held"
    assert [f["shape"] for f in load["findings"] if f["severity"] == "Violation"] == [FUTURE_RULE]
    # A figure that is published still traces to the first load, not to the held one.
    published = platform.iris.observation_prefix("uji-penduduk") + (
        platform.settings.home_region + ".01.2001/2020/jumlah-penduduk"
    )
    body = trace(platform.store, platform.iris, published, max_rows=10)
    assert body["observation"]["value"] == 1000
    assert body["load"]["graph"] == first.graph

    # The Walidata publishes the draft despite the violation: now it is traced, with the decision.
    platform.publish_draft("uji-penduduk", accept_reason="Dikonfirmasi dinas", decided_by="Walidata")
    history = load_history(platform.store, platform.iris, limit=10)
    assert [(a.kind, a.outcome) for a in history.items] == [
        ("publication", "published"),
        ("load", "held"),
        ("load", "published"),
    ]
    publication = history.items[0]
    assert publication.file_name == "penduduk.csv" and publication.origin == newest.iri
    assert publication.published_now and publication.accepted == 1
    assert history.items[1].published_now and not history.items[2].published_now  # its draft is in force
    body = trace(platform.store, platform.iris, draft_only, max_rows=10)
    assert body["publication"]["iri"] == publication.iri
    assert body["load"]["iri"] == newest.iri
    # Found when it was held, and again when it was published (then accepted).
    findings = {f["activity"]: f for f in body["findings"]}
    assert set(findings) == {newest.iri, publication.iri}
    assert {f["shape"] for f in findings.values()} == {FUTURE_RULE}
    assert all(f["current"] for f in findings.values())
    assert findings[newest.iri]["accepted_by"] == []
    [acceptance] = body["acceptances"]
    assert findings[publication.iri]["accepted_by"] == [acceptance["iri"]]
    assert acceptance["decided_by"] == "Walidata" and acceptance["reason"] == "Dikonfirmasi dinas"
