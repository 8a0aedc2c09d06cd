"""A partition's rows give the view's dicts in scan order, and its file gives back the same rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pyoxigraph as ox
import pytest

from graph.answer import view_rows
from graph.answer.view_files import partition_file, read_partition_file, write_partition_file
from graph.answer.view_rows import COLUMNS, dimension_properties, scan_rows, view_dicts
from graph.rdf.namespaces import OC
from graph.store.connect import open_store

INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
KEY = ("http://x/dimensi/jenis-kelamin",)


def rows() -> pa.Table:
    """Rows as a scan reads them: keys interleaved, a category, a breakdown key."""
    data = [
        # obs, indicator, period, dataset, area, value, datatype, language, dimension
        ("o1", "i", "p", "d1", "x", "1", INTEGER, None, None),
        ("o2", "j", "p", "d1", "x", "5", INTEGER, None, None),
        ("o3", "i", "p", "d1", "y", "2", INTEGER, None, None),
        ("o4", "s", "p", "d1", "x", "http://x/status/maju", None, None, None),
        ("o5", "i", "p", "d1", "x", "1", INTEGER, None, None),
        ("o6", "i", "p", "d2", "y", "nama", None, "id", None),
        ("o1", None, None, None, None, "http://x/kode/l", None, None, KEY[0]),
    ]
    columns = list(zip(*data, strict=True))
    arrays = [pa.array(c, pa.string()).dictionary_encode() for c in columns]
    return pa.Table.from_arrays(arrays, names=list(COLUMNS))


def lit(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(INTEGER))


def test_the_dicts_follow_the_order_of_the_scan() -> None:
    sourced, coded, categories = view_dicts(rows())
    assert list(sourced) == [("i", "p", "d1"), ("j", "p", "d1"), ("i", "p", "d2")]
    assert sourced[("i", "p", "d1")] == {"x": [lit("1"), lit("1")], "y": [lit("2")]}
    assert list(sourced[("i", "p", "d1")]) == ["x", "y"]
    assert sourced[("i", "p", "d2")] == {"y": [ox.Literal("nama", language="id")]}
    first, second = sourced[("i", "p", "d1")]["x"]
    assert first is second  # one object per distinct literal
    assert coded == {("s", "p"): {"x"}}
    assert categories == {("s", "p", "d1"): {"x": ["http://x/status/maju"]}}


def test_a_file_gives_back_its_rows_unless_it_is_outdated(tmp_path: Path) -> None:
    table = rows()
    write_partition_file(tmp_path, "g", "store", table, 6, KEY)
    found = read_partition_file(tmp_path, "g", "store", KEY)
    assert found is not None
    assert found[0].to_pylist() == table.to_pylist() and found[1] == 6
    assert view_dicts(found[0]) == view_dicts(table)
    # Another breakdown property declared since: the graph is scanned again.
    assert read_partition_file(tmp_path, "g", "store", (*KEY, "http://x/dimensi/jenjang")) is None
    assert read_partition_file(tmp_path, "g", "another store", KEY) is None
    # A file of the first format (no observation IRIs): outdated, never read.
    old = table.replace_schema_metadata(
        {b"format": b"onecenter-view-partition/1", b"graph": b"g", b"store": b"store", b"count": b"6"}
    )
    with pa.OSFile(str(partition_file(tmp_path, "g")), "wb") as sink, ipc.new_file(sink, old.schema) as w:
        w.write_table(old)
    assert read_partition_file(tmp_path, "g", "store", KEY) is None


def test_a_scan_read_in_chunks_gives_the_same_rows_and_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qb, sdmx = "http://purl.org/linked-data/cube#", "http://purl.org/linked-data/sdmx/2009/dimension#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = [f"<{KEY[0]}> {rdf_type} <{qb}DimensionProperty> <http://x/ontologi> ."]
    for n in range(5):
        o = f"<http://x/obs/{n}>"
        lines += [
            f"{o} <{qb}measureType> <http://x/i> <http://x/g> .",
            f'{o} <http://x/i> "{n % 2}"^^<{INTEGER}> <http://x/g> .',
            f"{o} <{qb}dataSet> <http://x/cube> <http://x/g> .",
            f"<http://x/cube> <{OC}cubeOf> <http://x/d> <http://x/g> .",
            f"{o} <{sdmx}refArea> <http://x/area/{n}> <http://x/g> .",
            f"{o} <{sdmx}refPeriod> <http://x/p> <http://x/g> .",
            f"{o} <{KEY[0]}> <http://x/kode/{n}> <http://x/g> .",
        ]
    store = open_store(None)
    store.bulk_load([("\n".join(lines) + "\n").encode()])
    assert dimension_properties(store, ["http://x/g", "http://x/ontologi"]) == KEY
    whole, count = scan_rows(store, ["http://x/g"], KEY)
    monkeypatch.setattr(view_rows, "_CHUNK", 2)
    chunked, _ = scan_rows(store, ["http://x/g"], KEY)
    assert count == 5 and whole.num_rows == 10  # five observations and their five keys
    assert chunked.to_pylist() == whole.to_pylist()
    write_partition_file(tmp_path, "g", "store", chunked, count, KEY)  # one dictionary per column
    found = read_partition_file(tmp_path, "g", "store", KEY)
    assert found is not None and found[0].to_pylist() == whole.to_pylist()
