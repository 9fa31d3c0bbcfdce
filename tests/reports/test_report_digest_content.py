"""What a digest's reader sees: amounts, links they can open, charts with words, and no
quota figures for a company that has none."""

from __future__ import annotations

import copy
import email
import shutil
from email import policy

import duckdb
import pytest

from orchestration.settings import Settings
from reports import charts
from reports.digests import render_delayed_notice, render_digests
from reports.formatting import format_value
from reports.mail_config import MailConfig
from reports.sql_engine import QueryResult
from tests.support.warehouse_probe import set_aside_shares


def _mail(tmp_path, **overrides) -> MailConfig:
    return MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_from="spm@acme.example",
        email_to=("vp@acme.example",),
        **overrides,
    )


@pytest.fixture(scope="module")
def digests_without_site_url(report_warehouse, tmp_path_factory):
    return render_digests(report_warehouse, _mail(tmp_path_factory.mktemp("d")))


@pytest.fixture(scope="module")
def crm_only_digests(fixture_module, tmp_path_factory):
    db = fixture_module.build_fixture_warehouse(
        tmp_path_factory.mktemp("crm") / "spm.duckdb",
        quotas=False,
        missing_systems=("compensation", "sales_analytics", "revenue_intelligence"),
    )
    mail = _mail(tmp_path_factory.mktemp("d2"), corporate_currency="EUR")
    return db, render_digests(db, mail, site_url="https://sales.acme.example/reports/")


def _parts(digest):
    message = email.message_from_bytes(
        digest.to_message("spm@acme.example").as_bytes(), policy=policy.default
    )
    return list(message.walk())


def test_images_are_inline(digests_without_site_url):
    images = [
        part
        for digest in digests_without_site_url
        for part in _parts(digest)
        if part.get_content_type() == "image/png"
    ]
    assert images
    for part in images:
        assert part.get_content_disposition() == "inline"
        assert part["Content-ID"]


def test_without_a_site_url_the_digest_names_the_page(digests_without_site_url, tmp_path):
    for digest in digests_without_site_url:
        assert "file://" not in digest.html and "file://" not in digest.text
        assert "Open the full report" not in digest.html
    leadership = digests_without_site_url[0]
    assert "the Overview page of the report site" in leadership.text
    manager = digests_without_site_url[1]
    assert "team page of the report site" in manager.text
    notice = render_delayed_notice(_mail(tmp_path), ["stg_crm__opportunities unique_id"])
    assert "file://" not in notice.html + notice.text
    assert "Overview page" in notice.text


def test_links_go_to_the_configured_site(report_warehouse, tmp_path):
    mail = _mail(tmp_path, site_url="https://sales.acme.example/spm")
    digests = render_digests(report_warehouse, mail)
    assert 'href="https://sales.acme.example/spm/index.html"' in digests[0].html
    team_id = digests[1].team_id
    assert f'href="https://sales.acme.example/spm/teams/{team_id}.html"' in digests[1].html


def test_top_deals_show_their_amounts(digests_without_site_url, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    start, end = con.execute(
        "select period_start, period_end from marts.team_performance "
        "where hierarchy_level = 'company' and period_type = 'quarter' and is_current_period"
    ).fetchone()
    deals = con.execute(
        "select opportunity_name, opportunity_amount from marts.fct_opportunities "
        "where is_won and close_date between ? and ? order by opportunity_amount desc limit 5",
        [start, end],
    ).fetchall()
    con.close()
    assert deals
    text = digests_without_site_url[0].text
    section = text.split("Top deals won")[1].split("\n\n")[0]
    for name, amount in deals:
        shown = f"${amount / 1000:,.0f}k" if amount >= 10_000 else f"${amount / 1000:,.1f}k"
        assert f"{name} | " in section and shown in section, (name, shown, section)
    assert "–" not in section


def test_digests_quote_the_call_of_the_node_they_cover(digests_without_site_url, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    calls = dict(
        con.execute(
            "select coalesce(case when hierarchy_level = 'company' then 'company' end, team_id),"
            " call_amount from marts.forecast_calls where forecast_category = 'Commit'"
            " and is_current_period and is_latest_week"
        ).fetchall()
    )
    con.close()
    leadership, manager = digests_without_site_url[0], digests_without_site_url[1]
    # the CRO's own call (1,234,567 in the fixture), not every manager's call summed
    assert f"Commit call: {format_value(calls['company'], 'cur')}" in leadership.text
    assert f"Commit call: {format_value(calls[manager.team_id], 'cur')}" in manager.text


def test_no_quota_digests_lead_with_bookings_and_name_missing_systems(crm_only_digests):
    db, digests = crm_only_digests
    con = duckdb.connect(str(db), read_only=True)
    note = con.execute(
        "select missing_note from marts.source_coverage where dataset = 'quotas'"
    ).fetchone()[0]
    hygiene = con.execute(
        "select team_id, opportunity_name from marts.pipeline_hygiene "
        "where problem in ('no_amount', 'undated', 'past_due')"
    ).fetchall()
    con.close()
    for digest in digests:
        paragraphs = digest.text.split("\n\n")
        # the headline figures: the paragraph after the heading and the reps to coach
        head = next(p for p in paragraphs[1:] if not p.startswith("== Coach these reps"))
        assert "Quota" not in head and "Attainment" not in head and "Pace" not in head
        assert "Bookings: €" in head and "Win rate: " in head
        assert note in digest.text
        assert "of quota" not in digest.subject and "0 of 0" not in digest.text
        assert "https://sales.acme.example/reports/" in digest.html
    managers = {d.team_id: d for d in digests if d.kind == "manager"}
    for team_id, deal in hygiene:
        assert deal in managers[team_id].text.split("Open deals to clean up in the CRM")[1]


def _trend_spec(report_warehouse) -> dict:
    frame = QueryResult(
        "trend",
        ["month", "fiscal_period", "quota_amount", "bookings_amount"],
        [("Jan 2026", "FY2026-M01", 350000.0, 295000.0), ("Feb 2026", "FY2026-M02", 1.0, 2.0)],
    ).frame()
    return charts.chart_spec(
        "bar",
        frame,
        "month",
        ["quota_amount", "bookings_amount"],
        grouped=True,
        y_fmt="cur",
        title="Bookings against quota by month",
        x_title="Month",
        values=True,
        width=400,
        height=160,
    )


def _without_ink(spec: dict) -> dict:
    """The same chart with every text drawn in a transparent colour: same layout, no words."""
    blank = copy.deepcopy(spec)
    config = blank.setdefault("config", {})
    config.setdefault("title", {})["color"] = "transparent"
    for key in ("axis", "legend"):
        ink = {"labelColor": "transparent", "titleColor": "transparent"}
        config.setdefault(key, {}).update(ink)
    config.setdefault("text", {})["color"] = "transparent"
    for layer in blank.get("layer", []):
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("type") == "text":
            layer["mark"]["color"] = "transparent"
    return blank


def test_email_charts_draw_their_words(report_warehouse):
    spec = _trend_spec(report_warehouse)
    svg = charts.to_svg(spec)
    for words in ("Bookings against quota by month", "Month", "Amount (USD)", "Jan 2026", "$295k"):
        assert f">{words}<" in svg, words
    with_text = charts.to_png(spec)
    assert with_text != charts.to_png(_without_ink(spec))


def test_site_url_comes_from_the_environment(monkeypatch, report_warehouse, tmp_path):
    monkeypatch.setenv("SPM_SITE_URL", " https://bi.acme.example/sales/ ")
    monkeypatch.setenv("SPM_REPORTS_DIR", str(tmp_path / "build"))
    settings = Settings.from_env()
    assert settings.site_url == "https://bi.acme.example/sales/"
    digest = render_digests(report_warehouse, settings.mail_config())[0]
    assert 'href="https://bi.acme.example/sales/index.html"' in digest.html
    monkeypatch.setenv("SPM_SITE_URL", "")
    assert Settings.from_env().site_url is None


def test_manager_digests_open_with_the_reps_to_coach_in_the_marts_order(
    digests_without_site_url, report_warehouse
):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    ranked = con.execute(
        "select team_id, rep_name, reason_text from marts.coaching_priorities"
        " where priority_rank_in_team is not null order by team_id, priority_rank_in_team"
    ).fetchall()
    deals = con.execute(
        "select rep_name, opportunity_name from marts.coaching_review_deals"
    ).fetchall()
    con.close()
    managers = [d for d in digests_without_site_url if d.kind == "manager"]
    assert managers and deals
    listed_deals = 0
    for digest in managers:
        expected = [(rep, reason) for team, rep, reason in ranked if team == digest.team_id][:5]
        opening = digest.text.split("\n\n")[1]
        lines = opening.splitlines()
        assert lines[0] == "== Coach these reps this week =="
        reps = [line for line in lines[1:] if not line.startswith("   - ")]
        assert len(reps) == len(expected) <= 5
        for n, (line, (rep, reason)) in enumerate(zip(reps, expected, strict=True), start=1):
            assert line.startswith(f"{n}. {rep}, ") and line.endswith(f" at stake: {reason}")
        for rep, deal in deals:
            if rep in (name for name, _ in expected):
                assert f"   - review {deal} (" in opening or f"   - review {deal}: " in opening
                listed_deals += 1
    assert listed_deals


def test_regional_managers_and_the_cro_get_their_level_one_level_down(report_warehouse, tmp_path):
    warehouse = tmp_path / "spm.duckdb"
    warehouse.write_bytes(report_warehouse.read_bytes())
    con = duckdb.connect(str(warehouse))
    company_id, region_id, region_name = con.execute(
        "select company.team_id, region.team_id, region.team_name from marts.dim_team as region"
        " join marts.dim_team as company on company.hierarchy_level = 'company'"
        " where region.hierarchy_level = 'region' order by region.team_name limit 1"
    ).fetchone()
    for rep_id, address, node in (
        ("RVP", "rvp@acme.example", region_id),
        ("CRO", "cro@acme.example", company_id),
    ):
        con.execute(
            "insert into marts.dim_rep select * replace (? as rep_id, ? as rep_name,"
            " ? as email, ? as team_id) from marts.dim_rep"
            " where is_current and role = 'manager' limit 1",
            [rep_id, f"{rep_id} person", address, node],
        )
    teams = dict(
        con.execute(
            "select team_id, team_name from marts.dim_team where hierarchy_level = 'team'"
            " and parent_team_id = ?",
            [region_id],
        ).fetchall()
    )
    # pace per region, summed here from the reps' own pacing rows
    region_of = dict(
        con.execute(
            "select team_id, parent_team_id from marts.dim_team where hierarchy_level = 'team'"
        ).fetchall()
    )
    pace: dict[str, float] = {}
    for team_id, gap in con.execute(
        "select team_id, pace_gap_amount from marts.rep_pacing where period_type = 'quarter'"
    ).fetchall():
        pace[region_of[team_id]] = pace.get(region_of[team_id], 0.0) + float(gap)
    region_names = dict(
        con.execute(
            "select team_id, team_name from marts.dim_team where hierarchy_level = 'region'"
        ).fetchall()
    )
    other_reps = [
        name
        for (name,) in con.execute(
            "select rep_name from marts.dim_rep where is_current and role = 'rep'"
            " and team_id not in (select unnest(?))",
            [list(teams)],
        ).fetchall()
    ]
    con.close()
    mail = _mail(tmp_path, site_url="https://sales.acme.example/")
    digests = render_digests(warehouse, mail)

    leadership = digests[0]
    assert leadership.recipients == ("vp@acme.example", "cro@acme.example")
    regions = leadership.text.split("Regions, ")[1].split("\n\n")[0]
    listed = [line.removeprefix("  - ").split(" | ") for line in regions.splitlines()[2:]]
    # furthest behind pace first, each with its pace
    by_pace = sorted(region_names, key=lambda rid: pace[rid])
    assert [row[0] for row in listed] == [region_names[rid] for rid in by_pace]
    for row, rid in zip(listed, by_pace, strict=True):
        gap = abs(pace[rid])
        amount = f"${gap / 1000:,.0f}k" if gap >= 10_000 else f"${gap / 1000:,.1f}k"
        word = "ahead" if pace[rid] >= 0 else "behind"
        assert row[2] == f"{'+' if pace[rid] >= 0 else '-'}{amount} {word}", (row, pace[rid])

    (region,) = [d for d in digests if d.kind == "region"]
    assert region.recipients == ("rvp@acme.example",)
    assert region.subject.startswith(f"{region_name} region ")
    assert f'href="https://sales.acme.example/regions/{region_id}.html"' in region.html
    rows = region.text.split("Teams, ")[1].split("\n\n")[0]
    assert {line.split(" | ")[0].removeprefix("  - ") for line in rows.splitlines()[2:]} == set(
        teams.values()
    )
    coaching = region.text.split("\n\n")[1]
    assert coaching.startswith("== Coach these reps this week ==\n1. ")
    for name in other_reps:
        assert name not in region.text


def test_the_leadership_digest_says_which_deals_its_numbers_leave_out(
    digests_without_site_url, report_warehouse, tmp_path
):
    """Quarantined deals are not in bookings or pipeline: a leader quoting the headline must
    read how many were left out and why, next to it. A split set aside leaves its deal
    counted, so it is not among them."""
    con = duckdb.connect(str(report_warehouse), read_only=True)
    by_rule = dict(
        con.execute(
            "select replace(rule, '_', ' '), count(distinct opportunity_id) "
            "from quarantine.opportunities where split_id is null group by rule"
        ).fetchall()
    )
    con.close()
    assert len(by_rule) == 3 and "unknown split owner" not in by_rule
    leadership = next(d for d in digests_without_site_url if d.kind == "leadership")
    head = leadership.text.split("\n\n")[2]
    assert head.startswith(f"Left out of these numbers: {sum(by_rule.values())} deals failed")
    listed = [line.strip() for line in head.splitlines() if line.startswith("  - ")]
    assert sorted(listed) == sorted(f"- {rule}: {count}" for rule, count in by_rule.items())
    assert "Left out of these numbers" in leadership.html
    assert "unknown split owner" not in leadership.text

    clean = tmp_path / "spm.duckdb"
    shutil.copyfile(report_warehouse, clean)
    con = duckdb.connect(str(clean))
    con.execute("delete from marts.deals_set_aside")
    con.execute("delete from marts.deals_set_aside_by_team")
    con.close()
    digests = render_digests(clean, _mail(tmp_path))
    assert not any("Left out of these numbers" in d.text + d.html for d in digests)


def test_manager_digests_say_which_of_their_teams_deals_are_left_out(
    digests_without_site_url, report_warehouse
):
    """A manager quoting their team's number must know which of their reps' deals it leaves
    out: their own share, recomputed from the quarantine and the reps' current teams (an
    owner nobody knows is in no team's share, and a team with none gets no box). This company
    has no regional manager: the region pages show their share (test_report_company_shapes.py),
    and a region's digest reads the same query of its page."""
    shares = set_aside_shares(report_warehouse, "team_id")
    assert len(shares) >= 2, "the fixture should set aside deals of two teams"
    managers = [d for d in digests_without_site_url if d.kind == "manager"]
    with_share = [d for d in managers if d.team_id in shares]
    assert len(with_share) >= 2 and len(with_share) < len(managers), [d.team_id for d in managers]
    for digest in managers:
        share = shares.get(digest.team_id)
        if share is None:
            assert "Left out of these numbers" not in digest.text + digest.html, digest.team_id
            continue
        assert f"Left out of these numbers: {share} deals failed" in digest.text, digest.team_id
        assert "Left out of these numbers" in digest.html
