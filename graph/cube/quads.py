"""Tidy observations -> N-Quads bytes, built by Arrow compute kernels.

Every line of a kind (all ``rdf:type`` lines of a chunk, all ``qb:dataSet`` lines, ...)
is one ``binary_join_element_wise`` over whole columns, run in Arrow's C++ without a
Python string per line. An Arrow string array without nulls stores its values back to
back in one buffer, so the N-Quads text of a column of lines *is* that buffer: it is
handed to the store as bytes, never split into Python strings and joined again. Order
of lines does not matter in N-Quads, so lines are written kind by kind.

Before this module the same lines were built with pandas string concatenation and
``"".join(series.tolist())``: ~590,000 quads/s at a million observations, falling with
size (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, QB, RDF_TYPE, SDMX_ATTRIBUTE, SDMX_DIMENSION
from graph.rdf.ntriples import escape
from graph.reference.vocabulary import Vocabulary

__all__ = ["QuadContext", "quads", "string_column", "text_of"]

_XSD = "http://www.w3.org/2001/XMLSchema#"

# Arrow values: string columns or constant text.
Part: TypeAlias = pa.Array | str

# Chunks built at once (this machine class has two cores).
_THREADS = 2


@dataclass(frozen=True)
class QuadContext:
    """What the N-Quads of one load are about: where they go and where they came from."""

    iris: Iris
    dataset: str
    graph: str
    file_sha256: str
    sheet: str | None
    # Indicator slug -> the qb:DataSet its observations belong to, where that is not the
    # dataset itself (graph.cube.measure_groups: measures observed at other points).
    cube_of: Mapping[str, str] = field(default_factory=dict)


def string_column(values: pd.Series) -> pa.Array:
    """A tidy column as an Arrow string array (nulls kept; callers filter them)."""
    array = pa.array(values.astype("string").array, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def text_of(values: pd.Series) -> pa.Array:
    """Values written as pandas writes them ("100.0" for a float score), computed once
    per distinct value: the same lexical forms as before, at Arrow speed."""
    positions, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = pa.array(pd.Series(distinct).astype("string").array, type=pa.string(), from_pandas=True)
    return pc.take(texts, pa.array(positions))


def _lookup(keys: pa.Array, table: Mapping[str, str]) -> pa.Array:
    """``table[key]`` for every key, in C++ (keys are few: indicators, dimensions)."""
    names = list(table)
    index = pc.index_in(keys, value_set=pa.array(names, type=pa.string()))
    return pc.take(pa.array([table[n] for n in names], type=pa.string()), index)


def _escaped(values: pa.Array) -> pa.Array:
    """Text safe inside N-Triples quotes (the same escapes as ``ntriples.escape``)."""
    for raw, written in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r")):
        values = pc.replace_substring(values, raw, written)
    return values


def _lines(*parts: Part) -> pa.Array:
    """One line per row: the parts joined, each a column or constant text."""
    return pc.binary_join_element_wise(*parts, "")


def _text_buffer(lines: pa.Array) -> pa.Buffer:
    """The text of a column of lines without nulls: its value buffer, as it is (no copy)."""
    if lines.null_count:
        raise ValueError("a quad line is null: a required value was missing")
    if len(lines) == 0:
        return pa.py_buffer(b"")
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    assert data is not None
    return data.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def _buffers(columns: list[pa.Array]) -> list[pa.Buffer]:
    """One chunk of N-Quads as the buffers of its columns of lines (empty ones left out)."""
    return [b for b in (_text_buffer(c) for c in columns) if b.size]


def quads(tidy: pd.DataFrame, vocab: Vocabulary, ctx: QuadContext, chunk_rows: int) -> Iterator[pa.Buffer]:
    """N-Quads for tidy observations (see ``graph.cube.prepare``) and their source rows,
    ``chunk_rows`` observations at a time."""
    iris = ctx.iris
    g = f" <{ctx.graph}> .\n"
    dataset = f"<{iris.dataset(ctx.dataset)}>"
    cube_iri = {s: f"<{iri}>" for s, iri in ctx.cube_of.items()}
    obs_prefix = "<" + iris.observation_prefix(ctx.dataset)
    row_prefix = "<" + iris.row_prefix(ctx.file_sha256, ctx.sheet)
    region_prefix = "<" + iris.region_prefix
    period_prefix = "<" + iris.period_prefix
    rdf_type = f"<{RDF_TYPE}>"
    indicator_iri = {s: i.iri for s, i in vocab.indicators.items()}
    datatype = {s: i.datatype for s, i in vocab.indicators.items()}
    unit = {s: i.unit_iri for s, i in vocab.indicators.items()}
    categorical = [s for s, i in vocab.indicators.items() if i.is_categorical]
    dimension_iri = {d.slug: d.iri for d in vocab.dimensions.values()}
    code_iri = {(d.slug, n): c for d in vocab.dimensions.values() for n, c in d.codes.items()}

    def observations(start: int) -> list[pa.Buffer]:
        part = tidy.iloc[start : start + chunk_rows]
        region = string_column(part["region"])
        period = string_column(part["period"])
        ind = string_column(part["indicator"])
        dims = string_column(part["dims"])
        subject = _lines(obs_prefix, region, "/", period, "/", ind, dims, ">")
        # The dataset itself, or (a null from the lookup) the cube of the indicator's group.
        cube: Part = pc.fill_null(_lookup(ind, cube_iri), dataset) if cube_iri else dataset
        ind_iri = _lines("<", _lookup(ind, indicator_iri), ">")
        row = _lines(row_prefix, text_of(part["row"]), ">")
        value = _value_terms(ind, string_column(part["value"]), datatype, categorical)
        # All ten lines of an observation in one kernel: one buffer per chunk, no joins.
        lines = [
            _lines(
                subject, f" {rdf_type} <{QB}Observation>", g,
                subject, f" <{QB}dataSet> ", cube, g,
                subject, f" <{SDMX_DIMENSION}refArea> ", region_prefix, region, ">", g,
                subject, f" <{SDMX_DIMENSION}refPeriod> ", period_prefix, period, ">", g,
                subject, f" <{QB}measureType> ", ind_iri, g,
                subject, " ", ind_iri, " ", value, g,
                subject, f" <{SDMX_ATTRIBUTE}unitMeasure> <", _lookup(ind, unit), ">", g,
                subject, f" <{OC}sourceRow> ", row, g,
                subject, f' <{OC}sourceColumn> "', _escaped(string_column(part["column"])), '"', g,
                subject, f' <{OC}rawValue> "', _escaped(string_column(part["raw"])), '"', g,
            )
        ]  # fmt: skip
        lines += _dimension_lines(part["dims"], dims, subject, dimension_iri, code_iri, g)
        return _buffers(lines)

    # Source rows once each: a wide row gives several observations, possibly in several chunks.
    unique_rows = tidy.drop_duplicates("row")

    def source_rows(start: int) -> list[pa.Buffer]:
        rows = unique_rows.iloc[start : start + chunk_rows]
        number = text_of(rows["row"])
        row_subject = _lines(row_prefix, number, ">")
        lines = [
            _lines(
                row_subject, f" {rdf_type} <{OC}SourceRow>", g,
                row_subject, f" <{OC}sourceFile> <{iris.file(ctx.file_sha256)}>", g,
                row_subject, f' <{OC}rowNumber> "', number, f'"^^<{_XSD}integer>', g,
                row_subject, f' <{OC}regionLinkMethod> "', string_column(rows["method"]), '"', g,
                row_subject, f' <{OC}regionLinkScore> "', text_of(rows["score"]), f'"^^<{_XSD}decimal>', g,
            )
        ]  # fmt: skip
        optional = [
            ("runner_up", f" <{OC}regionLinkRunnerUp> " + region_prefix, ">", False),
            ("decision", f" <{OC}regionLinkDecision> <" + iris.decision(""), ">", False),
            ("stated_parent", f" <{OC}statedParent> " + region_prefix, ">", False),
            ("stated_parent_name", f' <{OC}statedParentName> "', '"', True),
        ]
        for column, before, after, quoted in optional:
            lines += _optional_lines(string_column(rows[column]), row_subject, before, after, quoted, g)
        if ctx.sheet:
            lines.append(_lines(row_subject, f' <{OC}sheet> "' + escape(ctx.sheet) + '"', g))
        return _buffers(lines)

    tasks = [partial(observations, start) for start in range(0, len(tidy), chunk_rows)]
    tasks += [partial(source_rows, start) for start in range(0, len(unique_rows), chunk_rows)]
    yield from _in_threads(tasks)


def _value_terms(
    ind: pa.Array, value: pa.Array, datatype: dict[str, str], categorical: list[str]
) -> pa.Array:
    """Each value as an N-Triples term: a literal of its indicator's datatype, or, for a
    categorical indicator, the IRI of its concept (the tidy value is the concept's IRI)."""
    literal = _lines('"', value, '"^^<', _lookup(ind, datatype), ">")
    if not categorical:
        return literal
    is_concept = pc.fill_null(pc.is_in(ind, value_set=pa.array(categorical, type=pa.string())), False)
    if not pc.any(is_concept).as_py():
        return literal
    return pc.if_else(is_concept, _lines("<", value, ">"), literal)


def _dimension_lines(
    suffixes: pd.Series,
    dims: pa.Array,
    subject: pa.Array,
    dimension_iri: dict[str, str],
    code_iri: dict[tuple[str, str], str],
    g: str,
) -> list[pa.Array]:
    """One column of lines per dimension code the chunk uses: the observations that have it.

    ``suffixes`` (and ``dims``, the same as Arrow) hold each observation's "/name=code" pairs.
    """
    if not pc.any(pc.greater(pc.utf8_length(dims), 0)).as_py():
        return []
    pairs = suffixes.str.lstrip("/").str.split("/").explode().dropna().unique()
    bounded = pc.binary_join_element_wise(dims, "/", "")
    lines = []
    for pair in pairs:
        if not pair:
            continue
        name, notation = pair.split("=", 1)
        has = pc.match_substring(bounded, "/" + pair + "/")
        predicate_object = f" <{dimension_iri[name]}> <{code_iri[(name, notation)]}>"
        lines.append(_lines(pc.filter(subject, has), predicate_object, g))
    return lines


def _optional_lines(
    values: pa.Array, subject: pa.Array, before: str, after: str, quoted: bool, g: str
) -> list[pa.Array]:
    """The lines of an optional value, for the subjects that have one (none when none has)."""
    present = pc.is_valid(values)
    if not pc.any(present).as_py():
        return []
    values = pc.filter(values, present)
    written = _escaped(values) if quoted else values
    return [_lines(pc.filter(subject, present), before, written, after, g)]


def _in_threads(tasks: Sequence[Callable[[], list[pa.Buffer]]]) -> Iterator[pa.Buffer]:
    """Run chunk builders two at a time, in order. Arrow's kernels release the GIL, so
    the two cores build two chunks at once; at most two chunks wait in memory."""
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        pending: deque[Future[list[pa.Buffer]]] = deque()
        for task in tasks:
            pending.append(pool.submit(task))
            if len(pending) > _THREADS:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
