"""OpportunityHistory rows and the current Opportunity state, from the deal plans.

One row per change (creation, stage, amount, close date; each holds the full state after the
change), as Salesforce's OpportunityHistory does. Only changes the CRM has seen by the as-of
date are kept (stalled deals saw none for a while). The last row of each opportunity is, by
construction, its current state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo import stages
from ingestion.demo.deals import Deals

KIND_CREATE, KIND_STAGE, KIND_AMOUNT, KIND_PUSH, KIND_LOST_FOR_A_WHILE, KIND_REOPEN, KIND_CLOSE = (
    range(7)
)


@dataclass
class History:
    deal: np.ndarray
    t: np.ndarray  # epoch seconds
    stage: np.ndarray
    amount_cents: np.ndarray
    close_day: np.ndarray
    probability: np.ndarray
    category: np.ndarray

    def __len__(self) -> int:
        return len(self.deal)


@dataclass
class Current:
    stage: np.ndarray
    amount_cents: np.ndarray
    close_day: np.ndarray
    probability: np.ndarray
    category: np.ndarray
    last_change_s: np.ndarray
    last_stage_change_s: np.ndarray


def _business_hours(t: np.ndarray) -> np.ndarray:
    """Squeeze a time of day into 08:00-18:00 (monotone within a day)."""
    day, tod = t // 86400, t % 86400
    return day * 86400 + 8 * 3600 + tod * 10 // 24


def build_history(deals: Deals) -> tuple[History, Current]:
    n = len(deals)
    ids = np.arange(n)
    parts: list[tuple[np.ndarray, ...]] = []  # (deal, t, kind, seq, stage, amount, close)
    none = np.int64(-1)

    def add(
        mask: np.ndarray, t: np.ndarray, kind: int, seq: int, stage=None, amount=None, close=None
    ) -> None:
        m = np.flatnonzero(mask)
        k = len(m)

        def pick(v: np.ndarray | None) -> np.ndarray:
            return np.full(k, none) if v is None else np.asarray(v)[m]

        parts.append(
            (m, t[m], np.full(k, kind), np.full(k, seq), pick(stage), pick(amount), pick(close))
        )

    n_amt = deals.n_amount
    amount0 = np.where(n_amt >= 1, deals.amount_before[:, 0], deals.amount_cents)
    add(np.ones(n, bool), deals.created_s, KIND_CREATE, 0, deals.start_stage, amount0, deals.close0)
    cut = deals.cutoff_s
    floor_t = deals.created_s + 60
    ceil_t = np.where(deals.closed, deals.outcome_s - 60, np.iinfo(np.int64).max)

    def inside(t: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(_business_hours(t), floor_t), ceil_t)

    for j in range(4):
        raw = deals.stage_s[:, j]
        t = inside(raw)
        add((raw >= 0) & (t <= cut), t, KIND_STAGE, j, deals.start_stage + 1 + j)
    amount1 = np.where(n_amt == 2, deals.amount_before[:, 1], deals.amount_cents)
    for j, value in ((0, amount1), (1, deals.amount_cents)):
        raw = deals.amount_s[:, j]
        t = inside(raw)
        add((raw >= 0) & (t <= cut), t, KIND_AMOUNT, j, amount=value)
    for j in range(2):
        raw = deals.push_s[:, j]
        add((raw >= 0) & (raw <= cut), raw, KIND_PUSH, j, close=deals.push_new[:, j])
    # a won deal marked lost for a while (turnarounds.plan_reopens): lost on one day, back in
    # its last open stage and close date later; both rows, or neither while it is still lost
    lost_t, back_t = inside(deals.reopen_s[:, 0]), inside(deals.reopen_s[:, 1])
    came_back = (deals.reopen_s[:, 1] >= 0) & (back_t <= cut)
    lost_stage = np.full(n, stages.LOST)
    add(came_back, lost_t, KIND_LOST_FOR_A_WHILE, 0, lost_stage, close=lost_t // 86400)
    add(came_back, back_t, KIND_REOPEN, 0, deals.last_open_stage, close=deals.expected_close)
    final_stage = np.where(deals.won, stages.WON, stages.LOST)
    add(deals.closed, deals.outcome_s, KIND_CLOSE, 0, final_stage, close=deals.outcome_day)

    deal, t, kind, seq, stage, amount, close = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((seq, kind, t, deal))
    deal, t, stage, amount, close = (x[order] for x in (deal, t, stage, amount, close))
    # strictly increasing times within a deal: t_j >= t_(j-1) + 1
    pos = np.arange(len(t))
    big = np.int64(1) << 40
    t = np.maximum.accumulate(deal * big + (t - pos)) - deal * big + pos

    def ffill(values: np.ndarray) -> np.ndarray:
        has = values != none
        src = np.maximum.accumulate(np.where(has, pos, 0))
        return values[src]

    stage, amount, close = ffill(stage), ffill(amount), ffill(close)
    override = deals.override[deal]
    history = History(
        deal=deal,
        t=t,
        stage=stage,
        amount_cents=amount,
        close_day=close,
        probability=stages.PROBABILITY[stage],
        category=stages.category(stage, override),
    )
    last = np.r_[np.flatnonzero(np.diff(deal)), len(deal) - 1]
    assert np.array_equal(deal[last], ids)
    stage_changed = np.r_[True, (np.diff(stage) != 0) | (np.diff(deal) != 0)]
    last_stage_row = np.maximum.accumulate(np.where(stage_changed, pos, 0))[last]
    current = Current(
        stage=stage[last],
        amount_cents=amount[last],
        close_day=close[last],
        probability=history.probability[last],
        category=history.category[last],
        last_change_s=t[last],
        last_stage_change_s=t[last_stage_row],
    )
    return history, current
