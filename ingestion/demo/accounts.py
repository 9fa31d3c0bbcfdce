"""Customer accounts: each team works its own pool of accounts (its territory)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo.fiscal import FAR_FUTURE
from ingestion.demo.names import (
    ACCOUNT_CORES,
    ACCOUNT_PREFIXES,
    ACCOUNT_SUFFIXES,
    INDUSTRIES,
    REGIONS,
)
from ingestion.demo.org import Org
from ingestion.demo.scales import Scale

CURRENCY_INDEX = {"USD": 0, "EUR": 1, "GBP": 2}


@dataclass
class Accounts:
    names: list[str]
    industry: np.ndarray  # index into INDUSTRIES
    country: list[str]
    currency: np.ndarray  # index into fx.CURRENCIES
    team: np.ndarray  # team role index
    team_start: np.ndarray  # CSR: accounts of team t are order[team_start[t]:team_start[t+1]]
    order: np.ndarray
    owner: np.ndarray = None  # type: ignore[assignment]  # person index, set later
    created_day: np.ndarray = None  # type: ignore[assignment]
    deleted: np.ndarray = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.names)

    def pick(self, team: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A random account of each team, skewed so that some accounts buy again and again."""
        lo = self.team_start[team]
        size = self.team_start[team + 1] - lo
        k = np.floor(size * rng.random(len(team)) ** 1.6).astype(np.int64)
        return self.order[lo + np.minimum(k, size - 1)]


def make_accounts(scale: Scale, org: Org, rng: np.random.Generator) -> Accounts:
    teams = org.team_roles()
    n_roles = len(org.roles)
    team_reps = np.bincount(
        org.seg_role[org.seg_is_rep & (org.seg_end >= FAR_FUTURE)], minlength=n_roles
    )
    per_team = np.maximum(10, team_reps[teams] * scale.accounts_per_rep)
    # plus a few stale accounts per team that nobody sells to any more
    stale_per_team = np.maximum(1, per_team // 40)
    team_of = np.r_[np.repeat(teams, per_team), np.repeat(teams, stale_per_team)]
    in_pool = np.r_[np.ones(per_team.sum(), bool), np.zeros(stale_per_team.sum(), bool)]
    n = len(team_of)
    combos = len(ACCOUNT_PREFIXES) * len(ACCOUNT_CORES) * len(ACCOUNT_SUFFIXES)
    perm = rng.permutation(max(combos, n))[:n] % combos
    rounds = np.arange(n) // combos
    names = []
    for k, r in zip(perm.tolist(), rounds.tolist(), strict=True):
        p, rest = divmod(k, len(ACCOUNT_CORES) * len(ACCOUNT_SUFFIXES))
        c, s = divmod(rest, len(ACCOUNT_SUFFIXES))
        name = f"{ACCOUNT_PREFIXES[p]} {ACCOUNT_CORES[c]}"
        if ACCOUNT_SUFFIXES[s]:
            name += f" {ACCOUNT_SUFFIXES[s]}"
        if r:
            name += f" {r + 1}"
        names.append(name)
    region_of_team = np.array([org.roles[t].region for t in range(n_roles)])
    country: list[str] = [""] * n
    currency = np.zeros(n, dtype=np.int64)
    region = region_of_team[team_of]
    for r in np.unique(region):
        rows = np.flatnonzero(region == r)
        countries = REGIONS[r][2]
        weights = np.array([w for _, _, w in countries])
        pick = rng.choice(len(countries), size=len(rows), p=weights / weights.sum())
        for i, k in zip(rows.tolist(), pick.tolist(), strict=True):
            country[i] = countries[k][0]
            currency[i] = CURRENCY_INDEX[countries[k][1]]
    industry = rng.integers(0, len(INDUSTRIES), n)
    pool = np.flatnonzero(in_pool)
    order = pool[np.argsort(team_of[pool], kind="stable")]
    team_start = np.searchsorted(team_of[order], np.arange(n_roles + 1))
    return Accounts(names, industry, country, currency, team_of, team_start, order)
