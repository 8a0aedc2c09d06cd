"""Which version of each dataset the audit chain says is published.

A publication moves the dataset's pointer in the store first and is chained after
(``graph.publish.settle``): a crash in between leaves a version in force that the chain
never recorded. Comparing the store's pointers with the chain finds it: ``onecenter audit
verify`` reports it, and the next writer records it (``graph.publish.chain_catch_up``).

Every ``publication`` entry names the dataset first and the version graph last among its
subjects (``[dataset, load or publication, graph]``), so the latest such entry of a dataset
names the version the chain holds to be in force. The log is read from its end and the
reading stops once every dataset asked about is found: at start-up this costs the last few
entries, not the whole history. Entries are not checked here (``verify`` does that).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from graph.provenance.chain_entries import lines_of, parse_entry

__all__ = ["PUBLICATION", "chain_started", "chained_versions", "lines_from_end", "unrecorded_versions"]

PUBLICATION = "publication"
# Canonical JSON writes this byte for byte in every publication entry: lines without it are
# passed over unparsed.
_PUBLICATION_MARK = b'"kind":"publication"'
_BLOCK = 65536


def unrecorded_versions(pointers: Mapping[str, str], path: Path) -> dict[str, str]:
    """Of ``pointers`` (dataset IRI -> its published version graph in the store), those
    whose version the latest publication entry of the dataset does not name."""
    chained = chained_versions(path, set(pointers))
    return {d: g for d, g in sorted(pointers.items()) if chained.get(d) != g}


def chained_versions(path: Path, datasets: set[str]) -> dict[str, str]:
    """Dataset IRI -> the version graph its latest publication entry names, for ``datasets``
    (a dataset the chain never published is absent)."""
    found: dict[str, str] = {}
    if not datasets or not path.exists():
        return found
    for line in lines_from_end(path):
        if _PUBLICATION_MARK not in line:
            continue
        entry = parse_entry(line)
        if entry is None or entry.kind != PUBLICATION or len(entry.subjects) < 2:
            continue
        dataset, graph = entry.subjects[0], entry.subjects[-1]
        if dataset in datasets and dataset not in found:
            found[dataset] = graph
            if len(found) == len(datasets):
                break
    return found


def chain_started(path: Path) -> dt.datetime | None:
    """When the chain's first entry was written, or None when it has none."""
    for _, raw, complete in lines_of(path):
        entry = parse_entry(raw) if complete else None
        return dt.datetime.fromisoformat(entry.time) if entry is not None else None
    return None


def lines_from_end(path: Path) -> Iterator[bytes]:
    """The complete lines of the file at ``path`` without their newline, last first; a torn
    last line (an append interrupted before its newline) is not one."""
    with path.open("rb") as f:
        pos = f.seek(0, os.SEEK_END)
        carry = b""
        after_last_newline = True  # the first piece found is what follows the last newline
        while pos > 0:
            step = min(_BLOCK, pos)
            pos -= step
            f.seek(pos)
            pieces = (f.read(step) + carry).split(b"\n")
            carry = pieces[0]  # may begin before this block: completed by the next one
            for line in reversed(pieces[1:]):
                if after_last_newline:
                    after_last_newline = False  # empty, or a torn line
                    continue
                yield line
        if not after_last_newline:
            yield carry  # the file's first line
