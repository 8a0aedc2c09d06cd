"""The audit chain's head as the public pages show it: ``/catalog.json`` and the home page.

Whoever harvests the catalogue or reads the home page can note the hash of the chain's
last entry and later ask ``/audit?head=HASH`` whether the record still holds it. The
head is read as written, not verified (``/audit`` replays the chain), and at every
request: the chain grows between publications.
"""

from __future__ import annotations

from typing import Any

from graph.provenance.chain import read_head
from graph.settings import Settings

__all__ = ["audit_head"]


def audit_head(settings: Settings, service_url: str) -> dict[str, Any] | None:
    """The chain's last entry (hash, seq, time) and where to verify it; None when auditing
    is off or nothing is recorded yet. ``service_url`` ends with '/'."""
    location = settings.audit_location
    head = read_head(location) if location is not None else None
    if head is None:
        return None
    return {"hash": head.hash, "seq": head.seq, "time": head.time, "verify": service_url + "audit"}
