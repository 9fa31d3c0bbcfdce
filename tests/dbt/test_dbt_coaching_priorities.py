"""Whom to coach first: coaching_priorities on a hand-built team (dbt_coaching_company.py).

The team's numbers are in the table of dbt_coaching_company.py; the expected order and
reasons below are worked out from it by hand: money at stake = shortfall to the 39,600 USD
expected by today + the open amount of deals to review; the reason is the largest relative
gap (Bob: (2/3 - 1/10) / (2/3) = 85% below the team's win rate beats 9,600 / 39,600 = 24%
behind pace; Cid: 33,600 / 39,600 = 85% behind pace beats 1 - 10,500 / 19,000 = 45% smaller
deals; Gus: 10,000 / 39,600 = 25% of the expected in a deal to review beats 1,600 / 39,600 =
4% behind pace).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reports.digests import render_digests
from reports.mail_config import MailConfig
from tests.support.dbt.dbt_coaching_company import AS_OF, CLOSED_DEALS, write_coaching_company
from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

pytestmark = pytest.mark.xdist_group("coaching_company")


def _built_company(root: Path, *, next_steps: bool = False) -> Path:
    """The coaching company written into a work warehouse in `root` and built by dbt."""
    db = root / "work.duckdb"
    con = duckdb.connect(str(db))
    write_coaching_company(con, next_steps=next_steps)
    con.close()
    done = run_dbt(
        ["build", "--exclude", "test_type:unit"],
        work_db=db,
        target_dir=root,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": 1},
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    return db


@pytest.fixture(scope="module", name="coaching_db")
def fixture_coaching_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_company(tmp_path_factory.mktemp("coaching"))


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# (rep, money at stake as the digest shows it, reason): worked out in the module docstring
EXPECTED_TOP_FIVE = [
    ("Dee", "$50k", "1 deal to review worth $50k: 1 stalled, 1 past due"),
    ("Cid", "$34k", "behind pace by $34k: $6.0k booked vs $40k expected by today this quarter"),
    ("Gus", "$12k", "1 deal to review worth $10k: 1 without a close date"),
    ("Bob", "$9.6k", "win rate 10% vs team 67% over the last 2 quarters (1 won of 10 closed)"),
    ("Fay", "$4.6k", "behind pace by $4.6k: $35k booked vs $40k expected by today this quarter"),
]


def test_reps_are_ordered_by_money_at_stake_with_their_one_reason(coaching_db):
    rows = _rows(
        coaching_db,
        "select priority_rank_in_team, rep_name, money_at_stake_amount, reason_metric,"
        " reason_text from marts.coaching_priorities"
        " where priority_rank_in_team <= 5 order by priority_rank_in_team",
    )
    money = {"Dee": 50_000.0, "Cid": 33_600.0, "Gus": 11_600.0, "Bob": 9_600.0, "Fay": 4_600.0}
    metric = {"Dee": "deals_to_review", "Cid": "pace", "Gus": "deals_to_review"}
    metric |= {"Bob": "win_rate", "Fay": "pace"}
    assert [(r[0], r[1], float(r[2]), r[3], r[4]) for r in rows] == [
        (n, rep, money[rep], metric[rep], reason)
        for n, (rep, _, reason) in enumerate(EXPECTED_TOP_FIVE, start=1)
    ]


def test_the_sixth_is_ranked_and_a_rep_with_nothing_at_stake_is_not(coaching_db):
    rows = dict(
        _rows(
            coaching_db,
            "select rep_name, priority_rank_in_team from marts.coaching_priorities"
            " where rep_name in ('Hal', 'Ann')",
        )
    )
    assert rows == {"Hal": 6, "Ann": None}


def test_a_rep_who_has_left_is_never_listed(coaching_db):
    # Eve left on 2026-04-30 with the largest shortfall of all (39,600 USD)
    assert (
        _rows(coaching_db, "select * from marts.coaching_priorities where rep_name = 'Eve'") == []
    )
    pacing = _rows(
        coaching_db,
        "select pace_gap_amount from marts.rep_pacing"
        " where rep_name = 'Eve' and period_type = 'quarter'",
    )
    assert [float(p[0]) for p in pacing] == [-39_600.0]  # she is in the pacing mart, not here


def test_the_deal_to_review_names_all_its_problems(coaching_db):
    # Dee's open deal: created 2026-03-01, no stage change or activity since (75 days to
    # 2026-05-15), close date 2026-04-30 passed: one row, both problems; Gus's is undated
    rows = _rows(
        coaching_db,
        "select rep_name, opportunity_name, amount, problems_text from marts.coaching_review_deals",
    )
    assert sorted((r[0], r[1], float(r[2]), r[3]) for r in rows) == [
        ("Dee", "Dee deal P01", 50_000.0, "stalled 75 days, close date 2026-04-30 passed"),
        ("Gus", "Gus deal U01", 10_000.0, "no close date"),
    ]


def test_the_managers_digest_opens_with_the_reps_to_coach(coaching_db, tmp_path):
    mail = MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_to=("vp@acme.example",),
    )
    digests = render_digests(coaching_db, mail, site_url="https://sales.acme.example/")
    (manager,) = [d for d in digests if d.kind == "manager"]
    assert manager.recipients == ("mia@acme.example",)
    opening = manager.text.split("\n\n")[1]
    lines = opening.splitlines()
    assert lines[0] == "== Coach these reps this week =="
    reps = [line for line in lines[1:] if not line.startswith("   - ")]
    assert reps == [
        f"{n}. {rep}, {at_stake} at stake: {reason}"
        for n, (rep, at_stake, reason) in enumerate(EXPECTED_TOP_FIVE, start=1)
    ]
    # Dee's deal to review sits under her name, with its amount and both problems
    assert (
        lines[2] == "   - review Dee deal P01 ($50k): stalled 75 days, close date 2026-04-30 passed"
    )
    for absent in ("Eve", "Hal", "Ann"):
        assert absent not in opening
    html = manager.html
    positions = [html.index(f"<b>{rep}</b>") for rep, _, _ in EXPECTED_TOP_FIVE]
    assert positions == sorted(positions) and positions[0] < html.index("Quota</div>")


# -- next steps: only a CRM that keeps them can have a deal without one --------------------


@pytest.fixture(scope="module", name="next_steps_db")
def fixture_next_steps_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same team in a CRM that keeps next steps (dbt_coaching_company.py docstring)."""
    return _built_company(tmp_path_factory.mktemp("coaching_next_steps"), next_steps=True)


def test_a_crm_without_next_steps_lists_no_deal_for_a_missing_one(coaching_db):
    assert _rows(
        coaching_db,
        "select count(*), count(next_step), count(*) filter (where is_next_step_missing)"
        " from marts.fct_opportunities",
    ) == [(len(CLOSED_DEALS) + 2, 0, 0)]  # the closed deals, Dee's and Gus's open one
    assert _rows(
        coaching_db,
        "select count(*) from marts.pipeline_hygiene where problem = 'no_next_step'",
    ) == [(0,)]
    assert _rows(
        coaching_db,
        "select count(*) from marts.coaching_review_deals where is_next_step_missing",
    ) == [(0,)]
    assert _rows(coaching_db, "select sum(no_next_step_deal_count) from marts.pipeline_health") == [
        (0,)
    ]


def test_a_blank_next_step_lists_the_open_deal_with_no_next_step(next_steps_db):
    # closed deals with a blank next step are not to review; Gus's has one; Hal's "  " is blank
    rows = _rows(
        next_steps_db,
        "select rep_name, opportunity_name, amount, is_next_step_missing, problems_text"
        " from marts.coaching_review_deals",
    )
    assert sorted((r[0], r[1], float(r[2]), r[3], r[4]) for r in rows) == [
        (
            "Dee",
            "Dee deal P01",
            50_000.0,
            True,
            "stalled 75 days, close date 2026-04-30 passed, no next step",
        ),
        ("Gus", "Gus deal U01", 10_000.0, False, "no close date"),
        ("Hal", "Hal deal N01", 5_000.0, True, "no next step"),
    ]
    hygiene = _rows(
        next_steps_db,
        "select opportunity_id, problem_detail from marts.pipeline_hygiene"
        " where problem = 'no_next_step' order by opportunity_id",
    )
    assert [r[0] for r in hygiene] == ["N01", "P01"]
    # the pipeline page's count: Dee's and Hal's of the quarter's three open deals
    assert _rows(
        next_steps_db,
        "select open_deal_count, no_next_step_deal_count from marts.pipeline_health"
        " where hierarchy_level = 'company' and period_type = 'quarter' and is_current_period",
    ) == [(3, 2)]
    assert _rows(
        next_steps_db,
        "select rep_name, no_next_step_deal_count from marts.pipeline_health"
        " where hierarchy_level = 'rep' and period_type = 'quarter' and is_current_period"
        " and no_next_step_deal_count > 0 order by rep_name",
    ) == [("Dee", 1), ("Hal", 1)]
    assert _rows(
        next_steps_db,
        "select next_step from marts.fct_opportunities where opportunity_id = 'U01'",
    ) == [("Send the proposal",)]


def test_a_rep_whose_deal_lacks_a_next_step_is_to_coach_for_it(next_steps_db, tmp_path):
    # Hal: 600 behind pace + the 5,000 deal to review = 5,600 at stake, ahead of Fay's 4,600;
    # 5,000 / 39,600 = 13% of the expected in a deal to review beats 1.5% behind pace
    rows = _rows(
        next_steps_db,
        "select rep_name, money_at_stake_amount, review_problems, reason_text"
        " from marts.coaching_priorities where rep_name in ('Dee', 'Hal') order by rep_name",
    )
    assert [(r[0], float(r[1]), r[2], r[3]) for r in rows] == [
        (
            "Dee",
            50_000.0,
            "1 stalled, 1 past due, 1 without a next step",
            "1 deal to review worth $50k: 1 stalled, 1 past due, 1 without a next step",
        ),
        (
            "Hal",
            5_600.0,
            "1 without a next step",
            "1 deal to review worth $5.0k: 1 without a next step",
        ),
    ]
    mail = MailConfig(outbox_dir=tmp_path / "outbox", email_to=("vp@acme.example",))
    digests = render_digests(next_steps_db, mail, site_url="https://sales.acme.example/")
    (manager,) = [d for d in digests if d.kind == "manager"]
    opening = manager.text.split("\n\n")[1]
    assert "   - review Hal deal N01 ($5.0k): no next step" in opening.splitlines()


def test_a_warehouse_loaded_before_next_steps_builds_with_them_unknown(tmp_path):
    """raw_crm.opportunity from before the column joined the contract (the next load adds
    it): the build does not break, and no deal is flagged for a next step."""
    db = tmp_path / "work.duckdb"
    con = duckdb.connect(str(db))
    write_coaching_company(con, next_steps=True)
    con.execute("alter table raw_crm.opportunity drop column next_step")
    con.close()
    done = run_dbt(
        ["run", "--select", "+fct_opportunities"],
        work_db=db,
        target_dir=tmp_path,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": 1},
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    assert _rows(
        db,
        "select count(*) > 0, count(next_step), count(*) filter (where is_next_step_missing)"
        " from marts.fct_opportunities",
    ) == [(True, 0, 0)]
