"""What insight says when it refuses a parameter: which one, the value given, why, and what is allowed.

The correlation, the discovered pairs and the map refuse the same things the same way (an
unknown level, an unknown indicator, a year without values), each as one problem of a
``ParameterError``: ``{"parameter", "value", "message", "allowed"}``. The API answers it as
a 400 naming every problem; the pages show the form again with each problem next to its
field, and ``allowed`` lets a person pick a value that works.
"""

from __future__ import annotations

from typing import Any

from graph.insight.catalogue import LEVELS, InsightCatalogue, is_year

__all__ = ["categorical_problem", "level_problems", "period_problem", "problem", "unknown_indicator"]


def problem(name: str, value: str | None, message: str, allowed: list[Any] | None = None) -> dict[str, Any]:
    """One refused parameter (``allowed`` left out when there is nothing to offer)."""
    out: dict[str, Any] = {"parameter": name, "value": value, "message": message}
    if allowed is not None:
        out["allowed"] = allowed
    return out


def level_problems(level: str) -> list[dict[str, Any]]:
    """The problem with ``level`` (none for ``desa`` and ``kecamatan``).

    >>> level_problems("desa"), level_problems("rt")[0]["allowed"]
    ([], ['desa', 'kecamatan'])
    """
    if level in LEVELS:
        return []
    return [
        problem(
            "level",
            level,
            f"parameter 'level': nilai {level!r} tidak dikenal / unknown value {level!r}; "
            f"allowed: {', '.join(LEVELS)}",
            list(LEVELS),
        )
    ]


def unknown_indicator(name: str, slug: str, cat: InsightCatalogue, level: str) -> dict[str, Any]:
    """``slug`` names no indicator: offer those with values at the level (every one for a bad level)."""
    allowed = cat.with_data(level) if level in LEVELS else sorted(cat.indicators)
    return problem(
        name,
        slug,
        f"parameter {name!r}: indikator {slug!r} tidak dikenal / unknown indicator {slug!r}; "
        f"allowed: {', '.join(allowed)}",
        allowed,
    )


def categorical_problem(name: str, slug: str, cat: InsightCatalogue, level: str) -> dict[str, Any]:
    """``slug`` is categorical: its values are categories, not numbers, so they cannot be correlated;
    say where they can be seen, and offer the numeric indicators with values at the level."""
    allowed = cat.with_data(level) if level in LEVELS else sorted(cat.indicators)
    return problem(
        name,
        slug,
        f"parameter {name!r}: {slug!r} adalah indikator kategori (nilainya kategori, bukan angka) dan "
        f"tidak dapat dihitung sebagai angka; lihat sebarannya dengan pertanyaan category-count "
        f"(/questions/category-count) atau di peta (/map?indicator={slug}) / {slug!r} is a categorical "
        f"indicator (its values are categories, not numbers) and cannot be used as a number; see it "
        f"with the category-count question or on the map; numeric indicators: {', '.join(allowed)}",
        allowed,
    )


def period_problem(period: str | None, years: list[str], what: str, level: str) -> dict[str, Any]:
    """No values of ``what`` at ``level`` in ``period``: offer the ``years`` that have some."""
    shape = "" if period is None or is_year(period) else " (tahun empat angka / a four-digit year)"
    return problem(
        "period",
        period,
        f"parameter 'period': tidak ada nilai untuk {period!r}{shape} / no values of {what} at {level} level "
        f"for {period!r}; years with values: {', '.join(years) or '(none)'}",
        years,
    )
