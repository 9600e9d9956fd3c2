"""Report builds in the browser: the form, the queue and history, progress, downloads.

A build is queued (:func:`esgledger.services.report_jobs.queue_build`) and run
by a worker; the job page shows a ``<progress>`` bar that ``static/jobs.js``
refreshes from ``/reports/jobs/{id}/status`` (without JavaScript the page
refreshes itself with a ``Refresh`` header while the job runs).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from esgledger.errors import EsgError
from esgledger.services import report_jobs
from esgledger.services.context import Context
from esgledger.web.auth import CurrentContext
from esgledger.web.pages.common import page, problems_of, redirect

router = APIRouter(include_in_schema=False)

_MEDIA = {
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _list_page(request: Request, ctx: Context, form: dict[str, Any], **extra: Any) -> Any:
    return page(
        request,
        ctx,
        "reports.html",
        {
            "form": form,
            "langs": report_jobs.LANGS,
            "formats": report_jobs.FORMATS,
            "boundaries": report_jobs.BOUNDARIES,
            "jobs": report_jobs.list_jobs(ctx),
            **extra,
        },
        here="reports",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/reports")
def reports_page(request: Request, ctx: CurrentContext) -> Any:
    form = {
        "period": str(ctx.now().year - 1),
        "langs": {"en", "zh"},
        "formats": {"pdf"},
        "boundary": "operational",
    }
    return _list_page(request, ctx, form)


@router.post("/reports")
async def reports_queue(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()
    langs = [v for v in data.getlist("langs") if isinstance(v, str)]
    formats = [v for v in data.getlist("formats") if isinstance(v, str)]
    raw_period = data.get("period")
    raw_boundary = data.get("boundary")
    period = raw_period if isinstance(raw_period, str) else ""
    boundary = raw_boundary if isinstance(raw_boundary, str) else ""
    form: dict[str, Any] = {
        "period": period,
        "langs": set(langs),
        "formats": set(formats),
        "boundary": boundary,
    }
    try:
        job_id = report_jobs.queue_build(ctx, period, langs, formats, boundary or "operational")
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _list_page(request, ctx, form, problems=problems_of(error))
    return redirect(f"/reports/jobs/{job_id}")


@router.get("/reports/jobs/{job_id}")
def job_page(request: Request, ctx: CurrentContext, job_id: int) -> Any:
    job = report_jobs.get_job(ctx, job_id)
    response = page(request, ctx, "report_job.html", {"job": job}, here="reports")
    if job.state in ("queued", "running"):
        response.headers["Refresh"] = "5"
    return response


@router.get("/reports/jobs/{job_id}/status")
def job_status(ctx: CurrentContext, job_id: int) -> Any:
    job = report_jobs.get_job(ctx, job_id)
    return JSONResponse(
        {
            "id": job.id,
            "state": job.state,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "step": job.step,
            "error": job.error,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/reports/jobs/{job_id}/files/{name}")
def job_download(request: Request, ctx: CurrentContext, job_id: int, name: str) -> Any:
    path = report_jobs.job_file(ctx, job_id, name, request.app.state.settings.data_dir)
    return FileResponse(
        path,
        media_type=_MEDIA.get(path.suffix, "application/octet-stream"),
        filename=path.name,
        content_disposition_type="attachment",
    )
