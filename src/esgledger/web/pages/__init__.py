"""The portal's HTML pages (start page, campaigns, data entry, review, admin...).

``router`` is included by :func:`esgledger.web.app.create_app`. Pages depend on
:data:`esgledger.web.auth.CurrentContext` (a 401 becomes a redirect to the
sign-in form), render through :func:`esgledger.web.templating.render`, and put
``{{ csrf_input() }}`` in every form that changes something.
"""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
