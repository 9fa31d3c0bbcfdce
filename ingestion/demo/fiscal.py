"""Calendar arithmetic on integer days and months, vectorised.

Days are counted from 1970-01-01 and months as `year * 12 + month - 1` ("absolute months"), so
that millions of dates can be bucketed with numpy. A fiscal year is named by the calendar year in
which it ends (the `fiscal_period` doc block in dbt_project/docs/): with a February start,
Feb 2026 - Jan 2027 is FY2027.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
FAR_FUTURE = 10**6  # a day number beyond any generated date: "open-ended"


def day_of(d: dt.date) -> int:
    """Day number of a date."""
    return (d - EPOCH).days


def date_of(day: int) -> dt.date:
    """Date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))


def am_of_date(d: dt.date) -> int:
    """Absolute month of a date."""
    return d.year * 12 + d.month - 1


def am_of_day(days: np.ndarray | int) -> np.ndarray:
    """Absolute month of day numbers."""
    months = np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months + 1970 * 12


def first_day_of_am(am: np.ndarray | int) -> np.ndarray:
    """Day number of the first day of absolute months."""
    m = (np.asarray(am, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return m.astype("datetime64[D]").astype(np.int64)


def last_day_of_am(am: np.ndarray | int) -> np.ndarray:
    """Day number of the last day of absolute months."""
    return first_day_of_am(np.asarray(am) + 1) - 1


def weekday(days: np.ndarray | int) -> np.ndarray:
    """Monday = 0 ... Sunday = 6."""
    return (np.asarray(days) + 3) % 7


def fiscal_year(am: np.ndarray | int, fsm: int) -> np.ndarray:
    """Fiscal year name of absolute months (the calendar year in which the fiscal year ends)."""
    am = np.asarray(am)
    year, month = am // 12, am % 12 + 1
    return year + ((month >= fsm) & (fsm > 1)).astype(np.int64)


def fiscal_month(am: np.ndarray | int, fsm: int) -> np.ndarray:
    """Fiscal month number 1..12."""
    return (np.asarray(am) % 12 + 1 - fsm) % 12 + 1


def fiscal_quarter(am: np.ndarray | int, fsm: int) -> np.ndarray:
    """Fiscal quarter number 1..4."""
    return (fiscal_month(am, fsm) - 1) // 3 + 1


def fy_first_am(fy: int, fsm: int) -> int:
    """Absolute month in which fiscal year `fy` starts."""
    return (fy - 1) * 12 + fsm - 1 if fsm > 1 else fy * 12


def quarter_first_am(am: np.ndarray | int, fsm: int) -> np.ndarray:
    """Absolute month in which the fiscal quarter containing `am` starts."""
    am = np.asarray(am)
    return am - (fiscal_month(am, fsm) - 1) % 3


def selling_day(days: np.ndarray | int) -> np.ndarray:
    """Selling days are Monday to Friday (the pace KPIs of dbt_project/docs/kpi_definitions.md)."""
    return weekday(days) < 5


def last_complete_am(as_of: int) -> int:
    """The last absolute month that is over by the end of day `as_of`."""
    am = int(am_of_day(as_of))
    return am if as_of == int(last_day_of_am(am)) else am - 1


def attainment_period(history_start: int, as_of: int, fsm: int) -> tuple[int, int, str]:
    """The year over which annual attainment is judged: the last complete fiscal year inside
    the history, or else the last four complete fiscal quarters. (first am, last am, label)"""
    last = last_complete_am(as_of)
    fy = int(fiscal_year(int(am_of_day(as_of)), fsm)) - 1
    first = fy_first_am(fy, fsm)
    if int(first_day_of_am(first)) >= history_start and first + 11 <= last:
        return first, first + 11, f"FY{fy}"
    q_end = int(quarter_first_am(last + 1, fsm)) - 1
    lo, hi = int(first_day_of_am(q_end - 11)), int(last_day_of_am(q_end))
    return q_end - 11, q_end, f"four fiscal quarters {date_of(lo)} to {date_of(hi)}"
