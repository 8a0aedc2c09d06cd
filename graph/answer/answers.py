"""A named question's answer: run over SPARQL or the columnar view, as JSON records or CSV.

``run_question`` binds the given parameters (``graph.answer.parameters``) and answers the
question over the published graphs: from the columnar view when the question has a plan
for it and the view is ready (the same rows, in milliseconds), else by its SPARQL, run
through a ``Runner`` so that the service runs it in its query workers within the time
limit. The ``Answer`` keeps the table with the parameters used and the SPARQL that ran,
and writes itself as JSON-ready records or as CSV (``graph.spreadsheet``).

Each indicator's figures come from one dataset (the authoritative one, or the one a
``sumber`` parameter asks for); ``Answer.sources`` says which, why, and which other datasets
publish the indicator, so that a page can show them beside the answer and switch to them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.authoritative import SourceUse
from graph.answer.code_lists import CodeLists
from graph.answer.columnar import answer_rows, plan_applies
from graph.answer.columnar_terms import Undetermined
from graph.answer.parameters import BoundParameter, bind_parameters
from graph.answer.questions import Question, question_prefixes
from graph.answer.runners import Runner, run_here
from graph.answer.sparql import run_query
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import XSD
from graph.spreadsheet import CsvDialect, csv_bytes, verbatim
from graph.store.interface import Store

__all__ = ["NUMERIC", "Answer", "run_question"]

# The datatypes of numbers (JSON numbers, right-aligned cells, decimal commas for Excel).
NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "int", "long", "short")}
_FRACTIONAL = {f"{XSD}{t}" for t in ("decimal", "double", "float")}


@dataclass(frozen=True)
class Answer:
    """A question's answer: the table, the parameters used and the SPARQL that ran."""

    question: Question
    parameters: dict[str, BoundParameter]
    columns: list[str]
    rows: list[list[Any]]  # pyoxigraph terms or None, one per column
    truncated: bool
    sparql: str
    engine: str = "sparql"  # "columnar" when the question's plan answered from the observation view

    @property
    def bindings(self) -> dict[str, str]:
        """Each bound variable (source variables too) and its term in SPARQL/N-Triples syntax."""
        return {n: str(p.term) for n, p in self.parameters.items() if p.term is not None and p.variable}

    @property
    def canonical(self) -> dict[str, str]:
        """Every parameter that has a value, defaults included: a link that keeps its meaning
        (the source variables follow from them, and are left out)."""
        return {n: p.value for n, p in self.parameters.items() if p.value is not None and p.source is None}

    @property
    def sources(self) -> list[SourceUse]:
        """Each indicator's dataset, why it was chosen, and the other datasets publishing it."""
        found: dict[str, SourceUse] = {}
        for p in self.parameters.values():
            if p.source is not None:
                found.setdefault(p.source.indicator, p.source)
        return list(found.values())

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready objects: numbers as numbers, IRIs and other terms as text."""
        return [{c: _json_value(t) for c, t in zip(self.columns, row, strict=True)} for row in self.rows]

    def to_csv(self, dialect: CsvDialect = "excel") -> bytes:
        """The table as CSV bytes (``graph.spreadsheet``).

        ``excel``: for Excel with Indonesian regional settings: UTF-8 with BOM, ';' between
        fields, decimal comma, Indonesian column labels, and text that Excel would run as a
        formula prefixed with a quote. ``standard``: RFC 4180 for programs: UTF-8 without
        BOM, ',', decimal point, column names as header.
        """
        excel = dialect == "excel"
        spec = self.question.spec
        header = [spec.columns[c].id for c in self.columns] if excel else self.columns
        return csv_bytes(header, ([_csv_cell(t, excel) for t in row] for row in self.rows), dialect)


def run_question(
    store: Store,
    iris: Iris,
    question: Question,
    given: Sequence[tuple[str, str]] | Mapping[str, str],
    lists: CodeLists,
    *,
    max_rows: int,
    run: Runner | None = None,
    view: ObservationView | None = None,
) -> Answer:
    """Answer one question with the given parameters over the published graphs.

    ``lists`` gives the choices (``CodeListCache.get``); ``run`` runs the store work, here
    ``graph.answer.sparql.run_query`` with the parameters as ``substitutions``. With ``view`` (the
    columnar view of the same published graphs), a question with a ``columnar`` plan is
    answered from it instead: the same rows (``graph/answer/columnar.py``), in milliseconds.

    Raises:
        ParameterError: a parameter value is refused (see ``bind_parameters``).
        QueryError, StoreError: the query failed in the store (or ran past its time limit).
    """
    pairs = list(given.items()) if isinstance(given, Mapping) else list(given)
    bound = bind_parameters(question, pairs, lists)
    substitutions = {n: p.term for n, p in bound.items() if p.term is not None and p.variable}
    sparql = question_prefixes(iris) + question.sparql
    if view is not None and plan_applies(question, substitutions):
        try:
            rows = answer_rows(view, iris, question, substitutions, store)
        except Undetermined:
            pass  # the ORDER BY leaves different rows tied: only the SPARQL's order is the answer
        else:
            return Answer(
                question, bound, question.columns, rows[:max_rows], len(rows) > max_rows, sparql, "columnar"
            )
    outcome = (run or run_here(store))(
        run_query, iris, sparql, max_rows=max_rows, substitutions=substitutions or None
    )
    keep = [outcome.variables.index(c) for c in question.columns]
    rows = [[row[i] for i in keep] for row in outcome.rows]
    return Answer(question, bound, question.columns, rows, outcome.truncated, sparql)


def _json_value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in NUMERIC:
            number = float(term.value)
            if datatype not in _FRACTIONAL:
                return int(term.value)
            return number if math.isfinite(number) else None
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def _csv_cell(term: Any, excel: bool) -> str | None:
    """A term for ``csv_bytes``: a number written here, as its lexical form (with a decimal
    comma for Excel), text left to the writer (which guards it against formulas for Excel).

    >>> _csv_cell(ox.Literal("1.5E2", datatype=ox.NamedNode(XSD + "double")), True)
    '150,0'
    >>> _csv_cell(ox.Literal("-12", datatype=ox.NamedNode(XSD + "integer")), True)
    '-12'
    """
    if term is None:
        return None
    text: str = term.value
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        if excel and term.datatype.value in _FRACTIONAL:
            if term.datatype.value != XSD + "decimal":
                text = repr(float(text))
            return verbatim(text.replace(".", ","))
        return verbatim(text)
    return text
