"""What the work warehouse says about the company: which raw tables never landed, its stages,
the currencies it can convert and the size of its deal book.

A system or optional file that never landed leaves its raw table empty (the loader creates
it from the contract). Checks on such a table would judge nothing (freshness of no record,
a rate for no currency) and must not fail: a company without quotas is not broken. A table
that is empty now but held rows at the last published load is the opposite case, a system
that vanished, and its checks run (the drift rule then fails).
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from data_quality.config import QualityConfig
from data_quality.rules import PreviousCount, table_ref


def never_landed(
    con: duckdb.DuckDBPyConnection,
    columns: Mapping[str, set[str]],
    previous_counts: Mapping[str, PreviousCount],
) -> set[str]:
    """`raw_<system>.<table>` names that hold no row now and held none at the last publish."""
    empty = set()
    for table in columns:
        if not table.startswith("raw_") or table.split(".")[0].endswith("_staging"):
            continue
        previous = previous_counts.get(table)
        if previous is not None and previous.row_count > 0:
            continue
        row = con.execute(f"select count(*) from {table_ref(table)}").fetchone()
        if row and int(row[0]) == 0:
            empty.add(table)
    return empty


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(value) for (value,) in con.execute(sql).fetchall() if value is not None]


def company_stages(
    con: duckdb.DuckDBPyConnection, columns: Mapping[str, set[str]]
) -> tuple[str, ...]:
    """The stage names of the loaded OpportunityStage export, else every stage in use."""
    if "raw_crm.opportunity_stage" in columns:
        stages = _distinct(
            con,
            "select master_label from raw_crm.opportunity_stage "
            "union select api_name from raw_crm.opportunity_stage",
        )
        if stages:
            return tuple(sorted(stages))
    seen: list[str] = []
    for table in ("raw_crm.opportunity", "raw_crm.opportunity_history"):
        if "stage_name" in columns.get(table, set()):
            seen += _distinct(con, f"select distinct stage_name from {table_ref(table)}")
    return tuple(sorted(set(seen)))


def convertible_currencies(
    con: duckdb.DuckDBPyConnection, columns: Mapping[str, set[str]], config: QualityConfig
) -> tuple[str, ...]:
    """The corporate currency plus every currency with at least one FX rate."""
    currencies = {config.corporate_currency}
    if "currency" in columns.get("raw_finance.fx_rates", set()):
        currencies.update(_distinct(con, "select distinct currency from raw_finance.fx_rates"))
    return tuple(sorted(currencies))


def deal_total(con: duckdb.DuckDBPyConnection, columns: Mapping[str, set[str]]) -> float:
    """The sum of every live opportunity's current amount, record currencies at face value.

    The scale a company-wide ceiling grows with: a forecast call can cover at most every deal
    the company has, so a ceiling at this total never trips on a bigger customer's CRO call,
    while a call in cents instead of units (100 times every deal ever made) still does.
    """
    needed = {"amount", "_dlt_valid_to"}
    if not needed <= columns.get("raw_crm.opportunity", set()):
        return 0.0
    live = (
        " and coalesce(is_deleted, false) = false"
        if "is_deleted" in columns["raw_crm.opportunity"]
        else ""
    )
    row = con.execute(
        "select coalesce(sum(greatest(try_cast(amount as double), 0)), 0) "
        f"from raw_crm.opportunity where _dlt_valid_to is null{live}"
    ).fetchone()
    return float(row[0]) if row else 0.0
