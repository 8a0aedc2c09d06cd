"""Link a table's region columns, row by row, and refuse rows whose columns disagree.

``RegionLinker`` resolves one reference (a code, or a name under its parent); this module
applies it to whole columns, resolving each distinct reference once, and adds the checks
that need more than one column or the mapping's scope:

* a row whose region lies outside the table's scope (the home region, unless the mapping
  declares a wider ``region.scope``) is refused with that reason;
* when a table gives both a code and a name, they must name the same region: a wrong code
  system or a mistyped code would otherwise link the row silently to another desa;
* an empty code cell beside "JUMLAH" or "Kecamatan Way Lima" in the name column is a total
  row, not a problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import pandas as pd

from graph.link.links import Candidate, Link, LinkedRegions, ReviewItem
from graph.link.names import NameRules
from graph.read.mappings import RegionSpec
from graph.read.tables import ROW
from graph.reference.regions import RegionIndex

__all__ = ["link_columns"]


class RegionLinker(Protocol):
    """What this module asks of ``graph.link.regions.RegionLinker`` (which calls it)."""

    index: RegionIndex
    rules: NameRules
    home: str

    def resolve_code(self, value: str, system: str, level: str) -> Link: ...
    def resolve_name(self, name: str, parent: str | None, level: str) -> Link: ...
    def total_link(self, name: str, level: str, above: str | None = None) -> Link: ...
    def total_row(self, name: str, level: str) -> Link | None: ...
    def names_agree(self, code: str, name: str, level: str) -> bool: ...
    def within(self, code: str, scope: str) -> bool: ...


def link_columns(
    linker: RegionLinker, spec: RegionSpec, frame: pd.DataFrame, columns: dict[str, str]
) -> LinkedRegions:
    """Link every row of ``frame``; ``columns`` maps spec roles (code, name, parent) to columns."""
    scope = spec.scope or linker.home
    if spec.code is not None:
        codes = frame[columns["code"]].fillna("").astype(str)
        names = frame[columns["name"]].fillna("").astype(str) if "name" in columns else None
        keys = pd.Series(
            list(zip(codes, names if names is not None else [""] * len(codes), strict=True)),
            index=frame.index,
            dtype="object",
        )
        by_code = {k: linker.resolve_code(k, spec.code.system, spec.level) for k in codes.unique()}
        resolved = {
            (code, name): _coded(linker, by_code[code], code, name, spec.level)
            for code, name in dict.fromkeys(keys)
        }
        shown = {k: (k[0], None) for k in resolved}
    else:
        assert spec.name is not None
        name = _column_or_value(frame, columns.get("name"), spec.name.value)
        parent = (
            _column_or_value(frame, columns.get("parent"), spec.parent.value)
            if spec.parent is not None
            else None
        )
        pairs = list(zip(name, parent if parent is not None else [None] * len(name), strict=True))
        keys = pd.Series(pairs, index=frame.index, dtype="object")
        resolved = {(n, p): linker.resolve_name(n, p, spec.level) for n, p in dict.fromkeys(pairs)}
        shown = {k: k for k in resolved}
    resolved = {k: _in_scope(linker, link, scope) for k, link in resolved.items()}

    def column(get: Callable[[Link], object], dtype: pd.StringDtype | pd.Float64Dtype) -> pd.Series:
        values = {k: get(v) for k, v in resolved.items()}
        return keys.map(values).astype(dtype)

    total = keys.map({k: v.total for k, v in resolved.items()}).astype(bool)
    outside = keys.map({k: v.outside for k, v in resolved.items()}).astype(bool)
    return LinkedRegions(
        code=column(lambda v: v.code, pd.StringDtype()),
        method=column(lambda v: v.method, pd.StringDtype()),
        score=column(lambda v: v.score if v.code else None, pd.Float64Dtype()),
        runner_up=column(lambda v: v.runner_up, pd.StringDtype()),
        decision=column(lambda v: v.decision, pd.StringDtype()),
        problem=column(lambda v: v.problem, pd.StringDtype()),
        review=_review(spec, frame, keys, resolved, shown, total),
        total=total,
        outside=outside,
    )


def _coded(linker: RegionLinker, link: Link, code: str, name: str, level: str) -> Link:
    """The link of a code cell, read with the name cell beside it (``""`` without one)."""
    if link.code is None:
        if linker.rules.starts_a_total(code, level):  # "JUMLAH" written in the code column
            return linker.total_link(code, level)
        if name.strip():  # an empty code cell beside "JUMLAH" or "Kecamatan Way Lima"
            named = linker.total_row(name, level)
            if named is not None:
                return named
        return link
    if not name.strip() or linker.names_agree(link.code, name, level):
        return link
    label = linker.index.label(link.code)
    return Link(
        None,
        problem=(
            f"kode {code.strip()} adalah {level} {label} ({link.code}), tetapi kolom nama menulis "
            f"{name.strip()!r}: perbaiki kode atau namanya (atau system kode di pemetaan) / the code "
            f"is that of {label} ({link.code}) but the name column says {name.strip()!r}: fix the code "
            "or the name (or the code system the mapping declares)"
        ),
        candidates=(Candidate(link.code, label, 0.0),),
    )


def _in_scope(linker: RegionLinker, link: Link, scope: str) -> Link:
    """``link``, or a refusal when its region lies outside ``scope``."""
    if link.code is None or linker.within(link.code, scope):
        return link
    label, where = linker.index.label(link.code), linker.index.label(scope)
    return Link(
        None,
        problem=(
            f"{label} ({link.code}) di luar wilayah {where} ({scope}): tidak dimuat; bila tabel "
            f"memang mencakup wilayah lebih luas, nyatakan region.scope di pemetaan / {label} lies "
            f"outside {where}: not loaded; if the table really covers a wider region, declare "
            "region.scope in the mapping"
        ),
        outside=True,
    )


def _review(
    spec: RegionSpec,
    frame: pd.DataFrame,
    keys: pd.Series,
    resolved: Mapping[Any, Link],
    shown: Mapping[Any, tuple[object, object]],
    total: pd.Series,
) -> list[ReviewItem]:
    """One review item per distinct reference that no method linked (not totals, not out of scope)."""
    unlinked = {k for k, v in resolved.items() if v.code is None and not v.total and not v.outside}
    rows_of: dict[object, list[int]] = defaultdict(list)
    if unlinked and ROW in frame:
        for key, row, is_total in zip(keys, frame[ROW], total, strict=True):
            if key in unlinked and not is_total:
                rows_of[key].append(int(row))
    review = []
    for key in (k for k in unlinked if rows_of[k] or ROW not in frame):
        link = resolved[key]
        n, p = shown[key]
        if not str(n).strip():
            continue  # a blank cell is reported, but there is no name to review
        review.append(
            ReviewItem(
                level=spec.level,
                name=str(n),
                parent=None if p is None else str(p),
                reason=str(link.problem),
                rows=rows_of[key],
                candidates=link.candidates,
            )
        )
    review.sort(key=lambda item: item.rows[:1])
    return review


def _column_or_value(frame: pd.DataFrame, column: str | None, value: object) -> pd.Series:
    if column is not None:
        return frame[column].fillna("").astype(str)
    return pd.Series([str(value)] * len(frame), index=frame.index, dtype="object")
