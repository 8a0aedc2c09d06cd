"""The observation view's partitions kept as Arrow IPC files beside the store.

A restarted service would otherwise scan every published observation again before its
first columnar answer (minutes at a million observations on disk). A partition is the
observations of one published version graph, which never changes under its name, so its
file stays right for as long as the graph is published: the file is named by a hash of the
graph's IRI and carries the IRI, the store's identity and this format's version in its
metadata. A file that cannot be read, or that belongs to another graph, store or format, is
ignored (the graph is scanned again and the file rewritten), never trusted.

The file holds the partition's rows (``graph.answer.view_rows``: one scan gives what the
view and insight's table read) as they were scanned; its metadata also names the dimension
properties the scan read as breakdowns: when they change, the file is outdated and the graph
is scanned again. Format 2 added the observation IRIs, the datasets of categorical values and
the breakdown keys; a file of format 1 is outdated, so read again from the store once.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from graph.answer.view_rows import COLUMNS

__all__ = [
    "partition_file",
    "read_partition_file",
    "remove_other_files",
    "store_identity",
    "write_partition_file",
]

log = logging.getLogger("onecenter.view")

FORMAT = b"onecenter-view-partition/2"
_SUFFIX = ".arrow"


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


def _metadata(graph: str, store_id: str, dimensions: tuple[str, ...]) -> dict[bytes, bytes]:
    return {
        b"format": FORMAT,
        b"graph": graph.encode(),
        b"store": store_id.encode(),
        b"dimensions": " ".join(dimensions).encode(),
    }


def write_partition_file(
    folder: Path, graph: str, store_id: str, rows: pa.Table, count: int, dimensions: tuple[str, ...] = ()
) -> None:
    """Keep a partition's rows as a file (written whole, then moved into place); a failure is
    logged: the view is right without the file, only the next start is slower."""
    metadata = {**_metadata(graph, store_id, dimensions), b"count": str(count).encode()}
    table = rows.replace_schema_metadata(metadata)
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


def read_partition_file(
    folder: Path, graph: str, store_id: str, dimensions: tuple[str, ...] = ()
) -> tuple[pa.Table, int] | None:
    """The rows of ``graph``'s partition kept in ``folder`` and its count of observations, or
    None when there is no usable file (none, unreadable, another graph's or store's, outdated)."""
    path = partition_file(folder, graph)
    if not path.exists():
        return None
    try:
        with pa.memory_map(str(path)) as source:
            table = ipc.open_file(source).read_all()
        meta = table.schema.metadata or {}
        if meta.get(b"graph") != graph.encode() or meta.get(b"store") != store_id.encode():
            log.warning(
                "berkas tampilan kolom asing diabaikan / foreign view partition file ignored: %s", path
            )
            return None
        expected = _metadata(graph, store_id, dimensions)
        if any(meta.get(k) != v for k, v in expected.items()) or table.column_names != list(COLUMNS):
            log.info("berkas tampilan kolom usang, dibaca ulang / outdated view partition file: %s", path)
            return None
        return table.replace_schema_metadata(None), int(meta[b"count"])
    except (OSError, ValueError, KeyError, pa.ArrowException):
        log.warning(
            "berkas tampilan kolom rusak diabaikan / unreadable view partition file ignored: %s", path
        )
        return None


def remove_other_files(folder: Path, graphs: list[str]) -> None:
    """Remove the files of graphs no longer published (a file is a partition's, by its suffix)."""
    keep = {partition_file(folder, g).name for g in graphs}
    if not folder.is_dir():
        return
    for path in folder.glob("*" + _SUFFIX):
        if path.name not in keep:
            path.unlink(missing_ok=True)
