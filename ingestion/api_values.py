"""JSON values of an API record as the text a CSV export would hold.

The API sources type their records with the same code as the landing files
(`ingestion.convert.typed_table` on text columns), so a value is typed, and rejected, the
same way whichever path brought it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def as_text(value: Any) -> str | None:
    """`true`/`false` for booleans, numbers without exponent, blank (None) for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)
