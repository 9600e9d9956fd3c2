"""Users, passwords, tokens and separation of duties (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from esgledger.errors import AuthError, ConflictError, InputError, PermissionDenied
from esgledger.services import audit, identity, workflow
from esgledger.services.context import Context, Principal
from store_helpers import batch, obs


@pytest.fixture
def admin(ledger):
    ledger.import_batch(batch(obs()), actor="alice")
    return Context(ledger, Principal.local_admin())


def test_password_sign_in_says_one_thing_for_every_failure(admin) -> None:
    identity.add_user(admin, "ann", role="viewer", password="correct horse")
    p = identity.authenticate_password(admin.ledger, "ann", "correct horse")
    assert (p.username, p.auth, p.roles()) == ("ann", "password", frozenset({"viewer"}))
    messages = set()
    for user, password in (("ann", "wrong password"), ("nobody", "correct horse")):
        with pytest.raises(AuthError) as err:
            identity.authenticate_password(admin.ledger, user, password)
        messages.add(err.value.message)
    identity.disable_user(admin, "ann")
    with pytest.raises(AuthError) as err:
        identity.authenticate_password(admin.ledger, "ann", "correct horse")
    messages.add(err.value.message)
    assert messages == {"unknown user or wrong password"}


def test_passwords_are_argon2id_and_never_audited(admin) -> None:
    identity.add_user(admin, "ann", role="viewer", password="correct horse")
    with admin.ledger.read() as conn:
        from esgledger.store.identity import get_user

        user = get_user(conn, "ann")
    assert user is not None and user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    text = repr([e.payload for e in audit.audit_events(admin)])
    assert "correct horse" not in text and "argon2" not in text
    with pytest.raises(InputError, match="too short"):
        identity.add_user(admin, "bob", role="viewer", password="short")


def test_tokens_are_shown_once_stored_hashed_and_revocable(admin) -> None:
    identity.add_user(admin, "ann", role="submitter", entities=["SUB"])
    token, info = identity.create_token(admin, "ann", expires_days=30, name="upload script")
    assert token.startswith(identity.TOKEN_PREFIX)
    p = identity.authenticate_token(admin.ledger, token)
    assert (p.username, p.auth) == ("ann", "token")
    (listed,) = identity.list_tokens(admin, "ann")
    assert listed.last_used_at is not None and listed.id == info.id
    assert token not in repr([e.payload for e in audit.audit_events(admin)])
    later = datetime.now(UTC) + timedelta(days=31)
    with pytest.raises(AuthError):
        identity.authenticate_token(admin.ledger, token, now=later)
    identity.revoke_token(admin, info.id)
    with pytest.raises(AuthError):
        identity.authenticate_token(admin.ledger, token)
    with pytest.raises(AuthError):
        identity.authenticate_token(admin.ledger, "esgl_not-a-token")


def test_principal_for_refuses_unknown_and_disabled_users(admin) -> None:
    identity.add_user(admin, "ann", role="viewer")
    assert identity.principal_for(admin.ledger, "ann").username == "ann"
    identity.disable_user(admin, "ann")
    with pytest.raises(AuthError):
        identity.principal_for(admin.ledger, "ann")
    with pytest.raises(AuthError):
        identity.principal_for(admin.ledger, "nobody")
    with pytest.raises(ConflictError):
        identity.add_user(admin, "ann", role="viewer")


def test_separation_of_duties(admin) -> None:
    """Whoever entered or submitted a value can neither review nor approve it; an admin
    can switch the rule off for a one-person ledger, and that is audited."""
    for name, role in (("sue", "submitter"), ("rob", "reviewer"), ("max", "manager")):
        identity.add_user(admin, name, role=role)
    sue, rob, mx = (
        Context(admin.ledger, identity.principal_for(admin.ledger, n))
        for n in ("sue", "rob", "max")
    )
    alice = Context(admin.ledger, Principal.local_admin())  # stands in for the enterer below
    assert workflow.separation_of_duties(admin) is True
    assert workflow.submit(sue, "SUB", "2024").changed == 1
    with pytest.raises(PermissionDenied, match="separation of duties: sue"):
        workflow.review(Context(admin.ledger, _with_role(sue, "reviewer")), "SUB", "2024")
    assert workflow.review(rob, "SUB", "2024").changed == 1
    with pytest.raises(PermissionDenied, match="separation of duties"):
        workflow.approve(Context(admin.ledger, _with_role(sue, "manager")), "SUB", "2024")
    assert workflow.approve(mx, "SUB", "2024").locked is True

    # one person doing everything: refused until an administrator switches the rule off
    admin.ledger.import_batch(batch(obs(period="2023")), actor="local-admin")
    workflow.submit(alice, "SUB", "2023")
    with pytest.raises(PermissionDenied):
        workflow.review(alice, "SUB", "2023")
    with pytest.raises(PermissionDenied):
        workflow.set_separation_of_duties(mx, False)  # a manager may not
    assert workflow.set_separation_of_duties(admin, False) is True
    assert workflow.review(alice, "SUB", "2023").changed == 1
    assert workflow.approve(alice, "SUB", "2023").changed == 1
    (event,) = audit.audit_events(admin, action="setting.change")
    assert (event.actor, event.payload) == ("local-admin", {"old": "on", "new": "off"})


def _with_role(ctx: Context, role: str) -> Principal:
    from esgledger.services.context import GROUP, Membership

    name = ctx.principal.username
    return Principal(name, (Membership(name, GROUP, role),))  # type: ignore[arg-type]
