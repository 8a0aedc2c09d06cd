"""The triple patterns of cube-shaped SPARQL, matched on the observation view's columns.

``graph.answer.cube_sparql`` reads a query's basic graph patterns into the steps below; this
module matches them on the view (``graph.answer.view``) the way the store would match the
published triples, given the shape ``graph.answer.cube_shape`` checks: an observation star is
one row of ``view.values`` (indicator, period, area, value) or, for a categorical indicator,
of ``view.categories`` (the value a concept's IRI), ``skos:broader``,
``skos:prefLabel`` and a Kemendagri ``skos:notation`` are read from the view's region table.

A solution is a dict from variable name to a term: an IRI as ``str``, a literal as
``ox.Literal``, or ``OBSERVATION`` for an observation's subject (only ever counted). Whatever
the view cannot answer exactly raises ``Unanswerable``: the store answers instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.view import ObservationView

__all__ = [
    "MAX_SOLUTIONS",
    "OBSERVATION",
    "Broader",
    "Label",
    "Notation",
    "RegionTables",
    "Star",
    "Step",
    "Term",
    "Unanswerable",
    "match",
    "region_tables",
]

MAX_SOLUTIONS = 500_000  # a few hundred MB of solutions at most, in the service process
OBSERVATION = object()  # an observation's subject: bound, never shown, only counted
Solution = dict[str, Any]


class Unanswerable(Exception):  # noqa: N818 - a signal to ask the store, not an error
    """The view cannot give this query's exact answer: ask the store."""


@dataclass(frozen=True)
class Term:
    """A position of a pattern: a variable (``var``) or a constant (``value``: an IRI as
    ``str`` or an ``ox.Literal``)."""

    var: str | None = None
    value: Any = None


@dataclass(frozen=True)
class Star:
    """``?o qb:measureType I ; I ?v ; refArea ?a ; refPeriod ?p`` (any of them but the first
    two given; ``indicator`` a constant IRI or a variable shared by measureType and predicate)."""

    subject: str
    indicator: Term
    area: Term | None
    period: Term | None
    value: str | None


@dataclass(frozen=True)
class Broader:
    """``s skos:broader/…/skos:broader o`` (``steps`` times)."""

    subject: Term
    object: Term
    steps: int


@dataclass(frozen=True)
class Label:
    subject: Term
    object: Term


@dataclass(frozen=True)
class Notation:
    """``s skos:notation "code"^^oc:KemendagriCode``."""

    subject: Term
    code: ox.Literal


Step = Star | Broader | Label | Notation


@dataclass(frozen=True)
class RegionTables:
    """The view's region table and observation keys, indexed for patterns (built once per view)."""

    parents: dict[str, list[str]]
    labels: dict[str, list[ox.Literal]]
    areas_by_code: dict[ox.Literal, list[str]]
    codes: dict[str, set[ox.Literal]]
    periods: dict[str, list[str]]  # indicator -> periods with figures or categories
    # (indicator, period) -> area -> category IRIs; None when the view's categories do not
    # account for every categorical observation (the values are then unknown here).
    categories: dict[tuple[str, str], dict[str, list[str]]] | None


_tables: list[tuple[ObservationView, RegionTables]] = []


def region_tables(view: ObservationView) -> RegionTables:
    """The tables of ``view`` (the last two views' are kept)."""
    for seen, tables in _tables:
        if seen is view:
            return tables
    parents: dict[str, list[str]] = {}
    for parent, children in view.children.items():
        for child in children:
            parents.setdefault(child, []).append(parent)
    labels: dict[str, set[ox.Literal]] = {}
    codes: dict[str, set[ox.Literal]] = {}
    for area, names in view.regions.items():
        labels.setdefault(area, set()).update(n.label for n in names if n.label is not None)
        codes.setdefault(area, set()).update(n.code for n in names)
        for parent in parents.get(area, []):
            labels.setdefault(parent, set()).update(n.parent_label for n in names if n.parent_label)
    by_code: dict[ox.Literal, list[str]] = {}
    for area, found in codes.items():
        for code in found:
            by_code.setdefault(code, []).append(area)
    periods: dict[str, list[str]] = {}
    for indicator, period in {**dict.fromkeys(view.values), **dict.fromkeys(view.coded)}:
        periods.setdefault(indicator, []).append(period)
    tables = RegionTables(
        parents,
        {r: sorted(found, key=str) for r, found in labels.items()},
        by_code,
        codes,
        periods,
        _categories(view),
    )
    _tables[:] = [*_tables[-1:], (view, tables)]
    return tables


def _categories(view: ObservationView) -> dict[tuple[str, str], dict[str, list[str]]] | None:
    """The categorical values by indicator and period (datasets in the view's order), if the
    view holds one for every observation that is not a figure."""
    figures = sum(len(found) for by_area in view.values.values() for found in by_area.values())
    held = sum(len(found) for by_area in view.categories.values() for found in by_area.values())
    if figures + held != view.observation_count:
        return None
    merged: dict[tuple[str, str], dict[str, list[str]]] = {}
    for (indicator, period, _), by_area in view.categories.items():
        into = merged.setdefault((indicator, period), {})
        for area, concepts in by_area.items():
            into.setdefault(area, []).extend(concepts)
    return merged


def _figures(
    view: ObservationView, tables: RegionTables, key: tuple[str, str]
) -> dict[str, list[Any]] | None:
    """Area -> the values of an indicator in a period: literals, or category IRIs."""
    numbers = view.values.get(key)
    if key not in view.coded:
        return numbers
    if tables.categories is None:
        raise Unanswerable("categorical values the view does not hold")
    concepts: dict[str, list[Any]] = tables.categories.get(key, {})
    if numbers is None:
        return concepts
    return {a: [*numbers.get(a, []), *concepts.get(a, [])] for a in numbers.keys() | concepts.keys()}


def match(steps: list[Step], view: ObservationView) -> list[Solution]:
    """The solutions of a basic graph pattern (its steps in the order given)."""
    tables = region_tables(view)
    rows: list[Solution] = [{}]
    for step in steps:
        if isinstance(step, Broader):
            rows = _extend(rows, step.subject, step.object, _parents(step, tables))
        elif isinstance(step, Label):
            rows = _extend(rows, step.subject, step.object, _labels(tables))
        else:
            found: list[Solution] = []
            for row in rows:
                if isinstance(step, Star):
                    found.extend(_star(step, row, view, tables))
                else:
                    found.extend(_notation(step, row, tables))
                if len(found) > MAX_SOLUTIONS:
                    # A cross product the service's own thread should not build: the store's
                    # worker answers it within the time limit (or stops it there).
                    raise Unanswerable("more solutions than the view path builds")
            rows = found
        if not rows:
            break
    return rows


def _value(term: Term | None, row: Solution) -> Any:
    """The term's constant, or its variable's value in ``row`` (None: free)."""
    if term is None:
        return None
    return term.value if term.var is None else row.get(term.var)


def _bind(row: Solution, term: Term | None, value: Any) -> bool:
    """Whether ``value`` fits ``term`` in ``row`` (binding a free variable in place)."""
    if term is None:
        return True
    if term.var is None:
        return bool(term.value == value)
    had = row.get(term.var)
    if had is None:
        row[term.var] = value
        return True
    return bool(had == value)


def _star(  # noqa: C901
    star: Star, row: Solution, view: ObservationView, tables: RegionTables
) -> Iterator[Solution]:
    indicator, area, period = (_value(t, row) for t in (star.indicator, star.area, star.period))
    if indicator is not None:
        if not isinstance(indicator, str):
            return
        if indicator not in tables.periods:
            if star.area is None and star.period is None:
                raise Unanswerable("a predicate the view holds no observation of")
            return  # only observations have an area or a period (cube_shape), and none has this
        indicators = [indicator]
    else:
        indicators = list(tables.periods)
    # The variables this row leaves free are bound here (a star names each variable once).
    free_indicator = star.indicator.var if indicator is None else None
    free_area = star.area.var if star.area is not None and area is None else None
    free_period = star.period.var if star.period is not None and period is None else None
    value_var = star.value
    known_value = row.get(value_var) if value_var is not None else None
    subject = star.subject
    for ind in indicators:
        periods = tables.periods.get(ind, []) if period is None else [period]
        for per in periods:
            by_area = _figures(view, tables, (ind, per))
            if by_area is None:
                continue
            found = by_area.items() if area is None else [(area, by_area.get(area, ()))]
            for where, literals in found:
                for literal in literals:
                    if known_value is not None and known_value != literal:
                        continue
                    new = row.copy()
                    new[subject] = OBSERVATION
                    if value_var is not None:
                        new[value_var] = literal
                    if free_indicator is not None:
                        new[free_indicator] = ind
                    if free_area is not None:
                        new[free_area] = where
                    if free_period is not None:
                        new[free_period] = per
                    yield new


def _parents(step: Broader, tables: RegionTables) -> Callable[[Any], list[Any]]:
    """The regions ``step.steps`` times broader than a region."""

    def reach(start: Any) -> list[Any]:
        reached = [start]
        for _ in range(step.steps):
            following: list[Any] = []
            for region in reached:
                if region not in tables.codes:
                    raise Unanswerable("a region the view does not hold")
                parents = tables.parents.get(region, [])
                if step.steps > 1 and len(parents) > 1:
                    raise Unanswerable("a path through a region with two parents")
                following.extend(parents)
            reached = following
        return reached

    return reach


def _labels(tables: RegionTables) -> Callable[[Any], list[Any]]:
    def names(region: Any) -> list[Any]:
        found = tables.labels.get(region)
        if found is None:
            raise Unanswerable("the names of a region the view does not hold")
        return found

    return names


def _extend(
    rows: list[Solution], subject: Term, obj: Term, lookup: Callable[[Any], list[Any]]
) -> list[Solution]:
    """Rows joined with ``subject -> lookup(subject)`` (distinct objects, as the region
    triples are). A row with one object is extended in place: this match made it."""
    out: list[Solution] = []
    seen: dict[Any, list[Any]] = {}  # regions recur row after row (a kecamatan's desa)
    var, constant = obj.var, obj.value
    for row in rows:
        start = subject.value if subject.var is None else row.get(subject.var)
        if start is None:
            raise Unanswerable("a region pattern before its region is known")
        objects = seen.get(start)
        if objects is None:
            objects = seen[start] = lookup(start)
        known = constant if var is None else row.get(var)
        if known is not None:
            if known in objects:
                out.append(row)
        elif len(objects) == 1:
            row[var] = objects[0]  # type: ignore[index]
            out.append(row)
        else:
            for found in objects:
                new = row.copy()
                new[var] = found  # type: ignore[index]
                out.append(new)
    return out


def _notation(step: Notation, row: Solution, tables: RegionTables) -> Iterator[Solution]:
    region = _value(step.subject, row)
    if region is not None:
        if step.code in tables.codes.get(region, ()):
            yield row
        return
    for area in tables.areas_by_code.get(step.code, []):
        new = dict(row)
        if _bind(new, step.subject, area):
            yield new
