"""A mapping built from the choices of the mapping assistant, never typed as YAML.

Agency staff answer a few questions about a table their agency has never sent (sheet, header
row, region columns and code system, period, which column holds which indicator, rows that are
not data, the dataset's name); ``MappingChoices`` holds the answers, the same for the pages and
the JSON API. ``mapping_data`` turns them into the body of a mapping file and ``mapping_yaml``
into its text; the text is then checked by ``graph.read.mappings.load_mapping``, the loader the
CLI uses, before it is kept (``graph.publish.mapping_proposals``).

A choice made so far may be incomplete (the assistant shows a preview after every step):
``source_spec`` and ``region_spec`` need only the steps they describe.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.read.mappings import (
    AccessLevel,
    DecimalStyle,
    Frequency,
    RegionLevel,
    Slug,
    SourceSpec,
    normalise_header,
)

__all__ = [
    "DatasetChoice",
    "DropChoice",
    "MappingChoices",
    "MeasureChoice",
    "PeriodChoice",
    "RegionChoice",
    "drop_pattern",
    "mapping_data",
    "mapping_yaml",
    "new_indicator_slug",
    "region_data",
    "source_spec",
]

ColumnName = Annotated[str, Field(min_length=1, max_length=300)]
ShortText = Annotated[str, Field(max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionChoice(_Strict):
    """Step 2: the region columns and how they name regions."""

    level: RegionLevel
    code_column: ColumnName | None = None
    code_system: Literal["kemendagri", "bps"] | None = Field(
        default=None, description="kemendagri (dotted 12.34.56.7890 or undotted 1234567890) or bps."
    )
    name_column: ColumnName | None = None
    parent_column: ColumnName | None = Field(
        default=None, description="The parent's name (the kecamatan of a desa)."
    )

    @model_validator(mode="after")
    def _code_needs_its_system(self) -> RegionChoice:
        if self.code_column is None and self.name_column is None:
            raise ValueError("pilih kolom kode atau kolom nama wilayah / choose a code or a name column")
        if self.code_column is not None and self.code_system is None:
            raise ValueError("pilih sistem kode / choose the code system (kemendagri or bps)")
        return self


class PeriodChoice(_Strict):
    """Step 3: a year column, or one year for the whole table."""

    year_column: ColumnName | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)

    @model_validator(mode="after")
    def _one(self) -> PeriodChoice:
        if (self.year_column is None) == (self.year is None):
            raise ValueError("pilih kolom tahun atau satu tahun / choose a year column or one year")
        return self


class MeasureChoice(_Strict):
    """Step 4: one value column, its indicator (declared, or a new one to declare) and unit."""

    column: ColumnName
    indicator: Slug | None = Field(default=None, description="Slug of a declared indicator.")
    new_label: ShortText | None = Field(
        default=None,
        description="Label of a new indicator (Indonesian); the Walidata declares it before approving.",
    )
    unit: Slug | None = Field(default=None, description="Unit slug (jiwa, persen, km2, ...).")

    @model_validator(mode="after")
    def _one(self) -> MeasureChoice:
        if (self.indicator is None) == (not (self.new_label or "").strip()):
            raise ValueError(
                f"kolom {self.column!r}: pilih indikator yang ada atau beri label indikator baru / "
                "choose a declared indicator or give a new indicator's label"
            )
        if self.new_label and self.unit is None:
            raise ValueError(
                f"kolom {self.column!r}: indikator baru perlu satuan / a new indicator needs a unit"
            )
        return self

    @property
    def slug(self) -> str:
        return self.indicator or new_indicator_slug(self.new_label or "")


class DropChoice(_Strict):
    """Step 5: rows that are not data, by the start of a cell's text or a blank cell."""

    column: ColumnName
    starts_with: ShortText | None = Field(
        default=None, description='e.g. "JUMLAH", "Sumber"; case is ignored.'
    )
    blank: bool = False
    reason: ShortText = "baris bukan data / not a data row"

    @model_validator(mode="after")
    def _one(self) -> DropChoice:
        if (not (self.starts_with or "").strip()) == (not self.blank):
            raise ValueError("beri awal teks atau pilih 'kosong' / give a starting text or choose 'blank'")
        return self


class DatasetChoice(_Strict):
    """Step 6: what the dataset is called and who may read it."""

    id: Slug = Field(max_length=80)
    title_id: Annotated[str, Field(min_length=3, max_length=300)]
    title_en: ShortText = ""
    description_id: ShortText = ""
    frequency: Frequency = "annual"
    access: AccessLevel = "terbuka"


class MappingChoices(_Strict):
    """Every answer of the assistant; later steps stay None until they are answered."""

    format: Literal["csv", "xlsx"]
    sheet: ShortText | None = None
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] = ","
    encoding: Literal["utf-8-sig", "cp1252", "latin-1"] = "utf-8-sig"
    header_row: int = Field(default=1, ge=1, le=1000)
    decimal: DecimalStyle = "auto"
    region: RegionChoice | None = None
    period: PeriodChoice | None = None
    measures: list[MeasureChoice] = Field(default_factory=list, max_length=200)
    drops: list[DropChoice] = Field(default_factory=list, max_length=20)
    dataset: DatasetChoice | None = None

    def columns_used(self) -> set[str]:
        """Columns the region and period already read (not offered as indicator columns)."""
        used: set[str] = set()
        if self.region is not None:
            used |= {
                c for c in (self.region.code_column, self.region.name_column, self.region.parent_column) if c
            }
        if self.period is not None and self.period.year_column:
            used.add(self.period.year_column)
        return {normalise_header(c) for c in used}


def drop_pattern(starts_with: str) -> str:
    """The ``drop_rows.matches`` expression of "rows whose cell starts with this text"."""
    return r"^\s*" + re.escape(starts_with.strip())


def new_indicator_slug(label: str) -> str:
    """The slug a new indicator's label gives ("Jumlah Petani (orang)" -> jumlah-petani-orang)."""
    return "-".join(re.findall(r"[a-z0-9]+", label.casefold()))[:80] or "indikator"


def source_spec(choices: MappingChoices, path: str) -> SourceSpec:
    """The ``source`` of the mapping so far (steps 1, 4 and 5), for the table reader."""
    return SourceSpec.model_validate(_source_data(choices, path))


def _source_data(choices: MappingChoices, path: str) -> dict[str, Any]:
    data: dict[str, Any] = {"path": path, "format": choices.format}
    if choices.format == "xlsx":
        if choices.sheet:
            data["sheet"] = choices.sheet
    else:
        data["encoding"] = choices.encoding
        data["delimiter"] = choices.delimiter
    data["header_rows"] = [choices.header_row]
    data["decimal"] = choices.decimal
    if choices.drops:
        data["drop_rows"] = [
            {"column": d.column, "blank": True, "reason": d.reason}
            if d.blank
            else {"column": d.column, "matches": drop_pattern(d.starts_with or ""), "reason": d.reason}
            for d in choices.drops
        ]
    return data


def region_data(region: RegionChoice) -> dict[str, Any]:
    """The ``region`` of the mapping (``RegionSpec``'s shape)."""
    data: dict[str, Any] = {"level": region.level}
    if region.code_column:
        data["code"] = {"column": region.code_column, "system": region.code_system}
    if region.name_column:
        data["name"] = {"column": region.name_column}
    if region.parent_column:
        data["parent"] = {"column": region.parent_column}
    return data


def mapping_data(choices: MappingChoices, agency: str, path: str) -> dict[str, Any]:
    """The body of the mapping file; ``agency`` is the proposer's agency slug.

    Raises:
        ValueError: a step is not answered yet (region, period, indicators or dataset).
    """
    missing = [
        name
        for name, value in (
            ("wilayah / region", choices.region),
            ("periode / period", choices.period),
            ("indikator / indicators", choices.measures),
            ("dataset", choices.dataset),
        )
        if not value
    ]
    if missing:
        raise ValueError(f"langkah belum diisi / steps not answered yet: {', '.join(missing)}")
    assert choices.region and choices.period and choices.dataset
    meta = choices.dataset
    period = (
        {"year": {"column": choices.period.year_column}}
        if choices.period.year_column
        else {"year": {"value": choices.period.year}}
    )
    description = meta.description_id.strip() or meta.title_id
    return {
        "dataset": {
            "id": meta.id,
            "title": {"id": meta.title_id, "en": meta.title_en.strip() or meta.title_id},
            "description": {"id": description, "en": description},
            "agency": agency,
            "frequency": meta.frequency,
            "access": meta.access,
        },
        "source": _source_data(choices, path),
        "region": region_data(choices.region),
        "period": period,
        "measures": [
            {"column": m.column, "indicator": m.slug, **({"unit": m.unit} if m.unit else {})}
            for m in choices.measures
        ],
    }


def mapping_yaml(data: dict[str, Any], comment: str) -> str:
    """The mapping file's text: a comment (who proposed it, when), then the body."""
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
