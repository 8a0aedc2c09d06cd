"""Cell text of a categorical measure -> a concept of its indicator's code list.

"MAJU ", "Maju", "maju" and "Desa Maju" all mean the concept ``maju`` of the IDM status
list: text is compared with each concept's code, labels and variants (``skos:altLabel``)
after removing case, spaces and punctuation, and with the mapping's own ``codes:`` map for
an agency's spellings. Nothing is guessed: text that fits no concept exactly is not linked;
its cells are reported and the text goes to the code review queue with the closest
concepts (rapidfuzz, as for region names) and a ready line for the mapping's ``codes:``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from graph.link.links import Candidate, similarity
from graph.reference.categories import CodeList

__all__ = ["CategoryReviewItem", "LinkedCategories", "link_categories", "normalise_category"]

_CANDIDATES = 3


def normalise_category(text: str) -> str:
    """Text as categories are compared: case, accents, punctuation and spaces removed.

    >>> normalise_category("  SANGAT-Tertinggal. ")
    'sangat tertinggal'
    >>> normalise_category("Pra Madya") == normalise_category("Pra-Madya")
    True
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


@dataclass
class CategoryReviewItem:
    """A distinct cell text of a categorical column that fits no concept, and its rows."""

    indicator: str  # slug
    column: str
    value: str
    reason: str
    rows: list[int] = field(default_factory=list)
    candidates: tuple[Candidate, ...] = ()  # code = the concept's notation


@dataclass
class LinkedCategories:
    """Per cell: the concept IRI (or <NA>), whether it is blank, and the problem."""

    iri: pd.Series
    missing: pd.Series
    problem: pd.Series
    review: list[CategoryReviewItem]


def link_categories(
    raw: pd.Series,
    rows: pd.Series,
    code_list: CodeList,
    *,
    indicator: str,
    column: str,
    codes: dict[str, str] | None = None,
    missing: list[str] | None = None,
) -> LinkedCategories:
    """Link each cell of ``raw`` to a concept of ``code_list``; blank cells are missing.

    ``codes``: the mapping's own spellings, cell text -> notation (checked beforehand).
    ``rows``: each cell's row number as the agency sees it, for the review queue.
    """
    table: dict[str, str] = {}
    for category in code_list.categories:
        for name in category.names:
            table.setdefault(normalise_category(name), category.iri)
    for written, notation in (codes or {}).items():
        found = code_list.by_notation(notation)
        if found is not None:
            table[normalise_category(written)] = found.iri
    blanks = {m.strip().casefold() for m in (missing or [""])} | {""}
    cells = raw.fillna("").astype("string").str.strip()
    is_missing = cells.str.casefold().isin(blanks)
    distinct = {t: table.get(normalise_category(t)) for t in cells[~is_missing].unique()}
    iri = cells.map(distinct).where(~is_missing).astype("string")
    unknown = iri.isna() & ~is_missing
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    review = []
    for value in sorted(t for t, found in distinct.items() if found is None):
        candidates = _candidates(value, code_list)
        closest = ", ".join(f"{c.code} ({c.score:.0f})" for c in candidates)
        why = (
            f"nilai {value!r} bukan kategori {indicator} / not a category of {indicator}; "
            f"terdekat / closest: {closest}; tambahkan ke / add to measures[].codes"
        )
        at = unknown & (cells == value)
        reason = reason.mask(at, why)
        review.append(
            CategoryReviewItem(indicator, column, value, why, [int(r) for r in rows[at]], candidates)
        )
    return LinkedCategories(iri, is_missing, reason, review)


def _candidates(value: str, code_list: CodeList) -> tuple[Candidate, ...]:
    """The closest concepts to ``value`` (best score over each one's names), for review."""
    norm = normalise_category(value)
    ranked = [
        Candidate(
            c.notation, c.label.id, round(max(similarity(norm, normalise_category(n)) for n in c.names), 1)
        )
        for c in code_list.categories
    ]
    ranked.sort(key=lambda c: (-c.score, c.code))
    return tuple(ranked[:_CANDIDATES])
