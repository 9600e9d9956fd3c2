"""The one Jinja2 environment of the portal: autoescaped, with the CSRF helpers as globals.

Templates live in ``esgledger/web/templates``. Every HTML form that changes
something includes ``{{ csrf_input() }}`` (a hidden ``csrf_token`` field); a
script sending a request sets the ``X-CSRF-Token`` header to ``csrf_token()``
(also in ``<meta name="csrf-token">`` of the base layout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from markupsafe import Markup

from esgledger.web import csrf

__all__ = ["TEMPLATE_DIR", "render", "templates"]

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
)


@pass_context
def _csrf_token(context: Any) -> str:
    request: Request = context["request"]
    return csrf.token_for(request)


@pass_context
def _csrf_input(context: Any) -> Markup:
    request: Request = context["request"]
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.FORM_FIELD, csrf.token_for(request)
    )


templates.env.globals["csrf_token"] = _csrf_token
templates.env.globals["csrf_input"] = _csrf_input


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render template ``name`` with ``request`` (and ``principal`` when signed in)."""
    data = {"principal": getattr(request.state, "principal", None), **(context or {})}
    response: Response = templates.TemplateResponse(request, name, data, status_code=status_code)
    return response
