"""Opportunities: who sells what to whom, when it closes, and how it got there.

Deals are drawn per rep and month of their outcome (close) date, so bookings follow quota,
skill and seasonality (quarter-end and year-end spikes); the created date is the outcome date
minus a sales cycle, so new hires ramp up on their own (they have no deals created before they
joined). Each deal gets a planned path: start stage, the stage it closes (or is lost) from,
close-date pushes, amount changes, a forecast-category override and, for some open deals, a
stall (`turnarounds.py` then pulls some close dates in and has some won deals lost for a
while). `history.py` turns the plan into OpportunityHistory rows and the current state as of the
as-of date. Everything here is vectorised over deals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.accounts import Accounts
from ingestion.demo.fx import FxRates
from ingestion.demo.names import OPPORTUNITY_LABELS
from ingestion.demo.org import Org
from ingestion.demo.scales import Scale

P_WIN = 0.27
SEASON_QUARTER = np.array([0.77, 0.89, 0.87, 1.47])
SEASON_MONTH = np.array([0.80, 0.93, 1.27])
CYCLE_WON = {"Enterprise": 82.0, "Mid-Market": 50.0}
CYCLE_LOST = {"Enterprise": 66.0, "Mid-Market": 40.0}
CYCLE_SIGMA = 0.5
LOST_AT = np.array([0.30, 0.25, 0.20, 0.15, 0.10])  # lost from stage 1..5
WON_FROM = np.array([0.01, 0.02, 0.05, 0.10, 0.82])  # last open stage before Closed Won
TYPES = ("New Business", "Upsell", "Renewal")
TYPE_P = np.array([0.55, 0.30, 0.15])
LEAD_SOURCES = ("Web", "Outbound", "Partner", "Event", "Referral")
LEAD_P = np.array([0.25, 0.30, 0.15, 0.10, 0.20])
PUSHES_WON = np.array([0.60, 0.28, 0.12])
PUSHES_LOST = np.array([0.75, 0.20, 0.05])
AMOUNT_CHANGES = np.array([0.55, 0.33, 0.12])
STALL_SHARE = 0.2
P_SLIP = 0.9
NEW_HIRE_DEAL_SIZE = 0.6  # new hires start with smaller deals
LEAVER_PIPELINE_KEPT = 0.5
# share of a full rep's deal flow in a new hire's first months (on top of having no deals
# created before they joined)
RAMP_PRODUCTIVITY = np.array([0.0, 0.05, 0.2, 0.45, 0.7, 0.9])
REVENUE_SPLIT_SHARE = 0.08
OVERLAY_SPLIT_SHARE = 0.05


@dataclass
class Deals:
    """One row per opportunity; days are day numbers, times epoch seconds."""

    owner0: np.ndarray  # the rep who created it
    team: np.ndarray  # owner's team when created
    segment: np.ndarray  # 0 Enterprise, 1 Mid-Market
    account: np.ndarray
    currency: np.ndarray  # index into fx.CURRENCIES
    created_s: np.ndarray
    outcome_day: np.ndarray  # close day (planned, may be after as_of)
    outcome_s: np.ndarray
    won: np.ndarray  # planned outcome
    closed: np.ndarray  # outcome_day <= as_of
    start_stage: np.ndarray
    last_open_stage: np.ndarray
    usd: np.ndarray  # planned amount in USD (scaled by `scale_amounts`)
    group: np.ndarray  # the rep's "year" the deal's bookings count towards
    am: np.ndarray  # absolute month of the outcome
    amount_factors: np.ndarray  # (n, 2) earlier amounts as multiples of the final one
    amount_cents: np.ndarray  # final amount in the deal currency
    amount_usd_planned: np.ndarray
    type: np.ndarray
    lead_source: np.ndarray
    label: np.ndarray  # index into the deal's type labels
    override: np.ndarray
    n_push: np.ndarray
    close0: np.ndarray  # expected close day at creation
    push_old: np.ndarray  # (n, 2) expected close before each push
    push_new: np.ndarray  # (n, 2)
    push_s: np.ndarray  # (n, 2) when each push happened; -1 unused
    expected_close: np.ndarray  # last expected close day before the close event
    n_amount: np.ndarray
    amount_before: np.ndarray  # (n, 2) amount (cents) at creation and after change 1
    amount_s: np.ndarray  # (n, 2) when the amount changed; -1 unused
    stage_s: np.ndarray  # (n, 4) when stage start+1.. was reached; -1 unused
    cutoff_s: np.ndarray  # events after this are not (yet) in the CRM
    stalled: np.ndarray
    reopen_s: np.ndarray  # (n, 2) when a won deal was marked lost and reopened; -1 unused

    def __len__(self) -> int:
        return len(self.owner0)

    def take(self, order: np.ndarray) -> None:
        for name, value in vars(self).items():
            setattr(self, name, value[order])


def season(am: np.ndarray, fsm: int) -> np.ndarray:
    """Relative bookings weight of absolute months (mean 1 over a fiscal year)."""
    fm = fiscal.fiscal_month(am, fsm)
    return SEASON_QUARTER[(fm - 1) // 3] * SEASON_MONTH[(fm - 1) % 3]


def monthly_quota(org: Org) -> np.ndarray:
    """Full (unramped) monthly quota per person, USD, rounded to 100."""
    return np.array([round(p.quota_annual / 12 / 100) * 100 for p in org.people], dtype=float)


def _choice(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(p), rng.random(n) * p.sum(), side="right").clip(0, len(p) - 1)


def _shift_weekend(days: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Move Saturday/Sunday to the Friday before, or the Monday after if that leaves [lo, ...)."""
    wd = fiscal.weekday(days)
    back = np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    fwd = np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    out = days - back
    return np.where(out < lo, days + fwd, out)


def plan_deals(
    scale: Scale,
    org: Org,
    accounts: Accounts,
    fx: FxRates,
    rng: np.random.Generator,
    fsm: int,
) -> tuple[Deals, np.ndarray]:
    """Plan the deals; also returns each rep's target bookings per year group (USD).

    The steps draw from `rng` in this order, so a seed always gives the same deals.
    """
    months = _rep_months_of_outcome(scale, org, rng, fsm)
    rep, am, won = _deals_won_and_lost(scale, months, rng)
    rep, am, won, outcome, segment, last_open, created = _date_the_outcomes(
        org, months, rep, am, won, rng, fsm
    )
    n = len(rep)
    team = org.role_on(rep, created)
    usd = _size_the_amounts(org, months, rep, am, segment, rng)
    targets = _bookings_targets(org, months, fsm)

    account = accounts.pick(team, rng)
    currency = accounts.currency[account].copy()
    currency[(currency > 0) & (rng.random(n) < 0.2)] = 0

    # the stage path (its times are set after the pushes)
    start = np.where(rng.random(n) < 0.15, 1, 0)
    start = np.minimum(start, last_open)
    n_changes = last_open - start
    created_s = created * 86400 + rng.integers(8 * 3600, 18 * 3600, n)
    outcome_s = outcome * 86400 + rng.integers(15 * 3600, 18 * 3600, n)

    pushes = _push_the_close_dates(won, outcome, created, last_open, rng, fsm)
    stage_s = _time_the_stage_changes(created_s, outcome_s, n_changes, pushes, rng)
    n_amount, amount_factors, amount_s = _time_the_amount_changes(created_s, outcome_s, rng)
    closed, stalled, cutoff = _what_the_crm_has_seen(
        org.as_of, outcome, created, created_s, outcome_s, rng
    )

    deal_type = _choice(rng, TYPE_P, n)
    n_labels = np.array([len(OPPORTUNITY_LABELS[t]) for t in TYPES])
    label = (rng.random(n) * n_labels[deal_type]).astype(np.int64)

    deals = Deals(
        owner0=rep,
        team=team,
        segment=segment,
        account=account,
        currency=currency,
        created_s=created_s,
        outcome_day=outcome,
        outcome_s=outcome_s,
        won=won,
        closed=closed,
        start_stage=start,
        last_open_stage=last_open,
        usd=usd,
        group=months.year_group(am),
        am=am,
        amount_factors=amount_factors,
        amount_cents=np.zeros(n, dtype=np.int64),
        amount_usd_planned=np.zeros(n),
        type=deal_type,
        lead_source=_choice(rng, LEAD_P, n),
        label=label,
        override=_choice(rng, np.array([0.85, 0.09, 0.06]), n),
        n_push=pushes.n_push,
        close0=pushes.close0,
        push_old=pushes.old,
        push_new=pushes.new,
        push_s=pushes.at_s,
        expected_close=pushes.expected,
        n_amount=n_amount,
        amount_before=np.zeros((n, 2), dtype=np.int64),
        amount_s=amount_s,
        stage_s=stage_s,
        cutoff_s=cutoff,
        stalled=stalled,
        reopen_s=np.full((n, 2), -1, dtype=np.int64),  # turnarounds.plan_reopens
    )
    order = np.lexsort((np.arange(n), created_s))
    deals.take(order)
    return deals, targets


@dataclass
class _RepMonths:
    """Every month each rep closes deals in, with what drives how much they book in it."""

    rep: np.ndarray  # person
    am: np.ndarray  # absolute month
    group: np.ndarray  # year group: a fiscal year, or the judged year (`n_fy`)
    ability: np.ndarray  # skill x the rep's drift in that year group
    season: np.ndarray
    tenure: np.ndarray  # months since hire
    productivity: np.ndarray  # ramp productivity by tenure
    won_per_month: float  # won deals of a rep at quota in an average month
    n_fy: int
    first_fy: int
    last_fy: int  # the fiscal year of the as-of date
    judged: tuple[int, int]  # first and last month of the judged year
    quota: np.ndarray  # monthly quota per person
    first: np.ndarray  # first day as a rep, per person
    last: np.ndarray  # last day as a rep, per person
    hire: np.ndarray  # hire day per person
    fsm: int

    @property
    def n_groups(self) -> int:
        return self.n_fy + 1

    def year_group(self, am: np.ndarray) -> np.ndarray:
        """Bookings are scaled per rep and "year": each fiscal year, except that the months of
        the year the manifest judges annual attainment on form a year of their own."""
        fy = np.minimum(fiscal.fiscal_year(am, self.fsm), self.last_fy) - self.first_fy
        lo, hi = self.judged
        return np.where((am >= lo) & (am <= hi), self.n_fy, fy)


def _rep_months_of_outcome(
    scale: Scale, org: Org, rng: np.random.Generator, fsm: int
) -> _RepMonths:
    hs, ao = org.history_start, org.as_of
    am_hs, am_ao = int(fiscal.am_of_day(hs)), int(fiscal.am_of_day(ao))
    reps = org.reps
    first, last = org.rep_interval()
    skill = np.array([p.skill for p in org.people])
    hire = np.array([p.hire for p in org.people], dtype=np.int64)
    m_lo = np.maximum(am_hs, fiscal.am_of_day(first[reps]))
    m_hi = np.minimum(am_ao + 8, fiscal.am_of_day(np.minimum(last[reps], ao)) + 6)
    n_months = np.maximum(0, m_hi - m_lo + 1)
    rm_rep = np.repeat(reps, n_months)
    rm_am = np.repeat(m_lo, n_months) + (
        np.arange(n_months.sum()) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    )
    fy0 = int(fiscal.fiscal_year(am_hs, fsm))
    n_fy = int(fiscal.fiscal_year(am_ao + 9, fsm)) - fy0 + 1
    p_lo, p_hi, _ = fiscal.attainment_period(hs, ao, fsm)
    months = _RepMonths(
        rep=rm_rep,
        am=rm_am,
        group=np.empty(0, dtype=np.int64),
        ability=np.empty(0),
        season=season(rm_am, fsm),
        tenure=rm_am - fiscal.am_of_day(hire[rm_rep]),
        productivity=np.empty(0),
        won_per_month=scale.deals_per_rep_month * P_WIN,
        n_fy=n_fy,
        first_fy=fy0,
        last_fy=int(fiscal.fiscal_year(am_ao, fsm)),
        judged=(p_lo, p_hi),
        quota=monthly_quota(org),
        first=first,
        last=last,
        hire=hire,
        fsm=fsm,
    )
    drift = np.exp(rng.normal(0.0, 0.03, (len(org.people), months.n_groups)))
    drift[:, n_fy] = 1.0  # the judged year shows skill as drawn
    months.group = months.year_group(rm_am)
    months.ability = skill[rm_rep] * drift[rm_rep, months.group]
    tenure = months.tenure
    months.productivity = np.where(
        tenure < len(RAMP_PRODUCTIVITY),
        RAMP_PRODUCTIVITY[np.clip(tenure, 0, len(RAMP_PRODUCTIVITY) - 1)],
        1.0,
    )
    return months


def _deals_won_and_lost(
    scale: Scale, months: _RepMonths, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How many deals each rep wins and loses each month: (rep, month, won) per deal."""
    a, s, prod = months.ability, months.season, months.productivity
    n_won = rng.poisson(a * s * months.won_per_month * prod)
    n_lost = rng.poisson(scale.deals_per_rep_month * (1 - P_WIN) * s**0.4 * a**-0.25 * prod**0.5)
    counts = n_won + n_lost
    rep = np.repeat(months.rep, counts)
    am = np.repeat(months.am, counts)
    start_in_rm = np.repeat(np.cumsum(counts) - counts, counts)
    won = (np.arange(counts.sum()) - start_in_rm) < np.repeat(n_won, counts)
    return rep, am, won


def _date_the_outcomes(
    org: Org,
    months: _RepMonths,
    rep: np.ndarray,
    am: np.ndarray,
    won: np.ndarray,
    rng: np.random.Generator,
    fsm: int,
) -> tuple[np.ndarray, ...]:
    """Outcome day, segment, last open stage, sales cycle and created day of every deal; the
    deals created outside their owner's time as a rep are dropped, and half of a leaver's
    pipeline after they go never existed."""
    first, last, ao = months.first, months.last, org.as_of
    n = len(rep)
    m_first = fiscal.first_day_of_am(am)
    m_days = fiscal.last_day_of_am(am) - m_first + 1
    quarter_end = fiscal.fiscal_month(am, fsm) % 3 == 0
    u = rng.random(n)
    frac = np.where(won, u ** (1 / np.where(quarter_end, 2.6, 1.5)), u)
    outcome = m_first + np.minimum((frac * m_days).astype(np.int64), m_days - 1)
    outcome = _shift_weekend(outcome, m_first)
    team_at_outcome = org.role_on(rep, np.minimum(outcome, last[rep]))
    seg_names = np.array([r.segment for r in org.roles])
    segment = (seg_names[np.maximum(team_at_outcome, 0)] == "Mid-Market").astype(np.int64)
    last_open = np.where(won, _choice(rng, WON_FROM, n), _choice(rng, LOST_AT, n)) + 0
    med_won = np.where(segment == 0, CYCLE_WON["Enterprise"], CYCLE_WON["Mid-Market"])
    med_lost = np.where(segment == 0, CYCLE_LOST["Enterprise"], CYCLE_LOST["Mid-Market"])
    med = np.where(won, med_won, med_lost * (0.55 + 0.45 * (last_open + 1) / 5))
    cycle = np.clip(np.round(med * np.exp(rng.normal(0, CYCLE_SIGMA, n))), 5, 420).astype(np.int64)
    created = outcome - cycle
    keep = (created >= first[rep]) & (created <= np.minimum(last[rep], ao))
    keep &= (outcome <= last[rep]) | (rng.random(len(rep)) < LEAVER_PIPELINE_KEPT)
    idx = np.flatnonzero(keep)
    return tuple(x[idx] for x in (rep, am, won, outcome, segment, last_open, created))


def _size_the_amounts(
    org: Org,
    months: _RepMonths,
    rep: np.ndarray,
    am: np.ndarray,
    segment: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Deal sizes in USD, from the owner's quota (later scaled per rep and fiscal year); new
    hires close smaller deals."""
    sigma = np.where(segment == 0, 0.8, 0.65)
    mu = months.quota[rep] / months.won_per_month
    usd = mu * np.exp(sigma * rng.standard_normal(len(rep)) - sigma**2 / 2)
    tenure = am - fiscal.am_of_day(months.hire[rep])
    return np.where(tenure < len(RAMP_PRODUCTIVITY) - 2, usd * NEW_HIRE_DEAL_SIZE, usd)


def _bookings_targets(org: Org, months: _RepMonths, fsm: int) -> Targets:
    """What each rep should book per year group (quota x ability x season), the months it is
    measured in, and the company's quarters, seasonal over the judged year."""
    am_hs = int(fiscal.am_of_day(org.history_start))
    am_ao = int(fiscal.am_of_day(org.as_of))
    rm_rep, rm_am, first, last = months.rep, months.am, months.first, months.last
    rm_ok = (
        (rm_am < am_ao)
        & (months.tenure >= 4)
        & (first[rm_rep] <= fiscal.first_day_of_am(rm_am))
        & (fiscal.last_day_of_am(rm_am) <= last[rm_rep])
    )
    booked = np.where(rm_ok, months.ability * months.season * months.quota[rm_rep], 0.0)
    n_groups = months.n_groups
    target = np.bincount(
        rm_rep * n_groups + months.group, weights=booked, minlength=len(org.people) * n_groups
    ).reshape(len(org.people), n_groups)
    # months in which each person's bookings are measured against quota x skill
    elig = np.zeros((len(org.people), am_ao + 10 - am_hs), dtype=bool)
    elig[rm_rep[rm_ok], rm_am[rm_ok] - am_hs] = True
    q0 = int(fiscal.quarter_first_am(am_hs, fsm))
    quarter = (rm_am - q0) // 3
    by_quarter = np.bincount(quarter, weights=booked)
    # over the judged year the company's quarters follow the seasonal profile exactly
    p_lo, p_hi = months.judged
    judged = np.arange((p_lo - q0) // 3, (p_hi - q0) // 3 + 1)
    judged = judged[judged < len(by_quarter)]
    if len(judged) == 4:
        weights = SEASON_QUARTER[(fiscal.fiscal_quarter(q0 + 3 * judged, fsm) - 1)]
        by_quarter[judged] = by_quarter[judged].sum() * weights / weights.sum()
    return Targets(target, elig, am_hs, q0, by_quarter)


@dataclass
class _Pushes:
    """Up to two close-date pushes per deal: old and new close date and when (-1 if none)."""

    n_push: np.ndarray
    close0: np.ndarray  # the close date the deal was created with
    expected: np.ndarray  # the close date after the last push
    old: np.ndarray
    new: np.ndarray
    at_s: np.ndarray


def _push_the_close_dates(
    won: np.ndarray,
    outcome: np.ndarray,
    created: np.ndarray,
    last_open: np.ndarray,
    rng: np.random.Generator,
    fsm: int,
) -> _Pushes:
    """The expected close date and the pushes that led to it; slipped deals were expected at
    the end of the quarter before the one they close early in."""
    n = len(won)
    early = won & (rng.random(n) < 0.1)
    expected = np.where(
        won,
        outcome + np.where(early, rng.integers(3, 25, n), 0),
        outcome + rng.integers(0, 45, n),
    )
    n_push = np.where(won, _choice(rng, PUSHES_WON, n), _choice(rng, PUSHES_LOST, n))
    d1, d2 = rng.integers(14, 70, n), rng.integers(14, 70, n)
    q_first = fiscal.first_day_of_am(fiscal.quarter_first_am(fiscal.am_of_day(expected), fsm))
    slip = (last_open >= 3) & (expected - q_first < 50) & (rng.random(n) < P_SLIP)
    d2 = np.where(slip, expected - (q_first - 1 - rng.integers(0, 7, n)), d2)
    n_push = np.where(slip, np.maximum(n_push, 1), n_push)
    u1, u2 = rng.integers(0, 10, n), rng.integers(0, 10, n)
    push_old = np.full((n, 2), -1, dtype=np.int64)
    push_new = np.full((n, 2), -1, dtype=np.int64)
    push_day = np.full((n, 2), -1, dtype=np.int64)
    close0 = expected.copy()
    cday = created
    for k in (2, 1):
        e1 = expected - d2
        e0 = e1 - d1 if k == 2 else e1
        t_first = e0 - u1 if k == 2 else e1 - u2
        t_last = e1 - u2
        ok = (n_push == k) & (e0 >= cday + 10) & (t_first >= cday + 3) & (t_last <= outcome - 1)
        n_push = np.where((n_push == k) & ~ok, k - 1, n_push)
        if k == 2:
            push_old[ok] = np.stack([e0, e1], axis=1)[ok]
            push_new[ok] = np.stack([e1, expected], axis=1)[ok]
            push_day[ok] = np.stack([t_first, t_last], axis=1)[ok]
        else:
            push_old[ok, 0], push_new[ok, 0], push_day[ok, 0] = e1[ok], expected[ok], t_last[ok]
        close0 = np.where(ok, e0, close0)
    push_s = np.where(
        push_day >= 0, push_day * 86400 + rng.integers(8 * 3600, 18 * 3600, (n, 2)), -1
    )
    return _Pushes(n_push, close0, expected, push_old, push_new, push_s)


def _time_the_stage_changes(
    created_s: np.ndarray,
    outcome_s: np.ndarray,
    n_changes: np.ndarray,
    pushes: _Pushes,
    rng: np.random.Generator,
) -> np.ndarray:
    """When each deal moved through its stages. A pushed deal reaches its last open stage
    well before its last push: it sat in Negotiation (Commit) when the close date moved,
    which is what a slipped commit deal is."""
    n = len(created_s)
    push_s, n_push = pushes.at_s, pushes.n_push
    last_push_s = np.where(push_s[:, 1] >= 0, push_s[:, 1], push_s[:, 0])
    reach = created_s + ((last_push_s - created_s) * rng.uniform(0.3, 0.7, n)).astype(np.int64)
    stage_end = np.where(n_push >= 1, reach, outcome_s)
    stage_end = np.where(stage_end > created_s + 86400, stage_end, outcome_s)
    span_stage = (stage_end - created_s).astype(float)
    segments = n_changes + 1 - ((n_push >= 1) & (n_changes >= 1))
    weights = rng.exponential(1.0, (n, 5))
    weights[np.arange(5)[None, :] >= segments[:, None]] = 0.0
    cum = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
    return np.where(
        np.arange(4)[None, :] < n_changes[:, None],
        created_s[:, None] + (cum[:, :4] * span_stage[:, None]).astype(np.int64),
        -1,
    )


def _time_the_amount_changes(
    created_s: np.ndarray, outcome_s: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How many times each amount changes, by which factors and when (the amounts themselves
    are set by `finish_amounts`)."""
    n = len(created_s)
    span = (outcome_s - created_s).astype(float)
    n_amount = _choice(rng, AMOUNT_CHANGES, n)
    amount_factors = rng.uniform(0.6, 1.35, (n, 2))
    f = np.sort(rng.uniform(0.1, 0.95, (n, 2)), axis=1)
    f[:, 0] = np.where(n_amount == 1, f[:, 1], f[:, 0])
    amount_s = np.full((n, 2), -1, dtype=np.int64)
    t_amt = created_s[:, None] + (f * span[:, None]).astype(np.int64)
    amount_s[:, 0] = np.where(n_amount >= 1, t_amt[:, 0], -1)
    amount_s[:, 1] = np.where(n_amount >= 2, t_amt[:, 1], -1)
    return n_amount, amount_factors, amount_s


def _what_the_crm_has_seen(
    ao: int,
    outcome: np.ndarray,
    created: np.ndarray,
    created_s: np.ndarray,
    outcome_s: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closed by the as-of date or open; an open deal may have stalled (no change for 31+
    days); the moment up to which the CRM has seen each deal."""
    n = len(outcome)
    closed = outcome <= ao
    end_of_as_of = ao * 86400 + 86399
    age = ao - created
    stalled = ~closed & (age > 40) & (rng.random(n) < STALL_SHARE)
    gap = 31 + (rng.random(n) * np.clip(age - 33, 1, 120)).astype(np.int64)
    stall_cut = (ao - gap) * 86400 + 18 * 3600
    stalled &= stall_cut > created_s + 86400
    cutoff = np.where(closed, outcome_s, np.where(stalled, stall_cut, end_of_as_of))
    return closed, stalled, cutoff


@dataclass
class Targets:
    """Bookings each rep should be credited per year group, and in which months."""

    usd: np.ndarray  # (people, groups)
    eligible: np.ndarray  # (people, months from am0): month counts towards the target
    am0: int  # first month of the history
    q0: int  # first month of the fiscal quarter containing am0
    by_quarter: np.ndarray  # company total per fiscal quarter from q0 (seasonality)

    def is_eligible(self, person: np.ndarray, am: np.ndarray) -> np.ndarray:
        col = am - self.am0
        ok = (person >= 0) & (col >= 0) & (col < self.eligible.shape[1])
        return (
            ok & self.eligible[np.maximum(person, 0), np.clip(col, 0, self.eligible.shape[1] - 1)]
        )


def scale_amounts(
    deals: Deals,
    targets: Targets,
    owner: np.ndarray,
    partner: np.ndarray,
    owner_pct: np.ndarray,
    excluded: list[int],
    rounds: int = 4,
) -> None:
    """Scale deal amounts so that each rep's credited bookings (after reassignments and
    splits) meet quota x skill x season over each of their years, give or take a deal. Deals
    in a rep's ramp months keep their natural size; `excluded` deals (faulty records the
    warehouse will drop) count for nobody."""
    n_people, n_groups = targets.usd.shape
    pct = np.where(partner >= 0, owner_pct, 100) / 100
    counts = deals.won.copy()
    counts[excluded] = False
    won_o = counts & targets.is_eligible(owner, deals.am)
    won_p = counts & (partner >= 0) & targets.is_eligible(partner, deals.am)
    quarter = (deals.am - targets.q0) // 3
    nq = len(targets.by_quarter)
    in_q = (quarter >= 0) & (quarter < nq)
    for _ in range(rounds):
        # the company's quarters follow the seasonal profile ...
        credit = deals.usd * (won_o * pct + won_p * (1 - pct))
        got = np.bincount(quarter[in_q], weights=credit[in_q], minlength=nq)[:nq]
        q_factor = np.where(got > 0, targets.by_quarter / np.where(got > 0, got, 1.0), 1.0)
        apply = targets.is_eligible(owner, deals.am) & in_q
        deals.usd = np.where(
            apply, deals.usd * np.clip(q_factor, 0.5, 2.0)[np.clip(quarter, 0, nq - 1)], deals.usd
        )
        # ... and each rep's year meets quota x skill
        realized = np.zeros((n_people, n_groups))
        np.add.at(realized, (owner[won_o], deals.group[won_o]), deals.usd[won_o] * pct[won_o])
        np.add.at(
            realized, (partner[won_p], deals.group[won_p]), deals.usd[won_p] * (1 - pct[won_p])
        )
        factor = np.where(realized > 0, targets.usd / np.where(realized > 0, realized, 1.0), 1.0)
        apply = targets.is_eligible(owner, deals.am)
        deals.usd = np.where(
            apply, deals.usd * np.clip(factor, 0.4, 2.5)[owner, deals.group], deals.usd
        )


def finish_amounts(deals: Deals, fx: FxRates, as_of: int) -> None:
    """Amounts in the deal currency (whole tens), and the earlier amounts of amount changes."""
    rate = fx.rate(deals.currency, np.minimum(deals.outcome_day, as_of))
    local_units = np.maximum(500, np.round(deals.usd / rate / 10) * 10)
    deals.amount_cents = (local_units * 100).astype(np.int64)
    deals.amount_usd_planned = deals.amount_cents / 100 * rate
    before = np.round(deals.amount_cents[:, None] * deals.amount_factors / 1000) * 1000
    before = np.maximum(before.astype(np.int64), 50_000)
    deals.amount_before[:, 0] = np.where(deals.n_amount >= 1, before[:, 0], -1)
    deals.amount_before[:, 1] = np.where(deals.n_amount >= 2, before[:, 1], -1)
