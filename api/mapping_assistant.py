"""The mapping assistant's actions, shared by its pages and its API routes.

A sample table is staged privately: saved and checked by ``graph.read.uploads`` within
``upload_max_bytes`` under ``<uploads_dir>/.asisten/`` (mode 0600), named by a random id, owned
by the user who sent it, and deleted once untouched for ``mapping_assistant_hours``. The
choices made so far are kept with it **on the server**, bound to the browser session that
uploaded it (pages) or to the token's user (API): a hidden form field can neither name another
user's sample nor carry choices that were not validated, because every step's form is validated
again (``MappingChoices``) before it replaces the stored choices.

Staged samples live in the service process's memory, like sessions: a restart ends them, and the
files it leaves are removed by the next sweep once they are older than the lifetime. Everything
here blocks (file writes, table reads): call it from a thread.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from api.deps import ServiceState
from graph.cube.mapping_preview import FullCheck, Preview, full_check, preview
from graph.errors import MappingError, NotFound, UploadRejected
from graph.link.regions import RegionLinker
from graph.provenance.chain import AuditChain
from graph.publish.accounts import User
from graph.publish.mapping_proposals import (
    Proposal,
    approve_proposal,
    find_proposal,
    list_proposals,
    propose_mapping,
    reject_proposal,
)
from graph.read.mapping_builder import MappingChoices
from graph.read.mappings import load_mapping
from graph.read.tables import ReadBudget
from graph.read.uploads import check_upload, display_name, save_upload

__all__ = [
    "SAMPLE_FOLDER",
    "Assistant",
    "Sample",
    "approve",
    "check_proposal",
    "proposal_for",
    "proposal_preview",
    "public_message",
    "propose",
    "reject",
    "sample_preview",
    "stage_sample",
    "visible_proposals",
]

SAMPLE_FOLDER = ".asisten"  # under uploads_dir; a dataset id never starts with a dot
_SNIFF_BYTES = 64 * 1024
_PATHS = re.compile(r"(?<![\w.])(?:/[^/\s:'\"]+)+/([^/\s:'\"]+)")


@dataclass(frozen=True)
class Sample:
    """A staged sample table and the choices made on it so far."""

    id: str
    owner: str  # session id (pages) or "api:<user>" (API)
    user: str
    path: Path
    filename: str
    sheets: tuple[str, ...]
    choices: MappingChoices
    touched: float


class Assistant:
    """The staged samples of this process, and the region linker their previews use."""

    def __init__(self, folder: Path, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.ttl_s = ttl_s
        self.clock = clock
        self._lock = threading.Lock()
        self._samples: dict[str, Sample] = {}
        self._linker: RegionLinker | None = None
        self._linker_stamp: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, app_state: Any) -> Assistant:
        """The app's assistant, made on first use."""
        found = getattr(app_state, "mapping_assistant", None)
        if found is None:
            settings = app_state.service.settings
            found = cls(
                settings.resolve(settings.uploads_dir) / SAMPLE_FOLDER,
                settings.mapping_assistant_hours * 3600,
            )
            app_state.mapping_assistant = found
        assert isinstance(found, Assistant)
        return found

    def linker(self, service: ServiceState) -> RegionLinker:
        """The instance's region linker (as ``onecenter load`` builds it), built again when a
        file of ``mappings_dir/linking/`` changes (a region decision, a name rule)."""
        linking = service.settings.mappings_path / "linking"
        stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(linking.glob("*.yaml")))
        with self._lock:
            if self._linker is None or stamp != self._linker_stamp:
                self._linker_stamp = stamp
                s = service.settings
                self._linker = RegionLinker.from_folders(
                    s.ontology_path, s.mappings_path, s.home_region
                ).warm()
            return self._linker

    def add(self, sample: Sample) -> Sample:
        self.sweep()
        with self._lock:
            self._samples[sample.id] = sample
        return sample

    def find(self, sample_id: str, owner: str) -> Sample | None:
        """The sample, when ``owner`` staged it and it has not expired."""
        with self._lock:
            sample = self._samples.get(sample_id)
        if sample is None or sample.owner != owner:
            return None
        if self.clock() - sample.touched > self.ttl_s:
            self.discard(sample)
            return None
        return sample

    def latest(self, owner: str) -> Sample | None:
        """The sample ``owner`` worked on last (a browser session has one assistant open)."""
        with self._lock:
            mine = [s for s in self._samples.values() if s.owner == owner]
        latest = max(mine, key=lambda s: s.touched, default=None)
        return self.find(latest.id, owner) if latest is not None else None

    def update(self, sample: Sample, choices: MappingChoices) -> Sample:
        changed = replace(sample, choices=choices, touched=self.clock())
        with self._lock:
            self._samples[sample.id] = changed
        return changed

    def discard(self, sample: Sample) -> None:
        with self._lock:
            self._samples.pop(sample.id, None)
        sample.path.unlink(missing_ok=True)

    def sweep(self) -> None:
        """Forget expired samples and delete their files (and files a restart left behind)."""
        now = self.clock()
        with self._lock:
            old = [s for s in self._samples.values() if now - s.touched > self.ttl_s]
            for s in old:
                del self._samples[s.id]
            known = {s.path for s in self._samples.values()}
        for s in old:
            s.path.unlink(missing_ok=True)
        if self.folder.is_dir():
            for path in self.folder.rglob("*"):
                with suppress(OSError):
                    if path.is_file() and path not in known and now - path.stat().st_mtime > self.ttl_s:
                        path.unlink()


def _sniff(path: Path) -> tuple[str, str]:
    """The CSV's encoding and delimiter, as the assistant first guesses them (the user may change them)."""
    head = path.read_bytes()[:_SNIFF_BYTES]
    try:
        text, encoding = head.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the 64 KiB window
            text, encoding = head[: exc.start].decode("utf-8-sig"), "utf-8-sig"
        else:
            text, encoding = head.decode("cp1252", errors="replace"), "cp1252"
    lines = text.splitlines()[:20]
    delimiter = max((";", ",", "\t", "|"), key=lambda d: sum(line.count(d) for line in lines))
    return encoding, delimiter


def _sheets(path: Path) -> tuple[str, ...]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise UploadRejected(f"berkas Excel tidak dapat dibuka / cannot open the Excel file: {exc}") from None
    try:
        return tuple(workbook.sheetnames)
    finally:
        workbook.close()


def stage_sample(
    service: ServiceState,
    assistant: Assistant,
    user: User,
    owner: str,
    chunks: Iterable[bytes],
    filename: str | None,
) -> Sample:
    """Save and check a sample table; its first guesses (format, encoding, delimiter) as choices.

    Raises:
        UploadRejected: too large (413), not a CSV or XLSX (415), unsafe or unreadable (422).
    """
    name = display_name(filename)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("csv", "xlsx"):
        raise UploadRejected(
            "unggah berkas .csv atau .xlsx / upload a .csv or .xlsx file (an old .xls: save it as .xlsx)",
            status=415,
        )
    settings = service.settings
    limit = settings.upload_max_bytes
    path = save_upload(chunks, assistant.folder.parent, SAMPLE_FOLDER, suffix, limit)
    try:
        check_upload(path, suffix, limit)
        if suffix == "xlsx":
            sheets = _sheets(path)
            choices = MappingChoices(format="xlsx", sheet=sheets[0] if sheets else None)
        else:
            sheets = ()
            encoding, delimiter = _sniff(path)
            choices = MappingChoices.model_validate(
                {"format": "csv", "encoding": encoding, "delimiter": delimiter}
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    sample = Sample(
        secrets.token_urlsafe(16), owner, user.name, path, name, sheets, choices, assistant.clock()
    )
    return assistant.add(sample)


def public_message(exc: Exception) -> str:
    """An error's text without server paths: a file is named by its own name only."""
    return _PATHS.sub(r"\1", str(exc))


def _budget(service: ServiceState) -> ReadBudget:
    return ReadBudget.of(service.settings)


def sample_preview(service: ServiceState, assistant: Assistant, sample: Sample) -> Preview:
    """The sample as the choices so far read it (raises SourceError for a layout that fails)."""
    with service.read_slots:
        return preview(
            sample.choices, sample.path, assistant.linker(service), service.vocabulary, _budget(service)
        )


def _agency_of(user: User, choices: MappingChoices, asked: str | None) -> str:
    """The agency a proposal is for: a Produsen Data's own; the Walidata names one."""
    if user.role == "produsen":
        if asked and asked != user.agency:
            raise HTTPException(
                403, "Produsen Data hanya mengusulkan untuk instansinya / only for your own agency"
            )
        assert user.agency is not None
        return user.agency
    if not asked:
        raise HTTPException(422, "pilih instansi / choose the agency the table belongs to")
    return asked


def propose(
    service: ServiceState, assistant: Assistant, user: User, sample: Sample, agency: str | None = None
) -> tuple[Proposal, FullCheck | None]:
    """Write the sample's mapping as a proposal; the whole sample is prepared as a load would
    (when its indicators are declared) and a mapping that yields no figure is refused."""
    settings = service.settings
    agency_slug = _agency_of(user, sample.choices, agency)
    if agency_slug not in service.vocabulary.agencies:
        raise HTTPException(422, f"instansi {agency_slug!r} tidak dikenal / unknown agency")
    folder = settings.resolve(settings.mapping_proposals_dir)
    proposal = propose_mapping(
        folder,
        settings.mappings_path,
        sample.choices,
        agency=agency_slug,
        sample=sample.path,
        proposed_by=user.name,
        vocab=service.vocabulary,
    )
    try:
        check = check_proposal(service, assistant, proposal)
    except Exception:
        shutil.rmtree(proposal.folder)  # never proposed: the user corrects a step and proposes again
        raise
    if check is not None and check.observations == 0:
        shutil.rmtree(proposal.folder)
        raise UploadRejected(
            "pemetaan ini tidak menghasilkan satu angka pun dari contoh / this mapping reads no figure "
            "from the sample; check the region, period and indicator steps (see the rejected cells)"
        )
    assistant.discard(sample)
    return proposal, check


def check_proposal(service: ServiceState, assistant: Assistant, proposal: Proposal) -> FullCheck | None:
    """The whole sample prepared with the proposal's mapping, or None while it needs new indicators."""
    if proposal.new_indicators or not proposal.sample.is_file():
        return None
    mapping = load_mapping(proposal.mapping_file)
    with service.read_slots:
        try:
            return full_check(
                mapping, proposal.sample, assistant.linker(service), service.vocabulary, _budget(service)
            )
        except MappingError as exc:  # named by file alone, never its server path
            raise MappingError(
                str(exc).split(": ", 1)[-1], file=proposal.mapping_file.name, line=exc.line
            ) from None


def proposal_preview(service: ServiceState, assistant: Assistant, proposal: Proposal) -> Preview | None:
    if not proposal.sample.is_file():
        return None
    choices = MappingChoices.model_validate(proposal.choices)
    with service.read_slots:
        return preview(
            choices, proposal.sample, assistant.linker(service), service.vocabulary, _budget(service)
        )


def visible_proposals(service: ServiceState, user: User) -> list[Proposal]:
    """The proposals this user may see: the Walidata all, a Produsen Data their agency's."""
    settings = service.settings
    found = list_proposals(settings.resolve(settings.mapping_proposals_dir))
    if user.role == "produsen":
        return [p for p in found if p.agency == user.agency]
    return found


def _chain(service: ServiceState) -> AuditChain | None:
    location = service.settings.audit_location
    return AuditChain(location) if location is not None else None


def approve(service: ServiceState, user: User, dataset: str) -> dict[str, Any]:
    settings = service.settings
    folder = settings.resolve(settings.mapping_proposals_dir)
    with service.write_lock:  # one decision at a time, never beside a load reading mappings_dir
        target = approve_proposal(
            folder,
            settings.mappings_path,
            dataset,
            decided_by=user.name,
            vocab=service.vocabulary,
            chain=_chain(service),
        )
    return {"ok": True, "dataset": dataset, "mapping": target.name, "decided_by": user.name}


def reject(service: ServiceState, user: User, dataset: str, reason: str) -> dict[str, Any]:
    settings = service.settings
    folder = settings.resolve(settings.mapping_proposals_dir)
    with service.write_lock:
        proposal = reject_proposal(
            folder, dataset, decided_by=user.name, reason=reason, chain=_chain(service)
        )
    return {"ok": True, **proposal.as_dict()}


def proposal_for(service: ServiceState, user: User, dataset: str) -> Proposal:
    """A proposal the user may see (another agency's is 'not found' to a Produsen Data)."""
    settings = service.settings
    proposal = find_proposal(settings.resolve(settings.mapping_proposals_dir), dataset)
    if user.role == "produsen" and proposal.agency != user.agency:
        raise NotFound(f"tidak ada usulan pemetaan {dataset!r} / no mapping proposal {dataset!r}")
    return proposal
