"""The climate risk and opportunity register: the list, the heat map, the add/edit form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from esgledger.errors import EsgError
from esgledger.services import assess
from esgledger.services.context import Context
from esgledger.web.auth import CurrentContext
from esgledger.web.i18n import lang_of
from esgledger.web.pages.common import page, problems_of, redirect

router = APIRouter(include_in_schema=False)
CATEGORIES, HORIZONS, RISK_COLUMNS = assess.CATEGORIES, assess.HORIZONS, assess.RISK_COLUMNS


def _form_of(item: Any) -> dict[str, str]:
    if item is None:
        return {c: "" for c in RISK_COLUMNS} | {"likelihood": "3", "magnitude": "3"}
    d = item.as_dict()
    out = {c: "" for c in RISK_COLUMNS}
    for c in RISK_COLUMNS:
        v = d.get(c)
        if isinstance(v, list):
            out[c] = "; ".join(str(x) for x in v)
        elif v is not None:
            out[c] = str(v)
    for key in ("current", "anticipated"):
        lo, hi = d[f"{key}_effect_cny"]
        out[f"{key}_effect_min_cny"] = "" if lo is None else f"{lo:g}"
        out[f"{key}_effect_max_cny"] = "" if hi is None else f"{hi:g}"
    return out


def _page(request: Request, ctx: Context, form: dict[str, str], **extra: Any) -> Any:
    register = assess.climate_register(ctx)
    return page(
        request,
        ctx,
        "risks.html",
        {
            "register": register,
            "form": form,
            "categories": CATEGORIES,
            "horizons": HORIZONS,
            **extra,
        },
        here="risks",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/risks")
def risks_page(request: Request, ctx: CurrentContext, edit: str = "") -> Any:
    register = assess.climate_register(ctx)
    item = next((i for i in register.items if i.code == edit), None)
    return _page(request, ctx, _form_of(item))


@router.get("/risks/heatmap.svg")
def heat_map(request: Request, ctx: CurrentContext) -> Any:
    svg = assess.heat_map_svg(ctx, lang_of(request))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post("/risks")
async def risks_save(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()
    form = {c: (v if isinstance(v := data.get(c), str) else "") for c in RISK_COLUMNS}
    horizons = [v for v in data.getlist("horizon") if isinstance(v, str)]
    if horizons:
        form["horizons"] = "; ".join(horizons)
    try:
        assess.save_climate_item(ctx, form)
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _page(request, ctx, form, problems=problems_of(error))
    return redirect("/risks")
