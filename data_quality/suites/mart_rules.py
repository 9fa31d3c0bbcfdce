"""Rule shapes the mart suites share: fractions, non-negative amounts, ordered pairs of columns.

The marts are built by dbt from already-checked raw tables, so a mart rule guards what the
transformation itself can get wrong: a ratio outside [0, 1], an amount below zero, two
columns out of their order (a low end above a high end). Cross-field rules are written as a
derived *margin* (an SQL expression that is negative exactly when the rule breaks) judged
against 0, so a failing row's sample shows by how much it broke the rule next to the columns
it was computed from. Not a suite: it holds no checks (`SUITES` lists the suites).
"""

from __future__ import annotations

from collections.abc import Sequence

from data_quality.rules import Frame, GxCheck, between, ident
from data_quality.spec import Severity


def fraction(
    frame: Frame,
    asset: tuple[str, ...],
    column: str,
    why: str,
    *,
    severity: Severity = "error",
    context: Sequence[str] = (),
) -> GxCheck:
    """`column` within [0, 1] (nulls are not judged: a ratio with no denominator is null)."""
    return between(
        frame,
        asset,
        column,
        severity,
        f"`{column}` is a fraction within [0, 1]: {why}",
        name=f"{column}_within_0_1",
        min_value=0,
        max_value=1,
        context=context,
    )


def not_negative(
    frame: Frame,
    asset: tuple[str, ...],
    column: str,
    why: str,
    *,
    severity: Severity = "error",
    context: Sequence[str] = (),
) -> GxCheck:
    """`column` at least 0."""
    return between(
        frame,
        asset,
        column,
        severity,
        f"`{column}` is not negative: {why}",
        name=f"{column}_not_negative",
        min_value=0,
        context=context,
    )


def least(*expressions: str) -> str:
    """SQL for the smallest of several expressions (null only when all are null)."""
    return f"least({', '.join(expressions)})"


def col(name: str) -> str:
    """A quoted column for margin expressions."""
    return ident(name)
