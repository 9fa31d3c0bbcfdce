"""Numbers for humans: currency, percentages, multiples and thousands.

Page authors pick a format with Evidence's `fmt` names (`pct1`, `num0`, ...); when they do
not, the column name decides (`*_amount` is money, `attainment` a percentage, `coverage` a
multiple), so a reader never sees 0.8353209 where 83.5% is meant.

Money is shown in the corporate currency (`SPM_CORPORATE_CURRENCY`): `cur` reads like a
person would say it ($10.0M, $2.8M, $950k), `cur0` is exact to the unit, and `gap` signs a
difference and says which way it goes (+$625k ahead, -$120k behind). A percentage that
rounds to zero never shows as "-0%".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF "}
MISSING = "–"

_PCT_NAMES = re.compile(
    r"(^|_)(attainment|win_rate|win_rate_value|accuracy|bias|rate|pct|share|cost_of_sales"
    r"|conversion|correlation)(_|$)"
)
_EXCEL_FORMATS = {
    "#,##0": "num0",
    "#,##0.0": "num1",
    "#,##0.00": "num2",
    "$#,##0": "usd0",
    "$#,##0.00": "usd2",
    "0%": "pct0",
    "0.0%": "pct1",
    "0.00%": "pct2",
}
_FMT = re.compile(r"^(usd|eur|gbp|cur|pct|num|x)(\d)?(k|m|b)?$")
COMPACT = "cur"
GAP = "gap"


class FormatError(ValueError):
    """A `fmt` name that this renderer (and Evidence) does not know."""


def infer_format(column: str, value: object) -> str | None:
    """The format a column gets when the page did not name one."""
    name = column.lower()
    if isinstance(value, bool):
        return None
    if name.endswith("_amount") or name in {"avg_deal_size", "amount"}:
        return COMPACT
    if name.startswith("coverage") or name.endswith("_coverage"):
        return "x1"
    if _PCT_NAMES.search(name):
        return "pct1"
    if name.endswith("_days") or name.endswith("_per_opportunity"):
        return "num1"
    if name.endswith("_id") or name in {"fiscal_year", "run_id"}:
        return "id"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return "num0"
    if isinstance(value, float):
        return "num0" if value.is_integer() else "num1"
    return None


def format_value(value: object, fmt: str | None, column: str = "", currency: str = "USD") -> str:
    """Format one value for display; `None` and NaN show as an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if fmt is None:
        fmt = infer_format(column, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # the run report's times are UTC: say so
            return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if fmt is None or fmt == "id" or not isinstance(value, int | float | Decimal):
        return str(value)
    return format_number(float(value), fmt, currency)


def currency_symbol(currency: str) -> str:
    """`$` for USD, `€` for EUR, ...; any other ISO code is shown as the code itself."""
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")


def compact_money(value: float, currency: str = "USD") -> str:
    """$10.0M, $2.8M, $950k, $900: the scale a reader expects, never $1,000k."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    symbol = currency_symbol(currency)
    if round(size / 1e3) >= 1000:
        body = f"{size / 1e6:,.1f}M"
    elif round(size) >= 10000:
        body = f"{size / 1e3:,.0f}k"
    elif round(size) >= 1000:
        body = f"{size / 1e3:,.1f}k"
    else:
        body = f"{size:,.0f}"
    if float(body.rstrip("kM").replace(",", "")) == 0:
        sign = ""
    return f"{sign}{symbol}{body}"


def gap_money(value: float, currency: str = "USD") -> str:
    """A signed gap in words: +$625k ahead, -$120k behind, $0 on pace."""
    text = compact_money(value, currency)
    if not text.startswith("-") and text.lstrip(currency_symbol(currency)).strip("0kM.") == "":
        return f"{text} on pace"
    if text.startswith("-"):
        return f"{text} behind"
    return f"+{text} ahead"


def format_number(value: float, fmt: str, currency: str = "USD") -> str:
    if fmt == COMPACT:
        return compact_money(value, currency)
    if fmt == GAP:
        return gap_money(value, currency)
    fmt = _EXCEL_FORMATS.get(fmt, fmt)
    match = _FMT.match(fmt)
    if not match:
        raise FormatError(f"unknown format {fmt!r}")
    kind, digits, scale = match.group(1), match.group(2), match.group(3)
    if kind == "pct":
        text = f"{value * 100:,.{int(digits or 1)}f}%"
        rounds_to_zero = float(text.lstrip("-")[:-1].replace(",", "")) == 0
        return text.lstrip("-") if rounds_to_zero else text
    if kind == "x":
        return f"{value:,.{int(digits or 1)}f}×"
    divisor, suffix = {None: (1, ""), "k": (1e3, "k"), "m": (1e6, "M"), "b": (1e9, "B")}[scale]
    places = int(digits) if digits is not None else (0 if kind != "num" or not scale else 1)
    body = f"{abs(value) / divisor:,.{places}f}{suffix}"
    sign = "-" if value < 0 and float(body.rstrip("kMB").replace(",", "")) != 0 else ""
    if kind == "num":
        return sign + body
    code = {"usd": "USD", "eur": "EUR", "gbp": "GBP"}.get(kind, currency)
    return f"{sign}{currency_symbol(code)}{body}"


def d3_format(fmt: str | None, currency: str = "USD") -> str | None:
    """The Vega-Lite axis format for a `fmt` name, so chart axes read like the tables."""
    if fmt is None:
        return None
    if fmt in (COMPACT, GAP):
        fmt = "cur0k"
    fmt = _EXCEL_FORMATS.get(fmt, fmt)
    match = _FMT.match(fmt)
    if not match:
        raise FormatError(f"unknown format {fmt!r}")
    kind = match.group(1)
    if kind == "pct":
        return ".0%"
    if kind == "num":
        return "~s" if match.group(3) else ",.0f"
    if kind == "x":
        return ".1f"
    return "$~s" if currency == "USD" or kind == "usd" else "~s"
