"""Mapping files: one YAML per agency table, checked by a schema.

A mapping says where the table is and how its columns become observations on
the shared ontology. The schema rejects unknown keys; every error names the
mapping file and line. See ``docs/mapping-language.md`` for the language.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from graph.errors import MappingError
from graph.read.yaml_lines import parse_yaml, schema_problem, yaml_line_for
from graph.text import Text

__all__ = [
    "ColumnOrValue",
    "DatasetMeta",
    "DropRule",
    "Mapping",
    "MeasureSpec",
    "PeriodSpec",
    "PersonalData",
    "RegionSpec",
    "Slug",
    "SourceSpec",
    "discover_mappings",
    "load_mapping",
    "normalise_header",
]

RegionLevel = Literal["provinsi", "kabupaten", "kecamatan", "desa"]
DecimalStyle = Literal["comma", "point", "auto"]
Frequency = Literal["annual", "semiannual", "quarterly", "monthly", "irregular"]
AccessLevel = Literal["terbuka", "terbatas"]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_MISSING = ["", "-", "\u2013", "...", "\u2026", "n/a", "N/A", "NA", "x"]


def normalise_header(name: str) -> str:
    """Header text as mappings refer to it.

    Line breaks become spaces, runs of spaces collapse, spaces next to '_' go
    (exports wrap "kemendagri_kode_\\ndesa"), and the ends are trimmed.
    """
    text = re.sub(r"\s+", " ", str(name)).strip()
    return re.sub(r"\s*_\s*", "_", text)


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not a slug (lower-case letters, digits and '-')")
    return value


# An id that IRIs are minted from: lower-case letters and digits, in words joined by '-'.
Slug = Annotated[str, AfterValidator(_slug)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnOrValue(_Strict):
    """Either a column of the table or one fixed value for every row."""

    column: str | None = None
    value: str | int | None = None
    values: dict[str, str] | None = Field(
        None, description="Value map: the table's wording -> code notation."
    )

    @model_validator(mode="after")
    def _one_of(self) -> ColumnOrValue:
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of 'column' or 'value'")
        return self


class DatasetMeta(_Strict):
    id: Slug = Field(description="Slug of the dataset; its IRIs are minted from it.")
    title: Text
    description: Text
    agency: str = Field(
        min_length=1,
        description="The producing agency: its slug (ontology/agencies.ttl) or its name "
        '("Dinas Kesehatan"), linked like region names.',
    )
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    frequency: Frequency
    access: AccessLevel = "terbuka"
    keywords: list[str] = []
    synthetic: bool = Field(False, description="True for demo data with made-up values.")


class DropRule(_Strict):
    """Rows that are not data (totals, notes) are dropped and counted, never silently."""

    column: str
    matches: str | None = Field(
        None,
        description="Case-insensitive regular expression on the cell text (a number cell as its "
        "digits: 1809012001, 0.9029).",
    )
    blank: bool = Field(default=False, description="Drop the rows whose cell in `column` is blank.")
    reason: str = "baris bukan data / not a data row"

    @field_validator("matches")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        try:
            re.compile(value or "")
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_test(self) -> DropRule:
        if (self.matches is None) == (not self.blank):
            raise ValueError("give 'matches' (a regular expression) or 'blank: true', one of them")
        return self


class PersonalData(_Strict):
    """Columns holding personal data (UU 27/2022): never read, never published."""

    columns: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, description="Header names of the columns holding personal data."
    )
    reason: str = Field(
        "data pribadi / personal data (UU 27/2022)",
        min_length=1,
        description="What the columns hold, for whoever reads the mapping.",
    )


class SourceSpec(_Strict):
    path: str = Field(description="The table file, relative to the mapping file's folder.")
    format: Literal["csv", "xlsx"] | None = None
    sheet: str | None = None
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    header_rows: list[Annotated[int, Field(ge=1)]] = [1]
    skip_rows: list[Annotated[int, Field(ge=1)]] = []
    decimal: DecimalStyle = "auto"
    missing: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING))
    drop_rows: list[DropRule] = []
    personal_data: PersonalData | None = None

    @field_validator("path")
    @classmethod
    def _path_names_a_file(cls, value: str) -> str:
        if not value.strip() or "\x00" in value:
            raise ValueError("'path' must name the table file (not empty, no NUL character)")
        return value

    @model_validator(mode="after")
    def _format_fits(self) -> SourceSpec:
        fmt = self.resolved_format
        if fmt == "csv" and self.sheet is not None:
            raise ValueError("'sheet' is only for xlsx sources")
        if len(self.delimiter) != 1:
            raise ValueError("'delimiter' must be one character")
        return self

    @property
    def personal_columns(self) -> set[str]:
        """The declared personal-data columns, as header names are compared."""
        declared = self.personal_data.columns if self.personal_data else []
        return {normalise_header(c) for c in declared}

    @property
    def resolved_format(self) -> str:
        if self.format:
            return self.format
        return "xlsx" if self.path.lower().endswith((".xlsx", ".xlsm")) else "csv"


class CodeRef(_Strict):
    column: str
    system: Literal["kemendagri", "bps"] = Field(
        description="Which code system the column holds. Never guessed from the digits."
    )


class RegionSpec(_Strict):
    level: RegionLevel
    code: CodeRef | None = None
    name: ColumnOrValue | None = None
    parent: ColumnOrValue | None = Field(
        None, description="Name of the parent region (kecamatan for desa, etc.)."
    )
    scope: str | None = Field(
        None,
        description="Dotted Kemendagri code of the region the table covers, when wider than the "
        "home region (e.g. '18' for a province-wide table); rows outside it are refused.",
    )

    @model_validator(mode="after")
    def _code_or_name(self) -> RegionSpec:
        if self.code is None and self.name is None:
            raise ValueError("give 'code' or 'name' (or both) to identify the region")
        return self


class PeriodSpec(_Strict):
    year: ColumnOrValue
    semester: ColumnOrValue | None = None
    month: ColumnOrValue | None = None

    @model_validator(mode="after")
    def _one_sub_period(self) -> PeriodSpec:
        if self.semester is not None and self.month is not None:
            raise ValueError("give 'semester' or 'month', not both")
        return self


class MeasureSpec(_Strict):
    """One value column of the table: which indicator it holds, for which fixed dimensions."""

    column: str
    indicator: str | ColumnOrValue = Field(
        description="The indicator's slug or name, or {column: ...} when a column of a long "
        "table names each row's indicator."
    )
    unit: str | None = Field(None, description="Must equal the indicator's unit when given.")
    dimensions: dict[str, str] = Field(
        default_factory=dict, description="Fixed dimension codes for this column."
    )
    period: PeriodSpec | None = Field(None, description="Overrides the table's period.")
    decimal: DecimalStyle | None = None
    codes: dict[str, str] = Field(
        default_factory=dict,
        description="For a categorical indicator: the table's wording -> the notation of a "
        "concept of its code list, for spellings its labels do not cover.",
    )


class Mapping(_Strict):
    dataset: DatasetMeta
    source: SourceSpec
    region: RegionSpec
    period: PeriodSpec | None = None
    dimensions: dict[str, ColumnOrValue] = {}
    measures: list[MeasureSpec] = Field(min_length=1)

    # Where the mapping came from; filled by load_mapping.
    file: Path = Field(Path("."), exclude=True)
    sha256: str = Field("", exclude=True)
    lines: dict[tuple[Any, ...], int] = Field(default_factory=dict, exclude=True, repr=False)

    @model_validator(mode="after")
    def _every_measure_has_a_period(self) -> Mapping:
        for i, m in enumerate(self.measures):
            if self.period is None and m.period is None:
                raise ValueError(
                    f"measures[{i}] ({m.column!r}) has no period: give a table-level 'period' "
                    "or one on the measure"
                )
            overlap = set(m.dimensions) & set(self.dimensions)
            if overlap:
                raise ValueError(
                    f"measures[{i}] sets dimension(s) {sorted(overlap)} that the table also "
                    "takes from a column"
                )
        return self

    @property
    def source_path(self) -> Path:
        p = Path(self.source.path)
        return p if p.is_absolute() else (self.file.parent / p).resolve()

    def column_references(self) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Every table column the mapping names, with its key path (for error lines)."""
        yield from self._region_columns()
        for i, measure in enumerate(self.measures):
            yield ("measures", i, "column"), measure.column
            if not isinstance(measure.indicator, str) and measure.indicator.column is not None:
                yield ("measures", i, "indicator", "column"), measure.indicator.column
        yield from self._period_columns()
        for name, spec in self.dimensions.items():
            if spec.column is not None:
                yield ("dimensions", name, "column"), spec.column
        for i, rule in enumerate(self.source.drop_rows):
            yield ("source", "drop_rows", i, "column"), rule.column
        if self.source.personal_data is not None:
            for i, column in enumerate(self.source.personal_data.columns):
                yield ("source", "personal_data", "columns", i), column

    def _region_columns(self) -> Iterator[tuple[tuple[Any, ...], str]]:
        region = self.region
        if region.code is not None:
            yield ("region", "code", "column"), region.code.column
        for role in ("name", "parent"):
            ref = getattr(region, role)
            if ref is not None and ref.column is not None:
                yield ("region", role, "column"), ref.column

    def _period_columns(self) -> Iterator[tuple[tuple[Any, ...], str]]:
        """The columns of the table's period, then of each measure's own period."""
        periods: list[tuple[tuple[Any, ...], PeriodSpec]] = []
        if self.period is not None:
            periods.append((("period",), self.period))
        for i, measure in enumerate(self.measures):
            if measure.period is not None:
                periods.append((("measures", i, "period"), measure.period))
        for loc, period in periods:
            for part in ("year", "semester", "month"):
                ref = getattr(period, part)
                if ref is not None and ref.column is not None:
                    yield (*loc, part, "column"), ref.column

    def line_of(self, *loc: Any) -> int | None:
        """The YAML line of a key path such as ('measures', 2, 'indicator')."""
        return yaml_line_for(self.lines, loc)

    def error(self, message: str, *loc: Any) -> MappingError:
        return MappingError(message, file=self.file, line=self.line_of(*loc))


def load_mapping(path: Path | str) -> Mapping:
    """Read and check one mapping file.

    Raises:
        MappingError: the file is not valid YAML or does not fit the schema; the
            message names the file and line.
    """
    path = Path(path).resolve()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MappingError(f"berkas tidak dapat dibaca / cannot read file: {exc}", file=path) from None
    text = raw.decode("utf-8-sig", errors="replace")
    data, lines = parse_yaml(
        text, path, MappingError, "pemetaan harus berupa mapping YAML / must be a YAML mapping"
    )
    try:
        mapping = Mapping.model_validate(
            {**data, "file": path, "sha256": hashlib.sha256(raw).hexdigest(), "lines": lines}
        )
    except ValidationError as exc:
        message, line = schema_problem(exc, lines, "docs/mapping-language.md")
        raise MappingError(message, file=path, line=line) from None
    _check_personal_columns(mapping)
    return mapping


def _check_personal_columns(mapping: Mapping) -> None:
    """A column declared personal data may not be read for anything else.

    Checked after the schema, so that the error points at the line that uses the column.
    """
    personal = mapping.source.personal_columns
    for loc, column in mapping.column_references():
        if loc[:2] != ("source", "personal_data") and normalise_header(column) in personal:
            where = ".".join(str(p) for p in loc)
            raise mapping.error(
                f"{where}: kolom {column!r} dinyatakan data pribadi (source.personal_data) dan tidak "
                "boleh dipetakan / the column is declared personal data and cannot be mapped; its "
                "values would be published. Remove it from source.personal_data only if it holds no "
                "personal data.",
                *loc,
            )


def discover_mappings(folder: Path) -> list[Path]:
    """The dataset mapping files of a folder (top level only, sorted)."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))
