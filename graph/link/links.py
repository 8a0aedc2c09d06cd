"""What linking a reference gives: the link with its evidence, candidates, review items.

Region names and codes (``graph.link.regions``) and agency and indicator names
(``graph.link.terms``) are linked by the same methods and give the same evidence: the code
found, by which method, with what score (0-100) and runner-up, or the problem and the
candidates a person should review. These types and the name similarity live apart from
the linkers so that both linkers, and the load report, read one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

__all__ = ["Candidate", "Link", "LinkedRegions", "ReviewItem", "similarity"]


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class Link:
    """How one reference was resolved, or why not (with the candidates to review)."""

    code: str | None
    method: str | None = None
    score: float = 0.0
    runner_up: str | None = None
    runner_up_score: float = 0.0
    decision: str | None = None
    problem: str | None = None
    candidates: tuple[Candidate, ...] = ()
    total: bool = False  # the row totals others ("JUMLAH", the kecamatan's name): not a region of its level
    outside: bool = False  # a region outside the table's scope: refused, nothing to review


@dataclass
class ReviewItem:
    """A distinct unlinked reference of a table, the rows that carry it, and candidates."""

    level: str
    name: str
    parent: str | None
    reason: str
    rows: list[int] = field(default_factory=list)
    candidates: tuple[Candidate, ...] = ()


@dataclass
class LinkedRegions:
    """Per row: the code (or <NA>), the method, score, runner-up and decision, or the problem."""

    code: pd.Series
    method: pd.Series
    score: pd.Series
    runner_up: pd.Series
    decision: pd.Series
    problem: pd.Series
    review: list[ReviewItem]
    total: pd.Series  # bool: a total row (its problem says so), never sent to review
    outside: pd.Series | None = None  # bool: refused as outside the table's scope


def similarity(a: str, b: str) -> float:
    """0-100: the better of whole-string (spaces ignored) and word-order-free similarity.

    >>> similarity("batu raja", "baturaja")
    100.0
    >>> similarity("way lima", "lima way")
    100.0
    """
    return max(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")), fuzz.token_sort_ratio(a, b))
