"""A Produsen Data decides what an unlinked region name means: shared by the pages and the API.

The decision is written beside the alias file (``graph.link.page_decisions``), so the CLI,
the next load and every later preview link the name by it (method ``keputusan``); the
store's link-decisions graph is rewritten from both files at once and the change chained in
the audit log (kind ``link-decisions``, with who decided), as ``onecenter build`` records the
alias file. A load that links a row by the decision points at it as provenance.

Who may decide: a user who may upload the dataset the name came from (its agency's Produsen
Data, or an admin). The code must be a region of the name's level within the instance's home
region; the pages further allow only the candidates they showed. Blocking: call from a thread.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import HTTPException
from pydantic import BaseModel, Field

from api.deps import ServiceState
from api.workflow import writer
from graph.errors import ParameterError
from graph.link.names import Decisions
from graph.link.page_decisions import record_decision
from graph.provenance.records import now
from graph.publish.accounts import User
from graph.publish.reference import write_reference

__all__ = ["RegionDecision", "decide_region", "page_reason"]

# The linker's review reasons end with what to do at the command line ("catat keputusan di
# mappings/linking/aliases.yaml"); on a page the decision form sits right below the reason.
_CLI_STEP = (
    (re.compile(r"catat keputusan di \S*aliases\.yaml"), "pilih wilayah yang benar di bawah"),
    (re.compile(r"record the decision in \S*aliases\.yaml"), "pick the right region below"),
)


def page_reason(reason: str) -> str:
    """A review reason as a data officer reads it above the decision form (the CLI keeps its own).

    >>> page_reason("X: catat keputusan di mappings/linking/aliases.yaml / "
    ...     "X: record the decision in mappings/linking/aliases.yaml")
    'X: pilih wilayah yang benar di bawah / X: pick the right region below'
    """
    for pattern, step in _CLI_STEP:
        reason = pattern.sub(step, reason)
    return reason


class RegionDecision(BaseModel):
    """What a region name in a table means (``code``), or that no candidate fits (``code`` null)."""

    dataset: str = Field(max_length=100, description="Dataset whose table carries the name")
    level: Literal["provinsi", "kabupaten", "kecamatan", "desa"]
    variant: str = Field(
        min_length=1, max_length=200, description="Nama seperti tertulis / the name as written"
    )
    parent: str | None = Field(
        default=None, max_length=200, description="Nama induk seperti tertulis / the parent's name as written"
    )
    code: str | None = Field(
        default=None,
        max_length=20,
        description="Kode Kemendagri wilayah (bertitik / dotted); null: bukan salah satu / none of these",
    )


def _within(regions: Any, code: str, home: str) -> bool:
    while code:
        if code == home:
            return True
        code = regions.parents.get(code, "")
    return False


def decide_region(
    service: ServiceState, user: User, decision: RegionDecision, allowed: set[str] | None = None
) -> dict[str, Any]:
    """Record ``decision`` for ``user``; ``allowed``: the only codes the page offered.

    Raises HTTPException 403 when the user may not upload the dataset; ParameterError when
    the code is not a region of the level within the home region, or not among ``allowed``."""
    _, mapping = service.mapping_for(decision.dataset)
    agency_iri = service.vocabulary.agencies.get(mapping.dataset.agency, "")
    refusal = user.upload_refusal(decision.dataset, mapping.dataset.agency, agency_iri)
    if refusal:
        raise HTTPException(403, refusal)
    code = (decision.code or "").strip() or None
    if code is not None and allowed is not None and code not in allowed:
        raise ParameterError(
            f"kode {code} bukan salah satu kandidat nama {decision.variant!r} / code {code} is not one of "
            "the candidates shown for this name; reload the preview and pick again"
        )
    settings = service.settings
    with writer(service) as platform:
        if code is not None and (
            platform.regions.levels.get(code) != decision.level
            or not _within(platform.regions, code, settings.home_region)
        ):
            raise ParameterError(
                f"kode {code} bukan {decision.level} di wilayah instansi / code {code} is not a "
                f"{decision.level} within the home region {settings.home_region}; use a Kemendagri code "
                "such as those in the preview's candidates"
            )
        decided = record_decision(
            settings.mappings_path,
            variant=decision.variant.strip(),
            level=decision.level,
            parent=(decision.parent or "").strip() or None,
            code=code,
            decided_by=user.name,
            dataset=decision.dataset,
            at=now(),
        )
        if decided is not None:
            # The store's decisions graph, from both files as they are now.
            rules = platform.linker.rules
            platform.decisions = Decisions.of_mappings(
                settings.mappings_path, rules, set(platform.regions.names)
            )
            graph = platform.iris.decisions_graph
            write_reference(platform, [graph])
            count = len(platform.decisions.items)
            platform.audit("link-decisions", [graph], {"decisions": count}, graphs=[graph], actor=user.name)
    return {
        "ok": True,
        "dataset": decision.dataset,
        "level": decision.level,
        "variant": decision.variant,
        "parent": decision.parent,
        "code": code,
        "decided_by": user.name,
        "decision": platform.iris.decision(decided.key) if decided is not None else None,
    }
