"""The observation view's partitions kept as Arrow IPC files beside the store.

A restarted service would otherwise scan every published observation again before its
first columnar answer (minutes at a million observations on disk). A partition is the
observations of one published version graph, which never changes under its name, so its
file stays right for as long as the graph is published: the file is named by a hash of the
graph's IRI and carries the IRI, the store's identity and this format's version in its
metadata. A file that cannot be read, or that belongs to another graph, store or format, is
ignored (the graph is scanned again and the file rewritten), never trusted.

Columns (dictionary-encoded text): indicator, period, dataset, area, value, datatype,
language. A row with no value is a categorical observation (``coded``); rows are written
key by key and region by region in the partition's order, so reading them back gives the
same dicts in the same order.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyoxigraph as ox

__all__ = [
    "partition_file",
    "read_partition_file",
    "remove_other_files",
    "store_identity",
    "write_partition_file",
]

log = logging.getLogger("onecenter.view")

FORMAT = b"onecenter-view-partition/1"
_SUFFIX = ".arrow"
_COLUMNS = ("indicator", "period", "dataset", "area", "value", "datatype", "language")

Sourced = dict[tuple[str, str, str], dict[str, list[ox.Literal]]]
Coded = dict[tuple[str, str], set[str]]


def store_identity(location: Path | None) -> str:
    """The identity RocksDB writes once into a new store (``IDENTITY``): a store built
    again in the same folder gets another, so files of the old one are not read for it."""
    if location is None:
        return ""
    try:
        return (location / "IDENTITY").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def partition_file(folder: Path, graph: str) -> Path:
    return folder / (hashlib.sha256(graph.encode("utf-8")).hexdigest()[:32] + _SUFFIX)


def write_partition_file(
    folder: Path, graph: str, store_id: str, sourced: Sourced, coded: Coded, count: int
) -> None:
    """Keep a partition as a file (written whole, then moved into place); a failure is logged:
    the view is right without the file, only the next start is slower."""
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    for (indicator, period, dataset), areas in sourced.items():
        for area, literals in areas.items():
            for literal in literals:
                language = literal.language
                _row(columns, indicator, period, dataset, area, literal.value)
                columns["datatype"].append(None if language else literal.datatype.value)
                columns["language"].append(language)
    for (indicator, period), regions in coded.items():
        for area in regions:
            _row(columns, indicator, period, None, area, None)
            columns["datatype"].append(None)
            columns["language"].append(None)
    arrays = [pa.array(columns[name], pa.string()).dictionary_encode() for name in _COLUMNS]
    metadata = {
        b"format": FORMAT,
        b"graph": graph.encode(),
        b"store": store_id.encode(),
        b"count": str(count).encode(),
    }
    table = pa.Table.from_arrays(arrays, names=list(_COLUMNS)).replace_schema_metadata(metadata)
    path = partition_file(folder, graph)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with pa.OSFile(str(temporary), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(temporary, path)
    except OSError:
        log.exception("berkas tampilan kolom tidak ditulis / view partition file not written: %s", path)
        temporary.unlink(missing_ok=True)


def _row(
    columns: dict[str, list[Any]],
    indicator: str,
    period: str,
    dataset: str | None,
    area: str,
    value: str | None,
) -> None:
    columns["indicator"].append(indicator)
    columns["period"].append(period)
    columns["dataset"].append(dataset)
    columns["area"].append(area)
    columns["value"].append(value)


def read_partition_file(folder: Path, graph: str, store_id: str) -> tuple[Sourced, Coded, int] | None:
    """The partition of ``graph`` kept in ``folder``, or None when there is no usable file."""
    path = partition_file(folder, graph)
    if not path.exists():
        return None
    try:
        with pa.memory_map(str(path)) as source:
            table = ipc.open_file(source).read_all()
        meta = table.schema.metadata or {}
        expected = {b"format": FORMAT, b"graph": graph.encode(), b"store": store_id.encode()}
        if any(meta.get(k) != v for k, v in expected.items()) or table.column_names != list(_COLUMNS):
            log.warning(
                "berkas tampilan kolom asing diabaikan / foreign view partition file ignored: %s", path
            )
            return None
        count = int(meta[b"count"])
        return (*_dicts(table), count)
    except (OSError, ValueError, KeyError, pa.ArrowException):
        log.warning(
            "berkas tampilan kolom rusak diabaikan / unreadable view partition file ignored: %s", path
        )
        return None


def _dicts(table: pa.Table) -> tuple[Sourced, Coded]:
    """The partition's dicts from its columns: the columns' codes do the grouping and the
    choice of one literal object per distinct term, so that Python only fills the dicts."""
    (ind, inds), (per, pers), (ds, dss), (area, areas), (val, vals), (typ, types), (lang, langs) = (
        _codes(table.column(name)) for name in _COLUMNS
    )
    coded: Coded = {}
    categorical = val < 0
    for i, p, a in zip(*(c[categorical].tolist() for c in (ind, per, area)), strict=True):
        coded.setdefault((inds[i], pers[p]), set()).add(areas[a])
    rows = np.flatnonzero(~categorical)
    val, typ, lang = val[rows], typ[rows], lang[rows]
    term = (val * (len(types) + 1) + typ + 1) * (len(langs) + 1) + lang + 1
    _, first, inverse = np.unique(term, return_index=True, return_inverse=True)
    made = [
        _literal(
            vals[val[i]], types[typ[i]] if typ[i] >= 0 else None, langs[lang[i]] if lang[i] >= 0 else None
        )
        for i in first.tolist()
    ]
    literals = [made[i] for i in inverse.ravel().tolist()]
    regions = [areas[a] for a in area[rows].tolist()]
    key = (ind[rows] * (len(pers) + 1) + per[rows]) * (len(dss) + 1) + ds[rows] + 1
    bounds = [0, *(np.flatnonzero(np.diff(key)) + 1).tolist(), len(rows)]
    sourced: Sourced = {}
    for start, end in zip(bounds[:-1], bounds[1:], strict=False):
        if start == end:
            continue
        row = rows[start]
        found = sourced.setdefault((inds[ind[row]], pers[per[row]], dss[ds[row]]), {})
        for region, literal in zip(regions[start:end], literals[start:end], strict=True):
            have = found.get(region)
            if have is None:
                found[region] = [literal]
            else:
                have.append(literal)
    return sourced, coded


def _literal(value: str, datatype: str | None, language: str | None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    assert datatype is not None
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """A text column as its dictionary codes (-1 where empty) and the texts they stand for."""
    array = column.combine_chunks()
    if not isinstance(array, pa.DictionaryArray):
        array = array.dictionary_encode()
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, array.dictionary.to_pylist()


def remove_other_files(folder: Path, graphs: list[str]) -> None:
    """Remove the files of graphs no longer published (a file is a partition's, by its suffix)."""
    keep = {partition_file(folder, g).name for g in graphs}
    if not folder.is_dir():
        return
    for path in folder.glob("*" + _SUFFIX):
        if path.name not in keep:
            path.unlink(missing_ok=True)
