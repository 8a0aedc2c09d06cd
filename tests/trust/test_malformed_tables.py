"""Malformed agency tables: reading and loading them fails clearly or works, never crashes.

Property: ``read_table``, a dry run and a load either succeed or raise one of One
Center's own errors (``OneCenterError``) whose message names the file; never a bare
Python exception (UnicodeError, IndexError, zipfile.BadZipFile, ...). A load that
fails or is held leaves the published version exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.answer.sparql import run_query
from graph.errors import LoadRejected, OneCenterError, SourceError
from graph.publish.platform import Platform
from graph.read.mappings import SourceSpec
from graph.read.tables import read_table
from graph.settings import Settings
from graph.store.versions import published_datasets
from tests.trust.figures import record_figures
from tests.trust.hypothesis_settings import trust_settings
from tests.trust.malformed import DESA, HEADER, csv_bytes, nearly_good_csv, workbook_bytes, xlsx_bytes

pytestmark = pytest.mark.fuzz

MAPPING = """\
dataset:
  id: uji-rusak
  title: {{id: Tabel uji rusak, en: Malformed test table}}
  description: {{id: Tabel uji, en: Test table}}
  agency: dinsos
  frequency: annual
source:
  path: {table}
  delimiter: ";"
  decimal: comma
  drop_rows:
    - {{column: kode_desa, matches: "^(jumlah|total)"}}
region:
  level: desa
  code: {{column: kode_desa, system: kemendagri}}
period:
  year: {{column: tahun}}
measures:
  - column: jumlah
    indicator: kpm-pkh
    unit: keluarga
"""

GOOD_ROWS = [[code, f"Desa {i}", "2024", str(100 + i)] for i, code in enumerate(DESA)]


def good_csv() -> bytes:
    return ("\n".join(";".join(r) for r in [HEADER, *GOOD_ROWS]) + "\n").encode("utf-8")


def names_the_file(exc: OneCenterError, path: Path) -> bool:
    """The error says which file: in its text, or (a refused load) in every problem it lists."""
    if path.name in str(exc):
        return True
    return (
        isinstance(exc, LoadRejected)
        and bool(exc.problems)
        and all(p.file == path.name for p in exc.problems)
    )


class Baseline:
    """An in-memory platform with a good version of ``uji-rusak`` published."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.platform = Platform(settings)
        self.platform.load_reference()
        self.folder = folder
        self.csv = folder / "tabel.csv"
        self.xlsx = folder / "tabel.xlsx"
        self.csv_mapping = folder / "uji-rusak.yaml"
        self.csv_mapping.write_text(MAPPING.format(table=self.csv.name), encoding="utf-8")
        self.xlsx_mapping = folder / "uji-rusak-xlsx.yaml"
        self.xlsx_mapping.write_text(
            MAPPING.format(table=self.xlsx.name).replace('  delimiter: ";"\n', ""), encoding="utf-8"
        )
        self.csv.write_bytes(good_csv())
        assert self.platform.load(self.csv_mapping).outcome == "published"

    def published(self) -> tuple[str, frozenset[tuple[str, ...]]]:
        """The dataset's published graph and its observations through the public query path."""
        store, iris = self.platform.store, self.platform.iris
        graph = published_datasets(store, iris)[iris.dataset("uji-rusak")]
        outcome = run_query(
            store,
            iris,
            f"""SELECT ?o ?v WHERE {{ ?o <http://purl.org/linked-data/cube#dataSet> <{iris.dataset("uji-rusak")}> ;
                 <http://purl.org/linked-data/cube#measureType> ?m ; ?m ?v }}""",
            max_rows=100_000,
        )
        return graph, frozenset(tuple(t.value for t in row) for row in outcome.rows)


@pytest.fixture(scope="module")
def baseline(memory_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Baseline]:
    b = Baseline(memory_settings, tmp_path_factory.mktemp("malformed-tables"))
    yield b
    b.platform.close()


specs = st.builds(
    SourceSpec,
    path=st.just("tabel.csv"),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8-sig", "cp1252", "utf-16", "latin-1"]),
    header_rows=st.sampled_from([[1], [1, 2], [3]]),
    skip_rows=st.sampled_from([[], [2], [1000]]),
)


def test_reading_malformed_csv_raises_only_source_errors(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()

    @trust_settings(300)
    @given(data=csv_bytes(), spec=specs)
    def check(data: bytes, spec: SourceSpec) -> None:
        baseline.csv.write_bytes(data)
        try:
            table = read_table(baseline.csv, spec)
        except SourceError as exc:
            assert str(baseline.csv) in str(exc), exc
            seen["refused"] += 1
            return
        assert table.rows_read == len(table.frame) + len(table.blank_rows) + len(table.dropped)
        seen["read"] += 1

    check()
    record_figures("malformed_csv_read", {"inputs_tried": sum(seen.values()), **seen})


def test_reading_malformed_xlsx_raises_only_source_errors(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()
    spec = SourceSpec(path="tabel.xlsx")

    @trust_settings(300)
    @given(data=xlsx_bytes())
    def check(data: bytes) -> None:
        baseline.xlsx.write_bytes(data)
        try:
            read_table(baseline.xlsx, spec)
        except SourceError as exc:
            assert str(baseline.xlsx) in str(exc), exc
            seen["refused"] += 1
            return
        seen["read"] += 1

    check()
    record_figures("malformed_xlsx_read", {"inputs_tried": sum(seen.values()), **seen})


def test_dry_run_of_malformed_csv_reports_or_refuses_clearly(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()
    before = baseline.published()

    @trust_settings(150)
    @given(data=st.one_of(nearly_good_csv(), csv_bytes()))
    def check(data: bytes) -> None:
        baseline.csv.write_bytes(data)
        try:
            report = baseline.platform.dry_run(baseline.csv_mapping)
        except OneCenterError as exc:
            assert names_the_file(exc, baseline.csv) or names_the_file(exc, baseline.csv_mapping), exc
            seen[type(exc).__name__] += 1
            return
        assert report.rows_accounted == report.rows_read, report
        seen[report.outcome] += 1

    check()
    assert baseline.published() == before
    record_figures("malformed_csv_dry_run", {"inputs_tried": sum(seen.values()), **seen})


@pytest.mark.slow
def test_loading_malformed_tables_leaves_the_published_version(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()

    @trust_settings(120)
    @given(
        data=st.one_of(
            nearly_good_csv().map(lambda d: ("csv", d)),
            csv_bytes().map(lambda d: ("csv", d)),
            xlsx_bytes().map(lambda d: ("xlsx", d)),
        )
    )
    def check(data: tuple[str, bytes]) -> None:
        kind, content = data
        table, mapping = (
            (baseline.csv, baseline.csv_mapping) if kind == "csv" else (baseline.xlsx, baseline.xlsx_mapping)
        )
        table.write_bytes(content)
        before = baseline.published()
        try:
            report = baseline.platform.load(mapping)
        except OneCenterError as exc:
            assert names_the_file(exc, table) or names_the_file(exc, mapping), exc
            assert baseline.published() == before, "a refused load changed the published data"
            seen[f"{kind} {type(exc).__name__}"] += 1
            return
        after = baseline.published()
        if report.outcome == "published":
            assert after[0] == report.graph and len(after[1]) == report.observations
        else:
            assert report.outcome == "held" and after == before
        seen[f"{kind} {report.outcome}"] += 1

    check()
    # Whatever happened, a good table loads and publishes afterwards.
    baseline.csv.write_bytes(good_csv())
    assert baseline.platform.load(baseline.csv_mapping).outcome == "published"
    record_figures("malformed_table_load", {"inputs_tried": sum(seen.values()), **seen})


def test_sound_workbook_of_the_strategy_reads(baseline: Baseline) -> None:
    """The XLSX strategy starts from files the reader accepts (else it tests nothing)."""
    baseline.xlsx.write_bytes(workbook_bytes([HEADER, *GOOD_ROWS]))
    table = read_table(baseline.xlsx, SourceSpec(path="tabel.xlsx"))
    assert list(table.frame["kode_desa"]) == DESA
