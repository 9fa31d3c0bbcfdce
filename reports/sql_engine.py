"""Run a page's named queries against the published warehouse, read-only.

Evidence resolves `${other_query}` inside a query to that query as a subquery and
`${params.x}` to the value of a templated page's parameter; this module does the same (the
parameter is bound, never pasted into SQL). Before running anything it checks that every
table a query reads is schema-qualified, lives in a schema the site may show (the public
site never reads `marts_restricted`) and exists; a missing table listed as pending in
`site.toml` makes the query *unavailable* (the page shows a notice) instead of failing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from reports.errors import PageBuildError
from reports.page_format import Page, QueryBlock

_REF = re.compile(r"'?\$\{\s*([A-Za-z_][\w.]*)\s*\}'?")
_MISSING_COLUMN = re.compile(r'Referenced column "?([^"\s]+)"? not found')
_MISSING_TABLE = re.compile(r'Table with name "?([^"\s!]+)"? does not exist')


@dataclass
class QueryResult:
    """The rows of one query, with its column names in order."""

    name: str
    columns: list[str]
    rows: list[tuple]

    def records(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def frame(self) -> pd.DataFrame:
        """A DataFrame for charts: decimals become floats, dates become timestamps."""

        def convert(value: object) -> object:
            if isinstance(value, Decimal):
                return float(value)
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return pd.Timestamp(value)
            return value

        return pd.DataFrame(
            [[convert(v) for v in row] for row in self.rows], columns=self.columns, dtype=object
        ).infer_objects()


@dataclass
class Unavailable:
    """A query that reads a pending mart that is not in the warehouse yet."""

    name: str
    missing: list[str]


class Warehouse:
    """A read-only connection to the published warehouse and the list of its tables.

    `duckdb_config`: a large company's pages read marts of millions of rows, so the
    connection keeps to the run's memory limit and spills beyond it, into an owner-only
    folder of the process's own (the orchestration's `Settings.reader_duckdb_config`). Each
    file gets its own folder in turn (the file's name is added): DuckDB names its spill files
    alike, and the digests hold the public and the restricted file open at once.
    """

    def __init__(self, path: Path, duckdb_config: Mapping[str, str] | None = None) -> None:
        if not path.is_file():
            raise FileNotFoundError(
                f"published warehouse {path} does not exist: run `spm run` first"
            )
        self.path = path
        # external access off first: DuckDB refuses a spill folder given before it (1.5)
        config = {"enable_external_access": "false", **(duckdb_config or {})}
        if "temp_directory" in config:
            config["temp_directory"] += f"-{path.stem}"
        self.con = duckdb.connect(str(path), read_only=True, config=config)
        self.tables = {
            f"{schema}.{name}".lower()
            for schema, name in self.con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }

    def close(self) -> None:
        self.con.close()


def tables_read(sql: str) -> list[str]:
    """Every table name a query reads (`schema.table`, or a bare name), CTEs excluded."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="duckdb") if t is not None]
    except sqlglot.errors.ParseError:
        return re.findall(r"(?i)\b(?:from|join)\s+([A-Za-z_][\w.]*)", sql)
    found: list[str] = []
    for tree in trees:
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        for table in tree.find_all(exp.Table):
            if not table.name or isinstance(table.this, exp.Anonymous):
                continue
            if not table.db and table.name.lower() in ctes:
                continue
            name = f"{table.db}.{table.name}" if table.db else table.name
            if name.lower() not in (f.lower() for f in found):
                found.append(name)
    return found


class PageQueries:
    """Resolves, checks and runs the queries of one page for one set of parameters."""

    def __init__(
        self,
        page: Page,
        warehouse: Warehouse,
        allowed_schemas: frozenset[str],
        pending: frozenset[str],
    ) -> None:
        self.page = page
        self.warehouse = warehouse
        self.allowed = allowed_schemas
        self.pending = pending
        self._checked: dict[str, list[str]] = {}

    def check(self) -> None:
        """Check references and tables of every query (once per page, not per parameter)."""
        for block in self.page.queries.values():
            self._missing_marts(block.name, ())

    def _missing_marts(self, name: str, stack: tuple[str, ...]) -> list[str]:
        """Pending marts missing for `name` (through its references); errors for the rest."""
        if name in self._checked:
            return self._checked[name]
        block = self.page.queries[name]
        missing: list[str] = []
        for ref in self._refs(block):
            if ref.startswith("params."):
                continue
            if ref in stack or ref == name:
                raise PageBuildError(
                    self.page.path,
                    block.line_of("${" + ref),
                    ref,
                    f"query {name!r} and {ref!r} reference each other in a cycle",
                )
            missing += self._missing_marts(ref, (*stack, name))
        own_sql = _REF.sub("(select 1)", block.sql)
        for table in tables_read(own_sql):
            lowered = table.lower()
            line = block.line_of(table.split(".")[-1])
            if "." not in lowered:
                raise PageBuildError(
                    self.page.path,
                    line,
                    table,
                    f"query {name!r} reads table {table!r} without a schema: write marts.{table}",
                )
            schema = lowered.split(".")[-2]
            if schema not in self.allowed:
                raise PageBuildError(
                    self.page.path,
                    line,
                    table,
                    f"query {name!r} reads {table!r}, but this site may only read "
                    f"{', '.join(sorted(self.allowed))}",
                )
            key = ".".join(lowered.split(".")[-2:])
            if key in self.warehouse.tables:
                continue
            if key in self.pending:
                missing.append(key)
                continue
            raise PageBuildError(
                self.page.path,
                line,
                table,
                f"query {name!r} reads table {table!r}, which does not exist in "
                f"{self.warehouse.path.name}",
            )
        self._checked[name] = sorted(set(missing))
        return self._checked[name]

    def _refs(self, block: QueryBlock) -> list[str]:
        refs = []
        for match in _REF.finditer(block.sql):
            ref = match.group(1)
            if ref.startswith("params."):
                continue
            if ref not in self.page.queries:
                raise PageBuildError(
                    self.page.path,
                    block.line_of("${" + ref),
                    ref,
                    f"query {block.name!r} references ${{{ref}}}, which is not a query of "
                    "this page",
                )
            refs.append(ref)
        return refs

    def resolve(self, name: str, params: dict[str, str]) -> str:
        """The runnable SQL of `name`: references inlined as subqueries, params as `$name`."""
        block = self.page.queries[name]

        def substitute(match: re.Match[str]) -> str:
            ref = match.group(1)
            if ref.startswith("params."):
                key = ref.split(".", 1)[1]
                if key not in params:
                    raise PageBuildError(
                        self.page.path,
                        block.line_of(ref),
                        ref,
                        f"query {name!r} uses ${{{ref}}}, but this page has no [{key}] parameter",
                    )
                return f"${key}"
            quoted = match.group(0)
            inner = f"({self.resolve(ref, params)})"
            return (
                (quoted[0] if quoted.startswith("'") else "")
                + inner
                + (quoted[-1] if quoted.endswith("'") else "")
            )

        return _REF.sub(substitute, block.sql)

    def run_all(self, params: dict[str, str]) -> dict[str, QueryResult | Unavailable]:
        self.check()
        results: dict[str, QueryResult | Unavailable] = {}
        for name, block in self.page.queries.items():
            missing = self._checked[name]
            if missing:
                results[name] = Unavailable(name, missing)
                continue
            results[name] = self._run(block, params)
        return results

    def _run(self, block: QueryBlock, params: dict[str, str]) -> QueryResult:
        sql = self.resolve(block.name, params)
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        try:
            cursor = self.warehouse.con.execute(sql, used)
            rows = cursor.fetchall()
            columns = [d[0] for d in cursor.description]
        except duckdb.Error as exc:
            raise self._error(block, exc) from exc
        return QueryResult(block.name, columns, rows)

    def _error(self, block: QueryBlock, exc: duckdb.Error) -> PageBuildError:
        message = str(exc).splitlines()[0]
        column = _MISSING_COLUMN.search(str(exc))
        if column:
            name = column.group(1)
            return PageBuildError(
                self.page.path,
                self._line_anywhere(block, name),
                name,
                f"query {block.name!r} reads column {name!r}, which does not exist ({message})",
            )
        table = _MISSING_TABLE.search(str(exc))
        name = table.group(1) if table else block.name
        return PageBuildError(
            self.page.path,
            block.line_of(name) if table else block.line,
            name,
            f"query {block.name!r} failed: {message}",
        )

    def _line_anywhere(self, block: QueryBlock, needle: str) -> int:
        """The line of `needle` in this block, or in a block it references."""
        for candidate in (block, *(self.page.queries[r] for r in self._refs(block))):
            if re.search(re.escape(needle), candidate.sql, re.IGNORECASE):
                return candidate.line_of(needle)
        return block.line


def run_params_sql(sql: str, page: str, warehouse: Warehouse, allowed: frozenset[str]) -> list[str]:
    """The parameter values of a templated page, from its `params_sql` in site.toml."""
    for table in tables_read(sql):
        schema = table.lower().split(".")[-2] if "." in table else ""
        if schema not in allowed or ".".join(table.lower().split(".")[-2:]) not in (
            warehouse.tables
        ):
            raise PageBuildError(
                page,
                1,
                table,
                f"params_sql in site.toml reads {table!r}, which is missing "
                "or outside the schemas this site may read",
            )
    try:
        return [str(row[0]) for row in warehouse.con.execute(sql).fetchall() if row[0] is not None]
    except duckdb.Error as exc:
        raise PageBuildError(page, 1, "params_sql", f"params_sql failed: {exc}") from exc
