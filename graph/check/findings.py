"""One SHACL validation result, the one type every stage uses for it.

The engine makes findings (``graph.check.engine``), the column checks make the same ones
(``graph.check.column_checks``), tracing fills in where the figure came from (file, sheet,
row, column, the cell as written), and the readers of a report kept in the graph
(coherence, resource pages) read them back, with the result's IRI, its report, the
activity that ran the check and the decisions that accepted it.

>>> f = Finding("https://w3id.org/onecenter/shapes#NilaiDalamBatas", "https://x.test/id/observasi/1",
...             SH + "MaxInclusiveConstraintComponent", SH + "Violation",
...             message_id="Persentase di atas 100", message_en="Percentage above 100",
...             agency="https://x.test/id/organisasi/dpupr")
>>> f.rule, f.severity_key, f.agency_slug, f.accepted
('NilaiDalamBatas', 'violation', 'dpupr', False)
>>> f.message.joined()
'Persentase di atas 100 / Percentage above 100'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.text import Text

__all__ = ["SEVERITIES", "SEVERITY_LABELS", "SH", "Finding", "local_name", "one_per_focus"]

SH = "http://www.w3.org/ns/shacl#"
# Severity keys (filters, CSS classes, JSON) -> sh: severities, most serious first.
SEVERITIES = {"violation": SH + "Violation", "warning": SH + "Warning", "info": SH + "Info"}
# ... and as people read them, Indonesian first.
SEVERITY_LABELS = {
    "violation": Text("Pelanggaran", "Violation"),
    "warning": Text("Peringatan", "Warning"),
    "info": Text("Info", "Info"),
}
# What validation writes (``as_dict``, the hash chain, reports): the read-back fields stay out.
_VALIDATION_FIELDS = (
    "shape", "focus", "component", "severity", "path", "value", "message_id", "message_en",
    "dataset", "agency", "file", "sheet", "row", "column", "raw", "other_dataset", "other_agency",
)  # fmt: skip


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/onecenter/shapes#IC-1-DatasetUnik")
    'IC-1-DatasetUnik'
    """
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1 :]


@dataclass(slots=True)  # a province load holds ~350,000 of them
class Finding:
    """One SHACL validation result, with where it came from once traced.

    Read back from a report in the graph, a finding also names its result, report and
    activity; a text that is missing there is ``""`` (``shape``, ``focus``, ``component``,
    ``severity``).
    """

    shape: str
    focus: str
    component: str
    severity: str  # IRI of sh:Violation / sh:Warning / sh:Info
    path: str | None = None
    value: str | None = None
    message_id: str = ""
    message_en: str = ""
    # A rule comparing figures of two datasets: the dataset of the other figure (its
    # ``?otherDataset``), and, once traced, that dataset's agency. Both agencies hear of it.
    other_dataset: str | None = None
    other_agency: str | None = None
    # Filled by trace_findings() (IRIs of the dataset and agency):
    dataset: str | None = None
    agency: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    raw: str | None = None
    # Filled when read back from a report kept in the graph:
    result: str | None = None  # IRI of the sh:ValidationResult
    report: str | None = None  # IRI of the sh:ValidationReport
    activity: str | None = None  # the load or publication whose report it is
    accepted_by: tuple[str, ...] = ()  # IRIs of the oc:ViolationAcceptance that cover it
    focus_label: str | None = None  # an observation's region · period · indicator, in Indonesian

    @property
    def blocks_publication(self) -> bool:
        return self.severity == SH + "Violation"

    @property
    def message(self) -> Text:
        """Both messages, each standing in for a missing other."""
        return Text(self.message_id, self.message_en)

    @property
    def rule(self) -> str:
        """The shape's local name (what a filter names)."""
        return local_name(self.shape)

    @property
    def severity_key(self) -> str:
        """``violation``, ``warning`` or ``info`` (a key of ``SEVERITIES``; no severity is info)."""
        return self.severity[self.severity.rfind("#") + 1 :].lower() or "info"

    @property
    def severity_label(self) -> Text:
        """The severity as people read it: ``Pelanggaran`` / ``Violation``, ``Peringatan``, ``Info``."""
        return SEVERITY_LABELS.get(self.severity_key, SEVERITY_LABELS["info"])

    @property
    def agency_slug(self) -> str | None:
        """The last segment of the agency's IRI (``dinkes``)."""
        return local_name(self.agency) if self.agency else None

    @property
    def dataset_id(self) -> str | None:
        """The last segment of the dataset's IRI (``dinkes-stunting-desa``)."""
        return local_name(self.dataset) if self.dataset else None

    @property
    def other_agency_slug(self) -> str | None:
        """The last segment of the other dataset's agency IRI, for a cross-dataset rule."""
        return local_name(self.other_agency) if self.other_agency else None

    @property
    def other_dataset_id(self) -> str | None:
        """The last segment of the other dataset's IRI, for a cross-dataset rule."""
        return local_name(self.other_dataset) if self.other_dataset else None

    def involves(self, agency_slug: str) -> bool:
        """Whether the agency's data is in it: the figure's own, or the other one compared."""
        return agency_slug in (self.agency_slug, self.other_agency_slug)

    @property
    def accepted(self) -> bool:
        """Whether a Walidata decision let it through."""
        return bool(self.accepted_by)

    def key(self) -> tuple[str, str, str | None, str, str]:
        """What pySHACL agreement is judged on."""
        return (self.focus, self.component, self.path, self.severity, self.shape)

    def as_dict(self) -> dict[str, Any]:
        """What validation found and traced (the read-back fields are not part of it)."""
        out = {name: getattr(self, name) for name in _VALIDATION_FIELDS}
        out["severity"] = self.severity.rsplit("#", 1)[-1]
        out["component"] = self.component.rsplit("#", 1)[-1]
        return out


def one_per_focus(findings: list[Finding]) -> list[Finding]:
    """One finding per (focus, path, value), the same one whichever order they came in.

    A rule's query may give one observation several solutions (a part above two wholes, from
    two agencies): the engine reports the observation once, with the first message in the
    order of (message, other dataset), so the store and the columns agree on which.
    """
    chosen: dict[tuple[str, str | None, str | None], Finding] = {}
    for f in findings:
        key = (f.focus, f.path, f.value)
        held = chosen.get(key)
        if held is None or _order(f) < _order(held):
            chosen[key] = f
    return list(chosen.values())


def _order(f: Finding) -> tuple[str, str, str]:
    return (f.message_id, f.message_en, f.other_dataset or "")
