"""Domain errors of One Center, all of them, in one tree.

Every error the library raises on purpose is a ``OneCenterError``. The CLI turns
them into a message and a non-zero exit code; the API maps each branch to one HTTP
status in ``api/errors.py`` (no router maps an error by hand). Anything else is a
bug and is reported as such.

    OneCenterError
    ├── SettingsError        a setting or onecenter.toml is wrong
    ├── MappingError         a mapping YAML file is wrong (file, line)
    │   └── QuestionFileError   a question's .rq or .yaml file is wrong (file, line)
    ├── SourceError          an agency table cannot be read (file, row, column, value)
    ├── ReferenceDataError   the shipped reference code lists are missing or broken
    ├── LoadRejected         a load was refused; the published data is unchanged
    │   └── StillViolates       a held draft still breaks a rule nobody accepted (409)
    ├── UploadRejected       an uploaded file is refused before it is read
    ├── NotFound             what was asked for does not exist (404)
    │   ├── UnknownDataset      no published dataset has that id
    │   ├── UnknownQuestion     no named question has that id
    │   └── UnknownResource     nothing public with provenance has that IRI
    ├── ParameterError       a value a person gave is refused; ``problems`` says why (400)
    ├── AccountError         a user cannot be made, found or changed as asked
    ├── AuditChainError      the audit log cannot be read or appended to
    ├── StoreError           the triple store failed or was used wrongly
    └── QueryError           a SPARQL query is invalid or was stopped
        └── QueryTimeout     the query ran past its time limit

Messages are written for agency staff: Indonesian first, then English, and they
say where the problem is and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "AccountError",
    "AuditChainError",
    "CellProblem",
    "LoadRejected",
    "MappingError",
    "NotFound",
    "OneCenterError",
    "ParameterError",
    "QueryError",
    "QueryTimeout",
    "QuestionFileError",
    "ReferenceDataError",
    "RestrictedDataset",
    "SettingsError",
    "SourceError",
    "StillViolates",
    "StoreError",
    "UnknownDataset",
    "UnknownQuestion",
    "UnknownResource",
    "UploadRejected",
]


class OneCenterError(Exception):
    """Base of every error One Center raises on purpose."""


class SettingsError(OneCenterError):
    """A setting has a wrong value or onecenter.toml cannot be read."""


class MappingError(OneCenterError):
    """A mapping file is invalid; the message names the file and line."""

    def __init__(self, message: str, *, file: Path | str, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        where = f"{self.file}:{line}" if line else self.file
        super().__init__(f"{where}: {message}")


class QuestionFileError(MappingError):
    """A question's .rq or .yaml file is wrong; the message names the file and line."""


class SourceError(OneCenterError):
    """An agency table cannot be read at all (not a row problem: the whole file)."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.value = value
        parts = [self.file]
        if row is not None:
            parts.append(f"baris/row {row}")
        if column is not None:
            parts.append(f"kolom/column {column!r}")
        if value is not None:
            parts.append(f"nilai/value {value!r}")
        super().__init__(", ".join(parts) + f": {message}")


class ReferenceDataError(OneCenterError):
    """The shipped reference code lists are missing or inconsistent."""


@dataclass(frozen=True)
class CellProblem:
    """One rejected cell or row, pointing at the source so the agency can fix it."""

    file: str
    sheet: str | None
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class LoadRejected(OneCenterError):
    """A load was refused before publication; the previous version stays published."""

    def __init__(
        self, message: str, problems: list[CellProblem] | None = None, report: object = None
    ) -> None:
        self.problems = problems or []
        self.report = report  # the pipeline's LoadReport: what was read, linked and refused
        super().__init__(message)


class StillViolates(LoadRejected):
    """A held draft was asked to be published but still breaks a rule nobody accepted.

    Not a wrong request: the draft and the published graph conflict until the table is
    fixed or the Walidata accepts the violation with a reason.
    """


class UploadRejected(OneCenterError):
    """An uploaded file is refused before it is read; the message says why and what to do.

    ``status`` is the HTTP status that fits (413 too large, 415 not a table, 422 otherwise).
    """

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class NotFound(OneCenterError):
    """What was asked for does not exist: a dataset without a mapping or a held draft, ..."""


class UnknownDataset(NotFound):
    """No published dataset has the requested id."""


class UnknownQuestion(NotFound):
    """No question in the catalogue has the requested id."""


class UnknownResource(NotFound):
    """The IRI or dataset names nothing public that has provenance."""


class RestrictedDataset(OneCenterError):
    """A restricted (terbatas) dataset's data or history was asked for by a reader who may
    not read it: its metadata is public (the catalogue), the rest is not."""

    @classmethod
    def of(cls, dataset: str) -> RestrictedDataset:
        """The error for ``dataset`` (its id), saying what is public and whom to ask."""
        return cls(
            f"dataset {dataset!r} terbatas: hanya metadatanya yang publik (lihat /catalog/{dataset}); "
            "data dan riwayat pemuatannya dapat diminta kepada instansinya, atau dibaca dengan token "
            f"yang berwenang / dataset {dataset!r} is restricted: only its metadata is public (see "
            f"/catalog/{dataset}); ask its agency for its data and load history, or send a token that "
            "may read them"
        )


class ParameterError(OneCenterError):
    """Values a person gave (parameters, filters) were refused.

    ``problems`` names each parameter, its value and what is allowed, as
    ``{"parameter": ..., "value": ..., "message": ..., ...}``; a message alone will do.
    """

    def __init__(self, problems: list[dict[str, Any]] | str) -> None:
        self.problems = [{"message": problems}] if isinstance(problems, str) else problems
        more = f" (+{len(self.problems) - 1} lagi / more)" if len(self.problems) > 1 else ""
        super().__init__(self.problems[0]["message"] + more)


class AccountError(OneCenterError):
    """A user cannot be made, found or changed as asked."""


class AuditChainError(OneCenterError):
    """The audit log cannot be appended to (its last entry is unreadable) or read."""


class StoreError(OneCenterError):
    """The triple store failed, or was asked for something it cannot do."""


class QueryError(OneCenterError):
    """A SPARQL query is invalid or could not be run."""


class QueryTimeout(QueryError):
    """A SPARQL query ran past its time limit and was stopped."""
