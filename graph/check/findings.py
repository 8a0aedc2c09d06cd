"""One SHACL validation result, the one type every stage uses for it.

The engine makes findings (``graph.check.engine``), the column checks make the same ones
(``graph.check.column_checks``), tracing fills in where the figure came from (file, sheet,
row, column, the cell as written), and the readers of a report kept in the graph
(coherence, resource pages) read them back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rdflib.namespace import SH

__all__ = ["Finding"]

_SH = str(SH)


@dataclass(slots=True)  # a province load holds ~350,000 of them
class Finding:
    """One SHACL validation result, with where it came from once traced."""

    shape: str
    focus: str
    component: str
    severity: str  # IRI of sh:Violation / sh:Warning / sh:Info
    path: str | None = None
    value: str | None = None
    message_id: str = ""
    message_en: str = ""
    # Filled by trace_findings():
    dataset: str | None = None
    agency: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    raw: str | None = None

    @property
    def blocks_publication(self) -> bool:
        return self.severity == _SH + "Violation"

    def key(self) -> tuple[str, str, str | None, str, str]:
        """What pySHACL agreement is judged on."""
        return (self.focus, self.component, self.path, self.severity, self.shape)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["severity"] = self.severity.rsplit("#", 1)[-1]
        out["component"] = self.component.rsplit("#", 1)[-1]
        return out
