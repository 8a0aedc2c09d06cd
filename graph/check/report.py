"""A validation run as a W3C ``sh:ValidationReport`` in the graph, for auditors.

Each load keeps the SHACL report on the version it wrote (in the provenance
graph, linked from the load by ``oc:validationReport``), so "was this figure
checked, and what was wrong with it?" is answered by SPARQL long after the run.
Results get IRIs under the report's IRI rather than blank nodes so that pages
and acceptances can point at one finding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from graph.check.findings import Finding
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, RDF_TYPE
from graph.rdf.ntriples import lang_literal, literal

__all__ = ["SH", "report_chunks", "report_ntriples", "result_iri"]

SH = PREFIXES["sh"]
_XSD = PREFIXES["xsd"]
_IRI = re.compile(r"^(https?|urn):[^\s<>\"{}|\\^`]*$")


def result_iri(report_iri: str, index: int) -> str:
    return f"{report_iri}/hasil/{index + 1}"


def _node(value: str) -> str:
    # Finding.value keeps the term's text only; an IRI-looking value was an IRI in the graph
    # (our literals are numbers, codes and names, never absolute IRIs).
    return f"<{value}>" if _IRI.match(value) else literal(value)


def report_ntriples(
    report_iri: str,
    findings: list[Finding],
    *,
    created: dt.datetime,
    keep: Callable[[Finding], bool] | None = None,
    header: bool = True,
) -> str:
    """N-Triples of one report: sh:conforms, one sh:result per finding, counts by severity.

    A result of a rule that compares two datasets names the other dataset with
    ``dcterms:references``, so its agency finds it in its own coherence report too.

    ``keep`` writes only some results (their IRIs keep their place in the whole report) and
    ``header=False`` leaves out the report's own statements: a report is split this way
    between the public provenance graph and a restricted dataset's own graph.
    """
    return "".join(report_chunks(report_iri, findings, created=created, keep=keep, header=header))


def report_chunks(
    report_iri: str,
    findings: list[Finding],
    *,
    created: dt.datetime,
    keep: Callable[[Finding], bool] | None = None,
    header: bool = True,
    results_per_chunk: int = 20_000,
) -> Iterator[str]:
    """``report_ntriples`` in pieces of ``results_per_chunk`` results, for bulk loading: a
    province report (350,000 results, 3.5 M triples) is never one string in memory."""
    t = f"<{RDF_TYPE}>"
    report = f"<{report_iri}>"
    lines: list[str] = []
    if header:
        violations = sum(f.blocks_publication for f in findings)
        warnings = sum(f.severity == SH + "Warning" for f in findings)
        lines += [
            f"{report} {t} <{SH}ValidationReport>",
            f"{report} {t} <{PROV}Entity>",
            f"{report} <{SH}conforms> {literal('true' if not findings else 'false', _XSD + 'boolean')}",
            f"{report} <{DCTERMS}created> {literal(created.isoformat(), _XSD + 'dateTime')}",
            f"{report} <{OC}violationCount> {literal(str(violations), _XSD + 'integer')}",
            f"{report} <{OC}warningCount> {literal(str(warnings), _XSD + 'integer')}",
        ]
    written = 0
    for i, f in enumerate(findings):
        if keep is not None and not keep(f):
            continue
        r = f"<{result_iri(report_iri, i)}>"
        lines += [
            f"{report} <{SH}result> {r}",
            f"{r} {t} <{SH}ValidationResult>",
            f"{r} <{SH}focusNode> {_node(f.focus)}",
            f"{r} <{SH}sourceShape> <{f.shape}>",
            f"{r} <{SH}sourceConstraintComponent> <{f.component}>",
            f"{r} <{SH}resultSeverity> <{f.severity}>",
        ]
        if f.path:
            lines.append(f"{r} <{SH}resultPath> <{f.path}>")
        if f.value is not None:
            lines.append(f"{r} <{SH}value> {_node(f.value)}")
        if f.message_id:
            lines.append(f"{r} <{SH}resultMessage> {lang_literal(f.message_id, 'id')}")
        if f.message_en:
            lines.append(f"{r} <{SH}resultMessage> {lang_literal(f.message_en, 'en')}")
        if f.other_dataset:  # a rule comparing two datasets: the other one it compared with
            lines.append(f"{r} <{DCTERMS}references> <{f.other_dataset}>")
        written += 1
        if written % results_per_chunk == 0:
            yield "".join(line + " .\n" for line in lines)
            lines = []
    if lines:
        yield "".join(line + " .\n" for line in lines)
