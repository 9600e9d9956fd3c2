"""What every portal page shares: rendering with the language, permissions and formatting.

Pages render ``portal/*.html`` through :func:`page`, which adds the language,
the user's permissions (for the navigation) and entity and indicator names.
A short message after a redirect travels as ``?flash=KEY&...`` with a key from
:data:`FLASH_KEYS` (its fields are escaped text, never markup).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from jinja2 import pass_context

from esgledger.errors import EsgError, Problem
from esgledger.services import entities as entity_service
from esgledger.services import entry
from esgledger.services.authz import GLOBAL_READERS, ROLE_ACTIONS
from esgledger.services.context import GROUP, Context, Principal
from esgledger.web.i18n import expected_text, lang_of, translate
from esgledger.web.templating import render, templates

__all__ = [
    "FLASH_KEYS",
    "can",
    "fmt",
    "page",
    "pct",
    "problems_of",
    "redirect",
    "safe_next",
]

FLASH_KEYS = frozenset(
    {
        "entry.saved",
        "entry.submitted",
        "review.done_approve",
        "review.done_reject",
        "locks.done",
        "locks.unlocked",
        "outbox.queued",
        "outbox.sent",
        "quality.acked",
        "energy.acked",
    }
)


def can(principal: Principal | None, action: str) -> bool:
    """Whether any of the user's roles allows ``action`` somewhere (for navigation only)."""
    if principal is None:
        return False
    if principal.is_local_admin:
        return True
    return any(action in ROLE_ACTIONS[m.role] for m in principal.memberships)


def fmt(value: float | None) -> str:
    """A number for a table: thousands separated, at most four decimals, no trailing zeros."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text


def pct(share: float | None) -> str:
    if share is None:
        return "—"
    return f"{share * 100:+.1f} %"


def safe_next(target: str | None) -> str:
    """A local path to go back to (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def redirect(path: str, flash: str | None = None, **fields: object) -> RedirectResponse:
    if flash is not None:
        query = urlencode({"flash": flash, **{k: str(v) for k, v in fields.items()}})
        path += ("&" if "?" in path else "?") + query
    return RedirectResponse(path, status_code=303)


def problems_of(error: EsgError) -> list[Problem]:
    """The error's problems, or one problem carrying its message."""
    if error.problems:
        return list(error.problems)
    text = error.message + (f" — {error.hint.text}" if error.hint else "")
    return [Problem("form", None, None, None, text)]


def _flashes(request: Request, lang: str) -> list[tuple[str, str]]:
    key = request.query_params.get("flash")
    if key not in FLASH_KEYS:
        return []
    fields = {k: v[:200] for k, v in request.query_params.items() if k != "flash"}
    try:
        return [("ok", translate(lang, key, **fields))]
    except (KeyError, IndexError, ValueError):
        return []


def page(
    request: Request,
    ctx: Context | None,
    name: str,
    data: Mapping[str, Any] | None = None,
    *,
    here: str = "",
    status_code: int = 200,
) -> Any:
    """Render ``portal/<name>`` for the signed-in user."""
    lang = lang_of(request)
    names: dict[str, tuple[str, str]] = {}
    if ctx is not None:
        try:
            names = {e.code: (e.name_en, e.name_zh) for e in entity_service.list_entities(ctx)}
        except EsgError:
            names = {}
    flashes = _flashes(request, lang) + list((data or {}).get("flashes", []))
    context = {
        "here": here,
        "lang": lang,
        "names": names,
        **(data or {}),
        "flashes": flashes,
    }
    if ctx is not None:
        request.state.principal = ctx.principal
    return render(request, f"portal/{name}", context, status_code=status_code)


# -- template globals ------------------------------------------------------------------


@pass_context
def _t(context: Any, key: str, **fields: Any) -> str:
    return translate(context.get("lang") or lang_of(context["request"]), key, **fields)


@pass_context
def _ui_lang(context: Any) -> str:
    return str(context.get("lang") or lang_of(context["request"]))


@pass_context
def _can(context: Any, action: str) -> bool:
    return can(context.get("principal"), action)


@pass_context
def _entity_name(context: Any, code: str) -> str:
    pair = (context.get("names") or {}).get(code)
    if pair is None:
        return code
    name = pair[1] if context.get("lang") == "zh" else pair[0]
    return name or code


@pass_context
def _indicator_name(context: Any, code: str) -> str:
    ind = entry.indicator_catalogue().get(code)
    if ind is None:
        return code
    return ind.name_zh if context.get("lang") == "zh" else ind.name_en


@pass_context
def _nav_items(context: Any) -> list[tuple[str, str]]:
    p = context.get("principal")
    items = [("home", "/"), ("campaigns", "/campaigns")]
    if can(p, "data.review"):
        items.append(("review", "/review"))
    if can(p, "data.read"):
        items.append(("energy", "/energy"))
    if can(p, "data.enter"):
        items.append(("upload", "/upload"))
    if can(p, "period.lock") or can(p, "period.unlock") or can(p, "audit.read"):
        items.append(("locks", "/locks"))
    if can(p, "results.read"):
        items += [("results", "/results"), ("targets", "/targets")]
        if p is not None and (
            p.is_local_admin
            or any(m.entity == GROUP or m.role in GLOBAL_READERS for m in p.memberships)
        ):
            items.append(("coverage", "/coverage"))  # the group's report: group-wide
    if can(p, "quality.read"):
        items.append(("quality", "/quality"))
    if can(p, "audit.read"):
        items.append(("audit", "/audit"))
    if can(p, "users.manage"):
        items.append(("users", "/admin/users"))
    if can(p, "campaigns.manage"):
        items.append(("outbox", "/admin/outbox"))
    if can(p, "report.build"):
        items.append(("reports", "/reports"))
    if can(p, "assess.manage"):
        items.append(("surveys", "/surveys"))
        items.append(("risks", "/risks"))
    return items


@pass_context
def _expected(context: Any, text: str) -> str:
    return expected_text(context.get("lang") or "en", text)


def install_globals() -> None:
    env = templates.env
    env.filters["expected"] = _expected
    env.globals.update(
        t=_t,
        ui_lang=_ui_lang,
        can=_can,
        entity_name=_entity_name,
        indicator_name=_indicator_name,
        nav_items=_nav_items,
        fmt=fmt,
        pct=pct,
    )
    env.globals.setdefault("flashes", [])
