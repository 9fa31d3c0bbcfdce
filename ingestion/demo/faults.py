"""The known mess: dirty records planted in small, exact, listed amounts.

Each fault sits on its own record (no record carries two faults), and each is written down in
`_manifest.json` so that tests can check it is caught where the design says: duplicated
opportunity rows, soft-deleted opportunities and accounts, negative amounts, orphan owners (an
owner or split owner in no User row), close before created, an unknown currency, mixed-case
e-mails with stray spaces, quota rows for e-mails that belong to no User. (Wrong payouts are
planted by `comp.py`.) Faulty opportunities are picked among ordinary closed-won deals, so they
are never the only source of anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingestion.demo import stages
from ingestion.demo.accounts import Accounts
from ingestion.demo.crm import CrmOpportunities
from ingestion.demo.deals import Deals
from ingestion.demo.names import EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES
from ingestion.demo.org import Org
from ingestion.demo.ownership import Ownership

CHF = 3


@dataclass
class Faults:
    duplicate_opportunities: list[int] = field(default_factory=list)  # deal indexes
    soft_deleted_opportunities: list[int] = field(default_factory=list)
    soft_deleted_accounts: list[int] = field(default_factory=list)
    negative_amounts: list[int] = field(default_factory=list)
    orphan_owner_opportunities: list[int] = field(default_factory=list)
    orphan_owner_splits: list[int] = field(default_factory=list)  # split row indexes
    close_before_created: list[int] = field(default_factory=list)
    unknown_currency: list[int] = field(default_factory=list)
    mixed_case_emails: dict[int, str] = field(default_factory=dict)  # person -> CRM e-mail
    unknown_quota_emails: list[tuple[str, str]] = field(default_factory=list)  # (email, name)
    ghosts: int = 0  # number of ghost user ids used

    def excluded_deals(self) -> list[int]:
        """Deals the warehouse will not count (of duplicates, the latest row counts)."""
        return (
            self.soft_deleted_opportunities
            + self.negative_amounts
            + self.orphan_owner_opportunities
            + self.close_before_created
            + self.unknown_currency
        )


def _messy(email: str, k: int) -> str:
    local, domain = email.split("@")
    local = ".".join(part.capitalize() for part in local.split("."))
    domain = domain.replace("acmecloud", "AcmeCloud")
    variants = (f"  {local}@{domain}", f"{local}@{domain.upper()} ", f" {local.upper()}@{domain}  ")
    return variants[k % len(variants)]


def choose_fault_deals(
    deals: Deals,
    own: Ownership,
    org: Org,
    rng: np.random.Generator,
    per_kind: int,
    exotic_accounts: set[int],
) -> Faults:
    """Pick the closed-won deals that will carry an opportunity fault (before amounts are
    scaled, so that the deals the warehouse will exclude do not count towards anyone's year)."""
    f = Faults()
    hs, ao = org.history_start, org.as_of
    pool = np.flatnonzero(
        deals.won
        & deals.closed
        & (own.split_partner < 0)
        & (own.overlay < 0)
        & (own.reassign_day[:, 0] < 0)
        & (deals.created_s // 86400 >= hs + 30)
        & (deals.outcome_day <= ao)
        & ~np.isin(deals.account, list(exotic_accounts))
    )
    needed = 6 * per_kind - 2
    if len(pool) < needed:
        raise ValueError(
            f"only {len(pool)} ordinary closed-won deals to plant {needed} opportunity faults on; "
            "the company is too small"
        )
    pick = iter(rng.permutation(pool).tolist())

    def take(k: int) -> list[int]:
        return sorted(next(pick) for _ in range(k))

    f.duplicate_opportunities = take(per_kind)
    f.soft_deleted_opportunities = take(per_kind - 1)
    f.negative_amounts = take(per_kind)
    f.orphan_owner_opportunities = take(per_kind - 1)
    f.close_before_created = take(per_kind)
    f.unknown_currency = take(per_kind)
    return f


def plant_faults(
    f: Faults,
    opps: CrmOpportunities,
    org: Org,
    accounts: Accounts,
    rng: np.random.Generator,
    per_kind: int,
    exotic_accounts: set[int],
) -> Faults:
    """Plant the chosen faults, and the record-level ones, into the CRM tables."""
    ao = org.as_of
    n_people = len(org.people)
    created_day = opps.created_s // 86400
    h = opps.history
    d = np.array(f.duplicate_opportunities, dtype=np.int64)
    opps.dup_deal = d
    opps.dup_amount_cents = (
        np.round(opps.amount_cents[d] * rng.uniform(0.7, 0.9, len(d)) / 10_000) * 10_000
    ).astype(np.int64)
    opps.dup_modstamp_s = np.maximum(
        opps.created_s[d] + 3600, opps.last_modified_s[d] - rng.integers(86400, 20 * 86400, len(d))
    )
    for i in f.soft_deleted_opportunities:
        opps.is_deleted[i] = True
    for i in f.negative_amounts:
        opps.amount_cents[i] = -abs(opps.amount_cents[i])
        rows = h.deal == i
        h.amount_cents[rows] = -np.abs(h.amount_cents[rows])
    for k, i in enumerate(f.orphan_owner_opportunities):
        opps.owner[i] = n_people + k
    f.ghosts = len(f.orphan_owner_opportunities)
    for i in f.close_before_created:
        bad = int(created_day[i] - rng.integers(3, 21))
        opps.close_day[i] = bad
        h.close_day[h.deal == i] = bad
    for i in f.unknown_currency:
        opps.currency[i] = CHF

    # an orphan split owner, on an open deal so that no booking depends on it
    sp = opps.splits
    open_rev = np.flatnonzero(
        sp.is_revenue & (sp.person != opps.owner[sp.deal]) & (opps.stage[sp.deal] < stages.WON)
    )
    if len(open_rev):
        row = int(open_rev[rng.integers(len(open_rev))])
        sp.person[row] = n_people + f.ghosts
        f.ghosts += 1
        f.orphan_owner_splits = [row]

    # a soft-deleted account: a stale account nobody sells to
    unused = np.setdiff1d(np.arange(len(accounts)), opps.account)
    unused = np.setdiff1d(unused, list(exotic_accounts))
    if not len(unused):
        raise RuntimeError("no stale account left to soft-delete")
    f.soft_deleted_accounts = [int(rng.choice(unused))]

    # mixed-case e-mails with stray spaces on active reps' User rows
    _, rep_last = org.rep_interval()
    active = [p for p in org.reps.tolist() if rep_last[p] >= ao]
    for k, p in enumerate(sorted(rng.choice(active, size=per_kind, replace=False).tolist())):
        f.mixed_case_emails[p] = _messy(org.people[p].email, k)

    # quota rows for people the CRM does not know (a contractor, a typo'd address, ...)
    taken = {p.email for p in org.people}
    while len(f.unknown_quota_emails) < per_kind:
        first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
        last = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
        email = f"{first}.{last}.contractor@{EMAIL_DOMAIN}".lower()
        if email not in taken:
            taken.add(email)
            f.unknown_quota_emails.append((email, f"{first} {last}"))
    return f
