"""Choosing and counting the coherence report's findings: filters, counts, the page's figures.

A reader narrows the report by agency, severity and rule (plain GET parameters, so a
filtered view is a shareable URL); a value the report cannot have is refused with what is
allowed. The same counts serve the JSON answer and the page: findings per agency × rule,
a summary by severity, and how many findings each filter choice would show.

    ParameterError   a filter value is not one that can be used
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.check.findings import SEVERITIES, Finding
from graph.describe.coherence import Coherence
from graph.errors import ParameterError
from graph.rdf.iris import Iris, local_path

__all__ = [
    "Filters",
    "RuleCount",
    "count_by_agency_and_rule",
    "focus_text",
    "page_figures",
    "select_findings",
    "summary",
]


@dataclass(frozen=True)
class Filters:
    """Checked filter values (None: no filter)."""

    agency: str | None = None
    severity: str | None = None
    rule: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class RuleCount:
    """How many findings one rule has on one agency's figures, and how many were accepted."""

    agency: str | None
    rule: str
    severity: str
    findings: int
    accepted: int
    rows: list[int] = field(default_factory=list)


def _problem(name: str, value: str, what: tuple[str, str], allowed: list[str]) -> dict[str, Any]:
    return {
        "parameter": name,
        "value": value,
        "message": f"parameter {name!r}: {what[0]} {value!r} tidak dikenal / unknown {what[1]} {value!r}; "
        f"allowed: {', '.join(allowed) or '(none)'}",
        "allowed": allowed,
    }


def _problems(coherence: Coherence, chosen: Filters) -> list[dict[str, Any]]:
    problems = []
    if chosen.agency is not None and chosen.agency not in coherence.agency_slugs():
        problems.append(_problem("agency", chosen.agency, ("instansi", "agency"), coherence.agency_slugs()))
    if chosen.severity is not None and chosen.severity not in SEVERITIES:
        problems.append(_problem("severity", chosen.severity, ("tingkat", "severity"), list(SEVERITIES)))
    if chosen.rule is not None and chosen.rule not in coherence.rules:
        problems.append(_problem("rule", chosen.rule, ("aturan", "rule"), list(coherence.rules)))
    return problems


def select_findings(
    coherence: Coherence,
    *,
    agency: str | None = None,
    severity: str | None = None,
    rule: str | None = None,
) -> tuple[Filters, list[Finding]]:
    """The findings that match every given filter (an empty value is no filter).

    An agency's findings are those on its figures and those of a rule that compared
    another figure with its data (``Finding.involves``): each agency involved hears of it.

    Raises:
        ParameterError: an agency, severity or rule the report cannot have.
    """
    chosen = Filters(agency or None, severity or None, rule or None)
    problems = _problems(coherence, chosen)
    if problems:
        raise ParameterError(problems)
    shown = [
        f
        for f in coherence.findings
        if (chosen.agency is None or f.involves(chosen.agency))
        and (chosen.severity is None or f.severity_key == chosen.severity)
        and (chosen.rule is None or f.rule == chosen.rule)
    ]
    return chosen, shown


def count_by_agency_and_rule(findings: list[Finding]) -> list[RuleCount]:
    """Findings per (agency, rule, severity), in the order the findings come."""
    counts: dict[tuple[str | None, str, str], list[Finding]] = {}
    for f in findings:
        counts.setdefault((f.agency_slug, f.rule, f.severity_key), []).append(f)
    return [
        RuleCount(
            agency,
            rule,
            severity,
            len(group),
            sum(f.accepted for f in group),
            sorted({f.row for f in group if f.row is not None}),
        )
        for (agency, rule, severity), group in counts.items()
    ]


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings, violations (and of them accepted), warnings and info."""
    by = Counter(f.severity_key for f in findings)
    return {
        "findings": len(findings),
        "violations": by["violation"],
        "violations_accepted": sum(f.accepted for f in findings if f.severity_key == "violation"),
        "warnings": by["warning"],
        "info": by["info"],
    }


def page_figures(coherence: Coherence, shown: list[Finding]) -> dict[str, Any]:
    """What the page shows beside the findings: counts, the decisions and their numbers."""
    noted = sorted({a for f in shown for a in f.accepted_by})
    rules = Counter(f.rule for f in coherence.findings)
    agencies = Counter(a for f in coherence.findings for a in {f.agency_slug, f.other_agency_slug} if a)
    return {
        "counts": count_by_agency_and_rule(shown),
        "summary": summary(shown),
        "notes": [coherence.acceptances[a] for a in noted if a in coherence.acceptances],
        "note_number": {a: i for i, a in enumerate(noted, start=1)},
        "severity_rank": {key: rank for rank, key in enumerate(SEVERITIES)},
        "rule_counts": {r: rules[r] for r in coherence.rules},
        "agency_counts": {a: agencies[a] for a in coherence.agency_slugs()},
    }


def focus_text(iris: Iris, iri: str, shown: list[Finding]) -> str:
    """A focus node as a person reads it in a row that already names the dataset.

    An observation's path names its dataset, region, period and indicator; the dataset is
    already in the row, so region / period / indicator are enough to recognise the figure.

    >>> iris = Iris("https://x.test/")
    >>> f = Finding("s", iris.observation_prefix("d") + "11.01/2022/p", "c", "v", dataset=iris.dataset("d"))
    >>> focus_text(iris, f.focus, [f]), focus_text(iris, iris.region("11.01"), [f])
    ('11.01/2022/p', 'wilayah/11.01')
    """
    path = local_path(iris, iri)
    if path is None:
        return iri
    for dataset in {f.dataset_id for f in shown if f.dataset_id}:
        prefix = local_path(iris, iris.observation_prefix(dataset)) or ""
        if prefix and path.startswith(prefix):
            return path[len(prefix) :]
    return path.removeprefix("/id/")
