"""``/questions``: the catalogue of named questions, and answers as JSON, CSV or a page.

=====================================  ==========================================================
GET /questions                         every question: titles, parameters with their choices,
                                       columns, chart, links (a browser gets the list page)
GET /questions/{id}?param=value        the answer (JSON): metadata, parameters used, columns,
GET /questions/{id}.json?param=value   rows, the SPARQL that ran and its bindings (a browser
                                       gets the question page on the first URL)
GET /questions/{id}.csv?param=value    the table as CSV; ``_dialect=excel`` (default: for Excel
                                       with Indonesian settings) or ``_dialect=standard``
=====================================  ==========================================================

The pages are chosen by content negotiation (``api.pages.wants_html``): a client that
prefers HTML to JSON gets them, every other client exactly the JSON it always got. The
question page is a GET form whose URL is the whole state (every parameter spelt out), the
answer as a sortable table, the suggested chart and links to CSV, JSON and the SPARQL
editor; what it shows is worked out in ``graph.answer.question_pages``.

Parameter values are checked by ``graph.answer.parameters`` and bound as RDF terms; a refused
value is a 400 in the one error shape, its ``errors`` naming parameter, value and what is
allowed. The catalogue is read from ``questions/`` on first use and kept on ``app.state``.
Queries run through ``ServiceState.run``: in the query workers, within the time limit.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.errors import error_body
from api.pages import render, root_of, wants_html
from graph.answer.parameters import Answer, CodeListCache, CodeLists, run_question
from graph.answer.question_pages import (
    Control,
    answer_cells,
    chart_data,
    chosen_indicators,
    form_controls,
    indicator_agencies,
    question_indicators,
)
from graph.answer.questions import CODE_TYPES, Catalogue, Question, load_catalogue
from graph.errors import ParameterError, QueryTimeout, UnknownQuestion
from graph.rdf.iris import Iris, local_path

__all__ = ["catalogue", "code_lists", "router"]

router = APIRouter(prefix="/questions", tags=["questions"])

_lock = threading.Lock()
Dialect = Annotated[
    Literal["excel", "standard"],
    Query(
        alias="_dialect",
        description="excel: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel with "
        "Indonesian regional settings); standard: RFC 4180, ',', decimal point, column names.",
    ),
]


def catalogue(request: Request) -> Catalogue:
    """The question catalogue of this service, read once from ``questions/``."""
    state = request.app.state
    with _lock:
        found: Catalogue | None = getattr(state, "question_catalogue", None)
        if found is None:
            found = load_catalogue(state.service.settings.resolve("questions"))
            state.question_catalogue = found
            state.question_choices = CodeListCache()
        return found


def code_lists(request: Request) -> CodeLists:
    """The parameter choices, from the published code lists (read once per publication)."""
    catalogue(request)
    service = request.app.state.service
    cache: CodeListCache = request.app.state.question_choices
    return cache.get(
        service.store,
        service.iris,
        service.settings.home_region,
        run=service.run,
        view=service.observation_view(),
    )


_HTML_TOO: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON; a client preferring text/html (a browser) gets the page instead",
        "content": {"application/json": {}, "text/html": {"schema": {"type": "string"}}},
    }
}


@router.get("", response_model=dict[str, Any], responses=_HTML_TOO)
def list_questions(request: Request, response: Response) -> dict[str, Any] | HTMLResponse:
    """Every named question, with its parameters and their choices from the code lists
    (a browser, which prefers HTML, gets the list page)."""
    questions = catalogue(request)
    lists = code_lists(request)
    if wants_html(request, ["application/json"]):
        return _list_page(request, questions, lists)
    response.headers["Vary"] = "Accept"  # the same URL answers HTML to browsers: caches must know
    return {
        "ok": True,
        "questions": [_summary(q, lists, request) for q in questions.questions.values()],
    }


@router.get("/{question_id}.csv", response_class=Response)
def question_csv(request: Request, question_id: str, dialect: Dialect = "excel") -> Response:
    """The answer as CSV (see ``_dialect``); other query parameters are the question's."""
    answer = _answer(request, question_id, exclude={"_dialect"})
    if isinstance(answer, Response):
        return answer
    return Response(
        answer.to_csv(dialect),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{question_id}.csv"',
            "X-Truncated": "true" if answer.truncated else "false",
            "X-Answer-Engine": answer.engine,
        },
    )


@router.get("/{question_id}.json")
def question_json(request: Request, question_id: str) -> Response:
    """The answer as JSON; query parameters are the question's parameters."""
    return _json(request, question_id)


@router.get("/{question_id}", responses=_HTML_TOO)
def question(request: Request, question_id: str) -> Response:
    """The answer as JSON (the same as ``.json``); query parameters are the question's.
    A browser, which prefers HTML, gets the question page."""
    if wants_html(request, ["application/json"]):
        return _question_page(request, question_id)
    return _json(request, question_id)


def _json(request: Request, question_id: str) -> Response:
    answer = _answer(request, question_id, exclude=set())
    if isinstance(answer, Response):
        return answer
    spec = answer.question.spec
    body = {
        "ok": True,
        "question": _meta(answer.question),
        "parameters": {n: p.as_dict() for n, p in answer.parameters.items()},
        "columns": [{"name": c, "label": spec.columns[c].model_dump()} for c in answer.columns],
        "rows": answer.records(),
        "row_count": len(answer.rows),
        "truncated": answer.truncated,
        "sparql": answer.sparql,
        "bindings": answer.bindings,
        "links": _links(request, answer.question, _canonical(answer)),
    }
    headers = {
        "X-Truncated": "true" if answer.truncated else "false",
        "X-Answer-Engine": answer.engine,  # sparql, or columnar (the same rows from the view)
        "Vary": "Accept",
    }
    return JSONResponse(body, headers=headers)


def _answer(request: Request, question_id: str, *, exclude: set[str]) -> Answer | Response:
    service = request.app.state.service
    given = [(k, v) for k, v in request.query_params.multi_items() if k not in exclude]
    try:
        question = catalogue(request).get(question_id)
    except UnknownQuestion as exc:
        raise HTTPException(404, str(exc)) from None
    try:
        return run_question(
            service.store,
            service.iris,
            question,
            given,
            code_lists(request),
            max_rows=service.settings.max_result_rows,
            run=service.run,
            view=service.observation_view(),
        )
    except ParameterError as exc:
        return JSONResponse(error_body(400, str(exc), exc.problems), status_code=400)


def _canonical(answer: Answer) -> dict[str, str]:
    """Every parameter that has a value, defaults included: a link that keeps its meaning."""
    return {n: p.value for n, p in answer.parameters.items() if p.value is not None}


def _links(request: Request, question: Question, params: dict[str, str]) -> dict[str, str]:
    base = str(request.url_for("question", question_id=question.id))
    query = f"?{urlencode(params)}" if params else ""
    sep = "&" if query else "?"
    return {
        "self": f"{base}{query}",
        "json": f"{base}.json{query}",
        "csv": f"{base}.csv{query}",
        "csv_standard": f"{base}.csv{query}{sep}_dialect=standard",
    }


def _page_links(root: str, question: Question, params: dict[str, str]) -> dict[str, str]:
    """The answer's links as paths (a page links within its own site, whatever its host)."""
    base = f"{root}/questions/{question.id}"
    query = f"?{urlencode(params)}" if params else ""
    sep = "&" if query else "?"
    return {
        "json": f"{base}.json{query}",
        "csv": f"{base}.csv{query}",
        "csv_standard": f"{base}.csv{query}{sep}_dialect=standard",
    }


def _meta(question: Question) -> dict[str, Any]:
    spec = question.spec
    return {
        "id": spec.id,
        "title": spec.title.model_dump(),
        "description": spec.description.model_dump(),
        "keywords": spec.keywords,
        "chart": spec.chart.model_dump(exclude_defaults=True),
    }


def _summary(question: Question, lists: CodeLists, request: Request) -> dict[str, Any]:
    parameters = []
    for name, p in question.spec.parameters.items():
        entry: dict[str, Any] = {
            "name": name,
            "type": p.type,
            "label": p.label.model_dump(),
            "description": p.description.model_dump() if p.description else None,
            "default": None if p.default is None else str(p.default),
            "optional": p.optional,
        }
        if p.type in ("integer", "decimal"):
            entry.update({"min": p.min, "max": p.max})
        else:
            entry["choices"] = [c.as_dict() for c in lists.for_parameter(p)]
        parameters.append(entry)
    defaults = {n: str(p.default) for n, p in question.spec.parameters.items() if p.default is not None}
    return {
        **_meta(question),
        "parameters": parameters,
        "columns": [{"name": c, "label": question.spec.columns[c].model_dump()} for c in question.columns],
        "links": _links(request, question, defaults),
    }


# --- the pages ----------------------------------------------------------------------------

CHART_KINDS = {
    "bar": ("Grafik batang", "bar chart"),
    "line": ("Grafik garis", "line chart"),
    "scatter": ("Diagram pencar", "scatter chart"),
    "map": ("Peta (di sini sebagai grafik batang)", "map (drawn here as a bar chart)"),
    "table": ("Tabel", "table"),
}


def _agencies(request: Request) -> dict[str, tuple[str, ...]]:
    """Indicator -> publishing agencies, read once per publication."""
    service = request.app.state.service
    return service.cached(  # type: ignore[no-any-return]
        "question-indicator-agencies", lambda: service.run(indicator_agencies, service.iris)
    )


def _sources(
    request: Request, indicators: tuple[str, ...], lists: CodeLists
) -> tuple[list[dict[str, str | None]], list[dict[str, str | None]]]:
    """The indicators (label, link) and the agencies publishing them (label, link)."""
    iris = request.app.state.service.iris
    root = root_of(request)
    labels = {c.iri: c for c in lists.indicator}
    agency_labels = {c.iri: c for c in lists.agency}
    by_indicator = _agencies(request)
    shown_indicators = []
    agencies: dict[str, dict[str, str | None]] = {}
    for iri in indicators:
        choice = labels.get(iri)
        shown_indicators.append(
            {
                "label": choice.label_id if choice else iri.removeprefix(iris.indicator("")),
                "href": _href(root, iri, iris),
            }
        )
        for agency in by_indicator.get(iri, ()):
            found = agency_labels.get(agency)
            agencies[agency] = {
                "label": found.label_id if found else agency,
                "href": _href(root, agency, iris),
            }
    return shown_indicators, list(agencies.values())


def _href(root: str, iri: str, iris: Iris) -> str | None:
    local = local_path(iris, iri)
    return root + local if local else None


def _list_page(
    request: Request,
    questions: Catalogue,
    lists: CodeLists,
    *,
    status: int = 200,
    not_found: str | None = None,
) -> HTMLResponse:
    iris = request.app.state.service.iris
    entries = []
    for q in questions.questions.values():
        indicators, agencies = _sources(request, question_indicators(q, iris), lists)
        parameters = []
        for p in q.spec.parameters.values():
            default = None
            if p.default is not None and p.type in CODE_TYPES:
                chosen = next((c for c in lists.for_parameter(p) if c.value == str(p.default)), None)
                default = chosen.label_id if chosen else str(p.default)
            elif p.default is not None:
                default = str(p.default)
            parameters.append({"label": p.label, "default": default, "optional": p.optional})
        entries.append(
            {
                "q": q,
                "indicators": indicators,
                "agencies": agencies,
                "chosen_indicator": any(p.type == "indicator" for p in q.spec.parameters.values()),
                "parameters": parameters,
                "chart": CHART_KINDS[q.spec.chart.kind],
            }
        )
    return render(request, "questions.html", status, active="questions", entries=entries, not_found=not_found)


def _question_page(request: Request, question_id: str) -> HTMLResponse:
    try:
        question = catalogue(request).get(question_id)
    except UnknownQuestion as exc:
        # A browser sees the list to choose from, with what went wrong.
        return _list_page(request, catalogue(request), code_lists(request), status=404, not_found=str(exc))
    service = request.app.state.service
    lists = code_lists(request)
    given = list(request.query_params.multi_items())
    try:
        answer = run_question(
            service.store,
            service.iris,
            question,
            given,
            lists,
            max_rows=service.settings.max_result_rows,
            run=service.run,
        )
    except ParameterError as exc:
        refused = {p["parameter"] for p in exc.problems}
        controls = form_controls(question, lists, dict(given), refused)
        return _render_question(request, question, lists, controls, None, problems=exc.problems, status=400)
    except QueryTimeout as exc:
        controls = form_controls(question, lists, dict(given))
        problems = [{"parameter": None, "value": None, "message": str(exc)}]
        return _render_question(request, question, lists, controls, None, problems=problems, status=503)
    chosen = {n: p.value for n, p in answer.parameters.items()}
    controls = form_controls(question, lists, chosen)
    return _render_question(request, question, lists, controls, answer)


def _render_question(
    request: Request,
    question: Question,
    lists: CodeLists,
    controls: list[Control],
    answer: Answer | None,
    *,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    iris = request.app.state.service.iris
    root = root_of(request)
    types = {n: p.type for n, p in question.spec.parameters.items()}
    indicators = question_indicators(question, iris)
    if answer is not None:
        indicators += chosen_indicators(answer.parameters.values(), types)
    shown_indicators, agencies = _sources(request, indicators, lists)
    context: dict[str, Any] = {
        "question": question,
        "spec": question.spec,
        "controls": controls,
        "problems": problems or [],
        "indicators": shown_indicators,
        "agencies": agencies,
        "chosen_indicator": "indicator" in types.values(),
        "chart_kind": CHART_KINDS[question.spec.chart.kind],
        "answer": answer,
    }
    if answer is not None:
        canonical = _canonical(answer)
        cells = answer_cells(answer, iris)
        context.update(
            cells=cells,
            # A column of numbers is right-aligned, its heading too.
            numeric=[any(row[i].numeric for row in cells) for i in range(len(answer.columns))],
            chart=chart_data(answer),
            links=_page_links(root, question, canonical),
            share=_links(request, question, canonical)["self"],
            sparql_href=f"{root}/sparql?{urlencode({'question': question.id, **canonical})}",
        )
    return render(request, "question.html", status, active="questions", **context)
