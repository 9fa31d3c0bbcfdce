"""The vocabulary the suites are written in: frames (what to read) and checks (what to expect).

A *frame* is the slice of one warehouse table a group of rules needs: only the columns they
look at, filtered the way the consumer reads the table (current scd2 version, not
soft-deleted), plus derived measures (e.g. days from created to close). Reading a frame is
the only SQL that runs; every rule itself is a Great Expectations expectation evaluated on the
frame as a pandas DataFrame (GX 1.x on DuckDB through SQLAlchemy fails every expectation, so
the data goes through pandas on purpose).

A *check* is one named rule on one asset, with a severity: one expectation on a row frame
(so its failing-row count is exact), or a few expectations on a one-row summary frame
(freshness, drift). Expectation arguments may depend on the run (the as-of date, the
configured thresholds, the previous load's counts): give a callable taking `Params`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from data_quality.config import QualityConfig
from data_quality.spec import CheckSpec, Severity


@dataclass(frozen=True)
class PreviousCount:
    """A table's row count at the last successful (published) load."""

    row_count: int
    recorded_at: str


@dataclass(frozen=True)
class Params:
    """What a rule may depend on at run time.

    `stages`: the company's stage names (MasterLabel and ApiName of the loaded
    `raw_crm.opportunity_stage`, or, without that export, every stage its opportunities and
    history carry). `currencies`: what the company can convert (the corporate currency plus
    every currency with an FX rate). `deal_total`: the sum of every live opportunity's
    amount in the CRM (record currencies at face value), the scale of the company that
    ceilings on company-wide figures grow with. All are read from the work warehouse by
    `run_checks`.
    """

    as_of: dt.date
    config: QualityConfig
    previous_counts: Mapping[str, PreviousCount] = field(default_factory=dict)
    stages: tuple[str, ...] = ()
    currencies: tuple[str, ...] = ()
    deal_total: float = 0.0


Value = Any | Callable[[Params], Any]
SqlText = str | Callable[[Params], str]


def resolve(value: Value, params: Params) -> Any:
    return value(params) if callable(value) else value


def ident(name: str) -> str:
    """A quoted SQL identifier: raw columns such as `timestamp`, `type`, `date` are keywords."""
    return '"' + name.replace('"', '""') + '"'


def table_ref(table: str) -> str:
    schema, name = table.split(".")
    return f"{ident(schema)}.{ident(name)}"


def date_literal(day: dt.date) -> str:
    return f"date '{day.isoformat()}'"


@dataclass(frozen=True)
class Frame:
    """A named query whose result GX validates; `reads` lists every table column it touches."""

    name: str
    sql: Callable[[Params], str]
    reads: Mapping[str, tuple[str, ...]]
    key: tuple[str, ...] = ()
    summary: bool = False
    sampling: bool = False


def table_frame(
    name: str,
    table: str,
    columns: Sequence[str],
    *,
    key: Sequence[str],
    derived: Mapping[str, SqlText] | None = None,
    current_only: bool = False,
    live_only: bool = False,
    where: SqlText | None = None,
    where_reads: Sequence[str] = (),
    sampling: bool = False,
) -> Frame:
    """A frame over one table.

    current_only: keep the current scd2 version (`_dlt_valid_to is null`), as every consumer
    does. live_only: drop soft-deleted CRM rows (`is_deleted`), which dbt staging drops too,
    so their content cannot reach a mart. derived: alias -> SQL expression over `columns`.
    sampling: rules on this frame tolerate a reservoir sample of a very large table.
    """
    plain = list(dict.fromkeys([*key, *columns]))
    reads = list(plain) + list(where_reads)
    if current_only:
        reads.append("_dlt_valid_to")
    if live_only:
        reads.append("is_deleted")
    derived = dict(derived or {})

    def sql(params: Params) -> str:
        select = [ident(c) for c in plain]
        select += [f"{resolve(expr, params)} as {ident(alias)}" for alias, expr in derived.items()]
        filters = []
        if current_only:
            filters.append('"_dlt_valid_to" is null')
        if live_only:
            filters.append('coalesce("is_deleted", false) = false')
        if where is not None:
            filters.append(f"({resolve(where, params)})")
        clause = f" where {' and '.join(filters)}" if filters else ""
        # sampled frames are not sorted: sorting millions of rows to sample them costs more
        # than the validation, and the sample's row order carries no meaning
        order = "" if sampling else ", ".join(ident(c) for c in key)
        return f"select {', '.join(select)} from {table_ref(table)}{clause}" + (
            f" order by {order}" if order else ""
        )

    return Frame(
        name=name,
        sql=sql,
        reads={table: tuple(dict.fromkeys(reads))},
        key=tuple(key),
        sampling=sampling,
    )


@dataclass(frozen=True)
class Expect:
    """One GX expectation by class name (`great_expectations.expectations.<kind>`)."""

    kind: str
    kwargs: Mapping[str, Value]

    def columns(self) -> tuple[str, ...]:
        cols = [self.kwargs.get(k) for k in ("column", "column_A", "column_B")]
        return tuple(c for c in cols if isinstance(c, str))

    def resolved(self, params: Params) -> dict[str, Any]:
        return {k: resolve(v, params) for k, v in self.kwargs.items()}

    @property
    def aggregate(self) -> bool:
        """Column-aggregate expectations (median, max...) judge the column, not each row."""
        return not self.kind.startswith(("ExpectColumnValues", "ExpectColumnPairValues"))


_NAME = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class GxCheck:
    """A `CheckSpec` with what it needs to run: its frame and its expectation(s)."""

    spec: CheckSpec
    frame: Frame
    expectations: tuple[Expect, ...]
    context_columns: tuple[str, ...] = ()
    skip_when_empty: bool = False
    # Summary checks: words for the one summary row (e.g. "newest record is 5 days old").
    explain: Callable[[Mapping[str, Any]], str] | None = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.spec.name):
            raise ValueError(f"check name {self.spec.name!r} must match {_NAME.pattern}")
        if not self.expectations:
            raise ValueError(f"check {self.spec.name} has no expectation")
        if len(self.expectations) > 1 and not self.frame.summary:
            # One expectation per row check keeps its failing-row count exact.
            raise ValueError(f"check {self.spec.name}: several expectations need a summary frame")

    def sample_columns(self) -> tuple[str, ...]:
        cols = [*self.frame.key, *self.context_columns]
        for expectation in self.expectations:
            cols.extend(expectation.columns())
        return tuple(dict.fromkeys(cols))


def make_check(
    name: str,
    asset: tuple[str, ...],
    severity: Severity,
    description: str,
    frame: Frame,
    *expectations: Expect,
    context: Sequence[str] = (),
    skip_when_empty: bool = False,
    explain: Callable[[Mapping[str, Any]], str] | None = None,
) -> GxCheck:
    return GxCheck(
        spec=CheckSpec(name=name, asset_key=asset, severity=severity, description=description),
        frame=frame,
        expectations=tuple(expectations),
        context_columns=tuple(context),
        skip_when_empty=skip_when_empty,
        explain=explain,
    )


def _table_of(asset: tuple[str, ...]) -> str:
    return asset[-1]


def not_null(
    frame: Frame, asset: tuple[str, ...], column: str, severity: Severity, why: str
) -> GxCheck:
    return make_check(
        f"{_table_of(asset)}__{column}_not_null",
        asset,
        severity,
        f"`{column}` is never null: {why}",
        frame,
        Expect("ExpectColumnValuesToNotBeNull", {"column": column}),
    )


def between(
    frame: Frame,
    asset: tuple[str, ...],
    column: str,
    severity: Severity,
    description: str,
    *,
    name: str,
    min_value: Value = None,
    max_value: Value = None,
    strict_min: bool = False,
    context: Sequence[str] = (),
) -> GxCheck:
    kwargs: dict[str, Value] = {"column": column}
    if min_value is not None:
        kwargs["min_value"] = min_value
        kwargs["strict_min"] = strict_min
    if max_value is not None:
        kwargs["max_value"] = max_value
    return make_check(
        f"{_table_of(asset)}__{name}",
        asset,
        severity,
        description,
        frame,
        Expect("ExpectColumnValuesToBeBetween", kwargs),
        context=context,
    )


def in_set(
    frame: Frame,
    asset: tuple[str, ...],
    column: str,
    values: Value,
    severity: Severity,
    description: str,
    *,
    name: str | None = None,
) -> GxCheck:
    return make_check(
        f"{_table_of(asset)}__{name or column + '_in_set'}",
        asset,
        severity,
        description,
        frame,
        Expect("ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}),
    )


def matches(
    frame: Frame,
    asset: tuple[str, ...],
    column: str,
    regex: str,
    severity: Severity,
    description: str,
    *,
    name: str,
) -> GxCheck:
    return make_check(
        f"{_table_of(asset)}__{name}",
        asset,
        severity,
        description,
        frame,
        Expect("ExpectColumnValuesToMatchRegex", {"column": column, "regex": regex}),
    )
