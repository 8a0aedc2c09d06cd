"""The Walidata's recorded decisions, read back from the provenance graph as ``Acceptance``.

A decision to publish despite named violations is made as an ``Acceptance``
(``graph.check.acceptances``) and recorded as an ``oc:ViolationAcceptance``. The coherence
report and a resource page show the recorded ones; this module turns the provenance
reader's records (``graph.provenance.reports.acceptances_of``) back into the one type, so
both show the same decision the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from graph.check.acceptances import Acceptance
from graph.provenance.reports import acceptances_of
from graph.store.public import PublicGraphs

__all__ = ["acceptance_of", "recorded_acceptances"]


def acceptance_of(record: dict[str, Any]) -> Acceptance | None:
    """One record of ``acceptances_of`` as an ``Acceptance``; None without a valid date.

    Every decision One Center records has a date (``dcterms:date``); a record without one
    was not written by it and is not shown as a decision.

    >>> acceptance_of({"iri": "https://x.test/id/penerimaan-pelanggaran/1", "reason": "C3",
    ...     "decided_by": "Walidata", "decided_on": "2024-05-02", "source": "cli",
    ...     "shapes": ["https://w3id.org/onecenter/shapes#R"], "rows": []}).decided_on
    datetime.date(2024, 5, 2)
    """
    try:
        decided_on = dt.date.fromisoformat(record.get("decided_on") or "")
    except ValueError:
        return None
    return Acceptance(
        dataset="",  # the reader does not say
        shapes=tuple(record.get("shapes") or ()),
        reason=record.get("reason") or "",
        decided_by=record.get("decided_by") or "",
        decided_on=decided_on,
        rows=tuple(record["rows"]) if record.get("rows") else None,
        source=record.get("source") or "",
        iri=record["iri"],
    )


def recorded_acceptances(view: PublicGraphs, iris: Iterable[str]) -> dict[str, Acceptance]:
    """The recorded acceptances among ``iris``, by IRI, in IRI order."""
    found = (acceptance_of(record) for record in acceptances_of(view, list(iris)))
    return {a.iri: a for a in found if a is not None and a.iri}
