"""Who owns and who is credited: leavers' open deals go to a teammate; splits.

When a rep leaves (or is promoted to manager) their open opportunities are reassigned to a
teammate on the next day: the Opportunity's OwnerId changes (and its LastModifiedDate), and the
activities after that day are the new owner's. About 8% of deals get Revenue splits with a
teammate (50/50 or 60/40 to the owner, summing to 100) and about 5% an Overlay split for the
region's overlay specialist at 100 (overlay credit, never bookings).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo.deals import OVERLAY_SPLIT_SHARE, REVENUE_SPLIT_SHARE, Deals
from ingestion.demo.org import Org

TRIES = 12
NEW_HIRE_DAYS = 90  # new hires neither inherit deals nor join splits


class MemberPicker:
    """Random members of a team on a day, vectorised (rejection sampling over the team's
    assignment segments)."""

    def __init__(self, org: Org, kind: str) -> None:
        is_kind = org.seg_is_rep if kind == "rep" else ~org.seg_is_rep
        seg = np.flatnonzero(is_kind)
        order = seg[np.argsort(org.seg_role[seg], kind="stable")]
        self.org = org
        self.hire = np.array([p.hire for p in org.people], dtype=np.int64)
        self.seg = order
        self.start = np.searchsorted(org.seg_role[order], np.arange(len(org.roles) + 1))

    def pick(
        self,
        team: np.ndarray,
        day: np.ndarray,
        exclude: np.ndarray,
        rng: np.random.Generator,
        min_tenure: int = 0,
    ) -> np.ndarray:
        """A person in `team` on `day` other than `exclude`, hired at least `min_tenure` days
        before, or -1."""
        org = self.org
        team = np.maximum(team, 0)
        lo = self.start[team]
        size = self.start[team + 1] - lo
        out = np.full(len(team), -1, dtype=np.int64)
        todo = np.flatnonzero(size > 0)
        for _ in range(TRIES):
            if not len(todo):
                break
            k = (rng.random(len(todo)) * size[todo]).astype(np.int64)
            s = self.seg[lo[todo] + k]
            p = org.seg_person[s]
            ok = (org.seg_start[s] <= day[todo]) & (day[todo] <= org.seg_end[s])
            ok &= (p != exclude[todo]) & (self.hire[p] <= day[todo] - min_tenure)
            out[todo[ok]] = p[ok]
            todo = todo[~ok]
        return out


@dataclass
class Ownership:
    owner: np.ndarray  # current OwnerId (person)
    reassign_day: np.ndarray  # (n, rounds) day of each reassignment, -1 if none
    reassign_to: np.ndarray  # (n, rounds)
    split_partner: np.ndarray  # person with a Revenue split, -1 if none
    owner_pct: np.ndarray  # owner's Revenue split percentage (100 when no split)
    overlay: np.ndarray  # overlay specialist person, -1 if none

    def owner_on(self, owner0: np.ndarray, deal: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The owner of `deal` on `day` (for activities)."""
        who = owner0.copy()  # of owner0's type (the activities pass 32-bit numbers)
        for r in range(self.reassign_day.shape[1]):
            d = self.reassign_day[deal, r]
            moved = (d >= 0) & (day >= d)
            del d
            who[moved] = self.reassign_to[deal[moved], r]
        return who


def assign_owners(deals: Deals, org: Org, rng: np.random.Generator) -> Ownership:
    n = len(deals)
    ao = org.as_of
    _, rep_last = org.rep_interval()
    reps = MemberPicker(org, "rep")
    managers = MemberPicker(org, "manager")
    owner = deals.owner0.copy()
    since = deals.created_s // 86400
    rounds = 3
    reassign_day = np.full((n, rounds), -1, dtype=np.int64)
    reassign_to = np.full((n, rounds), -1, dtype=np.int64)
    for r in range(rounds):
        leave = rep_last[owner]
        moves = (leave < deals.outcome_day) & (leave < ao) & (leave >= since)
        m = np.flatnonzero(moves)
        if not len(m):
            break
        day = leave[m] + 1
        team = org.role_on(owner[m], leave[m])
        new = reps.pick(team, day, owner[m], rng, min_tenure=NEW_HIRE_DAYS)
        missing = new < 0
        if missing.any():
            new[missing] = reps.pick(team[missing], day[missing], owner[m][missing], rng)
            missing = new < 0
        if missing.any():
            new[missing] = managers.pick(team[missing], day[missing], owner[m][missing], rng)
        if (new < 0).any():
            raise RuntimeError("a leaver's deal found no teammate and no manager")
        reassign_day[m, r] = day
        reassign_to[m, r] = new
        owner[m] = new
        since = since.copy()
        since[m] = day

    ref_day = np.minimum(deals.outcome_day, ao)
    last_day = np.where(rep_last[owner] >= 0, np.minimum(ref_day, rep_last[owner]), ref_day)
    team_now = org.role_on(owner, last_day)
    wants_split = rng.random(n) < REVENUE_SPLIT_SHARE
    partner = np.full(n, -1, dtype=np.int64)
    w = np.flatnonzero(wants_split & (team_now >= 0))
    partner[w] = reps.pick(team_now[w], ref_day[w], owner[w], rng, min_tenure=NEW_HIRE_DAYS)
    owner_pct = np.where(partner >= 0, np.where(rng.random(n) < 0.55, 50, 60), 100)

    specialists = {p.region: i for i, p in enumerate(org.people) if p.kind == "specialist"}
    region_of_role = np.array([r.region for r in org.roles])
    spec_by_region = np.array([specialists.get(r, -1) for r in range(len(specialists))])
    wants_overlay = (rng.random(n) < OVERLAY_SPLIT_SHARE) & (team_now >= 0)
    overlay = np.where(wants_overlay, spec_by_region[region_of_role[np.maximum(team_now, 0)]], -1)
    return Ownership(owner, reassign_day, reassign_to, partner, owner_pct, overlay)
