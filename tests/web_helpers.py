"""A served ledger for web tests: the portal test group, one user per role, API tokens.

Users, each with an API token: ``admin`` (admin, group), ``manager`` (group),
``rev_a`` / ``sub_a`` / ``view_a`` (reviewer / submitter / viewer on plant A),
``sub_b`` (submitter on plant B), ``auditor`` (group). ``sub_a``, ``sub_b`` and
``view_a`` can also sign in with ``PASSWORD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from esgledger.services import identity
from esgledger.services.context import Context, Principal
from esgledger.settings import Settings
from esgledger.store import Ledger
from esgledger.web.app import create_app
from portal_helpers import seed

PASSWORD = "correct horse battery staple"
SIGN_IN_USERS = frozenset({"sub_a", "sub_b", "view_a"})
SECRET = "k" * 40
USERS: dict[str, tuple[str, str]] = {
    "admin": ("admin", "*"),
    "manager": ("manager", "*"),
    "rev_a": ("reviewer", "A"),
    "sub_a": ("submitter", "A"),
    "view_a": ("viewer", "A"),
    "sub_b": ("submitter", "B"),
    "auditor": ("auditor", "*"),
}


@dataclass
class Portal:
    app: FastAPI
    ledger: Ledger
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, user: str | None = None) -> TestClient:
        """A client; with ``user``: authenticating by that user's API token."""
        c = TestClient(self.app, raise_server_exceptions=False)
        if user is not None:
            c.headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return c

    def sign_in(self, user: str, password: str = PASSWORD) -> TestClient:
        """A browser-like client signed in with the form (cookie session)."""
        c = TestClient(self.app, raise_server_exceptions=False)
        r = c.post(
            "/login",
            data={"username": user, "password": password, "csrf_token": csrf_of(c)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        return c


def csrf_of(c: TestClient, page: str = "/login") -> str:
    html = c.get(page).text
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def settings_for(url: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url,
        "secret_key": SECRET,
        "allowed_hosts": "testserver",
        **extra,
    }
    return Settings(**values)  # type: ignore[arg-type]


def make_portal(url: str, tmp: Path, **settings: object) -> Portal:
    ledger = Ledger.open(url)
    seed(ledger, tmp)
    admin = Context(ledger, Principal.local_admin())
    portal = Portal(create_app(settings_for(url, **settings), ledger=ledger), ledger)
    for name, (role, entity) in USERS.items():
        # argon2 costs time: only the users the tests sign in with get a password
        password = PASSWORD if name in SIGN_IN_USERS else None
        identity.add_user(admin, name, role=role, entities=[entity], password=password)
        portal.tokens[name] = identity.create_token(admin, name)[0]
    return portal
