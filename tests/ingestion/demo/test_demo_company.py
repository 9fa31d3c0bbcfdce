"""What the demo company contains: splits, history, faults, org history, realism, fiscal
calendar, and payouts that follow the contract's commission rule (recomputed here with pandas,
independently of the generator)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from tests.support.ingestion.demo_landing import Company

# The realism target ranges of the demo company (ingestion/demo/README.md, "Realism figures").
DESIGN_RANGES = {
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
FAULT_KINDS = {
    "duplicate_opportunities", "soft_deleted", "negative_amounts", "orphan_owners",
    "close_before_created", "unknown_currency", "mixed_case_emails", "unknown_quota_emails",
    "wrong_payouts",
}  # fmt: skip
OPEN_STAGES = ["Prospecting", "Qualification", "Discovery", "Proposal", "Negotiation"]


def _latest_opportunities(company: Company) -> pd.DataFrame:
    """One row per opportunity: of duplicated rows, the latest SystemModstamp."""
    opps = company.frame("crm/Opportunity.csv")
    return opps.sort_values("SystemModstamp").drop_duplicates("Id", keep="last").set_index("Id")


def test_revenue_splits_sum_to_100_and_overlay_splits_are_separate(any_company: Company):
    splits = any_company.frame("crm/OpportunitySplit.csv")
    types = any_company.frame("crm/OpportunitySplitType.csv").set_index("Id")["DeveloperName"]
    splits["type"] = splits["SplitTypeId"].map(types)
    splits["pct"] = splits["SplitPercentage"].astype(float)
    revenue = splits[splits["type"] == "Revenue"]
    overlay = splits[splits["type"] == "Overlay"]
    assert (revenue.groupby("OpportunityId")["pct"].sum() == 100).all()
    assert (revenue.groupby("OpportunityId").size() == 2).all()
    assert (overlay["pct"] == 100).all()
    n_opps = _latest_opportunities(any_company).shape[0]
    assert 0.05 < revenue["OpportunityId"].nunique() / n_opps < 0.11
    assert 0.03 < overlay["OpportunityId"].nunique() / n_opps < 0.07
    titles = any_company.frame("crm/User.csv").set_index("Id")["Title"]
    assert set(overlay["SplitOwnerId"].map(titles)) == {"Overlay Specialist"}
    opps = _latest_opportunities(any_company)
    owner_rows = revenue[revenue["SplitOwnerId"] == revenue["OpportunityId"].map(opps["OwnerId"])]
    assert owner_rows["OpportunityId"].is_unique
    assert len(owner_rows) == revenue["OpportunityId"].nunique()


def test_last_history_row_equals_the_opportunity(any_company: Company):
    opps = _latest_opportunities(any_company)
    hist = any_company.frame("crm/OpportunityHistory.csv")
    last = hist.sort_values("CreatedDate").drop_duplicates("OpportunityId", keep="last")
    last = last.set_index("OpportunityId").loc[opps.index]
    assert (last["StageName"] == opps["StageName"]).all()
    assert (last["Amount"] == opps["Amount"]).all()
    assert (last["CloseDate"] == opps["CloseDate"]).all()
    assert (last["Probability"] == opps["Probability"]).all()
    assert (last["ForecastCategory"] == opps["ForecastCategoryName"]).all()
    first = hist.sort_values("CreatedDate").drop_duplicates("OpportunityId", keep="first")
    first = first.set_index("OpportunityId").loc[opps.index]
    assert (first["CreatedDate"] == opps["CreatedDate"]).all()
    assert (hist["CreatedDate"] == hist["SystemModstamp"]).all()


def test_line_items_sum_to_the_amount(company: Company):
    opps = _latest_opportunities(company)
    items = company.frame("crm/OpportunityLineItem.csv")
    qty, unit = items["Quantity"].astype(int), items["UnitPrice"].astype(float)
    assert np.allclose(qty * unit, items["TotalPrice"].astype(float), atol=0.005)
    total = items.assign(t=items["TotalPrice"].astype(float)).groupby("OpportunityId")["t"].sum()
    assert np.allclose(total.loc[opps.index], opps["Amount"].astype(float), atol=0.005)


def test_each_fault_kind_is_present_on_distinct_records(any_company: Company):
    faults = any_company.manifest["faults"]
    assert set(faults) == FAULT_KINDS
    for kind, records in faults.items():
        assert 2 <= len(records) <= 3, kind
    flat = [
        r if isinstance(r, str) else (r["email"], r["month"]) for v in faults.values() for r in v
    ]
    assert len(flat) == len(set(flat)), "a record carries two faults"

    raw = any_company.frame("crm/Opportunity.csv")
    opps = _latest_opportunities(any_company)
    users = any_company.frame("crm/User.csv")
    user_ids = set(users["Id"])
    for opp_id in faults["duplicate_opportunities"]:
        rows = raw[raw["Id"] == opp_id]
        assert len(rows) == 2 and rows["Amount"].nunique() == 2
        assert rows["SystemModstamp"].nunique() == 2
    accounts = any_company.frame("crm/Account.csv").set_index("Id")
    deleted = [r for r in faults["soft_deleted"]]
    assert any(r.startswith("006") for r in deleted) and any(r.startswith("001") for r in deleted)
    for r in deleted:
        table = opps if r.startswith("006") else accounts
        assert table.loc[r, "IsDeleted"] == "true"
    assert (opps["IsDeleted"] == "true").sum() == sum(r.startswith("006") for r in deleted)
    for r in faults["negative_amounts"]:
        assert float(opps.loc[r, "Amount"]) < 0
    assert (opps["Amount"].astype(float) < 0).sum() == len(faults["negative_amounts"])
    splits = any_company.frame("crm/OpportunitySplit.csv").set_index("Id")
    for r in faults["orphan_owners"]:
        owner = opps.loc[r, "OwnerId"] if r.startswith("006") else splits.loc[r, "SplitOwnerId"]
        assert owner not in user_ids
    orphans = (~opps["OwnerId"].isin(user_ids)).sum() + (
        ~splits["SplitOwnerId"].isin(user_ids)
    ).sum()
    assert orphans == len(faults["orphan_owners"])
    for r in faults["close_before_created"]:
        assert opps.loc[r, "CloseDate"] < opps.loc[r, "CreatedDate"][:10]
    fx_currencies = set(any_company.frame("finance/fx_rates.csv")["currency"]) | {"USD"}
    unknown = opps[~opps["CurrencyIsoCode"].isin(fx_currencies)].index
    assert sorted(unknown) == sorted(faults["unknown_currency"])
    clean_email = users["Email"].str.strip().str.lower()
    messy = users[users["Email"] != clean_email]["Id"]
    assert sorted(messy) == sorted(faults["mixed_case_emails"])
    assignments = any_company.frame("compensation/assignments.csv")
    assert (assignments["Email"] == assignments["Email"].str.strip().str.lower()).all()
    workbook_emails = set()
    for _, rows in any_company.workbooks().values():
        workbook_emails |= {r[0] for r in rows[1:]}
    assert all(e == e.strip().lower() for e in workbook_emails)
    assert workbook_emails - set(clean_email) == set(faults["unknown_quota_emails"])


def test_faulty_opportunities_are_ordinary_won_deals_otherwise(company: Company):
    faults = company.manifest["faults"]
    opps = _latest_opportunities(company)
    faulty = [r for k in ("duplicate_opportunities", "negative_amounts", "close_before_created",
                          "unknown_currency") for r in faults[k]]  # fmt: skip
    assert (opps.loc[faulty, "StageName"] == "Closed Won").all()
    clean = opps.drop(index=faulty, errors="ignore")
    assert (clean["StageName"] == "Closed Won").sum() > 20 * len(faulty)


def test_org_history_has_hires_leavers_transfers_and_a_promotion(any_company: Company):
    a = any_company.frame("compensation/assignments.csv")
    users = any_company.frame("crm/User.csv").set_index("Id")
    manifest = any_company.manifest
    start = manifest["history_start"]
    as_of = manifest["as_of"]
    reps = a[a["Role"] == "rep"]
    assert ((reps["HireDate"] >= start) & (reps["HireDate"] <= as_of)).sum() >= 3
    leavers = a[a["TerminationDate"] != ""]["UserId"].unique()
    assert len(leavers) >= 2
    assert (users.loc[leavers, "IsActive"] == "false").all()
    # the User row shows only the current team: the last assignment's role
    last = a.sort_values("EffectiveFrom").drop_duplicates("UserId", keep="last").set_index("UserId")
    assert (users.loc[last.index, "UserRoleId"] == last["TeamRoleId"]).all()
    # a transfer in every fiscal year the history touches
    fsm = any_company.fiscal_year_start_month
    moves = reps.sort_values("EffectiveFrom").groupby("UserId")
    transfer_days = [g["EffectiveFrom"].iloc[i] for _, g in moves for i in range(1, len(g))
                     if g["TeamRoleId"].iloc[i] != g["TeamRoleId"].iloc[i - 1]]  # fmt: skip

    def fy(day: str) -> int:
        d = dt.date.fromisoformat(day)
        return d.year + (1 if fsm > 1 and d.month >= fsm else 0)

    assert {fy(d) for d in transfer_days} >= set(range(fy(start), fy(as_of) + 1))
    # one rep promoted to manager: a rep segment followed by a manager segment
    promoted = [u for u, g in a.sort_values("EffectiveFrom").groupby("UserId")
                if list(g["Role"]) == ["rep", "manager"]]  # fmt: skip
    assert len(promoted) == 1
    # leavers keep no open deals: they went to a teammate on their last day
    opps = _latest_opportunities(any_company)
    open_opps = opps[opps["IsClosed"] == "false"]
    assert not open_opps["OwnerId"].isin(leavers).any()
    acts = any_company.activities()
    ends = a[a["TerminationDate"] != ""].set_index("UserId")["TerminationDate"]
    after = acts[acts["user_id"].isin(ends.index)]
    assert (after["timestamp"].str[:10] <= after["user_id"].map(ends)).all()


def test_quota_workbooks_are_blank_where_a_rep_was_not_employed(any_company: Company):
    a = any_company.frame("compensation/assignments.csv")
    reps = a[a["Role"] == "rep"]
    span = reps.groupby("Email").agg(start=("EffectiveFrom", "min"), end=("EffectiveTo", "max"))
    open_ended = reps[reps["EffectiveTo"] == ""]["Email"]
    span.loc[span.index.isin(open_ended), "end"] = "9999-12-31"
    start = any_company.manifest["history_start"][:7]
    ramped = 0
    for _, (_, rows) in any_company.workbooks().items():
        months = rows[0][2:]
        for row in rows[1:]:
            email = row[0]
            if email not in span.index:
                continue
            s, e = span.loc[email, "start"][:7], span.loc[email, "end"][:7]
            for month, value in zip(months, row[2:], strict=True):
                employed = s <= month <= e and month >= start
                assert (value is not None) == employed, (email, month, value)
                if value is not None:
                    assert value > 0
            values = [v for v in row[2:] if v is not None]
            if s >= start and len(values) >= 4 and values[0] < values[3]:
                ramped += 1
    assert ramped >= 2, "new hires should have ramped quotas"


def test_the_pipeline_has_the_shapes_the_reports_show(company: Company):
    hist = company.frame("crm/OpportunityHistory.csv").sort_values(["OpportunityId", "CreatedDate"])
    opps = _latest_opportunities(company)
    as_of = company.manifest["as_of"]
    # wins and losses from every open stage
    prev = hist.groupby("OpportunityId")["StageName"].shift()
    closing = hist[hist["StageName"].isin(["Closed Won", "Closed Lost"])].assign(
        before=prev[hist["StageName"].isin(["Closed Won", "Closed Lost"])]
    )
    for outcome in ("Closed Won", "Closed Lost"):
        assert set(closing[closing["StageName"] == outcome]["before"]) == set(OPEN_STAGES)
    # pushed close dates: some twice, some across a quarter and a fiscal-year boundary
    changes = hist[hist["CloseDate"] != hist.groupby("OpportunityId")["CloseDate"].shift()]
    changes = changes[changes.duplicated("OpportunityId")]
    pushes = changes[~changes["StageName"].isin(["Closed Won", "Closed Lost"])]
    assert (pushes.groupby("OpportunityId").size() >= 2).sum() > 10
    old = hist.groupby("OpportunityId")["CloseDate"].shift().loc[pushes.index]
    q = lambda d: d.str[:4] + ((d.str[5:7].astype(int) - 1) // 3).astype(str)  # noqa: E731
    assert (q(old) != q(pushes["CloseDate"])).sum() > 10
    assert (old.str[:4] != pushes["CloseDate"].str[:4]).sum() > 2
    # pulled in: an open deal's close date moved earlier, into an earlier quarter
    pulled = changes[
        (~changes["StageName"].isin(["Closed Won", "Closed Lost"]))
        & (
            changes["CloseDate"]
            < hist.groupby("OpportunityId")["CloseDate"].shift().loc[changes.index]
        )
    ]
    pulled_old = hist.groupby("OpportunityId")["CloseDate"].shift().loc[pulled.index]
    assert (q(pulled_old) != q(pulled["CloseDate"])).sum() > 10
    # reopened: marked Closed Lost, then open again, and won in the end
    after_lost = hist[(prev == "Closed Lost") & hist["StageName"].isin(OPEN_STAGES)]
    assert after_lost["OpportunityId"].nunique() > 5
    reopened_now = opps.loc[opps.index.intersection(after_lost["OpportunityId"]), "StageName"]
    assert set(reopened_now) <= {"Closed Won", *OPEN_STAGES}
    # amount changes
    amount_changes = hist[hist["Amount"] != hist.groupby("OpportunityId")["Amount"].shift()]
    assert amount_changes.duplicated("OpportunityId").sum() > 100
    # stalled open deals: no stage change and no activity for more than 30 days
    open_ids = opps[opps["IsClosed"] == "false"].index
    stage_change = hist[hist["StageName"] != hist.groupby("OpportunityId")["StageName"].shift()]
    last_stage = stage_change.groupby("OpportunityId")["CreatedDate"].max().str[:10]
    acts = company.activities()
    last_act = acts.dropna(subset=["opportunity_id"]).groupby("opportunity_id")["timestamp"].max()
    cutoff = (dt.date.fromisoformat(as_of) - dt.timedelta(days=30)).isoformat()
    quiet = [o for o in open_ids if last_stage[o] < cutoff and last_act.get(o, "")[:10] < cutoff]
    assert len(quiet) >= 10
    assert len(quiet) < 0.5 * len(open_ids)
    # currencies: USD most, EUR and GBP present
    share = opps["CurrencyIsoCode"].value_counts(normalize=True)
    assert share["USD"] > 0.5 and share["EUR"] > 0.05 and share["GBP"] > 0.05


def test_fx_rates_cover_every_calendar_day(any_company: Company):
    fx = any_company.frame("finance/fx_rates.csv")
    for cur in ("EUR", "GBP"):
        days = pd.to_datetime(fx[fx["currency"] == cur]["date"])
        assert days.is_monotonic_increasing and days.diff().dropna().dt.days.eq(1).all()
        assert days.max() == pd.Timestamp(any_company.manifest["as_of"])
        rates = fx[fx["currency"] == cur]["rate"].astype(float)
        assert rates.pct_change().abs().max() < 0.03
    assert set(fx["currency"]) == {"EUR", "GBP"}


def test_realism_figures_are_within_the_design_ranges(any_company: Company):
    realism = any_company.manifest["realism"]
    for figure, (lo, hi) in DESIGN_RANGES.items():
        assert realism[figure] is not None and lo <= realism[figure] <= hi, (figure, realism)
    assert realism["sandbaggers"] >= 1 and realism["over_callers"] >= 1


def test_realism_figures_match_the_files(company: Company):
    """Win rate, sales cycle and activity volume recomputed from the landing files."""
    opps = _latest_opportunities(company)
    faults = company.manifest["faults"]
    bad = {r for k in ("soft_deleted", "negative_amounts", "orphan_owners",
                       "close_before_created", "unknown_currency") for r in faults[k]}  # fmt: skip
    opps = opps[~opps.index.isin(bad)]
    start = company.manifest["history_start"]
    closed = opps[(opps["IsClosed"] == "true") & (opps["CloseDate"] >= start)]
    won = closed[closed["IsWon"] == "true"]
    assert len(won) / len(closed) == pytest.approx(
        company.manifest["realism"]["win_rate"], abs=1e-3
    )
    cycle = pd.to_datetime(won["CloseDate"]) - pd.to_datetime(won["CreatedDate"].str[:10])
    assert cycle.dt.days.median() == company.manifest["realism"]["median_sales_cycle_days"]
    acts = company.activities()
    weekday = pd.to_datetime(acts["timestamp"].str[:10]).dt.dayofweek < 5
    a = company.frame("compensation/assignments.csv")
    reps = a[a["Role"] == "rep"]
    as_of = company.manifest["as_of"]
    rep_days = 0
    for _, r in reps.iterrows():
        lo, hi = max(r["EffectiveFrom"], start), min(r["EffectiveTo"] or as_of, as_of)
        if lo <= hi:
            rep_days += int(
                np.busday_count(lo, (dt.date.fromisoformat(hi) + dt.timedelta(days=1)).isoformat())
            )
    per_day = weekday.sum() / rep_days
    assert per_day == pytest.approx(
        company.manifest["realism"]["activities_per_rep_per_selling_day"], abs=0.01
    )


def test_fiscal_year_start_month_2_names_years_by_their_end(company_feb: Company):
    books = company_feb.workbooks()
    # history from 2024-10 to 2026-03-15: Feb 2024-Jan 2025 is FY2025, ..., Feb 2026- is FY2027
    assert sorted(books) == ["quotas_FY2025.xlsx", "quotas_FY2026.xlsx", "quotas_FY2027.xlsx"]
    sheets, rows = books["quotas_FY2027.xlsx"]
    assert sheets == ["FY2027"]
    assert rows[0][2:] == tuple(f"2026-{m:02d}" for m in range(2, 13)) + ("2027-01",)
    subs = company_feb.frame("revenue_intelligence/forecast_submissions.csv")
    on = subs[subs["SubmittedAt"].str[:10] == "2026-03-02"]["FiscalPeriod"]
    assert set(on) == {"FY2027-Q1"}
    on = subs[subs["SubmittedAt"].str[:10] == "2026-01-26"]["FiscalPeriod"]
    assert set(on) == {"FY2026-Q4"}
    plans = company_feb.frame("compensation/comp_plans.csv")
    assert set(plans["FiscalYear"]) == {"2025", "2026", "2027"}
    assert (plans[plans["FiscalYear"] == "2027"]["EffectiveFrom"] >= "2026-02-01").all()


def test_forecasts_are_weekly_mondays_per_rep_and_manager(company: Company):
    subs = company.frame("revenue_intelligence/forecast_submissions.csv")
    days = pd.to_datetime(subs["SubmittedAt"].str[:10])
    assert (days.dt.dayofweek == 0).all()
    per = subs.groupby(["SubmitterId", subs["SubmittedAt"].str[:10], "ForecastCategory"]).size()
    assert (per == 1).all()
    wide = subs.pivot_table(index=["SubmitterId", subs["SubmittedAt"].str[:10]],
                            columns="ForecastCategory", values="Amount",
                            aggfunc="first").astype(float)  # fmt: skip
    assert (wide["Commit"] <= wide["Best Case"]).all()
    assert (wide["Best Case"] <= wide["Pipeline"]).all()
    assert (subs["Currency"] == "USD").all()


def test_exotic_names_survive_the_csv_round_trip(company_feb: Company):
    users = company_feb.frame("crm/User.csv").set_index("Id")
    accounts = company_feb.frame("crm/Account.csv").set_index("Id")
    exotic = company_feb.manifest["exotic"]
    assert "<script>alert(1)</script>" in set(users.loc[exotic["users"], "Name"])
    assert "Zoë Ångström-O'Brien, Jr." in set(users.loc[exotic["users"], "Name"])
    names = set(accounts.loc[exotic["accounts"], "Name"])
    assert {'=HYPERLINK("http://x","y")', 'Smith, Jones & "Partners"'} <= names
    assert any("株式会社" in n for n in names)
    opps = company_feb.frame("crm/Opportunity.csv")
    assert opps["Name"].str.startswith('=HYPERLINK("http://x","y") - ').any()


# --- payouts --------------------------------------------------------------------------------


def _credits(company: Company) -> pd.DataFrame:
    """Credited bookings per user and month, by the contract's rule, from the files."""
    opps = _latest_opportunities(company).reset_index()
    users = set(company.frame("crm/User.csv")["Id"])
    fx = company.frame("finance/fx_rates.csv")
    fx["date"] = pd.to_datetime(fx["date"])
    fx["rate"] = fx["rate"].astype(float)
    opps["amount"] = opps["Amount"].astype(float)
    opps["close"] = pd.to_datetime(opps["CloseDate"])
    clean = (
        (opps["IsDeleted"] == "false")
        & (opps["amount"] >= 0)
        & opps["OwnerId"].isin(users)
        & (opps["CloseDate"] >= opps["CreatedDate"].str[:10])
        & opps["CurrencyIsoCode"].isin(set(fx["currency"]) | {"USD"})
    )
    won = opps[clean & (opps["StageName"] == "Closed Won")].copy()
    usd = won[won["CurrencyIsoCode"] == "USD"].assign(rate=1.0)
    other = won[won["CurrencyIsoCode"] != "USD"].sort_values("close")
    other = pd.merge_asof(
        other,
        fx.sort_values("date"),
        left_on="close",
        right_on="date",
        left_by="CurrencyIsoCode",
        right_by="currency",
        direction="backward",
    )
    won = pd.concat([usd, other])
    assert won["rate"].notna().all()
    won["usd"] = won["amount"] * won["rate"]
    splits = company.frame("crm/OpportunitySplit.csv")
    types = company.frame("crm/OpportunitySplitType.csv").set_index("Id")["DeveloperName"]
    rev = splits[(splits["SplitTypeId"].map(types) == "Revenue") & (splits["IsDeleted"] == "false")]
    split_credit = rev.merge(won[["Id", "usd", "close"]], left_on="OpportunityId", right_on="Id")
    split_credit = split_credit.assign(
        user=split_credit["SplitOwnerId"],
        credit=split_credit["usd"] * split_credit["SplitPercentage"].astype(float) / 100,
    )
    solo = won[~won["Id"].isin(rev["OpportunityId"])]
    solo = solo.assign(user=solo["OwnerId"], credit=solo["usd"])
    credits = pd.concat(
        [split_credit[["user", "close", "credit"]], solo[["user", "close", "credit"]]]
    )
    credits["month"] = credits["close"].dt.strftime("%Y-%m")
    return credits.groupby(["user", "month"])["credit"].sum()


def _commission(b: float, q: float, tiers: pd.DataFrame) -> float:
    total = 0.0
    for t in tiers.itertuples():
        top = b if t.AttainmentTo == "" else min(b, float(t.AttainmentTo) * q)
        total += float(t.CommissionRate) * max(0.0, top - float(t.AttainmentFrom) * q)
    return total


def test_payouts_follow_the_commission_rule_except_the_listed_wrong_ones(any_company: Company):
    fsm = any_company.fiscal_year_start_month
    credits = _credits(any_company)
    plans = any_company.frame("compensation/comp_plans.csv")
    tiers = any_company.frame("compensation/comp_plan_tiers.csv")
    payouts = any_company.frame("compensation/payouts.csv")
    wrong = {(w["email"], w["month"]) for w in any_company.manifest["faults"]["wrong_payouts"]}
    checked = mismatched = 0
    for plan in plans.itertuples():
        fy = int(plan.FiscalYear)
        first = dt.date(fy - 1 if fsm > 1 else fy, fsm, 1)
        months = [(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1)
                  for k in range(12)]  # fmt: skip
        q = float(plan.AnnualQuota)
        plan_tiers = tiers[tiers["PlanId"] == plan.PlanId].sort_values("Tier")
        paid = payouts[payouts["PlanId"] == plan.PlanId].set_index("PayMonth")
        assert (paid["UserId"] == plan.UserId).all() and (paid["Email"] == plan.Email).all()
        b = c_prev = 0.0
        for y, m in months:
            key = f"{y:04d}-{m:02d}"
            b += float(credits.get((plan.UserId, key), 0.0))
            c = _commission(b, q, plan_tiers)
            if key in paid.index:
                expected = round(c - c_prev, 2)
                actual = float(paid.loc[key, "CommissionAmount"])
                if (plan.Email, key) in wrong:
                    assert abs(actual - expected) > 1.0, (plan.Email, key)
                    mismatched += 1
                else:
                    assert actual == pytest.approx(expected, abs=0.011), (plan.PlanId, key)
                    checked += 1
            c_prev = c
    assert mismatched == len(wrong)
    assert checked > 200
    assert (payouts["CommissionAmount"].astype(float) > 0).mean() > 0.7
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in payouts["PayMonth"])


def test_comp_plans_have_accelerating_tiers_and_the_workbook_quota(any_company: Company):
    plans = any_company.frame("compensation/comp_plans.csv").set_index("PlanId")
    tiers = any_company.frame("compensation/comp_plan_tiers.csv")
    base, target, ote = (plans[c].astype(float) for c in ("BaseSalary", "TargetVariable", "OTE"))
    assert np.allclose(base + target, ote)
    for plan_id, t in tiers.groupby("PlanId"):
        rates = t.sort_values("Tier")["CommissionRate"].astype(float).tolist()
        assert rates[0] > 0 and rates[1] > rates[0] and rates[2] > rates[1], plan_id
        assert list(t["AttainmentFrom"]) == ["0.0000", "1.0000", "1.5000"]
        assert list(t["AttainmentTo"]) == ["1.0000", "1.5000", ""]
    sums: dict[tuple[str, int], float] = {}
    for name, (_, rows) in any_company.workbooks().items():
        fy = int(name[len("quotas_FY") : -len(".xlsx")])
        for row in rows[1:]:
            sums[(row[0], fy)] = sum(v for v in row[2:] if v is not None)
    for plan in plans.itertuples():
        assert float(plan.AnnualQuota) == sums[(plan.Email, int(plan.FiscalYear))]
