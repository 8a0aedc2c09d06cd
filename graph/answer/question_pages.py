"""What the question pages show, worked out without HTTP: cells, chart data, sources, SPARQL.

The answer of a question (``graph.answer.parameters.Answer``) is turned into what a person reads:

- ``answer_cells``: each value with the value a sortable table sorts by (the number
  itself), whether it is a number for the page to write the Indonesian way (``1.234,5``,
  ``api.pages.id_number``; a year stays ``2024``), and a link to the ``/id/...`` page of a
  region (its Kemendagri code and its name) or of any IRI the instance minted;
- ``chart_data``: the chart the question's metadata suggests, as plain data for Chart.js
  (a map question gets a bar chart of the same values: the map is a page of its own);
- ``question_indicators`` and ``indicator_agencies``: which indicators a question reads and
  which agencies publish them;
- ``question_sparql``: the SPARQL with the parameter values written in
  (``graph.answer.bound_text``), for the SPARQL editor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.bound_text import bind_into_text, prefix_lines, term_text, tokenize
from graph.answer.parameters import Answer, BoundParameter, CodeLists
from graph.answer.questions import ParameterSpec, Question, question_prefixes
from graph.answer.sparql import run_query
from graph.rdf.iris import Iris, local_path
from graph.rdf.namespaces import OC, XSD
from graph.store.embedded import Store

__all__ = [
    "Cell",
    "Control",
    "Option",
    "answer_cells",
    "chart_data",
    "chosen_indicators",
    "editor_starter",
    "form_controls",
    "indicator_agencies",
    "is_year_column",
    "prefix_map",
    "question_indicators",
    "question_sparql",
]

_NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "int", "long", "short")}
_REGION_CODE = OC + "KemendagriCode"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


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


def is_year_column(name: str) -> bool:
    """Years are integers but are never written with a thousands separator (2024, not 2.024);
    a column is one when its name says so.

    >>> [is_year_column(n) for n in ("year", "area_year", "tahun", "years_behind")]
    [True, True, True, False]
    """
    return bool(re.search(r"(^|_)(year|tahun)$", name))


def _number(term: Any) -> float | None:
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
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
                cells.append(Cell(term.value, term.value, numeric=True, grouped=not is_year_column(column)))
            elif isinstance(term, ox.NamedNode):
                cells.append(Cell(_iri_text(iris, term.value), href=local_path(iris, term.value)))
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
        text = spec.columns[column]
        return text.id if text.id == text.en else f"{text.id} / {text.en}"

    def shown(term: Any) -> str:
        return "" if term is None else str(term.value)

    kind, x, ys, note = chart.kind, chart.x, list(chart.y), None
    if kind == "map":  # drawn as bars: the value of each region, named where a name column exists
        names = {code: name for name, code in _name_columns(columns).items()}
        kind, x, ys = "bar", names.get(chart.region or "", chart.region), [chart.value or ""]
        note = "map"
    if x is None:  # the metadata check makes this impossible; say so to the type checker
        return None
    out: dict[str, Any] = {"type": kind, "xTitle": title(x), "yTitle": " · ".join(title(y) for y in ys)}
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


def _summary(kind: str, x: str, y: str, count: int, note: str | None) -> str:
    kinds = {"bar": ("Grafik batang", "Bar chart"), "line": ("Grafik garis", "Line chart")}
    kind_id, kind_en = kinds.get(kind, ("Diagram pencar", "Scatter chart"))
    as_map = " (pengganti peta / in place of a map)" if note == "map" else ""
    return (
        f"{kind_id}{as_map}: {y} menurut {x}, {count} titik; angka lengkapnya ada di tabel. "
        f"/ {kind_en}: {y} by {x}, {count} points; the table below has every figure."
    )


def prefix_map(iris: Iris) -> dict[str, str]:
    """Prefix name -> namespace: every prefix a question may use."""
    return dict(re.findall(r"PREFIX (\S*): <([^>]*)>", question_prefixes(iris)))


def question_sparql(question: Question, parameters: Mapping[str, BoundParameter], iris: Iris) -> str:
    """The question's SPARQL with the values of ``parameters`` written in: a text that runs
    as it is on ``/sparql``, with a header naming the values (see ``graph.answer.bound_text``)."""
    prefixes = prefix_map(iris)
    values = {n: p.term for n, p in parameters.items() if p.term is not None}
    body = bind_into_text(
        question.sparql,
        values,
        prefixes=prefixes,
        columns=question.columns,
        parameters=list(question.spec.parameters),
    )
    title = question.spec.title
    lines = [f"# {_one_line(title.id)} / {_one_line(title.en)}"]
    if parameters:
        lines.append(
            "# Nilai parameter ditulis ke dalam kueri / parameter values are written into the query:"
        )
        for name, p in parameters.items():
            if p.term is None:
                lines.append(f"#   {name} = (semua / all: variabelnya dibiarkan bebas / left unbound)")
            else:
                label = f" ({_one_line(p.label)})" if p.label and p.label != p.value else ""
                lines.append(f"#   {name} = {_one_line(p.value or '')}{label}")
    header = "\n".join(lines) + "\n"
    return header + prefix_lines(body, prefixes) + body.lstrip("\n")


def _one_line(text: str) -> str:
    """Text safe inside a SPARQL comment: a label with a line break would end the comment."""
    return _CONTROL.sub(" ", text)


def question_indicators(question: Question, iris: Iris) -> tuple[str, ...]:
    """The indicators a question's SPARQL names (``ind:...`` or in full), in order of use."""
    namespace = iris.indicator("")
    found: dict[str, None] = {}
    for token in tokenize(question.sparql):
        if token.kind == "word" and token.text.startswith("ind:"):
            local = token.text[len("ind:") :].rstrip(".")
            if local:
                found[namespace + local] = None
        elif token.kind == "iri" and token.text[1:-1].startswith(namespace):
            found[token.text[1:-1]] = None
    return tuple(found)


def indicator_agencies(store: Store, iris: Iris) -> dict[str, tuple[str, ...]]:
    """Indicator IRI -> the agencies whose published datasets measure it."""
    sparql = question_prefixes(iris) + (
        "SELECT DISTINCT ?m ?a WHERE { ?d a qb:DataSet ; dcterms:publisher ?a ; "
        "qb:structure/qb:component/qb:measure ?m } ORDER BY ?m ?a"
    )
    outcome = run_query(store, iris, sparql, max_rows=100_000)
    agencies: dict[str, list[str]] = {}
    for measure, agency in outcome.rows:
        if measure is not None and agency is not None:
            agencies.setdefault(measure.value, []).append(agency.value)
    return {m: tuple(a) for m, a in agencies.items()}


def chosen_indicators(parameters: Iterable[BoundParameter], types: Mapping[str, str]) -> tuple[str, ...]:
    """Indicators chosen through ``indicator`` parameters (their IRIs)."""
    return tuple(
        p.term.value
        for p in parameters
        if types.get(p.name) == "indicator" and isinstance(p.term, ox.NamedNode)
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

    @property
    def step(self) -> str:
        return "1" if self.spec.type == "integer" else "any"


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
        options = [Option("", "— Semua —", value == "")] if spec.optional else []
        options += [Option(c.value, c.label_id, c.value == value) for c in choices]
        controls.append(Control(name, "select", spec, tuple(options), invalid=name in refused))
    return controls


def editor_starter(iris: Iris, home_region: str) -> str:
    """The SPARQL editor's first text: every prefix the questions use and a small query
    (the kecamatan of the home region, with their codes) that runs as it is."""
    home = term_text(ox.NamedNode(iris.region(home_region)), prefix_map(iris))
    return (
        "# Kueri hanya-baca atas graf terbit / a read-only query over the published graphs.\n"
        "# Contoh: wilayah tepat di bawah wilayah induk, dengan kodenya /\n"
        "# example: the regions right below the home region, with their codes.\n"
        + question_prefixes(iris)
        + "\nSELECT ?wilayah ?kode ?nama WHERE {\n"
        f"  ?wilayah skos:broader {home} ;\n"
        "           skos:notation ?kode ;\n"
        "           skos:prefLabel ?nama .\n"
        "  FILTER(datatype(?kode) = oc:KemendagriCode)\n"
        "}\n"
        "ORDER BY ?kode\n"
    )
