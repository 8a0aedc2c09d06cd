"""The ``columnar`` plan of a named question: how to answer it from the observation view.

A plan says which indicators the question joins on region and period, which are summed
over their breakdowns or over the regions directly under a region, which columns are
differences and ratios, which rows a parameter filters out, the ranking and the order.
``graph.answer.columnar`` evaluates it; the question's SPARQL stays its definition and the
tests compare the two for every parameter value (``docs/questions.md``: the format).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AggregatePlan",
    "AnyPlan",
    "ColumnarDifference",
    "ColumnarFilter",
    "ColumnarMeasure",
    "ColumnarPlan",
    "ColumnarRank",
    "ColumnarRatio",
    "CountPlan",
    "OrderKey",
    "order_key",
]

RegionLevel = Literal["provinsi", "kabupaten", "kecamatan", "desa"]
# ORDER BY terms a plan may use: a column, DESC(column) or DESC(ABS(column)).
_ORDER = re.compile(r"^(?:(desc)\()?(?:(abs)\()?([a-z][a-z0-9_]*)\)?\)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnarMeasure(_Strict):
    """One indicator column of a columnar plan."""

    indicator: str = Field(
        description="Indicator slug (ind:<slug>), or '?name' for the indicator a parameter gives."
    )
    sum: bool = Field(
        False, description="Sum the indicator's observations of one region and period (breakdowns)."
    )
    under: bool = Field(
        False,
        description="Sum the observations of the regions directly under each region "
        "(?area skos:broader ?region), as a kecamatan figure summed from its desa; implies sum.",
    )
    period: str = Field("?period", description="The parameter giving the measure's period ('?from_period').")
    breakdown: dict[str, str] = Field(
        default_factory=dict,
        description="Only observations with these keys: dimension slug (dimensi:<slug>) -> code "
        "path (kode:<path>), as ``dimensi:jenjang kode:jenjang/SD`` in SPARQL.",
    )


class ColumnarRatio(_Strict):
    """A column computed as ROUND(scale * numerator / denominator) / divide, as in SPARQL."""

    numerator: str
    denominator: str
    scale: int = Field(100, description="10^decimals kept, times any factor (1000/10 = per 100, 1 decimal).")
    divide: int = Field(100, description="What the rounded value is divided by.")


class ColumnarDifference(_Strict):
    """A column computed as ``minuend - subtrahend`` (integers stay integers, as in SPARQL)."""

    minuend: str
    subtrahend: str


class ColumnarFilter(_Strict):
    """Keep the rows whose column compares so with a parameter: FILTER(?column >= ?parameter)."""

    column: str
    op: Literal["<", "<=", ">", ">="]
    parameter: str = Field(description="The parameter (a number) compared with.")


class ColumnarRank(_Strict):
    """A column ranking the regions by a measure: 1 + the number of regions of the answer
    with a greater value (equal values share a rank), as ``1 + COUNT(?other)`` in SPARQL."""

    column: str
    by: str = Field(description="The measure column ranked, highest first.")


class ColumnarPlan(_Strict):
    """How to answer the question from the columnar view (``graph/answer/columnar.py``).

    It must give exactly the rows of the SPARQL: regions at or under ``?region`` (or directly
    under it, or every region), each measure's observations joined on region and period,
    labels, differences, ratios, filters, rank, unit, order.
    """

    kind: Literal["join"] = Field("join", description="Indicators joined on region and period.")
    regions: Literal["at-or-under", "children", "all"] = Field(
        "at-or-under",
        description="at-or-under: ?region and every region under it (skos:broader*); "
        "children: the regions directly under ?region (skos:broader); all: every region "
        "(the question has no region parameter).",
    )
    level: RegionLevel | None = Field(
        None, description="Only regions of this level (?area oc:regionLevel oc:levelDesa)."
    )
    code: str = Field(description="Column of the region's Kemendagri code.")
    label: str = Field(description="Column of the region's name.")
    parent_label: str | None = Field(None, description="Column of the parent region's name.")
    measures: dict[str, ColumnarMeasure]
    differences: dict[str, ColumnarDifference] = Field(default_factory=dict)
    ratios: dict[str, ColumnarRatio] = Field(default_factory=dict)
    filters: list[ColumnarFilter] = Field(default_factory=list)
    rank: ColumnarRank | None = None
    unit: str | None = Field(
        None, description="Column of the first measure's unit name in Indonesian (optional in SPARQL)."
    )
    order_by: list[str] = Field(description="ORDER BY: 'column', 'desc(column)' or 'desc(abs(column))'.")

    @field_validator("order_by")
    @classmethod
    def _order_terms(cls, value: list[str]) -> list[str]:
        for term in value:
            order_key(term)
        return value

    def parameters(self) -> set[str]:
        """The parameters the plan reads: without all of them bound, the SPARQL answers."""
        named = {m.period[1:] for m in self.measures.values()}
        named |= {m.indicator[1:] for m in self.measures.values() if m.indicator.startswith("?")}
        named |= {f.parameter for f in self.filters}
        return named | ({"region"} if self.regions != "all" else set())


class AggregatePlan(_Strict):
    """One indicator (``?indicator``) as reported at a region, summed from the regions under
    it (counts and areas) and recomputed from its numerator and denominator (percentages),
    the three methods of the SPARQL's UNION (``graph/answer/columnar_aggregate.py``)."""

    kind: Literal["aggregate"]
    over: Literal["periods", "regions"] = Field(
        description="periods: ?region's rows, one per period with its year (ORDER BY ?year); "
        "regions: the rows of every region of level ?level in ?period (ORDER BY its code)."
    )
    year: str | None = Field(None, description="periods: the column of the period's oc:year.")
    code: str | None = Field(None, description="regions: the column of the region's Kemendagri code.")
    label: str | None = Field(None, description="regions: the column of the region's name.")
    value: str
    unit: str
    method: str
    areas: str
    methods: dict[Literal["reported", "summed", "recomputed"], str] = Field(
        description="The text of the method column for each method, as the SPARQL writes it."
    )

    def parameters(self) -> set[str]:
        """The parameters the plan reads: without all of them bound, the SPARQL answers."""
        return {"indicator", "region"} if self.over == "periods" else {"indicator", "level", "period"}


class CountPlan(_Strict):
    """A grouping of one question, evaluated by a module of its own: ``category-count``
    (regions counted by category, from the view's categorical values:
    ``graph/answer/columnar_categories.py``), ``agency-coverage`` (regions and figures by
    agency, dataset, indicator and level, from the view's rows:
    ``graph/answer/columnar_coverage.py``), or ``population-density`` and
    ``welfare-vs-dropout`` (desa figures summed per kecamatan and joined with kecamatan
    figures: ``graph/answer/columnar_districts.py``), or ``stale-datasets`` (each dataset's
    latest period against its frequency: ``graph/answer/columnar_freshness.py``), or
    ``village-profile`` (every figure of a desa and its kecamatan, from the view's rows:
    ``graph/answer/columnar_profile.py``). The columns are the question's SELECT's."""

    kind: Literal[
        "category-count",
        "agency-coverage",
        "population-density",
        "welfare-vs-dropout",
        "stale-datasets",
        "village-profile",
    ]

    def parameters(self) -> set[str]:
        """The parameters the plan reads: without all of them bound, the SPARQL answers."""
        if self.kind == "village-profile":
            return {"region", "period"}
        return set() if self.kind in ("agency-coverage", "stale-datasets") else {"period"}


AnyPlan = ColumnarPlan | AggregatePlan | CountPlan
OrderKey = tuple[str, bool, bool]  # column, descending, by absolute value


def order_key(term: str) -> OrderKey:
    """``desc(abs(gap_pct))`` -> ('gap_pct', True, True).

    Raises:
        ValueError: the term is none of the forms above.
    """
    found = _ORDER.match(term)
    opened = term.count("(")
    if found is None or opened != term.count(")") or opened != bool(found[1]) + bool(found[2]):
        raise ValueError(f"{term!r}: an order term is 'column', 'desc(column)' or 'desc(abs(column))'")
    return found[3], bool(found[1]), bool(found[2])
