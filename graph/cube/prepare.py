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

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import process

from graph.errors import CellProblem
from graph.link.names import LEVELS, NameRules
from graph.link.regions import RegionLinker, ReviewItem
from graph.link.terms import TermLinker
from graph.read.mappings import ColumnOrValue, Mapping, PeriodSpec, RegionSpec
from graph.read.numbers import parse_numbers
from graph.read.periods import period_keys
from graph.read.tables import ROW, Table, normalise_header
from graph.reference.vocabulary import Vocabulary

__all__ = ["Prepared", "check_mapping", "prepare", "resolve_terms"]

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
    rows_read: int = 0
    rows_blank: int = 0
    rows_dropped: int = 0
    rows_rejected: int = 0  # the whole row could not be used (region, period, dimension)
    rows_mapped: int = 0  # at least one observation came from the row
    rows_without_values: int = 0  # every value cell empty or unreadable
    cells_empty: int = 0
    cells_rejected: int = 0
    review: list[ReviewItem] = field(default_factory=list)  # unlinked references
    link_methods: dict[str, int] = field(default_factory=dict)  # rows linked per method

    @property
    def periods(self) -> list[str]:
        return sorted(self.tidy["period"].unique()) if len(self.tidy) else []


def resolve_terms(mapping: Mapping, vocab: Vocabulary, rules: NameRules) -> Mapping:
    """The mapping with its agency and fixed indicators written as slugs.

    Agency staff may write "Dinas Kesehatan" or "Jumlah Balita Stunting"; these are
    linked to the vocabulary like region names, and refused (with the closest
    candidates) when they fit nothing or several terms.

    Raises:
        MappingError: a name that cannot be linked, with the mapping's file and line.
    """
    agency = TermLinker.of(vocab, "agency", rules).resolve(mapping.dataset.agency)
    if agency.code is None:
        raise mapping.error(f"instansi / agency: {agency.problem}", "dataset", "agency")
    indicators = TermLinker.of(vocab, "indicator", rules)
    measures = []
    for i, measure in enumerate(mapping.measures):
        if isinstance(measure.indicator, str):
            found = indicators.resolve(measure.indicator)
            if found.code is None:
                raise mapping.error(f"indikator / indicator: {found.problem}", "measures", i, "indicator")
            measure = measure.model_copy(update={"indicator": found.code})
        measures.append(measure)
    dataset = mapping.dataset.model_copy(update={"agency": agency.code})
    return mapping.model_copy(update={"dataset": dataset, "measures": measures})


def check_mapping(mapping: Mapping, vocab: Vocabulary, columns: list[str] | None = None) -> None:
    """Check a mapping against the vocabulary (and the table's header, when given).

    Raises:
        MappingError: an unknown indicator, agency, dimension, code, unit or column,
            naming the mapping file and line.
    """
    if mapping.dataset.agency not in vocab.agencies:
        raise mapping.error(
            f"instansi {mapping.dataset.agency!r} tidak dikenal / unknown agency; known: "
            f"{', '.join(sorted(vocab.agencies))}",
            "dataset",
            "agency",
        )
    for name, spec in mapping.dimensions.items():
        dimension = vocab.dimensions.get(name)
        if dimension is None:
            raise mapping.error(
                f"dimensi {name!r} tidak dikenal / unknown dimension; known: "
                f"{', '.join(sorted(vocab.dimensions))}",
                "dimensions",
                name,
            )
        for source_value, notation in (spec.values or {}).items():
            if notation not in dimension.codes:
                raise mapping.error(
                    f"kode {notation!r} (for {source_value!r}) tidak ada di dimensi {name} / "
                    f"not a code of {name}; codes: {', '.join(sorted(dimension.codes))}",
                    "dimensions",
                    name,
                    "values",
                    source_value,
                )
    for i, measure in enumerate(mapping.measures):
        if not isinstance(measure.indicator, str):
            continue  # named per row; linked row by row in prepare()
        indicator = vocab.indicators.get(measure.indicator)
        if indicator is None:
            guess = process.extractOne(measure.indicator, list(vocab.indicators))
            hint = f"; did you mean {guess[0]!r}?" if guess and guess[1] > 70 else ""
            raise mapping.error(
                f"indikator {measure.indicator!r} tidak dikenal / unknown indicator{hint}",
                "measures",
                i,
                "indicator",
            )
        if measure.unit is not None and measure.unit != indicator.unit:
            raise mapping.error(
                f"satuan {measure.unit!r} berbeda dari satuan indikator {indicator.unit!r} / the "
                f"unit differs from the indicator's unit {indicator.unit!r}",
                "measures",
                i,
                "unit",
            )
        for name, notation in measure.dimensions.items():
            dimension = vocab.dimensions.get(name)
            if dimension is None or notation not in dimension.codes:
                raise mapping.error(
                    f"dimensi/kode {name}={notation!r} tidak dikenal / unknown dimension or code",
                    "measures",
                    i,
                    "dimensions",
                    name,
                )
    if columns is not None:
        for loc, column in mapping.column_references():
            if normalise_header(column) not in columns:
                guess = process.extractOne(normalise_header(column), columns)
                hint = f"; did you mean {guess[0]!r}?" if guess and guess[1] > 60 else ""
                raise mapping.error(
                    f"kolom {column!r} tidak ada di tabel / no such column in the table{hint} "
                    f"(columns: {', '.join(repr(c) for c in columns)})",
                    *loc,
                )


def _values(frame: pd.DataFrame, ref: ColumnOrValue) -> pd.Series:
    if ref.column is not None:
        return frame[normalise_header(ref.column)].fillna("")
    return pd.Series(str(ref.value), index=frame.index, dtype="string")


def prepare(mapping: Mapping, table: Table, linker: RegionLinker, vocab: Vocabulary) -> Prepared:
    """Link, parse and melt a table into tidy observations, accounting for every row."""
    check_mapping(mapping, vocab, table.columns)
    frame = table.frame
    problems: list[CellProblem] = []
    file_name = table.path.name

    def report(mask: pd.Series, column: str, values: pd.Series, reasons: pd.Series) -> None:
        for number, value, reason in zip(frame.loc[mask, ROW], values[mask], reasons[mask], strict=True):
            problems.append(CellProblem(file_name, table.sheet, int(number), column, str(value), str(reason)))

    region = mapping.region
    columns = {}
    if region.code is not None:
        columns["code"] = normalise_header(region.code.column)
    if region.name is not None and region.name.column is not None:
        columns["name"] = normalise_header(region.name.column)
    if region.parent is not None and region.parent.column is not None:
        columns["parent"] = normalise_header(region.parent.column)
    linked = linker.link(region, frame, columns)
    region_column = columns.get("code") or columns.get("name") or "(wilayah)"
    row_ok = linked.problem.isna()
    shown = frame[region_column] if region_column in frame else linked.code.fillna("")
    if "parent" in columns and "code" not in columns:
        shown = frame[columns["parent"]].fillna("") + " / " + frame[columns["name"]].fillna("")
    report(~row_ok, region_column, shown, linked.problem)
    stated_parent, stated_parent_name = _stated_parents(region, frame, columns, linker)

    def periods_for(spec: PeriodSpec) -> tuple[pd.Series, pd.Series, str]:
        sem = _values(frame, spec.semester) if spec.semester else None
        mon = _values(frame, spec.month) if spec.month else None
        keys, problem = period_keys(_values(frame, spec.year), sem, mon)
        return keys, problem, spec.year.column or "(periode)"

    table_period = None
    if mapping.period is not None:
        keys, problem, col = periods_for(mapping.period)
        bad = problem.notna() & row_ok
        report(bad, col, _values(frame, mapping.period.year), problem)
        row_ok &= problem.isna()
        table_period = keys

    dimension_codes: dict[str, pd.Series] = {}
    for name, spec in mapping.dimensions.items():
        raw = _values(frame, spec).str.strip()
        lookup = {k.strip().casefold(): v for k, v in (spec.values or {}).items()}
        known = vocab.dimensions[name].codes
        lookup.update({n.casefold(): n for n in known})
        notation = raw.str.casefold().map(lookup).astype("string")
        bad = notation.isna() & row_ok
        reason = pd.Series(
            f"nilai {name} tidak dikenal / unknown {name} value; add it to the mapping's "
            f"dimensions.{name}.values",
            index=frame.index,
            dtype="string",
        )
        report(bad, spec.column or name, raw, reason)
        row_ok &= notation.notna()
        dimension_codes[name] = notation

    blocks = []
    cells_empty = cells_rejected = 0
    source_style = mapping.source.decimal
    for measure in mapping.measures:
        column = normalise_header(measure.column)
        raw = frame[column].fillna("")
        if isinstance(measure.indicator, str):
            slug = pd.Series(measure.indicator, index=frame.index, dtype="string")
            indicator_ok = pd.Series(True, index=frame.index)
        else:
            slug, indicator_ok = _indicators_per_row(
                frame, measure.indicator, measure.unit, vocab, linker.rules, row_ok, report
            )
            cells_rejected += int((~indicator_ok & row_ok).sum())
        counts = slug.map({s: i.is_integer for s, i in vocab.indicators.items()})
        parsed = parse_numbers(
            raw,
            style=measure.decimal or source_style,
            missing=mapping.source.missing,
            # via object: when no row names a known indicator, counts is a null-typed column
            integer=counts.astype(object).fillna(False).astype(bool),
        )
        if measure.period is not None:
            period, problem, pcol = periods_for(measure.period)
            # A measure's own fixed period that cannot be read is a mapping error, but a
            # period column is per row.
            bad = problem.notna() & row_ok
            report(bad, pcol, _values(frame, measure.period.year), problem)
            ok = row_ok & problem.isna()
        else:
            assert table_period is not None
            period, ok = table_period, row_ok
        ok = ok & indicator_ok
        cells_empty += int((parsed.missing & ok).sum())
        bad_cell = parsed.problem.notna() & ok
        cells_rejected += int(bad_cell.sum())
        report(bad_cell, column, raw, parsed.problem)
        keep = ok & parsed.lexical.notna()
        dims = dict(dimension_codes)
        dims.update(
            {n: pd.Series(v, index=frame.index, dtype="string") for n, v in measure.dimensions.items()}
        )
        suffix = pd.Series("", index=frame.index, dtype="string")
        for name in sorted(dims):
            suffix = suffix + "/" + name + "=" + dims[name]
        block = pd.DataFrame(
            {
                "row": frame[ROW],
                "column": column,
                "raw": raw,
                "region": linked.code,
                "period": period,
                "indicator": slug,
                "dims": suffix,
                "value": parsed.lexical,
                "method": linked.method,
                "score": linked.score,
                "runner_up": linked.runner_up,
                "decision": linked.decision,
                "stated_parent": stated_parent,
                "stated_parent_name": stated_parent_name,
            }
        )[keep]
        blocks.append(block)
    tidy = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=TIDY)

    # Two rows giving the same observation (same region, period, indicator and dimensions)
    # would break the cube (IC-12): the first is kept, later ones are reported.
    key = ["region", "period", "indicator", "dims"]
    duplicate = tidy.duplicated(key, keep="first")
    if duplicate.any():
        first_row = tidy[~duplicate].set_index(key)["row"]
        for rec in tidy[duplicate].itertuples(index=False):
            first = first_row.loc[(rec.region, rec.period, rec.indicator, rec.dims)]
            problems.append(
                CellProblem(
                    file_name,
                    table.sheet,
                    int(rec.row),
                    rec.column,
                    str(rec.raw),
                    f"duplikat baris {first} / duplicate of row {first} (same region, period, "
                    "indicator and dimensions)",
                )
            )
        cells_rejected += int(duplicate.sum())
        tidy = tidy[~duplicate].reset_index(drop=True)

    mapped_rows = set(tidy["row"].astype(int))
    data_rows = set(frame[ROW].astype(int))
    rejected_rows = set(frame.loc[~row_ok, ROW].astype(int))
    return Prepared(
        tidy=tidy,
        problems=sorted(problems, key=lambda p: (p.row, p.column)),
        rows_read=table.rows_read,
        rows_blank=len(table.blank_rows),
        rows_dropped=len(table.dropped),
        rows_rejected=len(rejected_rows),
        rows_mapped=len(mapped_rows),
        rows_without_values=len(data_rows - mapped_rows - rejected_rows),
        cells_empty=cells_empty,
        cells_rejected=cells_rejected,
        review=linked.review,
        link_methods={str(k): int(v) for k, v in linked.method.value_counts().items()},
    )


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
    return names.map(codes).astype("string"), names.where(names != "", pd.NA).astype("string")


def _indicators_per_row(
    frame: pd.DataFrame,
    ref: ColumnOrValue,
    unit: str | None,
    vocab: Vocabulary,
    rules: NameRules,
    row_ok: pd.Series,
    report: Callable[[pd.Series, str, pd.Series, pd.Series], None],
) -> tuple[pd.Series, pd.Series]:
    """Each row's indicator slug from a column that names it, and which rows have one."""
    names = _values(frame, ref)
    linker = TermLinker.of(vocab, "indicator", rules)
    found = {name: linker.resolve(name) for name in names.unique()}
    slug = names.map({n: f.code for n, f in found.items()}).astype("string")
    reason = names.map({n: f.problem for n, f in found.items()}).astype("string")
    if unit is not None:
        other_unit = slug.map({s: i.unit for s, i in vocab.indicators.items()}).ne(unit) & slug.notna()
        reason = reason.mask(
            other_unit, f"satuan indikator bukan {unit} / the indicator's unit is not {unit}"
        )
        slug = slug.mask(other_unit)
    column = ref.column or "(indikator)"
    report(slug.isna() & row_ok, column, names, reason)
    return slug, slug.notna()
