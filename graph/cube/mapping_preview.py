"""The mapping assistant's preview: the first rows of a sample as the mapping so far reads them.

Nothing here parses a cell itself. The table is read by ``graph.read.tables.read_table`` with
the ``source`` the choices give, regions are linked by the instance's ``RegionLinker`` (the one
``onecenter load`` uses), years by ``graph.read.periods.period_keys`` and figures by
``graph.read.numbers.parse_numbers``: what the preview shows accepted or rejected is what a load
would accept or reject. Once every step is answered, ``full_check`` runs ``graph.cube.prepare``
itself on the whole sample, the load's own preparation, for the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graph.cube.prepare import prepare
from graph.link.regions import RegionLinker
from graph.read.mapping_builder import MappingChoices, region_data, source_spec
from graph.read.mappings import Mapping, RegionSpec, normalise_header
from graph.read.numbers import parse_numbers
from graph.read.periods import period_keys
from graph.read.tables import ROW, ReadBudget, read_table
from graph.reference.vocabulary import Vocabulary

__all__ = ["Cell", "FullCheck", "Preview", "full_check", "preview"]

SHOWN_ROWS = 12
SHOWN_PROBLEMS = 30


@dataclass
class Cell:
    text: str  # the cell as written
    reading: str = ""  # what the mapping makes of it: a region code, a year, a number
    problem: str = ""  # why it is rejected, when it is


@dataclass
class Preview:
    """The header and first rows as read, the readings and problems of the mapped columns."""

    sheet: str | None
    columns: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number as Excel shows it, cells by column)
    rows_read: int
    dropped: list[tuple[int, str, str, str]]  # row, column, value, why
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, column, value, why
    problem_count: int = 0


@dataclass
class FullCheck:
    """What a load of the whole sample would make of it (``graph.cube.prepare``)."""

    observations: int
    rows_mapped: int
    rows_rejected: int
    cells_rejected: int
    rows_dropped: int
    problems: list[tuple[int, str, str, str]]


def preview(
    choices: MappingChoices,
    sample: Path,
    linker: RegionLinker,
    vocab: Vocabulary,
    budget: ReadBudget,
    shown: int = SHOWN_ROWS,
) -> Preview:
    """The sample read with the choices so far.

    Raises:
        SourceError: the reader refuses the file or layout (e.g. a header row past the end).
    """
    table = read_table(sample, source_spec(choices, sample.name), budget)
    frame = table.frame
    readings: dict[str, tuple[pd.Series, pd.Series]] = {}  # column -> (reading, problem)
    if choices.region is not None:
        _read_regions(choices, frame, linker, readings)
    if choices.period is not None and choices.period.year_column:
        column = normalise_header(choices.period.year_column)
        if column in frame:
            keys, problem = period_keys(frame[column].fillna(""))
            readings[column] = (keys, problem)
    _read_measures(choices, frame, vocab, source_spec(choices, sample.name).missing, readings)
    columns = [c for c in frame.columns if c != ROW]
    result = Preview(table.sheet, columns, [], table.rows_read, list(table.dropped))
    for i in range(len(frame)):
        number = int(frame[ROW].iloc[i])
        cells = []
        for column in columns:
            text = "" if pd.isna(frame[column].iloc[i]) else str(frame[column].iloc[i])
            cell = Cell(text)
            if column in readings:
                reading, problem = readings[column]
                if pd.notna(problem.iloc[i]):
                    cell.problem = str(problem.iloc[i])
                    result.problem_count += 1
                    if len(result.problems) < SHOWN_PROBLEMS:
                        result.problems.append((number, column, text, cell.problem))
                elif pd.notna(reading.iloc[i]):
                    cell.reading = str(reading.iloc[i])
            cells.append(cell)
        if i < shown:
            result.rows.append((number, cells))
    return result


def _read_measures(
    choices: MappingChoices,
    frame: pd.DataFrame,
    vocab: Vocabulary,
    missing: list[str],
    readings: dict[str, tuple[pd.Series, pd.Series]],
) -> None:
    for measure in choices.measures:
        column = normalise_header(measure.column)
        if column not in frame:
            continue
        known = vocab.indicators.get(measure.slug)
        parsed = parse_numbers(
            frame[column].fillna(""),
            style=choices.decimal,
            missing=missing,
            integer=bool(known and known.is_integer),
        )
        readings[column] = (parsed.lexical, parsed.problem)


def _read_regions(
    choices: MappingChoices,
    frame: pd.DataFrame,
    linker: RegionLinker,
    readings: dict[str, tuple[pd.Series, pd.Series]],
) -> None:
    assert choices.region is not None
    spec = RegionSpec.model_validate(region_data(choices.region))
    roles = {
        "code": choices.region.code_column,
        "name": choices.region.name_column,
        "parent": choices.region.parent_column,
    }
    columns = {role: normalise_header(c) for role, c in roles.items() if c}
    if any(c not in frame for c in columns.values()):
        return  # a column of another header row: the page asks again
    linked = linker.link(spec, frame, columns)
    shown_in = columns.get("code") or columns["name"]
    names = linker.index.names
    reading = linked.code.map(
        lambda code: f"{code} {names.get(code, '')}".strip() if pd.notna(code) else pd.NA
    )
    readings[shown_in] = (reading, linked.problem)


def full_check(
    mapping: Mapping, sample: Path, linker: RegionLinker, vocab: Vocabulary, budget: ReadBudget
) -> FullCheck:
    """The whole sample prepared as ``onecenter load`` prepares it (needs declared indicators).

    Raises:
        MappingError, SourceError: what the load would raise, with the mapping's line.
    """
    table = read_table(sample, mapping.source, budget)
    prepared = prepare(mapping, table, linker, vocab)
    return FullCheck(
        observations=len(prepared.tidy),
        rows_mapped=prepared.rows_mapped,
        rows_rejected=prepared.rows_rejected,
        cells_rejected=prepared.cells_rejected,
        rows_dropped=len(table.dropped) + len(prepared.total_rows),
        problems=[(p.row, p.column, p.value, p.reason) for p in prepared.problems[:SHOWN_PROBLEMS]],
    )
