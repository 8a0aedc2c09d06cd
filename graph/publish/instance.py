"""One One Center instance: what every stage of a load needs, read once.

The settings, the store, the vocabulary, the region linker with the Walidata's link
decisions, the personal-data guard, the standing acceptances of violations, the SHACL
shapes and the audit chain. Opened for writing, it first chains any publication a crash
kept out of the audit chain (``graph.publish.chain_recovery``). ``Platform``
(``graph.publish.platform``) is an ``Instance`` with the pipeline's verbs; the stages
(``stage``, ``judge``, ``settle``) take the instance and read what they need from it, so
none of them imports the facade.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.check.acceptances import Acceptances
from graph.check.shapes import Shapes
from graph.link.regions import RegionLinker
from graph.provenance.chain import AuditChain
from graph.provenance.chain_entries import Entry
from graph.provenance.graph_hash import graph_hash
from graph.publish.chain_recovery import record_unrecorded_publications
from graph.rdf.iris import Iris
from graph.read.personal_data import PersonalDataGuard
from graph.reference.vocabulary import Vocabulary
from graph.settings import Settings
from graph.store.connect import connect_store
from graph.store.interface import Store

__all__ = ["Instance"]


class Instance:
    """One instance: its settings, its store and the reference data every load uses."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.store = store if store is not None else connect_store(settings)
        self.vocabulary = Vocabulary.load(settings.ontology_path, self.iris)
        self.linker = RegionLinker.from_folders(
            settings.ontology_path, settings.mappings_path, settings.home_region
        )
        self.regions = self.linker.index
        self.decisions = self.linker.decisions
        self.personal_data = PersonalDataGuard.from_regions(self.regions)
        self.acceptances = Acceptances.load(
            settings.mappings_path / "publication" / "accepted_violations.yaml"
        )
        self._shapes: Shapes | None = None
        location = settings.audit_location
        self.audit_chain = AuditChain(location) if location is not None else None
        # Publications a crash cut off between the pointer move and the chain entry, chained now.
        self.recovered: list[Entry] = []
        if self.audit_chain is not None and not getattr(self.store, "read_only", False):
            # Only the writer: a reader could meet another process's publication half-way.
            try:
                self.recovered = record_unrecorded_publications(
                    self.store, self.iris, self.audit_chain, self.person()
                )
            except BaseException:
                if store is None:  # opened here: not left locked behind the error
                    self.store.close()
                raise

    @property
    def shapes(self) -> Shapes:
        """The SHACL shapes of shapes/, compiled once per platform."""
        if self._shapes is None:
            self._shapes = Shapes.load(self.settings.shapes_path)
        return self._shapes

    def close(self) -> None:
        self.store.close()

    def audit(
        self,
        kind: str,
        subjects: Sequence[str],
        payload: dict[str, Any],
        graphs: Sequence[str] = (),
        actor: str | None = None,
    ) -> Entry | None:
        """Append one entry to the audit chain (docs/audit.md); None when auditing is off.

        Call it after the change it records is committed. ``graphs``: named graphs of the
        store whose RDFC-1.0 hashes go into the payload under ``"graphs"`` (hashing reads
        the whole graph back: per million quads ~3.5 s in memory, ~45 s on disk). ``kind`` is one of
        ``graph.provenance.chain_entries.KINDS`` or another lower-case word; the actor is ``actor`` (an
        API user), else the ``agent`` setting or the operating-system user.

        Raises:
            AuditChainError: the log's last entry is unreadable; nothing was appended.
        """
        if self.audit_chain is None:
            return None
        body = dict(payload)
        if graphs:
            workdir = self.audit_chain.path.parent
            body["graphs"] = {g: self._graph_digest(g, workdir) for g in graphs}
        return self.audit_chain.append(kind, actor=self.person(actor), subjects=list(subjects), payload=body)

    def _graph_digest(self, graph: str, workdir: Path) -> dict[str, str | int | None]:
        """A graph's RDFC-1.0 hash for the chain, or its size alone past the setting's limit."""
        limit = self.settings.audit_graph_hash_max_quads
        if limit:
            quads = self.store.count(graph)
            if quads > limit:
                skipped = f"over audit_graph_hash_max_quads ({limit})"
                return {"quads": quads, "sha256": None, "skipped": skipped}
        return dict(graph_hash(self.store, graph, workdir=workdir).as_dict())

    def person(self, name: str | None = None) -> str:
        """Who acts: ``name`` (an API user), else the ``agent`` setting or the operating-system user."""
        return name or self.settings.agent or getpass.getuser()

    def add_provenance(self, ntriples: str, graph: str | None = None) -> None:
        """Add N-Triples to the provenance graph (or ``graph``: a restricted dataset's own,
        ``graph.store.versions.provenance_graph_of``), in one transaction."""
        target = graph or self.iris.provenance_graph
        self.store.update(f"INSERT DATA {{ GRAPH <{target}> {{\n{ntriples}}} }}")

    def display(self, path: Path) -> str:
        """A file's name as recorded: relative to the project folder, else its name alone."""
        try:
            return str(path.resolve().relative_to(self.settings.project_dir.resolve()))
        except ValueError:
            return path.name
