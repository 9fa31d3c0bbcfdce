"""Sales activities (calls, emails, meetings) per rep, tied to deals where they are about one.

Most activity belongs to open deals (spread over each deal's active life, by whoever owned it
that day; stalled deals go quiet at their stall date, and every other open deal was touched in
the last two weeks); the rest is prospecting: calls and emails to the team's accounts or to
nobody in the CRM yet. Volumes are calibrated to `activities_per_rep_day` per selling day.
Written one JSON-lines file per calendar day, built as byte matrices (see textio.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.accounts import Accounts
from ingestion.demo.crm import CrmOpportunities
from ingestion.demo.deals import Deals
from ingestion.demo.ids import hex_ids
from ingestion.demo.org import Org
from ingestion.demo.ownership import Ownership
from ingestion.demo.scales import Scale
from ingestion.demo.textio import render_rows

LINKED_SHARE = 0.55
TYPES = ("call", "email", "meeting")
OUTCOMES = ("connected", "voicemail", "no_answer", "sent", "replied", "held", "no_show")
DIRECTIONS = ("inbound", "outbound")


@dataclass
class Activities:
    day: np.ndarray
    sec: np.ndarray
    user: np.ndarray
    deal: np.ndarray  # -1 if none
    account: np.ndarray  # -1 if none
    type: np.ndarray
    outcome: np.ndarray
    inbound: np.ndarray
    duration: np.ndarray

    def __len__(self) -> int:
        return len(self.day)


@dataclass
class DealLives:
    """What the activities need of each deal: when it entered the CRM, until when its events
    are in it, whether it is closed or stalled, who created it and its account. The generator
    keeps only these of the deals while it draws the activities (the largest table: 48 million
    rows at `xl`), so that the rest of the deal plan and the CRM's history are freed first."""

    created_s: np.ndarray
    cutoff_s: np.ndarray
    closed: np.ndarray
    stalled: np.ndarray
    owner0: np.ndarray
    account: np.ndarray

    @classmethod
    def of(cls, deals: Deals, opps: CrmOpportunities) -> DealLives:
        return cls(
            deals.created_s, deals.cutoff_s, deals.closed, deals.stalled, deals.owner0, opps.account
        )

    def __len__(self) -> int:
        return len(self.owner0)


def rep_selling_days(org: Org) -> tuple[np.ndarray, np.ndarray]:
    """(rep, day) pairs of every selling day each rep worked within the history."""
    first, last = org.rep_interval()
    reps = org.reps
    lo = np.maximum(first[reps], org.history_start)
    hi = np.minimum(last[reps], org.as_of)
    n = np.maximum(0, hi - lo + 1)
    rep = np.repeat(reps, n)
    day = np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    keep = fiscal.selling_day(day)
    return rep[keep], day[keep]


def _spread_days(lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random day in [lo, hi], moved off weekends when it can stay in range (most of the time)."""
    day = lo + (rng.random(len(lo)) * (hi - lo + 1)).astype(lo.dtype)
    wd = fiscal.weekday(day)
    moved = np.where(wd == 5, day - 1, np.where(wd == 6, day + 1, day))
    ok = (moved >= lo) & (moved <= hi) & (rng.random(len(lo)) < 0.93)
    return np.where(ok, moved, day)


def make_activities(
    scale: Scale,
    org: Org,
    deals: DealLives,
    own: Ownership,
    accounts: Accounts,
    rng: np.random.Generator,
) -> Activities:
    hs, ao = org.history_start, org.as_of
    rep_rep, rep_day = rep_selling_days(org)
    target_total = scale.activities_per_rep_day * len(rep_day)

    # deal-linked: over each deal's active life inside the history (days, deal, person and
    # account numbers fit in 32 bits: at `xl` each such column of the 26 million deal-linked
    # activities is 100 MB instead of 200)
    lo = np.maximum(deals.created_s // 86400, hs).astype(np.int32)
    hi = np.minimum(deals.cutoff_s // 86400, ao).astype(np.int32)
    live = hi >= lo
    span = np.where(live, hi - lo + 1, 0)
    rate = LINKED_SHARE * target_total / max(1, span.sum())
    n_per = rng.poisson(rate * span)
    deal = np.repeat(np.arange(len(deals), dtype=np.int32), n_per)
    day = _spread_days(lo[deal], hi[deal], rng)
    # every open, non-stalled deal was touched lately; a stalled one last on its stall date
    is_open = live & ~deals.closed
    fresh = np.flatnonzero(is_open & ~deals.stalled)
    last_touch = np.maximum(lo[fresh], ao - 13) + (
        rng.random(len(fresh)) * (ao - np.maximum(lo[fresh], ao - 13) + 1)
    ).astype(np.int32)
    stalled = np.flatnonzero(is_open & deals.stalled)
    deal = np.r_[deal, fresh.astype(np.int32), stalled.astype(np.int32)]
    day = np.r_[day, last_touch, hi[stalled]]
    user = own.owner_on(deals.owner0.astype(np.int32)[deal], deal, day)
    account = deals.account.astype(np.int32)[deal]
    n_linked = len(deal)

    # prospecting: per rep and selling day
    lam = max(0.0, target_total - n_linked) / max(1, len(rep_day))
    k = rng.poisson(lam, len(rep_day))
    p_user = np.repeat(rep_rep.astype(np.int32), k)
    p_day = np.repeat(rep_day.astype(np.int32), k)
    p_team = org.role_on(p_user, p_day)
    p_account = np.where(rng.random(len(p_user)) < 0.6, accounts.pick(p_team, rng), -1)

    # Every column is cast to its final type as soon as it is drawn, and each draw is folded in
    # and dropped before the next: the xl company has 48 million activities, where one int64
    # column is 384 MB. The draws and their order are those of np.where/np.select over whole
    # columns (the same values for a seed), one column alive at a time.
    user = np.r_[user, p_user].astype(np.int32, copy=False)
    day = np.r_[day, p_day].astype(np.int32, copy=False)
    deal = np.r_[deal, np.full(len(p_user), -1, dtype=np.int32)]
    account = np.r_[account, p_account].astype(np.int32, copy=False)
    del p_user, p_day, p_account
    n = len(user)
    linked = deal >= 0
    typ = _activity_types(linked, rng.random(n))
    del linked
    calls, emails = typ == 0, typ == 1
    outcome = _outcomes(calls, emails, rng.random(n))
    inbound = _directions(calls, emails, outcome, rng, n)
    duration = _durations(outcome, rng, n)
    del calls, emails
    sec = rng.integers(7 * 3600, 19 * 3600, n).astype(np.int32)
    key = ((day.astype(np.int64) - hs) * 86400 + sec) * len(org.people) + user
    order = np.argsort(key, kind="stable")
    del key
    columns = [day, sec, user, deal, account, typ, outcome, inbound, duration]
    del day, sec, user, deal, account, typ, outcome, inbound, duration
    for i, column in enumerate(columns):
        columns[i] = column[order]  # the unsorted column is freed as the sorted one lands
    return Activities(*columns)


def _activity_types(linked: np.ndarray, u: np.ndarray) -> np.ndarray:
    """0 call, 1 email, 2 meeting: deal work has more emails and meetings than prospecting."""
    typ = np.searchsorted([0.55, 0.95], u, side="right").astype(np.int8)
    typ[linked] = np.searchsorted([0.35, 0.75], u[linked], side="right")
    return typ


def _outcomes(calls: np.ndarray, emails: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Index into OUTCOMES: calls connect, go to voicemail or ring out; emails are sent or
    replied to; meetings are held or missed."""
    outcome = (5 + (v < 0.1)).astype(np.int8)
    outcome[calls] = np.searchsorted([0.4, 0.75], v[calls], side="right")
    outcome[emails] = 3 + (v[emails] < 0.22)
    return outcome


def _directions(
    calls: np.ndarray, emails: np.ndarray, outcome: np.ndarray, rng: np.random.Generator, n: int
) -> np.ndarray:
    """Inbound: some connected calls, every replied email, some meetings."""
    inbound_call = rng.random(n) < 0.15
    inbound = rng.random(n) < 0.15  # meetings
    inbound[calls] = (outcome[calls] == 0) & inbound_call[calls]
    inbound[emails] = outcome[emails] == 4
    return inbound


def _durations(outcome: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds: connected calls log-normal around 7 minutes, voicemails and missed calls
    short, held meetings 30, 45 or 60 minutes, the rest 0."""

    def connected() -> np.ndarray:
        length = rng.normal(np.log(420), 0.8, n)
        np.exp(length, out=length)
        return np.clip(length, 30, 5400, out=length)

    duration = np.zeros(n, dtype=np.int32)
    # drawn one at a time, in this order (at `xl` each draw is 400 MB)
    for value, draw in (
        (0, connected),
        (1, lambda: rng.integers(20, 91, n)),
        (2, lambda: rng.integers(0, 36, n)),
        (5, lambda: np.array([1800, 2700, 3600])[rng.integers(0, 3, n)]),
    ):
        chosen = outcome == value
        duration[chosen] = draw()[chosen]
        del chosen
    return duration


def _quoted(ids: np.ndarray) -> np.ndarray:
    """`"id"` for each id, and `null` appended as the last entry."""
    n = len(ids)
    w = ids.dtype.itemsize
    out = np.zeros((n + 1, w + 2), dtype=np.uint8)
    out[:n, 0] = out[:n, -1] = ord('"')
    out[:n, 1:-1] = ids.view(np.uint8).reshape(n, w)
    out[n, :4] = np.frombuffer(b"null", dtype=np.uint8)
    return out.view(f"S{w + 2}").ravel()


def write_activities(
    root: Path,
    acts: Activities,
    user_ids: np.ndarray,
    deal_ids: np.ndarray,
    account_ids: np.ndarray,
    salt: int,
) -> dict[str, int]:
    """One `sales_analytics/YYYY/MM/DD/activities.jsonl` per day; returns rows per day."""
    from ingestion.demo.textio import _TIMES, date_text

    users = np.array([b'"' + u + b'"' for u in user_ids.tolist()])
    deals = _quoted(deal_ids)
    accounts = _quoted(account_ids)
    types = np.array([t.encode() for t in TYPES])
    outcomes = np.array([o.encode() for o in OUTCOMES])
    directions = np.array([b"outbound", b"inbound"])
    durations = np.array([str(i).encode() for i in range(int(acts.duration.max(initial=0)) + 1)])
    counts: dict[str, int] = {}
    if not len(acts):
        return counts
    days = np.unique(acts.day)
    bounds = np.searchsorted(acts.day, np.r_[days, days[-1] + 1])
    for i, d in enumerate(days.tolist()):
        sl = slice(int(bounds[i]), int(bounds[i + 1]))
        k = sl.stop - sl.start
        date = date_text(np.array([d]))[0]
        pieces = [
            b'{"id":"',
            hex_ids("act_", np.arange(sl.start, sl.stop), salt, 16),
            b'","type":"',
            types[acts.type[sl]],
            b'","user_id":',
            users[acts.user[sl]],
            b',"opportunity_id":',
            deals[acts.deal[sl]],
            b',"account_id":',
            accounts[acts.account[sl]],
            b',"timestamp":"' + date + b"T",
            _TIMES[acts.sec[sl]],
            b'.000Z","duration_seconds":',
            durations[acts.duration[sl]],
            b',"direction":"',
            directions[acts.inbound[sl].astype(np.int64)],
            b'","outcome":"',
            outcomes[acts.outcome[sl]],
            b'"}\n',
        ]
        text = date.decode()
        path = root / "sales_analytics" / text[:4] / text[5:7] / text[8:10] / "activities.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_rows(pieces, k))
        counts[text] = k
    return counts
