"""What the question pages show, worked out without HTTP: cells, chart, form, list entries.

The answer of a question (``graph.answer.answers.Answer``) is turned into what a person reads:

- ``answer_cells``: each value with the value a sortable table sorts by (the number
  itself), whether it is a number for the page to write the Indonesian way (``1.234,5``,
  ``api.pages.id_number``; a year stays ``2024``), and a link to the ``/id/...`` page of a
  region (its Kemendagri code and its name) or of any IRI the instance minted;
- ``chart_data``: the chart the question's metadata suggests, as plain data for Chart.js
  (a map question gets a bar chart of the same values: the map is a page of its own);
- ``form_controls``: the question's form, its values selected;
- ``question_page`` and ``list_entries``: everything the question page and the list of
  questions show but their links (those depend on the request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.answers import NUMERIC, Answer
from graph.answer.bounds import impossible_cells, leave_out
from graph.answer.code_lists import CodeLists
from graph.answer.question_sources import chosen_indicators, question_indicators, shown_sources
from graph.answer.questions import CODE_TYPES, Catalogue, ParameterSpec, Question
from graph.rdf.iris import Iris, local_path
from graph.rdf.namespaces import OC
from graph.text import Text, published_decimals

__all__ = [
    "CHART_KINDS",
    "Cell",
    "Control",
    "Option",
    "answer_cells",
    "chart_data",
    "empty_hints",
    "form_controls",
    "is_year_column",
    "list_entries",
    "question_page",
]

_REGION_CODE = OC + "KemendagriCode"
# The kinds of chart a question suggests, as the list of questions names them.
CHART_KINDS = {
    "bar": ("Grafik batang", "bar chart"),
    "line": ("Grafik garis", "line chart"),
    "scatter": ("Diagram pencar", "scatter chart"),
    "map": ("Peta (di sini sebagai grafik batang)", "map (drawn here as a bar chart)"),
    "table": ("Tabel", "table"),
}


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, the value sorted by, and where it links to.

    A number's text is its lexical form; the page writes it the Indonesian way unless it
    is a year (``grouped`` False: 2024, never 2.024)."""

    text: str
    sort: str | None = None  # the number itself, for a sortable table's data-sort
    href: str | None = None  # a local path (``/id/...``); the page adds the root
    numeric: bool = False
    grouped: bool = True
    digits: int | None = None  # decimals to show: as published when more than three (0.6719)
    moment: str | None = None  # "dateTime" or "date": the page writes it in Jakarta time, in Indonesian


_XSD = "http://www.w3.org/2001/XMLSchema#"
_MOMENTS = {f"{_XSD}dateTime": "dateTime", f"{_XSD}date": "date"}


def is_year_column(name: str) -> bool:
    """Years are integers but are never written with a thousands separator (2024, not 2.024);
    a column is one when its name says so.

    >>> [is_year_column(n) for n in ("year", "area_year", "tahun", "years_behind")]
    [True, True, True, False]
    """
    return bool(re.search(r"(^|_)(year|tahun)$", name))


def _number(term: Any) -> float | None:
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        try:
            return float(term.value)
        except ValueError:
            return None
    return None


def _name_columns(columns: list[str]) -> dict[str, str]:
    """Name column -> the code column it names (``village`` -> ``village_code``)."""
    pairs = {}
    for column in columns:
        if column.endswith("_code"):
            stem = column[: -len("_code")]
            for name in (stem, f"{stem}_name"):
                if name in columns:
                    pairs[name] = column
    return pairs


def _iri_text(iris: Iris, iri: str) -> str:
    """An IRI as shown: below ``id/`` for the instance's own, whole otherwise."""
    local = local_path(iris, iri)
    return local[len("/id/") :] if local else iri


def answer_cells(answer: Answer, iris: Iris) -> list[list[Cell]]:
    """Every row of the answer as cells (see ``Cell``)."""
    columns = answer.columns
    names = _name_columns(columns)
    rows = []
    for row in answer.rows:
        by_column = dict(zip(columns, row, strict=True))
        cells = []
        for column, term in by_column.items():
            if term is None:
                cells.append(Cell(""))
            elif _number(term) is not None:
                cells.append(
                    Cell(
                        term.value,
                        term.value,
                        numeric=True,
                        grouped=not is_year_column(column),
                        digits=published_decimals(term.value),
                    )
                )
            elif isinstance(term, ox.NamedNode):
                cells.append(Cell(_iri_text(iris, term.value), href=local_path(iris, term.value)))
            elif isinstance(term, ox.Literal) and term.datatype.value in _MOMENTS:
                cells.append(Cell(term.value, term.value, moment=_MOMENTS[term.datatype.value]))
            else:
                cells.append(
                    Cell(term.value, href=_region_href(iris, by_column.get(names.get(column, column))))
                )
        rows.append(cells)
    return rows


def _region_href(iris: Iris, code: Any) -> str | None:
    """The region page of a Kemendagri code literal (for the code cell and its name cell)."""
    if isinstance(code, ox.Literal) and code.datatype.value == _REGION_CODE:
        return local_path(iris, iris.region(code.value))
    return None


def chart_data(answer: Answer) -> dict[str, Any] | None:
    """The suggested chart as data for Chart.js: ``type``, ``labels``, ``datasets`` (each
    with ``label`` and ``data``), axis titles, ``pointLabels`` (scatter) and a text
    alternative in ``summary``; None for a table question or an empty answer."""
    spec = answer.question.spec
    chart = spec.chart
    if chart.kind == "table" or not answer.rows:
        return None
    columns = answer.columns
    records = [dict(zip(columns, row, strict=True)) for row in answer.rows]

    def title(column: str) -> str:
        return spec.columns[column].joined()

    def shown(term: Any) -> str:
        return "" if term is None else str(term.value)

    kind, x, ys, note = chart.kind, chart.x, list(chart.y), None
    if kind == "map":  # drawn as bars: the value of each region, named where a name column exists
        names = {code: name for name, code in _name_columns(columns).items()}
        kind, x, ys = "bar", names.get(chart.region or "", chart.region), [chart.value or ""]
        note = "map"
    if x is None:  # the metadata check makes this impossible; say so to the type checker
        return None
    unit = _unit_shown(records)
    y_title = " · ".join(title(y) for y in ys) + (f" — {unit}" if unit else "")
    out: dict[str, Any] = {"type": kind, "xTitle": title(x), "yTitle": y_title}
    # Counts and percentages are read against zero; an index (IDM 0,6–0,8) on its own range.
    out["yZero"] = not _is_index(y_title)
    out["xZero"] = kind == "scatter" and not _is_index(title(x))
    if kind == "scatter":
        kept = [
            r for r in records if _number(r[x]) is not None and all(_number(r[y]) is not None for y in ys)
        ]
        out["datasets"] = [
            {"label": title(y), "data": [{"x": _number(r[x]), "y": _number(r[y])} for r in kept]} for y in ys
        ]
        out["pointLabels"] = [shown(r[chart.label]) if chart.label else "" for r in kept]
        count = len(kept)
    elif kind == "line" and chart.series:
        labels = sorted({shown(r[x]) for r in records})
        series: dict[str, dict[str, float | None]] = {}
        for r in records:
            series.setdefault(shown(r[chart.series]), {})[shown(r[x])] = _number(r[ys[0]])
        out["labels"] = labels
        out["datasets"] = [
            {"label": s, "data": [v.get(label) for label in labels]} for s, v in series.items()
        ]
        count = len(labels)
    else:
        out["labels"] = [shown(r[x]) for r in records]
        out["datasets"] = [{"label": title(y), "data": [_number(r[y]) for r in records]} for y in ys]
        count = len(records)
    out["summary"] = _summary(kind, out["xTitle"], out["yTitle"], count, note)
    return out


def _unit_shown(records: list[dict[str, Any]]) -> str | None:
    """The unit of the values as an axis names it ("Persen (%)", "Jiwa"), from the answer's
    ``unit`` column when all its rows share one; None when there is none or several."""
    units = {str(r["unit"].value) for r in records if r.get("unit") is not None}
    if len(units) != 1:
        return None
    unit = units.pop()
    return f"{unit} (%)" if unit.casefold() == "persen" else unit


def _is_index(text: str) -> bool:
    """Whether an axis shows an index (a composite score, e.g. IDM), not a count or a share."""
    return bool(re.search(r"\bindeks\b|\bindex\b|\bIDM\b", text, re.IGNORECASE))


def _summary(kind: str, x: str, y: str, count: int, note: str | None) -> str:
    kinds = {"bar": ("Grafik batang", "Bar chart"), "line": ("Grafik garis", "Line chart")}
    kind_id, kind_en = kinds.get(kind, ("Diagram pencar", "Scatter chart"))
    as_map = " (pengganti peta / in place of a map)" if note == "map" else ""
    return (
        f"{kind_id}{as_map}: {y} menurut {x}, {count} titik; angka lengkapnya ada di tabel. "
        f"/ {kind_en}: {y} by {x}, {count} points; the table below has every figure."
    )


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    selected: bool


@dataclass(frozen=True)
class Control:
    """One form control of a question's form: a list of choices, or a number field."""

    name: str
    kind: str  # "select" or "number"
    spec: ParameterSpec
    options: tuple[Option, ...] = ()
    value: str = ""  # number fields: the value shown
    invalid: bool = False

    # A text field, not type="number": a browser's number field refuses "22,5" in some locales
    # and "1.234,5" in all; the server reads what people type (``graph.read.numbers.typed_number``).
    @property
    def inputmode(self) -> str:
        return "numeric" if self.spec.type == "integer" else "decimal"

    @property
    def pattern(self) -> str:
        """What the field accepts before it is sent: digits with dot thousands or none, and for a
        decimal a comma or point decimal part ("22,5", "1.234,5", "22.5")."""
        whole = r"-?(\d{1,3}(\.\d{3})+|\d+)"
        return whole if self.spec.type == "integer" else whole + r"([,.]\d+)?"

    @property
    def shown(self) -> str:
        """The value as the field shows it: an accepted decimal with a comma (the API's "22.5" is
        "22,5"); a refused value exactly as it was typed, to be corrected."""
        plain = re.fullmatch(r"-?\d+\.\d+", self.value)
        if self.spec.type == "decimal" and plain and not self.invalid:
            return self.value.replace(".", ",")
        return self.value


def form_controls(
    question: Question, lists: CodeLists, chosen: Mapping[str, str | None], invalid: Iterable[str] = ()
) -> list[Control]:
    """The question's form, with ``chosen`` values selected (a value that is not a choice,
    as on a refused request, falls back to the default so that the form can be sent again)."""
    refused = set(invalid)
    controls = []
    for name, spec in question.spec.parameters.items():
        default = "" if spec.default is None else str(spec.default)
        value = chosen.get(name)
        value = default if value is None or value.strip() == "" else value.strip()
        if spec.type in ("integer", "decimal"):
            controls.append(Control(name, "number", spec, value=value, invalid=name in refused))
            continue
        choices = lists.for_parameter(spec)
        if value not in {c.value for c in choices}:
            value = default
        everything = "— Dataset utama / authoritative —" if spec.type == "dataset" else "— Semua —"
        options = [Option("", everything, value == "")] if spec.optional else []
        options += [Option(c.value, c.label.id, c.value == value) for c in choices]
        controls.append(Control(name, "select", spec, tuple(options), invalid=name in refused))
    return controls


def question_page(
    question: Question,
    lists: CodeLists,
    controls: list[Control],
    answer: Answer | None,
    by_indicator: Mapping[str, tuple[str, ...]],
    iris: Iris,
    problems: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """What the question page shows (``question.html``), its links aside: the form, the
    refused values, the sources, and the answer as cells and chart when there is one.

    ``by_indicator`` is ``graph.answer.question_sources.indicator_agencies``.
    """
    types = {n: p.type for n, p in question.spec.parameters.items()}
    indicators = question_indicators(question, iris)
    if answer is not None:
        indicators += chosen_indicators(answer.parameters.values(), types)
    shown, agencies = shown_sources(indicators, lists, by_indicator, iris)
    page: dict[str, Any] = {
        "question": question,
        "spec": question.spec,
        "controls": controls,
        "problems": list(problems),
        "indicators": shown,
        "agencies": agencies,
        "chosen_indicator": "indicator" in types.values(),
        "answer": answer,
    }
    if answer is not None:
        cells = answer_cells(answer, iris)
        asked = [p.term for p in answer.parameters.values()]
        impossible = impossible_cells(answer.columns, answer.rows, asked, lists.bounds)
        labels = {c.iri: c.label.id for c in lists.indicator}
        page.update(
            # Each indicator's dataset, why, and the others publishing it (links switch to them).
            sources_used=[
                {"indicator": labels.get(u.indicator, u.indicator.removeprefix(iris.indicator(""))), "use": u}
                for u in answer.sources
            ],
            cells=cells,
            # A column of numbers is right-aligned, its heading too.
            numeric=[any(row[i].numeric for row in cells) for i in range(len(answer.columns))],
            # Values outside their indicator's declared bounds: marked in the table, not drawn.
            impossible=impossible,
            chart=leave_out(chart_data(answer), _chart_columns(question), impossible),
            empty_hints=empty_hints(answer, lists, types) if not answer.rows else [],
        )
    return page


def _chart_columns(question: Question) -> list[str]:
    """The columns a question's chart draws as datasets, in order (a map: its value column)."""
    chart = question.spec.chart
    return [chart.value or ""] if chart.kind == "map" else list(chart.y)


def empty_hints(answer: Answer, lists: CodeLists, types: Mapping[str, str]) -> list[Text]:
    """Why an answer may have no rows: the levels each chosen indicator is observed at. An index
    or a category (e.g. IDM, published per desa) is neither summed nor averaged, so it has no
    value at a level above the one it is reported at."""
    levels = {c.value: c.label for c in lists.level}
    hints = []
    for iri in chosen_indicators(answer.parameters.values(), types):
        choice = next((c for c in lists.indicator if c.iri == iri), None)
        if choice is None or not choice.levels:
            continue
        names = [levels.get(lv, Text(lv)) for lv in choice.levels]
        hints.append(
            Text(
                f"{choice.label.id} dilaporkan di tingkat {', '.join(n.id for n in names)}.",
                f"{choice.label.en} is reported at {', '.join(n.en for n in names)} level.",
            )
        )
    return hints


def list_entries(
    catalogue: Catalogue, lists: CodeLists, by_indicator: Mapping[str, tuple[str, ...]], iris: Iris
) -> list[dict[str, Any]]:
    """Each question as the list of questions shows it: its sources, its parameters with
    their defaults (by label) and the kind of chart it suggests."""
    entries = []
    for q in catalogue.questions.values():
        indicators, agencies = shown_sources(question_indicators(q, iris), lists, by_indicator, iris)
        parameters = [
            {"label": p.label, "default": _default_shown(p, lists), "optional": p.optional}
            for p in q.spec.parameters.values()
        ]
        entries.append(
            {
                "q": q,
                "indicators": indicators,
                "agencies": agencies,
                "chosen_indicator": any(p.type == "indicator" for p in q.spec.parameters.values()),
                "parameters": parameters,
                "chart": CHART_KINDS[q.spec.chart.kind],
            }
        )
    return entries


def _default_shown(spec: ParameterSpec, lists: CodeLists) -> str | None:
    """A parameter's default as a person reads it: a code by its label."""
    if spec.default is None:
        return None
    if spec.type in CODE_TYPES:
        return lists.label_of(spec, str(spec.default))
    return str(spec.default)
