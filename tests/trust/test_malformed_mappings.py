"""Malformed mapping files: refused with the file (and line) named, or loaded; never a crash.

Three kinds of input: random YAML documents, a valid mapping with one part
mutated (deleted, retyped, renamed, an unknown key, an invalid regex, an unknown
encoding, odd header rows, a path out of reach), and the valid mapping's text
damaged character by character. Property: ``load_mapping`` returns a mapping or
raises ``MappingError`` naming the file; a dry run and a load of what loads
either work or raise a ``OneCenterError`` naming the mapping or the table; a
refused or held load leaves the published version as it was.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import LoadRejected, MappingError, OneCenterError, SourceError
from graph.read.mappings import load_mapping
from graph.settings import Settings
from tests.trust.figures import record_figures
from tests.trust.hypothesis_settings import trust_settings
from tests.trust.test_malformed_tables import MAPPING, Baseline

pytestmark = pytest.mark.fuzz

VALID: dict[str, Any] = yaml.safe_load(MAPPING.format(table="tabel.csv"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False),
    st.text(max_size=15),
)
odd_values = st.sampled_from(
    [
        "(",
        "[a-",
        "(?P<x",
        "*" * 3,
        "",
        "x" * 2000,
        "\x00",
        "../../../../etc/passwd",
        "/",
        ".",
        "tabel.xlsx",
        "utf-32",
        "latin-9x",
        "\t",
        ";;",
        [0],
        [-1],
        [10**9],
        ["1"],
        {"column": None},
        {"column": "x", "value": 1},
        {"value": "2024"},
        {"column": "tidak_ada"},
        "kpm-bpnt",
        "jumlah-penduduk",
        "desa",
        "provinsi",
        "bps",
    ]
)
values = st.one_of(
    scalars,
    odd_values,
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
        max_leaves=6,
    ),
)


def paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a YAML tree (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found += paths(value, (*prefix, i))
    return found


PATHS = paths(VALID)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The valid mapping with one to three parts changed."""
    tree: dict[str, Any] = copy.deepcopy(VALID)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = tree
        try:
            for step in path[:-1]:
                parent = parent[step]
            key = path[-1]
            parent[key]  # noqa: B018 - the path may be gone after an earlier change
        except (KeyError, IndexError, TypeError):
            continue
        operation = draw(
            st.sampled_from(["delete", "replace", "replace", "odd", "odd", "unknown-key", "rename"])
        )
        if operation == "odd":  # a value of the right shape that still means trouble
            parent[key] = draw(odd_values)
            continue
        if operation == "delete":
            del parent[key]
        elif operation == "replace":
            parent[key] = draw(values)
        elif isinstance(parent, dict) and operation == "unknown-key":
            parent[draw(st.sampled_from(["extra", "colum", "Measures", "sheet", "format"]))] = draw(values)
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(key)
    return tree


# Values the schema accepts that still ask for trouble further in: the table reader,
# the region linker, the period and number parsers, the vocabulary checks.
TARGETED: list[tuple[tuple[Any, ...], list[Any]]] = [
    (
        ("source", "path"),
        ["", "/", ".", "x\x00.csv", "../../../../etc/passwd", "tabel.xlsx", "tidak-ada.csv"],
    ),
    (("source", "encoding"), ["utf-32", "latin-9x", "utf-16", "ascii", "rot13", "base64", "cp1252"]),
    (("source", "delimiter"), ["\t", "\n", '"', " ", "\x00", "é", ","]),
    (("source", "header_rows"), [[2], [1, 2, 3], [100], [10**9], [3, 1]]),
    (("source", "skip_rows"), [[1], list(range(2, 14)), [10**9]]),
    (("source", "missing"), [[], ["*"], ["2024"], ["1809012001"]]),
    (("source", "decimal"), ["point", "auto"]),
    (("source", "format"), ["xlsx"]),
    (
        ("source", "drop_rows"),
        [
            [{"column": "tidak_ada", "matches": "x"}],
            [{"column": "jumlah", "matches": ".*"}],
            [{"column": "kode_desa", "matches": "(a|a)*$"}],
        ],
    ),
    (("region", "level"), ["provinsi", "kabupaten", "kecamatan"]),
    (("region", "code", "column"), ["nama_desa", "tahun", "jumlah", "tidak_ada"]),
    (("region", "code", "system"), ["bps"]),
    (("region", "name"), [{"column": "nama_desa"}, {"value": "Padang Ratu"}, {"column": "tidak_ada"}]),
    (("period", "year"), [{"column": "jumlah"}, {"value": "2024"}, {"value": "abcd"}, {"value": 99999}]),
    (("period", "month"), [{"column": "jumlah"}, {"value": "13"}, {"value": "Januari"}]),
    (("period", "semester"), [{"value": "3"}, {"column": "tahun"}]),
    (("measures", 0, "column"), ["kode_desa", "tahun", "tidak_ada", "nama_desa"]),
    (
        ("measures", 0, "indicator"),
        ["jumlah-penduduk", "tidak-ada", {"column": "nama_desa"}, {"column": "jumlah"}],
    ),
    (("measures", 0, "unit"), ["jiwa", "persen", None]),
    (("measures", 0, "decimal"), ["point", "auto"]),
    (("measures", 0, "dimensions"), [{"jenis-kelamin": "L"}, {"tidak-ada": "x"}, {"jenis-kelamin": "?"}]),
    (("dimensions",), [{"jenis-kelamin": {"column": "nama_desa"}}, {"x": {"value": "y"}}]),
    (("dataset", "agency"), ["Dinas Sosial", "tidak-ada", "dinkes"]),
    (("dataset", "id"), ["uji-rusak-dua", "a"]),
]


@st.composite
def targeted(draw: st.DrawFn) -> dict[str, Any]:
    """The valid mapping with one to three settings given values that parse but may not fit."""
    tree: dict[str, Any] = copy.deepcopy(VALID)
    for path, choices in draw(
        st.lists(st.sampled_from(TARGETED), min_size=1, max_size=3, unique_by=lambda t: t[0])
    ):
        parent: Any = tree
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(choices)))
    return tree


@st.composite
def damaged_text(draw: st.DrawFn) -> bytes:
    """The valid mapping's text with characters inserted, deleted or swapped for odd ones."""
    text = MAPPING.format(table="tabel.csv")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 6))
        insert = draw(
            st.one_of(
                st.sampled_from(
                    [
                        "\t",
                        ":",
                        "- ",
                        "{",
                        "[",
                        "&a ",
                        "*a",
                        "!!python/object:os.system ",
                        "\x00",
                        "\n  ",
                        "'",
                        '"',
                    ]
                ),
                st.text(max_size=4),
            )
        )
        text = text[:at] + insert + text[at + cut :]
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])), errors="replace")


documents = st.one_of(
    mutated().map(lambda tree: yaml.safe_dump(tree, allow_unicode=True).encode("utf-8")),
    damaged_text(),
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    ).map(lambda doc: yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")),
    st.binary(max_size=300),
)


def clear(exc: OneCenterError, mapping: Path, table: Path) -> bool:
    """The error names the mapping, or the table it read (or tried to)."""
    text = str(exc)
    if isinstance(exc, SourceError):
        return bool(exc.file) and exc.file in text
    if isinstance(exc, LoadRejected) and exc.problems:
        return all(p.file for p in exc.problems) or table.name in text
    return str(mapping) in text or mapping.name in text or table.name in text


@pytest.fixture(scope="module")
def baseline(memory_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Baseline]:
    b = Baseline(memory_settings, tmp_path_factory.mktemp("malformed-mappings"))
    yield b
    b.platform.close()


def test_load_mapping_refuses_malformed_files_with_file_and_line(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()
    path = baseline.folder / "rusak.yaml"

    @trust_settings(300)
    @given(data=documents)
    def check(data: bytes) -> None:
        path.write_bytes(data)
        try:
            load_mapping(path)
        except MappingError as exc:
            assert exc.file == str(path) and str(path) in str(exc), exc
            seen["refused with line" if exc.line else "refused"] += 1
            return
        seen["loaded"] += 1

    check()
    record_figures("malformed_mapping_parse", {"inputs_tried": sum(seen.values()), **seen})


def test_dry_run_of_malformed_mappings_reports_or_refuses_clearly(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()
    path = baseline.folder / "rusak.yaml"
    before = baseline.published()

    @trust_settings(200)
    @given(data=st.one_of(mutated(), targeted()))
    def check(data: dict[str, Any]) -> None:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            report = baseline.platform.dry_run(path)
        except OneCenterError as exc:
            assert clear(exc, path, baseline.csv), exc
            seen[type(exc).__name__] += 1
            return
        assert report.rows_accounted == report.rows_read, report
        seen[report.outcome] += 1

    check()
    assert baseline.published() == before
    record_figures("malformed_mapping_dry_run", {"inputs_tried": sum(seen.values()), **seen})


@pytest.mark.slow
def test_loading_malformed_mappings_leaves_the_published_version(baseline: Baseline) -> None:
    seen: Counter[str] = Counter()
    path = baseline.folder / "rusak.yaml"

    @trust_settings(80)
    @given(data=st.one_of(mutated(), targeted()))
    def check(data: dict[str, Any]) -> None:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        before = baseline.published()
        try:
            report = baseline.platform.load(path)
        except OneCenterError as exc:
            assert clear(exc, path, baseline.csv), exc
            assert baseline.published() == before, "a refused load changed the published data"
            seen[type(exc).__name__] += 1
            return
        after = baseline.published()
        if report.dataset != "uji-rusak":  # another dataset id: published beside, not over it
            assert after == before
        elif report.outcome == "published":
            # A mutation the schema accepts (another title, a drop rule) is a new version.
            assert after[0] == report.graph
        else:
            assert report.outcome == "held" and after == before
        seen[report.outcome] += 1

    check()
    # Whatever happened, the good mapping loads and publishes afterwards.
    assert baseline.platform.load(baseline.csv_mapping).outcome == "published"
    record_figures("malformed_mapping_load", {"inputs_tried": sum(seen.values()), **seen})
