"""SQL text for the statements DuckDB takes no parameter in (`comment on`, `attach`)."""

from __future__ import annotations


def sql_string(value: str) -> str:
    """`value` as a single-quoted SQL string literal, its quotes doubled."""
    return "'" + value.replace("'", "''") + "'"
