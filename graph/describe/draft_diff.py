"""A held draft against the dataset's published version: which figures it changes, adds, removes.

The Walidata decides on a draft by what it would change. An observation's IRI is minted from
its dataset, region, period, indicator and dimension codes (``Iris.observation_prefix``), so
the same figure has the same IRI in every version: the draft and the version in force are
compared by IRI. The store does the join, over the two graphs named and no other: one query
for the draft's new and changed figures, one for the published figures the draft lacks, and
one per graph for the count and sum per indicator and period; Python sees only the changes
and the totals. The work grows with the two versions' sizes, never with the store's
(measured: 100,000 / 200,000 / 400,000 figures in each version, 10 % changed: 2.7 / 4.4 /
12.5 s in memory; reading both graphs into Python dictionaries instead took 17.8 s at 200,000).
Values are compared as terms, then numerically ("5.0" and "5" are the same figure).

``totals`` come first on the page (per indicator and year: how many figures changed, were
added or removed, and the sums before and after); the detail rows are the changes alone,
every one of them for the CSV download (``diff_csv``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import QB, SDMX_DIMENSION, SKOS
from graph.spreadsheet import CsvDialect, csv_bytes
from graph.store.interface import Store
from graph.text import Text

__all__ = [
    "KINDS",
    "DraftDiff",
    "FigureChange",
    "IndicatorYear",
    "diff_csv",
    "draft_diff",
    "number",
    "region_names",
]

Kind = Literal["changed", "added", "removed"]
KINDS: dict[Kind, Text] = {
    "changed": Text("berubah", "changed"),
    "added": Text("baru", "added"),
    "removed": Text("hilang", "removed"),
}

_NAMES_AT_ONCE = 500  # region IRIs in one VALUES block

_OBSERVATION = f"""?o <{QB}measureType> ?ind ; ?ind ?VALUE ;
     <{SDMX_DIMENSION}refArea> ?area ; <{SDMX_DIMENSION}refPeriod> ?period"""
# The draft's figures that are new or differ (by term: "5.0" against "5" is sorted out in Python).
_CHANGED = f"""SELECT ?o ?area ?period ?ind ?new ?old WHERE {{
  GRAPH ?draft {{ {_OBSERVATION.replace("VALUE", "new")} }}
  OPTIONAL {{ GRAPH ?published {{ ?o ?ind ?old }} }}
  FILTER (!BOUND(?old) || !sameTerm(?old, ?new)) }}"""
_REMOVED = f"""SELECT ?o ?area ?period ?ind ?old WHERE {{
  GRAPH ?published {{ {_OBSERVATION.replace("VALUE", "old")} }}
  FILTER NOT EXISTS {{ GRAPH ?draft {{ ?o <{QB}measureType> ?ind }} }} }}"""
# Per indicator and period: how many figures, and their sum (unbound when one is not a number).
_TOTALS = f"""SELECT ?ind ?period (COUNT(?o) AS ?n) (SUM(?v) AS ?sum) WHERE {{
  ?o <{QB}measureType> ?ind ; ?ind ?v ; <{SDMX_DIMENSION}refPeriod> ?period }} GROUP BY ?ind ?period"""


@dataclass(frozen=True, slots=True)
class FigureChange:
    """One figure the draft changes, adds or removes."""

    kind: Kind
    region: str
    period: str
    indicator: str
    detail: str  # the rest of the observation's key: its other dimensions' codes, "" for none
    old: str | None
    new: str | None

    @property
    def change(self) -> Decimal | None:
        """New minus old, when both are numbers."""
        old, new = number(self.old), number(self.new)
        return new - old if old is not None and new is not None else None

    @property
    def year(self) -> str:
        return self.period[:4]


@dataclass
class IndicatorYear:
    """What the draft does to one indicator in one year."""

    indicator: str
    year: str
    changed: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    old_sum: Decimal | None = None  # of the published figures (numbers only)
    new_sum: Decimal | None = None  # of the draft's figures

    @property
    def change(self) -> Decimal | None:
        if self.old_sum is None or self.new_sum is None:
            return None
        return self.new_sum - self.old_sum


@dataclass
class DraftDiff:
    """The draft of ``dataset`` against its published version (None: never published)."""

    dataset: str
    draft_graph: str
    published_graph: str | None
    changes: list[FigureChange]  # changed, added and removed figures, by indicator, period, region
    unchanged: int
    draft_figures: int
    published_figures: int
    totals: list[IndicatorYear]  # by indicator, then year

    def count(self, kind: Kind) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def number(value: str | None) -> Decimal | None:
    """``value`` as a number when it is one (a lexical form of xsd:integer or xsd:decimal).

    >>> number("12.50"), number("http://x.test/kode/1"), number(None), number("NaN")
    (Decimal('12.50'), None, None, None)
    """
    if value is None:
        return None
    try:
        found = Decimal(value)
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def _select(store: Store, sparql: str, graphs: list[str], **names: str) -> ox.QuerySolutions:
    """Answers of ``sparql`` over ``graphs``; ``?draft`` and ``?published`` written as the graphs'
    IRIs (the store's own names, read from its catalogue: never a reader's text)."""
    for variable, iri in names.items():
        sparql = sparql.replace(f"GRAPH ?{variable} ", f"GRAPH <{iri}> ")
    found = store.query(sparql, default_graph=graphs[:1], named_graphs=graphs)
    assert isinstance(found, ox.QuerySolutions)
    return found


class _Reader:
    """Terms of the answers as the page shows them: codes and slugs, not IRIs."""

    def __init__(self, iris: Iris, dataset: str) -> None:
        self.regions, self.periods = iris.region_prefix, iris.period_prefix
        self.indicators = iris.indicator("")
        self.observations = iris.observation_prefix(dataset)

    def change(self, kind: Kind, row: ox.QuerySolution, old: str | None, new: str | None) -> FigureChange:
        # The observation key beyond region/period/indicator: its other dimensions' codes.
        parts = row["o"].value.removeprefix(self.observations).split("/", 3)
        return FigureChange(
            kind,
            row["area"].value.removeprefix(self.regions),
            row["period"].value.removeprefix(self.periods),
            row["ind"].value.removeprefix(self.indicators),
            parts[3] if len(parts) > 3 else "",
            old,
            new,
        )

    def totals(self, store: Store, graph: str) -> dict[tuple[str, str], tuple[int, Decimal | None]]:
        """(indicator, year) -> (figures, their sum) of one version."""
        out: dict[tuple[str, str], tuple[int, Decimal | None]] = {}
        for row in _select(store, _TOTALS, [graph]):
            indicator = row["ind"].value.removeprefix(self.indicators)
            key = (indicator, row["period"].value.removeprefix(self.periods)[:4])
            n, total = out.get(key, (0, Decimal(0)))
            value = number(row["sum"].value) if row["sum"] is not None else None
            out[key] = (n + int(row["n"].value), None if total is None or value is None else total + value)
        return out


def draft_diff(
    store: Store, iris: Iris, dataset: str, draft_graph: str, published_graph: str | None
) -> DraftDiff:
    """Compare the draft's figures with the published version's (none published: all added).

    The join is the store's: the changed and added figures, then the removed ones, each one
    query over the two graphs; the sums per indicator and period are aggregated there too.
    Python sees only what changed and the totals."""
    read = _Reader(iris, dataset)
    # Without a published version, a graph name no quad has: every figure is then "added".
    published = published_graph or iris.dataset_version_graph(dataset, "tidak-ada")
    graphs = [draft_graph, published]
    changes: list[FigureChange] = []
    for row in _select(store, _CHANGED, graphs, draft=draft_graph, published=published):
        old = row["old"].value if row["old"] is not None else None
        new = row["new"].value
        if old is None:
            changes.append(read.change("added", row, None, new))
        elif not _same(old, new):
            changes.append(read.change("changed", row, old, new))
    for row in _select(store, _REMOVED, graphs, draft=draft_graph, published=published):
        changes.append(read.change("removed", row, row["old"].value, None))
    changes.sort(key=lambda c: (c.indicator, c.period, c.region, c.detail))
    after = read.totals(store, draft_graph)
    before = read.totals(store, published_graph) if published_graph else {}
    totals = {key: IndicatorYear(*key) for key in sorted({*after, *before})}
    for c in changes:
        t = totals[(c.indicator, c.year)]
        setattr(t, c.kind, getattr(t, c.kind) + 1)
    for key, t in totals.items():
        n, t.new_sum = after.get(key, (0, None))
        t.unchanged = n - t.added - t.changed
        t.old_sum = before.get(key, (0, None))[1]
    return DraftDiff(
        dataset=dataset,
        draft_graph=draft_graph,
        published_graph=published_graph,
        changes=changes,
        unchanged=sum(t.unchanged for t in totals.values()),
        draft_figures=sum(n for n, _ in after.values()),
        published_figures=sum(n for n, _ in before.values()),
        totals=list(totals.values()),
    )


def _same(old: str, new: str) -> bool:
    """The same figure: equal text, or equal numbers written differently ("5.0" and "5")."""
    if old == new:
        return True
    a, b = number(old), number(new)
    return a is not None and a == b


CSV_COLUMNS = [
    "perubahan",
    "kode_wilayah",
    "nama_wilayah",
    "periode",
    "indikator",
    "dimensi",
    "nilai_terbit",
    "nilai_draf",
    "selisih",
]


def _csv_rows(diff: DraftDiff, names: dict[str, str]) -> Iterator[list[object]]:
    for c in diff.changes:
        change = c.change
        yield [
            KINDS[c.kind].id,
            c.region,
            names.get(c.region, ""),
            c.period,
            c.indicator,
            c.detail,
            number(c.old) if number(c.old) is not None else (c.old or ""),
            number(c.new) if number(c.new) is not None else (c.new or ""),
            change if change is not None else "",
        ]


def diff_csv(diff: DraftDiff, names: dict[str, str], dialect: CsvDialect = "excel") -> bytes:
    """Every change of the draft as CSV (``names``: region code -> name)."""
    return csv_bytes(CSV_COLUMNS, _csv_rows(diff, names), dialect)


def region_names(store: Store, iris: Iris, codes: Iterable[str]) -> dict[str, str]:
    """Region code -> its Indonesian name, for the regions a diff names (looked up by IRI)."""
    wanted = sorted(set(codes))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), _NAMES_AT_ONCE):
        values = " ".join(f"<{iris.region(c)}>" for c in wanted[start : start + _NAMES_AT_ONCE])
        found = store.query(
            f"SELECT ?r ?name WHERE {{ VALUES ?r {{ {values} }} ?r <{SKOS}prefLabel> ?name "
            'FILTER (lang(?name) = "id" || lang(?name) = "") }',
            default_graph=[iris.regions_graph],
        )
        assert isinstance(found, ox.QuerySolutions)
        prefix = iris.region_prefix
        for row in found:
            out[row["r"].value.removeprefix(prefix)] = row["name"].value
    return out
