"""Why a value does not fit its field, said as the fix: too large, too many decimals, a comma.

Arrow's cast only says "does not fit"; "at most 2 decimals" for `1e20` sends the user after
the wrong problem. The value is looked at once more (only for a value already refused) to
name what is wrong with it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ingestion.fields import Field

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def decimal_range(field: Field) -> str:
    """`-9,999,999,999,999,999.99 and 9,999,999,999,999,999.99` for decimal(18,2)."""
    assert field.precision is not None and field.scale is not None
    largest = Decimal(10) ** (field.precision - field.scale) - Decimal(1).scaleb(-field.scale)
    return f"-{largest:,} and {largest:,}"


def decimal_problem(shown: str, text: str, field: Field) -> str:
    """The message for a value `text` (shown as `shown`) that does not fit a decimal field."""
    stripped = text.strip()
    if _THOUSANDS.match(stripped):
        plain = stripped.replace(",", "")
        return (
            f"{shown} has thousands separators: write the number without them ({plain}),"
            " with '.' before the decimals"
        )
    if _DECIMAL_COMMA.match(stripped):
        return f"{shown} uses a decimal comma: write '.' before the decimals"
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        return f"{shown} is not {field.type_label}"
    if not number.is_finite():
        return f"{shown} is not a finite number"
    assert field.precision is not None and field.scale is not None
    if abs(number) >= Decimal(10) ** (field.precision - field.scale):
        return f"{shown} is out of range: {field.header} must be between {decimal_range(field)}"
    if "e" in stripped.lower():
        return f"{shown} is in exponent notation: write the plain number ({number:f})"
    return f"{shown} has more than {field.scale} decimals"
