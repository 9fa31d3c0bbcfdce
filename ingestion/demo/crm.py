"""The CRM's records as the Data Export will show them (before ids are given).

Built from the deal plans, their history and ownership; `faults.py` then plants the known mess
in these tables, and `crm_files.py` writes them. Person indexes at or beyond the number of people
are "ghost" users: ids that exist in no User row (orphan owners).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingestion.demo.deals import Deals
from ingestion.demo.history import Current, History
from ingestion.demo.names import PRODUCTS
from ingestion.demo.ownership import Ownership

CURRENCY_CODES = ("USD", "EUR", "GBP", "CHF")  # CHF only appears as the unknown-currency fault


@dataclass
class Splits:
    deal: np.ndarray
    person: np.ndarray
    pct: np.ndarray
    is_revenue: np.ndarray
    is_deleted: np.ndarray

    def __len__(self) -> int:
        return len(self.deal)


@dataclass
class LineItems:
    deal: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    unit_cents: np.ndarray
    total_cents: np.ndarray

    def __len__(self) -> int:
        return len(self.deal)


@dataclass
class CrmOpportunities:
    owner: np.ndarray
    account: np.ndarray
    amount_cents: np.ndarray
    currency: np.ndarray
    stage: np.ndarray
    probability: np.ndarray
    category: np.ndarray
    close_day: np.ndarray
    created_s: np.ndarray
    last_modified_s: np.ndarray
    is_deleted: np.ndarray
    type: np.ndarray
    lead_source: np.ndarray
    label: np.ndarray
    history: History
    splits: Splits
    dup_deal: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    dup_amount_cents: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    dup_modstamp_s: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_items: LineItems | None = None
    # index into next_steps.TEXTS per deal, -1 blank (next_steps.plan_next_steps)
    next_step: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.owner)


def build_opportunities(
    deals: Deals, history: History, current: Current, own: Ownership, as_of: int
) -> CrmOpportunities:
    n = len(deals)
    moved = own.reassign_day.max(axis=1)
    moved_s = np.where((moved >= 0) & (moved <= as_of), moved * 86400 + 9 * 3600, -1)
    last_modified = np.maximum(current.last_change_s, moved_s)
    # splits: Revenue (owner + partner) and Overlay (specialist at 100)
    rev = np.flatnonzero(own.split_partner >= 0)
    ovl = np.flatnonzero(own.overlay >= 0)
    s_deal = np.r_[rev, rev, ovl]
    s_person = np.r_[own.owner[rev], own.split_partner[rev], own.overlay[ovl]]
    s_pct = np.r_[own.owner_pct[rev], 100 - own.owner_pct[rev], np.full(len(ovl), 100)]
    s_rev = np.r_[np.ones(2 * len(rev), bool), np.zeros(len(ovl), bool)]
    order = np.lexsort((~s_rev, s_deal))
    splits = Splits(
        s_deal[order], s_person[order], s_pct[order], s_rev[order], np.zeros(len(order), bool)
    )
    return CrmOpportunities(
        owner=own.owner.copy(),
        account=deals.account.copy(),
        amount_cents=current.amount_cents.copy(),
        currency=deals.currency.copy(),
        stage=current.stage.copy(),
        probability=current.probability.copy(),
        category=current.category.copy(),
        close_day=current.close_day.copy(),
        created_s=deals.created_s.copy(),
        last_modified_s=last_modified,
        is_deleted=np.zeros(n, bool),
        type=deals.type.copy(),
        lead_source=deals.lead_source.copy(),
        label=deals.label.copy(),
        history=history,
        splits=splits,
    )


def make_line_items(opps: CrmOpportunities, rng: np.random.Generator) -> LineItems:
    """1-3 products per opportunity whose TotalPrice (= Quantity x UnitPrice) sum to Amount."""
    n = len(opps)
    k = np.searchsorted(np.cumsum([0.5, 0.35, 0.15]), rng.random(n), side="right").clip(0, 2) + 1
    deal = np.repeat(np.arange(n), k)
    pos = np.arange(len(deal)) - np.repeat(np.cumsum(k) - k, k)
    last = pos == np.repeat(k, k) - 1
    total = np.abs(opps.amount_cents)[deal]
    sign = np.where(opps.amount_cents[deal] < 0, -1, 1)
    weight = rng.uniform(0.2, 1.0, len(deal))
    weight_sum = np.bincount(deal, weights=weight, minlength=n)[deal]
    share = np.floor(total * 0.9 * weight / weight_sum).astype(np.int64)
    qty = np.where(last, 1, rng.integers(1, 21, len(deal)))
    unit = share // qty
    line = unit * qty
    used = np.bincount(deal, weights=np.where(last, 0, line), minlength=n).astype(np.int64)[deal]
    unit = np.where(last, total - used, unit)
    line = np.where(last, total - used, line)
    n_active = len(PRODUCTS) - 1
    product = rng.integers(0, n_active, len(deal))
    legacy = (opps.created_s[deal] < opps.created_s.min() + 200 * 86400) & (
        rng.random(len(deal)) < 0.1
    )
    product = np.where(legacy, n_active, product)
    return LineItems(deal, product, qty, unit * sign, line * sign)
