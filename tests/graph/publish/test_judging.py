"""Judging with what is published, and findings every agency involved hears of (issue 17, item 5).

A cross-dataset finding names the other dataset and reaches the reports of both agencies; a
held dataset takes part with its published version, and when it has none the others' reports
say which checks could not be made; a restricted dataset's standing decisions apply wherever
its findings appear, and another agency's uploader never reads its figures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.check.acceptances import Acceptances
from graph.describe.coherence import read_coherence
from graph.describe.coherence_output import finding_json
from graph.describe.coherence_selection import select_findings
from graph.publish.load_report import WITHHELD
from graph.publish.platform import Platform
from graph.publish.reports import write_findings
from graph.rdf.results import solution_rows
from graph.store.versions import Audience, draft_datasets, published_datasets
from tests.conftest import SMALL_MAPPING

pytestmark = pytest.mark.slow

PART_WHOLE = "https://w3id.org/onecenter/shapes#BagianTidakMelebihiKeseluruhan"
SAME_QUANTITY = "https://w3id.org/onecenter/shapes#BesaranSamaSesuaiAntarSumber"
FUTURE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"


def agency_table(
    folder: Path,
    dataset: str,
    agency: str,
    indicator: str,
    values: list[int],
    *,
    access: str = "terbuka",
    future_row: int | None = None,
) -> Path:
    """One indicator for Pesawaran desa 18.09.01.2001... in 2023, as a dataset of ``agency``;
    data row ``future_row`` (0-based) says 2031."""
    folder.mkdir(parents=True, exist_ok=True)
    table = folder / f"{dataset}.csv"
    rows = [
        f"18090120{i + 1:02d};{2031 if i == future_row else 2023};{value}" for i, value in enumerate(values)
    ]
    table.write_text("kode_desa;tahun;jumlah\n" + "\n".join(rows) + "\n", encoding="utf-8")
    mapping = folder / f"{dataset}.yaml"
    text = (
        SMALL_MAPPING.format(path=table.name)
        .replace("uji-penduduk", dataset)
        .replace("agency: disdukcapil", f"agency: {agency}\n  access: {access}")
        .replace("jumlah-penduduk", indicator)
    )
    mapping.write_text(text, encoding="utf-8")
    return mapping


def accept(platform: Platform, folder: Path, dataset: str, shape: str) -> None:
    """A standing decision of the Walidata: publish ``dataset`` despite ``shape``."""
    path = folder / "accepted.yaml"
    path.write_text(
        f"""accepted:
  - dataset: {dataset}
    shapes: [{shape.rsplit("#", 1)[-1]}]
    reason: dikonfirmasi dinas
    decided_by: Walidata
    decided_on: 2026-01-05
""",
        encoding="utf-8",
    )
    platform.acceptances = Acceptances.load(path)


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))


def test_a_cross_agency_finding_is_in_the_reports_of_both_agencies(
    platform: Platform, tmp_path: Path
) -> None:
    iris = platform.iris
    stunted = agency_table(tmp_path / "a", "uji-stunting", "dinkes", "balita-stunting", [50] * 5)
    assert platform.load(stunted).outcome == "published"
    accept(platform, tmp_path, "uji-ditimbang", PART_WHOLE)
    weighed = agency_table(tmp_path / "b", "uji-ditimbang", "dinsos", "balita-ditimbang", [30] * 5)
    report = platform.load(weighed)
    assert report.outcome == "published"  # the Walidata accepted it

    broken = [f for f in report.findings if f.shape == PART_WHOLE]
    assert len(broken) == 5
    assert {f.dataset for f in broken} == {iris.dataset("uji-stunting")}
    assert {f.other_dataset for f in broken} == {iris.dataset("uji-ditimbang")}
    assert {(f.agency_slug, f.other_agency_slug) for f in broken} == {("dinkes", "dinsos")}
    # Both agencies' CSV list them; the other agency reads which of its datasets was compared.
    written = write_findings(report.findings, tmp_path / "laporan")
    by_name = {p.name: p for p in written}
    dinkes = [
        r for r in csv_rows(by_name["koherensi-dinkes.csv"]) if r["aturan"] == PART_WHOLE.rsplit("#")[-1]
    ]
    dinsos = [
        r for r in csv_rows(by_name["koherensi-dinsos.csv"]) if r["aturan"] == PART_WHOLE.rsplit("#")[-1]
    ]
    assert len(dinkes) == len(dinsos) == 5
    assert {r["dibandingkan_dengan"] for r in dinsos} == {"uji-ditimbang"}
    assert {r["tingkat"] for r in dinsos} == {"Pelanggaran"}

    # The coherence report (read back from the report in force) gives them to both agencies.
    coherence = read_coherence(platform.store, iris, shapes=platform.settings.shapes_path, max_rows=1000)
    for agency in ("dinkes", "dinsos"):
        _, shown = select_findings(coherence, agency=agency, rule="BagianTidakMelebihiKeseluruhan")
        assert len(shown) == 5, agency
    answer = finding_json(shown[0], coherence, "dinsos")
    assert answer["involving_your_data"] is True and answer["other_agency"] == "dinsos"
    assert answer["agency"] == "dinkes" and answer["severity_label"] == {
        "id": "Pelanggaran",
        "en": "Violation",
    }
    assert finding_json(shown[0], coherence, "dinkes")["involving_your_data"] is False


def test_a_restricted_datasets_standing_decision_holds_where_its_findings_appear(
    platform: Platform, tmp_path: Path
) -> None:
    iris = platform.iris
    # Dinkes' stunted children, restricted, with the Walidata's standing decision on its figures.
    accept(platform, tmp_path, "uji-stunting", PART_WHOLE)
    stunted = agency_table(
        tmp_path / "a", "uji-stunting", "dinkes", "balita-stunting", [50] * 5, access="terbatas"
    )
    assert platform.load(stunted).outcome == "published"
    # Another agency's table makes those figures break the rule: the decision covers them there too.
    weighed = agency_table(tmp_path / "b", "uji-ditimbang", "dinsos", "balita-ditimbang", [30] * 5)
    report = platform.load(weighed)
    assert report.outcome == "published", report.message
    on_restricted = [f for f in report.findings if f.dataset == iris.dataset("uji-stunting")]
    assert len(on_restricted) == 5 and report.violations_accepted == 5
    # A Dinsos uploader reads that a rule found something there, never the restricted figures.
    dinsos = Audience(restricted_agencies=frozenset({iris.agency("dinsos")}))
    seen = [f for f in report.summary(reader=dinsos)["findings"] if f["dataset"] == "uji-stunting"]
    assert len(seen) == 5
    assert all(f["value"] is None and f["row"] is None and f["message"] == WITHHELD.id for f in seen)
    assert not any("50" in f["message_en"] for f in seen)
    # Dinkes (its owner) and the Walidata read them.
    for reader in (
        Audience(restricted_agencies=frozenset({iris.agency("dinkes")})),
        Audience(all_restricted=True),
    ):
        shown = [f for f in report.summary(reader=reader)["findings"] if f["dataset"] == "uji-stunting"]
        assert {f["value"] for f in shown} == {"50"}
    # Loaded again, nothing is held: the violations on the restricted figures are on record.
    again = platform.load(weighed)
    assert again.outcome == "published", again.message


def test_a_held_dataset_takes_part_with_its_published_version(platform: Platform, tmp_path: Path) -> None:
    weighed = agency_table(tmp_path / "a", "uji-ditimbang", "dinkes", "balita-ditimbang", [30] * 5)
    assert platform.load(weighed).outcome == "published"
    held = agency_table(tmp_path / "a", "uji-ditimbang", "dinkes", "balita-ditimbang", [90] * 5, future_row=0)
    assert platform.load(held).outcome == "held"

    stunted = agency_table(tmp_path / "b", "uji-stunting", "dinkes", "balita-stunting", [50] * 5)
    report = platform.load(stunted)
    # Compared with the published 30, not the held 90: the rule still holds the stunting table.
    assert report.outcome == "held"
    broken = [f for f in report.findings if f.shape == PART_WHOLE]
    assert len(broken) == 5 and all("(30)" in f.message_id for f in broken)
    assert [n.id for n in report.notes] == [
        "Draf uji-ditimbang ditahan: aturan lintas dataset (BagianTidakMelebihiKeseluruhan) diperiksa "
        "terhadap versi terbitnya."
    ]


def test_checks_against_a_held_dataset_never_published_are_named_as_not_made(
    platform: Platform, tmp_path: Path
) -> None:
    iris = platform.iris
    # As onecenter build does: both staged and judged together; the Dukcapil-like table is held.
    registry = agency_table(
        tmp_path / "a", "uji-dukcapil", "disdukcapil", "jumlah-penduduk", [1000, 1010, 1020], future_row=2
    )
    projection = agency_table(tmp_path / "b", "uji-bps", "bps", "jumlah-penduduk", [1500, 1510, 1520])
    drafts = [platform._stage(registry), platform._stage(projection)]
    platform._judge(drafts)
    for draft in drafts:
        platform._settle(draft)
    held, kept = drafts
    assert held.report.outcome == "held" and kept.report.outcome == "published"
    # The disagreement was found while both were judged, then judged again without the held one.
    assert not [f for f in kept.report.findings if f.shape == SAME_QUANTITY]
    [note] = kept.report.notes
    assert note.id.startswith(
        "Pemeriksaan lintas dataset terhadap uji-dukcapil (BesaranSamaSesuaiAntarSumber) tidak dapat "
        "dilakukan: uji-dukcapil ditahan dan belum pernah terbit."
    )
    assert "could not be made" in note.en and kept.report.summary()["notes"] == [note]
    assert draft_datasets(platform.store, iris) == {iris.dataset("uji-dukcapil"): held.graph}
    assert iris.dataset("uji-dukcapil") not in published_datasets(platform.store, iris)
    # A later load of the other table says it too: the held draft was never published.
    again = platform.load(projection)
    assert [n.en.split(":")[0] for n in again.notes] == [
        "Cross-dataset checks against uji-dukcapil could not be made"
    ]


def test_a_restricted_datasets_violation_on_record_holds_no_unrelated_draft(
    platform: Platform, tmp_path: Path
) -> None:
    # Issue 19: the restricted dataset's results live in its own graph; they are on record too.
    accept(platform, tmp_path, "uji-terbatas", FUTURE)
    restricted = agency_table(
        tmp_path / "a",
        "uji-terbatas",
        "dinsos",
        "balita-ditimbang",
        [40] * 5,
        access="terbatas",
        future_row=1,
    )
    assert platform.load(restricted).outcome == "published"
    platform.acceptances = Acceptances()  # the decision is on record; the file no longer lists it
    unrelated = agency_table(tmp_path / "b", "uji-stunting", "dinkes", "balita-stunting", [5] * 5)
    report = platform.load(unrelated)
    assert report.outcome == "published", report.message
    assert not [f for f in report.findings if f.shape == FUTURE]


def test_a_finding_comparing_with_restricted_figures_stays_with_them(
    platform: Platform, tmp_path: Path
) -> None:
    iris = platform.iris
    weighed = agency_table(
        tmp_path / "a", "uji-ditimbang", "dinsos", "balita-ditimbang", [30] * 5, access="terbatas"
    )
    assert platform.load(weighed).outcome == "published"
    stunted = agency_table(tmp_path / "b", "uji-stunting", "dinkes", "balita-stunting", [50] * 5)
    report = platform.load(stunted)
    assert report.outcome == "held"  # its own figures break the rule
    broken = [f for f in report.findings if f.shape == PART_WHOLE]
    assert len(broken) == 5 and all("(30)" in f.message_id for f in broken)  # the restricted figure
    # Kept in the restricted dataset's own graph, not in the public provenance graph.
    where = {
        s["g"].value
        for s in solution_rows(
            platform.store.query(
                f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?r <http://www.w3.org/ns/shacl#focusNode> <{broken[0].focus}> ;
                 <http://www.w3.org/ns/shacl#sourceShape> <{PART_WHOLE}> }} }}""",
                default_graph=[],
                named_graphs=None,
            )
        )
    }
    assert where == {iris.restricted_provenance_graph("uji-ditimbang")}
    # The Dinkes uploader reads that its figures break the rule, not the Dinsos figure.
    dinkes = Audience(restricted_agencies=frozenset({iris.agency("dinkes")}))
    seen = [f for f in report.summary(reader=dinkes)["findings"] if f["shape"] == PART_WHOLE]
    assert len(seen) == 5 and all(f["message"] == WITHHELD.id and f["value"] is None for f in seen)
