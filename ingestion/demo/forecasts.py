"""Weekly forecast calls (revenue intelligence): every Monday, per rep and per manager, for the
current fiscal quarter, in three categories.

A call is what the submitter knows (bookings closed so far this quarter) plus their view of the
rest, which carries their own bias: most are close, a few sandbag (call low), a few over-call;
the error shrinks as the quarter ends. Best Case and Pipeline calls sit above Commit. A rep calls
their own credited bookings; a manager everything under the role they carry (team managers their
team, regional VPs their region, the CRO the company), rolled up as the warehouse does: a
rep-month counts for the team the rep was in on the last day of that month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.credits import Credits
from ingestion.demo.org import Org

CATEGORIES = ("Commit", "Best Case", "Pipeline")


@dataclass
class Ledger:
    """Cumulative credited bookings per entity and day: people rows, then role rows."""

    d0: int  # day of column 0
    cum: np.ndarray  # (people + roles, days)
    n_people: int

    def total(self, entity: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Bookings of entities over days lo..hi (inclusive)."""
        c = self.cum
        hi_i = np.clip(hi - self.d0, 0, c.shape[1] - 1)
        lo_i = lo - self.d0 - 1
        before = np.where(lo_i >= 0, c[entity, np.maximum(lo_i, 0)], 0.0)
        return c[entity, hi_i] - before


def build_ledger(org: Org, credits: Credits, d0: int, d1: int) -> Ledger:
    """Daily credited bookings, per person and rolled up through the role tree."""
    n_people, n_roles = len(org.people), len(org.roles)
    days = d1 - d0 + 1
    inside = (credits.day >= d0) & (credits.day <= d1)
    person, day, usd = credits.person[inside], credits.day[inside], credits.usd[inside]
    daily = np.zeros((n_people + n_roles, days))
    np.add.at(daily, (person, day - d0), usd)
    _, rep_last = org.rep_interval()
    month_end = fiscal.last_day_of_am(fiscal.am_of_day(day))
    at = np.where(rep_last[person] >= 0, np.minimum(month_end, rep_last[person]), month_end)
    team = org.role_on(person, at)
    ok = team >= 0
    np.add.at(daily, (n_people + team[ok], day[ok] - d0), usd[ok])
    # roll teams up to regions and the company (parents have lower indexes than children)
    for r in range(n_roles - 1, 0, -1):
        parent = org.roles[r].parent
        daily[n_people + parent] += daily[n_people + r]
    return Ledger(d0, np.cumsum(daily, axis=1), n_people)


@dataclass
class Forecasts:
    person: np.ndarray
    is_manager: np.ndarray
    fiscal_year: np.ndarray
    quarter: np.ndarray
    category: np.ndarray  # index into CATEGORIES
    amount: np.ndarray  # USD, rounded
    submitted_s: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def quarter_bounds(days: np.ndarray, fsm: int) -> tuple[np.ndarray, np.ndarray]:
    qam = fiscal.quarter_first_am(fiscal.am_of_day(days), fsm)
    return fiscal.first_day_of_am(qam), fiscal.last_day_of_am(qam + 2)


def make_forecasts(org: Org, ledger: Ledger, fsm: int, rng: np.random.Generator) -> Forecasts:
    hs, ao = org.history_start, org.as_of
    first_monday = hs + (7 - int(fiscal.weekday(hs))) % 7
    mondays = np.arange(first_monday, ao + 1, 7)
    n_people = len(org.people)
    everyone = np.arange(n_people)
    pp = np.repeat(everyone, len(mondays))
    dd = np.tile(mondays, n_people)
    seg = org.segment_on(pp, dd)
    ok = seg >= 0
    pp, dd, seg = pp[ok], dd[ok], seg[ok]
    is_mgr = ~org.seg_is_rep[seg]
    entity = np.where(is_mgr, n_people + org.seg_role[seg], pp)
    qs, qe = quarter_bounds(dd, fsm)
    actual = ledger.total(entity, qs, qe)
    so_far = ledger.total(entity, qs, dd - 1)
    kind = rng.choice(3, size=n_people, p=[0.7, 0.15, 0.15])
    bias = np.where(
        kind == 0,
        rng.normal(1.0, 0.07, n_people),
        np.where(kind == 1, rng.uniform(0.68, 0.8, n_people), rng.uniform(1.2, 1.35, n_people)),
    )
    remaining_time = (qe - dd) / np.maximum(1, qe - qs)
    sigma = np.where(is_mgr, 0.25, 0.45) * remaining_time
    noise = np.clip(rng.normal(0.0, 1.0, len(pp)) * sigma, -0.8, 1.5)
    rest = np.maximum(0.0, actual - so_far)
    commit = so_far + rest * bias[pp] * (1 + noise)
    best = commit * rng.uniform(1.1, 1.3, len(pp)) + rest * 0.1
    pipe = best * rng.uniform(1.3, 1.7, len(pp))
    unit = np.where(is_mgr, 1000.0, 100.0)
    amounts = np.stack([commit, best, pipe], axis=1)
    amounts = np.round(amounts / unit[:, None]) * unit[:, None]
    when = dd * 86400 + np.where(
        is_mgr,
        rng.integers(13 * 3600, 17 * 3600, len(pp)),
        rng.integers(8 * 3600, 12 * 3600, len(pp)),
    )
    qam = fiscal.quarter_first_am(fiscal.am_of_day(dd), fsm)
    k = len(pp)
    rows = Forecasts(
        person=np.repeat(pp, 3),
        is_manager=np.repeat(is_mgr, 3),
        fiscal_year=np.repeat(fiscal.fiscal_year(qam, fsm), 3),
        quarter=np.repeat(fiscal.fiscal_quarter(qam, fsm), 3),
        category=np.tile(np.arange(3), k),
        amount=amounts.ravel(),
        submitted_s=np.repeat(when, 3),
    )
    order = np.lexsort((rows.category, rows.person, rows.submitted_s))
    for name, value in vars(rows).items():
        setattr(rows, name, value[order])
    return rows
