"""The fingerprint of what a judgement depends on, recorded with its validation report.

What a judgement finds depends only on the draft's graph, the published versions it was
judged against (version graphs are never changed in place, ``graph.store.versions``), the
reference graphs (vocabulary, region codes, periods, link decisions), the shapes in force,
the base IRI and the current year (rules compare periods with it). The load's report keeps
their hash (``oc:inputsFingerprint``) so that the Walidata's publish of a held draft can
tell whether judging it again would find anything new (``graph.publish.judgement``). It has
two parts, ``OWN.VERSIONS``: what the draft's judgement of one observation at a time depends
on (all but the other versions), and the published versions; when only the latter changed,
only the rules across datasets need judging again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from graph.publish.instance import Instance
from graph.rdf.namespaces import OC
from graph.store.versions import fixed_graphs, restricted_provenance_graphs

__all__ = ["FINGERPRINT", "inputs_fingerprint"]

FINGERPRINT = OC + "inputsFingerprint"
# Bumped when what goes into the fingerprint, or how findings are read back, changes: a
# report fingerprinted the old way is then judged again rather than trusted.
_FORMAT = 1


def _shapes_digest(folder: Path) -> str:
    """SHA-256 over every file of shapes/ (names and contents), in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def inputs_fingerprint(instance: Instance, draft_graph: str, graphs: list[str]) -> str:
    """``OWN.VERSIONS``: SHA-256s of what a judgement of ``draft_graph`` over ``graphs``
    depends on, besides the other versions, and of those versions.

    The catalogue and provenance graphs change with every load's records, not with the
    figures judged: they are left out, and the versions they point to are in. The reference
    graphs are replaced in place (``graph.publish.reference``): their sizes stand for them.
    """
    store, iris = instance.store, instance.iris
    records = {iris.catalog_graph, iris.provenance_graph, *restricted_provenance_graphs(store, iris)}
    fixed = set(fixed_graphs(iris))
    reference = [iris.ontology_graph, iris.regions_graph, iris.periods_graph, iris.decisions_graph]
    own = {
        "format": _FORMAT,
        "base": iris.base,
        "draft": draft_graph,
        "reference": {g: store.count(g) for g in reference},
        "shapes": _shapes_digest(instance.settings.shapes_path),
        # Some rules compare a period with the current year (``YEAR(NOW())``, koherensi.ttl).
        "year": dt.date.today().year,
    }
    versions = sorted(g for g in graphs if g not in records and g not in fixed and g != draft_graph)
    return f"{_digest(own)}.{_digest(versions)}"


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
