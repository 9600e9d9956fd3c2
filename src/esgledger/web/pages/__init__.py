"""The portal's HTML pages: start page, campaigns, data entry, review, locks, audit, admin.

``router`` is included by :func:`esgledger.web.app.create_app`. Pages depend on
:data:`esgledger.web.auth.CurrentContext` (a 401 becomes a redirect to the
sign-in form), call services only, render ``templates/portal/*.html`` through
:func:`esgledger.web.pages.common.page` in the user's language
(:mod:`esgledger.web.i18n`), and put ``{{ csrf_input() }}`` in every form that
changes something. Styles and scripts are static files (the CSP forbids inline
ones): ``static/portal.css`` and ``static/portal.js``.
"""

from __future__ import annotations

from fastapi import APIRouter

from esgledger.web.pages import (
    admin,
    campaigns,
    common,
    energy,
    entry,
    home,
    reports,
    results,
    review,
    risks,
    surveys,
)

__all__ = ["router"]

common.install_globals()

router = APIRouter(include_in_schema=False)
for _module in (home, campaigns, entry, review, admin, results, energy, reports, surveys, risks):
    router.include_router(_module.router)
