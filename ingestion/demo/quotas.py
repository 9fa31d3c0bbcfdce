"""Monthly quotas per rep, as sales ops writes them in the quota workbook.

USD, rounded to 100, ramped for new hires (25%, 50%, 75% of the full quota in their first three
months), prorated in the month a rep leaves or is promoted, blank where the rep was not
employed as a rep and before the history starts (the company's records begin there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.deals import monthly_quota
from ingestion.demo.org import Org

RAMP = (0.25, 0.50, 0.75)


@dataclass
class Quotas:
    first_am: int  # first month of the first workbook (a fiscal-year start)
    months: int
    amount: np.ndarray  # (people, months) USD, NaN where blank

    def am(self) -> np.ndarray:
        return self.first_am + np.arange(self.months)


def make_quotas(org: Org, fsm: int) -> Quotas:
    hs, ao = org.history_start, org.as_of
    fy0 = int(fiscal.fiscal_year(fiscal.am_of_day(hs), fsm))
    fy1 = int(fiscal.fiscal_year(fiscal.am_of_day(ao), fsm))
    first_am = fiscal.fy_first_am(fy0, fsm)
    months = (fy1 - fy0 + 1) * 12
    am = first_am + np.arange(months)
    m_first, m_last = fiscal.first_day_of_am(am), fiscal.last_day_of_am(am)
    rep_first, rep_last = org.rep_interval()
    full = monthly_quota(org)
    hire_am = fiscal.am_of_day(np.array([p.hire for p in org.people]))
    amount = np.full((len(org.people), months), np.nan)
    for p in org.reps:
        lo = np.maximum(m_first, rep_first[p])
        hi = np.minimum(m_last, rep_last[p])
        days = hi - lo + 1
        employed = (days > 0) & (am >= fiscal.am_of_day(hs))
        k = am - hire_am[p]
        ramp = np.where((k >= 0) & (k < len(RAMP)), np.array(RAMP)[np.clip(k, 0, 2)], 1.0)
        leaving = (rep_last[p] >= m_first) & (rep_last[p] < m_last)
        prorate = np.where(leaving, days / (m_last - m_first + 1), 1.0)
        value = np.maximum(100.0, np.round(full[p] * ramp * prorate / 100) * 100)
        amount[p] = np.where(employed, value, np.nan)
    return Quotas(first_am, months, amount)
