"""The fixture warehouse's `weekly_changes` and `weekly_change_deals`: what changed this week.

Written as the dbt marts define them (doc block weekly_change_causes): each team's deals
change in each week of the current quarter with one cause per deal and measure; a team's
cause amounts are the sums of its deals' changes, its start is the previous week's end and
its end is start + causes, so every row balances to the cent like the mart's; regions and
the company carry the same deals and sum their teams. The commit call columns read the
fixture's `forecast_calls` (Commit), so the page and the digest show the same call there;
its causes are the bookings and commit pipeline causes, its judgement the rest.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pandas as pd

MEASURE_LABELS = {
    "bookings": "Bookings",
    "open_pipeline": "Open pipeline",
    "commit_pipeline": "Commit pipeline",
}
CAUSE_LABELS = {
    "created": "Created",
    "won": "Won",
    "lost": "Lost",
    "reopened": "Reopened",
    "pushed_out": "Pushed out of the quarter",
    "pulled_in": "Pulled into the quarter",
    "category_change": "Moved into or out of Commit",
    "amount_increase": "Amount increased",
    "amount_decrease": "Amount decreased",
}
# the cause columns each measure has in the mart
MEASURE_CAUSES = {
    "bookings": [
        "won", "lost", "reopened", "pushed_out", "pulled_in", "amount_increase", "amount_decrease",
    ],
    "open_pipeline": [
        "created", "won", "lost", "reopened", "pushed_out", "pulled_in", "amount_increase",
        "amount_decrease",
    ],
    "commit_pipeline": [
        "created", "won", "lost", "reopened", "pushed_out", "pulled_in", "category_change",
        "amount_increase", "amount_decrease",
    ],
}  # fmt: skip
# the sign of a cause's change per measure (category changes go either way)
ADDS = {"created", "pulled_in", "amount_increase"}
REMOVES = {"lost", "pushed_out", "amount_decrease"}
CENT = Decimal("0.01")


def _sign(measure: str, cause: str, rng: random.Random) -> int:
    if cause == "won":
        return 1 if measure == "bookings" else -1
    if cause == "reopened":
        return -1 if measure == "bookings" else 1
    if cause in ADDS:
        return 1
    if cause in REMOVES:
        return -1
    return rng.choice((1, -1))


def weekly_change_tables(
    dim_team: pd.DataFrame,
    opportunities: pd.DataFrame,
    owner_team: dict[str, str],
    forecast_calls: pd.DataFrame | None,
    names: dict[str, dict[str, str]],
    quarter: str,
    quarter_start: dt.date,
    quarter_end: dt.date,
    as_of: dt.date,
    rng: random.Random,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(weekly_changes, weekly_change_deals) of the current quarter's started weeks.

    `names` maps `account` ids to account names and `rep` ids to rep names.
    """
    weeks = []
    k = 1
    while quarter_start + dt.timedelta(days=7 * (k - 1)) <= as_of:
        start = quarter_start + dt.timedelta(days=7 * (k - 1))
        end = min(start + dt.timedelta(days=6), quarter_end)
        weeks.append((k, start, end, min(end, as_of)))
        k += 1
    latest_week = weeks[-1][0]
    nodes = dim_team.set_index("team_id")
    teams = nodes[nodes.hierarchy_level == "team"]
    company_id = nodes.index[nodes.hierarchy_level == "company"][0]
    opps = opportunities.assign(team_id=opportunities.owner_id.map(owner_team))

    deal_rows = []
    starts: dict[tuple[str, str], Decimal] = {}
    for team_id in teams.index:
        team_opps = opps[opps.team_id == team_id]
        for measure in MEASURE_LABELS:
            starts[(team_id, measure)] = Decimal(str(round(rng.uniform(100000, 400000), 2)))
        for week, _, _, _ in weeks:
            for opp in team_opps.sample(
                n=min(5, len(team_opps)), random_state=rng.randint(0, 10**6)
            ).itertuples():
                measure = rng.choice(list(MEASURE_LABELS))
                cause = rng.choice(MEASURE_CAUSES[measure])
                change = Decimal(str(round(rng.uniform(2000, 40000), 2))) * _sign(
                    measure, cause, rng
                )
                start = Decimal(0) if change > 0 else -change
                deal_rows.append(
                    {
                        "team_id": team_id,
                        "week_of_period": week,
                        "measure": measure,
                        "change_cause": cause,
                        "opportunity_id": opp.opportunity_id,
                        "opportunity_name": opp.opportunity_name,
                        "account_name": names["account"].get(opp.account_id),
                        "owner_id": opp.owner_id,
                        "owner_name": names["rep"].get(opp.owner_id),
                        "start_amount": start,
                        "end_amount": start + change,
                        "change_amount": change,
                        "opening_stage_name": opp.stage_name,
                        "closing_stage_name": opp.stage_name,
                        "opening_forecast_category": opp.forecast_category,
                        "closing_forecast_category": opp.forecast_category,
                        "opening_close_date": opp.close_date,
                        "closing_close_date": opp.close_date,
                    }
                )
    team_deals = pd.DataFrame(deal_rows).drop_duplicates(
        ["team_id", "week_of_period", "measure", "opportunity_id"]
    )
    # the same deals again under each team's region and the company
    rolled = [team_deals]
    rolled.append(team_deals.assign(team_id=team_deals.team_id.map(teams.region_id)))
    rolled.append(team_deals.assign(team_id=company_id))
    deals = pd.concat(rolled, ignore_index=True)
    deals["abs_change"] = deals.change_amount.abs()
    deals = deals.sort_values(
        ["team_id", "week_of_period", "measure", "change_cause", "abs_change", "opportunity_id"],
        ascending=[True, True, True, True, False, True],
    )
    deals["cause_rank"] = (
        deals.groupby(["team_id", "week_of_period", "measure", "change_cause"]).cumcount() + 1
    )
    deals = deals.drop(columns="abs_change")

    team_region = teams.region_id.to_dict()
    node_starts: dict[tuple[str, str], Decimal] = {}
    for (team_id, measure), amount in starts.items():
        for node in (team_id, team_region[team_id], company_id):
            node_starts[(node, measure)] = node_starts.get((node, measure), Decimal(0)) + amount

    calls = {}
    if forecast_calls is not None and len(forecast_calls):
        commit = forecast_calls[forecast_calls.forecast_category == "Commit"]
        calls = {
            (r.team_id, r.week_of_period): (r.call_amount, r.call_source)
            for r in commit.itertuples()
        }

    change_rows = []
    for team_id, node in nodes.iterrows():
        running = {m: node_starts.get((team_id, m), Decimal(0)) for m in MEASURE_LABELS}
        for week, week_start, week_end, cutoff in weeks:
            row = {
                "weekly_change_id": f"{team_id}|quarter|{quarter}|{week}",
                "hierarchy_level": node.hierarchy_level,
                "team_id": team_id,
                "team_name": node.team_name,
                "parent_team_id": node.parent_team_id,
                "region_id": node.region_id,
                "company_id": company_id,
                "hierarchy_path": node.hierarchy_path,
                "period_type": "quarter",
                "fiscal_period": quarter,
                "period_start": quarter_start,
                "period_end": quarter_end,
                "is_current_period": True,
                "week_of_period": week,
                "week_start": week_start,
                "week_end": week_end,
                "opening_date": week_start - dt.timedelta(days=1),
                "cutoff_date": cutoff,
                "is_latest_week": week == latest_week,
            }
            here = deals[(deals.team_id == team_id) & (deals.week_of_period == week)]
            for measure in MEASURE_LABELS:
                row[f"{measure}_start_amount"] = running[measure]
                total = Decimal(0)
                for cause in MEASURE_CAUSES[measure]:
                    amount = sum(
                        here[
                            (here.measure == measure) & (here.change_cause == cause)
                        ].change_amount,
                        Decimal(0),
                    )
                    row[f"{measure}_{cause}_amount"] = amount
                    total += amount
                running[measure] += total
                row[f"{measure}_end_amount"] = running[measure]
                row[f"{measure}_change_amount"] = total
            start_call, start_source = calls.get((team_id, week - 1), (None, None))
            end_call, end_source = calls.get((team_id, week), (None, None))
            both_calls = start_call is not None and end_call is not None
            # the call stands for bookings + commit pipeline: the deals' part of its change
            # per cause, and the caller's judgement for the rest (as the mart)
            for cause in MEASURE_CAUSES["commit_pipeline"]:
                row[f"commit_call_{cause}_amount"] = (
                    row.get(f"bookings_{cause}_amount", Decimal(0))
                    + row[f"commit_pipeline_{cause}_amount"]
                    if both_calls
                    else None
                )
            deals_moved = row["bookings_change_amount"] + row["commit_pipeline_change_amount"]
            row |= {
                "commit_call_start_amount": start_call,
                "commit_call_start_source": start_source,
                "commit_call_end_amount": end_call,
                "commit_call_end_source": end_source,
                "commit_call_change_amount": (
                    round(end_call - start_call, 2)
                    if start_call is not None and end_call is not None
                    else None
                ),
                "projection_start_amount": None,
                "projection_end_amount": None,
                "projection_change_amount": None,
                "projection_booked_change_amount": None,
                "projection_open_change_amount": None,
                "commit_call_judgement_amount": (
                    round(Decimal(str(end_call)) - Decimal(str(start_call)) - deals_moved, 2)
                    if both_calls
                    else None
                ),
                "as_of_date": as_of,
            }
            change_rows.append(row)
    changes = pd.DataFrame(change_rows)
    for column in changes.columns:
        if column.endswith("_amount") and not column.startswith(("commit_call", "projection")):
            changes[column] = changes[column].map(float)

    week_info = {w: (s, e, w == latest_week) for w, s, e, _ in weeks}
    deals = deals.assign(
        weekly_change_deal_id=deals.team_id
        + f"|quarter|{quarter}|"
        + deals.week_of_period.astype(str)
        + "|"
        + deals.measure
        + "|"
        + deals.opportunity_id,
        hierarchy_level=deals.team_id.map(nodes.hierarchy_level),
        team_name=deals.team_id.map(nodes.team_name),
        period_type="quarter",
        fiscal_period=quarter,
        is_current_period=True,
        week_start=deals.week_of_period.map(lambda w: week_info[w][0]),
        week_end=deals.week_of_period.map(lambda w: week_info[w][1]),
        is_latest_week=deals.week_of_period.map(lambda w: week_info[w][2]),
        measure_label=deals.measure.map(MEASURE_LABELS),
        change_cause_label=deals.change_cause.map(CAUSE_LABELS),
        as_of_date=as_of,
    )
    for column in ("start_amount", "end_amount", "change_amount"):
        deals[column] = deals[column].map(float)
    return changes, deals
