"""The Produsen Data's pages: my datasets, and an upload previewed before it is submitted.

=============================================  =================================================
GET  /saya                                     the agency's datasets (admin, Walidata: every
                                               agency's): status, last load, freshness, next
                                               due, open findings, the Walidata's last decision
GET  /saya/unggah/{dataset}                    the upload form (drag and drop or a file input);
                                               ``?pratinjau=<id>``: the preview of a staged file
POST /saya/unggah/{dataset}                    stage the file and go to its preview
POST /saya/unggah/{dataset}/wilayah            decide what an unlinked region name means (one
                                               of its candidates, or none), then preview again
POST /saya/unggah/{dataset}/kirim              submit the staged file: a held draft, as
                                               ``POST /ingest`` makes one
POST /saya/unggah/{dataset}/batal              cancel: the staged file is deleted
=============================================  =================================================

Pages need a signed-in session (``api.page_auth``); forms carry its CSRF token. Whether the
user may upload *this* dataset is ``User.upload_refusal`` (its own agency's only), asked on
every route. Staged files and previews: ``api.staging``; region decisions:
``api.region_decisions`` (also ``POST /region-decisions`` for a token). Docs: docs/agency-pages.md.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import ServiceState
from api.errors import error_body, error_response, problems_of, status_of
from api.page_auth import form_role, page_role
from api.pages import id_number, render, root_of
from api.region_decisions import RegionDecision, decide_region
from api.sessions import Session
from api.shared_reads import coherence_summary
from api.staging import Staged, StagedUploads, preview_of, stage_upload, submit_staged
from graph.cube.mapping_checks import resolve_terms
from graph.describe.my_datasets import OwnedDataset, read_my_datasets
from graph.errors import OneCenterError, UploadRejected
from graph.link.names import NameRules
from graph.provenance.records import now
from graph.read.mappings import discover_mappings, load_mapping

router = APIRouter(tags=["pages"])
log = logging.getLogger("onecenter.api")

Produsen = Annotated[Session, Depends(page_role("produsen"))]
ProdusenForm = Annotated[Session, Depends(form_role("produsen"))]
CHUNK = 1024 * 1024


async def _form_closed(request: Request) -> AsyncIterator[None]:
    """Close the posted form after the route (its file parts are spooled temporary files)."""
    yield
    await (await request.form()).close()


ClosesForm = [Depends(_form_closed)]


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _staging(request: Request) -> StagedUploads:
    staging: StagedUploads = request.app.state.staged_uploads
    return staging


def _owned(service: ServiceState, agency: str | None) -> tuple[list[OwnedDataset], list[str]]:
    """The datasets the mappings give ``agency`` (None: every agency), and the mapping files
    that could not be read (named for the admin; the CLI's ``onecenter check`` says why)."""
    folder = service.settings.mappings_path
    rules = NameRules.of_mappings(folder)
    owned, broken = [], []
    for path in discover_mappings(folder):
        try:
            mapping = resolve_terms(load_mapping(path), service.vocabulary, rules)
        except OneCenterError:
            broken.append(path.name)
            continue
        meta = mapping.dataset
        if agency is None or meta.agency == agency:
            owned.append(OwnedDataset(meta.id, meta.title, meta.agency, meta.frequency, meta.access))
    return sorted(owned, key=lambda d: (d.agency, d.id)), broken


def _open_findings(service: ServiceState) -> dict[str, int]:
    """Dataset id -> its findings in force but the violations the Walidata accepted."""
    totals = coherence_summary(service).by_dataset()
    return {dataset: t.open for dataset, t in totals.items() if t.open}


@router.get("/saya", include_in_schema=False)
def my_datasets(request: Request, session: Produsen) -> Response:
    service = _service(request)
    user = session.user
    owned, broken = _owned(service, user.agency if user.role == "produsen" else None)
    today = now().date()  # the clock, read once for the page
    rows = service.run(read_my_datasets, service.iris, owned, user.audience, today, _open_findings(service))
    return render(
        request,
        "my_datasets.html",
        active="mine",
        rows=rows,
        broken=broken if user.role != "produsen" else [],
        may_upload=user.role in ("produsen", "admin"),
        num=id_number,
    )


def _upload_page(
    request: Request,
    session: Session,
    dataset: str,
    *,
    status: int = 200,
    staged: Staged | None = None,
    preview: Any = None,
    problem: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
) -> Response:
    service = _service(request)
    _, mapping = service.mapping_for(dataset)
    response = render(
        request,
        "my_upload.html",
        status_code=status,
        active="mine",
        dataset=dataset,
        meta=mapping.dataset,
        fmt=mapping.source.resolved_format,
        limit=service.settings.upload_max_bytes,
        csrf=session.csrf,
        staged=staged,
        preview=preview,
        problem=problem,
        result=result,
        num=id_number,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _page(request: Request, session: Session, dataset: str, **context: Any) -> Response:
    """``_upload_page`` in a thread (it reads the mapping files)."""
    return await run_in_threadpool(partial(_upload_page, request, session, dataset, **context))


def _refused(request: Request, exc: Exception) -> dict[str, Any]:
    """A refusal as the page shows it: the one error shape (no server path, cut short)."""
    if isinstance(exc, HTTPException):
        return error_body(exc.status_code, str(exc.detail))
    assert isinstance(exc, OneCenterError)
    return error_body(status_of(exc), str(exc), problems_of(exc))


def _check_may_upload(service: ServiceState, session: Session, dataset: str) -> None:
    """403 unless the user may upload ``dataset``; 404 (NotFound) when it has no mapping."""
    _, mapping = service.mapping_for(dataset)
    agency_iri = service.vocabulary.agencies.get(mapping.dataset.agency, "")
    refusal = session.user.upload_refusal(dataset, mapping.dataset.agency, agency_iri)
    if refusal:
        raise HTTPException(403, refusal)


async def _allowed(request: Request, session: Session, dataset: str) -> Response | None:
    """The 403 page when the user may not upload ``dataset``; None when they may."""
    try:
        await run_in_threadpool(_check_may_upload, _service(request), session, dataset)
    except HTTPException as exc:
        return error_response(request, exc.status_code, str(exc.detail))
    return None


@router.get("/saya/unggah/{dataset}", include_in_schema=False)
async def upload_form(request: Request, dataset: str, session: Produsen, pratinjau: str = "") -> Response:
    if (refused := await _allowed(request, session, dataset)) is not None:
        return refused
    if not pratinjau:
        return await _page(request, session, dataset)
    staged = _staging(request).find(pratinjau, session.id, dataset)
    if staged is None:
        return await _expired(request, session, dataset)
    service = _service(request)
    try:
        preview = await run_in_threadpool(preview_of, service, session.user, staged)
    except OneCenterError as exc:
        return await _page(
            request, session, dataset, status=status_of(exc), staged=staged, problem=_refused(request, exc)
        )
    _staging(request).offer(staged, preview.review)
    return await _page(request, session, dataset, staged=staged, preview=preview)


async def _expired(request: Request, session: Session, dataset: str) -> Response:
    problem = error_body(
        410,
        "Unggahan pratinjau ini tidak ada lagi (kedaluwarsa, dibatalkan atau dari sesi lain); unggah "
        "berkasnya lagi. / This staged upload is gone (expired, cancelled or from another session); "
        "upload the file again.",
    )
    return await _page(request, session, dataset, status=410, problem=problem)


def _file_chunks(upload: UploadFile) -> Any:
    while chunk := upload.file.read(CHUNK):
        yield chunk


@router.post("/saya/unggah/{dataset}", include_in_schema=False, dependencies=ClosesForm)
async def upload_file(request: Request, dataset: str, session: ProdusenForm) -> Response:
    if (refused := await _allowed(request, session, dataset)) is not None:
        return refused
    form = await request.form()
    upload = form.get("file")
    service, staging = _service(request), _staging(request)
    try:
        if not isinstance(upload, UploadFile):
            raise UploadRejected("pilih berkas tabel (CSV atau XLSX) / choose a table file (CSV or XLSX)")
        staged = await run_in_threadpool(
            stage_upload,
            service,
            staging,
            session.id,
            session.user,
            dataset,
            _file_chunks(upload),
            upload.filename,
        )
    except (UploadRejected, HTTPException) as exc:
        status = exc.status if isinstance(exc, UploadRejected) else exc.status_code
        return await _page(request, session, dataset, status=status, problem=_refused(request, exc))
    target = f"{root_of(request)}/saya/unggah/{quote(dataset)}?pratinjau={quote(staged.id)}"
    return RedirectResponse(target, status_code=303)


async def _staged_of(request: Request, session: Session, dataset: str) -> Staged | None:
    form = await request.form()
    staged_id = form.get("pratinjau")
    return _staging(request).find(staged_id, session.id, dataset) if isinstance(staged_id, str) else None


@router.post("/saya/unggah/{dataset}/wilayah", include_in_schema=False, dependencies=ClosesForm)
async def decide_name(request: Request, dataset: str, session: ProdusenForm) -> Response:
    if (refused := await _allowed(request, session, dataset)) is not None:
        return refused
    staged = await _staged_of(request, session, dataset)
    if staged is None:
        return await _expired(request, session, dataset)
    form = await request.form()
    fields = {k: form.get(k) for k in ("level", "variant", "parent", "code")}
    if not all(isinstance(v, str) for v in fields.values()):
        return await _expired(request, session, dataset)
    level, variant, parent, code = (str(fields[k]) for k in ("level", "variant", "parent", "code"))
    offered = _staging(request).offered(staged, level, variant, parent or None)
    try:
        fields_in = {"dataset": dataset, "level": level, "variant": variant, "parent": parent or None}
        decision = RegionDecision.model_validate({**fields_in, "code": code or None})
        await run_in_threadpool(decide_region, _service(request), session.user, decision, offered)
    except (OneCenterError, ValueError) as exc:
        problem = _refused(request, exc) if isinstance(exc, OneCenterError) else error_body(422, str(exc))
        return await _page(
            request, session, dataset, status=problem["status"], staged=staged, problem=problem
        )
    target = f"{root_of(request)}/saya/unggah/{quote(dataset)}?pratinjau={quote(staged.id)}#wilayah"
    return RedirectResponse(target, status_code=303)


@router.post("/saya/unggah/{dataset}/kirim", include_in_schema=False, dependencies=ClosesForm)
async def submit(request: Request, dataset: str, session: ProdusenForm) -> Response:
    if (refused := await _allowed(request, session, dataset)) is not None:
        return refused
    staged = await _staged_of(request, session, dataset)
    if staged is None:
        return await _expired(request, session, dataset)
    service, staging = _service(request), _staging(request)
    try:
        result = await run_in_threadpool(submit_staged, service, staging, session.user, staged)
    except OneCenterError as exc:
        # Nothing published changed; the staged file stays, to cancel or submit again.
        return await _page(
            request, session, dataset, status=status_of(exc), staged=staged, problem=_refused(request, exc)
        )
    log.info(
        "unggah lewat halaman / page upload: %s by %s -> %s",
        dataset,
        session.user.name,
        result.get("outcome"),
    )
    return await _page(request, session, dataset, result=result)


@router.post("/saya/unggah/{dataset}/batal", include_in_schema=False, dependencies=ClosesForm)
async def cancel(request: Request, dataset: str, session: ProdusenForm) -> Response:
    if (refused := await _allowed(request, session, dataset)) is not None:
        return refused
    staged = await _staged_of(request, session, dataset)
    if staged is not None:
        await run_in_threadpool(_staging(request).discard, staged)
    return RedirectResponse(f"{root_of(request)}/saya", status_code=303)
