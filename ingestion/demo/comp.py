"""Comp plans, their commission tiers, and monthly payouts.

One plan per rep and fiscal year: base salary and target variable pay (OTE = base + target),
AnnualQuota = the sum of the rep's workbook months for that year. Tiers: up to 100% of quota at
the base rate (target variable / full-year quota), 100-150% at 1.5x, above 150% at 2x.
Payouts follow the contract's commission rule exactly: fiscal-year-to-date credited bookings B
against AnnualQuota Q, C(B) = sum over tiers of rate x max(0, min(B, to x Q) - from x Q), and
the commission of month m is C(B through m) - C(B through m-1), rounded to cents -- except a few
deliberately wrong payouts, listed in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.credits import Credits
from ingestion.demo.deals import monthly_quota
from ingestion.demo.org import ANNUAL_QUOTA, BASE_SALARY, Org
from ingestion.demo.quotas import Quotas

TIERS = ((0.0, 1.0, 1.0), (1.0, 1.5, 1.5), (1.5, None, 2.0))  # from, to, rate multiple


@dataclass
class Plan:
    plan_id: str
    person: int
    fiscal_year: int
    effective_from: int
    effective_to: int
    base_salary: float
    target_variable: float
    annual_quota: float
    rates: tuple[float, ...]


@dataclass
class Payout:
    payout_id: str
    person: int
    plan_id: str
    am: int
    amount: float


@dataclass
class Comp:
    plans: list[Plan]
    payouts: list[Payout]
    wrong: list[tuple[int, int]] = field(default_factory=list)  # (person, am)


def commission(b: float, q: float, rates: tuple[float, ...]) -> float:
    """C(B): cumulative commission at bookings b against annual quota q."""
    total = 0.0
    for (lo, hi, _), rate in zip(TIERS, rates, strict=True):
        top = b if hi is None else min(b, hi * q)
        total += rate * max(0.0, top - lo * q)
    return total


def make_comp(
    org: Org, quotas: Quotas, credits: Credits, fsm: int, rng: np.random.Generator, n_wrong: int
) -> Comp:
    hs, ao = org.history_start, org.as_of
    am_ao = int(fiscal.am_of_day(ao))
    last_paid_am = am_ao if ao == int(fiscal.last_day_of_am(am_ao)) else am_ao - 1
    full = monthly_quota(org)
    rep_first, rep_last = org.rep_interval()
    ams = quotas.am()
    fys = fiscal.fiscal_year(ams, fsm)
    col = fiscal.am_of_day(credits.day) - quotas.first_am
    inside = (col >= 0) & (col < quotas.months)
    booked = np.zeros((len(org.people), quotas.months))
    np.add.at(booked, (credits.person[inside], col[inside]), credits.usd[inside])
    plans: list[Plan] = []
    payouts: list[Payout] = []
    for p in org.reps.tolist():
        person = org.people[p]
        team = int(org.role_on(np.array([p]), np.array([max(rep_first[p], hs)]))[0])
        segment = org.roles[team].segment if team >= 0 else "Mid-Market"
        base = (
            round(BASE_SALARY[segment] * person.quota_annual / ANNUAL_QUOTA[segment] / 1000) * 1000
        )
        target = float(base)  # 50/50 pay mix
        rate = round(target / (12 * full[p]), 4)
        rates = tuple(round(rate * mult, 4) for _, _, mult in TIERS)
        for fy in sorted(set(fys.tolist())):
            cols = np.flatnonzero(fys == fy)
            q = quotas.amount[p, cols]
            if np.all(np.isnan(q)):
                continue
            fy_first = int(fiscal.first_day_of_am(ams[cols[0]]))
            fy_last = int(fiscal.last_day_of_am(ams[cols[-1]]))
            eff_from = max(fy_first, person.hire, hs)
            eff_to = min(fy_last, int(rep_last[p]))
            plan_id = f"CP-FY{fy}-{len(plans) + 1:05d}"
            plan = Plan(
                plan_id, p, fy, eff_from, eff_to, float(base), target, float(np.nansum(q)), rates
            )
            plans.append(plan)
            b_prev = 0.0
            c_prev = 0.0
            first_pay = int(fiscal.am_of_day(eff_from))
            last_pay = min(int(fiscal.am_of_day(eff_to)), last_paid_am)
            for j, am in zip(cols.tolist(), ams[cols].tolist(), strict=True):
                b = b_prev + booked[p, j]
                c = commission(b, plan.annual_quota, rates)
                if first_pay <= am <= last_pay:
                    pid = f"PO-{plan_id[3:]}-{am // 12:04d}{am % 12 + 1:02d}"
                    payouts.append(Payout(pid, p, plan_id, am, round(c - c_prev, 2)))
                b_prev, c_prev = b, c
    comp = Comp(plans, payouts)
    candidates = [i for i, po in enumerate(payouts) if po.amount >= 1000]
    chosen: list[int] = []
    people_used: set[int] = set()
    for i in rng.permutation(len(candidates)).tolist():
        po = payouts[candidates[i]]
        if po.person in people_used:
            continue
        chosen.append(candidates[i])
        people_used.add(po.person)
        if len(chosen) == n_wrong:
            break
    for k, i in enumerate(sorted(chosen)):
        po = payouts[i]
        factor = (1.12, 0.85, 1.5)[k % 3]  # a fat finger, a missed deal, a doubled accelerator
        po.amount = round(po.amount * factor, 2)
        comp.wrong.append((po.person, po.am))
    return comp
