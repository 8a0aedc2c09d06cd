"""``/questions``: the catalogue of named questions, and answers as JSON or CSV.

=====================================  ==========================================================
GET /questions                         every question: titles, parameters with their choices,
                                       columns, chart, links
GET /questions/{id}?param=value        the answer (JSON): metadata, parameters used, columns,
GET /questions/{id}.json?param=value   rows, the SPARQL that ran and its bindings
GET /questions/{id}.csv?param=value    the table as CSV; ``_dialect=excel`` (default: for Excel
                                       with Indonesian settings) or ``_dialect=standard``
=====================================  ==========================================================

Parameter values are checked by ``graph.answers`` and bound as RDF terms; a refused
value is a 400 in the one error shape, its ``errors`` naming parameter, value and what is
allowed. The catalogue is read from ``questions/`` on first use and kept on ``app.state``.
Queries run through ``ServiceState.run``: in the query workers, within the time limit.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api.errors import error_body
from graph.answers import Answer, CodeListCache, CodeLists, ParameterError, run_question
from graph.questions import Catalogue, Question, UnknownQuestion, load_catalogue

__all__ = ["catalogue", "router"]

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


def _choices(request: Request) -> CodeLists:
    """The parameter choices, from the published code lists (read once per publication)."""
    catalogue(request)
    service = request.app.state.service
    cache: CodeListCache = request.app.state.question_choices
    return cache.get(service.store, service.iris, service.settings.home_region, run=service.run)


@router.get("")
def list_questions(request: Request) -> dict[str, Any]:
    """Every named question, with its parameters and their choices from the code lists."""
    questions = catalogue(request)
    lists = _choices(request)
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
        },
    )


@router.get("/{question_id}.json")
def question_json(request: Request, question_id: str) -> Response:
    """The answer as JSON; query parameters are the question's parameters."""
    return _json(request, question_id)


@router.get("/{question_id}")
def question(request: Request, question_id: str) -> Response:
    """The answer as JSON (the same as ``.json``); query parameters are the question's."""
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
    return JSONResponse(body, headers={"X-Truncated": "true" if answer.truncated else "false"})


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
            _choices(request),
            max_rows=service.settings.max_result_rows,
            run=service.run,
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
