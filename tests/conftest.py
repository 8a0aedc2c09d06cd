"""Shared fixtures: real stores, the demo data, small agency tables written per test.

Markers by kind: every test under ``tests/pages`` drives Chromium (``browser``), every test
under ``tests/contract`` talks to a real ``oxigraph`` server (``server``); a module or test
that starts a server, generates inputs or kills processes says so itself. Each of these
kinds is ``slow`` too, so ``pytest -m "not slow"`` (``make check``) leaves them all out.

States that take seconds to make (the reference graphs, the demo on disk, the demo with the
status table) are made once per worker; a test that writes gets a copy (a bulk load of their
quads, or a copy of a closed store's folder), never the shared one.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.results import solution_rows
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.embedded import EmbeddedStore
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


def nquads_of(store: Store) -> str:
    """Every quad of every named graph as N-Quads (the pipeline writes nothing else): what
    ``bulk_load`` takes to make a copy of ``store``."""
    if isinstance(store, EmbeddedStore):
        # Oxigraph's own dump, graph by graph, is several times faster than a SPARQL query
        # serialized term by term (seconds per worker for the demo). N-Triples escape newlines
        # inside literals, so " .\n" ends a line only: the graph goes before it.
        dumped = io.BytesIO()
        for graph in store.named_graphs():
            triples = io.BytesIO()
            store.dump_graph(graph, triples)
            dumped.write(triples.getvalue().replace(b" .\n", f" <{graph}> .\n".encode()))
        return dumped.getvalue().decode("utf-8")
    quads = store.query(
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        default_graph=[],
        named_graphs=store.named_graphs(),
    )
    assert isinstance(quads, ox.QuerySolutions)
    text = ox.serialize((ox.Quad(q["s"], q["p"], q["o"], q["g"]) for q in quads), format=ox.RdfFormat.N_QUADS)
    return (text or b"").decode("utf-8")


@pytest.fixture(scope="session")
def demo_on_disk(demo: tuple[Platform, list[LoadReport]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo graph copied quad for quad from the in-memory build into an on-disk store, once
    per worker and never opened: a module copies the folder (``shutil.copytree``, milliseconds)
    and opens its copy, so its view cache and writes stay its own."""
    path = tmp_path_factory.mktemp("demo-on-disk") / "store"
    target = EmbeddedStore(path)
    target.bulk_load([nquads_of(demo[0].store)])
    target.close()
    return path


@pytest.fixture(scope="session")
def status_demo(
    memory_settings: Settings,
    demo: tuple[Platform, list[LoadReport]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Platform]:
    """The demo with ``tests/category_table.py``'s status table published, made once per worker
    (a copy of ``demo``'s quads, then the table's load) for the modules that only read it (map,
    API, pages); a test that writes makes its own with ``platform_with_status``."""
    from tests.category_table import platform_with_status

    copy = EmbeddedStore(None)
    copy.bulk_load([nquads_of(demo[0].store)])
    platform, _ = platform_with_status(memory_settings, tmp_path_factory.mktemp("status"), copy)
    yield platform
    platform.close()


@pytest.fixture(scope="session")
def reference_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``store``, an on-disk store with the reference graphs, and the audit
    chain beside it, made once per worker: tests take a copy (``copy_reference``), as loading
    the reference on disk, its graphs hashed into the chain, takes seconds each time."""
    folder = tmp_path_factory.mktemp("referensi")
    reports = tmp_path_factory.mktemp("referensi-laporan")
    settings = load_settings(store_path=str(folder / "store"), reports_dir=str(reports), agent="uji")
    platform = Platform(settings)
    platform.load_reference()
    platform.close()
    return folder


def copy_reference(reference_folder: Path, folder: Path) -> Path:
    """A copy of ``reference_folder`` (store closed, audit chain beside it) in ``folder``;
    returns the store's path."""
    shutil.copytree(reference_folder, folder, dirs_exist_ok=True)
    return folder / "store"


@pytest.fixture(scope="session")
def reference_nquads(memory_settings: Settings) -> str:
    """The reference graphs as ``load_reference`` writes them into an in-memory store, made
    once per worker: a fresh platform starts from a copy (a bulk load of these quads)."""
    p = Platform(memory_settings)
    try:
        p.load_reference()
        return nquads_of(p.store)
    finally:
        p.close()


@pytest.fixture
def platform(memory_settings: Settings, reference_nquads: str) -> Iterator[Platform]:
    """A fresh platform on an empty in-memory store, with the reference graphs loaded."""
    store = EmbeddedStore(None)
    store.bulk_load([reference_nquads])
    p = Platform(memory_settings, store)
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
