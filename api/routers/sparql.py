"""``/sparql``: SPARQL 1.1 Protocol query, read-only, over the published graphs.

This is the basic endpoint: GET ``?query=``, POST form-encoded, POST
``application/sparql-query``; SPARQL JSON results (CSV on request), a row cap
reported in the ``X-Truncated`` header and a ``truncated`` field.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from graph.query import run_query

router = APIRouter(tags=["sparql"])

JSON_RESULTS = "application/sparql-results+json"


async def _query_text(request: Request) -> str:
    if request.method == "GET":
        text = request.query_params.get("query")
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/sparql-query":
            text = (await request.body()).decode("utf-8")
        elif content_type == "application/x-www-form-urlencoded":
            form = await request.form()
            if "update" in form:
                raise HTTPException(
                    403, "titik akhir ini hanya-baca / this endpoint is read-only: updates refused"
                )
            value = form.get("query")
            text = value if isinstance(value, str) else None
        elif content_type == "application/sparql-update":
            raise HTTPException(
                403, "titik akhir ini hanya-baca / this endpoint is read-only: updates refused"
            )
        else:
            raise HTTPException(
                415,
                "gunakan application/sparql-query atau form / send application/sparql-query or "
                "a form with query=",
            )
    if not text:
        raise HTTPException(400, "parameter 'query' kosong / missing 'query' parameter")
    return text


@router.get("/sparql")
async def sparql_get(request: Request) -> Response:
    """SPARQL query by GET (``?query=``)."""
    return await _answer(request)


@router.post("/sparql")
async def sparql_post(request: Request) -> Response:
    """SPARQL query by POST (form-encoded or ``application/sparql-query``)."""
    return await _answer(request)


async def _answer(request: Request) -> Response:
    text = await _query_text(request)
    service = request.app.state.service

    outcome = await run_in_threadpool(
        run_query, service.store, service.iris, text, max_rows=service.settings.max_result_rows
    )
    headers = {"X-Truncated": "true" if outcome.truncated else "false"}
    accept = request.headers.get("accept", "")
    if "text/csv" in accept and JSON_RESULTS not in accept:
        return Response(outcome.to_csv(), media_type="text/csv; charset=utf-8", headers=headers)
    body = json.dumps(outcome.to_sparql_json(), ensure_ascii=False)
    return Response(body, media_type=JSON_RESULTS, headers=headers)
