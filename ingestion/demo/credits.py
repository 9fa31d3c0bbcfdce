"""Credited bookings, computed from the CRM files' clean records, as the warehouse will.

A closed-won opportunity credits each rep of its Revenue splits with amount x share (the owner
100% when it has none), in USD at the close date's rate. Faulty records are excluded exactly as
the contract's commission rule says: soft-deleted, negative amount, owner in no User row, close
before created, unknown currency; of duplicated rows the latest SystemModstamp counts. Payouts,
forecast actuals and the realism figures all use these credits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo import stages
from ingestion.demo.crm import CrmOpportunities
from ingestion.demo.fx import FxRates


@dataclass
class Credits:
    person: np.ndarray
    deal: np.ndarray
    day: np.ndarray  # close day
    usd: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def clean_mask(opps: CrmOpportunities, n_people: int) -> np.ndarray:
    """Opportunities the warehouse keeps (not quarantined, not deleted)."""
    return (
        ~opps.is_deleted
        & (opps.amount_cents >= 0)
        & (opps.owner >= 0)
        & (opps.owner < n_people)
        & (opps.close_day >= opps.created_s // 86400)
        & (opps.currency < 3)
    )


def credited_bookings(opps: CrmOpportunities, fx: FxRates, n_people: int) -> Credits:
    won = clean_mask(opps, n_people) & (opps.stage == stages.WON)
    rate = fx.rate(np.minimum(opps.currency, 2), opps.close_day)
    usd_full = opps.amount_cents / 100 * rate
    sp = opps.splits
    split_ok = sp.is_revenue & ~sp.is_deleted & won[sp.deal] & (sp.person >= 0)
    has_split = np.zeros(len(won), bool)
    has_split[sp.deal[sp.is_revenue & ~sp.is_deleted]] = True
    solo = np.flatnonzero(won & ~has_split)
    d = sp.deal[split_ok]
    deal = np.r_[solo, d]
    person = np.r_[opps.owner[solo], sp.person[split_ok]]
    usd = np.r_[usd_full[solo], usd_full[d] * sp.pct[split_ok] / 100]
    person_ok = (person >= 0) & (person < n_people)
    return Credits(
        person[person_ok], deal[person_ok], opps.close_day[deal][person_ok], usd[person_ok]
    )
