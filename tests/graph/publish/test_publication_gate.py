"""Draft -> validate -> publish: a version that breaks a rule never reaches the public graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.answer.sparql import run_query
from graph.check.acceptances import Acceptances
from graph.errors import LoadRejected, MappingError, NotFound
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.versions import draft_datasets, published_datasets, published_graphs
from tests.conftest import SMALL_MAPPING, with_future_year, write_small_table
from tests.graph.publish.test_platform import select

# Slow: loads, holds and publishes drafts.
pytestmark = pytest.mark.slow

OC = "https://w3id.org/onecenter/def#"
SH = "http://www.w3.org/ns/shacl#"
FUTURE_RULE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"


def population(platform: Platform) -> dict[tuple[str, str], str]:
    rows = select(
        platform,
        f"""SELECT ?r ?p ?v WHERE {{ ?o qb:dataSet/oc:cubeOf <{platform.iris.dataset("uji-penduduk")}> ;
             sdmx-dimension:refArea ?r ; sdmx-dimension:refPeriod ?p ;
             qb:measureType ?i ; ?i ?v }}""",
    )
    assert rows, "the published small table must be visible"
    return {(r["r"], r["p"]): r["v"] for r in rows}


@pytest.fixture
def published(platform: Platform, tmp_path: Path) -> tuple[Path, LoadReport]:
    """A clean first version of the small table, published."""
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    report = platform.load(mapping)
    assert report.outcome == "published" and report.violations == 0
    return mapping, report


def test_a_draft_with_a_violation_leaves_the_published_dataset_unchanged(
    platform: Platform, published: tuple[Path, LoadReport]
) -> None:
    mapping, first = published
    before = population(platform)
    graphs_before = published_graphs(platform.store, platform.iris)
    quads_before = platform.store.count(first.graph)

    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    second = platform.load(mapping)

    assert second.outcome == "held"
    assert second.violations == 1 and "PeriodeTidakDiMasaDepan" in second.message
    # Nothing public moved: same pointer, same graphs, same figures, same quads.
    assert published_graphs(platform.store, platform.iris) == graphs_before
    assert population(platform) == before
    assert platform.store.count(first.graph) == quads_before
    assert not any("2031" in period for _, period in before)
    # The draft is kept, registered and invisible to public queries.
    dataset = platform.iris.dataset("uji-penduduk")
    assert draft_datasets(platform.store, platform.iris) == {dataset: second.graph}
    assert second.graph in platform.store.named_graphs()
    assert second.graph not in published_graphs(platform.store, platform.iris)
    assert platform.store.count(second.graph) > 0
    ask = run_query(
        platform.store, platform.iris, f"ASK {{ GRAPH <{second.graph}> {{ ?s ?p ?o }} }}", max_rows=1
    )
    assert ask.boolean is False


def test_the_held_load_records_its_report_with_the_violation_at_its_source_row(
    platform: Platform, published: tuple[Path, LoadReport]
) -> None:
    mapping, _ = published
    with_future_year(mapping, [str(2000 + i) for i in range(20)], row_index=3)
    held = platform.load(mapping)
    [violation] = [f for f in held.findings if f.blocks_publication]
    assert (violation.file, violation.row, violation.shape) == ("penduduk.csv", 4, FUTURE_RULE)
    rows = select(
        platform,
        f"""SELECT ?outcome ?conforms ?focus ?severity ?shape ?message WHERE {{
          ?load oc:loadedDataset <{platform.iris.dataset("uji-penduduk")}> ; oc:outcome ?outcome ;
                prov:generated <{held.graph}> ; oc:validationReport ?report .
          ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
          ?r sh:focusNode ?focus ; sh:resultSeverity ?severity ; sh:sourceShape ?shape ;
             sh:resultMessage ?message . FILTER(lang(?message) = "id") }}""",
    )
    violations = [r for r in rows if r["severity"] == SH + "Violation"]
    assert len(violations) == 1
    assert violations[0]["outcome"] == OC + "outcomeHeld"
    assert violations[0]["conforms"] == "false"
    assert violations[0]["shape"] == FUTURE_RULE
    assert violations[0]["focus"] == violation.focus
    assert "2031" in violations[0]["message"]


def test_the_published_load_links_a_report_too(
    platform: Platform, published: tuple[Path, LoadReport]
) -> None:
    _, first = published
    rows = select(
        platform,
        f"""SELECT ?outcome ?violations WHERE {{ ?load prov:generated <{first.graph}> ;
             oc:outcome ?outcome ; oc:validationReport ?r . ?r oc:violationCount ?violations }}""",
    )
    assert rows == [{"outcome": OC + "outcomePublished", "violations": "0"}]


def test_publishing_a_held_draft_needs_a_recorded_reason(
    platform: Platform, published: tuple[Path, LoadReport]
) -> None:
    mapping, first = published
    before = population(platform)
    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    held = platform.load(mapping)

    with pytest.raises(LoadRejected, match="accept-violations"):
        platform.publish_draft("uji-penduduk")
    assert population(platform) == before

    report = platform.publish_draft(
        "uji-penduduk",
        accept_reason="Dinas mengonfirmasi angka; tahun diperbaiki bulan depan",
        decided_by="Walidata",
    )
    assert report.outcome == "published" and report.violations_accepted == 1
    assert report.observations == held.observations == 20  # the figures it published, not 0
    dataset = platform.iris.dataset("uji-penduduk")
    assert published_datasets(platform.store, platform.iris)[dataset] == held.graph
    assert draft_datasets(platform.store, platform.iris) == {}
    assert first.graph not in platform.store.named_graphs()  # the superseded version is gone
    assert population(platform) != before
    rows = select(
        platform,
        f"""SELECT ?pub ?who ?reason ?shape ?focus WHERE {{
          ?pub a oc:Publication ; prov:used <{held.graph}> ; prov:wasInformedBy ?load ;
               oc:acceptedViolations ?a ; oc:validationReport ?report .
          ?load prov:generated <{held.graph}> .
          ?a a oc:ViolationAcceptance ; rdfs:comment ?reason ; oc:acceptedShape ?shape ;
             prov:wasAttributedTo/rdfs:label ?who ; oc:acceptedResult ?result .
          ?report sh:result ?result . ?result sh:focusNode ?focus }}""",
    )
    assert len(rows) == 1
    assert rows[0]["who"] == "Walidata"
    assert rows[0]["reason"].startswith("Dinas mengonfirmasi")
    assert rows[0]["shape"] == FUTURE_RULE
    assert "2031" in rows[0]["focus"]


def test_publishing_without_a_held_draft_is_refused(
    platform: Platform, published: tuple[Path, LoadReport]
) -> None:
    with pytest.raises(NotFound, match="tidak ada draf"):
        platform.publish_draft("uji-penduduk")


def test_a_clean_load_replaces_a_held_draft(platform: Platform, published: tuple[Path, LoadReport]) -> None:
    mapping, _ = published
    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    held = platform.load(mapping)
    write_small_table(mapping.parent, [str(3000 + i) for i in range(20)])
    fixed = platform.load(mapping)
    assert fixed.outcome == "published"
    assert draft_datasets(platform.store, platform.iris) == {}
    assert held.graph not in platform.store.named_graphs()
    assert set(population(platform).values()) == {str(3000 + i) for i in range(20)}


def test_a_standing_acceptance_covers_only_the_rows_it_names(
    platform: Platform, published: tuple[Path, LoadReport], tmp_path: Path
) -> None:
    mapping, _ = published
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(
        """accepted:
  - dataset: uji-penduduk
    shapes: [PeriodeTidakDiMasaDepan]
    rows: [4]
    reason: dikonfirmasi dinas
    decided_by: Walidata
    decided_on: 2026-11-28
""",
        encoding="utf-8",
    )
    platform.acceptances = Acceptances.load(accepted)
    with_future_year(mapping, [str(2000 + i) for i in range(20)], row_index=3)  # source row 4
    assert platform.load(mapping).outcome == "published"
    with_future_year(mapping, [str(2100 + i) for i in range(20)], row_index=5)  # source row 6
    assert platform.load(mapping).outcome == "held"


def test_a_malformed_acceptance_file_names_the_file_and_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "accepted_violations.yaml"
    path.write_text("accepted:\n  - dataset: x\n    shapes: [A]\n    reason: r\n", encoding="utf-8")
    with pytest.raises(MappingError, match="accepted_violations.yaml.*decided_by"):
        Acceptances.load(path)


def test_the_demo_publishes_every_dataset_and_records_each_accepted_violation(
    demo: tuple[Platform, list[LoadReport]],
) -> None:
    platform, reports = demo
    assert {r.outcome for r in reports} == {"published"}
    accepted = {r.dataset: r.violations_accepted for r in reports if r.violations_accepted}
    # data/README.md C3, C4, C5 (one finding for its row, at the Tahun cell), C7 and C8.
    assert accepted == {
        "dinkes-stunting-desa": 1,
        "disdik-sekolah-kecamatan": 1,
        "dinsos-kpm-desa": 1,
        "dpupr-air-sanitasi-desa": 2,
    }
    rows = select(
        platform,
        """SELECT ?dataset (COUNT(DISTINCT ?result) AS ?n) WHERE {
          ?load a oc:Load ; oc:loadedDataset ?dataset ; oc:outcome oc:outcomePublished ;
                oc:acceptedViolations ?a . ?a oc:acceptedResult ?result }
          GROUP BY ?dataset""",
    )
    assert {r["dataset"].rsplit("/", 1)[-1]: int(r["n"]) for r in rows} == accepted


def small_dinkes_table(folder: Path, dataset: str, indicator: str, value: int) -> Path:
    """One indicator for ten Pesawaran desa in 2023, as its own dataset of Dinkes."""
    folder.mkdir(parents=True, exist_ok=True)
    table = folder / f"{dataset}.csv"
    rows = [f"18090120{i:02d};2023;{value}" for i in range(1, 11)]
    table.write_text("kode_desa;tahun;jumlah\n" + "\n".join(rows) + "\n", encoding="utf-8")
    mapping = folder / f"{dataset}.yaml"
    text = (
        SMALL_MAPPING.format(path=table.name)
        .replace("uji-penduduk", dataset)
        .replace("disdukcapil", "dinkes")
        .replace("jumlah-penduduk", indicator)
    )
    mapping.write_text(text, encoding="utf-8")
    return mapping


def test_a_draft_that_makes_a_published_dataset_break_a_rule_is_held(
    platform: Platform, tmp_path: Path
) -> None:
    stunted = small_dinkes_table(tmp_path / "a", "uji-stunting", "balita-stunting", 50)
    assert platform.load(stunted).outcome == "published"  # nothing to compare with yet
    graphs = published_graphs(platform.store, platform.iris)

    weighed = small_dinkes_table(tmp_path / "b", "uji-ditimbang", "balita-ditimbang", 30)
    report = platform.load(weighed)

    # The violations' focus is the stunting observations already published, but it is
    # the weighed draft that brings them: it is held, and the public graph is unchanged.
    assert report.outcome == "held"
    broken = [f for f in report.findings if f.blocks_publication]
    assert len(broken) == 10
    assert {f.dataset for f in broken} == {platform.iris.dataset("uji-stunting")}
    assert published_graphs(platform.store, platform.iris) == graphs

    weighed_ok = small_dinkes_table(tmp_path / "b", "uji-ditimbang", "balita-ditimbang", 80)
    assert platform.load(weighed_ok).outcome == "published"
