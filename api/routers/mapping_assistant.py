"""``/saya/pemetaan-baru``: the mapping assistant's pages, a table the agency has never sent, step by step.

=============================================  ================================================
GET  /saya/pemetaan-baru[?langkah=N]           the assistant: the sample form, or step N with
                                               the sample read as the mapping so far reads it
POST /saya/pemetaan-baru/contoh                stage a sample table (multipart ``berkas``)
POST /saya/pemetaan-baru/langkah/{N}           save step N (1 sheet and header row, 2 region,
                                               3 period, 4 indicators, 5 rows to drop,
                                               6 dataset) and go to the next
POST /saya/pemetaan-baru/usulkan               write the mapping as a proposal for the Walidata
POST /saya/pemetaan-baru/batal                 drop the sample and the choices
=============================================  ================================================

For a signed-in Produsen Data (or the Walidata, naming the agency). Every form is CSRF-checked
(``api.page_auth.form_role``). The sample and the choices so far stay on the server, bound to
the browser session (``api.mapping_assistant``); each step's form is validated again before it
replaces them. The pages need no JavaScript. The JSON API is ``api.routers.mapping_proposals``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.deps import ServiceState
from api.mapping_assistant import (
    Assistant,
    Sample,
    propose,
    public_message,
    sample_preview,
    stage_sample,
    visible_proposals,
)
from api.page_auth import form_role, page_role
from api.pages import render, root_of
from api.sessions import Session
from graph.errors import OneCenterError
from graph.read.mapping_builder import (
    DatasetChoice,
    DropChoice,
    MappingChoices,
    MeasureChoice,
    PeriodChoice,
    RegionChoice,
    mapping_data,
    mapping_yaml,
)

router = APIRouter(tags=["pages"])

PAGE = "/saya/pemetaan-baru"
STEPS = [
    (1, "Lembar dan baris judul", "Sheet and header row"),
    (2, "Kolom wilayah", "Region columns"),
    (3, "Periode", "Period"),
    (4, "Indikator dan satuan", "Indicators and units"),
    (5, "Baris bukan data", "Rows that are not data"),
    (6, "Dataset", "Dataset"),
    (7, "Periksa dan usulkan", "Check and propose"),
]
CHUNK = 1024 * 1024
NEW = "__baru__"


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _next_step(choices: MappingChoices) -> int:
    if choices.region is None:
        return 2
    if choices.period is None:
        return 3
    if not choices.measures:
        return 4
    if choices.dataset is None:
        return 5
    return 7


def _page(
    request: Request, session: Session, sample: Sample | None, step: int, problem: str = "", status: int = 200
) -> Response:
    service = _service(request)
    notice = request.query_params.get("diusulkan", "")[:80]
    context: dict[str, Any] = {
        "sample": sample,
        "step": step,
        "steps": STEPS,
        "problem": problem,
        "notice": notice,
    }
    context["proposals"] = visible_proposals(service, session.user)
    context.update(preview=None, preview_problem="", yaml="", raw_rows=step == 1)
    if sample is not None:
        shown = sample.choices
        if step == 1:  # the top rows of the file, as they are, to pick the header row from
            shown = shown.model_copy(update={"header_row": 1, "region": None, "period": None, "measures": []})
        try:
            context["preview"] = sample_preview(
                service, Assistant.of(request.app.state), replace(sample, choices=shown)
            )
        except OneCenterError as exc:
            context["preview_problem"] = public_message(exc)
        vocab = service.vocabulary
        context["indicators"] = sorted(vocab.indicators.values(), key=lambda i: i.slug)
        context["units"] = sorted(vocab.units)
        context["agencies"] = sorted(vocab.agencies)
        context["choices"] = sample.choices
        context["measure_of"] = {m.column: m for m in sample.choices.measures}
        context["used"] = sample.choices.columns_used()
        if step == 7:
            try:
                dataset = sample.choices.dataset.id if sample.choices.dataset else ""
                path = f"contoh/{dataset}.{sample.choices.format}"
                data = mapping_data(sample.choices, session.user.agency or "(instansi / agency)", path)
                context["yaml"] = mapping_yaml(data, f"usulan oleh / proposed by {session.user.name}")
            except ValueError as exc:
                context["problem"] = problem or str(exc)
    response = render(request, "mapping_assistant.html", status_code=status, **context)
    response.headers["Cache-Control"] = "no-store"
    return response


def _assistant(request: Request) -> Assistant:
    return Assistant.of(request.app.state)


@router.get(PAGE, include_in_schema=False)
async def assistant_page(
    request: Request, session: Annotated[Session, Depends(page_role("produsen"))], langkah: int | None = None
) -> Response:
    sample = _assistant(request).latest(session.id)
    step = 0
    if sample is not None:
        step = langkah if langkah is not None and 1 <= langkah <= 7 else _next_step(sample.choices)
    return await run_in_threadpool(_page, request, session, sample, step)


def _chunks(upload: UploadFile) -> Any:
    while chunk := upload.file.read(CHUNK):
        yield chunk


@router.post(f"{PAGE}/contoh", include_in_schema=False)
async def stage(request: Request, session: Annotated[Session, Depends(form_role("produsen"))]) -> Response:
    form = await request.form()
    upload = form.get("berkas")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(_page, request, session, None, 0, "Pilih berkas / choose a file", 422)
    assistant = _assistant(request)
    old = assistant.latest(session.id)
    try:
        await run_in_threadpool(
            stage_sample,
            _service(request),
            assistant,
            session.user,
            session.id,
            _chunks(upload),
            upload.filename,
        )
    except OneCenterError as exc:
        return await run_in_threadpool(_page, request, session, old, 0, public_message(exc), 422)
    finally:
        await form.close()  # the spooled upload: its copy is staged (or refused)
    if old is not None:
        assistant.discard(old)
    return RedirectResponse(f"{root_of(request)}{PAGE}?langkah=1", 303)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _column(form: FormData, name: str, columns: list[str]) -> str | None:
    """A column chosen from a list: one of the sample's columns, or none."""
    value = _text(form, name)
    if not value:
        return None
    if value not in columns:
        raise ValueError(f"kolom {value!r} tidak ada di tabel / no such column in the table")
    return value


def _step_choices(step: int, form: FormData, choices: MappingChoices, columns: list[str]) -> MappingChoices:
    """The choices with step ``step`` replaced by the form's answers (validated here)."""
    if step == 1:
        update: dict[str, Any] = {"header_row": int(_text(form, "header_row") or 1)}
        if choices.format == "xlsx":
            update["sheet"] = _text(form, "sheet") or None
        else:
            update["delimiter"] = {"tab": "\t"}.get(_text(form, "delimiter"), _text(form, "delimiter") or ",")
            update["encoding"] = _text(form, "encoding") or "utf-8-sig"
        return MappingChoices.model_validate({**choices.model_dump(), **update})
    if step == 2:
        region = RegionChoice(
            level=_text(form, "level"),  # type: ignore[arg-type]
            code_column=_column(form, "code_column", columns),
            code_system=(_text(form, "code_system") or None) if _text(form, "code_column") else None,  # type: ignore[arg-type]
            name_column=_column(form, "name_column", columns),
            parent_column=_column(form, "parent_column", columns),
        )
        return choices.model_copy(update={"region": region})
    if step == 3:
        year = _text(form, "year")
        period = PeriodChoice(
            year_column=_column(form, "year_column", columns), year=int(year) if year else None
        )
        return choices.model_copy(update={"period": period})
    if step == 4:
        return _measures(form, choices, columns)
    if step == 5:
        drops = []
        for i in range(3):
            column = _column(form, f"drop_column_{i}", columns)
            if column is None:
                continue
            blank = _text(form, f"drop_blank_{i}") == "1"
            drops.append(
                DropChoice(
                    column=column,
                    starts_with=None if blank else _text(form, f"drop_text_{i}") or None,
                    blank=blank,
                    reason=_text(form, f"drop_reason_{i}") or "baris bukan data / not a data row",
                )
            )
        return choices.model_copy(update={"drops": drops})
    dataset = DatasetChoice(
        id=_text(form, "id"),
        title_id=_text(form, "title_id"),
        title_en=_text(form, "title_en"),
        description_id=_text(form, "description_id"),
        frequency=_text(form, "frequency") or "annual",  # type: ignore[arg-type]
        access=_text(form, "access") or "terbuka",  # type: ignore[arg-type]
    )
    return choices.model_copy(update={"dataset": dataset})


def _measures(form: FormData, choices: MappingChoices, columns: list[str]) -> MappingChoices:
    measures = []
    for i, column in enumerate(columns):
        picked = _text(form, f"ind_{i}")
        if not picked:
            continue
        if picked == NEW:
            measure = MeasureChoice(
                column=column, new_label=_text(form, f"label_{i}"), unit=_text(form, f"unit_{i}") or None
            )
        else:
            measure = MeasureChoice(column=column, indicator=picked, unit=None)
        measures.append(measure)
    if not measures:
        raise ValueError("pilih sedikitnya satu kolom indikator / choose at least one indicator column")
    decimal = _text(form, "decimal") or "auto"
    return MappingChoices.model_validate(
        {**choices.model_dump(), "measures": [m.model_dump() for m in measures], "decimal": decimal}
    )


def _problem_text(exc: ValidationError | ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return str(exc)


@router.post(PAGE + "/langkah/{step}", include_in_schema=False)
async def save_step(
    request: Request, step: int, session: Annotated[Session, Depends(form_role("produsen"))]
) -> Response:
    assistant = _assistant(request)
    sample = assistant.latest(session.id)
    if sample is None:
        return RedirectResponse(f"{root_of(request)}{PAGE}", 303)
    if step not in range(1, 7):
        raise HTTPException(404, "langkah tidak ada / no such step")
    form = await request.form()
    try:
        preview = await run_in_threadpool(sample_preview, _service(request), assistant, sample)
        columns = preview.columns
    except OneCenterError:
        columns = []
    try:
        choices = _step_choices(step, form, sample.choices, columns)
        if step == 1:  # another header row: the columns named by later steps may be gone
            choices = choices.model_copy(update={"region": None, "period": None, "measures": [], "drops": []})
    except (ValidationError, ValueError) as exc:
        return await run_in_threadpool(_page, request, session, sample, step, _problem_text(exc), 422)
    assistant.update(sample, choices)
    return RedirectResponse(f"{root_of(request)}{PAGE}?langkah={step + 1}", 303)


@router.post(PAGE + "/usulkan", include_in_schema=False)
async def propose_page(
    request: Request, session: Annotated[Session, Depends(form_role("produsen"))]
) -> Response:
    assistant = _assistant(request)
    sample = assistant.latest(session.id)
    if sample is None:
        return RedirectResponse(f"{root_of(request)}{PAGE}", 303)
    form = await request.form()
    agency = _text(form, "agency") or None
    try:
        proposal, _ = await run_in_threadpool(
            propose, _service(request), assistant, session.user, sample, agency
        )
    except (OneCenterError, ValueError) as exc:
        return await run_in_threadpool(_page, request, session, sample, 7, public_message(exc), 422)
    except HTTPException as exc:
        return await run_in_threadpool(_page, request, session, sample, 7, str(exc.detail), exc.status_code)
    return RedirectResponse(f"{root_of(request)}{PAGE}?diusulkan={proposal.dataset}", 303)


@router.post(PAGE + "/batal", include_in_schema=False)
async def cancel(request: Request, session: Annotated[Session, Depends(form_role("produsen"))]) -> Response:
    assistant = _assistant(request)
    sample = assistant.latest(session.id)
    if sample is not None:
        await run_in_threadpool(assistant.discard, sample)
    return RedirectResponse(f"{root_of(request)}{PAGE}", 303)
