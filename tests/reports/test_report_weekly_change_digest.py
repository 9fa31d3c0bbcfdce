"""Every digest opens with "What changed since last week": the node's start, each cause and end
of its bookings, open and commit pipeline in the running week (marts.weekly_changes), as the
mart has them, and the largest deals behind the causes (marts.weekly_change_deals).

The mart balances each measure to the cent (start + causes = end); the email shows the same
numbers in the reader's format, so the test checks both: the mart row of the node the digest
covers balances, and every figure of the section is that row's figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from orchestration.settings import Settings
from reports.digests import render_digests
from reports.formatting import MISSING
from reports.weekly_change_digest import CAUSES, MEASURES, TITLE, money, signed_money


def _settings(tmp_path, **overrides) -> Settings:
    return Settings(
        landing_dir=tmp_path / "landing",
        warehouse_dir=tmp_path / "warehouse",
        reports_dir=tmp_path / "reports" / "build",
        as_of=dt.date(2026, 5, 15),
        email_from="spm@acme.example",
        email_to=("vp@acme.example",),
    ).with_overrides(**overrides)


@pytest.fixture(scope="module")
def warehouse(report_warehouse, tmp_path_factory):
    """The fixture warehouse with a regional manager, so all three kinds of digest exist."""
    db = tmp_path_factory.mktemp("weekly") / "spm.duckdb"
    db.write_bytes(report_warehouse.read_bytes())
    con = duckdb.connect(str(db))
    try:
        (region_id,) = con.execute(
            "select team_id from marts.dim_team where hierarchy_level = 'region'"
            " order by team_name limit 1"
        ).fetchone()
        con.execute(
            "insert into marts.dim_rep select * replace ('RVP' as rep_id, 'RVP person' as"
            " rep_name, 'rvp@acme.example' as email, ? as team_id) from marts.dim_rep"
            " where is_current and role = 'manager' limit 1",
            [region_id],
        )
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def digests(warehouse, tmp_path_factory):
    return render_digests(
        warehouse, _settings(tmp_path_factory.mktemp("weekly_digests")).mail_config()
    )


def _node_row(db, digest) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        node = "hierarchy_level = 'company'" if digest.kind == "leadership" else "team_id = ?"
        params = [] if digest.kind == "leadership" else [digest.team_id]
        cursor = con.execute(
            f"select * from marts.weekly_changes where {node} and is_current_period"
            " and is_latest_week",
            params,
        )
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert len(rows) == 1, (digest.kind, digest.team_id, rows)
    return dict(zip(columns, rows[0], strict=True))


def _section(text: str) -> str:
    assert f"== {TITLE} ==" in text
    return text.split(f"== {TITLE} ==")[1].split("\n== ")[0]


def test_every_digest_opens_with_what_changed_and_its_numbers_balance(digests, warehouse):
    kinds = {d.kind for d in digests}
    assert {"leadership", "manager", "region"} <= kinds
    calls_split = 0
    for digest in digests:
        text = digest.text
        titles = [part.split(" ==")[0] for part in text.split("\n== ")[1:]]
        after_coaching = [t for t in titles if t != "Coach these reps this week"]
        assert after_coaching[0] == TITLE, (digest.kind, titles)
        assert TITLE in digest.html
        row = _node_row(warehouse, digest)
        section = _section(text)
        lines = {
            line.strip()[2:].split(" | ")[0]: line.strip()[2:].split(" | ")[1:]
            for line in section.splitlines()
            if line.strip().startswith("- ")
        }
        for column, (measure, _) in enumerate(MEASURES):
            if row[f"{measure}_start_amount"] is None or row[f"{measure}_end_amount"] is None:
                assert measure == "commit_call", (digest.kind, measure)
                assert lines["Caller's judgement (not explained by deals)"][column] == MISSING
                continue
            start = Decimal(str(row[f"{measure}_start_amount"]))
            end = Decimal(str(row[f"{measure}_end_amount"]))
            causes = [c for c, _ in CAUSES if f"{measure}_{c}_amount" in row]
            total = start + sum(Decimal(str(row[f"{measure}_{c}_amount"])) for c in causes)
            assert total == end, (digest.kind, measure, start, total, end)
            assert lines["Start"][column] == money(row[f"{measure}_start_amount"], "USD")
            assert lines["End"][column] == money(row[f"{measure}_end_amount"], "USD")
            for cause, label in CAUSES:
                if f"{measure}_{cause}_amount" in row:
                    shown = signed_money(row[f"{measure}_{cause}_amount"], "USD")
                    assert lines[label][column] == shown, (digest.kind, measure, cause)
            calls_split += measure == "commit_call"
    assert calls_split  # some digest splits a call's change into the deals and judgement


def test_the_digest_names_the_largest_deals_behind_the_causes(digests, warehouse):
    leadership = next(d for d in digests if d.kind == "leadership")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        deals = con.execute(
            "select measure_label, change_cause_label, opportunity_name from"
            " marts.weekly_change_deals where hierarchy_level = 'company' and is_current_period"
            " and is_latest_week and cause_rank <= 3"
            " order by measure_label, change_cause_label, cause_rank limit 3"
        ).fetchall()
    finally:
        con.close()
    assert deals
    section = _section(leadership.text).split("Largest deals behind each cause:")[1]
    for measure, cause, deal in deals:
        assert f"{measure} | {cause} | {deal} | " in section, (measure, cause, deal, section)


def test_without_forecast_calls_the_section_says_no_call(fixture_module, tmp_path_factory):
    db = fixture_module.build_fixture_warehouse(
        tmp_path_factory.mktemp("crm_only") / "spm.duckdb",
        quotas=False,
        missing_systems=("compensation", "sales_analytics", "revenue_intelligence"),
    )
    digests = render_digests(db, _settings(tmp_path_factory.mktemp("d3")).mail_config())
    leadership = next(d for d in digests if d.kind == "leadership")
    section = _section(leadership.text)
    assert "commit call" not in section  # no call is loaded: none is quoted, none made up
    assert "Open pipeline" in section and "Start | " in section
