"""A draft's observation shapes checked on its columns find exactly what their queries find.

Every test judges the same store twice, once with the draft's columns (graph.check.column_checks)
and once with every shape run in the store, and compares the findings in full: focus,
constraint, path, value, severity, shape and both messages.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyoxigraph as ox
import pytest

from graph.check.column_checks import _CHECKS, DraftContext, check, fingerprint, numeric, trace_on_columns
from graph.check.engine import _narrow_class_targets, validate
from graph.check.findings import Finding
from graph.check.shapes import Shapes
from graph.check.trace import trace_findings
from graph.cube.draft_columns import DraftObservations
from graph.cube.quads import QuadContext, quads
from graph.publish.draft import Draft
from graph.publish.platform import Platform
from graph.rdf.namespaces import QB
from graph.read.mappings import discover_mappings
from graph.settings import Settings
from graph.store.versions import candidate_graphs

# Slow: drafts are judged both ways, on the columns and in the store.
pytestmark = pytest.mark.slow

XSD = "http://www.w3.org/2001/XMLSchema#"
SHAPES = "https://w3id.org/onecenter/shapes#"

# Two columns of one indicator, one with a dimension and one without: the observations of
# the second lack a dimension of the structure (IC-11) and duplicate those of the first
# (IC-12: every dimension value they have, the other has too).
MIXED_MAPPING = """\
dataset:
  id: uji-murid
  title: {{id: Murid uji, en: Test pupils}}
  description: {{id: Tabel uji, en: Test table}}
  agency: disdik
  frequency: annual
source:
  path: {path}
  delimiter: ";"
region:
  level: desa
  code: {{column: kode_desa, system: kemendagri}}
period:
  year: {{column: tahun}}
measures:
  - column: murid_sd
    indicator: jumlah-murid
    unit: jiwa
    dimensions: {{jenjang: SD}}
  - column: murid
    indicator: jumlah-murid
    unit: jiwa
  - column: putus
    indicator: murid-putus-sekolah
    unit: jiwa
"""


def mixed_table(folder: Path) -> Path:
    lines = ["kode_desa;tahun;murid_sd;murid;putus"]
    for i, code in enumerate(["1809012001", "1809012002", "1809012003", "1809012004"]):
        lines.append(f"{code};2024;{100 + i};{150 + i};{i}")
    (folder / "murid.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "uji-murid.yaml"
    mapping.write_text(MIXED_MAPPING.format(path="murid.csv"), encoding="utf-8")
    return mapping


def compared(findings: list[Finding]) -> list[tuple[object, ...]]:
    return sorted((*f.key(), f.value, f.message_id, f.message_en) for f in findings)


ON_COLUMNS = {
    "ObservasiStruktur",
    "IC-1-DatasetUnik",
    "IC-11-SemuaDimensiAda",
    "IC-12-TanpaObservasiGanda",
    "IC-14-UkuranDalamDSD",
    "IC-15-NilaiUkuranAda",
    "IC-16-SatuUkuran",
    "NilaiUkuranSesuaiRange",
}


def decided_on_columns(platform: Platform, graphs: list[str], draft: DraftObservations) -> set[str]:
    """The shapes whose queries the checks answer for ``draft`` (the rest run in the store)."""
    queries = platform.shapes.queries
    texts = _narrow_class_targets(platform.store, graphs, [q.query for q in queries])
    context = DraftContext.read(platform.store, graphs, draft)
    return {
        q.constraints[0].shape.removeprefix(SHAPES)
        for q, text in zip(queries, texts, strict=True)
        if check(q, text, draft, context) is not None
    }


def judged_both_ways(
    platform: Platform, drafts: list[Draft], in_store: frozenset[str] = frozenset()
) -> list[Finding]:
    """The findings with the drafts' columns, after checking they equal the store's own and
    that the columns answered every observation shape but those ``in_store``."""
    graphs = candidate_graphs(platform.store, platform.iris, {d.dataset_iri: d.graph for d in drafts})
    columns = [d.observations for d in drafts if d.observations is not None]
    assert len(columns) == len(drafts), "every draft here has columns"
    for c in columns:
        assert decided_on_columns(platform, graphs, c) == ON_COLUMNS - in_store
    on_columns = validate(platform.store, platform.shapes, graphs, drafts=columns)
    in_the_store = validate(platform.store, platform.shapes, graphs)
    assert compared(on_columns) == compared(in_the_store)
    # Traced both ways: file, row, column and cell of each finding the same too; the
    # findings on the drafts' observations all traced from their columns.
    for c in columns:
        mine = set(c.subjects().to_pylist())
        left = trace_on_columns(platform.store, graphs, c, [replace(f) for f in on_columns])
        assert not [f for f in left if f.focus in mine]
    trace_findings(platform.store, graphs, on_columns, drafts=columns)
    trace_findings(platform.store, graphs, in_the_store)
    assert sorted(map(traced, on_columns)) == sorted(map(traced, in_the_store))
    return on_columns


def traced(f: Finding) -> tuple[object, ...]:
    return (*f.key(), f.value, f.dataset, f.agency, f.file, f.sheet, f.row, f.column, f.raw)


@pytest.fixture
def mixed(platform: Platform, tmp_path: Path) -> Draft:
    return platform._stage(mixed_table(tmp_path))


def test_columns_hold_exactly_the_triples_the_writer_wrote(platform: Platform) -> None:
    # The population table has a sex dimension on some observations only.
    path, _ = platform.mapping_for("disdukcapil-penduduk-desa")
    draft = platform._stage(path)
    columns = draft.observations
    assert columns is not None and len(columns) > 1000
    rows = platform.store.query(
        f"SELECT ?s ?p ?o WHERE {{ ?s a <{QB}Observation> ; ?p ?o }}", default_graph=[draft.graph]
    )
    assert isinstance(rows, ox.QuerySolutions)
    stored: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        stored.setdefault(r["p"].value, set()).add((r["s"].value, r["o"].value))
    measures = set(pa.compute.unique(columns.measure).to_pylist())
    assert set(stored) == set(columns.fixed_predicates) | set(columns.dimension_predicates) | measures
    assert columns.dimension_predicates, "the table has a dimension"
    for predicate, pairs in stored.items():
        objects = columns.objects(predicate)
        held = {
            (s, o)
            for s, o in zip(columns.subjects().to_pylist(), objects.to_pylist(), strict=True)
            if o is not None
        }
        if predicate in measures:
            # Oxigraph keeps numbers in canonical form ("100.0"^^xsd:decimal reads "100").
            assert {(s, float(o)) for s, o in held} == {(s, float(o)) for s, o in pairs}, predicate
        else:
            assert held == pairs, predicate


def test_the_demo_tables_judged_together_find_the_same(memory_settings: Settings) -> None:
    platform = Platform(memory_settings)
    try:
        platform.load_reference()
        drafts = [platform._stage(m) for m in discover_mappings(platform.settings.mappings_path)]
        findings = judged_both_ways(platform, drafts)
        assert findings, "the demo tables break cross-agency rules on purpose"
    finally:
        platform.close()


def test_dimension_on_some_observations_only_breaks_ic11_and_ic12(platform: Platform, mixed: Draft) -> None:
    findings = judged_both_ways(platform, [mixed])
    shapes = {f.shape.removeprefix(SHAPES) for f in findings}
    assert {"IC-11-SemuaDimensiAda", "IC-12-TanpaObservasiGanda"} <= shapes
    duplicates = [f for f in findings if f.shape == SHAPES + "IC-12-TanpaObservasiGanda"]
    assert len(duplicates) == 4  # each observation without jenjang duplicates its SD twin
    assert all(f.value and "jenjang=SD" in f.value and "jenjang" not in f.focus for f in duplicates)


# Changes made in the store after the stage, as SPARQL updates.
STRUCTURE_CHANGES = {
    # A measure taken out of the structure: its observations break IC-14.
    "measure-missing": "DELETE WHERE {{ GRAPH <{g}> {{ ?c qb:measure <{base}id/indikator/murid-putus-sekolah> }} }}",
    # A dimension no observation has: every observation breaks IC-11.
    "dimension-nobody-has": "INSERT DATA {{ GRAPH <{g}> {{ <{dsd}> qb:component <{dsd}/x> . "
    "<{dsd}/x> qb:dimension <{base}def#dimensiLain> }} }}",
    # A measure that is a predicate every observation has (a literal): IC-16.
    "measure-is-source-column": "INSERT DATA {{ GRAPH <{g}> {{ <{dsd}> qb:component <{dsd}/y> . "
    "<{dsd}/y> qb:measure <https://w3id.org/onecenter/def#sourceColumn> }} }}",
    # A second, empty structure: every indicator is missing from one of them (IC-14).
    "second-structure": "INSERT DATA {{ GRAPH <{g}> {{ <{ds}> qb:structure <{dsd}-2> }} }}",
    # The dimension left out of the structure: observations with and without it are alike.
    "dimension-left-out": "DELETE WHERE {{ GRAPH <{g}> {{ ?c qb:dimension <{base}id/dimensi/jenjang> }} }}",
    # No structure: IC-12 compares region, period and indicator only.
    "no-structure": "DELETE WHERE {{ GRAPH <{g}> {{ <{ds}> qb:structure ?dsd }} }}",
    # An indicator's range changed: values of another datatype (decided in the store).
    "range-changed": "DELETE WHERE {{ GRAPH ?o {{ <{base}id/indikator/jumlah-murid> rdfs:range ?r }} }} ; "
    "INSERT DATA {{ GRAPH <{g}> {{ <{base}id/indikator/jumlah-murid> rdfs:range xsd:decimal }} }}",
    # Two ranges (decided in the store too).
    "two-ranges": "INSERT DATA {{ GRAPH <{g}> {{ <{base}id/indikator/jumlah-murid> rdfs:range xsd:double }} }}",
}


# Change -> the shape whose findings it must add (on top of IC-11 and IC-12).
BROKEN_BY = {
    "measure-missing": "IC-14-UkuranDalamDSD",
    "dimension-nobody-has": "IC-11-SemuaDimensiAda",
    "measure-is-source-column": "IC-16-SatuUkuran",
    "second-structure": "IC-14-UkuranDalamDSD",
    "no-structure": "IC-12-TanpaObservasiGanda",
    "dimension-left-out": "IC-12-TanpaObservasiGanda",
    "range-changed": "NilaiUkuranSesuaiRange",
    "two-ranges": "NilaiUkuranSesuaiRange",
}


@pytest.mark.parametrize("change", sorted(STRUCTURE_CHANGES))
def test_structures_and_ranges_changed_in_the_store(platform: Platform, mixed: Draft, change: str) -> None:
    before = compared(judged_both_ways(platform, [mixed]))
    update = STRUCTURE_CHANGES[change].format(
        g=mixed.graph, ds=mixed.dataset_iri, dsd=platform.iris.structure("uji-murid"), base=platform.iris.base
    )
    platform.store.update(
        "PREFIX qb: <http://purl.org/linked-data/cube#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + update
    )
    decided_in_store = {"range-changed", "two-ranges"}
    after = judged_both_ways(
        platform, [mixed], frozenset({"NilaiUkuranSesuaiRange"} if change in decided_in_store else ())
    )
    added = {
        f.shape.removeprefix(SHAPES)
        for f in after
        if (*f.key(), f.value, f.message_id, f.message_en) not in before
    }
    assert BROKEN_BY[change] in added, added


def write_draft(platform: Platform, tidy: pd.DataFrame, folder: Path) -> Draft:
    """A draft of hand-made tidy observations: what a stage writes, values as given."""
    draft = platform._stage(mixed_table(folder))
    assert draft.observations is not None
    ctx = QuadContext(platform.iris, "uji-murid", draft.graph, "0" * 64, None)
    platform.store.update(f"DELETE WHERE {{ GRAPH <{draft.graph}> {{ ?s a <{QB}Observation> ; ?p ?o }} }}")
    platform.store.bulk_load(iter(quads(tidy, platform.vocabulary, ctx, 1000)))
    draft.observations = DraftObservations.of(tidy, platform.vocabulary, ctx)
    return draft


def tidy_rows(values: list[str]) -> pd.DataFrame:
    codes = ["1809012001", "1809012002", "1809012003", "1809012004", "1809012005", "1809012006"]
    return pd.DataFrame(
        {
            "row": [i + 2 for i in range(len(values))],
            "column": "murid",
            "raw": values,
            "region": [codes[i % len(codes)] for i in range(len(values))],
            "period": [str(2020 + i // len(codes)) for i in range(len(values))],
            "indicator": "jumlah-murid",
            "dims": "",
            "value": values,
            "method": "code",
            "score": 1.0,
            "runner_up": None,
            "decision": None,
            "stated_parent": None,
            "stated_parent_name": None,
        }
    ).astype(
        {
            "runner_up": "string",
            "decision": "string",
            "stated_parent": "string",
            "stated_parent_name": "string",
        }
    )


ODD_VALUES = ["12", "1.5", "+7", "007", "1e-05", "", " 5", "abc", "-0",
              "12345678901234567890", "-9223372036854775808", "9223372036854775807"]  # fmt: skip


def test_values_that_are_not_numbers_of_the_range(platform: Platform, tmp_path: Path) -> None:
    draft = write_draft(platform, tidy_rows(ODD_VALUES), tmp_path)
    findings = judged_both_ways(platform, [draft])
    flagged = {f.value for f in findings if f.shape == SHAPES + "NilaiUkuranSesuaiRange"}
    assert flagged == {"1.5", "1e-05", "", " 5", "abc", "12345678901234567890"}


@pytest.mark.parametrize("datatype", ["integer", "decimal"])
def test_numbers_read_as_oxigraph_reads_them(datatype: str) -> None:
    values = ODD_VALUES + ["1.", ".5", "5.5.5", "1.1234567890123456789", "170141183460469231731.6",
                           "123456789012345678901234567890", "0000000000000000000000001"]  # fmt: skip
    literals = " ".join(str(ox.Literal(v, datatype=ox.NamedNode(XSD + datatype))) for v in values)
    answers = ox.Store().query(f"SELECT ?v (isNumeric(?v) AS ?n) WHERE {{ VALUES ?v {{ {literals} }} }}")
    assert isinstance(answers, ox.QuerySolutions)
    expected = [s["n"].value == "true" for s in answers]
    assert numeric(pa.array(values), XSD + datatype).to_pylist() == expected


def test_two_rows_of_one_observation_leave_the_judging_to_the_store(platform: Platform) -> None:
    tidy = tidy_rows(["1", "2"])
    tidy.loc[1, ["region", "period"]] = tidy.loc[0, ["region", "period"]]
    ctx = QuadContext(platform.iris, "uji-murid", platform.iris.base + "graph/x", "0" * 64, None)
    assert DraftObservations.of(tidy, platform.vocabulary, ctx) is None


def test_every_check_was_written_for_the_shapes_shipped(platform: Platform) -> None:
    by_shape = {
        q.constraints[0].shape: q for q in platform.shapes.queries if q.constraints[0].count_test is None
    }
    for shape, (written_for, _) in _CHECKS.items():
        assert fingerprint(by_shape[shape].query) == written_for, shape


def test_a_shape_edited_in_its_file_is_judged_in_the_store(
    platform: Platform, mixed: Draft, caplog: pytest.LogCaptureFixture
) -> None:
    graph = platform.shapes.graph
    edited = Shapes.from_graph(graph)
    query = next(q for q in edited.queries if q.constraints[0].shape == SHAPES + "IC-12-TanpaObservasiGanda")
    query.constraints[0].query = query.constraints[0].query.replace("COUNT(*) > 1", "COUNT(*) > 2")
    assert mixed.observations is not None
    graphs = candidate_graphs(platform.store, platform.iris, {mixed.dataset_iri: mixed.graph})
    context = DraftContext.read(platform.store, graphs, mixed.observations)
    with caplog.at_level(logging.WARNING, logger="onecenter.draft_checks"):
        assert check(query, query.query, mixed.observations, context) is None
    assert "IC-12-TanpaObservasiGanda: query changed" in caplog.text
    original = next(
        q for q in platform.shapes.queries if q.constraints[0].shape == query.constraints[0].shape
    )
    assert check(original, original.query, mixed.observations, context)


def test_a_load_checks_its_draft_on_columns_and_lets_them_go(platform: Platform, tmp_path: Path) -> None:
    # Platform.load is these three steps.
    draft = platform._stage(mixed_table(tmp_path))
    assert draft.observations is not None
    platform._judge([draft])
    platform._settle(draft)
    assert draft.observations is None
    report = draft.report
    assert "draft columns" in report.step_seconds
    assert report.violations > 0  # IC-11 and IC-12, found on the columns


def test_columns_can_be_turned_off(memory_settings: Settings, tmp_path: Path) -> None:
    platform = Platform(memory_settings.model_copy(update={"check_drafts_in_columns": False}))
    try:
        platform.load_reference()
        draft = platform._stage(mixed_table(tmp_path))
        assert draft.observations is None and "draft columns" not in draft.report.step_seconds
    finally:
        platform.close()


def test_a_file_known_by_two_names_is_traced_in_the_store(platform: Platform, mixed: Draft) -> None:
    assert mixed.observations is not None
    graphs = candidate_graphs(platform.store, platform.iris, {mixed.dataset_iri: mixed.graph})
    findings = validate(platform.store, platform.shapes, graphs, drafts=[mixed.observations])
    assert len(trace_on_columns(platform.store, graphs, mixed.observations, list(findings))) < len(findings)
    platform.store.update(
        f"INSERT DATA {{ GRAPH <{platform.iris.provenance_graph}> {{ <{mixed.observations.file}> "
        '<https://w3id.org/onecenter/def#fileName> "nama-lain.csv" } }'
    )
    assert trace_on_columns(platform.store, graphs, mixed.observations, list(findings)) == findings
