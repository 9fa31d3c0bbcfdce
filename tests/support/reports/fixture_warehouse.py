"""A small published warehouse (`spm.duckdb`) for the report tests, built without the pipeline.

The report pages and emails read the published marts only. The report tests use a warehouse
with the same schemas, tables and columns that takes a second to build instead of a full
pipeline run, with numbers chosen for the pages' edge cases: this module writes one,
from a fixed seed, for a company of three teams in two regions with eleven people. Every
mart table is created from its dbt contract (the marts' YAML: every column, in order, with
its type), so the fixture cannot drift from the marts; the rows give the columns the pages
read, the others stay null. A row column the contract does not have is an error. Only
`marts.run_reports` (written by the publish step) and the quarantine tables have no contract.
The pages on the real published warehouse of the small demo company are tested with the
shared `small_published_db` fixture (tests/conftest.py).

Numbers are internally consistent (team rows are sums of their reps' rows, quarters sum
their months, attainment = bookings / quota) so that a page showing the wrong row is caught.
`hostile_names=True` gives two reps names that are HTML and spreadsheet formulas, to prove
every data string is escaped. `people_cases=True` adds the people a page must treat apart: a
rep who left in the middle of the current quarter, a rep hired this quarter (ramping), an
overlay specialist (overlay credit, no quota, no bookings of their own), West's former
manager (left in March, still West's manager in their last version) and a lost deal of
$2.08M, far above its team's deals (an amount outlier); their people columns
(`has_left`, `is_active_on_as_of`, `is_counted_in_attainment`, `leaderboard_group`, ...) are
written as the dbt marts define them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from orchestration.run_report_tables import CHECK_COLUMNS, check_rows
from tests.support.reports.fixture_weekly_changes import weekly_change_tables

ROOT = Path(__file__).resolve().parents[3]
MARTS_DIR = ROOT / "dbt_project" / "models" / "marts"


AS_OF = dt.date(2026, 5, 15)
FISCAL_YEAR = 2026
SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
# The people of `people_cases=True`: left mid-quarter, hired this quarter, overlay specialist.
LEAVER_NAME = "Lena Voss"
LEAVER_LAST_DAY = dt.date(2026, 4, 20)
NEW_HIRE_NAME = "Nora Quinn"
NEW_HIRE_DATE = dt.date(2026, 4, 13)
OVERLAY_NAME = "Omar Lind"
DEPARTED_MANAGER_NAME = "Wes Former"
OUTLIER_DEAL_NAME = "Tyrell Corp - Platform (typo)"
OUTLIER_DEAL_AMOUNT = 2_080_000.0
# A figure that appears only in marts_restricted: the public site must never contain it.
RESTRICTED_SENTINEL_AMOUNT = 987654.32


@dataclass(frozen=True)
class Person:
    rep_id: str
    name: str
    email: str
    role: str  # rep | manager | overlay
    team_id: str
    hire_date: dt.date
    skill: float
    termination_date: dt.date | None = None

    def employed_on(self, day: dt.date) -> bool:
        """Hired on or before `day` and not past the last working day (macros/people.sql)."""
        return self.hire_date <= day and (
            self.termination_date is None or self.termination_date >= day
        )

    @property
    def has_left(self) -> bool:
        return self.termination_date is not None and self.termination_date < AS_OF


def _sfid(prefix: str, n: int) -> str:
    body = f"{prefix}{n:012d}"
    return body + "AAA"


# The company's owner (the CRO, who carries no quota) and their Commit call for the current
# quarter: the number the overview must show. Summing every manager's latest call instead
# would count the same deals at several levels.
CRO = Person(
    _sfid("005", 200), "Cora Chief", "cro@acme.example", "manager", "", dt.date(2020, 1, 1), 1.0
)
COMPANY_COMMIT_CALL = 1234567.0


COMPANY = ("00E000000000001AAA", "Acme Corp")
REGIONS = [("00E000000000002AAA", "Americas"), ("00E000000000003AAA", "EMEA")]
TEAMS = [
    ("00E000000000004AAA", "West", "00E000000000002AAA"),
    ("00E000000000005AAA", "East", "00E000000000002AAA"),
    ("00E000000000006AAA", "Europe", "00E000000000003AAA"),
]


def _people(hostile_names: bool, people_cases: bool = False) -> list[Person]:
    names = [
        ("Ava Chen", "West", 1.35),
        ("Ben Ortiz", "West", 0.7),
        ("Cleo Park", "West", 1.05),
        ("Dan Weiss", "East", 0.55),
        ("Eve Novak", "East", 1.2),
        ("Finn Hale", "Europe", 0.95),
        ("Gia Rossi", "Europe", 0.8),
        ("Hugo Brandt", "Europe", 0.6),
    ]
    if hostile_names:
        names[1] = (SCRIPT_NAME, "West", 0.7)
        names[6] = (FORMULA_NAME, "Europe", 0.8)
    team_ids = {name: tid for tid, name, _ in TEAMS}
    people = []
    for i, (name, team, skill) in enumerate(names, start=1):
        hire = dt.date(2026, 2, 1) if i == 8 else dt.date(2023, 1 + i, 1)
        email = f"rep{i}@acme.example"
        people.append(Person(_sfid("005", i), name, email, "rep", team_ids[team], hire, skill))
    for j, (tid, tname, _) in enumerate(TEAMS, start=1):
        people.append(
            Person(
                _sfid("005", 100 + j),
                f"{tname} Manager",
                f"manager.{tname.lower()}@acme.example",
                "manager",
                tid,
                dt.date(2022, 1, 1),
                1.0,
            )
        )
    if people_cases:
        west, east = TEAMS[0][0], TEAMS[1][0]
        people += [
            Person(
                _sfid("005", 201),
                LEAVER_NAME,
                "lena@acme.example",
                "rep",
                west,
                dt.date(2023, 6, 1),
                1.3,
                LEAVER_LAST_DAY,
            ),
            Person(
                _sfid("005", 202),
                NEW_HIRE_NAME,
                "nora@acme.example",
                "rep",
                east,
                NEW_HIRE_DATE,
                0.9,
            ),
            Person(
                _sfid("005", 204),
                DEPARTED_MANAGER_NAME,
                "wes.former@acme.example",
                "manager",
                west,
                dt.date(2020, 3, 2),
                1.0,
                dt.date(2026, 3, 31),
            ),
            Person(
                _sfid("005", 203),
                OVERLAY_NAME,
                "omar@acme.example",
                "overlay",
                west,
                dt.date(2021, 1, 4),
                1.0,
            ),
        ]
    return people


def _selling_days(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    return sum(1 for k in range(days) if (start + dt.timedelta(k)).weekday() < 5)


def _month_bounds(month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(FISCAL_YEAR, month, 1)
    nxt = dt.date(FISCAL_YEAR + (month == 12), month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def _quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def _ratio(num: float, den: float) -> float | None:
    return None if not den else num / den


def _measures(rows: pd.DataFrame) -> dict[str, object]:
    """Sum the additive measures of month rows and derive the ratios from the sums."""
    quota = float(rows.quota_amount.sum())
    bookings = float(rows.bookings_amount.sum())
    won = int(rows.won_count.sum())
    lost = int(rows.lost_count.sum())
    won_value = float(rows.bookings_amount.sum())
    lost_value = float(rows.lost_amount.sum())
    open_pipe = float(rows.open_pipeline_amount.sum())
    remaining = quota - bookings
    cycle_weight = float((rows.avg_sales_cycle_days.fillna(0) * rows.won_count).sum())
    return {
        "quota_amount": round(quota, 2),
        "bookings_amount": round(bookings, 2),
        "overlay_credit_amount": round(float(rows.overlay_credit_amount.sum()), 2),
        "attainment": _ratio(bookings, quota),
        "won_count": won,
        "lost_count": lost,
        "win_rate": _ratio(won, won + lost),
        "win_rate_value": _ratio(won_value, won_value + lost_value),
        "avg_deal_size": _ratio(bookings, won),
        "avg_sales_cycle_days": _ratio(cycle_weight, won),
        "pipeline_created_amount": round(float(rows.pipeline_created_amount.sum()), 2),
        "open_pipeline_amount": round(open_pipe, 2),
        "weighted_pipeline_amount": round(float(rows.weighted_pipeline_amount.sum()), 2),
        "coverage": _ratio(open_pipe, remaining) if remaining > 0 else None,
        "activity_count": int(rows.activity_count.sum()),
    }


def _rep_months(
    people: list[Person], rng: random.Random, with_quota: set[str] | None = None
) -> pd.DataFrame:
    """Monthly rep figures; `with_quota` names the reps who carry a quota (None: all)."""
    rows = []
    for p in people:
        if p.role not in ("rep", "overlay"):
            continue
        for month in range(1, 13):
            start, end = _month_bounds(month)
            employed = start >= p.hire_date.replace(day=1) and (
                p.termination_date is None or start <= p.termination_date
            )
            ramp = min(1.0, max(0.25, (month - p.hire_date.month + 1) / 4))
            ramping = p.hire_date.year == FISCAL_YEAR
            quota = (50000.0 * (ramp if ramping else 1.0)) if employed else 0.0
            if (with_quota is not None and p.rep_id not in with_quota) or p.role == "overlay":
                quota = 0.0
            closed = end <= AS_OF or start <= AS_OF <= end
            if closed and employed:
                factor = p.skill * rng.uniform(0.6, 1.4) * (0.6 if start <= AS_OF <= end else 1)
                won = max(0, round(factor * 3))
                bookings = round(won * rng.uniform(12000, 22000), 2) if won else 0.0
                lost = rng.randint(1, 6)
                lost_amount = round(lost * rng.uniform(8000, 20000), 2)
                cycle = rng.uniform(40, 95) if won else None
                activities = rng.randint(250, 600)
                created = round(rng.uniform(40000, 160000), 2)
            else:
                won = lost = activities = 0
                bookings = lost_amount = created = 0.0
                cycle = None
            open_pipe = round(rng.uniform(20000, 140000), 2) if employed and end >= AS_OF else 0.0
            overlay_credit = 0.0
            if p.role == "overlay":  # credit on others' deals, never bookings of their own
                overlay_credit = round(rng.uniform(150000, 400000), 2) if closed else 0.0
                won = lost = 0
                bookings = lost_amount = created = open_pipe = 0.0
                cycle = None
            rows.append(
                {
                    "rep_id": p.rep_id,
                    "rep_name": p.name,
                    "team_id": p.team_id,
                    "month": month,
                    "quota_amount": quota,
                    "bookings_amount": bookings,
                    "overlay_credit_amount": overlay_credit,
                    "won_count": won,
                    "lost_count": lost,
                    "lost_amount": lost_amount,
                    "avg_sales_cycle_days": cycle,
                    "pipeline_created_amount": created,
                    "open_pipeline_amount": open_pipe,
                    "weighted_pipeline_amount": round(open_pipe * rng.uniform(0.3, 0.6), 2),
                    "activity_count": activities,
                    "is_ramping": ramping,
                }
            )
    return pd.DataFrame(rows)


def _periods() -> list[tuple[str, str, list[int], dt.date, dt.date]]:
    out = []
    for m in range(1, 13):
        s, e = _month_bounds(m)
        out.append(("month", f"FY{FISCAL_YEAR}-M{m:02d}", [m], s, e))
    for q in range(1, 5):
        months = [3 * q - 2, 3 * q - 1, 3 * q]
        out.append(
            (
                "quarter",
                f"FY{FISCAL_YEAR}-Q{q}",
                months,
                _month_bounds(months[0])[0],
                _month_bounds(months[-1])[1],
            )
        )
    out.append(("year", f"FY{FISCAL_YEAR}", list(range(1, 13)), *_year_bounds()))
    return out


def _year_bounds() -> tuple[dt.date, dt.date]:
    return dt.date(FISCAL_YEAR, 1, 1), dt.date(FISCAL_YEAR, 12, 31)


def _leaderboard(perf: pd.DataFrame, has_quotas: bool) -> pd.DataFrame:
    """Company, team and ramping boards per started period, ranked like the real mart.

    Reps with a quota are ranked by attainment; without quotas (none loaded, or none for
    this rep in the period) a rep is on the board ranked by bookings; overlay specialists are
    ranked among themselves by overlay credit.
    """
    started = perf[perf.period_start <= AS_OF]
    rows = []
    for fiscal_period, group in started.groupby("fiscal_period"):
        boards = [("company", COMPANY[0], COMPANY[1], group)]
        boards += [("team", tid, name, group[group.team_id == tid]) for tid, name, _ in TEAMS]
        boards.append(("ramping", "ramping", "Ramping reps", group[group.is_ramping]))
        for board, board_id, board_name, members in boards:
            overlays = members[members.role == "overlay"]
            sellers = members[members.role != "overlay"]
            quota_holders = sellers[sellers.quota_amount > 0]
            rest = sellers[sellers.quota_amount <= 0]
            splits = [
                ("quota", "attainment", quota_holders),
                ("no_quota", "bookings", rest),
                ("overlay", "overlay_credit", overlays),
            ]
            for group_name, ranked_by, ranked in splits:
                keys = {
                    "attainment": ["attainment", "bookings_amount"],
                    "bookings": ["bookings_amount"],
                    "overlay_credit": ["overlay_credit_amount"],
                }[ranked_by]
                ordered = ranked.sort_values(keys, ascending=False)
                for position, r in enumerate(ordered.itertuples(), start=1):
                    rows.append(
                        {
                            "leaderboard_entry_id": f"{board}|{board_id}|{r.period_type}|"
                            f"{fiscal_period}|{r.rep_id}",
                            "board": board,
                            "board_id": board_id,
                            "board_name": board_name,
                            "leaderboard_group": group_name,
                            "ranked_by": ranked_by,
                            "period_type": r.period_type,
                            "fiscal_period": fiscal_period,
                            "period_start": r.period_start,
                            "period_end": r.period_end,
                            "is_current_period": r.period_start <= AS_OF <= r.period_end,
                            "rep_id": r.rep_id,
                            "rep_name": r.rep_name,
                            "team_id": r.team_id,
                            "team_name": r.team_name,
                            "role": r.role,
                            "is_ramping": r.is_ramping,
                            "has_left": r.has_left,
                            "left_on": r.left_on,
                            "is_active_on_as_of": r.is_active_on_as_of,
                            "quota_amount": r.quota_amount if ranked_by == "attainment" else None,
                            "bookings_amount": r.bookings_amount,
                            "overlay_credit_amount": r.overlay_credit_amount,
                            "attainment": r.attainment,
                            "won_count": r.won_count,
                            "win_rate": r.win_rate,
                            "board_rank": position,
                            "board_size": len(ordered),
                            "as_of_date": AS_OF,
                        }
                    )
    return pd.DataFrame(rows)


# What each optional system feeds: empty when the system is absent.
MARTS_OF_SYSTEM = {
    "revenue_intelligence": [
        "marts.fct_forecast_submissions",
        "marts.forecast_accuracy",
        "marts.forecast_calls",
        "marts_restricted.forecast_tendencies",
    ],
    "sales_analytics": ["marts.stalled_deals", "marts.coaching_signals"],
}
# The checks of the last run, two of them warnings with the rows that broke them.
FIXTURE_CHECKS = [
    {
        "name": "opportunities_amount_present_on_open_deals",
        "asset": "stg_crm__opportunities",
        "severity": "warn",
        "passed": False,
        "failing_rows": 3,
    },
    {  # a Great Expectations check: the run report carries its rule, finding and rows
        "name": "opportunity__owner_id_not_null",
        "asset": "crm/opportunity",
        "severity": "warn",
        "passed": False,
        "failing_rows": 2,
        "rule": "Owner id is never null.",
        "message": "2 of 240 rows have no owner_id",
        "sample": [
            {"id": "006000000000777AAA", "owner_id": None},
            {"id": "006000000000778AAA", "owner_id": None},
        ],
        "rows_text": "id 006000000000777AAA, owner_id (empty); "
        "id 006000000000778AAA, owner_id (empty)",
    },
    {
        "name": "amount_outlier_for_team",
        "asset": "fct_opportunities",
        "severity": "warn",
        "passed": False,
        "failing_rows": 1,
    },
    {
        "name": "unique_fct_opportunities_opportunity_id",
        "asset": "fct_opportunities",
        "severity": "error",
        "passed": True,
        "failing_rows": 0,
    },
]
SEED_DATASETS = ROOT / "dbt_project/seeds/source_datasets.csv"


def _team_pacing(pacing: pd.DataFrame, dim_team: pd.DataFrame) -> pd.DataFrame:
    """team_pacing as the dbt mart builds it: rep_pacing summed per team, region and company."""
    columns = [
        "team_pacing_id", "team_id", "team_name", "hierarchy_level", "parent_team_id",
        "region_id", "company_id", "period_type", "fiscal_period", "fiscal_year",
        "period_start", "period_end", "as_of_date", "selling_days_in_period",
        "selling_days_elapsed", "selling_days_remaining", "quota_amount",
        "bookings_to_date_amount", "expected_to_date_amount", "pace_gap_amount",
        "pace_attainment", "required_run_rate_amount", "on_pace", "counted_rep_count",
        "behind_pace_rep_count", "at_quota_rep_count", "team_count", "behind_pace_team_count",
        "at_quota_team_count", "badge_count", "stalled_deal_count", "slipped_deal_count",
    ]  # fmt: skip
    if pacing.empty:
        return pd.DataFrame(columns=columns)
    teams = dim_team.set_index("team_id")
    region_of = teams.region_id.to_dict()
    team_behind: dict[tuple[str, str], bool] = {}
    team_at_quota: dict[tuple[str, str], bool] = {}
    for (team_id, fiscal_period), rows in pacing.groupby(["team_id", "fiscal_period"]):
        booked, expected = rows.bookings_to_date_amount.sum(), rows.expected_to_date_amount.sum()
        quota = rows.quota_amount.sum()
        team_behind[(team_id, fiscal_period)] = bool(booked < expected)
        team_at_quota[(team_id, fiscal_period)] = bool(quota > 0 and booked >= quota)
    out = []
    for node_id, node in teams.iterrows():
        level = node.hierarchy_level
        for fiscal_period, rows in pacing.groupby("fiscal_period"):
            if level == "team":
                rows = rows[rows.team_id == node_id]
            elif level == "region":
                rows = rows[rows.team_id.map(region_of) == node_id]
            if rows.empty:
                continue
            first = rows.iloc[0]
            booked = round(float(rows.bookings_to_date_amount.sum()), 2)
            expected = round(float(rows.expected_to_date_amount.sum()), 2)
            remaining = int(rows.selling_days_remaining.max())
            short = (rows.quota_amount - rows.bookings_to_date_amount).clip(lower=0)
            shortfall = float(short.sum())
            counted = rows[rows.is_counted_in_attainment.astype(bool)]
            node_teams = [(t, fiscal_period) for t in rows.team_id.unique()]
            out.append(
                {
                    "team_pacing_id": f"{node_id}|{first.period_type}|{fiscal_period}",
                    "team_id": node_id,
                    "team_name": node.team_name,
                    "hierarchy_level": level,
                    "parent_team_id": node.parent_team_id,
                    "region_id": node.region_id,
                    "company_id": COMPANY[0],
                    "period_type": first.period_type,
                    "fiscal_period": fiscal_period,
                    "fiscal_year": FISCAL_YEAR,
                    "period_start": first.period_start,
                    "period_end": first.period_end,
                    "as_of_date": AS_OF,
                    "selling_days_in_period": int(first.selling_days_in_period),
                    "selling_days_elapsed": int(first.selling_days_elapsed),
                    "selling_days_remaining": remaining,
                    "quota_amount": round(float(rows.quota_amount.sum()), 2),
                    "bookings_to_date_amount": booked,
                    "expected_to_date_amount": expected,
                    "pace_gap_amount": round(booked - expected, 2),
                    "pace_attainment": booked / expected if expected else None,
                    "required_run_rate_amount": round(shortfall / remaining, 2)
                    if remaining
                    else None,
                    "on_pace": booked >= expected,
                    "counted_rep_count": len(counted),
                    "behind_pace_rep_count": int((~counted.on_pace.astype(bool)).sum()),
                    "at_quota_rep_count": int((counted.attainment_to_date >= 1).sum()),
                    "team_count": len(node_teams),
                    "behind_pace_team_count": sum(team_behind[key] for key in node_teams),
                    "at_quota_team_count": sum(team_at_quota[key] for key in node_teams),
                }
            )
    return pd.DataFrame(out, columns=columns)


def _team_pacing_events(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """team_pacing's counts of badges earned in the period, deals stalled today (null without
    an activity feed) and deals slipped out of the quarter (null for months and years), each
    counted in its team, that team's region and the company, as the dbt mart counts them."""
    pacing = tables["marts.team_pacing"].copy()
    if pacing.empty:
        return pacing
    region_of = tables["marts.dim_team"].set_index("team_id").region_id.to_dict()
    coverage = tables["marts.source_coverage"]
    has_activities = bool(
        coverage[(coverage.dataset == "activities") & coverage.is_loaded.astype(bool)].shape[0]
    )
    badges, stalled = tables["marts.rep_badges"], tables["marts.stalled_deals"]
    slipped = tables["marts.slipped_deals"]

    def in_node(frame: pd.DataFrame, row) -> pd.DataFrame:
        if frame.empty or row.hierarchy_level == "company":
            return frame
        if row.hierarchy_level == "region":
            return frame[frame.team_id.map(region_of) == row.team_id]
        return frame[frame.team_id == row.team_id]

    badge_counts, stalled_counts, slipped_counts = [], [], []
    for row in pacing.itertuples():
        mine = in_node(badges, row)
        earned = (
            mine[(mine.earned_date >= row.period_start) & (mine.earned_date <= row.period_end)]
            if len(mine)
            else mine
        )
        badge_counts.append(len(earned))
        stalled_counts.append(len(in_node(stalled, row)) if has_activities else None)
        slips = in_node(slipped, row)
        slips = slips[slips.fiscal_period == row.fiscal_period] if len(slips) else slips
        slipped_counts.append(len(slips) if row.period_type == "quarter" else None)
    pacing["badge_count"] = badge_counts
    pacing["stalled_deal_count"] = pd.array(stalled_counts, dtype="Int64")
    pacing["slipped_deal_count"] = pd.array(slipped_counts, dtype="Int64")
    return pacing


def _forecast_summaries(accuracy: pd.DataFrame, projections: list[dict]) -> dict:
    """forecast_submitter_scores, forecast_weekly_accuracy and forecast_range_coverage as the
    dbt marts build them from forecast_accuracy and forecast_projection (one range method)."""
    scores = (
        accuracy.groupby(["submitter_id", "submitter_role", "team_id"], as_index=False)
        .agg(
            submitter_name=("submitter_name", "first"),
            team_name=("team_name", "first"),
            scored_call_count=("commit_accuracy", "count"),
            commit_accuracy=("commit_accuracy", "mean"),
            commit_bias=("commit_bias", "mean"),
            trailing_accuracy=("trailing_accuracy", "last"),
        )
        .assign(as_of_date=AS_OF)
    )
    scores.insert(
        0,
        "submitter_score_id",
        scores.submitter_id + "|" + scores.submitter_role + "|" + scores.team_id,
    )
    weekly = (
        accuracy.groupby(["submitter_role", "week_of_period"], as_index=False)
        .agg(
            scored_call_count=("commit_accuracy", "count"),
            commit_accuracy=("commit_accuracy", "mean"),
        )
        .assign(as_of_date=AS_OF)
    )
    weekly.insert(
        0, "weekly_accuracy_id", weekly.submitter_role + "|" + weekly.week_of_period.astype(str)
    )
    backtest = [row for row in projections if row["projection_type"] == "backtest"]
    within = sum(1 for row in backtest if row["is_actual_within_range"])
    coverage = pd.DataFrame(
        [
            {
                "range_method": "backtest_calibrated",
                "backtest_projection_count": len(backtest),
                "within_range_count": within,
                "share_within_range": within / len(backtest) if backtest else None,
                "as_of_date": AS_OF,
            }
        ]
    )
    return {
        "marts.forecast_submitter_scores": scores,
        "marts.forecast_weekly_accuracy": weekly,
        "marts.forecast_range_coverage": coverage,
    }


def _source_coverage(missing_systems: set[str], quotas: bool, rows_loaded: int) -> pd.DataFrame:
    """`marts.source_coverage`: every dataset the product knows, loaded or not, and its cost."""
    seed = pd.read_csv(SEED_DATASETS, dtype=str, keep_default_na=False)
    rows = []
    for r in seed.itertuples():
        loaded = r.system not in missing_systems and (quotas or r.dataset != "quotas")
        rows.append(
            {
                "system": r.system,
                "dataset": r.dataset,
                "raw_table": r.raw_table,
                "landing_pattern": r.landing_pattern,
                "is_required": r.is_required == "true",
                "adds": r.adds,
                "is_loaded": loaded,
                "row_count": rows_loaded if loaded else 0,
                "missing_note": None
                if loaded
                else f"No {r.dataset.replace('_', ' ')} loaded ({r.system.replace('_', ' ')}): "
                f"{r.adds} need {r.landing_pattern}",
            }
        )
    frame = pd.DataFrame(rows)
    frame["missing_note"] = frame["missing_note"].astype("string")
    return frame


def _standing_call(
    standing: pd.DataFrame, person_id: str, category: str
) -> tuple[float | None, object]:
    """A person's call standing (amount, submitted at) in a category; (None, None) without one."""
    if (person_id, category) not in standing.index:
        return None, None
    row = standing.loc[(person_id, category)]
    return float(row.call_amount), row.submitted_at


def _forecast_calls(
    subs: pd.DataFrame, people: list[Person], team_perf: pd.DataFrame, projections: pd.DataFrame
) -> pd.DataFrame:
    """Each node's forecast call (marts.forecast_calls) per week of the current quarter.

    A team's owner is its manager; the regions have no vice president, so they show the roll-up
    of their teams; the company's owner, the CRO, called COMPANY_COMMIT_CALL (Commit only),
    which is not the sum of anything below.
    """
    quarter = f"FY{FISCAL_YEAR}-Q{_quarter_of(AS_OF.month)}"
    start = dt.date(FISCAL_YEAR, 3 * (_quarter_of(AS_OF.month) - 1) + 1, 1)
    end = _month_bounds(start.month + 2)[1]
    quota = team_perf[team_perf.fiscal_period == quarter].set_index("team_id").quota_amount
    current = projections[projections.projection_type == "current"].set_index("team_id")
    managers = {p.team_id: p for p in people if p.role == "manager"}
    region_name = dict(REGIONS)
    node_region = {tid: rid for tid, _, rid in TEAMS}
    path_of = {COMPANY[0]: COMPANY[1]}
    path_of |= {rid: f"{COMPANY[1]} / {name}" for rid, name in REGIONS}
    path_of |= {tid: f"{COMPANY[1]} / {region_name[rid]} / {name}" for tid, name, rid in TEAMS}
    rows = []
    for week in range(1, (AS_OF - start).days // 7 + 2):
        week_start = start + dt.timedelta(days=7 * (week - 1))
        week_end = min(week_start + dt.timedelta(days=6), end)
        cutoff = min(week_end, AS_OF)
        standing = (
            subs[subs.submitted_at.dt.date <= cutoff]
            .sort_values("submitted_at")
            .groupby(["submitter_id", "forecast_category"])
            .tail(1)
            .set_index(["submitter_id", "forecast_category"])
        )
        for category in ("Commit", "Best Case"):
            nodes: dict[str, dict] = {}
            for tid, tname, rid in TEAMS:
                owner_call, submitted = _standing_call(standing, managers[tid].rep_id, category)
                rep_calls = [
                    call
                    for call, _ in (
                        _standing_call(standing, p.rep_id, category)
                        for p in people
                        if p.role == "rep" and p.team_id == tid
                    )
                    if call is not None
                ]
                nodes[tid] = {
                    "name": tname,
                    "level": "team",
                    "parent": rid,
                    "owner": managers[tid],
                    "owner_call": owner_call,
                    "submitted": submitted,
                    "roll_up": round(sum(rep_calls), 2) if rep_calls else None,
                }
            for rid, rname in REGIONS:
                below = [n for n in nodes.values() if n["parent"] == rid]
                shown = [n["owner_call"] or n["roll_up"] for n in below]
                nodes[rid] = {
                    "name": rname,
                    "level": "region",
                    "parent": COMPANY[0],
                    "owner": None,
                    "owner_call": None,
                    "submitted": None,
                    "roll_up": round(sum(v for v in shown if v is not None), 2),
                }
            company_owner_call = COMPANY_COMMIT_CALL if category == "Commit" else None
            nodes[COMPANY[0]] = {
                "name": COMPANY[1],
                "level": "company",
                "parent": None,
                "owner": CRO,
                "owner_call": company_owner_call,
                "submitted": dt.datetime(2026, 4, 6, 18, 0) if company_owner_call else None,
                "roll_up": round(sum(nodes[rid]["roll_up"] for rid, _ in REGIONS), 2),
            }
            for node_id, node in nodes.items():
                latest = week_end >= AS_OF
                owner = node["owner"]
                rows.append(
                    {
                        "hierarchy_level": node["level"],
                        "team_id": node_id,
                        "team_name": node["name"],
                        "parent_team_id": node["parent"],
                        "region_id": node_id
                        if node["level"] == "region"
                        else node_region.get(node_id),
                        "company_id": COMPANY[0],
                        "hierarchy_path": path_of[node_id],
                        "period_type": "quarter",
                        "fiscal_period": quarter,
                        "period_start": start,
                        "period_end": end,
                        "is_current_period": True,
                        "week_of_period": week,
                        "week_start": week_start,
                        "week_end": week_end,
                        "is_latest_week": latest,
                        "forecast_category": category,
                        "owner_id": owner.rep_id if owner else None,
                        "owner_name": owner.name if owner else None,
                        "owner_call_amount": node["owner_call"],
                        "owner_submitted_at": node["submitted"],
                        "roll_up_amount": node["roll_up"],
                        "call_amount": (
                            node["owner_call"]
                            if node["owner_call"] is not None
                            else node["roll_up"]
                        ),
                        "call_source": (
                            "owner"
                            if node["owner_call"] is not None
                            else ("roll_up" if node["roll_up"] is not None else None)
                        ),
                        "projected_amount": (
                            float(current.loc[node_id].projected_amount) if latest else None
                        ),
                        "quota_amount": float(quota.loc[node_id]) if node_id in quota else None,
                        "as_of_date": AS_OF,
                    }
                )
    return pd.DataFrame(rows)


def build_fixture_warehouse(
    path: Path,
    *,
    hostile_names: bool = False,
    seed: int = 7,
    quotas: bool = True,
    reps_without_quota: tuple[str, ...] = (),
    missing_systems: tuple[str, ...] = (),
    stages: list[tuple[str, int, str]] | None = None,
    people_cases: bool = False,
) -> Path:
    """Write the fixture published warehouse to `path` and return it.

    `quotas=False` is a company with no quota loaded (no attainment, no pace, boards by
    bookings); `reps_without_quota` names reps who carry none while others do;
    `missing_systems` leaves whole systems out (their marts are empty, `source_coverage` says
    what they would add); `stages` replaces the open-stage vocabulary (name, probability,
    forecast category), in the company's order.
    """
    rng = random.Random(seed)
    people = _people(hostile_names, people_cases)
    reps = [p for p in people if p.role == "rep"]
    overlays = [p for p in people if p.role == "overlay"]
    missing = set(missing_systems)
    quotas = quotas and "compensation" not in missing
    with_quota = {p.rep_id for p in reps if p.name not in reps_without_quota} if quotas else set()
    months = _rep_months(people, rng, with_quota)
    team_name = {tid: name for tid, name, _ in TEAMS}
    team_region = {tid: rid for tid, _, rid in TEAMS}
    region_name = dict(REGIONS)
    tables: dict[str, pd.DataFrame] = {}

    # --- dimensions -------------------------------------------------------------------------
    managers = {p.team_id: p for p in people if p.role == "manager" and not p.has_left}
    tables["marts.dim_rep"] = pd.DataFrame(
        [
            {
                "rep_id": p.rep_id,
                "rep_name": p.name,
                "email": p.email,
                "title": {"rep": "Account Executive", "overlay": "Overlay Specialist"}.get(
                    p.role, "Sales Manager"
                ),
                "role": p.role,
                "team_id": p.team_id,
                "team_name": team_name[p.team_id],
                "region_id": team_region[p.team_id],
                "region_name": region_name[team_region[p.team_id]],
                "manager_id": managers[p.team_id].rep_id if p.role != "manager" else None,
                "manager_name": managers[p.team_id].name if p.role != "manager" else None,
                "hire_date": p.hire_date,
                "termination_date": p.termination_date,
                "is_employed": True,
                "is_ramping": p.role == "rep" and p.hire_date.year == FISCAL_YEAR,
                "has_left": p.has_left,
                "left_on": p.termination_date if p.has_left else None,
                "is_active_on_as_of": p.employed_on(AS_OF),
                "is_ramping_on_as_of": (
                    p.role == "rep" and p.hire_date.year == FISCAL_YEAR and p.employed_on(AS_OF)
                ),
                "is_as_of_version": True,
                "valid_from": p.hire_date,
                "valid_to": None,
                "is_current": True,
            }
            for p in people
        ]
    )
    team_rows = [
        {
            "team_id": COMPANY[0],
            "team_name": COMPANY[1],
            "hierarchy_level": "company",
            "parent_team_id": None,
            "region_id": None,
            "hierarchy_path": COMPANY[1],
        }
    ]
    for rid, rname in REGIONS:
        team_rows.append(
            {
                "team_id": rid,
                "team_name": rname,
                "hierarchy_level": "region",
                "parent_team_id": COMPANY[0],
                "region_id": rid,
                "hierarchy_path": f"{COMPANY[1]} / {rname}",
            }
        )
    for tid, tname, rid in TEAMS:
        team_rows.append(
            {
                "team_id": tid,
                "team_name": tname,
                "hierarchy_level": "team",
                "parent_team_id": rid,
                "region_id": rid,
                "hierarchy_path": f"{COMPANY[1]} / {region_name[rid]} / {tname}",
            }
        )
    dim_team = pd.DataFrame(team_rows)
    dim_team["valid_from"] = dt.date(2020, 1, 1)
    dim_team["valid_to"] = None
    dim_team["is_current"] = True
    tables["marts.dim_team"] = dim_team

    # --- rep and team performance -------------------------------------------------------------
    perf_rows = []
    team_perf_rows = []
    for period_type, fiscal_period, period_months, start, end in _periods():
        sub = months[months.month.isin(period_months)]
        status_date = min(end, AS_OF)
        for rep in reps + overlays:
            rows = sub[sub.rep_id == rep.rep_id]
            measures = _measures(rows)
            employed = rep.employed_on(status_date)
            perf_rows.append(
                {
                    "rep_id": rep.rep_id,
                    "rep_name": rep.name,
                    "role": rep.role,
                    "team_id": rep.team_id,
                    "team_name": team_name[rep.team_id],
                    "period_type": period_type,
                    "fiscal_period": fiscal_period,
                    "period_start": start,
                    "period_end": end,
                    **measures,
                    "is_ramping": bool(rows.is_ramping.any()) and employed,
                    "status_date": status_date,
                    "is_employed_on_status_date": employed,
                    "is_counted_in_attainment": (
                        rep.role == "rep" and float(measures["quota_amount"]) > 0 and employed
                    ),
                    "has_left": rep.has_left,
                    "left_on": rep.termination_date if rep.has_left else None,
                    "is_active_on_as_of": rep.employed_on(AS_OF),
                }
            )
        nodes = [(tid, team_name[tid], "team", [tid]) for tid, _, _ in TEAMS]
        nodes += [
            (rid, rname, "region", [t for t, _, r in TEAMS if r == rid]) for rid, rname in REGIONS
        ]
        nodes.append((COMPANY[0], COMPANY[1], "company", [t for t, _, _ in TEAMS]))
        for node_id, node_name, level, team_ids in nodes:
            rows = sub[sub.team_id.isin(team_ids)]
            team_perf_rows.append(
                {
                    "team_id": node_id,
                    "team_name": node_name,
                    "hierarchy_level": level,
                    "parent_team_id": (
                        team_region.get(node_id)
                        if level == "team"
                        else (COMPANY[0] if level == "region" else None)
                    ),
                    "period_type": period_type,
                    "fiscal_period": fiscal_period,
                    "period_start": start,
                    "period_end": end,
                    **_measures(rows),
                    "rep_count": int(rows.rep_id.nunique()),
                }
            )
    perf = pd.DataFrame(perf_rows)
    # ranks order the rows counted in attainment only (rep_performance): others have none
    ranked = perf[perf.is_counted_in_attainment & perf.attainment.notna()]
    perf["rank_in_team"] = (
        ranked.groupby(["fiscal_period", "team_id"])["attainment"]
        .rank(method="first", ascending=False)
        .astype("Int64")
    )
    perf["rank_in_company"] = (
        ranked.groupby("fiscal_period")["attainment"]
        .rank(method="first", ascending=False)
        .astype("Int64")
    )
    perf["is_current_period"] = (perf.period_start <= AS_OF) & (perf.period_end >= AS_OF)
    tables["marts.rep_performance"] = perf
    team_perf = pd.DataFrame(team_perf_rows)
    team_perf["is_current_period"] = (team_perf.period_start <= AS_OF) & (
        team_perf.period_end >= AS_OF
    )
    tables["marts.team_performance"] = team_perf

    # --- pacing: the open month, quarter and year ---------------------------------------------
    pacing_rows = []
    open_periods = [
        ("month", f"FY{FISCAL_YEAR}-M{AS_OF.month:02d}", [AS_OF.month]),
        ("quarter", f"FY{FISCAL_YEAR}-Q{_quarter_of(AS_OF.month)}", None),
        ("year", f"FY{FISCAL_YEAR}", list(range(1, 13))),
    ]
    for period_type, fiscal_period, _ in open_periods:
        prow = next(p for p in _periods() if p[1] == fiscal_period)
        start, end = prow[3], prow[4]
        total_days = _selling_days(start, end)
        elapsed = _selling_days(start, AS_OF)
        remaining = total_days - elapsed
        for rep in reps + overlays:
            r = perf[(perf.rep_id == rep.rep_id) & (perf.fiscal_period == fiscal_period)].iloc[0]
            quota = float(r.quota_amount)
            booked = float(r.bookings_amount)
            expected = round(quota * elapsed / total_days, 2)
            pacing_rows.append(
                {
                    "rep_id": rep.rep_id,
                    "rep_name": rep.name,
                    "team_id": rep.team_id,
                    "team_name": team_name[rep.team_id],
                    "period_type": period_type,
                    "fiscal_period": fiscal_period,
                    "period_start": start,
                    "period_end": end,
                    "quota_amount": quota,
                    "bookings_to_date_amount": booked,
                    "expected_to_date_amount": expected,
                    "pace_gap_amount": round(booked - expected, 2),
                    "required_run_rate_amount": (
                        round(max(quota - booked, 0) / remaining, 2) if remaining else None
                    ),
                    "projected_attainment": (
                        booked / elapsed * total_days / quota if quota and elapsed else None
                    ),
                    "on_pace": booked >= expected if quota else None,
                    "selling_days_in_period": total_days,
                    "selling_days_elapsed": elapsed,
                    "selling_days_remaining": remaining,
                    "attainment_to_date": booked / quota if quota else None,
                    "role": rep.role,
                    "is_ramping": bool(r.is_ramping),
                    "is_counted_in_attainment": bool(r.is_counted_in_attainment),
                    "has_left": rep.has_left,
                    "left_on": rep.termination_date if rep.has_left else None,
                    "is_active_on_as_of": rep.employed_on(AS_OF),
                    "as_of_date": AS_OF,
                }
            )
    tables["marts.rep_pacing"] = pd.DataFrame(pacing_rows)
    if not quotas:
        # Empty, but with its dates typed as dates (an empty column of objects would be INTEGER).
        empty = tables["marts.rep_pacing"].iloc[0:0].copy()
        for column in ("period_start", "period_end", "as_of_date", "left_on"):
            empty[column] = pd.to_datetime(empty[column])
        tables["marts.rep_pacing"] = empty
    tables["marts.team_pacing"] = _team_pacing(tables["marts.rep_pacing"], dim_team)

    # --- leaderboard and badges ---------------------------------------------------------------
    tables["marts.leaderboard"] = _leaderboard(perf, quotas)
    badge_rows = []
    for _, r in perf[(perf.period_type == "month") & (perf.attainment >= 1)].iterrows():
        badge_rows.append(
            {
                "rep_id": r.rep_id,
                "rep_name": r.rep_name,
                "team_id": r.team_id,
                "team_name": r.team_name,
                "badge_type": "club_100_month",
                "badge_name": "100% club (month)",
                "period_type": "month",
                "fiscal_period": r.fiscal_period,
                "earned_date": r.period_end,
            }
        )
    for rep in reps:
        first = months[(months.rep_id == rep.rep_id) & (months.won_count > 0)]
        if len(first):
            m = int(first.month.min())
            badge_rows.append(
                {
                    "rep_id": rep.rep_id,
                    "rep_name": rep.name,
                    "team_id": rep.team_id,
                    "team_name": team_name[rep.team_id],
                    "badge_type": "first_win",
                    "badge_name": "First win",
                    "period_type": "month",
                    "fiscal_period": f"FY{FISCAL_YEAR}-M{m:02d}",
                    "earned_date": _month_bounds(m)[0] + dt.timedelta(days=9),
                }
            )
    tables["marts.rep_badges"] = pd.DataFrame(badge_rows)

    # --- opportunities and accounts -----------------------------------------------------------
    stages = stages or [
        ("Prospecting", 10, "Pipeline"),
        ("Qualification", 20, "Pipeline"),
        ("Discovery", 40, "Best Case"),
        ("Proposal", 60, "Best Case"),
        ("Negotiation", 80, "Commit"),
    ]
    accounts = [
        {
            "account_id": _sfid("001", i),
            "account_name": name,
            "industry": ind,
            "billing_country": country,
        }
        for i, (name, ind, country) in enumerate(
            [
                ("Globex", "Manufacturing", "US"),
                ("Initech", "Software", "US"),
                ("Umbrella <b>Labs</b>", "Healthcare", "GB"),
                ("Stark Industries", "Energy", "US"),
                ("Wayne Enterprises", "Finance", "DE"),
                ("Tyrell Corp", "Software", "FR"),
            ],
            start=1,
        )
    ]
    tables["marts.dim_account"] = pd.DataFrame(accounts)
    opp_rows = []
    n = 0
    for rep in reps:
        for k in range(5):
            n += 1
            is_closed = k < 2
            stage = ("Closed Won", 100, "Closed") if k == 0 else ("Closed Lost", 0, "Omitted")
            if not is_closed:
                stage = stages[rng.randrange(len(stages))]
            close = (
                AS_OF - dt.timedelta(days=rng.randint(5, 90))
                if is_closed
                else AS_OF + dt.timedelta(days=rng.randint(3, 120))
            )
            opp_rows.append(
                {
                    "opportunity_id": _sfid("006", n),
                    "opportunity_name": f"{accounts[n % len(accounts)]['account_name']} deal {n}",
                    "account_id": accounts[n % len(accounts)]["account_id"],
                    "owner_id": rep.rep_id,
                    "stage_name": stage[0],
                    "probability": stage[1],
                    "forecast_category": stage[2],
                    "opportunity_amount": round(rng.uniform(5000, 90000), 2),
                    "created_date": close - dt.timedelta(days=rng.randint(30, 150)),
                    "close_date": close,
                    "is_closed": is_closed,
                    "is_won": k == 0,
                    "is_open_as_of": not is_closed,
                }
            )
    if people_cases:  # a lost deal with an extra zero or two, as an outlier
        ava = next(p for p in reps if p.name == "Ava Chen")
        opp_rows.append(
            {
                **opp_rows[0],
                "opportunity_id": _sfid("006", 999),
                "opportunity_name": OUTLIER_DEAL_NAME,
                "owner_id": ava.rep_id,
                "stage_name": "Closed Lost",
                "probability": 0,
                "forecast_category": "Omitted",
                "opportunity_amount": OUTLIER_DEAL_AMOUNT,
                "close_date": AS_OF - dt.timedelta(days=10),
                "is_closed": True,
                "is_won": False,
                "is_open_as_of": False,
            }
        )
    opps = pd.DataFrame(opp_rows)
    # The fixture's stand-in for int_opportunity_amounts_profiled: 3 x the 99th percentile of
    # the team's other deals (the fixture's teams are too small for the mart's 100-deal floor)
    owner_team = {p.rep_id: p.team_id for p in people}
    opps["team_id"] = opps.owner_id.map(owner_team)
    usual = opps[opps.opportunity_name != OUTLIER_DEAL_NAME]
    thresholds = (usual.groupby("team_id").opportunity_amount.quantile(0.99) * 3).round(2)
    opps["amount_outlier_threshold"] = opps.team_id.map(thresholds)
    opps["is_amount_outlier"] = opps.opportunity_amount > opps.amount_outlier_threshold
    opps = opps.drop(columns="team_id")
    tables["marts.fct_opportunities"] = opps
    open_opps = opps[~opps.is_closed].copy()
    rep_by_id = {p.rep_id: p for p in people}
    account_name = {a["account_id"]: a["account_name"] for a in accounts}
    # Open deals with hygiene problems: a blank amount, no close date, a close date passed,
    # a blank next step (the fixture's CRM keeps next steps: every other open deal has one).
    problems = ["no_amount", "undated", "past_due", "created_date_inferred", "no_next_step"]
    no_next_step = open_opps.iloc[8 + problems.index("no_next_step")].opportunity_id
    opps["is_next_step_missing"] = opps.opportunity_id == no_next_step
    opps["next_step"] = [
        "Follow-up call" if is_open and not missing else None
        for is_open, missing in zip(opps.is_open_as_of, opps.is_next_step_missing, strict=True)
    ]
    hygiene = pd.DataFrame(
        [
            {
                "opportunity_id": o.opportunity_id,
                "opportunity_name": o.opportunity_name,
                "account_name": account_name[o.account_id],
                "rep_id": o.owner_id,
                "rep_name": rep_by_id[o.owner_id].name,
                "team_id": rep_by_id[o.owner_id].team_id,
                "team_name": team_name[rep_by_id[o.owner_id].team_id],
                "amount": None if problem == "no_amount" else o.opportunity_amount,
                "close_date": (
                    None
                    if problem == "undated"
                    else (AS_OF - dt.timedelta(days=12) if problem == "past_due" else o.close_date)
                ),
                "problem": problem,
            }
            for o, problem in zip(
                open_opps.iloc[8 : 8 + len(problems)].itertuples(), problems, strict=True
            )
        ]
    )
    tables["marts.pipeline_hygiene"] = hygiene

    # --- forecast submissions -----------------------------------------------------------------
    # reps and managers still employed call the quarter (not overlays, not who left)
    submitters = [p for p in people if p.role in ("rep", "manager") and not p.has_left]
    quarter = f"FY{FISCAL_YEAR}-Q{_quarter_of(AS_OF.month)}"
    subs = []
    s = 0
    for week in range(6):
        submitted = dt.datetime(2026, 4, 6, 16, 0) + dt.timedelta(weeks=week)
        for p in submitters:
            for category, base in (("Commit", 0.9), ("Best Case", 1.15)):
                s += 1
                scale = 150000.0 if p.role == "rep" else 450000.0
                subs.append(
                    {
                        "submission_id": f"fs_{s:012x}",
                        "submitter_id": p.rep_id,
                        "submitter_role": p.role,
                        "team_id": p.team_id,
                        "fiscal_period": quarter,
                        "forecast_category": category,
                        "call_amount": round(scale * base * p.skill * (1 + week * 0.01), 2),
                        "submitted_at": submitted,
                    }
                )
    tables["marts.fct_forecast_submissions"] = pd.DataFrame(subs)

    # --- pipeline marts --------------------------------------------------------------------
    ph_rows = []
    for tid, tname, _ in TEAMS:
        tp = tables["marts.team_performance"]
        row = tp[(tp.team_id == tid) & (tp.fiscal_period == quarter)].iloc[0]
        team_open = open_opps[open_opps.owner_id.isin([r.rep_id for r in reps if r.team_id == tid])]
        remaining = float(row.quota_amount - row.bookings_amount)
        open_amount = float(team_open.opportunity_amount.sum())
        ages = (AS_OF - team_open.created_date).apply(lambda d: d.days)
        ph_rows.append(
            {
                "hierarchy_level": "team",
                "team_id": tid,
                "team_name": tname,
                "rep_id": None,
                "rep_name": None,
                "period_type": "quarter",
                "fiscal_period": quarter,
                "quota_amount": float(row.quota_amount),
                "bookings_amount": float(row.bookings_amount),
                "open_pipeline_amount": round(open_amount, 2),
                "weighted_pipeline_amount": round(
                    float((team_open.opportunity_amount * team_open.probability / 100).sum()), 2
                ),
                "commit_pipeline_amount": round(
                    float(
                        team_open[team_open.forecast_category == "Commit"].opportunity_amount.sum()
                    ),
                    2,
                ),
                "coverage": _ratio(open_amount, remaining) if remaining > 0 else None,
                "coverage_needed": 3.2,
                "open_deal_count": len(team_open),
                "deals_0_30_count": int((ages <= 30).sum()),
                "deals_31_60_count": int(((ages > 30) & (ages <= 60)).sum()),
                "deals_61_90_count": int(((ages > 60) & (ages <= 90)).sum()),
                "deals_90_plus_count": int((ages > 90).sum()),
                "avg_days_in_stage": 21.5,
                **{
                    f"{problem}_deal_count": int(
                        ((hygiene.team_id == tid) & (hygiene.problem == problem)).sum()
                    )
                    for problem in ("undated", "past_due", "no_amount")
                },
            }
        )
    tables["marts.pipeline_health"] = pd.DataFrame(ph_rows)
    stage_order = {name: order for order, (name, _, _) in enumerate(stages, start=1)}
    by_stage = []
    qrow = next(p for p in _periods() if p[1] == quarter)
    nodes = [("company", COMPANY[0], COMPANY[1], None, None, [r.rep_id for r in reps])]
    nodes += [
        ("team", tid, tname, None, None, [r.rep_id for r in reps if r.team_id == tid])
        for tid, tname, _ in TEAMS
    ]
    nodes += [("rep", r.team_id, team_name[r.team_id], r.rep_id, r.name, [r.rep_id]) for r in reps]
    for level, tid, tname, rid, rname, owners in nodes:
        mine = open_opps[open_opps.owner_id.isin(owners)]
        for name, probability, category in stages:
            deals = mine[mine.stage_name == name]
            by_stage.append(
                {
                    "hierarchy_level": level,
                    "team_id": tid,
                    "team_name": tname,
                    "rep_id": rid,
                    "rep_name": rname,
                    "period_type": "quarter",
                    "fiscal_period": quarter,
                    "period_start": qrow[3],
                    "period_end": qrow[4],
                    "is_current_period": True,
                    "stage_name": name,
                    "stage_order": stage_order[name],
                    "forecast_category": category,
                    "deal_count": len(deals),
                    "open_amount": round(float(deals.opportunity_amount.sum()), 2),
                    "weighted_amount": round(
                        float((deals.opportunity_amount * probability / 100).sum()), 2
                    ),
                }
            )
    tables["marts.pipeline_by_stage"] = pd.DataFrame(by_stage)
    stalled = open_opps.head(4)
    tables["marts.stalled_deals"] = pd.DataFrame(
        [
            {
                "opportunity_id": o.opportunity_id,
                "opportunity_name": o.opportunity_name,
                "account_name": next(
                    a["account_name"] for a in accounts if a["account_id"] == o.account_id
                ),
                "rep_id": o.owner_id,
                "rep_name": rep_by_id[o.owner_id].name,
                "team_id": rep_by_id[o.owner_id].team_id,
                "team_name": team_name[rep_by_id[o.owner_id].team_id],
                "amount": o.opportunity_amount,
                "stage_name": o.stage_name,
                "close_date": o.close_date,
                "days_idle": 31 + i * 9,
                "last_activity_date": AS_OF - dt.timedelta(days=31 + i * 9),
                "last_stage_change_date": AS_OF - dt.timedelta(days=40 + i * 9),
            }
            for i, o in enumerate(stalled.itertuples())
        ]
    )
    slipped = open_opps.iloc[4:7]
    tables["marts.slipped_deals"] = pd.DataFrame(
        [
            {
                "opportunity_id": o.opportunity_id,
                "opportunity_name": o.opportunity_name,
                "rep_id": o.owner_id,
                "rep_name": rep_by_id[o.owner_id].name,
                "team_id": rep_by_id[o.owner_id].team_id,
                "team_name": team_name[rep_by_id[o.owner_id].team_id],
                "fiscal_period": quarter,
                "amount": o.opportunity_amount,
                "original_close_date": dt.date(2026, 4, 20),
                "current_close_date": o.close_date,
                "push_count": 1 + i % 2,
                "days_slipped": (o.close_date - dt.date(2026, 4, 20)).days,
            }
            for i, o in enumerate(slipped.itertuples())
        ]
    )
    wf_rows = []
    for tid, tname, _ in TEAMS:
        start_amt = round(rng.uniform(300000, 500000), 2)
        created = round(rng.uniform(80000, 200000), 2)
        moved_in = round(rng.uniform(10000, 50000), 2)
        won = round(rng.uniform(50000, 150000), 2)
        lost = round(rng.uniform(20000, 80000), 2)
        moved_out = round(rng.uniform(10000, 60000), 2)
        change = round(rng.uniform(-20000, 20000), 2)
        end_amt = round(start_amt + created + moved_in - won - lost - moved_out + change, 2)
        wf_rows.append(
            {
                "hierarchy_level": "team",
                "team_id": tid,
                "team_name": tname,
                "rep_id": None,
                "period_type": "quarter",
                "fiscal_period": quarter,
                "start_amount": start_amt,
                "created_amount": created,
                "moved_in_amount": moved_in,
                "won_amount": won,
                "lost_amount": lost,
                "moved_out_amount": moved_out,
                "amount_change": change,
                "end_amount": end_amt,
            }
        )
    tables["marts.pipeline_waterfall"] = pd.DataFrame(wf_rows)

    # --- forecast marts ---------------------------------------------------------------------
    fa_rows = []
    for p in submitters:
        actual = 120000.0 * p.skill
        for week in range(1, 7):
            call = actual * (0.8 if p.skill < 0.9 else 1.15) * (1 + 0.01 * week)
            fa_rows.append(
                {
                    "submitter_id": p.rep_id,
                    "submitter_name": p.name,
                    "submitter_role": p.role,
                    "team_id": p.team_id,
                    "team_name": team_name[p.team_id],
                    "fiscal_period": f"FY{FISCAL_YEAR}-Q1",
                    "week_of_period": week,
                    "commit_call_amount": round(call, 2),
                    "best_case_call_amount": round(call * 1.2, 2),
                    "actual_amount": round(actual, 2),
                    "commit_accuracy": max(0.0, 1 - abs(actual - call) / actual),
                    "commit_bias": (call - actual) / actual,
                    "trailing_accuracy": 0.82,
                    "trailing_bias": -0.2 if p.skill < 0.9 else 0.15,
                }
            )
    tables["marts.forecast_accuracy"] = pd.DataFrame(fa_rows)
    tables["marts_restricted.forecast_tendencies"] = pd.DataFrame(
        [
            {
                "submitter_id": p.rep_id,
                "submitter_name": p.name,
                "submitter_role": p.role,
                "team_id": p.team_id,
                "team_name": team_name[p.team_id],
                "period_type": "quarter",
                "trailing_period_count": 1,
                "trailing_accuracy": 0.82,
                "trailing_bias": -0.2 if p.skill < 0.9 else 0.15,
                "forecast_tendency": "calls low" if p.skill < 0.9 else "balanced",
            }
            for p in people
        ]
    )
    fp_rows = []
    tp = tables["marts.team_performance"]
    for node in tp[tp.fiscal_period == quarter].itertuples():
        proj = float(node.bookings_amount) + 0.35 * float(node.open_pipeline_amount)
        fp_rows.append(
            {
                "team_id": node.team_id,
                "team_name": node.team_name,
                "hierarchy_level": node.hierarchy_level,
                "fiscal_period": quarter,
                "projection_type": "current",
                "week_of_period": 7,
                "closed_to_date_amount": float(node.bookings_amount),
                "projected_amount": round(proj, 2),
                "projected_low_amount": round(proj * 0.9, 2),
                "projected_high_amount": round(proj * 1.1, 2),
                "actual_amount": None,
                "is_actual_within_range": None,
                "quota_amount": float(node.quota_amount),
            }
        )
        for week in range(1, 14):
            low, high = proj * (0.75 + week * 0.015), proj * (0.95 + week * 0.008)
            fp_rows.append(
                {
                    "team_id": node.team_id,
                    "team_name": node.team_name,
                    "hierarchy_level": node.hierarchy_level,
                    "fiscal_period": f"FY{FISCAL_YEAR}-Q1",
                    "projection_type": "backtest",
                    "week_of_period": week,
                    "closed_to_date_amount": round(proj * week / 13 * 0.8, 2),
                    "projected_amount": round(proj * (0.85 + week * 0.012), 2),
                    "projected_low_amount": round(low, 2),
                    "projected_high_amount": round(high, 2),
                    "actual_amount": round(proj, 2),
                    "is_actual_within_range": low <= proj <= high,
                    "quota_amount": float(node.quota_amount),
                }
            )
    tables["marts.forecast_projection"] = pd.DataFrame(fp_rows)
    tables.update(_forecast_summaries(tables["marts.forecast_accuracy"], fp_rows))
    tables["marts.forecast_calls"] = _forecast_calls(
        tables["marts.fct_forecast_submissions"],
        people,
        team_perf,
        tables["marts.forecast_projection"],
    )

    # --- coaching and ramp -----------------------------------------------------------------
    q1 = perf[(perf.fiscal_period == f"FY{FISCAL_YEAR}-Q1") & (perf.role == "rep")]
    cs_rows = []
    for r in q1.itertuples():
        team = q1[q1.team_id == r.team_id]
        cs_rows.append(
            {
                "rep_id": r.rep_id,
                "rep_name": r.rep_name,
                "team_id": r.team_id,
                "team_name": r.team_name,
                "fiscal_period": r.fiscal_period,
                "win_rate": r.win_rate,
                "team_median_win_rate": float(team.win_rate.median()),
                "avg_deal_size": r.avg_deal_size,
                "team_median_avg_deal_size": float(team.avg_deal_size.median()),
                "avg_sales_cycle_days": r.avg_sales_cycle_days,
                "team_median_sales_cycle_days": float(team.avg_sales_cycle_days.median()),
                "activities_per_opportunity": round(r.activity_count / max(1, r.won_count), 1),
                "team_median_activities_per_opportunity": 80.0,
                "weakest_stage": "Negotiation",
                "stage_conversion": 0.38,
                "team_stage_conversion": 0.61,
                "signal": "loses deals in Negotiation: 38% vs team 61%",
                "has_left": r.has_left,
                "left_on": r.left_on,
                "is_active_on_as_of": r.is_active_on_as_of,
            }
        )
    tables["marts.coaching_signals"] = pd.DataFrame(cs_rows)
    ramp_rows = []
    for p in reps:
        cohort_q = (p.hire_date.month - 1) // 3 + 1
        for k in range(1, 13):
            ramp_rows.append(
                {
                    "rep_id": p.rep_id,
                    "rep_name": p.name,
                    "team_id": p.team_id,
                    "team_name": team_name[p.team_id],
                    "hire_date": p.hire_date,
                    "hire_cohort": f"FY{p.hire_date.year}-Q{cohort_q}",
                    "months_since_hire": k,
                    "attainment": min(1.4, 0.15 * k * p.skill),
                    "months_to_first_win": 2,
                    "months_to_first_100": 5 if p.skill > 0.9 else None,
                    "cohort_median_attainment": min(1.2, 0.13 * k),
                    "cohort_median_months_to_first_100": 5.0,
                }
            )
    tables["marts.ramp_cohorts"] = pd.DataFrame(ramp_rows)

    # --- run report and quarantine ---------------------------------------------------------
    run_reports = [
        {
            "run_id": f"run-2026051{d}",
            "started_at": dt.datetime(2026, 5, 10 + d, 5, 0, tzinfo=dt.UTC),
            "finished_at": dt.datetime(2026, 5, 10 + d, 5, 1, 30, tzinfo=dt.UTC),
            "as_of_date": dt.date(2026, 5, 10 + d),
            "status": "success",
            "published": True,
            "rows_loaded_total": 5200 + d,
            "rows_quarantined_total": 4,
            "checks_passed": 120 + d,
            "checks_warned": 2,
            "checks_failed": 0,
            "report_json": json.dumps({"checks": FIXTURE_CHECKS}),
        }
        for d in range(1, 5)
    ]
    tables["marts.run_reports"] = pd.DataFrame(run_reports)
    # as the publish step writes it (orchestration/run_report_tables.py)
    tables["marts.run_report_checks"] = pd.DataFrame(
        check_rows([{**r, "checks": FIXTURE_CHECKS} for r in run_reports]),
        columns=[name for name, _, _ in CHECK_COLUMNS],
    )
    # two deals of one rep, one of a rep in another team, one whose owner is nobody known
    owners = [r for r in tables["marts.dim_rep"].to_dict("records") if r["role"] == "rep"]
    first_rep = owners[0]
    other_team = next(r for r in owners if r["team_id"] != first_rep["team_id"])
    tables["quarantine.opportunities"] = pd.DataFrame(
        [
            {
                "quarantine_id": f"q{i}",
                "opportunity_id": _sfid("006", 900 + i),
                "owner_id": owner_id,
                "rule": rule,
                "detail": detail,
                "split_id": split_id,
                "amount": amount,
            }
            for i, (rule, detail, owner_id, split_id, amount) in enumerate(
                [
                    (
                        "negative_amount",
                        "Amount -10.00 is below zero",
                        first_rep["rep_id"],
                        None,
                        -10.0,
                    ),
                    ("orphan_owner", "OwnerId is no known user", "005UNKNOWN", None, 300.0),
                    (
                        "close_before_created",
                        "CloseDate is before CreatedDate",
                        other_team["rep_id"],
                        None,
                        70.0,
                    ),
                    # a split set aside: its deal still counts
                    (
                        "unknown_split_owner",
                        "split owner is no known user",
                        first_rep["rep_id"],
                        "04t1",
                        40.0,
                    ),
                    (
                        "close_before_created",
                        "CloseDate is before CreatedDate",
                        first_rep["rep_id"],
                        None,
                        20.0,
                    ),
                ],
                start=1,
            )
        ]
    )
    # as dbt's deals_set_aside builds it: whole deals (no split rows) per rule, and in all
    whole = tables["quarantine.opportunities"]
    whole = whole[whole["split_id"].isna()]
    tables["marts.deals_set_aside"] = pd.DataFrame(
        [
            {
                "rule": rule,
                "rule_name": rule.replace("_", " "),
                "deal_count": int(count),
                "total_deals": int(whole["opportunity_id"].nunique()),
            }
            for rule, count in whole.groupby("rule")["opportunity_id"].nunique().items()
        ]
    )
    # and deals_set_aside_by_team: per owner's team and region (the unknown owner in neither)
    placed = whole.merge(
        tables["marts.dim_rep"][["rep_id", "team_id", "team_name", "region_id", "region_name"]],
        left_on="owner_id",
        right_on="rep_id",
    )
    by_node = pd.concat(
        [
            placed.assign(
                hierarchy_level="team", node=placed["team_id"], node_name=placed["team_name"]
            ),
            placed.assign(
                hierarchy_level="region", node=placed["region_id"], node_name=placed["region_name"]
            ),
        ]
    )
    tables["marts.deals_set_aside_by_team"] = pd.DataFrame(
        [
            {
                "team_rule_id": f"{node}|{rule}",
                "hierarchy_level": group["hierarchy_level"].iloc[0],
                "team_id": node,
                "team_name": group["node_name"].iloc[0],
                "rule": rule,
                "rule_name": rule.replace("_", " "),
                "deal_count": int(group["opportunity_id"].nunique()),
                "total_deals": int(by_node[by_node["node"] == node]["opportunity_id"].nunique()),
            }
            for (node, rule), group in by_node.groupby(["node", "rule"])
        ]
    )
    tables["quarantine.quotas"] = pd.DataFrame(
        [
            {
                "quarantine_id": "q9",
                "rule": "unknown_rep_email",
                "detail": "no user has this email",
                "email": "ghost@acme.example",
                "month_start": dt.date(2026, 1, 1),
                "quota_amount": 50000.0,
            }
        ]
    )

    tables["quarantine.crm_export"] = pd.DataFrame(
        [
            {
                "quarantine_id": "x1",
                "deal_id": "D-17",
                "rule": "unreadable_cell",
                "detail": "deals.csv, row 18, close_date: '31/02/2026' is not a date (%m/%d/%Y)",
                "file_name": "deals.csv",
                "file_row": 18,
                "field_name": "close_date",
                "cell_value": "31/02/2026",
                "reason": "not a date in the mapping's date_format %m/%d/%Y",
            }
        ]
    )

    # --- restricted compensation marts ---------------------------------------------------------
    year = perf[perf.fiscal_period == f"FY{FISCAL_YEAR}"]
    pfp = []
    for i, r in enumerate(year.itertuples()):
        variable = round(float(r.bookings_amount) * 0.1, 2)
        base = RESTRICTED_SENTINEL_AMOUNT if i == 0 else 90000.0
        pfp.append(
            {
                "rep_id": r.rep_id,
                "rep_name": r.rep_name,
                "team_id": r.team_id,
                "team_name": r.team_name,
                "fiscal_year": FISCAL_YEAR,
                "attainment": r.attainment,
                "base_salary_amount": base,
                "variable_pay_amount": variable,
                "total_pay_amount": round(base + variable, 2),
                "effective_commission_rate": 0.1,
                "cost_of_sales": _ratio(base + variable, float(r.bookings_amount)),
                "team_attainment_pay_correlation": 0.74,
            }
        )
    tables["marts_restricted.pay_for_performance"] = pd.DataFrame(pfp)
    tables["marts_restricted.commission_audit"] = pd.DataFrame(
        [
            {
                "rep_id": reps[2].rep_id,
                "rep_name": reps[2].name,
                "email": reps[2].email,
                "pay_month": "2026-03",
                "expected_commission_amount": 4200.00,
                "paid_commission_amount": 4250.00,
                "difference_amount": 50.00,
            }
        ]
    )
    tables["marts_restricted.fct_payouts"] = pd.DataFrame(
        [
            {
                "payout_id": f"po_{i}",
                "rep_id": r.rep_id,
                "pay_month": "2026-03",
                "commission_amount": 4200.0,
            }
            for i, r in enumerate(reps)
        ]
    )

    tables["marts.source_coverage"] = _source_coverage(missing, quotas, 5200)
    for table in (
        MARTS_OF_SYSTEM["revenue_intelligence"] if "revenue_intelligence" in missing else ()
    ):
        tables[table] = tables[table].iloc[0:0]
    for table in MARTS_OF_SYSTEM["sales_analytics"] if "sales_analytics" in missing else ():
        tables[table] = tables[table].iloc[0:0]

    tables["marts.team_pacing"] = _team_pacing_events(tables)
    tables.update(_coaching_priorities(tables, quarter))
    q_number = _quarter_of(AS_OF.month)
    tables["marts.weekly_changes"], tables["marts.weekly_change_deals"] = weekly_change_tables(
        tables["marts.dim_team"],
        tables["marts.fct_opportunities"],
        owner_team,
        tables["marts.forecast_calls"],
        {"account": account_name, "rep": {p.rep_id: p.name for p in people}},
        quarter,
        _month_bounds(3 * q_number - 2)[0],
        _month_bounds(3 * q_number)[1],
        AS_OF,
        random.Random(seed + 1),  # its own draws: the other tables stay as they were
    )

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "marts_restricted", "quarantine"):
            con.execute(f"create schema {schema}")
        contracts = mart_contracts()
        for name, frame in tables.items():
            _create_table(con, name, frame, contracts.get(name.split(".")[1]))
    finally:
        con.close()
    return path


def mart_contracts() -> dict[str, list[tuple[str, str]]]:
    """Each mart's contract from the marts' YAML: (column, data type) in the declared order."""
    contracts: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            contracts[model["name"]] = [
                (column["name"], column["data_type"]) for column in model.get("columns", [])
            ]
    return contracts


def _create_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    frame: pd.DataFrame,
    contract: list[tuple[str, str]] | None,
) -> None:
    """`name` with the columns and types of its mart's contract, holding the frame's rows."""
    con.register("frame", frame)
    try:
        if contract is None:
            con.execute(f"create table {name} as select * from frame")
            return
        declared = {column for column, _ in contract}
        unknown = [column for column in frame.columns if column not in declared]
        if unknown:
            raise ValueError(f"fixture table {name}: columns not in the mart's contract: {unknown}")
        columns = ", ".join(f'"{column}" {data_type}' for column, data_type in contract)
        con.execute(f"create table {name} ({columns})")
        if len(frame.columns):
            con.execute(f"insert into {name} by name select * from frame")
    finally:
        con.unregister("frame")


# coaching_priorities.review_problems: each problem of the deals to review, in the mart's order
REVIEW_PROBLEMS = (
    ("stalled", "stalled"),
    ("slipped", "slipped"),
    ("passed", "past due"),
    ("no close date", "without a close date"),
    ("no amount", "without an amount"),
    ("no next step", "without a next step"),
)


def _coaching_priorities(tables: dict[str, pd.DataFrame], quarter: str) -> dict:
    """`marts.coaching_review_deals` and `marts.coaching_priorities` from the fixture's own
    stalled, slipped and hygiene rows and pacing: money at stake = shortfall to pace + deals
    to review, ranked per team, region and company; reasons in the mart's words (pace, else
    the deals to review), amounts without a currency since the fixture serves any."""
    flags = []
    for r in tables["marts.stalled_deals"].itertuples():
        flags.append(
            (
                r.rep_id,
                r.rep_name,
                r.opportunity_id,
                r.opportunity_name,
                r.amount,
                f"stalled {r.days_idle} days",
            )
        )
    slipped = tables["marts.slipped_deals"]
    for r in slipped[slipped.fiscal_period == quarter].itertuples():
        flags.append(
            (
                r.rep_id,
                r.rep_name,
                r.opportunity_id,
                r.opportunity_name,
                r.amount,
                "slipped out of the quarter",
            )
        )
    problem_text = {
        "no_amount": "no amount",
        "undated": "no close date",
        "no_next_step": "no next step",
    }
    for r in tables["marts.pipeline_hygiene"].itertuples():
        if r.problem in ("no_amount", "undated", "past_due", "no_next_step"):
            text = problem_text.get(r.problem) or f"close date {r.close_date} passed"
            flags.append(
                (r.rep_id, r.rep_name, r.opportunity_id, r.opportunity_name, r.amount, text)
            )
    deals: dict[tuple[str, str], dict] = {}
    for rep_id, rep_name, opp_id, opp_name, amount, text in flags:
        deal = deals.setdefault(
            (rep_id, opp_id),
            {
                "coaching_review_deal_id": f"{rep_id}|{opp_id}",
                "rep_id": rep_id,
                "rep_name": rep_name,
                "opportunity_id": opp_id,
                "opportunity_name": opp_name,
                "amount": None if pd.isna(amount) else float(amount),
                "problems_text": text,
            },
        )
        if text not in deal["problems_text"]:
            deal["problems_text"] += ", " + text
    review = pd.DataFrame(list(deals.values()))
    reps = tables["marts.dim_rep"]
    # the mart's list: reps in a team today who have not left
    reps = reps[(reps.role == "rep") & reps.is_current & ~reps.has_left.astype(bool)]
    pacing = tables["marts.rep_pacing"]
    pacing = pacing[pacing.period_type == "quarter"].set_index("rep_id")
    rows = []
    for rep in reps.itertuples():
        mine = review[review.rep_id == rep.rep_id] if len(review) else review
        at_risk = float(mine.amount.fillna(0).sum()) if len(mine) else 0.0
        shortfall = None
        reason = None
        if rep.rep_id in pacing.index:
            pace = pacing.loc[rep.rep_id]
            shortfall = max(float(pace.expected_to_date_amount - pace.bookings_to_date_amount), 0)
            if shortfall > 0:
                reason = (
                    f"behind pace by {shortfall / 1000:.1f}k: "
                    f"{pace.bookings_to_date_amount / 1000:.0f}k booked vs "
                    f"{pace.expected_to_date_amount / 1000:.0f}k expected by today"
                    " this quarter"
                )
        if reason is None and len(mine):
            reason = f"{len(mine)} deals to review worth {at_risk / 1000:.0f}k"
        counted = (
            [
                (sum(word in text for text in mine.problems_text), label)
                for word, label in REVIEW_PROBLEMS
            ]
            if len(mine)
            else []
        )
        rows.append(
            {
                "coaching_priority_id": f"{rep.rep_id}|{quarter}",
                "rep_id": rep.rep_id,
                "rep_name": rep.rep_name,
                "team_id": rep.team_id,
                "team_name": rep.team_name,
                "region_id": rep.region_id,
                "region_name": rep.region_name,
                "fiscal_period": quarter,
                "is_coaching_candidate": reason is not None,
                "money_at_stake_amount": (shortfall or 0) + at_risk,
                "pace_shortfall_amount": shortfall,
                "review_deal_count": len(mine),
                "review_deals_amount": at_risk,
                "review_problems": ", ".join(f"{n} {label}" for n, label in counted if n) or None,
                "reason_metric": "none"
                if reason is None
                else "pace"
                if shortfall
                else "deals_to_review",
                "reason_text": reason or "on pace, on par with the team, no deal to review",
                "as_of_date": AS_OF,
            }
        )
    priorities = pd.DataFrame(rows)
    ranked = priorities[priorities.is_coaching_candidate].sort_values(
        ["money_at_stake_amount", "rep_name"], ascending=[False, True]
    )
    for level, column in (
        ("team_id", "priority_rank_in_team"),
        ("region_id", "priority_rank_in_region"),
        (None, "priority_rank_in_company"),
    ):
        ranks = (
            ranked.groupby(level).cumcount() + 1
            if level
            else pd.Series(range(1, len(ranked) + 1), index=ranked.index)
        )
        priorities[column] = ranks.reindex(priorities.index).astype("Int64")
    return {"marts.coaching_review_deals": review, "marts.coaching_priorities": priorities}
