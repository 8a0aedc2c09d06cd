"""Typed parameter values checked and bound as RDF terms, never written into a query's text.

A value given by a person is checked against its parameter's type (a code among the
choices of ``graph.answer.code_lists``, or a number within its range) and becomes the RDF
term bound to the query variable (``substitutions``). Every refused value is named with
what is allowed, all of them at once, in one ``ParameterError``.

A question's *source variables* (``sources`` in its YAML) are bound here too, each to the
dataset its indicator's figures are taken from (``graph.answer.authoritative``): the one a
``dataset`` parameter (``sumber``) asks for when it publishes the indicator, else the
authoritative one. So figures of two datasets are never summed in one answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from graph.answer.authoritative import SourceUse, asked_problems
from graph.answer.code_lists import Choice, CodeLists
from graph.answer.questions import CODE_TYPES, ParameterSpec, Question
from graph.errors import ParameterError
from graph.rdf.namespaces import XSD
from graph.read.numbers import typed_number

__all__ = ["NO_SOURCE", "BoundParameter", "bind_parameters"]

# Bound to a source variable whose indicator no published dataset holds: it matches nothing.
NO_SOURCE = "urn:onecenter:tanpa-sumber"


@dataclass(frozen=True)
class BoundParameter:
    name: str
    value: str | None  # None: an optional parameter left out
    label: str | None
    term: ox.NamedNode | ox.Literal | None
    from_default: bool
    # A source variable: the dataset chosen for its indicator (value: the dataset's slug).
    source: SourceUse | None = None
    chooses: bool = False  # a dataset parameter: it chooses sources, it is no variable itself

    @property
    def variable(self) -> bool:
        """Whether the term is bound to a variable of the query."""
        return not self.chooses

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "term": None if self.term is None else str(self.term),
            "default": self.from_default,
        }


def bind_parameters(
    question: Question, given: Sequence[tuple[str, str]], lists: CodeLists
) -> dict[str, BoundParameter]:
    """Check request parameters (name, value pairs) and turn them into RDF terms.

    Raises:
        ParameterError: an unknown or repeated parameter, a value of the wrong type, out of
            range or not among the choices, or a required parameter left out.
    """
    values, problems = _given_values(question, given)
    bound: dict[str, BoundParameter] = {}
    for name, spec in question.spec.parameters.items():
        from_default = name not in values or values[name].strip() == ""
        raw = None if spec.default is None else str(spec.default)
        raw = raw if from_default else values[name]
        if raw is None:
            if not spec.optional:
                problems.append(
                    _problem(name, None, f"parameter {name!r} wajib diisi / is required ({spec.type})")
                )
            bound[name] = BoundParameter(name, None, None, None, from_default)
            continue
        try:
            bound[name] = _bind_one(name, spec, raw.strip(), lists, from_default)
        except _Refused as refused:
            problems.append(refused.problem)
    if not problems:
        problems += _bind_sources(question, bound, lists)
    if problems:
        raise ParameterError(problems)
    return bound


def _bind_sources(
    question: Question, bound: dict[str, BoundParameter], lists: CodeLists
) -> list[dict[str, Any]]:
    """Bind each source variable to its indicator's dataset; the problems of datasets asked for."""
    sources = lists.sources
    asked = {n: p.value for n, p in bound.items() if p.chooses and p.value is not None}
    indicators: dict[str, str] = {}
    for variable, of in question.spec.sources.items():
        name, _, part = of.removeprefix("?").partition(".")
        if not of.startswith("?"):
            indicators[variable] = sources.namespace + of
        elif (chosen := bound.get(name)) is not None and isinstance(chosen.term, ox.NamedNode):
            iri = sources.part(chosen.term.value, part) if part else chosen.term.value
            if iri is not None:
                indicators[variable] = iri
    problems = [
        p
        for name, value in asked.items()
        for p in asked_problems(name, [value], sources, set(indicators.values()))
    ]
    for variable, indicator in indicators.items():
        use = sources.choose(indicator, list(asked.values()))
        if use.dataset is None:
            bound[variable] = BoundParameter(variable, None, None, ox.NamedNode(NO_SOURCE), True, use)
        else:
            term = ox.NamedNode(use.dataset.iri)
            label = use.dataset.title.id
            bound[variable] = BoundParameter(variable, use.dataset.slug, label, term, use.how != "asked", use)
    return problems


def _given_values(
    question: Question, given: Sequence[tuple[str, str]]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The value given for each parameter, and the problems of unknown or repeated ones."""
    problems: list[dict[str, Any]] = []
    params = question.spec.parameters
    values: dict[str, str] = {}
    aliases = {p.alias: n for n, p in params.items() if p.alias}
    for name, value in given:
        name = aliases.get(name, name)
        if name not in params:
            known = ", ".join(params) or "(tidak ada / none)"
            problems.append(
                _problem(
                    name,
                    value,
                    f"parameter {name!r} tidak dikenal untuk pertanyaan {question.id!r} / unknown "
                    f"parameter {name!r} for question {question.id!r}; parameters: {known}",
                    allowed=list(params),
                )
            )
        elif name in values:
            problems.append(
                _problem(
                    name, value, f"parameter {name!r} diberikan lebih dari sekali / given more than once"
                )
            )
        else:
            values[name] = value
    return values, problems


class _Refused(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        self.problem = problem


def _problem(name: str, value: str | None, message: str, allowed: list[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"parameter": name, "value": value, "message": message}
    if allowed is not None:
        out["allowed"] = allowed
    return out


def _bind_one(
    name: str, spec: ParameterSpec, raw: str, lists: CodeLists, from_default: bool
) -> BoundParameter:
    whose = " (nilai bawaan / the default)" if from_default else ""
    if spec.type in CODE_TYPES:
        return _bind_code(name, spec, raw, lists, from_default)
    number = _number(raw, spec.type)
    if number is None:
        kind_id, kind_en = "bilangan bulat", "a whole number (e.g. 10)"
        if spec.type == "decimal":
            kind_id, kind_en = "bilangan desimal", "a decimal number (e.g. 20 or 20,5)"
        raise _Refused(
            _problem(
                name,
                raw,
                f"parameter {name!r}: nilai {raw!r}{whose} bukan {kind_id} / value {raw!r} is not {kind_en}",
            )
        )
    low = -math.inf if spec.min is None else spec.min
    high = math.inf if spec.max is None else spec.max
    if not low <= number <= high:
        raise _Refused(
            _problem(
                name,
                raw,
                f"parameter {name!r}: nilai {raw!r}{whose} di luar rentang / value {raw!r} is outside the "
                f"range {'…' if spec.min is None else spec.min} – {'…' if spec.max is None else spec.max}",
                allowed=[spec.min, spec.max],
            )
        )
    text = str(number)
    term = ox.Literal(text, datatype=ox.NamedNode(XSD + spec.type))
    return BoundParameter(name, text, text, term, from_default)


def _bind_code(
    name: str, spec: ParameterSpec, raw: str, lists: CodeLists, from_default: bool
) -> BoundParameter:
    choices = lists.for_parameter(spec)
    chosen = next((c for c in choices if c.value == raw), None)
    if chosen is None and spec.categorical is not None:
        _refuse_kind(name, spec, raw, lists, choices)
    if chosen is None:
        whose = " (nilai bawaan / the default)" if from_default else ""
        shown = ", ".join(c.value for c in choices[:12])
        if len(choices) > 12:
            shown += f", … ({len(choices)} in all: GET /questions lists them)"
        raise _Refused(
            _problem(
                name,
                raw,
                f"parameter {name!r}: nilai {raw!r}{whose} tidak ada di daftar pilihan / value "
                f"{raw!r} is not among the choices; allowed: {shown or '(none)'}",
                allowed=[c.value for c in choices],
            )
        )
    term = ox.NamedNode(chosen.iri)
    chooses = spec.type == "dataset"
    return BoundParameter(name, chosen.value, chosen.label.id, term, from_default, chooses=chooses)


def _refuse_kind(
    name: str, spec: ParameterSpec, raw: str, lists: CodeLists, choices: tuple[Choice, ...]
) -> None:
    """Refuse, saying why, an indicator of the other kind than the parameter takes (issue 17):
    a categorical one where numbers are needed, or a numeric one where categories are."""
    other = next((c for c in lists.indicator if c.value == raw and c.categorical != spec.categorical), None)
    if other is None:
        return
    allowed = [c.value for c in choices]
    # People read the indicator's name; the slug they typed or linked stays beside it.
    named_id, named_en = f"{other.label.id} ({raw})", f"{other.label.en} ({raw})"
    if other.categorical:
        message = (
            f"parameter {name!r}: {named_id} adalah indikator kategori (nilainya kategori, bukan angka); "
            f"pertanyaan ini menghitung angka. Gunakan pertanyaan category-count atau peta "
            f"(/map?indicator={raw}) / {named_en} is a categorical indicator (its values are categories, "
            f"not numbers) and this question works in numbers; use the category-count question or the map"
        )
    else:
        message = (
            f"parameter {name!r}: {named_id} adalah indikator angka, bukan kategori / {named_en} is a "
            f"numeric indicator, not a categorical one"
        )
    raise _Refused(_problem(name, raw, f"{message}; allowed: {', '.join(allowed) or '(none)'}", allowed))


def _number(raw: str, kind: str) -> Decimal | None:
    """A number as typed by a person, read by the same reader as an agency's cells: '20', '-3',
    '20.5', '20,5' or '1.234,5' (decimal comma, dot thousands; see ``typed_number``).

    >>> _number("20,5", "decimal"), _number("20,5", "integer"), _number("1.234,5", "decimal")
    (Decimal('20.5'), None, Decimal('1234.5'))
    """
    return typed_number(raw, whole=kind == "integer")
