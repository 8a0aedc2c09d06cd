"""The observations of a draft as Arrow columns: the triples the quad writer wrote, by predicate.

A load writes each observation as a fixed set of triples (``quad_writer.quads``): its type,
data set, region, period, indicator, value, unit, source row, source column, the cell as
written, and one triple per extra dimension. Before the tidy table is dropped, the same
terms are kept here column by column, so the shapes that look at one observation at a time
can be checked on whole columns (``graph.draft_checks``) instead of by index look-ups in an
on-disk store, where each costs 4-6 times one in memory.

This holds only what the writer writes, and ``tests/graph/test_draft_checks.py`` compares
it with the triples read back from a store, predicate by predicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.namespaces import OC, QB, RDF_TYPE, SDMX_ATTRIBUTE, SDMX_DIMENSION
from graph.quad_writer import QuadContext, lookup, string_column, text_of
from graph.vocabulary import Vocabulary

__all__ = ["DraftObservations"]


@dataclass(frozen=True)
class DraftObservations:
    """One row per observation of a draft graph; the objects of each predicate it has."""

    graph: str
    dataset: str  # IRI
    subject: pa.Array  # observation IRIs
    fixed: dict[str, pa.Array]  # predicate IRI -> object of every observation (IRI or text)
    measure: pa.Array  # qb:measureType of each observation: the predicate of its value
    value: pa.Array  # lexical form of the value (typed by ``datatype``)
    datatype: pa.Array
    dimensions: dict[str, pa.Array]  # extra dimension IRI -> code IRI (null: not on that observation)

    @classmethod
    def of(cls, tidy: pd.DataFrame, vocab: Vocabulary, ctx: QuadContext) -> DraftObservations | None:
        """The draft's observations, or None when columns cannot stand for its triples.

        They cannot when two rows make one observation IRI (their triples merge in the
        store), or when an indicator or dimension IRI is also one of the fixed predicates
        (an observation would hold two values of one predicate). Neither happens for a
        table the pipeline accepts; the shapes are then checked in the store as before.
        """
        iris = ctx.iris
        region = string_column(tidy["region"])
        period = string_column(tidy["period"])
        slug = string_column(tidy["indicator"])
        dims = string_column(tidy["dims"])
        subject = pc.binary_join_element_wise(
            iris.observation_prefix(ctx.dataset), region, "/", period, "/", slug, dims, ""
        )
        if pc.count_distinct(subject).as_py() != len(subject):
            return None
        n = len(tidy)
        measure = lookup(slug, {s: i.iri for s, i in vocab.indicators.items()})
        fixed: dict[str, pa.Array] = {
            RDF_TYPE: pa.repeat(pa.scalar(QB + "Observation"), n),
            QB + "dataSet": pa.repeat(pa.scalar(iris.dataset(ctx.dataset)), n),
            SDMX_DIMENSION + "refArea": pc.binary_join_element_wise(iris.region_prefix, region, ""),
            SDMX_DIMENSION + "refPeriod": pc.binary_join_element_wise(iris.period_prefix, period, ""),
            QB + "measureType": measure,
            SDMX_ATTRIBUTE + "unitMeasure": lookup(
                slug, {s: i.unit_iri for s, i in vocab.indicators.items()}
            ),
            OC + "sourceRow": pc.binary_join_element_wise(
                iris.row_prefix(ctx.file_sha256, ctx.sheet), text_of(tidy["row"]), ""
            ),
            OC + "sourceColumn": string_column(tidy["column"]),
            OC + "rawValue": string_column(tidy["raw"]),
        }
        dimensions = _dimension_columns(tidy["dims"], dims, vocab)
        measures = {i.iri for i in vocab.indicators.values()}
        if (set(fixed) & (measures | set(dimensions))) or (measures & set(dimensions)):
            return None
        return cls(
            graph=ctx.graph,
            dataset=iris.dataset(ctx.dataset),
            subject=subject,
            fixed=fixed,
            measure=measure,
            value=string_column(tidy["value"]),
            datatype=lookup(slug, {s: i.datatype for s, i in vocab.indicators.items()}),
            dimensions=dimensions,
        )

    def __len__(self) -> int:
        return len(self.subject)

    def objects(self, predicate: str) -> pa.Array:
        """The object of ``predicate`` on each observation, null where it has none.

        Literal objects are given as their lexical form; a value (the predicate is an
        indicator) only where the observation measures that indicator.
        """
        if predicate in self.fixed:
            return self.fixed[predicate]
        if predicate in self.dimensions:
            return self.dimensions[predicate]
        nothing = pa.nulls(len(self), pa.string())
        return pc.if_else(pc.equal(self.measure, predicate), self.value, nothing)


def _dimension_columns(raw: pd.Series, dims: pa.Array, vocab: Vocabulary) -> dict[str, pa.Array]:
    """Extra dimension IRI -> the code IRI of each observation (``dims`` is "/name=code/...")."""
    if not pc.any(pc.greater(pc.utf8_length(dims), 0)).as_py():
        return {}
    names = raw.str.lstrip("/").str.split("/").explode().dropna().str.split("=", n=1).str[0].unique()
    columns = {}
    for name in sorted(n for n in names if n):
        dimension = vocab.dimensions[name]
        # The notation after "/name=", up to the next "/" (notations are path segments).
        notation = pc.extract_regex(dims, f"/{name}=(?P<code>[^/]*)")
        codes = pc.struct_field(notation, "code")
        codes = pc.if_else(pc.is_valid(notation), codes, pa.nulls(len(dims), pa.string()))
        columns[dimension.iri] = lookup(codes, dimension.codes)
    return columns
