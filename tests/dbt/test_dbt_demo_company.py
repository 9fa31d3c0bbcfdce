"""The small demo company through generate -> load -> dbt build, checked against pandas.

Bookings, quota, attainment and win rate per rep and fiscal quarter are recomputed here
straight from the landing files (CSV and the quota workbooks), with pandas and exact decimals,
following the KPI reference (dbt_project/docs/) and not the SQL, and compared with
`marts.rep_performance`, for fiscal years starting in January and in February. The
quarantine must hold exactly the faults the generator wrote into its manifest.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

AS_OF = dt.date(2026, 11, 28)
CENT = Decimal("0.01")

# The January company is the session's small company, built by its pipeline run: stay on the
# worker of that run (make test: loadgroup) rather than building the company a second time.
pytestmark = [pytest.mark.slow, pytest.mark.company, pytest.mark.xdist_group("demo_company_dbt")]


def _demo_api():
    """The teammates' generator and loader; the test cannot run without them."""
    from ingestion import demo, pipeline

    return demo.generate, pipeline.load_all


def _fiscal_quarter(day: dt.date, start_month: int) -> str:
    """`FY2027-Q1`: the fiscal year is named by the calendar year in which it ends."""
    offset = (day.month - start_month) % 12
    year = day.year + (1 if start_month > 1 and day.month >= start_month else 0)
    return f"FY{year}-Q{offset // 3 + 1}"


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _latest(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per Id: the latest SystemModstamp (later in the file on a tie), not deleted."""
    frame = frame.reset_index(names="_position")
    frame = frame.sort_values(["Id", "SystemModstamp", "_position"]).drop_duplicates(
        "Id", keep="last"
    )
    return frame[frame["IsDeleted"].str.lower() != "true"]


def _rate_lookup(landing: Path):
    fx = _read_csv(landing / "finance" / "fx_rates.csv")
    by_currency: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for day, currency, rate in fx[["date", "currency", "rate"]].itertuples(index=False):
        by_currency[currency].append((dt.date.fromisoformat(day), Decimal(rate)))
    for rates in by_currency.values():
        rates.sort()

    def rate_on(currency: str, day: dt.date) -> Decimal | None:
        if currency == "USD":
            return Decimal(1)
        earlier = [rate for rate_day, rate in by_currency.get(currency, []) if rate_day <= day]
        return earlier[-1] if earlier else None

    return rate_on


def recompute_from_landing(landing: Path, start_month: int) -> dict:
    """Per (rep, fiscal quarter): bookings, quota, won, lost, from the landing files alone."""
    users = _read_csv(landing / "crm" / "User.csv")
    user_ids = set(users["Id"])
    opps = _latest(_read_csv(landing / "crm" / "Opportunity.csv"))
    splits = _latest(_read_csv(landing / "crm" / "OpportunitySplit.csv"))
    split_types = _read_csv(landing / "crm" / "OpportunitySplitType.csv")
    revenue_type = set(split_types.loc[split_types["DeveloperName"] == "Revenue", "Id"])
    rate_on = _rate_lookup(landing)

    # quarantine rules, recomputed: negative amount, unknown owner or split owner, close date
    # before created date, no FX rate on or before the close date
    bad: set[str] = set()
    for row in opps.itertuples(index=False):
        close = dt.date.fromisoformat(row.CloseDate)
        created = dt.date.fromisoformat(row.CreatedDate[:10])
        if (
            Decimal(row.Amount or "0") < 0
            or row.OwnerId not in user_ids
            or close < created
            or rate_on(row.CurrencyIsoCode, close) is None
        ):
            bad.add(row.Id)
    bad |= set(splits.loc[~splits["SplitOwnerId"].isin(user_ids), "OpportunityId"])

    revenue = splits[splits["SplitTypeId"].isin(revenue_type)]
    shares: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for opp_id, owner, pct in revenue[
        ["OpportunityId", "SplitOwnerId", "SplitPercentage"]
    ].itertuples(index=False):
        shares[opp_id].append((owner, Decimal(pct) / 100))

    result: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"bookings": Decimal(0), "quota": None, "won": 0, "lost": 0}
    )
    for row in opps.itertuples(index=False):
        close = dt.date.fromisoformat(row.CloseDate)
        if row.Id in bad or row.IsClosed.lower() != "true" or close > AS_OF:
            continue
        amount = Decimal(row.Amount) * rate_on(row.CurrencyIsoCode, close)
        quarter = _fiscal_quarter(close, start_month)
        for rep, share in shares.get(row.Id) or [(row.OwnerId, Decimal(1))]:
            cell = result[(rep, quarter)]
            if row.IsWon.lower() == "true":
                cell["won"] += 1
                cell["bookings"] += (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)
            else:
                cell["lost"] += 1

    emails: dict[str, set[str]] = defaultdict(set)
    for user_id, email in users[["Id", "Email"]].itertuples(index=False):
        emails[email.strip().lower()].add(user_id)
    assignments = _read_csv(landing / "compensation" / "assignments.csv")
    for user_id, email in assignments[["UserId", "Email"]].itertuples(index=False):
        emails[email.strip().lower()].add(user_id)
    for workbook in sorted((landing / "compensation").glob("quotas_FY*.xlsx")):
        for sheet in pd.read_excel(workbook, sheet_name=None).values():
            for _, line in sheet.iterrows():
                reps = emails.get(str(line["Email"]).strip().lower(), set())
                if len(reps) != 1:
                    continue
                (rep,) = reps
                for column in sheet.columns[2:]:
                    value = line[column]
                    if pd.isna(value):
                        continue
                    month = dt.date.fromisoformat(f"{column}-01")
                    cell = result[(rep, _fiscal_quarter(month, start_month))]
                    cell["quota"] = (cell["quota"] or Decimal(0)) + Decimal(str(value))
    return dict(result)


@pytest.fixture(scope="module", name="demo_builds")
def fixture_demo_builds(small_landing, small_pipeline, tmp_path_factory: pytest.TempPathFactory):
    """Per fiscal year start: (landing folder, manifest, work warehouse after dbt build).

    Fiscal years starting in January: the session's small company (seed 42, as of the same
    day), whose pipeline run built its work warehouse; its names are hostile strings, which
    no number here depends on. February: generated, loaded and built here.
    """
    settings, _ = small_pipeline
    assert settings.as_of == AS_OF and settings.fiscal_year_start_month == 1
    manifest = json.loads((small_landing / "_manifest.json").read_text(encoding="utf-8"))
    builds = {1: (small_landing, manifest, settings.work_db)}
    generate, load_all = _demo_api()
    root = tmp_path_factory.mktemp("demo_fy2")
    landing, warehouse = root / "landing", root / "warehouse"
    manifest = generate(landing, scale="small", seed=42, as_of=AS_OF, fiscal_year_start_month=2)
    load_all(landing, warehouse)
    db = warehouse / "work.duckdb"
    # what the tests read, with its data tests (every model builds under a February year
    # in test_dbt_kpi_examples.py)
    done = run_dbt(
        ["build", "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious"]
        + ["--select", "+rep_performance", "+quarantine_opportunities", "+quarantine_quotas"],
        work_db=db,
        target_dir=root,
        dbt_vars={"as_of_date": AS_OF.isoformat(), "fiscal_year_start_month": 2},
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    builds[2] = (landing, manifest, db)
    return builds


def _query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("start_month", [1, 2])
def test_rep_quarters_match_a_recomputation_from_the_landing_files(demo_builds, start_month):
    landing, _, db = demo_builds[start_month]
    expected = recompute_from_landing(landing, start_month)
    rows = _query(
        db,
        "select rep_id, fiscal_period, bookings_amount, quota_amount, attainment, won_count,"
        " lost_count, win_rate from marts.rep_performance where period_type = 'quarter'",
    )
    actual = {(r[0], r[1]): r[2:] for r in rows}
    assert len(actual) > 50, "the small company should give many rep-quarters"
    assert sum(1 for key in expected if expected[key]["won"]) > 20

    empty = {"bookings": Decimal(0), "quota": None, "won": 0, "lost": 0}
    problems = []
    for key in sorted(set(expected) | set(actual)):
        want = expected.get(key, empty)
        got = actual.get(key)
        if got is None:
            problems.append(f"{key}: no rep_performance row, expected {want}")
            continue
        bookings, quota, attainment, won, lost, win_rate = got
        want_attainment = float(want["bookings"] / want["quota"]) if want["quota"] else None
        want_win_rate = (
            want["won"] / (want["won"] + want["lost"]) if want["won"] + want["lost"] else None
        )
        if bookings != want["bookings"]:
            problems.append(f"{key}: bookings {bookings} != {want['bookings']}")
        if quota != want["quota"]:
            problems.append(f"{key}: quota {quota} != {want['quota']}")
        if (won, lost) != (want["won"], want["lost"]):
            problems.append(f"{key}: won/lost {(won, lost)} != {(want['won'], want['lost'])}")
        if (attainment is None) != (want_attainment is None) or (
            attainment is not None and attainment != pytest.approx(want_attainment, abs=1e-12)
        ):
            problems.append(f"{key}: attainment {attainment} != {want_attainment}")
        if (win_rate is None) != (want_win_rate is None) or (
            win_rate is not None and win_rate != pytest.approx(want_win_rate, abs=1e-12)
        ):
            problems.append(f"{key}: win rate {win_rate} != {want_win_rate}")
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("start_month", [1, 2])
def test_quarantine_counts_equal_the_manifest_faults(demo_builds, start_month):
    _, manifest, db = demo_builds[start_month]
    faults = manifest["faults"]
    by_rule: dict[str, set[str]] = defaultdict(set)
    for opportunity_id, rule, split_id in _query(
        db, "select opportunity_id, rule, split_id from quarantine.opportunities"
    ):
        # an orphan split owner is listed in the manifest by the split's id
        by_rule[rule].add(split_id if rule == "unknown_split_owner" else opportunity_id)

    assert by_rule["negative_amount"] == set(faults["negative_amounts"])
    assert by_rule["close_before_created"] == set(faults["close_before_created"])
    assert by_rule["no_fx_rate"] == set(faults["unknown_currency"])
    assert by_rule["unknown_owner"] | by_rule["unknown_split_owner"] == set(faults["orphan_owners"])
    unexpected = set(by_rule) - {
        "negative_amount",
        "close_before_created",
        "no_fx_rate",
        "unknown_owner",
        "unknown_split_owner",
    }
    assert not unexpected, f"rules the generator did not plant: {unexpected}"

    quota_emails = {
        email for (email,) in _query(db, "select distinct email_as_written from quarantine.quotas")
    }
    assert quota_emails == set(faults["unknown_quota_emails"])


def test_duplicates_and_soft_deletes_never_reach_the_marts(demo_builds):
    _, manifest, db = demo_builds[1]
    faults = manifest["faults"]
    opportunity_ids = {
        r[0] for r in _query(db, "select opportunity_id from marts.fct_opportunities")
    }
    account_ids = {r[0] for r in _query(db, "select account_id from marts.dim_account")}
    deleted = set(faults["soft_deleted"])
    assert not deleted & (opportunity_ids | account_ids)
    [(rows, distinct)] = _query(
        db, "select count(*), count(distinct opportunity_id) from marts.fct_opportunities"
    )
    assert rows == distinct
    assert set(faults["duplicate_opportunities"]) <= opportunity_ids


# ---- the same company with its optional systems left out ---------------------------------------
# (the least a company can land, without finance and the optional CRM files, is checked on its
# published marts in tests/orchestration/test_crm_only_runs.py)

# marts that only the left-out systems fill: empty without them
MARTS_OF_OPTIONAL_SYSTEMS = (
    "marts.fct_quotas",
    "marts.fct_activities",
    "marts.fct_forecast_submissions",
    "marts.forecast_accuracy",
    "marts.forecast_submitter_scores",
    "marts.forecast_weekly_accuracy",
    "marts.forecast_calls",
    "marts_restricted.forecast_tendencies",
    "marts_restricted.dim_comp_plan",
    "marts_restricted.commission_audit",
    "marts_restricted.pay_for_performance",
    "marts_restricted.fct_payouts",
)
CRM_KPIS = (
    "bookings_amount, won_count, lost_count, win_rate, avg_sales_cycle_days,"
    " open_pipeline_amount, weighted_pipeline_amount, open_opportunity_count,"
    " pipeline_created_amount, created_count"
)


def _mart_columns(db: Path) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = defaultdict(list)
    for schema, table, column in _query(
        db,
        "select table_schema, table_name, column_name from information_schema.columns"
        " where table_schema in ('marts', 'marts_restricted')"
        " order by table_schema, table_name, ordinal_position",
    ):
        columns[f"{schema}.{table}"].append(column)
    return dict(columns)


@pytest.fixture(scope="module", name="crm_only_db")
def fixture_crm_only_db(crm_only_run) -> Path:
    """The work warehouse of `spm run` on the small company with only its CRM and finance
    landed (the shared `crm_only_run`: the other systems' raw tables never existed)."""
    settings, outcome = crm_only_run
    assert outcome.published, (outcome.failed_steps, outcome.failed_checks)
    return settings.work_db


def test_a_crm_only_company_has_every_mart_with_its_columns(demo_builds, crm_only_db):
    _, _, full_db = demo_builds[1]
    assert _mart_columns(crm_only_db) == _mart_columns(full_db)
    for mart in MARTS_OF_OPTIONAL_SYSTEMS:
        assert _query(crm_only_db, f"select count(*) from {mart}") == [(0,)], mart
    notes = dict(_query(crm_only_db, "select dataset, missing_note from marts.source_coverage"))
    assert notes["quotas"] == (
        "No quotas loaded: attainment, pace and leaderboards by attainment need"
        " compensation/quotas_FY<yyyy>.xlsx"
    )
    assert notes["opportunities"] is None and notes["users"] is None


def test_a_crm_only_company_keeps_its_crm_kpis_per_rep_and_period(demo_builds, crm_only_db):
    _, _, full_db = demo_builds[1]
    sql = (
        f"select rep_id, period_type, fiscal_period, {CRM_KPIS} from marts.rep_performance"
        " where won_count + lost_count + open_opportunity_count + created_count > 0"
    )
    full = {row[:3]: row[3:] for row in _query(full_db, sql)}
    crm_only = {row[:3]: row[3:] for row in _query(crm_only_db, sql)}
    assert len(full) > 100
    differences = [
        f"{key}: {full.get(key)} != {crm_only.get(key)}"
        for key in sorted(set(full) | set(crm_only))
        if full.get(key) != crm_only.get(key)
    ]
    assert not differences, "\n".join(differences[:20])


def test_without_quotas_every_board_ranks_by_bookings(crm_only_db):
    boards = _query(
        crm_only_db,
        "select ranked_by, count(*), count(win_rate) from marts.leaderboard"
        " where role <> 'overlay' group by ranked_by",
    )
    assert [board[0] for board in boards] == ["bookings"]
    assert boards[0][1] > 100 and boards[0][2] > 0
    # the overlay specialist of each region (Overlay splits only) is ranked by overlay credit,
    # among overlays only
    overlays = _query(
        crm_only_db,
        "select distinct leaderboard_group, ranked_by from marts.leaderboard"
        " where role = 'overlay'",
    )
    assert overlays == [("overlay", "overlay_credit")]
    # rank 1 of each company board by bookings has the most bookings of the period
    mismatched = _query(
        crm_only_db,
        "select fiscal_period from marts.leaderboard where board = 'company' and board_rank = 1"
        " and ranked_by = 'bookings'"
        " and bookings_amount < (select max(p.bookings_amount) from marts.rep_performance p"
        " where p.period_type = leaderboard.period_type"
        " and p.fiscal_period = leaderboard.fiscal_period)",
    )
    assert not mismatched
    sources = _query(crm_only_db, "select distinct assignment_source from marts.dim_rep")
    assert sources == [("crm_role_tree",)]
