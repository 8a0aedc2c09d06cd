"""Region-name decisions taken on the pages, kept beside the Walidata's alias file.

A Produsen Data who picks a candidate for an unlinked region name (``/saya/unggah/...``, or
``POST /region-decisions``) takes the same decision a line of ``mappings/linking/aliases.yaml``
records: this variant (under this parent) means this region. The pages never rewrite that
file, which people edit by hand with their comments; they append to its sibling
``mappings/linking/keputusan-halaman.yaml`` in the same format (plus the time and the
dataset the name came from). ``Decisions.of_mappings`` reads both, the hand-written file
winning where both decide one name, so the CLI, the next load and the decisions graph honour
a page decision exactly as a line of the alias file.

"Bukan salah satu / none of these" is kept in the same file under ``none_of_these``: the name
leaves the uploader's queue (the Walidata settles it in aliases.yaml or the code list), and no
load links anything by it.

Writes are whole-file replacements (a temporary file, fsync, ``os.replace``) under an
exclusive ``fcntl`` lock on a lock file, so two people deciding at once never lose a line
and a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from graph.errors import MappingError
from graph.link.names import LEVELS, PAGE_DECISIONS, Decision

__all__ = ["PAGE_DECISIONS", "NoneOfThese", "page_decisions_path", "read_none_of_these", "record_decision"]

_HEADER = """\
# Keputusan nama wilayah dari halaman / region-name decisions taken on the pages.
# Written by the service (graph/link/page_decisions.py) in the format of aliases.yaml;
# read together with it. Do not edit while the service runs; move a line to aliases.yaml
# to make it a hand-kept decision (aliases.yaml wins where both decide one name).
"""


def page_decisions_path(mappings: Path) -> Path:
    return mappings / "linking" / PAGE_DECISIONS


class NoneOfThese:
    """The names a person said none of the candidates fits, by (level, variant, parent)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self._keys = {_key(e.get("level"), e.get("variant"), e.get("parent")) for e in entries}

    def __contains__(self, item: tuple[str, str, str | None]) -> bool:
        return _key(*item) in self._keys


def _key(level: object, variant: object, parent: object) -> tuple[str, str, str]:
    return (str(level or ""), " ".join(str(variant or "").casefold().split()), str(parent or "").casefold())


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"YAML tidak valid / invalid YAML: {exc}", file=path) from None
    if not isinstance(data, dict):
        raise MappingError("isi berkas harus pemetaan / the file must be a mapping", file=path)
    return data


def read_none_of_these(mappings: Path) -> NoneOfThese:
    return NoneOfThese(list(_read(page_decisions_path(mappings)).get("none_of_these") or []))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, data: dict[str, Any]) -> None:
    text = _HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_decision(
    mappings: Path,
    *,
    variant: str,
    level: str,
    parent: str | None,
    code: str | None,
    decided_by: str,
    dataset: str,
    at: dt.datetime,
) -> Decision | None:
    """Record that ``variant`` (under ``parent``) means region ``code``, or (``code`` None) that
    none of the candidates does; returns the decision (None for "none of these").

    A later decision on the same name replaces the earlier one. Raises MappingError for an
    unknown level (the code is checked by the caller against the candidates or the code list).
    """
    if level not in LEVELS:
        raise MappingError(
            f"tingkat tidak dikenal / unknown level {level!r}; use one of {', '.join(LEVELS)}",
            file=page_decisions_path(mappings),
        )
    path = page_decisions_path(mappings)
    key = _key(level, variant, parent)
    note = f"dipilih di halaman unggah / picked on the upload page ({dataset})"
    entry: dict[str, Any] = {"variant": variant, "level": level, "parent": parent}
    with _locked(path):
        data = _read(path)
        decisions = [
            d
            for d in data.get("decisions") or []
            if _key(d.get("level"), d.get("variant"), d.get("parent")) != key
        ]
        refused = [
            e
            for e in data.get("none_of_these") or []
            if _key(e.get("level"), e.get("variant"), e.get("parent")) != key
        ]
        stamp = {
            "decided_by": decided_by,
            "decided_on": at.date().isoformat(),
            "decided_at": at.isoformat(timespec="seconds"),
        }
        if code is None:
            refused.append({**entry, **stamp, "dataset": dataset})
        else:
            decisions.append({**entry, "code": code, **stamp, "note": note})
        _write(path, {"decisions": decisions, "none_of_these": refused})
    if code is None:
        return None
    return Decision(variant, level, parent, code, decided_by, at.date(), note)
