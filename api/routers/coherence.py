"""``/coherence``: what validation found in the published data, by agency and rule.

=====================================  ==========================================================
GET /coherence?agency=&severity=&rule=  the page (browsers), or by ``Accept`` JSON / CSV: the
                                       findings of the validation report in force for each
                                       published dataset, counts per agency × rule, each
                                       finding with severity, rule, message, focus node, source
                                       file, row, column and cell, and the Walidata's
                                       acceptances; held drafts listed apart
GET /coherence.json                    the same as JSON, whatever ``Accept`` says
GET /coherence.csv                     the findings as CSV (``_dialect=excel``, the default:
                                       UTF-8 with BOM, ';', decimal comma; or ``standard``)
=====================================  ==========================================================

Filters are plain GET parameters (a shareable URL; the page's form needs no script); an
empty value is no filter. A value the report cannot have is a 400 in the one error shape,
its ``errors`` naming the parameter, the value and what is allowed (a browser gets the
page with the message). The report is read once per publication (``api.shared_reads``).
Query logic: ``graph.describe.coherence``; filters and counts: ``coherence_selection``;
JSON and CSV: ``coherence_output``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup, escape

from api.deps import ServiceState
from api.errors import error_body
from api.negotiation import negotiate
from api.pages import render, root_of, wants_html
from api.shared_reads import coherence_report, published_catalog
from graph.check.findings import SEVERITIES, Finding
from graph.describe.coherence import SEVERITY_LABELS, Coherence
from graph.describe.coherence_output import coherence_json as report_json
from graph.describe.coherence_output import findings_csv
from graph.describe.coherence_selection import Filters, focus_text, page_figures, select_findings
from graph.errors import ParameterError
from graph.rdf.iris import local_path
from graph.spreadsheet import CsvDialect
from graph.text import Text

__all__ = ["router"]

router = APIRouter(tags=["coherence"])

_JSON = "application/json"
_CSV = "text/csv"
MACHINE_TYPES = [_JSON, _CSV]

Agency = Annotated[
    str | None,
    Query(
        description="Hanya temuan pada angka instansi ini / only findings on this agency's figures "
        "(its slug, e.g. `dinkes`)."
    ),
]
Severity = Annotated[
    str | None,
    Query(
        description="Tingkat / severity: " + ", ".join(f"`{s}`" for s in SEVERITIES) + ".",
        json_schema_extra={"enum": list(SEVERITIES)},
    ),
]
Rule = Annotated[
    str | None,
    Query(description="Aturan / rule: the SHACL shape's local name, e.g. `BagianTidakMelebihiKeseluruhan`."),
]
Dialect = Annotated[
    CsvDialect,
    Query(
        alias="_dialect",
        description="excel: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel with Indonesian "
        "regional settings); standard: RFC 4180, ',', decimal point, column names.",
    ),
]

_REFUSED = error_body(
    400,
    "parameter 'severity': tingkat 'fatal' tidak dikenal / unknown severity 'fatal'; allowed: violation, "
    "warning, info",
    [
        {
            "parameter": "severity",
            "value": "fatal",
            "message": "parameter 'severity': tingkat 'fatal' tidak dikenal / unknown severity 'fatal'; …",
            "allowed": list(SEVERITIES),
        }
    ],
)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Filter ditolak / a filter value was refused: `errors` names the parameter, its "
        "value and what is allowed.",
        "content": {_JSON: {"example": _REFUSED}},
    },
    503: {
        "description": "Kueri melewati batas waktu atau penyimpanan gagal / timed out or the store failed."
    },
}


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _query(filters: Filters, **extra: str) -> str:
    params = {k: v for k, v in filters.as_dict().items() if v} | extra
    return "?" + urlencode(params) if params else ""


def _links(request: Request, filters: Filters) -> dict[str, str]:
    root = root_of(request)
    return {
        "self": f"{root}/coherence{_query(filters)}",
        "json": f"{root}/coherence.json{_query(filters)}",
        "csv": f"{root}/coherence.csv{_query(filters)}",
        "csv_standard": f"{root}/coherence.csv{_query(filters, _dialect='standard')}",
    }


def _json(request: Request, coherence: Coherence, filters: Filters, shown: list[Finding]) -> Response:
    body = {
        "ok": True,
        "filters": filters.as_dict(),
        "total": len(coherence.findings),
        "count": len(shown),
        "truncated": coherence.truncated,
        **report_json(coherence, shown, filters.agency),
        "links": _links(request, filters),
    }
    return JSONResponse(body, headers={"X-Truncated": str(coherence.truncated).lower(), "Vary": "Accept"})


def _csv(coherence: Coherence, shown: list[Finding], dialect: CsvDialect) -> Response:
    return Response(
        findings_csv(coherence, shown, dialect),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="koherensi.csv"',
            "X-Truncated": str(coherence.truncated).lower(),
            "Vary": "Accept",
        },
    )


def _page(
    request: Request,
    coherence: Coherence,
    filters: Filters,
    shown: list[Finding],
    problems: list[dict[str, Any]] | None = None,
) -> HTMLResponse:
    iris = _service(request).iris
    root = root_of(request)

    def href(iri: str) -> str:
        path = local_path(iris, iri)
        return root + path if path else iri

    def provenance(iri: str) -> str:
        return f"{root}/provenance?{urlencode({'iri': iri})}"

    # People read a dataset's title, not its slug (the slug stays in links and downloads).
    titles = {d.id: d.title for d in published_catalog(_service(request)).datasets}

    return render(
        request,
        "coherence.html",
        status_code=400 if problems else 200,
        active="coherence",
        c=coherence,
        filters=filters,
        shown=shown,
        **page_figures(coherence, shown),
        severities=SEVERITY_LABELS,
        problems=problems or [],
        links=_links(request, filters),
        href=href,
        provenance=provenance,
        focus_text=lambda iri: focus_text(iris, iri, shown),
        breakable=breakable,
        dataset_title=lambda slug: titles.get(slug) or Text(slug),
    )


def breakable(text: str) -> Markup:
    """Text with line-break opportunities after ``/``, ``_`` and ``.`` (long paths and file names
    wrap between their parts, not inside a word)."""
    escaped = str(escape(text))
    return Markup(re.sub(r"([/_.])", r"\1<wbr>", escaped))


@router.get(
    "/coherence",
    name="coherence",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {}, _JSON: {}, _CSV: {}}, "description": "The coherence report."},
        **ERRORS,
        406: {"description": "Tidak ada format yang cocok / no offered format matches Accept."},
    },
)
def coherence_page(
    request: Request, agency: Agency = None, severity: Severity = None, rule: Rule = None
) -> Response:
    """Koherensi: temuan validasi data terbit / what validation found in the published data.

    A browser gets the page; otherwise JSON (the default) or CSV by ``Accept``.
    """
    report = coherence_report(_service(request))
    if wants_html(request, MACHINE_TYPES):
        try:
            filters, shown = select_findings(report, agency=agency, severity=severity, rule=rule)
        except ParameterError as exc:  # the page shows the form again, with what was refused
            return _page(request, report, Filters(), report.findings, exc.problems)
        return _page(request, report, filters, shown)
    chosen = negotiate(request.headers.get("accept"), MACHINE_TYPES)
    if chosen is None:
        raise HTTPException(
            406, "format tidak tersedia / not acceptable: offers text/html, " + ", ".join(MACHINE_TYPES)
        )
    filters, shown = select_findings(report, agency=agency, severity=severity, rule=rule)
    return _csv(report, shown, "excel") if chosen == _CSV else _json(request, report, filters, shown)


@router.get("/coherence.json", name="coherence_json", responses=ERRORS)
def coherence_json(
    request: Request, agency: Agency = None, severity: Severity = None, rule: Rule = None
) -> Response:
    """The coherence report as JSON: summary, counts per agency × rule, findings, acceptances,
    the reports in force and held drafts."""
    report = coherence_report(_service(request))
    filters, shown = select_findings(report, agency=agency, severity=severity, rule=rule)
    return _json(request, report, filters, shown)


@router.get(
    "/coherence.csv",
    name="coherence_csv",
    response_class=Response,
    responses={200: {"content": {_CSV: {}}, "description": "The findings as CSV."}, **ERRORS},
)
def coherence_csv(
    request: Request,
    agency: Agency = None,
    severity: Severity = None,
    rule: Rule = None,
    dialect: Dialect = "excel",
) -> Response:
    """The findings as CSV, one row each (``_dialect=excel`` by default, or ``standard``)."""
    report = coherence_report(_service(request))
    _, shown = select_findings(report, agency=agency, severity=severity, rule=rule)
    return _csv(report, shown, dialect)
