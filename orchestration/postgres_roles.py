"""The reader roles of the PostgreSQL publication, and grants that outlive a schema swap.

`spm_reader` reads `marts` and `quarantine`, `spm_pay_reader` also `marts_restricted`. The
product creates them without login and never sets a password: the operator grants them to
login roles. The publication replaces whole schemas, so every grant on the old schemas and
their tables (to these roles or any other) is copied onto the new ones before the swap.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

PUBLIC_SCHEMAS = ("marts", "quarantine")
PAY_SCHEMAS = ("marts_restricted",)
READER_ROLE = "spm_reader"
PAY_READER_ROLE = "spm_pay_reader"


class RoleSetupError(RuntimeError):
    """A reader role is missing and the publishing user may not create it."""


def ensure_roles(conn: psycopg.Connection) -> list[str]:
    """Create `spm_reader` and `spm_pay_reader` (NOLOGIN) when missing; return those created."""
    created = []
    for role in (READER_ROLE, PAY_READER_ROLE):
        exists = conn.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone()
        if exists:
            continue
        try:
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise RoleSetupError(
                f"role {role} does not exist and the publishing user may not create it "
                f"({exc.diag.message_primary}): create it once as a superuser with "
                f"`create role {role} nologin`, or give the publishing user CREATEROLE"
            ) from exc
        created.append(role)
    return created


def grant_schema(conn: psycopg.Connection, schema: str, target_schema: str) -> None:
    """Grant the reader roles on `schema` (named `target_schema` once published)."""
    roles: list[str] = []
    if target_schema in PUBLIC_SCHEMAS:
        roles = [READER_ROLE, PAY_READER_ROLE]
    elif target_schema in PAY_SCHEMAS:
        roles = [PAY_READER_ROLE]
    for role in roles:
        conn.execute(
            sql.SQL("grant usage on schema {s} to {r}").format(
                s=sql.Identifier(schema), r=sql.Identifier(role)
            )
        )
        conn.execute(
            sql.SQL("grant select on all tables in schema {s} to {r}").format(
                s=sql.Identifier(schema), r=sql.Identifier(role)
            )
        )


def schema_exists(conn: psycopg.Connection, schema: str) -> bool:
    return bool(conn.execute("select 1 from pg_namespace where nspname = %s", [schema]).fetchone())


def carry_over_privileges(conn: psycopg.Connection, old: str, new: str) -> None:
    """Re-grant on schema `new` and its tables what was granted on `old` and its namesakes."""
    owner_filter = "and a.grantee <> n.nspowner"
    schema_grants = conn.execute(
        "select a.grantee, a.privilege_type, a.is_grantable "
        "from pg_namespace n, aclexplode(n.nspacl) a "
        f"where n.nspname = %s {owner_filter}",
        [old],
    ).fetchall()
    for grantee, privilege, grantable in schema_grants:
        conn.execute(
            sql.SQL("grant {p} on schema {s} to {g}{o}").format(
                p=sql.SQL(privilege),
                s=sql.Identifier(new),
                g=_grantee(conn, grantee),
                o=sql.SQL(" with grant option" if grantable else ""),
            )
        )
    table_grants = conn.execute(
        "select c.relname, a.grantee, a.privilege_type, a.is_grantable "
        "from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a "
        "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm') "
        "and a.grantee <> c.relowner "
        "and exists (select 1 from pg_class c2 join pg_namespace n2 on n2.oid = c2.relnamespace "
        "where n2.nspname = %s and c2.relname = c.relname)",
        [old, new],
    ).fetchall()
    for table, grantee, privilege, grantable in table_grants:
        conn.execute(
            sql.SQL("grant {p} on table {t} to {g}{o}").format(
                p=sql.SQL(privilege),
                t=sql.Identifier(new, table),
                g=_grantee(conn, grantee),
                o=sql.SQL(" with grant option" if grantable else ""),
            )
        )


def _grantee(conn: psycopg.Connection, oid: int) -> sql.Composable:
    if oid == 0:
        return sql.SQL("public")
    name = conn.execute("select rolname from pg_roles where oid = %s", [oid]).fetchone()[0]
    return sql.Identifier(name)
