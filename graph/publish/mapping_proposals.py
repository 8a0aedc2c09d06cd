"""Mappings proposed by the mapping assistant, kept apart until the Walidata approves them.

A proposal is a folder ``<mapping_proposals_dir>/<dataset>/`` holding the mapping file
(``<dataset>.yaml``), the sample table it was built on (``contoh/<dataset>.<csv|xlsx>``, the
mapping's ``source.path``) and ``usulan.json`` (who proposed it, when, for which agency, the
new indicators it needs, and the decision). Nothing reads that folder but this module: uploads
and ``onecenter load`` only find mappings in ``mappings_dir``.

Approving copies the sample to ``mappings_dir/contoh/`` and the mapping to
``mappings_dir/<dataset>.yaml`` (refusing when a mapping of that dataset, or either file,
already exists), reads it back with ``load_mapping``, and appends a ``mapping-approval`` entry
to the audit chain (dataset, the mapping's SHA-256, who proposed and who approved, when).
Rejecting keeps the proposal's record with the reason, deletes the sample (it may hold what the
agency should not have sent) and appends ``mapping-rejection``. The audit chain rather than a
provenance graph: the decision is about a file, before any figure of it exists in the store,
and the chain needs no store open for writing (a load may hold it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import MappingError, NotFound, UploadRejected
from graph.provenance.chain import AuditChain
from graph.read.mapping_builder import MappingChoices, mapping_data, mapping_yaml
from graph.read.mappings import Mapping, discover_mappings, load_mapping
from graph.reference.vocabulary import Vocabulary

__all__ = [
    "APPROVAL",
    "REJECTION",
    "Proposal",
    "approve_proposal",
    "find_proposal",
    "list_proposals",
    "propose_mapping",
    "reject_proposal",
]

APPROVAL = "mapping-approval"
REJECTION = "mapping-rejection"
RECORD = "usulan.json"
SAMPLES = "contoh"
_PRIVATE_FOLDER = 0o700


@dataclass
class Proposal:
    dataset: str
    agency: str
    proposed_by: str
    proposed_at: str
    status: str = "menunggu"  # menunggu (waiting) | disetujui (approved) | ditolak (rejected)
    sample_name: str = ""  # the sample's file name under contoh/
    new_indicators: list[dict[str, str]] = field(default_factory=list)  # slug, label, unit
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    choices: dict[str, Any] = field(default_factory=dict)
    folder: Path = Path(".")

    @property
    def mapping_file(self) -> Path:
        return self.folder / f"{self.dataset}.yaml"

    @property
    def sample(self) -> Path:
        return self.folder / SAMPLES / self.sample_name

    def yaml_text(self) -> str:
        return self.mapping_file.read_text(encoding="utf-8")

    def as_dict(self) -> dict[str, Any]:
        """What the API answers (no server path)."""
        data = asdict(self)
        data.pop("folder")
        return data


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _existing_ids(mappings: Path) -> set[str]:
    found = set()
    for path in discover_mappings(mappings):
        try:
            found.add(load_mapping(path).dataset.id)
        except MappingError:
            found.add(path.stem)  # a broken file still claims its name
    return found


def _checked(path: Path) -> Mapping:
    """``load_mapping`` of ``path``, its errors naming the file alone (never a server path)."""
    try:
        return load_mapping(path)
    except MappingError as exc:
        message = str(exc).split(": ", 1)[1] if ": " in str(exc) else str(exc)
        raise MappingError(message, file=path.name, line=exc.line) from None


def propose_mapping(
    folder: Path,
    mappings: Path,
    choices: MappingChoices,
    *,
    agency: str,
    sample: Path,
    proposed_by: str,
    vocab: Vocabulary,
) -> Proposal:
    """Write a proposal from the assistant's choices; the mapping is checked by the CLI's loader.

    Raises:
        ValueError: a step is not answered yet.
        MappingError: the mapping does not fit the schema (file name and line).
        UploadRejected (409): a mapping or another proposal of this dataset already exists.
    """
    data = mapping_data(choices, agency, f"{SAMPLES}/{choices.dataset.id if choices.dataset else ''}")
    dataset = data["dataset"]["id"]
    suffix = "." + choices.format
    data["source"]["path"] = f"{SAMPLES}/{dataset}{suffix}"
    if dataset in _existing_ids(mappings):
        raise UploadRejected(
            f"dataset {dataset!r} sudah punya pemetaan / already has a mapping; choose another id, or "
            "upload a new version of that dataset instead",
            status=409,
        )
    target = folder / dataset
    if (target / RECORD).exists() and find_proposal(folder, dataset).status == "menunggu":
        raise UploadRejected(
            f"usulan untuk {dataset!r} sudah menunggu Walidata / a proposal for this dataset is already "
            "waiting for the Walidata; choose another id or ask the Walidata to decide it first",
            status=409,
        )
    new = [
        {"slug": m.slug, "label": m.new_label or "", "unit": m.unit or "", "column": m.column}
        for m in choices.measures
        if m.indicator is None
    ]
    stamp = _now()
    comment = (
        f"Diusulkan lewat asisten pemetaan / proposed with the mapping assistant\n"
        f"oleh / by {proposed_by} ({agency}), {stamp}"
    )
    folder.mkdir(parents=True, exist_ok=True, mode=_PRIVATE_FOLDER)
    work = folder / f".baru-{secrets.token_hex(6)}"
    (work / SAMPLES).mkdir(parents=True, mode=_PRIVATE_FOLDER)
    try:
        shutil.copyfile(sample, work / SAMPLES / f"{dataset}{suffix}")
        (work / f"{dataset}.yaml").write_text(mapping_yaml(data, comment), encoding="utf-8")
        _checked(work / f"{dataset}.yaml")  # the schema the CLI applies
        record = Proposal(
            dataset=dataset,
            agency=agency,
            proposed_by=proposed_by,
            proposed_at=stamp,
            sample_name=f"{dataset}{suffix}",
            new_indicators=[n for n in new if n["slug"] not in vocab.indicators],
            choices=choices.model_dump(mode="json"),
            folder=target,
        )
        _write_record(work, record)
        if target.exists():  # a rejected proposal of the same id: replaced by the new one
            shutil.rmtree(target)
        os.replace(work, target)
    finally:
        if work.exists():
            shutil.rmtree(work)
    return find_proposal(folder, dataset)


def _write_record(where: Path, proposal: Proposal) -> None:
    (where / RECORD).write_text(
        json.dumps(proposal.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
    )


def find_proposal(folder: Path, dataset: str) -> Proposal:
    """The proposal of ``dataset``. Raises NotFound."""
    path = folder / dataset / RECORD
    if dataset.startswith(".") or "/" in dataset or not path.is_file():
        raise NotFound(f"tidak ada usulan pemetaan {dataset!r} / no mapping proposal {dataset!r}")
    data = json.loads(path.read_text(encoding="utf-8"))
    return Proposal(**data, folder=folder / dataset)


def list_proposals(folder: Path) -> list[Proposal]:
    """Every proposal, waiting ones first, newest first within each."""
    if not folder.is_dir():
        return []
    found = [find_proposal(folder, p.name) for p in folder.iterdir() if (p / RECORD).is_file()]
    found.sort(key=lambda p: p.proposed_at, reverse=True)
    return sorted(found, key=lambda p: p.status != "menunggu")


def approve_proposal(
    folder: Path,
    mappings: Path,
    dataset: str,
    *,
    decided_by: str,
    vocab: Vocabulary,
    chain: AuditChain | None,
) -> Path:
    """Move a waiting proposal into ``mappings``; returns the mapping's new path.

    Raises:
        NotFound: no such proposal. UploadRejected (409): it is decided already, a mapping of
        the dataset (or its files) exists, or a new indicator is not declared yet (422).
    """
    proposal = find_proposal(folder, dataset)
    if proposal.status != "menunggu":
        raise UploadRejected(f"usulan {dataset!r} sudah diputuskan / already decided", status=409)
    undeclared = [n for n in proposal.new_indicators if n["slug"] not in vocab.indicators]
    if undeclared:
        names = ", ".join(f"{n['slug']} ({n['label']}, {n['unit']})" for n in undeclared)
        raise UploadRejected(
            f"indikator baru belum dinyatakan / new indicators not declared yet: {names}. Tambahkan di "
            "ontology/ (docs/indicators.md), mulai ulang layanan, lalu setujui / add them to ontology/, "
            "restart the service, then approve"
        )
    target = mappings / f"{dataset}.yaml"
    sample_target = mappings / SAMPLES / proposal.sample_name
    if dataset in _existing_ids(mappings) or target.exists() or sample_target.exists():
        raise UploadRejected(
            f"pemetaan {dataset!r} sudah ada di folder pemetaan / a mapping of this dataset already "
            "exists; it is never overwritten: reject this proposal or remove the other mapping first",
            status=409,
        )
    sample_target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(proposal.sample, sample_target)
    raw = proposal.mapping_file.read_bytes()
    try:
        with target.open("xb") as f:  # x: never over a file that appeared meanwhile
            f.write(raw)
        _checked(target)
    except Exception:
        target.unlink(missing_ok=True)
        sample_target.unlink(missing_ok=True)
        raise
    stamp = _now()
    if chain is not None:
        chain.append(
            APPROVAL,
            actor=decided_by,
            payload={
                "dataset": dataset,
                "agency": proposal.agency,
                "mapping": target.name,
                "mapping_sha256": hashlib.sha256(raw).hexdigest(),
                "proposed_by": proposal.proposed_by,
                "proposed_at": proposal.proposed_at,
                "decided_at": stamp,
            },
        )
    proposal.status, proposal.decided_by, proposal.decided_at = "disetujui", decided_by, stamp
    _write_record(proposal.folder, proposal)
    proposal.sample.unlink(missing_ok=True)  # its copy now lives beside the mapping
    return target


def reject_proposal(
    folder: Path, dataset: str, *, decided_by: str, reason: str, chain: AuditChain | None
) -> Proposal:
    """Reject a waiting proposal with a reason; its sample is deleted, its record kept.

    Raises:
        NotFound; UploadRejected (409): decided already; (422) no reason given.
    """
    if not reason.strip():
        raise UploadRejected("alasan wajib untuk menolak / a reason is required to reject")
    proposal = find_proposal(folder, dataset)
    if proposal.status != "menunggu":
        raise UploadRejected(f"usulan {dataset!r} sudah diputuskan / already decided", status=409)
    stamp = _now()
    if chain is not None:
        chain.append(
            REJECTION,
            actor=decided_by,
            payload={
                "dataset": dataset,
                "agency": proposal.agency,
                "proposed_by": proposal.proposed_by,
                "reason": reason.strip(),
                "decided_at": stamp,
            },
        )
    proposal.sample.unlink(missing_ok=True)
    proposal.status, proposal.decided_by, proposal.decided_at = "ditolak", decided_by, stamp
    proposal.reason = reason.strip()
    _write_record(proposal.folder, proposal)
    return proposal
