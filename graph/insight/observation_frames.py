"""Insight's observation frames made from the view's rows by their dictionary codes, not by pandas sorts.

``graph.insight.observations.observation_frame`` is the definition: the rows of two SPARQL
queries as one frame, numbers parsed, breakdown keys joined, sorted by period, indicator, code,
dims and observation. Made that way from every published observation, the table took ~52 s at
1,000,000 observations (pandas sorting five object columns, and parsing, stripping and mapping a
million Python strings), and it was rebuilt whole after every publication, so pages waited or
read figures one publication old for a minute.

The view's rows are dictionary-encoded (``graph.answer.view_rows``), so here each text is worked
on once per distinct value (prefixes stripped, numbers parsed, texts ranked) and the rows are
ordered by a stable ``numpy.lexsort`` of the ranks: the order of ``observation_frame``'s stable
sort, since UTF-8 bytes and Python strings order alike. The frames are then cut per period. They
are the definition's frames cell for cell: ``tests/graph/insight/test_observation_table.py``
compares them with the store's answers in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.insight.observations import COLUMNS
from graph.rdf.iris import Iris

__all__ = ["Coded", "coded_rows", "period_frames"]


@dataclass(frozen=True)
class Coded:
    """The observation rows of the view (those without a breakdown ``dimension``), in the
    definition's order, each column as codes into its texts; ``dims`` and ``value``/``term``
    per row."""

    period: np.ndarray  # codes into ``periods``
    periods: np.ndarray  # period IRIs (object)
    indicator: np.ndarray
    indicators: np.ndarray  # slugs (the indicator IRIs without their prefix)
    region: np.ndarray
    regions: np.ndarray  # region IRIs
    codes: np.ndarray  # the regions' codes (IRIs without the region prefix), as ``regions``
    dataset: np.ndarray
    datasets: np.ndarray
    obs: np.ndarray
    observations: np.ndarray
    dims: np.ndarray  # per row: its breakdown key ("" for a total)
    value: np.ndarray  # per row: the number (NaN when the value is none)
    term: np.ndarray  # per row: the value that is no number (object), else NaN


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """A text column as codes (int64, -1 where empty) and its distinct texts (object array)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not isinstance(array, pa.DictionaryArray):
        array = pc.dictionary_encode(array)
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.array(array.dictionary.to_pylist(), dtype=object)


def _ranks(texts: np.ndarray) -> np.ndarray:
    """Each text's place in sorted order (equal texts share one): a sort of the distinct texts."""
    if not len(texts):
        return np.zeros(0, dtype=np.int64)
    order = pc.sort_indices(pa.array(texts.tolist(), pa.string())).to_numpy()
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[order] = np.arange(len(texts))
    return ranks


def _order(keys: list[np.ndarray], observations: np.ndarray) -> np.ndarray:
    """The rows' order by ``keys`` (most significant first), then by observation IRI, stable.

    The IRIs (a million distinct texts) are compared only where the other keys tie (the same
    region, period and breakdown of an indicator, e.g. from two datasets): elsewhere they cannot
    change the order, and ranking them all was the costliest step."""
    order = np.lexsort(keys[::-1])
    if len(order) < 2:
        return order
    tied = np.ones(len(order) - 1, dtype=bool)
    for key in keys:
        ranked = key[order]
        tied &= ranked[1:] == ranked[:-1]
    if not tied.any():
        return order
    rows = order[np.union1d(np.flatnonzero(tied), np.flatnonzero(tied) + 1)]
    rank = np.zeros(len(observations), dtype=np.int64)
    rank[rows] = np.unique(observations[rows], return_inverse=True)[1].ravel()  # Python's order
    return np.lexsort([rank, *keys[::-1]])


def _stripped(texts: np.ndarray, prefix: str) -> np.ndarray:
    return np.array([t.removeprefix(prefix) for t in texts.tolist()], dtype=object)


def coded_rows(rows: pa.Table, iris: Iris) -> Coded:
    """The view's observation rows as ``observation_frame`` makes and orders them."""
    rows = rows.unify_dictionaries()
    obs, observations = _codes(rows.column("obs"))
    dimension, dimension_names = _codes(rows.column("dimension"))
    value, values = _codes(rows.column("value"))
    keyed = dimension >= 0
    plain = np.flatnonzero(~keyed)
    # Breakdown keys: the definition's pandas code, over the (few) rows that carry one.
    dims = pd.DataFrame(
        {
            "obs": obs[keyed],
            "dimension": dimension_names[dimension[keyed]] if keyed.any() else [],
            "code": values[value[keyed]] if keyed.any() else [],
        }
    ).astype({"dimension": object, "code": object})
    dims["part"] = (
        dims["dimension"].str.rsplit("/", n=1).str[-1] + "=" + dims["code"].str.rsplit("/", n=1).str[-1]
    )
    keys = dims.drop_duplicates(["obs", "part"]).sort_values("part").groupby("obs")["part"].agg(" ".join)
    # Observation code -> its key's place among the keys in order ("" first: no breakdown).
    key_texts = np.array(["", *sorted(set(keys.tolist()))], dtype=object)
    key_of = np.zeros(len(observations), dtype=np.int64)
    key_of[keys.index.to_numpy(dtype=np.int64)] = (
        np.searchsorted(key_texts[1:], keys.to_numpy(dtype=object)) + 1
    )
    obs = obs[plain]
    dim_codes = key_of[obs]
    period, periods = _codes(rows.column("period").take(pa.array(plain)))
    indicator, indicator_iris = _codes(rows.column("indicator").take(pa.array(plain)))
    region, regions = _codes(rows.column("area").take(pa.array(plain)))
    dataset, datasets = _codes(rows.column("dataset").take(pa.array(plain)))
    value = value[plain]
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float).to_numpy()
    terms = np.where(np.isnan(numbers), values, np.nan).astype(object)
    indicators = _stripped(indicator_iris, iris.indicator(""))
    codes = _stripped(regions, iris.region_prefix)
    order = _order(
        [_ranks(periods)[period], _ranks(indicators)[indicator], _ranks(codes)[region], dim_codes],
        observations[obs],
    )
    return Coded(
        period[order],
        periods,
        indicator[order],
        indicators,
        region[order],
        regions,
        codes,
        dataset[order],
        datasets,
        obs[order],
        observations,
        key_texts[dim_codes[order]],
        numbers[value][order],
        terms[value][order],
    )


def period_frames(coded: Coded) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    """Period IRI -> its observations (``COLUMNS``), in the definition's order, index from 0;
    and period IRI -> each row's region as its code in ``coded.codes`` (to pick an area's rows
    by comparing integers, not texts)."""
    frames: dict[str, pd.DataFrame] = {}
    regions: dict[str, np.ndarray] = {}
    if not len(coded.period):
        return frames, regions
    bounds = [0, *(np.flatnonzero(np.diff(coded.period)) + 1).tolist(), len(coded.period)]
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        cut = slice(start, end)
        columns = {
            "indicator": coded.indicators[coded.indicator[cut]],
            "code": coded.codes[coded.region[cut]],
            "dims": coded.dims[cut],
            "value": coded.value[cut],
            "term": coded.term[cut],
            "obs": coded.observations[coded.obs[cut]],
            "dataset": coded.datasets[coded.dataset[cut]],
        }
        frame = pd.DataFrame(
            {c: pd.Series(columns[c], dtype=float if c == "value" else object) for c in COLUMNS}
        )
        period = str(coded.periods[coded.period[start]])
        frames[period] = frame
        regions[period] = coded.region[cut]
    return frames, regions
