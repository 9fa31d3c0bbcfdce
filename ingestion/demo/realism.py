"""The demo company's realism figures (README "Realism figures"), computed from what was generated.

Every figure uses the clean records the warehouse will keep (faulty opportunities excluded), so
the manifest says what the reports will show. The attainment and seasonality figures use the
last complete fiscal year inside the history, or else the last four complete fiscal quarters.
"""

from __future__ import annotations

import numpy as np

from ingestion.demo import fiscal, stages
from ingestion.demo.activities import Activities, rep_selling_days
from ingestion.demo.credits import Credits, clean_mask
from ingestion.demo.crm import CrmOpportunities
from ingestion.demo.forecasts import Forecasts, Ledger, quarter_bounds
from ingestion.demo.org import Org
from ingestion.demo.quotas import Quotas

TARGETS = {
    "win_rate": (0.20, 0.35),
    "median_sales_cycle_days": (45, 90),
    "reps_at_or_above_annual_quota_share": (0.40, 0.60),
    "median_annual_attainment": (0.80, 1.00),
    "q4_vs_average_quarter": (1.30, 1.60),
    "new_hire_months_to_first_100pct_month_median": (4, 6),
    "commit_slip_rate": (0.15, 0.30),
    "forecast_commit_accuracy_mid_quarter": (0.75, 0.90),
    "activities_per_rep_per_selling_day": (15, 40),
}


def _r(x: float, k: int = 4) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), k)


def compute_realism(
    org: Org,
    opps: CrmOpportunities,
    credits: Credits,
    quotas: Quotas,
    ledger: Ledger,
    forecasts: Forecasts,
    fsm: int,
) -> dict[str, object]:
    """Every figure but the activity volume (`activity_volume`): the generator computes these
    before it draws the activities, so that the CRM's history can be freed first."""
    hs, ao = org.history_start, org.as_of
    n_people = len(org.people)
    clean = clean_mask(opps, n_people)
    created_day = opps.created_s // 86400
    in_window = (opps.close_day >= hs) & (opps.close_day <= ao)
    won = clean & in_window & (opps.stage == stages.WON)
    lost = clean & in_window & (opps.stage == stages.LOST)
    out: dict[str, object] = {}
    out["win_rate"] = _r(won.sum() / max(1, won.sum() + lost.sum()))
    cycle = (opps.close_day - created_day)[won]
    out["median_sales_cycle_days"] = _r(np.median(cycle), 1)
    team_of_owner = org.role_on(np.minimum(opps.owner, n_people - 1), opps.close_day)
    seg = np.array([r.segment for r in org.roles])[np.maximum(team_of_owner, 0)]
    out["median_sales_cycle_days_by_segment"] = {
        s: _r(np.median(cycle[seg[won] == s]), 1)
        for s in ("Enterprise", "Mid-Market")
        if (seg[won] == s).any()
    }

    # attainment and seasonality over one year
    am_lo, am_hi, label = fiscal.attainment_period(hs, ao, fsm)
    out["attainment_period"] = label
    cols = np.arange(am_lo, am_hi + 1) - quotas.first_am
    q = quotas.amount[:, cols]
    booked = np.zeros((n_people, len(cols)))
    c_col = fiscal.am_of_day(credits.day) - am_lo
    ok = (c_col >= 0) & (c_col < len(cols))
    np.add.at(booked, (credits.person[ok], c_col[ok]), credits.usd[ok])
    hire = np.array([p.hire for p in org.people])
    full_year = ~np.isnan(q).any(axis=1) & (hire <= int(fiscal.first_day_of_am(am_lo)) - 120)
    att = booked[full_year].sum(axis=1) / np.nansum(q[full_year], axis=1)
    out["reps_in_attainment_figures"] = int(full_year.sum())
    out["reps_at_or_above_annual_quota_share"] = _r((att >= 1.0).mean())
    out["median_annual_attainment"] = _r(np.median(att))
    out["attainment_p10_p90"] = [_r(np.percentile(att, 10)), _r(np.percentile(att, 90))]
    by_quarter = booked.sum(axis=0).reshape(4, 3).sum(axis=1)
    quarters = fiscal.fiscal_quarter(am_lo + np.arange(0, 12, 3), fsm)
    q4 = by_quarter[quarters == 4].sum()
    out["q4_vs_average_quarter"] = _r(q4 / by_quarter.mean())

    # new hires: months from hire to the first month at >= 100% of (ramped) quota
    am_ao = int(fiscal.am_of_day(ao))
    last_complete = am_ao if ao == int(fiscal.last_day_of_am(am_ao)) else am_ao - 1
    months_all = quotas.am()
    b_all = np.zeros((n_people, quotas.months))
    c_all = fiscal.am_of_day(credits.day) - quotas.first_am
    ok = (c_all >= 0) & (c_all < quotas.months)
    np.add.at(b_all, (credits.person[ok], c_all[ok]), credits.usd[ok])
    ramp_months = []
    censored = 0
    rep_first, _ = org.rep_interval()
    for p in org.reps.tolist():
        if org.people[p].hire < hs:
            continue
        h_am = int(fiscal.am_of_day(org.people[p].hire))
        sel = (months_all >= h_am) & (months_all <= last_complete) & ~np.isnan(quotas.amount[p])
        hit = np.flatnonzero(sel & (b_all[p] >= np.nan_to_num(quotas.amount[p], nan=np.inf)))
        if len(hit):
            ramp_months.append(int(months_all[hit[0]] - h_am))
        elif sel.sum() >= 12:
            ramp_months.append(12)
        else:
            censored += 1
    out["new_hires"] = len(ramp_months) + censored
    out["new_hire_months_to_first_100pct_month_median"] = (
        _r(float(np.median(ramp_months)), 1) if ramp_months else None
    )
    out["new_hires_not_yet_at_100pct"] = censored

    # commit deals that slip out of their quarter
    h = opps.history
    h_clean = clean[h.deal]
    keys = h.deal * (1 << 40) + h.t
    first_q = int(fiscal.quarter_first_am(fiscal.am_of_day(hs), fsm))
    if int(fiscal.first_day_of_am(first_q)) < hs:
        first_q += 3
    slipped = total = 0
    deals = np.arange(len(opps))
    qam = first_q
    while int(fiscal.last_day_of_am(qam + 2)) <= ao:
        qs, qe = int(fiscal.first_day_of_am(qam)), int(fiscal.last_day_of_am(qam + 2))
        mid = qs + (qe - qs) // 2

        def state_at(t: int) -> np.ndarray:
            i = np.searchsorted(keys, deals * (1 << 40) + t, side="right") - 1
            ok = (i >= 0) & (h.deal[np.maximum(i, 0)] == deals)
            return np.where(ok, i, -1)

        at_mid = state_at(mid * 86400 + 86399)
        at_end = state_at(qe * 86400 + 86399)
        m = at_mid >= 0
        commit = np.zeros(len(deals), bool)
        mi = at_mid[m]
        commit[m] = (
            (h.category[mi] == 2)
            & (h.stage[mi] < stages.WON)
            & (h.close_day[mi] >= qs)
            & (h.close_day[mi] <= qe)
            & h_clean[mi]
        )
        e = at_end[commit]
        slipped += int((h.close_day[e] > qe).sum())
        total += int(commit.sum())
        qam += 3
    out["commit_deals_observed"] = total
    out["commit_slip_rate"] = _r(slipped / total) if total else None

    # forecast accuracy of commit calls at mid-quarter
    f = forecasts
    sub_day = f.submitted_s // 86400
    qs_f, qe_f = quarter_bounds(sub_day, fsm)
    mid_f = qs_f + (qe_f - qs_f) // 2
    sel = (f.category == 0) & (sub_day <= mid_f) & (qs_f >= hs) & (qe_f <= ao)
    idx = np.flatnonzero(sel)
    # latest such submission per (submitter, quarter)
    key = f.person[idx] * 100_000 + qs_f[idx]
    order = np.lexsort((f.submitted_s[idx], key))
    idx, key = idx[order], key[order]
    last = np.r_[np.flatnonzero(np.diff(key)), len(key) - 1] if len(key) else np.zeros(0, int)
    idx = idx[last]
    seg = org.segment_on(f.person[idx], sub_day[idx])
    entity = np.where(f.is_manager[idx], n_people + org.seg_role[seg], f.person[idx])
    actual = ledger.total(entity, qs_f[idx], qe_f[idx])
    call = f.amount[idx]
    has = actual > 0
    acc = np.maximum(0.0, 1 - np.abs(actual[has] - call[has]) / actual[has])
    bias = (call[has] - actual[has]) / actual[has]
    who = f.person[idx][has]
    out["forecast_calls_observed"] = int(has.sum())
    out["forecast_commit_accuracy_mid_quarter"] = _r(acc.mean()) if len(acc) else None
    out["forecast_commit_accuracy_mid_quarter_reps"] = _r(acc[~f.is_manager[idx][has]].mean())
    out["forecast_commit_accuracy_mid_quarter_managers"] = _r(acc[f.is_manager[idx][has]].mean())
    mean_bias = {p: float(bias[who == p].mean()) for p in np.unique(who).tolist()}
    out["sandbaggers"] = sum(1 for b in mean_bias.values() if b < -0.15)
    out["over_callers"] = sum(1 for b in mean_bias.values() if b > 0.15)

    # shape of the pipeline (informative)
    open_ = clean & (opps.stage < stages.WON)
    out["open_opportunities"] = int(open_.sum())
    return out


def activity_volume(org: Org, acts: Activities) -> dict[str, object]:
    """Activities per rep and selling day (the realism figure of the sales analytics)."""
    _, rep_day = rep_selling_days(org)
    on_selling = fiscal.selling_day(acts.day)
    return {"activities_per_rep_per_selling_day": _r(on_selling.sum() / max(1, len(rep_day)), 2)}
