"""The sales organisation and its effective-dated history.

Builds the role tree (company -> regions -> teams), the people (CRO, regional VPs, team
managers, reps, overlay specialists) and, day by day over the history, what happened to them:
hires (backfills and growth), leavers, at least one team transfer in every fiscal year, and one
rep promoted to manager when their manager leaves. The CRM's User file shows only the result;
`compensation/assignments.csv` keeps the history (as an ICM tool does).

People number in the thousands at most, so this module loops over people and events; everything
per opportunity or activity is vectorised elsewhere.
"""

from __future__ import annotations

import heapq
import statistics
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.names import (
    COMPANY_NAME,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    REGIONS,
    SEGMENTS,
)
from ingestion.demo.scales import Scale

FAR = fiscal.FAR_FUTURE
MONTHLY_LEAVE_RATE = 0.014  # about 16% of reps leave per year
SKILL_MEDIAN = 0.93
BUNCH_FROM = 0.955
SKILL_SIGMA = 0.38
ANNUAL_QUOTA = {"Enterprise": 1_200_000.0, "Mid-Market": 720_000.0}
BASE_SALARY = {"Enterprise": 140_000.0, "Mid-Market": 95_000.0}


@dataclass
class Role:
    name: str
    parent: int  # -1 for the company role
    level: str  # company, region or team
    region: int  # -1 for the company role
    segment: str = ""


@dataclass
class Person:
    kind: str  # cro, vp, manager, rep, specialist
    first: str
    last: str
    email: str
    hire: int
    region: int
    term: int | None = None
    quota_annual: float = 0.0
    skill: float = 1.0
    promoted_on: int | None = None  # day a rep became a manager

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Segment:
    person: int
    role: int
    kind: str  # rep or manager
    start: int
    end: int | None = None  # inclusive; None while current


@dataclass
class Org:
    """The company: roles, people and assignment segments, plus vector indexes over them."""

    roles: list[Role]
    people: list[Person]
    segments: list[Segment]
    history_start: int
    as_of: int
    transfers: list[tuple[int, int, int, int]] = field(default_factory=list)
    seg_person: np.ndarray = field(init=False)
    seg_role: np.ndarray = field(init=False)
    seg_is_rep: np.ndarray = field(init=False)
    seg_start: np.ndarray = field(init=False)
    seg_end: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.segments.sort(key=lambda s: (s.person, s.start))
        self.seg_person = np.array([s.person for s in self.segments], dtype=np.int64)
        self.seg_role = np.array([s.role for s in self.segments], dtype=np.int64)
        self.seg_is_rep = np.array([s.kind == "rep" for s in self.segments])
        self.seg_start = np.array([s.start for s in self.segments], dtype=np.int64)
        self.seg_end = np.array(
            [FAR if s.end is None else s.end for s in self.segments], dtype=np.int64
        )
        self._keys = self.seg_person * (1 << 32) + self.seg_start

    # --- lookups -------------------------------------------------------------------------

    def segment_on(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the segment covering (person, day), or -1."""
        person = np.asarray(person, dtype=np.int64)
        day = np.asarray(day, dtype=np.int64)
        idx = np.searchsorted(self._keys, person * (1 << 32) + day, side="right") - 1
        ok = idx >= 0
        safe = np.maximum(idx, 0)
        ok &= (self.seg_person[safe] == person) & (day <= self.seg_end[safe])
        return np.where(ok, idx, -1)

    def role_on(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The role (team, region or company) a person carried on a day, or -1."""
        idx = self.segment_on(person, day)
        return np.where(idx >= 0, self.seg_role[np.maximum(idx, 0)], -1)

    @property
    def reps(self) -> np.ndarray:
        """Indexes of every person who was a rep at some point."""
        return np.unique(self.seg_person[self.seg_is_rep])

    def rep_interval(self) -> tuple[np.ndarray, np.ndarray]:
        """First and last day (inclusive, FAR if open) as a rep, per person (-1/-1 if never)."""
        n = len(self.people)
        first = np.full(n, -1, dtype=np.int64)
        last = np.full(n, -1, dtype=np.int64)
        for s, p in enumerate(self.seg_person):
            if not self.seg_is_rep[s]:
                continue
            first[p] = self.seg_start[s] if first[p] < 0 else min(first[p], self.seg_start[s])
            last[p] = max(last[p], self.seg_end[s])
        return first, last

    def team_roles(self) -> np.ndarray:
        return np.array([i for i, r in enumerate(self.roles) if r.level == "team"])

    def manager_of_role_on(self, role: int, day: int) -> int:
        """The person holding the manager segment of `role` on `day` (-1 if vacant)."""
        if not hasattr(self, "_managers"):
            self._managers: dict[int, list[Segment]] = {}
            for s in self.segments:
                if s.kind == "manager":
                    self._managers.setdefault(s.role, []).append(s)
        for s in self._managers.get(role, []):
            if s.start <= day <= (s.end or FAR):
                return s.person
        return -1


class _Names:
    """Unique, reproducible people names and e-mail addresses."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.emails: set[str] = set()

    def next(self) -> tuple[str, str, str]:
        first = FIRST_NAMES[int(self.rng.integers(len(FIRST_NAMES)))]
        last = LAST_NAMES[int(self.rng.integers(len(LAST_NAMES)))]
        base = f"{first}.{last}".lower()
        email, n = f"{base}@{EMAIL_DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{EMAIL_DOMAIN}"
        self.emails.add(email)
        return first, last, email


def _weekday_on_or_after(day: int) -> int:
    wd = int(fiscal.weekday(day))
    return day + (7 - wd if wd >= 5 else 0)


def _monday_on_or_after(day: int) -> int:
    return day + (7 - int(fiscal.weekday(day))) % 7


def history_start(scale: Scale, as_of: int, fsm: int) -> int:
    """First day of the generated history (a month start, or a fiscal-year start)."""
    am_as_of = int(fiscal.am_of_day(as_of))
    if scale.history_fiscal_years:
        fy = int(fiscal.fiscal_year(am_as_of, fsm))
        return int(
            fiscal.first_day_of_am(fiscal.fy_first_am(fy - scale.history_fiscal_years + 1, fsm))
        )
    assert scale.history_months is not None
    return int(fiscal.first_day_of_am(am_as_of - scale.history_months + 1))


def _stratified_skills(n: int, rng: np.random.Generator) -> list[float]:
    """Rep skill (expected attainment): log-normal, sampled by strata so that even 25 reps
    spread like the distribution (a few far above quota, a few far below)."""
    nd = statistics.NormalDist()
    u = (rng.permutation(n) + rng.uniform(0.15, 0.85, n)) / n
    return [_bunch(SKILL_MEDIAN * float(np.exp(SKILL_SIGMA * nd.inv_cdf(float(x))))) for x in u]


def _bunch(a: float) -> float:
    """Reps who would end just short of quota pull a deal in and land just above it (the
    bunching above 100% that real attainment distributions show)."""
    lo, hi = BUNCH_FROM, 1.0
    return 1.01 + (a - lo) / (hi - lo) * 0.03 if lo <= a < hi else a


def build_org(scale: Scale, rng: np.random.Generator, hs: int, ao: int, fsm: int) -> Org:
    """Simulate the organisation from before `hs` (history start) to `ao` (as of)."""
    build = _OrgBuilder(scale, rng, hs, ao)
    build.lay_out_the_role_tree()
    build.hire_the_leaders()
    build.hire_the_initial_reps()
    build.schedule_leavers()
    build.schedule_growth_hires()
    build.schedule_transfers_in_every_fiscal_year(fsm)
    build.schedule_a_promotion()
    build.run_the_events()
    build.spread_skill_over_the_reported_reps(fsm)
    return Org(build.roles, build.people, build.segments, hs, ao, build.transfers)


class _OrgBuilder:
    """The state of the simulation, changed step by step in the order of `build_org`.

    Every draw from `rng` happens in the same order as ever, so a seed gives the same company.
    """

    def __init__(self, scale: Scale, rng: np.random.Generator, hs: int, ao: int) -> None:
        self.scale, self.rng, self.hs, self.ao = scale, rng, hs, ao
        self.names = _Names(rng)
        self.roles: list[Role] = [Role(COMPANY_NAME, -1, "company", -1)]
        self.team_ids: list[int] = []
        self.team_quota: dict[int, float] = {}
        self.people: list[Person] = []
        self.segments: list[Segment] = []
        self.open_seg: dict[int, Segment] = {}
        self.initial_reps = round(scale.reps * 0.93)
        self.events: list[tuple[int, int, str, int]] = []  # (day, seq, kind, arg)
        self.seq = 0
        # person -> day before which no other event may touch them
        self.busy_until: dict[int, int] = {}
        self.transfers: list[tuple[int, int, int, int]] = []

    # --- the company at the start of the history -------------------------------------------

    def lay_out_the_role_tree(self) -> None:
        """Company -> regions -> teams (alternating segments), and each team's quota."""
        scale, roles = self.scale, self.roles
        region_defs = REGIONS[: scale.regions]
        for r, (rname, _short, _countries) in enumerate(region_defs):
            roles.append(Role(rname, 0, "region", r))
        per_region = [
            scale.teams // scale.regions + (1 if r < scale.teams % scale.regions else 0)
            for r in range(scale.regions)
        ]
        for r, count in enumerate(per_region):
            short = region_defs[r][1]
            for k in range(count):
                segment = SEGMENTS[k % 2]
                number = k // 2 + 1
                many = (count + 1 - k % 2) // 2 > 1
                name = f"{short} {segment}" + (f" {number}" if many else "")
                roles.append(Role(name, 1 + r, "team", r, segment))
                self.team_ids.append(len(roles) - 1)
        self.team_quota = {
            t: ANNUAL_QUOTA[roles[t].segment] * float(self.rng.choice([0.9, 1.0, 1.0, 1.1]))
            for t in self.team_ids
        }

    def hire_the_leaders(self) -> None:
        """The CRO, a VP and an overlay specialist per region, a manager per team."""
        self._add("cro", -1, self._long_ago(900, 2500), 0, "manager")
        for r in range(self.scale.regions):
            self._add("vp", r, self._long_ago(500, 2500), 1 + r, "manager")
        for r in range(self.scale.regions):
            self._add("specialist", r, self._long_ago(300, 2000), 1 + r, None)
        for t in self.team_ids:
            self._add("manager", self.roles[t].region, self._long_ago(400, 3000), t, "manager")

    def hire_the_initial_reps(self) -> None:
        """Most reps are there before the history starts, a few joined just before it."""
        skills = _stratified_skills(self.initial_reps, self.rng)
        for i in range(self.initial_reps):
            team = self.team_ids[i % len(self.team_ids)]
            if self.rng.random() < 0.12:
                hire = self.hs - int(self.rng.integers(10, 110))
            else:
                hire = self.hs - int(self.rng.integers(150, 2600))
            self._new_rep(team, _weekday_on_or_after(hire), skills[i])

    # --- the event schedule ----------------------------------------------------------------

    def schedule_leavers(self) -> None:
        """About 16% of reps a year leave; each leaver schedules their backfill when it runs."""
        span = self.ao - self.hs
        rate = self.scale.reps * MONTHLY_LEAVE_RATE * span / 30.4
        n_leavers = max(2, int(self.rng.poisson(rate)))
        for _ in range(n_leavers):
            offset = int(self.rng.integers(0, max(1, span - 50)))
            self._schedule(_weekday_on_or_after(self.hs + 20 + offset), "term")

    def schedule_growth_hires(self) -> None:
        span = self.ao - self.hs
        for _ in range(self.scale.reps - self.initial_reps):
            day = _monday_on_or_after(self.hs + int(self.rng.integers(0, max(1, span - 30))))
            self._schedule(day, "hire", self.team_ids[int(self.rng.integers(len(self.team_ids)))])

    def schedule_transfers_in_every_fiscal_year(self, fsm: int) -> None:
        """At least one transfer in every fiscal year the history touches."""
        hs, ao = self.hs, self.ao
        fy0 = int(fiscal.fiscal_year(fiscal.am_of_day(hs), fsm))
        fy1 = int(fiscal.fiscal_year(fiscal.am_of_day(ao), fsm))
        for fy in range(fy0, fy1 + 1):
            lo = max(hs, int(fiscal.first_day_of_am(fiscal.fy_first_am(fy, fsm))))
            hi = min(ao, int(fiscal.last_day_of_am(fiscal.fy_first_am(fy, fsm) + 11)))
            count = max(1, round(self.scale.reps * 0.04 * (hi - lo + 1) / 365))
            for _ in range(count):
                margin = 20 if hi - lo > 60 else 0
                day = _weekday_on_or_after(
                    lo + margin + int(self.rng.integers(0, max(1, hi - lo - 2 * margin + 1)))
                )
                self._schedule(day if day <= hi else hi, "transfer")

    def schedule_a_promotion(self) -> None:
        """One team's best rep becomes its manager when the manager leaves."""
        promo_team = self.team_ids[int(self.rng.integers(len(self.team_ids)))]
        span = self.ao - self.hs
        day = _weekday_on_or_after(self.hs + int(span * self.rng.uniform(0.35, 0.6)))
        self._schedule(day, "promote", promo_team)

    # --- running it ------------------------------------------------------------------------

    def run_the_events(self) -> None:
        """Play the schedule day by day; an event may schedule more (a leaver's backfill)."""
        handlers = {
            "term": self._a_rep_leaves,
            "hire": self._new_rep,
            "transfer": self._a_rep_moves_team,
            "promote": self._a_rep_is_promoted,
        }
        while self.events:
            day, _, kind, arg = heapq.heappop(self.events)
            if day > self.ao:
                continue
            if kind == "term" or kind == "transfer":
                handlers[kind](day)
            else:
                handlers[kind](arg, day)

    def _a_rep_leaves(self, day: int) -> None:
        """A rep of at least 90 days leaves a team of three or more; a backfill is scheduled."""
        sizes = self._team_sizes()
        cands = [p for p in self._active_reps(day, 90) if sizes[self.open_seg[p].role] >= 3]
        if not cands:
            return
        p = cands[int(self.rng.integers(len(cands)))]
        team = self.open_seg[p].role
        self._end(p, day)
        self.people[p].term = day
        self._schedule(_monday_on_or_after(day + int(self.rng.integers(14, 60))), "hire", team)

    def _a_rep_moves_team(self, day: int) -> None:
        """A rep of at least 120 days moves to a team of the same region (and segment)."""
        cands = self._active_reps(day, 120)
        if not cands:
            return
        p = cands[int(self.rng.integers(len(cands)))]
        roles, team_ids = self.roles, self.team_ids
        old = self.open_seg[p].role
        region, segment = roles[old].region, roles[old].segment
        targets = [
            t
            for t in team_ids
            if t != old and roles[t].region == region and roles[t].segment == segment
        ]
        targets = targets or [t for t in team_ids if t != old and roles[t].region == region]
        targets = targets or [t for t in team_ids if t != old]
        if not targets:
            return
        new = targets[int(self.rng.integers(len(targets)))]
        self._end(p, day - 1)
        seg = Segment(p, new, "rep", day)
        self.segments.append(seg)
        self.open_seg[p] = seg
        self.busy_until[p] = day + 60
        self.transfers.append((p, old, new, day))

    def _a_rep_is_promoted(self, team: int, day: int) -> None:
        """The team's manager leaves; its most skilled rep of 200+ days takes over."""
        open_seg, people = self.open_seg, self.people
        manager = next(
            (p for p, s in open_seg.items() if s.kind == "manager" and s.role == team), -1
        )
        cands = [p for p in self._active_reps(day, 200) if open_seg[p].role == team]
        if manager < 0 or not cands:
            return
        best = max(cands, key=lambda p: (people[p].skill, -p))
        self._end(manager, day)
        people[manager].term = day
        self._end(best, day)
        seg = Segment(best, team, "manager", day + 1)
        self.segments.append(seg)
        open_seg[best] = seg
        people[best].kind = "manager"
        people[best].promoted_on = day + 1
        self.busy_until[best] = FAR
        self._schedule(_monday_on_or_after(day + int(self.rng.integers(21, 50))), "hire", team)

    def spread_skill_over_the_reported_reps(self, fsm: int) -> None:
        """Spread skill evenly over the reps whose annual attainment the manifest reports, so
        that even a 25-rep company shows the intended spread (a few far above quota, a few far
        below)."""
        people = self.people
        am_lo, am_hi, _ = fiscal.attainment_period(self.hs, self.ao, fsm)
        p_lo, p_hi = int(fiscal.first_day_of_am(am_lo)), int(fiscal.last_day_of_am(am_hi))
        cohort = [i for i, p in enumerate(people) if p.kind == "rep" or p.promoted_on]
        cohort = [
            i
            for i in cohort
            if people[i].hire <= p_lo - 120
            and people[i].promoted_on is None
            and (people[i].term is None or people[i].term >= p_hi)
        ]
        for i, skill in zip(cohort, _stratified_skills(len(cohort), self.rng), strict=True):
            people[i].skill = skill

    # --- helpers ---------------------------------------------------------------------------

    def _add(self, kind: str, region: int, hire: int, role: int, seg_kind: str | None) -> int:
        first, last, email = self.names.next()
        self.people.append(Person(kind, first, last, email, hire, region))
        idx = len(self.people) - 1
        if seg_kind:
            seg = Segment(idx, role, seg_kind, hire)
            self.segments.append(seg)
            self.open_seg[idx] = seg
        return idx

    def _long_ago(self, lo: int, hi: int) -> int:
        return _weekday_on_or_after(self.hs - int(self.rng.integers(lo, hi)))

    def _new_rep(self, team: int, hire: int, skill: float | None = None) -> int:
        idx = self._add("rep", self.roles[team].region, hire, team, "rep")
        p = self.people[idx]
        p.quota_annual = self.team_quota[team] * float(self.rng.choice([0.9, 1.0, 1.0, 1.1]))
        if skill is None:
            z = float(self.rng.standard_normal())
            skill = _bunch(SKILL_MEDIAN * float(np.exp(SKILL_SIGMA * z)))
        p.skill = skill
        return idx

    def _schedule(self, day: int, kind: str, arg: int = -1) -> None:
        heapq.heappush(self.events, (day, self.seq, kind, arg))
        self.seq += 1

    def _active_reps(self, day: int, min_tenure: int) -> list[int]:
        return [
            p
            for p, seg in self.open_seg.items()
            if seg.kind == "rep"
            and self.people[p].hire <= day - min_tenure
            and self.busy_until.get(p, -FAR) <= day
        ]

    def _team_sizes(self) -> Counter[int]:
        return Counter(s.role for s in self.open_seg.values() if s.kind == "rep")

    def _end(self, p: int, day: int) -> None:
        seg = self.open_seg.pop(p)
        seg.end = day
