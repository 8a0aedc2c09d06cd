"""Mapping + table -> W3C Data Cube observations as N-Quads, column-wise.

Two steps, both pure (no store):

``prepare`` links regions, reads periods and numbers, melts wide tables into
one tidy row per observation, and collects every cell or row it cannot use
with the reason. ``graph.cube.quads.quads`` turns the tidy frame into N-Quads
in chunks, with string kernels over whole columns (no per-row graph building).

Observations follow the measure-dimension pattern: ``qb:measureType`` names the
indicator and the indicator property carries the value, so any two indicators
of any agencies join the same way. Every observation points to its source row
(file, sheet, row number) and column, and keeps the cell text as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.cube.mapping_checks import check_mapping
from graph.errors import CellProblem
from graph.link.categories import CategoryReviewItem, link_categories
from graph.link.links import ReviewItem
from graph.link.names import LEVELS
from graph.link.regions import RegionLinker
from graph.link.terms import TermLinker
from graph.read.mappings import ColumnOrValue, Mapping, MeasureSpec, PeriodSpec, RegionSpec
from graph.read.numbers import ParsedNumbers, parse_numbers
from graph.read.periods import period_keys
from graph.read.tables import ROW, Table, normalise_header
from graph.reference.vocabulary import Vocabulary

__all__ = ["Prepared", "prepare"]

# Tidy observation columns.
TIDY = [
    "row",
    "column",
    "raw",
    "region",
    "period",
    "indicator",
    "dims",
    "value",
    "method",
    "score",
    "runner_up",
    "decision",
    "stated_parent",
    "stated_parent_name",
]


@dataclass
class Prepared:
    """Observations ready to write, and the account of every data row."""

    tidy: pd.DataFrame
    problems: list[CellProblem] = field(default_factory=list)
    # Rows that total others (row, column, value, why): left out and counted as dropped.
    total_rows: list[tuple[int, str, str, str]] = field(default_factory=list)
    rows_read: int = 0
    rows_blank: int = 0
    rows_dropped: int = 0
    rows_rejected: int = 0  # the whole row could not be used (region, period, dimension)
    rows_outside: int = 0  # of the rejected: the region lies outside the table's scope
    rows_mapped: int = 0  # at least one observation came from the row
    rows_without_values: int = 0  # every value cell empty or unreadable
    rows_without_values_refused: int = 0  # of those: at least one value cell was refused
    rows_duplicate: int = 0  # of those: a value cell repeated an earlier row's observation
    cells_empty: int = 0
    cells_rejected: int = 0
    review: list[ReviewItem] = field(default_factory=list)  # unlinked references
    category_review: list[CategoryReviewItem] = field(default_factory=list)  # unknown category texts
    link_methods: dict[str, int] = field(default_factory=dict)  # rows linked per method

    @property
    def periods(self) -> list[str]:
        return sorted(self.tidy["period"].unique()) if len(self.tidy) else []


def prepare(mapping: Mapping, table: Table, linker: RegionLinker, vocab: Vocabulary) -> Prepared:
    """Link, parse and melt a table into tidy observations, accounting for every row.

    Each step works on whole columns and narrows the rows still usable; what it cannot
    use it reports, cell by cell, with the reason.
    """
    check_mapping(mapping, vocab, table.columns)
    run = _Preparation(mapping, table, linker, vocab)
    run.link_regions()
    run.read_table_period()
    run.read_dimensions()
    blocks = [run.observations(measure) for measure in mapping.measures]
    tidy = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=TIDY)
    return run.prepared(run.without_duplicates(tidy))


def _values(frame: pd.DataFrame, ref: ColumnOrValue) -> pd.Series:
    if ref.column is not None:
        return frame[normalise_header(ref.column)].fillna("")
    return pd.Series(str(ref.value), index=frame.index, dtype="string")


class _Preparation:
    """One table being prepared: the rows still usable, and the problems and counts so far."""

    def __init__(self, mapping: Mapping, table: Table, linker: RegionLinker, vocab: Vocabulary) -> None:
        self.mapping = mapping
        self.table = table
        self.frame = table.frame
        self.linker = linker
        self.vocab = vocab
        self.problems: list[CellProblem] = []
        self.cells_empty = 0
        self.cells_rejected = 0
        self.row_ok = pd.Series(True, index=self.frame.index)  # no whole-row problem yet
        self.table_period: pd.Series | None = None
        self.dimension_codes: dict[str, pd.Series] = {}
        self.category_review: list[CategoryReviewItem] = []
        self.duplicate_rows: set[int] = set()

    def report(self, mask: pd.Series, column: str, values: pd.Series, reasons: pd.Series) -> None:
        """A problem for each row of ``mask``: its cell in ``column``, its value and reason."""
        file_name, sheet = self.table.path.name, self.table.sheet
        rows = self.frame.loc[mask, ROW]
        for number, value, reason in zip(rows, values[mask], reasons[mask], strict=True):
            self.problems.append(CellProblem(file_name, sheet, int(number), column, str(value), str(reason)))

    def link_regions(self) -> None:
        """Each row's region; a row whose region cannot be linked is rejected whole."""
        region, frame = self.mapping.region, self.frame
        if region.scope is not None and not self.linker.within(self.linker.home, region.scope):
            raise self.mapping.error(
                f"region.scope {region.scope!r} bukan wilayah asal {self.linker.home} atau wilayah "
                f"yang mencakupnya / is neither the home region {self.linker.home} nor a region that "
                "contains it (a dotted Kemendagri code, e.g. '18')",
                "region",
                "scope",
            )
        columns = {}
        if region.code is not None:
            columns["code"] = normalise_header(region.code.column)
        if region.name is not None and region.name.column is not None:
            columns["name"] = normalise_header(region.name.column)
        if region.parent is not None and region.parent.column is not None:
            columns["parent"] = normalise_header(region.parent.column)
        self.linked = self.linker.link(region, frame, columns)
        region_column = columns.get("code") or columns.get("name") or "(wilayah)"
        self.row_ok = self.linked.problem.isna()
        shown = frame[region_column] if region_column in frame else self.linked.code.fillna("")
        if "parent" in columns and "code" not in columns:
            shown = frame[columns["parent"]].fillna("") + " / " + frame[columns["name"]].fillna("")
        # A total row ("JUMLAH", "Kabupaten X") is left out as such, not refused.
        total = self.linked.total & ~self.row_ok
        self.report(~self.row_ok & ~total, region_column, shown, self.linked.problem)
        self.total_rows = [
            (int(row), region_column, str(value), str(why))
            for row, value, why in zip(
                frame.loc[total, ROW], shown[total], self.linked.problem[total], strict=True
            )
        ]
        self.total_mask = total
        self.stated_parent, self.stated_parent_name = _stated_parents(region, frame, columns, self.linker)

    def read_table_period(self) -> None:
        """The table's period; a row whose period cannot be read is rejected whole."""
        if self.mapping.period is not None:
            self.table_period, readable = self.read_period(self.mapping.period)
            self.row_ok = self.row_ok & readable

    def read_period(self, spec: PeriodSpec) -> tuple[pd.Series, pd.Series]:
        """The period keys of ``spec`` and which rows have one; the others are reported."""
        sem = _values(self.frame, spec.semester) if spec.semester else None
        mon = _values(self.frame, spec.month) if spec.month else None
        year = _values(self.frame, spec.year)
        keys, problem = period_keys(year, sem, mon)
        self.report(problem.notna() & self.row_ok, spec.year.column or "(periode)", year, problem)
        return keys, problem.isna()

    def read_dimensions(self) -> None:
        """Each dimension column's code notations; a row with an unknown value is rejected."""
        for name, spec in self.mapping.dimensions.items():
            raw = _values(self.frame, spec).str.strip()
            lookup = {k.strip().casefold(): v for k, v in (spec.values or {}).items()}
            lookup.update({n.casefold(): n for n in self.vocab.dimensions[name].codes})
            notation = raw.str.casefold().map(lookup).astype("string")
            reason = pd.Series(
                f"nilai {name} tidak dikenal / unknown {name} value; add it to the mapping's "
                f"dimensions.{name}.values",
                index=self.frame.index,
                dtype="string",
            )
            self.report(notation.isna() & self.row_ok, spec.column or name, raw, reason)
            self.row_ok = self.row_ok & notation.notna()
            self.dimension_codes[name] = notation

    def observations(self, measure: MeasureSpec) -> pd.DataFrame:
        """The tidy observations of one value column, its unusable cells reported."""
        frame = self.frame
        column = normalise_header(measure.column)
        raw = frame[column].fillna("")
        slug, indicator_ok = self._indicators(measure)
        counts = slug.map({s: i.is_integer for s, i in self.vocab.indicators.items()})
        parsed = parse_numbers(
            raw,
            style=measure.decimal or self.mapping.source.decimal,
            missing=self.mapping.source.missing,
            # via object: when no row names a known indicator, counts is a null-typed column
            integer=counts.astype(object).fillna(False).astype(bool),
        )
        if measure.period is not None:
            # A measure's own fixed period that cannot be read is a mapping error, but a
            # period column is per row.
            period, readable = self.read_period(measure.period)
            ok = self.row_ok & readable
        else:
            assert self.table_period is not None
            period, ok = self.table_period, self.row_ok
        ok = ok & indicator_ok
        parsed = self._categories(measure, column, raw, slug, ok, parsed)
        self.cells_empty += int((parsed.missing & ok).sum())
        bad_cell = parsed.problem.notna() & ok
        self.cells_rejected += int(bad_cell.sum())
        self.report(bad_cell, column, raw, parsed.problem)
        linked = self.linked
        block = pd.DataFrame(
            {
                "row": frame[ROW],
                "column": column,
                "raw": raw,
                "region": linked.code,
                "period": period,
                "indicator": slug,
                "dims": _dimension_suffix(frame.index, self.dimension_codes, measure.dimensions),
                "value": parsed.lexical,
                "method": linked.method,
                "score": linked.score,
                "runner_up": linked.runner_up,
                "decision": linked.decision,
                "stated_parent": self.stated_parent,
                "stated_parent_name": self.stated_parent_name,
            }
        )
        return block[ok & parsed.lexical.notna()]

    def _categories(
        self,
        measure: MeasureSpec,
        column: str,
        raw: pd.Series,
        slug: pd.Series,
        ok: pd.Series,
        parsed: ParsedNumbers,
    ) -> ParsedNumbers:
        """``parsed`` with the cells of categorical indicators read as concepts of their code
        list (the concept IRI as value) instead of numbers; unknown texts go to review."""
        lists = self.vocab.code_lists
        for indicator in [s for s in slug.dropna().unique() if s in lists]:
            at = ok & (slug == indicator)
            if not at.any():
                continue
            linked = link_categories(
                raw[at],
                self.frame.loc[at, ROW],
                lists[indicator],
                indicator=indicator,
                column=column,
                codes=measure.codes,
                missing=self.mapping.source.missing,
            )
            parsed.lexical = parsed.lexical.mask(at, linked.iri.reindex(raw.index))
            parsed.missing = parsed.missing.mask(at, linked.missing.reindex(raw.index, fill_value=False))
            parsed.problem = parsed.problem.mask(at, linked.problem.reindex(raw.index))
            self.category_review += linked.review
        return parsed

    def _indicators(self, measure: MeasureSpec) -> tuple[pd.Series, pd.Series]:
        """Each row's indicator slug, and which rows have one (a column may name unknown ones)."""
        index = self.frame.index
        if isinstance(measure.indicator, str):
            return pd.Series(measure.indicator, index=index, dtype="string"), pd.Series(True, index=index)
        names = _values(self.frame, measure.indicator)
        linker = TermLinker.of(self.vocab, "indicator", self.linker.rules)
        found = {name: linker.resolve(name) for name in names.unique()}
        slug = names.map({n: f.code for n, f in found.items()}).astype("string")
        reason = names.map({n: f.problem for n, f in found.items()}).astype("string")
        unit = measure.unit
        if unit is not None:
            units = {s: i.unit for s, i in self.vocab.indicators.items()}
            other_unit = slug.map(units).ne(unit) & slug.notna()
            reason = reason.mask(
                other_unit, f"satuan indikator bukan {unit} / the indicator's unit is not {unit}"
            )
            slug = slug.mask(other_unit)
        self.report(slug.isna() & self.row_ok, measure.indicator.column or "(indikator)", names, reason)
        indicator_ok = slug.notna()
        self.cells_rejected += int((~indicator_ok & self.row_ok).sum())
        return slug, indicator_ok

    def without_duplicates(self, tidy: pd.DataFrame) -> pd.DataFrame:
        """Two rows giving the same observation (same region, period, indicator and
        dimensions) would break the cube (IC-12): the first is kept, later ones reported
        with both values and which one is published."""
        key = ["region", "period", "indicator", "dims"]
        duplicate = tidy.duplicated(key, keep="first")
        if not duplicate.any():
            return tidy
        first = tidy[~duplicate].set_index(key)
        first_row, first_raw = first["row"], first["raw"]
        rec: Any  # a named tuple of the tidy columns
        for rec in tidy[duplicate].itertuples(index=False):
            at = (rec.region, rec.period, rec.indicator, rec.dims)
            kept_row, kept_raw = first_row.loc[at], first_raw.loc[at]
            self.problems.append(
                CellProblem(
                    self.table.path.name,
                    self.table.sheet,
                    int(rec.row),
                    rec.column,
                    str(rec.raw),
                    _duplicate_reason(int(kept_row), str(kept_raw), str(rec.raw)),
                )
            )
        self.cells_rejected += int(duplicate.sum())
        self.duplicate_rows = set(tidy.loc[duplicate, "row"].astype(int))
        return tidy[~duplicate].reset_index(drop=True)

    def prepared(self, tidy: pd.DataFrame) -> Prepared:
        """The observations with the account of every row and cell."""
        frame, table = self.frame, self.table
        mapped_rows = set(tidy["row"].astype(int))
        data_rows = set(frame[ROW].astype(int))
        rejected_rows = set(frame.loc[~self.row_ok & ~self.total_mask, ROW].astype(int))
        total_rows = {row for row, *_ in self.total_rows}
        without_values = data_rows - mapped_rows - rejected_rows - total_rows
        return Prepared(
            tidy=tidy,
            problems=sorted(self.problems, key=lambda p: (p.row, p.column)),
            total_rows=self.total_rows,
            rows_read=table.rows_read,
            rows_blank=len(table.blank_rows),
            rows_dropped=len(table.dropped) + len(total_rows),
            rows_rejected=len(rejected_rows),
            rows_outside=0 if self.linked.outside is None else int(self.linked.outside.sum()),
            rows_mapped=len(mapped_rows),
            rows_without_values=len(without_values),
            rows_without_values_refused=len(without_values & {p.row for p in self.problems}),
            rows_duplicate=len(without_values & self.duplicate_rows),
            cells_empty=self.cells_empty,
            cells_rejected=self.cells_rejected,
            review=self.linked.review,
            category_review=self.category_review,
            link_methods={str(k): int(v) for k, v in self.linked.method.value_counts().items()},
        )


def _duplicate_reason(kept_row: int, kept: str, dropped: str) -> str:
    """Why a duplicate row's cell is refused: both values, and which one is published.

    >>> _duplicate_reason(12, "120", "130").split(" / ")[0]
    'duplikat baris 12: baris 12 memberi 120, baris ini 130; yang dipakai dan diterbitkan: baris 12 (120)'
    """
    same = kept.strip() == dropped.strip()
    values_id = f"nilainya sama ({kept})" if same else f"baris {kept_row} memberi {kept}, baris ini {dropped}"
    values_en = f"the same value ({kept})" if same else f"row {kept_row} gives {kept}, this row {dropped}"
    return (
        f"duplikat baris {kept_row}: {values_id}; yang dipakai dan diterbitkan: baris {kept_row} ({kept}) "
        f"/ duplicate of row {kept_row} (same region, period, indicator and dimensions): {values_en}; "
        f"row {kept_row} ({kept}) is the one used and published"
    )


def _dimension_suffix(
    index: pd.Index, from_columns: dict[str, pd.Series], fixed: dict[str, str]
) -> pd.Series:
    """Each row's dimensions as "/name=code" pairs sorted by name ("" without any)."""
    dims = dict(from_columns)
    dims.update({n: pd.Series(v, index=index, dtype="string") for n, v in fixed.items()})
    suffix = pd.Series("", index=index, dtype="string")
    for name in sorted(dims):
        suffix = suffix + "/" + name + "=" + dims[name]
    return suffix


def _stated_parents(
    region: RegionSpec, frame: pd.DataFrame, columns: dict[str, str], linker: RegionLinker
) -> tuple[pd.Series, pd.Series]:
    """The parent region each coded row names (its code, and the name as written).

    A row linked by code that also names its kecamatan says two things that may disagree
    (a mistyped code, or a stale kecamatan column). Both are kept so a shape can compare
    the code's real parent with the stated one. Names-only rows are linked *within* their
    stated parent already, so nothing is kept for them.
    """
    empty = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "code" not in columns or region.parent is None or region.level == "provinsi":
        return empty, empty
    names = (
        frame[columns["parent"]].fillna("").astype("string").str.strip()
        if "parent" in columns
        else pd.Series(str(region.parent.value or ""), index=frame.index, dtype="string")
    )
    parent_level = LEVELS[LEVELS.index(region.level) - 1]
    codes = {n: linker.resolve_name(n, None, parent_level).code for n in names.unique() if n}
    return names.map(codes).astype("string"), names.mask(names == "").astype("string")
