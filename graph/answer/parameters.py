"""Answers to named questions: code-list choices, typed parameters, CSV and JSON.

A value given by a user is checked against its parameter's type and, for codes,
against the choices drawn from the published graph's code lists; it is then bound
to the query variable as an RDF term (``substitutions``), never written into the
query text. Store work goes through a ``Runner`` so that the service can run it in
its query workers, within the time limit.

    ParameterError (QueryError)   parameter values were refused (each named)
"""

from __future__ import annotations

import csv
import io
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Concatenate, Literal, ParamSpec, Protocol, TypeVar

import pyoxigraph as ox

from graph.answer.columnar import answer_rows
from graph.answer.questions import CODE_TYPES, ParameterSpec, Question, question_prefixes
from graph.answer.sparql import run_query
from graph.answer.view import ObservationView
from graph.errors import ParameterError
from graph.rdf.iris import Iris
from graph.rdf.namespaces import XSD
from graph.store.embedded import Store
from graph.store.versions import published_graphs

__all__ = [
    "Answer",
    "BoundParameter",
    "Choice",
    "CodeListCache",
    "CodeLists",
    "CsvDialect",
    "ParameterError",
    "Runner",
    "bind_parameters",
    "read_code_lists",
    "run_here",
    "run_question",
]

P = ParamSpec("P")
T = TypeVar("T")

CsvDialect = Literal["excel", "standard"]

_NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "int", "long", "short")}
_FRACTIONAL = {f"{XSD}{t}" for t in ("decimal", "double", "float")}
# A CSV cell Excel would run as a formula (CSV injection); such text gets a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Runner(Protocol):
    """Runs ``fn(store, *args, **kwargs)`` on some store (here, or in a worker process)."""

    def __call__(self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T: ...


def run_here(store: Store) -> Runner:
    """A runner that calls the function on ``store`` in this thread (no time limit)."""

    def run(fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return fn(store, *args, **kwargs)

    return run


@dataclass(frozen=True)
class Choice:
    """One allowed value of a code parameter."""

    value: str  # as written in a URL: a region code, "2024", "prevalensi-stunting", "desa"
    label_id: str
    label_en: str
    iri: str
    levels: tuple[str, ...] = ()  # region: its level; indicator: levels it is observed at

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": {"id": self.label_id, "en": self.label_en}}


@dataclass(frozen=True)
class CodeLists:
    """Choices of every code parameter type, read from the published graph."""

    region: tuple[Choice, ...]
    period: tuple[Choice, ...]
    indicator: tuple[Choice, ...]
    level: tuple[Choice, ...]
    agency: tuple[Choice, ...]

    def for_parameter(self, spec: ParameterSpec) -> tuple[Choice, ...]:
        choices: tuple[Choice, ...] = getattr(self, spec.type)
        if spec.levels is None:
            return choices
        if spec.type == "level":
            return tuple(c for c in choices if c.value in spec.levels)
        return tuple(c for c in choices if set(c.levels) & set(spec.levels))


class CodeListCache:
    """Code lists read once per publication: the key is the list of published graphs,
    whose version graphs change with every load."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, tuple[str, ...], str], CodeLists] | None = None

    def get(
        self,
        store: Store,
        iris: Iris,
        home_region: str,
        *,
        run: Runner | None = None,
        view: ObservationView | None = None,
    ) -> CodeLists:
        """The choices, read again only after a publication changes the published graphs.

        ``run`` runs store work (``run(fn, *args)`` calls ``fn(store, *args)``), e.g. in a
        worker process with a time limit; by default it is called here, on ``store``.
        ``view``, the columnar view of the current publication when one is ready, gives the
        periods and indicators that have observations without scanning them again (on a
        province store on disk that scan took minutes); the rest are small look-ups.
        """
        key = (id(store), tuple(published_graphs(store, iris)), home_region)
        with self._lock:
            if self._cached is not None and self._cached[0] == key:
                return self._cached[1]
        if view is not None:
            lists = read_code_lists(store, iris, home_region, view=view)
        else:
            lists = (run or run_here(store))(read_code_lists, iris, home_region)
        with self._lock:
            self._cached = (key, lists)
        return lists


# --- code lists ------------------------------------------------------------------------------


def read_code_lists(
    store: Store, iris: Iris, home_region: str, *, view: ObservationView | None = None
) -> CodeLists:
    """Choices from the published graph: regions of the home region, periods and indicators
    that have observations, region levels, and agencies that publish datasets.

    With ``view`` (the columnar view of the same publication), which periods and indicators
    have observations, and at which levels, come from the view; only their labels are read
    from the store. Without it they come from one scan of the observations.
    """

    def rows(body: str) -> list[dict[str, str]]:
        outcome = run_query(store, iris, question_prefixes(iris) + body, max_rows=1_000_000)
        return [
            {v: t.value for v, t in zip(outcome.variables, row, strict=True) if t is not None}
            for row in outcome.rows
        ]

    def labelled(v: str, prop: str = "skos:prefLabel") -> str:
        return f"""OPTIONAL {{ {v} {prop} ?lid . FILTER(lang(?lid) = "id") }}
                   OPTIONAL {{ {v} {prop} ?len . FILTER(lang(?len) = "en") }}"""

    regions = []
    for r in rows(
        f"""SELECT ?r ?code ?name ?level ?parent WHERE {{
              ?r skos:inScheme <{iris.region_scheme}> ; skos:notation ?code ; skos:prefLabel ?name ;
                 oc:regionLevel/skos:notation ?level .
              FILTER(datatype(?code) = oc:KemendagriCode)
              OPTIONAL {{ ?r skos:broader/skos:prefLabel ?parent }}
            }} ORDER BY ?code"""
    ):
        code = r["code"]
        if code == home_region or code.startswith(home_region + "."):
            # A desa name can recur in several kecamatan, and a kecamatan can share its name
            # with a desa: the labels tell them apart.
            name_id = name_en = r["name"]
            if r["level"] == "desa" and "parent" in r:
                name_id = name_en = f"{r['name']} ({r['parent']})"
            elif r["level"] == "kecamatan":
                name_id, name_en = f"Kecamatan {r['name']}", f"{r['name']} District"
            regions.append(Choice(code, name_id, name_en, r["r"], (r["level"],)))
    if view is None:
        observed_periods = "{ SELECT DISTINCT ?p WHERE { ?o sdmx-dimension:refPeriod ?p } }"
    else:
        observed_periods = f"VALUES ?p {{ {_iris(view.periods())} }}"
    periods = [
        Choice(r["p"].removeprefix(iris.period_prefix), r["label"], r["label"], r["p"])
        for r in rows(
            f"""SELECT ?p (SAMPLE(?l) AS ?label) WHERE {{
                 {observed_periods}
                 ?p rdfs:label ?l
               }} GROUP BY ?p ORDER BY ?p"""
        )
    ]
    indicator_levels: dict[str, set[str]] = {}
    if view is None:
        indicator_rows = rows(
            f"""SELECT ?i ?lid ?len ?level WHERE {{
                  {{ SELECT DISTINCT ?i ?level WHERE {{
                       ?o qb:measureType ?i ; sdmx-dimension:refArea/oc:regionLevel/skos:notation ?level }} }}
                  {labelled("?i", "rdfs:label")}
                }} ORDER BY ?i"""
        )
        for r in indicator_rows:
            indicator_levels.setdefault(r["i"], set()).add(r["level"])
    else:
        # An indicator observed only at regions without a level is left out, as the scan
        # above leaves it out.
        indicator_levels = {i: levels for i, levels in view.indicator_levels().items() if levels}
        indicator_rows = rows(
            f"""SELECT ?i ?lid ?len WHERE {{
                  VALUES ?i {{ {_iris(indicator_levels)} }}
                  {labelled("?i", "rdfs:label")}
                }} ORDER BY ?i"""
        )
    indicators = {
        r["i"]: Choice(
            r["i"].removeprefix(iris.indicator("")),
            r.get("lid", r["i"]),
            r.get("len", r.get("lid", r["i"])),
            r["i"],
            tuple(sorted(indicator_levels[r["i"]])),
        )
        for r in indicator_rows
    }
    levels = [
        Choice(r["n"], r.get("lid", r["n"]), r.get("len", r["n"]), r["l"])
        for r in rows(
            f"""SELECT ?l ?n ?lid ?len ?rank WHERE {{
                  ?l skos:inScheme oc:RegionLevelScheme ; skos:notation ?n ; oc:levelRank ?rank .
                  {labelled("?l")}
                }} ORDER BY ?rank"""
        )
    ]
    agencies = [
        Choice(r["a"].removeprefix(iris.agency("")), r.get("lid", r["a"]), r.get("len", r["a"]), r["a"])
        for r in rows(
            f"""SELECT DISTINCT ?a ?lid ?len WHERE {{
                  ?d a qb:DataSet ; dcterms:publisher ?a .
                  {labelled("?a")}
                }} ORDER BY ?a"""
        )
    ]
    return CodeLists(
        tuple(regions), tuple(periods), tuple(indicators.values()), tuple(levels), tuple(agencies)
    )


def _iris(values: Iterable[str]) -> str:
    """IRIs for a VALUES block (an empty block matches nothing, as no observation would)."""
    return " ".join(f"<{v}>" for v in sorted(values))


# --- binding and running ------------------------------------------------------------------


@dataclass(frozen=True)
class BoundParameter:
    name: str
    value: str | None  # None: an optional parameter left out
    label: str | None
    term: ox.NamedNode | ox.Literal | None
    from_default: bool

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
    problems: list[dict[str, Any]] = []
    params = question.spec.parameters
    values: dict[str, str] = {}
    for name, value in given:
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
    bound: dict[str, BoundParameter] = {}
    for name, spec in params.items():
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
    if problems:
        raise ParameterError(problems)
    return bound


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
        choices = lists.for_parameter(spec)
        chosen = next((c for c in choices if c.value == raw), None)
        if chosen is None:
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
        return BoundParameter(name, chosen.value, chosen.label_id, ox.NamedNode(chosen.iri), from_default)
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


def _number(raw: str, kind: str) -> Decimal | None:
    """A number as typed by a person: '20', '-3', '20.5' or '20,5' (decimal comma)."""
    pattern = r"-?\d+" if kind == "integer" else r"-?\d+([.,]\d+)?"
    if not re.fullmatch(pattern, raw):
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


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
        """Each bound variable and its term in SPARQL/N-Triples syntax."""
        return {n: str(p.term) for n, p in self.parameters.items() if p.term is not None}

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready objects: numbers as numbers, IRIs and other terms as text."""
        return [{c: _json_value(t) for c, t in zip(self.columns, row, strict=True)} for row in self.rows]

    def to_csv(self, dialect: CsvDialect = "excel") -> bytes:
        """The table as CSV bytes.

        ``excel``: for Excel with Indonesian regional settings: UTF-8 with BOM, ';' between
        fields, decimal comma, Indonesian column labels, and text that Excel would run as a
        formula prefixed with a quote. ``standard``: RFC 4180 for programs: UTF-8 without
        BOM, ',', decimal point, column names as header.
        """
        buffer = io.StringIO()
        excel = dialect == "excel"
        writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
        spec = self.question.spec
        writer.writerow([spec.columns[c].id for c in self.columns] if excel else self.columns)
        for row in self.rows:
            writer.writerow([_csv_cell(t, excel) for t in row])
        text = buffer.getvalue()
        return ("\ufeff" + text if excel else text).encode("utf-8")


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
    substitutions = {n: p.term for n, p in bound.items() if p.term is not None}
    sparql = question_prefixes(iris) + question.sparql
    if (
        view is not None
        and question.spec.columnar is not None
        and {"region", "period"} <= substitutions.keys()
    ):
        rows = answer_rows(view, iris, question, substitutions)
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
        if datatype in _NUMERIC:
            number = float(term.value)
            if datatype not in _FRACTIONAL:
                return int(term.value)
            return number if math.isfinite(number) else None
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def _csv_cell(term: Any, excel: bool) -> str:
    if term is None:
        return ""
    text: str = term.value
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        if excel and term.datatype.value in _FRACTIONAL:
            number = float(text)
            text = repr(number) if term.datatype.value != XSD + "decimal" else text
            return text.replace(".", ",")
        return text
    if excel and text.startswith(_FORMULA_START):
        return "'" + text
    return text
