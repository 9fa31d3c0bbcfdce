"""Deals whose plan turns: close dates pulled in, and lost deals that come back.

Real pipelines do not only slip. A buyer finds budget early and the close date moves *into*
the quarter (a pull-in); a deal marked lost comes back weeks later and is won after all (a
reopen). The weekly "what changed" marts have a cause for each, and without them in the demo
company those causes would only ever be exercised by unit tests.

Drawn from a stream of its own, after the deals are planned, so the rest of a seed's company
is what it was: only the turned deals' history rows (and, for a pull-in, the close date the
deal was created with) differ.
"""

from __future__ import annotations

import numpy as np

from ingestion.demo.deals import Deals

PULL_IN_SHARE = 0.06  # of the deals planned without a push
PULL_IN_FROM = (35, 100)  # days the close date was planned later than it ends up
REOPEN_SHARE = 0.04  # of the won deals with a quiet stretch before they close
REOPEN_MIN_QUIET_DAYS = 12
DAY = 86400


def _last_planned_change_s(deals: Deals) -> np.ndarray:
    """When each deal's last planned change (stage, amount or close date) happens."""
    events = np.concatenate(
        [deals.created_s[:, None], deals.stage_s, deals.amount_s, deals.push_s], axis=1
    )
    return events.max(axis=1)


def plan_pull_ins(deals: Deals, rng: np.random.Generator) -> None:
    """Give some unpushed deals a close date planned later that is moved earlier once, while
    they are still open."""
    n = len(deals)
    created_day = deals.created_s // DAY
    latest_move = deals.outcome_day - 1
    move_day = np.maximum(created_day + 3, deals.outcome_day - rng.integers(5, 30, n))
    later = deals.expected_close + rng.integers(PULL_IN_FROM[0], PULL_IN_FROM[1], n)
    chosen = (deals.n_push == 0) & (move_day <= latest_move) & (rng.random(n) < PULL_IN_SHARE)
    move_s = move_day * DAY + rng.integers(9 * 3600, 17 * 3600, n)
    deals.n_push = np.where(chosen, 1, deals.n_push)
    deals.close0 = np.where(chosen, later, deals.close0)
    deals.push_old[chosen, 0] = later[chosen]
    deals.push_new[chosen, 0] = deals.expected_close[chosen]
    deals.push_s[chosen, 0] = move_s[chosen]


def plan_reopens(deals: Deals, rng: np.random.Generator, exclude: list[int] | None = None) -> None:
    """Mark some won deals lost for a while before they are won: lost after their last planned
    change, reopened in their last open stage before the close. Deals in `exclude` (the
    planted faults, which must stay ordinary won deals otherwise) are left alone. Fills
    `deals.reopen_s` (lost, reopened; -1 for the others)."""
    n = len(deals)
    eligible = np.ones(n, dtype=bool)
    eligible[np.asarray(exclude or [], dtype=np.int64)] = False
    last = _last_planned_change_s(deals)
    quiet = deals.outcome_s - last
    chosen = (
        eligible
        & deals.won
        & (quiet >= REOPEN_MIN_QUIET_DAYS * DAY)
        & (rng.random(n) < REOPEN_SHARE)
    )
    lost_s = last + (quiet * rng.uniform(0.2, 0.4, n)).astype(np.int64)
    reopened_s = lost_s + (quiet * rng.uniform(0.2, 0.4, n)).astype(np.int64)
    deals.reopen_s = np.where(chosen[:, None], np.stack([lost_s, reopened_s], axis=1), np.int64(-1))
