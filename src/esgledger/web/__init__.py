"""The web portal and JSON API: a thin FastAPI adapter over :mod:`esgledger.services`.

- :mod:`esgledger.web.app`: :func:`create_app` (settings → FastAPI app);
- :mod:`esgledger.web.auth`: who is asking (session cookie or Bearer token);
- :mod:`esgledger.web.csrf`: the CSRF token every state-changing request carries;
- :mod:`esgledger.web.problems`: every error as RFC 9457 ``application/problem+json``;
- :mod:`esgledger.web.security`: security headers, allowed hosts, body size limit;
- :mod:`esgledger.web.signin`: sign-in, sign-out and password change (pages and API);
- :mod:`esgledger.web.api`: the JSON API under ``/api/v1``;
- :mod:`esgledger.web.pages`: the portal's HTML pages.

Routes parse the request, call one service and shape the answer: no SQL and
no rule lives here (``tests/test_layering.py`` checks the imports).
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from esgledger.web.app import create_app

        return create_app
    raise AttributeError(name)
