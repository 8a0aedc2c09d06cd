"""Describing minted resources: triples, bounded incoming links, labels, hierarchy, provenance."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.check.findings import Finding
from graph.describe.resources import describe, resolve
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.iris import Iris, local_path, path_iris
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, QB, SKOS
from tests.conftest import write_small_table

SH = PREFIXES["sh"]
Demo = tuple[Platform, list[LoadReport]]

# data/README.md, deliberate error C3: dinkes file, row 350, "Jumlah Balita Stunting" = 223 (Gerning 2022).
DINKES_FILE = "dinkes_balita_stunting_desa_2020_2024.xlsx"
GERNING_IN_HOME = ".03.2010"  # Gerning's code below the home regency


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def c3_observation(platform: Platform) -> str:
    region = platform.settings.home_region + GERNING_IN_HOME
    return platform.iris.observation_prefix("dinkes-stunting-desa") + f"{region}/2022/balita-stunting"


# --- IRIs <-> local paths --------------------------------------------------------------------


def test_local_paths_map_to_iris_under_any_configured_base() -> None:
    iris = Iris("https://contoh.example.go.id/satudata/")
    region = iris.region("11.01.02.2003")
    assert local_path(iris, region) == "/id/wilayah/11.01.02.2003"
    assert path_iris(iris, "/id/wilayah/11.01.02.2003") == [region]
    assert local_path(iris, SKOS + "broader") is None
    assert local_path(iris, iris.regions_graph) is None  # a named graph, not an /id/ resource
    assert path_iris(iris, "/graph/wilayah") == [] and path_iris(iris, "/id/") == []


def test_a_path_with_other_percent_encoding_still_finds_the_minted_iri() -> None:
    iris = Iris("https://contoh.example.go.id/")
    minted = iris.person("Walidata Diskominfo (demo)")
    assert minted.endswith("Walidata%20Diskominfo%20%28demo%29")
    assert minted in path_iris(iris, "/id/pengguna/Walidata%20Diskominfo%20(demo)")
    # '=' in observation dimension segments is minted unencoded, and found when sent encoded.
    obs = iris.observation_prefix("d") + "11.01/2024/jumlah-penduduk/jenis-kelamin=L"
    assert obs in path_iris(iris, "/id/observasi/d/11.01/2024/jumlah-penduduk/jenis-kelamin%3DL")


def test_an_invalid_iri_is_not_described(demo: Demo) -> None:
    platform, _ = demo
    assert describe(platform.store, platform.iris, "not an iri") is None
    assert describe(platform.store, platform.iris, platform.iris.base + "id/wilayah/99.99.99") is None
    assert resolve(platform.store, platform.iris, ["/id/tidak/ada", "/id/wilayah/<x>"]) is None


# --- kinds of resources ----------------------------------------------------------------------


def test_the_home_region_has_its_parent_children_and_indonesian_label(demo: Demo) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    found = describe(platform.store, platform.iris, platform.iris.region(home))
    assert found is not None and found.kind[0] == "region"
    assert found.label(found.iri) and found.labels[found.iri][0].language == "id"
    assert found.hierarchy is not None
    province = platform.iris.region(home.split(".")[0])
    assert found.hierarchy.ancestors == (province,)
    assert found.label(province)  # every IRI shown is labelled
    children = found.hierarchy.children
    assert children and found.hierarchy.children_count == len(children)
    assert all(c.startswith(platform.iris.region(home) + ".") for c in children)
    assert children == tuple(sorted(children, key=lambda c: [int(p) for p in c.rsplit("/", 1)[1].split(".")]))
    assert all(found.label(c) for c in children)
    triples = set(found.graph())
    assert (
        ox.Triple(ox.NamedNode(children[0]), ox.NamedNode(SKOS + "broader"), ox.NamedNode(found.iri))
        in triples
    )
    assert (
        ox.Triple(ox.NamedNode(found.iri), ox.NamedNode(SKOS + "broader"), ox.NamedNode(province)) in triples
    )


def test_a_desa_lists_its_kecamatan_kabupaten_and_province_nearest_first(demo: Demo) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    desa = platform.iris.region(home + GERNING_IN_HOME)
    found = describe(platform.store, platform.iris, desa)
    assert found is not None and found.kind[:2] == ("region", "Desa")
    assert found.label(desa) == "Gerning"
    assert found.hierarchy is not None and found.hierarchy.children == ()
    kecamatan = platform.iris.region(home + GERNING_IN_HOME.rsplit(".", 1)[0])
    assert found.hierarchy.ancestors == (
        kecamatan,
        platform.iris.region(home),
        platform.iris.region(home[:2]),
    )


def test_the_c3_observation_traces_back_to_its_source_cell_load_and_finding(demo: Demo) -> None:
    platform, _ = demo
    settings = platform.settings
    found = describe(platform.store, platform.iris, c3_observation(platform))
    assert found is not None and found.kind[0] == "observation"
    indicator = platform.iris.indicator("balita-stunting")
    assert [t.value for t in found.values(indicator)] == ["223"]
    chain = found.provenance
    assert chain is not None and chain.dataset == platform.iris.dataset("dinkes-stunting-desa")
    cell = chain.source
    assert cell is not None
    assert (cell.file_name, cell.sheet, cell.row_number, cell.column, cell.raw_value) == (
        DINKES_FILE,
        "Stunting",
        350,
        "Jumlah Balita Stunting",
        "223",
    )
    assert cell.sha256 == sha256(settings.project_dir / "data" / DINKES_FILE)
    assert cell.file == platform.iris.file(cell.sha256)
    load = chain.load
    assert load is not None and load.kind == "load" and load.started and load.ended
    assert load.outcome == "published" and load.outcome_iri == OC + "outcomePublished"
    assert platform.iris.agency("dinkes") in load.agents
    assert load.mapping_name is not None and load.mapping_name.endswith("dinkes-stunting-desa.yaml")
    assert load.mapping_sha256 == sha256(settings.mappings_path / "dinkes-stunting-desa.yaml")
    assert load.report is not None and load.conforms is False
    violations = [f for f in chain.findings if f.severity == SH + "Violation"]
    assert [f.shape for f in violations] == [
        "https://w3id.org/onecenter/shapes#BagianTidakMelebihiKeseluruhan"
    ]
    assert violations[0].value == "223" and violations[0].report == load.report
    assert "223" in violations[0].message_id and "223" in violations[0].message.en
    [acceptance] = chain.acceptances
    assert violations[0].accepted_by == (acceptance.iri,)
    assert acceptance.reason and acceptance.decided_by and acceptance.decided_on
    assert chain.publications == ()  # published by the load itself
    # The chain's triples are in the RDF description too.
    triples = set(found.graph())
    assert (
        ox.Triple(
            ox.NamedNode(cell.row),
            ox.NamedNode(OC + "rowNumber"),
            ox.Literal("350", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")),
        )
        in triples
    )
    assert (
        ox.Triple(ox.NamedNode(cell.file), ox.NamedNode(OC + "fileName"), ox.Literal(DINKES_FILE)) in triples
    )
    assert (
        ox.Triple(
            ox.NamedNode(load.iri),
            ox.NamedNode(PROV + "startedAtTime"),
            ox.Literal(load.started, datatype=ox.NamedNode(PREFIXES["xsd"] + "dateTime")),
        )
        in triples
    )
    assert any(t.subject == ox.NamedNode(acceptance.iri or "") for t in triples)


def test_a_dataset_counts_all_its_observations_and_shows_a_bounded_few(demo: Demo) -> None:
    platform, reports = demo
    [report] = [r for r in reports if r.dataset == "dinkes-stunting-desa"]
    found = describe(
        platform.store, platform.iris, platform.iris.dataset("dinkes-stunting-desa"), incoming_per_property=7
    )
    assert found is not None and found.kind[0] == "dataset"
    assert found.labels[found.iri][0].language == "id"
    [observations] = [g for g in found.incoming if g.predicate == QB + "dataSet"]
    # Its measures observed at other points (an empty cell) sit in cubes of their own, each
    # linked to it (dcterms:isPartOf): with theirs, every observation of the table.
    [parts] = [g for g in found.incoming if g.predicate == "http://purl.org/dc/terms/isPartOf"]
    in_parts = 0
    for part in parts.subjects:
        cube = describe(platform.store, platform.iris, part)
        assert cube is not None
        in_parts += sum(g.count for g in cube.incoming if g.predicate == QB + "dataSet")
    assert observations.count + in_parts == report.observations and len(observations.subjects) == 7
    assert observations.subjects == tuple(sorted(observations.subjects))
    assert found.truncated
    incoming = [
        t
        for t in found.graph()
        if t.predicate.value == QB + "dataSet" and t.object == ox.NamedNode(found.iri)
    ]
    assert len(incoming) == 7


def test_an_indicator_has_its_definition_and_labels_in_both_languages(demo: Demo) -> None:
    platform, _ = demo
    iri = platform.iris.indicator("balita-stunting")
    found = describe(platform.store, platform.iris, iri)
    assert found is not None and found.kind[0] == "indicator"
    assert found.label(iri) == "Balita stunting" and found.label(iri, "en") == "Stunted children under five"
    assert {lit.language for lit in found.values(SKOS + "definition") if isinstance(lit, ox.Literal)} == {
        "en",
        "id",
    }
    assert ox.NamedNode(platform.iris.agency("dinkes")) in {t.object for t in found.triples}
    assert found.label(platform.iris.agency("dinkes")) == "Dinas Kesehatan"


def test_a_load_and_its_validation_report_with_findings(demo: Demo) -> None:
    platform, _ = demo
    obs = describe(platform.store, platform.iris, c3_observation(platform))
    assert obs is not None and obs.provenance is not None and obs.provenance.load is not None
    load = describe(platform.store, platform.iris, obs.provenance.load.iri)
    assert load is not None and load.kind[0] == "load"
    assert {t.predicate.value for t in load.triples} >= {
        PROV + "startedAtTime",
        PROV + "used",
        OC + "outcome",
    }
    report = describe(platform.store, platform.iris, obs.provenance.load.report or "")
    assert report is not None and report.kind[0] == "validation-report"
    assert report.findings and report.findings[0].severity == SH + "Violation"  # violations first
    assert c3_observation(platform) in {f.focus for f in report.findings}
    assert [t.value for t in report.values(SH + "conforms")] == ["false"]


def test_labels_come_indonesian_first(demo: Demo) -> None:
    platform, _ = demo
    agency = platform.iris.agency("dinkes")
    found = describe(platform.store, platform.iris, agency)
    assert found is not None and found.kind[0] == "agency"
    languages = [lit.language for lit in found.labels[agency]]
    assert languages[0] == "id" and "en" in languages
    assert found.title("id") == "Dinas Kesehatan" and found.title("en") == "Health Office"


# --- drafts stay unseen ------------------------------------------------------------------------


def load_held_draft(platform: Platform, tmp_path: Path) -> Finding:
    """Publish a small table, then load it again with a year that has not come (2031): the
    draft is held. The violation that holds it."""
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "published"
    table = tmp_path / "penduduk.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    code, _, value = lines[3].split(";")
    lines[3] = f"{code};2031;{value}"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    held = platform.load(mapping)
    assert held.outcome == "held"
    [violation] = [f for f in held.findings if f.blocks_publication]
    return violation


@pytest.mark.slow
def test_a_held_drafts_observation_is_not_described_until_it_is_published(
    platform: Platform, tmp_path: Path
) -> None:
    draft_obs = load_held_draft(platform, tmp_path).focus
    assert "/2031/" in draft_obs
    # The held report naming it is public, yet the observation itself is not described.
    assert describe(platform.store, platform.iris, draft_obs) is None
    # A published observation of the same table does not show the draft's finding.
    published = draft_obs.replace("/2031/", "/2020/")  # the row's desa, in the year it had before
    found = describe(platform.store, platform.iris, published)
    assert found is not None and found.provenance is not None
    assert found.provenance.findings == ()

    platform.publish_draft(
        "uji-penduduk", accept_reason="uji: tahun 2031 diterima", decided_by="Walidata Uji"
    )
    now_public = describe(platform.store, platform.iris, draft_obs)
    assert now_public is not None and now_public.provenance is not None
    chain = now_public.provenance
    assert chain.load is not None and chain.load.outcome == "held"
    [publication] = chain.publications
    assert publication.kind == "publication" and publication.outcome == "published"
    assert platform.iris.person("Walidata Uji") in publication.agents
    accepted = [f for f in chain.findings if f.accepted_by]
    assert accepted and chain.acceptances
    assert chain.acceptances[0].reason == "uji: tahun 2031 diterima"
    assert any(t.predicate.value == DCTERMS + "date" for t in now_public.graph())
