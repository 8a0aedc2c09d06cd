"""Named questions: SPARQL files with metadata, checked when they are read.

A question is two files in ``questions/``: ``<id>.rq``, a SPARQL SELECT query, and ``<id>.yaml``,
its metadata (titles, theme, typed parameters, columns, chart), checked by a schema that rejects
unknown keys and names the file and line of every mistake (``docs/questions.md``: the format).
``graph.answer.parameters`` binds parameters and ``graph.answer.answers`` runs questions. A
question file that is wrong is a ``QuestionFileError`` naming the file and line; asking for a
question that does not exist is an ``UnknownQuestion`` (``graph.errors``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph.answer.plans import AggregatePlan, ColumnarPlan, CountPlan
from graph.answer.sparql import syntax_error_position
from graph.answer.themes import ThemeKey
from graph.errors import QuestionFileError, UnknownQuestion
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES, XSD
from graph.read.mappings import Slug
from graph.read.yaml_lines import parse_yaml, schema_problem
from graph.text import Text

__all__ = [
    "CODE_TYPES",
    "Catalogue",
    "ChartSpec",
    "ParameterSpec",
    "Question",
    "QuestionSpec",
    "load_catalogue",
    "load_question",
    "prefix_map",
    "question_prefixes",
]

ParameterType = Literal[
    "region", "period", "indicator", "level", "agency", "dataset", "category", "integer", "decimal"
]
ChartKind = Literal["bar", "line", "scatter", "table", "map"]
RegionLevel = Literal["provinsi", "kabupaten", "kecamatan", "desa"]

# Parameter types whose values are codes from the graph's code lists (bound as IRIs).
CODE_TYPES = ("region", "period", "indicator", "level", "agency", "dataset", "category")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# What a source variable follows: an indicator slug, an indicator parameter, or its numerator
# or denominator (``?indicator.numerator``).
_SOURCE_OF = re.compile(r"^(?:[a-z0-9][a-z0-9-]*|\?[a-z][a-z0-9_]*(?:\.(?:numerator|denominator))?)$")


# --- the metadata schema ------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterSpec(_Strict):
    """One parameter: a variable of the query, with its type, label and default."""

    type: ParameterType
    label: Text
    description: Text | None = None
    default: str | int | float | None = Field(
        None, description="Value used when the request gives none (a code, year or number)."
    )
    optional: bool = Field(
        False, description="Without a value (and no default) the variable stays unbound: 'all'."
    )
    levels: list[RegionLevel] | None = Field(
        None,
        description="region: the levels offered; indicator: indicators observed at these levels; "
        "level: the levels offered.",
    )
    categorical: bool | None = Field(None, description="indicator: categorical or numeric ones only.")
    min: float | None = None
    max: float | None = None
    alias: str | None = Field(
        None, description="Another name the parameter is accepted by (e.g. 'dataset' for 'sumber')."
    )

    @model_validator(mode="after")
    def _options_fit_the_type(self) -> ParameterSpec:
        if self.levels is not None and self.type not in ("region", "indicator", "level"):
            raise ValueError(f"'levels' is for region, indicator and level parameters, not {self.type}")
        if self.categorical is not None and self.type != "indicator":
            raise ValueError(f"'categorical' is for indicator parameters, not {self.type}")
        if (self.min is not None or self.max is not None) and self.type not in ("integer", "decimal"):
            raise ValueError(f"'min' and 'max' are for integer and decimal parameters, not {self.type}")
        if self.optional and self.default is not None:
            raise ValueError("an optional parameter has no default (left out, it means 'all')")
        if self.type == "dataset" and not self.optional:
            raise ValueError("a dataset parameter is optional: left out, the authoritative dataset is used")
        return self


class ChartSpec(_Strict):
    """The suggested chart and the columns it draws."""

    kind: ChartKind
    x: str | None = Field(None, description="bar, line, scatter: the column along the x axis.")
    y: list[str] = Field(default_factory=list, description="bar, line, scatter: value column(s).")
    label: str | None = Field(None, description="scatter: the column naming each point.")
    series: str | None = Field(None, description="line: the column splitting lines.")
    region: str | None = Field(None, description="map: the column holding Kemendagri codes.")
    value: str | None = Field(None, description="map: the column coloured on the map.")

    @field_validator("y", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _needs(self) -> ChartSpec:
        needed = {
            "bar": ("x", "y"),
            "line": ("x", "y"),
            "scatter": ("x", "y", "label"),
            "map": ("region", "value"),
            "table": (),
        }[self.kind]
        missing = [n for n in needed if not getattr(self, n)]
        if missing:
            raise ValueError(f"a {self.kind} chart needs {', '.join(missing)}")
        return self


class QuestionSpec(_Strict):
    """The metadata of one question (``questions/<id>.yaml``)."""

    id: Slug = Field(description="Slug; equals the file names <id>.rq and <id>.yaml.")
    title: Text
    theme: ThemeKey = Field(description="What the question is about (graph.answer.themes.THEMES).")
    description: Text
    parameters: dict[str, ParameterSpec] = Field(
        default_factory=dict, description="Parameter name (= SPARQL variable without '?') -> spec."
    )
    columns: dict[str, Text] = Field(
        description="Every column of the answer, in the query's SELECT order: variable -> label."
    )
    chart: ChartSpec
    keywords: list[str] = Field(default_factory=list)
    columnar: ColumnarPlan | AggregatePlan | CountPlan | None = Field(
        None, description="Optional: answer from the columnar view of observations (same rows, faster)."
    )
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Variable -> the indicator whose dataset it is bound to: a slug, '?indicator' "
        "(a parameter's), or '?indicator.numerator' / '?indicator.denominator'.",
    )

    @field_validator("sources")
    @classmethod
    def _source_indicators(cls, value: dict[str, str]) -> dict[str, str]:
        for name, indicator in value.items():
            if not _SOURCE_OF.match(indicator):
                raise ValueError(
                    f"{name}: {indicator!r} is an indicator slug, '?parameter' or '?parameter.numerator' "
                    "/ '?parameter.denominator'"
                )
        return value

    @field_validator("parameters", "columns", "sources")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not _NAME.match(name):
                raise ValueError(
                    f"{name!r}: names are lower-case letters, digits and '_' (a SPARQL variable)"
                )
        return value


# --- loaded questions and the catalogue ----------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A checked question: its metadata, its SPARQL and the columns it answers with."""

    spec: QuestionSpec
    sparql: str
    query_file: Path
    meta_file: Path
    projection: tuple[str, ...]  # the SELECT variables, parameters included

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def columns(self) -> list[str]:
        """Answer columns: the projection less parameters that are not declared columns."""
        return [v for v in self.projection if v in self.spec.columns]


@dataclass(frozen=True)
class Catalogue:
    """Every question of a folder, by id."""

    questions: dict[str, Question]
    folder: Path

    def get(self, question_id: str) -> Question:
        """The question with this id.

        Raises:
            UnknownQuestion: no question has the id (the message lists those there are).
        """
        question = self.questions.get(question_id)
        if question is None:
            raise UnknownQuestion(self.not_found(question_id))
        return question

    def not_found(self, question_id: str) -> str:
        """What to tell someone asking for a question that does not exist."""
        return (
            f"pertanyaan {question_id!r} tidak ada / no question {question_id!r}; "
            f"questions: {', '.join(sorted(self.questions))}"
        )


def prefix_map(iris: Iris) -> dict[str, str]:
    """Prefix name -> namespace: every prefix a question may use (the shared vocabularies
    and this instance's terms)."""
    return {
        **PREFIXES,
        "ind": iris.indicator(""),
        "wilayah": iris.region_prefix,
        "periode": iris.period_prefix,
        "organisasi": iris.agency(""),
        "dataset": iris.dataset(""),
        "dimensi": f"{iris.base}id/dimensi/",
        "kode": f"{iris.base}id/kode/",
    }


def question_prefixes(iris: Iris) -> str:
    """PREFIX lines a question may use: the shared vocabularies and this instance's terms."""
    return "".join(f"PREFIX {n}: <{iri}>\n" for n, iri in prefix_map(iris).items())


def load_catalogue(folder: Path) -> Catalogue:
    """Read and check every question of a folder.

    Raises:
        QuestionFileError: a .rq without its .yaml (or the reverse), invalid YAML, metadata
            that does not fit the schema, a query that does not parse, a parameter the
            query does not project, or columns that differ from the query's; the message
            names the file and line.
    """
    queries = {p.stem: p for p in folder.glob("*.rq")}
    metas = {p.stem: p for p in folder.glob("*.yaml")}
    for stem in sorted(set(queries) ^ set(metas)):
        lone = queries.get(stem) or metas[stem]
        other = f"{stem}.yaml" if stem in queries else f"{stem}.rq"
        raise QuestionFileError(
            f"{other} tidak ada / is missing: a question is a .rq and a .yaml of the same name",
            file=lone,
        )
    questions = {}
    for stem in sorted(queries):
        question = load_question(queries[stem], metas[stem])
        questions[question.id] = question
    return Catalogue(questions, folder)


def load_question(query_file: Path, meta_file: Path) -> Question:
    """Read and check one question (see ``load_catalogue``)."""
    spec, lines = _read_spec(meta_file)
    if spec.id != meta_file.stem:
        raise QuestionFileError(
            f"id {spec.id!r} berbeda dari nama berkas / differs from the file name {meta_file.stem!r}",
            file=meta_file,
            line=lines.get(("id",)),
        )
    try:
        sparql = query_file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise QuestionFileError(
            f"berkas tidak dapat dibaca / cannot read file: {exc}", file=query_file
        ) from None
    projection = _projection(sparql, spec, query_file)
    _check_sources(spec, meta_file, lines)
    for name, parameter in spec.parameters.items():
        if parameter.type == "dataset":
            continue  # it chooses the datasets bound to the source variables; not a variable itself
        if name not in projection:  # Oxigraph refuses this too; say it in the author's terms
            raise QuestionFileError(
                f"parameter {name!r}: ?{name} harus ada di SELECT teratas / must be in the top-level "
                "SELECT (a bound variable must be projected)",
                file=query_file,
            )
    hidden = set(spec.parameters) | set(spec.sources)
    expected = [v for v in projection if v not in hidden or v in spec.columns]
    if list(spec.columns) != expected:
        raise QuestionFileError(
            f"columns {list(spec.columns)} berbeda dari SELECT kueri / differ from the query's SELECT; "
            f"expected, in this order: {expected}",
            file=meta_file,
            line=lines.get(("columns",)),
        )
    for key in ("x", "label", "series", "region", "value", "y"):
        named = getattr(spec.chart, key)
        for column in named if isinstance(named, list) else [named]:
            if column is not None and column not in spec.columns:
                raise QuestionFileError(
                    f"chart.{key}: kolom {column!r} tidak ada di 'columns' / column {column!r} is not "
                    f"in 'columns' ({', '.join(spec.columns)})",
                    file=meta_file,
                    line=lines.get(("chart", key)),
                )
    return Question(spec, sparql, query_file, meta_file, projection)


def _check_sources(spec: QuestionSpec, meta_file: Path, lines: dict[tuple[Any, ...], int]) -> None:
    """A source variable follows an indicator parameter that exists; a dataset parameter needs
    source variables to choose for."""
    for name, indicator in spec.sources.items():
        parameter = indicator[1:].split(".")[0] if indicator.startswith("?") else None
        if parameter is not None and (
            parameter not in spec.parameters or spec.parameters[parameter].type != "indicator"
        ):
            raise QuestionFileError(
                f"sources.{name}: {indicator!r} bukan parameter indikator / is not an indicator parameter",
                file=meta_file,
                line=lines.get(("sources", name)),
            )
    for name, spec_of in spec.parameters.items():
        if spec_of.type == "dataset" and not spec.sources:
            raise QuestionFileError(
                f"parameter {name!r}: parameter dataset memerlukan 'sources' / a dataset parameter "
                "needs 'sources' (the variables bound to the datasets it chooses)",
                file=meta_file,
                line=lines.get(("parameters", name)),
            )


def _read_spec(path: Path) -> tuple[QuestionSpec, dict[tuple[Any, ...], int]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise QuestionFileError(f"berkas tidak dapat dibaca / cannot read file: {exc}", file=path) from None
    data, lines = parse_yaml(
        text, path, QuestionFileError, "harus berupa mapping YAML / must be a YAML mapping"
    )
    try:
        return QuestionSpec.model_validate(data), lines
    except ValidationError as exc:
        message, line = schema_problem(exc, lines, "docs/questions.md")
        raise QuestionFileError(message, file=path, line=line) from None


def _projection(sparql: str, spec: QuestionSpec, query_file: Path) -> tuple[str, ...]:
    """The SELECT variables, from Oxigraph itself: the query is run over an empty store with
    every parameter bound, which parses it and checks the parameters are projected."""
    prefixes = question_prefixes(Iris("http://example.org/"))
    dummies: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): _dummy(p.type) for name, p in spec.parameters.items() if p.type != "dataset"
    }
    dummies.update({ox.Variable(name): _dummy("dataset") for name in spec.sources})
    try:
        result = ox.Store().query(prefixes + sparql, substitutions=dummies or None)
    except (SyntaxError, RuntimeError) as exc:  # RuntimeError: a bound variable not projected
        message = str(exc)
        position = syntax_error_position(message)
        line = position[0] - prefixes.count("\n") if position else None
        if "SELECT projection" in message:
            message += " — every parameter and source variable must be a variable of the top-level SELECT"
        raise QuestionFileError(
            f"SPARQL tidak valid / invalid SPARQL: {message}",
            file=query_file,
            line=line if line and line > 0 else None,
        ) from None
    if not isinstance(result, ox.QuerySolutions):
        raise QuestionFileError(
            "pertanyaan harus kueri SELECT / a question must be a SELECT query", file=query_file
        )
    return tuple(v.value for v in result.variables)


def _dummy(kind: str) -> ox.NamedNode | ox.Literal:
    if kind == "integer":
        return ox.Literal("0", datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        return ox.Literal("0", datatype=ox.NamedNode(XSD + "decimal"))
    return ox.NamedNode("urn:onecenter:check")
