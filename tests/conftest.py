"""Shared fixtures: real stores, the demo data, small agency tables written per test.

Markers by kind: every test under ``tests/pages`` drives Chromium (``browser``), every test
under ``tests/contract`` talks to a real ``oxigraph`` server (``server``); a module or test
that starts a server, generates inputs or kills processes says so itself. Each of these
kinds is ``slow`` too, so ``pytest -m "not slow"`` (``make check``) leaves them all out.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.results import solution_rows
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.interface import Store

_KIND_OF_FOLDER = {"pages": "browser", "contract": "server"}
_SLOW_KINDS = ("browser", "server", "fuzz", "kill")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        folder = item.path.relative_to(tests).parts[0] if item.path.is_relative_to(tests) else ""
        if folder in _KIND_OF_FOLDER:
            item.add_marker(_KIND_OF_FOLDER[folder])
        if any(item.get_closest_marker(kind) for kind in _SLOW_KINDS):
            item.add_marker("slow")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's ONECENTER_* variables."""
    for name in list(os.environ):
        if name.startswith("ONECENTER_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def memory_settings() -> Settings:
    return load_settings(store_path=":memory:")


@pytest.fixture(scope="session")
def demo(memory_settings: Settings) -> Iterator[tuple[Platform, list[LoadReport]]]:
    """The demo graph, built once per test session in an in-memory store."""
    platform = Platform(memory_settings)
    reports, failures = platform.build()
    assert not failures, failures
    yield platform, reports
    platform.close()


@pytest.fixture
def platform(memory_settings: Settings) -> Iterator[Platform]:
    """A fresh platform on an empty in-memory store, with the reference graphs loaded."""
    p = Platform(memory_settings)
    p.load_reference()
    yield p
    p.close()


SMALL_MAPPING = """\
dataset:
  id: uji-penduduk
  title: {{id: Penduduk uji, en: Test population}}
  description: {{id: Tabel uji, en: Test table}}
  agency: disdukcapil
  frequency: annual
source:
  path: {path}
  delimiter: ";"
  decimal: comma
region:
  level: desa
  code: {{column: kode_desa, system: kemendagri}}
period:
  year: {{column: tahun}}
measures:
  - column: jumlah
    indicator: jumlah-penduduk
    unit: jiwa
"""


def write_small_table(folder: Path, values: list[str], codes: list[str] | None = None) -> Path:
    """A semicolon CSV of Pesawaran desa populations and its mapping; returns the mapping."""
    desa = codes or [
        "1809012001",
        "1809012002",
        "1809012003",
        "1809012004",
        "1809012005",
        "1809012006",
        "1809012007",
        "1809012008",
        "1809012009",
        "1809012010",
    ]
    lines = ["kode_desa;tahun;jumlah"]
    for i, value in enumerate(values):
        lines.append(f"{desa[i % len(desa)]};{2020 + i // len(desa)};{value}")
    table = folder / "penduduk.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "uji-penduduk.yaml"
    mapping.write_text(SMALL_MAPPING.format(path=table.name), encoding="utf-8")
    return mapping


def with_future_year(mapping: Path, values: list[str], row_index: int = 3) -> None:
    """Rewrite the small table so that one data row says 2031, a year that has not come."""
    write_small_table(mapping.parent, values)
    table = mapping.parent / "penduduk.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    code, _, value = lines[row_index].split(";")
    lines[row_index] = f"{code};2031;{value}"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")


def all_quads(store: Store) -> list[tuple[str, str, str, str]]:
    """Every quad of every named graph (the pipeline writes nothing else), sorted: equal
    lists mean the store holds the same data."""
    rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", default_graph=[])
    return sorted((str(r["g"]), str(r["s"]), str(r["p"]), str(r["o"])) for r in solution_rows(rows))


@pytest.fixture
def project_dir() -> Path:
    return PROJECT_DIR
