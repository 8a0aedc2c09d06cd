"""The observations of a draft as Arrow columns: the triples the quad writer wrote, by predicate.

A load writes each observation as a fixed set of triples (``quad_writer.quads``): its type,
data set, region, period, indicator, value, unit, source row, source column, the cell as
written, and one triple per extra dimension. Before the tidy table is dropped, the same
terms are kept here column by column, so the shapes that look at one observation at a time
can be checked on whole columns (``graph.check.column_checks``) instead of by index look-ups in an
on-disk store, where each costs 4-6 times one in memory.

Kept compact until asked: the table's own short columns (region code, period, indicator
and dimensions dictionary-encoded), the IRIs built when a check asks for a predicate's
objects. Held whole as IRIs, a province's million observations took 640 MB more at the
load's peak; kept this way, about 60 MB.

This holds only what the writer writes, and ``tests/graph/check/test_column_checks.py`` compares
it with the triples read back from a store, predicate by predicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.cube.quads import QuadContext, string_column, text_of
from graph.rdf.namespaces import OC, QB, RDF_TYPE, SDMX_ATTRIBUTE, SDMX_DIMENSION
from graph.reference.vocabulary import Vocabulary

__all__ = ["DraftObservations"]


class DraftObservations:
    """One row per observation of a draft graph; the objects of each predicate it has."""

    def __init__(self, tidy: pd.DataFrame, vocab: Vocabulary, ctx: QuadContext) -> None:
        iris = ctx.iris
        self.graph = ctx.graph
        self.dataset = iris.dataset(ctx.dataset)
        self._prefix = iris.observation_prefix(ctx.dataset)
        self.file = iris.file(ctx.file_sha256)  # the source file every observation came from
        self.sheet = ctx.sheet
        self._region = string_column(tidy["region"])
        self._period = string_column(tidy["period"])
        self._indicator = pc.dictionary_encode(string_column(tidy["indicator"]))
        self._dims = pc.dictionary_encode(string_column(tidy["dims"]))
        self._row = text_of(tidy["row"])
        self._column = pc.dictionary_encode(string_column(tidy["column"]))
        self._raw = string_column(tidy["raw"])
        self.value = string_column(tidy["value"])  # lexical forms, typed by ``datatype``
        self._indicators = vocab.indicators
        region, period, row = (
            iris.region_prefix,
            iris.period_prefix,
            iris.row_prefix(ctx.file_sha256, ctx.sheet),
        )
        # Predicate -> how to make the object of every observation (an IRI, or text).
        self._fixed: dict[str, Callable[[], pa.Array]] = {
            RDF_TYPE: lambda: self._constant(QB + "Observation"),
            # The dataset, or the cube of a group of measures observed at other points.
            QB + "dataSet": lambda: self._per_indicator(
                {s: ctx.cube_of.get(s, self.dataset) for s in self._indicator.dictionary.to_pylist()}
            ),
            SDMX_DIMENSION + "refArea": lambda: pc.binary_join_element_wise(region, self._region, ""),
            SDMX_DIMENSION + "refPeriod": lambda: pc.binary_join_element_wise(period, self._period, ""),
            QB + "measureType": lambda: self._per_indicator({s: i.iri for s, i in self._indicators.items()}),
            SDMX_ATTRIBUTE + "unitMeasure": lambda: self._per_indicator(
                {s: i.unit_iri for s, i in self._indicators.items()}
            ),
            OC + "sourceRow": lambda: pc.binary_join_element_wise(row, self._row, ""),
            OC + "sourceColumn": lambda: self._column.dictionary_decode(),
            OC + "rawValue": lambda: self._raw,
        }
        # Dimension IRI -> {the dims text of a row -> its code IRI}, over the distinct texts.
        self._dimensions: dict[str, dict[str, str]] = {}
        for text in self._dims.dictionary.to_pylist():
            for pair in text.strip("/").split("/") if text else []:
                name, notation = pair.split("=", 1)
                dimension = vocab.dimensions[name]
                self._dimensions.setdefault(dimension.iri, {})[text] = dimension.codes[notation]

    @classmethod
    def of(cls, tidy: pd.DataFrame, vocab: Vocabulary, ctx: QuadContext) -> DraftObservations | None:
        """The draft's observations, or None when columns cannot stand for its triples.

        They cannot when two rows make one observation IRI (their triples merge in the
        store), or when an indicator or dimension IRI is also one of the fixed predicates
        (an observation would hold two values of one predicate). Neither happens for a
        table the pipeline accepts; the shapes are then checked in the store as before.
        """
        draft = cls(tidy, vocab, ctx)
        if pc.count_distinct(draft.subjects()).as_py() != len(draft):
            return None
        measures = {i.iri for i in vocab.indicators.values()}
        fixed, dimensions = set(draft.fixed_predicates), set(draft.dimension_predicates)
        if fixed & (measures | dimensions) or measures & dimensions:
            return None
        return draft

    def __len__(self) -> int:
        return len(self._region)

    @property
    def fixed_predicates(self) -> list[str]:
        """The predicates every observation has."""
        return list(self._fixed)

    @property
    def dimension_predicates(self) -> list[str]:
        """The extra dimensions some observations have."""
        return sorted(self._dimensions)

    @property
    def measure(self) -> pa.Array:
        """qb:measureType of each observation: the indicator, the predicate of its value."""
        return self._fixed[QB + "measureType"]()

    @property
    def datatype(self) -> pa.Array:
        return self._per_indicator({s: i.datatype for s, i in self._indicators.items()})

    def subjects(self, rows: pa.Array | None = None) -> pa.Array:
        """The observation IRIs (of the row indices ``rows``, or all), as the writer makes them."""

        def part(column: pa.Array) -> pa.Array:
            taken = column if rows is None else pc.take(column, rows)
            return taken.dictionary_decode() if isinstance(taken, pa.DictionaryArray) else taken

        return pc.binary_join_element_wise(
            self._prefix,
            part(self._region),
            "/",
            part(self._period),
            "/",
            part(self._indicator),
            part(self._dims),
            "",
        )

    def rows(self) -> pa.Array:
        """The number of each observation's source row, as the agency sees it (text)."""
        return self._row

    def objects(self, predicate: str) -> pa.Array:
        """The object of ``predicate`` on each observation, null where it has none.

        Literal objects are given as their lexical form; a value (the predicate is an
        indicator) only where the observation measures that indicator.
        """
        if predicate in self._fixed:
            return self._fixed[predicate]()
        if predicate in self._dimensions:
            codes = self._dimensions[predicate]
            return pc.take(pa.array([codes.get(t) for t in self._dims.dictionary.to_pylist()], pa.string()),
                           self._dims.indices)  # fmt: skip
        nothing = pa.nulls(len(self), pa.string())
        return pc.if_else(pc.equal(self.measure, predicate), self.value, nothing)

    def breakdowns(self, dimensions: set[str]) -> pa.Array:
        """Each observation's extra dimensions among ``dimensions`` as one key: "dim=code"
        IRI pairs, sorted, space-separated ("" for none), as the declared rules compare them."""
        keys = [
            " ".join(sorted(f"{dim}={codes[text]}" for dim, codes in self._dimensions.items()
                            if dim in dimensions and text in codes))
            for text in self._dims.dictionary.to_pylist()
        ]  # fmt: skip
        return pc.take(pa.array(keys, pa.string()), self._dims.indices)

    def _constant(self, text: str) -> pa.Array:
        return pa.repeat(pa.scalar(text, pa.string()), len(self))

    def _per_indicator(self, table: Mapping[str, str]) -> pa.Array:
        terms = pa.array([table.get(s) for s in self._indicator.dictionary.to_pylist()], pa.string())
        return pc.take(terms, self._indicator.indices)
