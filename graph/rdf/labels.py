"""Language-tagged literals of SELECT rows, gathered into people-facing text.

The published graphs label a thing with one literal per language (``"Jiwa"@id``,
``"Persons"@en``, now and then a plain literal). ``languages`` gathers such literals as
``{language: text}``, for what is written back as RDF or JSON the way it was read (the home
region's label); ``texts_by`` makes one ``Text`` per subject of the rows, for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from graph.text import Text

__all__ = ["languages", "texts_by"]


def languages(terms: Iterable[Any]) -> dict[str, str]:
    """``{language: text}`` of the literals among ``terms``: the first of each language, ``""``
    for a literal without one; other terms (IRIs, missing values) are passed over.

    >>> languages([ox.Literal("Jiwa", language="id"), None, ox.Literal("Persons", language="en"),
    ...            ox.Literal("Orang", language="id"), ox.Literal("jiwa")])
    {'id': 'Jiwa', 'en': 'Persons', '': 'jiwa'}
    """
    out: dict[str, str] = {}
    for term in terms:
        if isinstance(term, ox.Literal):
            out.setdefault(term.language or "", term.value)
    return out


def texts_by(rows: Iterable[dict[str, Any]], by: str, key: str) -> dict[str, Text]:
    """One ``Text`` (``Text.of``) per value of ``by``, from the literals under ``key`` of its
    rows; a value of ``by`` without any literal is left out.

    >>> rows = [{"s": ox.NamedNode("http://x/1"), "l": ox.Literal("Desa", language="id")},
    ...         {"s": ox.NamedNode("http://x/1"), "l": ox.Literal("Village", language="en")},
    ...         {"s": ox.NamedNode("http://x/2")}]
    >>> texts_by(rows, "s", "l")
    {'http://x/1': {'id': 'Desa', 'en': 'Village'}}
    """
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        if by in row and isinstance(row.get(key), ox.Literal):
            grouped.setdefault(row[by].value, []).append(row[key])
    return {subject: Text.of(languages(terms)) for subject, terms in grouped.items()}
