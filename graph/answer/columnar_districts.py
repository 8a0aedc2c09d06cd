"""Answering the per-kecamatan plans from the view: ``population-density``, ``welfare-vs-dropout``.

Both questions sum desa figures up to their kecamatan (``?area skos:broader ?kec``) and join
them with kecamatan figures on the kecamatan and the period; their SPARQL groups every
observation of each indicator before the join, which at 1,000,000 observations runs past
the time limit. Here each sum reads the view's literals of one indicator, period and dataset
(``sourced``), and the school figures, paired by school level (``dimensi:jenjang``), read
the view's rows, whose breakdown keys the dicts do not keep.

SPARQL semantics kept on purpose: each indicator's figures come from the dataset bound to
its source variable (none bound: the SPARQL answers); a sum over no solution makes no group,
so a kecamatan lacking one of the figures has no row; a pupils figure and a dropouts figure
are paired once per school level they share; the land area is the figure of the latest year
the kecamatan has one (``MAX(?y)``), and every figure of that year gives a row; a kecamatan
gives a row per code and name it has, and rows tied on the code while they differ, or a
figure that is no number, leave the answer to the SPARQL (``Undetermined``).
"""

from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from graph.answer.columnar_terms import Undetermined, ensure_determined, ratio, sort_key, sparql_sum
from graph.answer.plan_metadata import OncePerView, PlanMetadata, plan_metadata
from graph.answer.questions import Question
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import XSD
from graph.store.interface import Store

__all__ = ["district_rows", "parents_of"]

_INTEGER = XSD + "integer"
_Found = dict[str, list[ox.Literal]]  # region -> literals


def district_rows(
    view: ObservationView, store: Store, iris: Iris, question: Question, bound: dict[str, Any]
) -> list[list[Any]]:
    """The question's rows (terms, in ``question.columns`` order) for the bound parameters."""
    plan = question.spec.columnar
    assert plan is not None
    parents = parents_of(store, iris, view)
    try:
        if plan.kind == "population-density":
            records = _density(view, plan_metadata(store, iris, view), parents, iris, question, bound)
        else:
            records = _welfare(view, parents, iris, question, bound)
    except InvalidOperation:
        raise Undetermined("a figure is no number: SPARQL's SUM leaves it unbound") from None
    records.sort(key=lambda r: sort_key(r["district_code"]))
    ensure_determined(records, ("district_code",), question.columns)
    return [[r[c] if c in r else bound.get(c) for c in question.columns] for r in records]


def _indicator(iris: Iris, slug: str) -> str:
    return f"{iris.base}id/indikator/{slug}"


def _source(question: Question, bound: dict[str, Any], slug: str) -> str:
    """The dataset bound to the indicator's source variable."""
    for variable, of in question.spec.sources.items():
        if of == slug and variable in bound:
            return str(bound[variable].value)
    raise Undetermined(f"no dataset bound for {slug}: every dataset's figures are read")


def _figures(
    view: ObservationView, iris: Iris, question: Question, bound: dict[str, Any], slug: str
) -> _Found:
    """The literals of one indicator in the bound period, from its bound dataset."""
    key = (_indicator(iris, slug), bound["period"].value, _source(question, bound, slug))
    if view.categories.get(key):
        raise Undetermined(f"{slug} has categorical values")
    return view.sourced.get(key, {})


def _parents(_store: Store, _iris: Iris, view: ObservationView) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for parent, children in view.children.items():
        for child in children:
            found.setdefault(child, []).append(parent)
    return found


parents_of = OncePerView(_parents)
"""Each region -> the regions directly above it (the view's ``children`` turned round), once
per view: a sum then walks the regions with figures, not every region of the country."""


def _under(parents: dict[str, list[str]], found: _Found) -> dict[str, ox.Literal]:
    """Each region's sum of the figures of the regions directly under it (having any)."""
    gathered: dict[str, list[ox.Literal]] = {}
    for child, values in found.items():
        for parent in parents.get(child, ()):
            gathered.setdefault(parent, []).extend(values)
    return {parent: sparql_sum(values) for parent, values in gathered.items() if values}


def _names(view: ObservationView, area: str) -> list[dict[str, Any]]:
    """Each code and name of a region (a Kemendagri code and a name are required)."""
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for names in view.regions.get(area, ()):
        if names.label is not None:
            key = (str(names.code), str(names.label))
            pairs.setdefault(key, {"district_code": names.code, "district": names.label})
    return list(pairs.values())


def _density(
    view: ObservationView,
    metadata: PlanMetadata,
    parents: dict[str, list[str]],
    iris: Iris,
    question: Question,
    bound: dict[str, Any],
) -> list[dict[str, Any]]:
    population = _under(parents, _figures(view, iris, question, bound, "jumlah-penduduk"))
    indicator, source = _indicator(iris, "luas-wilayah"), _source(question, bound, "luas-wilayah")
    # Every period with a land-area figure of each kecamatan: the latest year's figures count.
    periods: dict[str, list[tuple[str, list[ox.Literal]]]] = {}
    for (ind, period, dataset), by_area in view.sourced.items():
        if ind == indicator and dataset == source:
            for area, values in by_area.items():
                periods.setdefault(area, []).append((period, values))
    if any(i == indicator and d == source for i, _, d in view.categories):
        raise Undetermined("the land area has categorical values")
    records: list[dict[str, Any]] = []
    for kec, seen in periods.items():
        if kec not in population or view.levels.get(kec) != "kecamatan":
            continue
        years = [y for period, _ in seen for y in metadata.years.get(period, ())]
        if not years:
            continue
        if any(y.datatype.value != _INTEGER for y in years):
            raise Undetermined("a period's year is no integer")
        latest = max(years, key=lambda y: int(y.value))
        for period, values in seen:
            for _ in (y for y in metadata.years.get(period, ()) if y == latest):
                for area_km2 in values:
                    density = ratio(population[kec], area_km2, 10, 10)
                    figures = {"population": population[kec], "area_km2": area_km2, "area_year": latest}
                    records.extend(
                        {**names, **figures, "density_per_km2": density} for names in _names(view, kec)
                    )
    return records


def _welfare(
    view: ObservationView,
    parents: dict[str, list[str]],
    iris: Iris,
    question: Question,
    bound: dict[str, Any],
) -> list[dict[str, Any]]:
    pkh = _under(parents, _figures(view, iris, question, bound, "kpm-pkh"))
    bpnt = _under(parents, _figures(view, iris, question, bound, "kpm-bpnt"))
    households = _under(parents, _figures(view, iris, question, bound, "jumlah-rumah-tangga"))
    school = _paired(view, iris, question, bound)
    records: list[dict[str, Any]] = []
    for kec, (pupils, dropouts) in school.items():
        if kec not in pkh or kec not in bpnt or kec not in households:
            continue
        figures = {
            "pkh_families": pkh[kec],
            "bpnt_families": bpnt[kec],
            "households": households[kec],
            "pkh_per_100_households": ratio(pkh[kec], households[kec], 1000, 10),
            "pupils": pupils,
            "dropouts": dropouts,
            "dropout_pct": ratio(dropouts, pupils, 1000, 10),
        }
        records.extend({**names, **figures} for names in _names(view, kec))
    return records


def _paired(
    view: ObservationView, iris: Iris, question: Question, bound: dict[str, Any]
) -> dict[str, tuple[ox.Literal, ox.Literal]]:
    """Each region's sums of pupils and of dropouts over the pairs of a pupils figure and a
    dropouts figure of the same school level, region and period."""
    period = bound["period"].value
    wanted = {
        (_indicator(iris, "jumlah-murid"), _source(question, bound, "jumlah-murid")): 0,
        (_indicator(iris, "murid-putus-sekolah"), _source(question, bound, "murid-putus-sekolah")): 1,
    }
    rows = view.rows
    picked = rows.filter(
        pc.and_(
            pc.is_in(rows.column("indicator"), value_set=pa.array([i for i, _ in wanted])),
            pc.equal(rows.column("period"), period),
        )
    ).to_pylist()
    figures: dict[str, tuple[list[tuple[str, ox.Literal]], list[tuple[str, ox.Literal]]]] = {}
    for row in picked:
        side = wanted.get((row["indicator"], row["dataset"]))
        if side is None:
            continue
        if row["datatype"] is None and row["language"] is None:
            raise Undetermined("a school figure is categorical")
        literal = (
            ox.Literal(row["value"], language=row["language"])
            if row["language"]
            else ox.Literal(row["value"], datatype=ox.NamedNode(row["datatype"]))
        )
        figures.setdefault(row["area"], ([], []))[side].append((row["obs"], literal))
    observations = {obs for both in figures.values() for side in both for obs, _ in side}
    keys = rows.filter(
        pc.and_(
            pc.equal(rows.column("dimension"), f"{iris.base}id/dimensi/jenjang"),
            pc.is_in(rows.column("obs"), value_set=pa.array(sorted(observations), pa.string())),
        )
    ).to_pylist()
    levels: dict[str, set[str]] = {}
    for key in keys:
        levels.setdefault(key["obs"], set()).add(key["value"])
    sums: dict[str, tuple[ox.Literal, ox.Literal]] = {}
    for area, (pupils, dropouts) in figures.items():
        m: list[ox.Literal] = []
        d: list[ox.Literal] = []
        for om, m_value in pupils:
            for od, d_value in dropouts:
                shared = len(levels.get(om, set()) & levels.get(od, set()))
                m.extend([m_value] * shared)
                d.extend([d_value] * shared)
        if m:
            sums[area] = (sparql_sum(m), sparql_sum(d))
    return sums
