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
editor; what it shows is worked out in ``graph.answer.question_pages``, the JSON in
``graph.answer.question_json``.

Parameter values are checked by ``graph.answer.parameters`` and bound as RDF terms; a refused
value is a 400 in the one error shape (``api.errors``), its ``errors`` naming parameter, value
and what is allowed. The catalogue is read through ``api.question_catalogue``. Queries run
through ``ServiceState.run``: in the query workers, within the time limit.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import ServiceState
from api.pages import render, root_of, wants_html
from api.question_catalogue import catalogue, code_lists, indicator_agencies_of
from graph.answer.answers import Answer, run_question
from graph.answer.code_lists import CodeLists
from graph.answer.question_json import answer_json, question_defaults, question_summary
from graph.answer.question_pages import Control, form_controls, list_entries, question_page
from graph.answer.questions import Catalogue, Question
from graph.answer.themes import THEMES, group_by_theme
from graph.errors import ParameterError
from graph.spreadsheet import CsvDialect

__all__ = ["router"]

router = APIRouter(prefix="/questions", tags=["questions"])

Dialect = Annotated[
    CsvDialect,
    Query(
        alias="_dialect",
        description="excel: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel with "
        "Indonesian regional settings); standard: RFC 4180, ',', decimal point, column names.",
    ),
]

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
        "questions": [
            {**question_summary(q, lists), "links": _links(_url(request, q), question_defaults(q))}
            for q in questions.questions.values()
        ],
    }


@router.get("/{question_id}.csv", response_class=Response)
def question_csv(request: Request, question_id: str, dialect: Dialect = "excel") -> Response:
    """The answer as CSV (see ``_dialect``); other query parameters are the question's."""
    answer = _answer(request, question_id, exclude={"_dialect"})
    return Response(
        answer.to_csv(dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{question_id}.csv"', **_headers(answer)},
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
    body = {**answer_json(answer), "links": _links(_url(request, answer.question), answer.canonical)}
    return JSONResponse(body, headers={**_headers(answer), "Vary": "Accept"})


def _headers(answer: Answer) -> dict[str, str]:
    return {
        "X-Truncated": "true" if answer.truncated else "false",
        "X-Answer-Engine": answer.engine,  # sparql, or columnar (the same rows from the view)
    }


def _answer(request: Request, question_id: str, *, exclude: set[str]) -> Answer:
    """The answer to the request's question with its query parameters (less ``exclude``)."""
    service: ServiceState = request.app.state.service
    given = [(k, v) for k, v in request.query_params.multi_items() if k not in exclude]
    return run_question(
        service.store,
        service.iris,
        catalogue(request).get(question_id),
        given,
        code_lists(request),
        max_rows=service.settings.max_result_rows,
        run=service.run,
        view=service.current_view(),
    )


def _with_source(params: dict[str, str], name: str | None, slug: str) -> dict[str, str]:
    """``params`` with the dataset parameter ``name`` (``sumber``) set to ``slug`` ("": left out)."""
    kept = {k: v for k, v in params.items() if k != name}
    return {**kept, name: slug} if slug and name else kept


def _url(request: Request, question: Question) -> str:
    return str(request.url_for("question", question_id=question.id))


def _links(base: str, params: dict[str, str]) -> dict[str, str]:
    """The answer at ``base`` (a question's URL or path) as itself, JSON, CSV and standard CSV."""
    query = f"?{urlencode(params)}" if params else ""
    sep = "&" if query else "?"
    return {
        "self": f"{base}{query}",
        "json": f"{base}.json{query}",
        "csv": f"{base}.csv{query}",
        "csv_standard": f"{base}.csv{query}{sep}_dialect=standard",
    }


# --- the pages ----------------------------------------------------------------------------


def _list_page(
    request: Request,
    questions: Catalogue,
    lists: CodeLists,
    *,
    status: int = 200,
    not_found: str | None = None,
) -> HTMLResponse:
    service: ServiceState = request.app.state.service
    entries = list_entries(questions, lists, indicator_agencies_of(service), service.iris)
    groups = group_by_theme(
        entries,
        theme=lambda e: e["q"].spec.theme,
        title=lambda e: e["q"].spec.title.id,
        agencies=lambda e: e["agencies"],
    )
    return render(
        request,
        "questions.html",
        status,
        active="questions",
        entries=entries,
        groups=groups,
        themes=THEMES,
        not_found=not_found,
    )


def _question_page(request: Request, question_id: str) -> HTMLResponse:
    questions = catalogue(request)
    lists = code_lists(request)
    question = questions.questions.get(question_id)
    if question is None:  # a browser sees the list to choose from, with what went wrong
        return _list_page(request, questions, lists, status=404, not_found=questions.not_found(question_id))
    service: ServiceState = request.app.state.service
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
    except ParameterError as exc:  # the form again, the refused values marked
        refused = [p["parameter"] for p in exc.problems if p.get("parameter")]
        controls = form_controls(question, lists, dict(given), refused)
        return _render_question(request, question, lists, controls, None, exc.problems)
    controls = form_controls(question, lists, {n: p.value for n, p in answer.parameters.items()})
    return _render_question(request, question, lists, controls, answer)


def _render_question(
    request: Request,
    question: Question,
    lists: CodeLists,
    controls: list[Control],
    answer: Answer | None,
    problems: list[dict[str, Any]] | None = None,
) -> HTMLResponse:
    service: ServiceState = request.app.state.service
    page = question_page(
        question, lists, controls, answer, indicator_agencies_of(service), service.iris, problems or ()
    )
    if answer is not None:
        root = root_of(request)
        canonical = answer.canonical
        here = f"{root}/questions/{question.id}"
        others = {o.slug for use in answer.sources for o in use.others} | {""}
        chooser = next((n for n, p in question.spec.parameters.items() if p.type == "dataset"), None)
        page.update(
            # The same answer with another dataset (sumber) for the indicators it publishes.
            source_links={
                slug: _links(here, _with_source(canonical, chooser, slug))["self"]
                for slug in (others if chooser else ())
            },
            links=_links(f"{root}/questions/{question.id}", canonical),
            share=_links(_url(request, question), canonical)["self"],
            sparql_href=f"{root}/sparql?{urlencode({'question': question.id, **canonical})}",
        )
    status = 400 if problems else 200
    return render(request, "question.html", status, active="questions", **page)
