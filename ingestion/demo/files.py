"""Write the non-CRM landing files: compensation, revenue intelligence, finance."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.comp import TIERS, Comp
from ingestion.demo.faults import Faults
from ingestion.demo.forecasts import CATEGORIES, Forecasts
from ingestion.demo.fx import CURRENCIES, FxRates
from ingestion.demo.ids import hex_ids
from ingestion.demo.org import Org
from ingestion.demo.quotas import Quotas
from ingestion.demo.textio import (
    col_bytes,
    col_cents,
    col_const,
    col_date,
    col_int,
    col_lookup,
    col_ts,
    csv_text,
    s_array,
    write_csv,
)
from ingestion.demo.workbook import write_workbook

HEADERS = {
    "assignments": [
        "Email",
        "UserId",
        "TeamRoleId",
        "Role",
        "EffectiveFrom",
        "EffectiveTo",
        "HireDate",
        "TerminationDate",
    ],
    "comp_plans": [
        "PlanId",
        "Email",
        "UserId",
        "FiscalYear",
        "EffectiveFrom",
        "EffectiveTo",
        "Currency",
        "BaseSalary",
        "TargetVariable",
        "OTE",
        "AnnualQuota",
    ],
    "comp_plan_tiers": ["PlanId", "Tier", "AttainmentFrom", "AttainmentTo", "CommissionRate"],
    "payouts": [
        "PayoutId",
        "Email",
        "UserId",
        "PlanId",
        "PayMonth",
        "Currency",
        "CommissionAmount",
    ],
    "forecast_submissions": [
        "SubmissionId",
        "SubmitterId",
        "SubmitterRole",
        "FiscalPeriod",
        "ForecastCategory",
        "Amount",
        "Currency",
        "SubmittedAt",
    ],
    "fx_rates": ["date", "currency", "rate"],
}


def _cents(x: np.ndarray | list[float]) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)


def _month(am: int) -> str:
    return f"{am // 12:04d}-{am % 12 + 1:02d}"


def write_assignments(root: Path, org: Org, user_ids: np.ndarray, role_ids: np.ndarray) -> int:
    segs = org.segments
    emails = s_array([csv_text(org.people[s.person].email) for s in segs])
    term = np.array([org.people[s.person].term or -1 for s in segs], dtype=np.int64)
    end = np.array([-1 if s.end is None else s.end for s in segs], dtype=np.int64)
    return write_csv(
        root / "compensation" / "assignments.csv",
        HEADERS["assignments"],
        [
            col_bytes(emails),
            col_bytes(user_ids[org.seg_person]),
            col_bytes(role_ids[org.seg_role]),
            col_lookup(s_array(["manager", "rep"]), org.seg_is_rep.astype(np.int64)),
            col_date(org.seg_start),
            col_date(end, null=end < 0),
            col_date(np.array([org.people[s.person].hire for s in segs])),
            col_date(term, null=term < 0),
        ],
        len(segs),
    )


def write_quota_workbooks(
    root: Path, org: Org, quotas: Quotas, faults: Faults, fsm: int, names: list[str]
) -> dict[str, int]:
    counts = {}
    ams = quotas.am()
    fys = fiscal.fiscal_year(ams, fsm)
    last_fy = int(fys.max())
    for fy in sorted(set(fys.tolist())):
        cols = np.flatnonzero(fys == fy)
        header = ["Email", "Name", *(_month(int(am)) for am in ams[cols])]
        rows = []
        for p in org.reps.tolist():
            q = quotas.amount[p, cols]
            if np.all(np.isnan(q)):
                continue
            cells = [None if np.isnan(v) else int(v) for v in q]
            rows.append([org.people[p].email, names[p], *cells])
        if fy == last_fy:
            for k, (email, name) in enumerate(faults.unknown_quota_emails):
                amount = 50_000 + 10_000 * k
                rows.append([email, name, *[amount for _ in cols]])
        rows.sort(key=lambda r: r[0])
        name = f"quotas_FY{fy}.xlsx"
        counts[f"compensation/{name}"] = write_workbook(
            root / "compensation" / name, f"FY{fy}", header, rows
        )
    return counts


def write_comp(root: Path, org: Org, comp: Comp, user_ids: np.ndarray) -> dict[str, int]:
    out = root / "compensation"
    counts = {}
    plans = comp.plans
    person = np.array([p.person for p in plans], dtype=np.int64)
    emails = s_array([csv_text(org.people[p].email) for p in person.tolist()])
    base = _cents([p.base_salary for p in plans])
    target = _cents([p.target_variable for p in plans])
    counts["compensation/comp_plans.csv"] = write_csv(
        out / "comp_plans.csv",
        HEADERS["comp_plans"],
        [
            col_bytes(s_array([p.plan_id for p in plans])),
            col_bytes(emails),
            col_bytes(user_ids[person]),
            col_int(np.array([p.fiscal_year for p in plans])),
            col_date(np.array([p.effective_from for p in plans])),
            col_date(np.array([p.effective_to for p in plans])),
            col_const("USD"),
            col_cents(base),
            col_cents(target),
            col_cents(base + target),
            col_cents(_cents([p.annual_quota for p in plans])),
        ],
        len(plans),
    )
    tier_rows = [
        (p.plan_id, t + 1, lo, hi, p.rates[t]) for p in plans for t, (lo, hi, _) in enumerate(TIERS)
    ]
    counts["compensation/comp_plan_tiers.csv"] = write_csv(
        out / "comp_plan_tiers.csv",
        HEADERS["comp_plan_tiers"],
        [
            col_bytes(s_array([r[0] for r in tier_rows])),
            col_int(np.array([r[1] for r in tier_rows])),
            col_bytes(s_array([f"{r[2]:.4f}" for r in tier_rows])),
            col_bytes(s_array(["" if r[3] is None else f"{r[3]:.4f}" for r in tier_rows])),
            col_bytes(s_array([f"{r[4]:.4f}" for r in tier_rows])),
        ],
        len(tier_rows),
    )
    pays = comp.payouts
    pp = np.array([p.person for p in pays], dtype=np.int64)
    counts["compensation/payouts.csv"] = write_csv(
        out / "payouts.csv",
        HEADERS["payouts"],
        [
            col_bytes(s_array([p.payout_id for p in pays])),
            col_bytes(s_array([csv_text(org.people[p].email) for p in pp.tolist()])),
            col_bytes(user_ids[pp]),
            col_bytes(s_array([p.plan_id for p in pays])),
            col_bytes(s_array([_month(p.am) for p in pays])),
            col_const("USD"),
            col_cents(_cents([p.amount for p in pays])),
        ],
        len(pays),
    )
    return counts


def write_forecasts(root: Path, f: Forecasts, user_ids: np.ndarray, salt: int) -> int:
    periods = np.char.add(
        np.char.add(np.char.add(b"FY", f.fiscal_year.astype("S4")), b"-Q"), f.quarter.astype("S1")
    )
    return write_csv(
        root / "revenue_intelligence" / "forecast_submissions.csv",
        HEADERS["forecast_submissions"],
        [
            col_bytes(hex_ids("fs_", np.arange(len(f)), salt, 12)),
            col_bytes(user_ids[f.person]),
            col_lookup(s_array(["rep", "manager"]), f.is_manager.astype(np.int64)),
            col_bytes(periods),
            col_lookup(s_array(list(CATEGORIES)), f.category),
            col_cents(_cents(f.amount)),
            col_const("USD"),
            col_ts(f.submitted_s),
        ],
        len(f),
    )


def write_fx(root: Path, fx: FxRates) -> int:
    days = np.arange(fx.first_day, fx.last_day + 1)
    n = len(days)
    day = np.repeat(days, 2)
    cur = np.tile([1, 2], n)
    rate = fx.table[cur, day - fx.first_day]
    rate_text = s_array([f"{r:.6f}" for r in rate.tolist()])
    return write_csv(
        root / "finance" / "fx_rates.csv",
        HEADERS["fx_rates"],
        [col_date(day), col_lookup(s_array(list(CURRENCIES)), cur), col_bytes(rate_text)],
        len(day),
    )
