"""What the pipeline writes into the audit chain for a load, a validation and a publication.

Payloads carry identifiers, checksums and counts, never figures or cell values: a
restricted dataset's values stay out of the log, and a finding is represented only by
its share of the report hash. Graph hashes are added by ``Platform.audit``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from graph.check.findings import Finding
from graph.provenance.chain_entries import canonical_json
from graph.provenance.records import LoadRecord, PublicationRecord

__all__ = ["findings_sha256", "load_payload", "publication_payload", "validation_payload"]


def load_payload(record: LoadRecord, **extra: Any) -> dict[str, Any]:
    """A load as the chain records it: what was read, with which mapping, into which graph."""
    return {
        "load_id": record.load_id,
        "dataset": record.dataset,
        "agency": record.agency,
        "outcome": record.outcome,
        "started": record.started.isoformat(),
        "source": {
            "name": record.file_name,
            "sha256": record.file_sha256,
            "bytes": record.file_bytes,
            "format": record.file_format,
        },
        "mapping": {"name": record.mapping_name, "sha256": record.mapping_sha256},
        "rows": {"read": record.rows_read, "rejected": record.rows_rejected, "dropped": record.rows_dropped},
        "observations": record.observations,
        "graph": record.graph,
        "message": record.message,
        **extra,
    }


def findings_sha256(findings: Iterable[Finding]) -> str:
    """SHA-256 of a validation report's findings: each finding's canonical JSON, lines sorted.

    Independent of the order validation found them in, and of the report's creation time.
    """
    lines = sorted(canonical_json(f.as_dict()) + b"\n" for f in findings)
    return hashlib.sha256(b"".join(lines)).hexdigest()


def validation_payload(
    report_iri: str, dataset: str, graph: str, findings: list[Finding], accepted: int
) -> dict[str, Any]:
    """A validation of a draft: how many findings, of which kind, and the report's hash."""
    return {
        "report": report_iri,
        "dataset": dataset,
        "graph": graph,
        "findings": len(findings),
        "violations": sum(f.blocks_publication for f in findings),
        "warnings": sum(f.severity.endswith("#Warning") for f in findings),
        "violations_accepted": accepted,
        "findings_sha256": findings_sha256(findings),
    }


def publication_payload(record: PublicationRecord, accept_reason: str | None) -> dict[str, Any]:
    """Publishing a held draft on the Walidata's decision."""
    return {
        "publication_id": record.publication_id,
        "dataset": record.dataset,
        "graph": record.graph,
        "load": record.load_iri,
        "validation_report": record.validation_report,
        "acceptances": list(record.acceptances),
        "accept_reason": accept_reason,
    }
