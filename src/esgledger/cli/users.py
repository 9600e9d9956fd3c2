"""Identity commands: ``users`` (add, list, disable, enable, grant, revoke, password) and
``tokens`` (create, list, revoke)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from esgledger.cli.app import add_row, app, console, emit_json, err_console, open_context
from esgledger.errors import InputError
from esgledger.services import identity
from esgledger.services.context import GROUP, ROLES

__all__ = ["tokens_app", "users_app"]

users_app = typer.Typer(
    help="Users of the ledger, their roles and memberships.", no_args_is_help=True
)
tokens_app = typer.Typer(
    help="API tokens: create (shown once), list, revoke.", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
UserArg = Annotated[str, typer.Argument(metavar="USERNAME", help="The user's name.")]
RoleOpt = Annotated[
    str,
    typer.Option("--role", "-r", metavar="ROLE", help=f"One of: {', '.join(ROLES)}."),
]
_ENTITY_HELP = "Entity code whose subtree the role covers (repeatable; default: the whole group)."


def _read_password() -> str:
    """A password from the first line of stdin (never from the command line)."""
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise InputError("no password on standard input")
    return password


@users_app.command("add")
def users_add_cmd(
    username: UserArg,
    role: RoleOpt,
    entity: Annotated[
        list[str] | None,
        typer.Option("--entity", "-e", metavar="CODE", help=_ENTITY_HELP),
    ] = None,
    display_name: Annotated[
        str, typer.Option("--name", metavar="TEXT", help="Display name (default: USERNAME).")
    ] = "",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the user's password (at least 8 characters) from the first line of stdin.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a user with ROLE on the given entities (administrators).

    Roles: admin (users, settings, unlock), manager (all data work, compute,
    report, lock), reviewer (review, approve, reject), submitter (enter,
    import, submit), viewer (read), auditor (read everything and the audit
    trail). Without a password the user can act through --as or a token.
    """
    password = _read_password() if password_stdin else None
    with open_context() as ctx:
        info = identity.add_user(
            ctx,
            username,
            role=role,
            entities=entity or (),
            password=password,
            display_name=display_name,
        )
    if as_json:
        emit_json(info.as_dict())
        return
    where = ", ".join(f"{r} on {'the group' if e == GROUP else e}" for e, r in info.memberships)
    console.print(f"added user {info.username}: {where}", markup=False)


@users_app.command("list")
def users_list_cmd(as_json: JsonOpt = False) -> None:
    """List users, whether they can sign in, and their memberships."""
    with open_context() as ctx:
        found = identity.list_users(ctx)
    if as_json:
        emit_json([u.as_dict() for u in found])
        return
    table = Table(title=f"{len(found)} users")
    for col in ("user", "name", "status", "password", "memberships"):
        table.add_column(col)
    for u in found:
        add_row(
            table,
            u.username,
            u.display_name,
            "disabled" if u.disabled else "active",
            "yes" if u.has_password else "no",
            ", ".join(f"{r}@{e}" for e, r in u.memberships) or "-",
        )
    console.print(table)


@users_app.command("disable")
def users_disable_cmd(username: UserArg) -> None:
    """Disable a user: no sign-in, tokens or --as any more (their history stays)."""
    with open_context() as ctx:
        identity.disable_user(ctx, username)
    console.print(f"disabled user {username}", markup=False)


@users_app.command("enable")
def users_enable_cmd(username: UserArg) -> None:
    """Enable a disabled user again."""
    with open_context() as ctx:
        identity.enable_user(ctx, username)
    console.print(f"enabled user {username}", markup=False)


@users_app.command("grant")
def users_grant_cmd(
    username: UserArg,
    role: RoleOpt,
    entity: Annotated[
        str, typer.Option("--entity", "-e", metavar="CODE", help="Entity code, or * for the group.")
    ] = GROUP,
) -> None:
    """Give a user ROLE on an entity and its subtree (default: the whole group)."""
    with open_context() as ctx:
        added = identity.add_membership(ctx, username, entity, role)
    what = "granted" if added else "already held"
    console.print(f"{what}: {username} {role} on {entity}", markup=False)


@users_app.command("revoke")
def users_revoke_cmd(
    username: UserArg,
    entity: Annotated[
        str, typer.Option("--entity", "-e", metavar="CODE", help="Entity code, or * for the group.")
    ] = GROUP,
    role: Annotated[
        str | None,
        typer.Option("--role", "-r", metavar="ROLE", help="Only this role (default: all)."),
    ] = None,
) -> None:
    """Take away a user's memberships on an entity."""
    with open_context() as ctx:
        n = identity.remove_membership(ctx, username, entity, role)
    console.print(f"removed {n} membership(s) of {username} on {entity}", markup=False)


@users_app.command("password")
def users_password_cmd(username: UserArg) -> None:
    """Set a user's password from the first line of stdin (administrators)."""
    password = _read_password()
    with open_context() as ctx:
        identity.set_password(ctx, username, password)
    console.print(f"password of {username} set", markup=False)


@tokens_app.command("create")
def tokens_create_cmd(
    username: UserArg,
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", metavar="N", help="Expire after N days (default: never)."),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", metavar="TEXT", help="What the token is for.")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """Create an API token for a user and print it once (it is stored only as a hash)."""
    with open_context() as ctx:
        token, info = identity.create_token(ctx, username, expires_days=expires_days, name=name)
    if as_json:
        emit_json(info.as_dict() | {"token": token})
        return
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    expiry = info.expires_at.date().isoformat() if info.expires_at else "never"
    err_console.print(
        f"token {info.id} for {username} (expires: {expiry}); it is shown only this once",
        markup=False,
    )


@tokens_app.command("list")
def tokens_list_cmd(
    username: Annotated[
        str | None, typer.Argument(metavar="USERNAME", help="Only this user's tokens.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List API tokens (never the tokens themselves)."""
    with open_context() as ctx:
        found = identity.list_tokens(ctx, username)
    if as_json:
        emit_json([t.as_dict() for t in found])
        return
    table = Table(title=f"{len(found)} tokens")
    for col in ("id", "user", "name", "created", "expires", "last used", "revoked"):
        table.add_column(col)
    for t in found:
        d = t.as_dict()
        add_row(
            table,
            t.id,
            t.username,
            t.name,
            str(d["created_at"])[:19],
            str(d["expires_at"] or "never")[:19],
            str(d["last_used_at"] or "-")[:19],
            str(d["revoked_at"] or "-")[:19],
        )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke_cmd(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id (tokens list).")],
) -> None:
    """Revoke an API token; it stops working at once."""
    with open_context() as ctx:
        identity.revoke_token(ctx, token_id)
    console.print(f"revoked token {token_id}", markup=False)
