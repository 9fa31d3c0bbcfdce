"""Every page's SQL runs against the warehouse, and the overview shows the marts' numbers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reports.formatting import format_value
from reports.page_format import parse_page
from reports.render import PUBLIC_SCHEMAS, RESTRICTED_SCHEMAS
from reports.site_config import PAGES_DIR, load_site_config
from reports.sql_engine import PageQueries, QueryResult, Warehouse, run_params_sql

CONFIG = load_site_config()


class Probe(HTMLParser):
    """Collects the elements that carry data-column/data-value, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[dict[str, str]] = []
        self.text: list[str] = []
        self._open: dict[str, str] | None = None
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.add(tag)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if "data-value" in attributes and "data-column" in attributes:
            self._open = {
                "class": attributes.get("class", ""),
                "column": attributes["data-column"],
                "value": attributes["data-value"],
                "text": "",
            }
            self.values.append(self._open)

    def handle_data(self, data):
        self.text.append(data)
        if self._open is not None and self._open["class"] == "value":
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "span":
            self._open = None


def probe(path: Path) -> Probe:
    parser = Probe()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("page_name", sorted(CONFIG.pages))
def test_every_query_of_every_page_runs(page_name, report_warehouse):
    page_config = CONFIG.pages[page_name]
    page = parse_page((PAGES_DIR / page_name).read_text(encoding="utf-8"), page_name)
    allowed = RESTRICTED_SCHEMAS if page_config.restricted else PUBLIC_SCHEMAS
    warehouse = Warehouse(report_warehouse)
    try:
        params = {}
        if page_config.params_sql:
            values = run_params_sql(page_config.params_sql, page_name, warehouse, allowed)
            assert values, f"{page_name}: params_sql returned no rows"
            params = {page_name.split("[")[1].split("]")[0]: values[0]}
        results = PageQueries(page, warehouse, allowed, CONFIG.pending_marts).run_all(params)
    finally:
        warehouse.close()
    assert results, f"{page_name} defines no query"
    for name, result in results.items():
        assert isinstance(result, QueryResult), f"{page_name}: {name} is {result}"


def test_sites_build_without_warnings(public_site, restricted_site):
    assert public_site.warnings == []
    assert restricted_site.warnings == []
    assert public_site.skipped == [
        "compensation.md: restricted, built only into the restricted site",
        "forecast-tendencies.md: restricted, built only into the restricted site",
    ]
    names = {p.relative_to(public_site.out_dir).as_posix() for p in public_site.pages}
    assert {
        "index.html",
        "leaderboard.html",
        "pipeline.html",
        "forecast.html",
        "coaching.html",
        "onboarding.html",
        "data-quality.html",
        "reps/index.html",
        "teams/index.html",
    } <= names
    assert "compensation.html" not in names
    for path in public_site.pages:
        assert path.is_file()
    assert (public_site.out_dir / "assets" / "style.css").is_file()


def test_one_page_per_rep_and_team(public_site, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    reps = {
        r
        for (r,) in con.execute(
            "select rep_id from marts.dim_rep where is_current and role = 'rep'"
        ).fetchall()
    }
    teams = {
        t
        for (t,) in con.execute(
            "select team_id from marts.dim_team where hierarchy_level = 'team'"
        ).fetchall()
    }
    con.close()
    site = public_site.out_dir
    assert {p.stem for p in (site / "reps").glob("*.html")} == reps | {"index"}
    assert {p.stem for p in (site / "teams").glob("*.html")} == teams | {"index"}


def test_overview_numbers_equal_the_marts(public_site, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    quarter, year = con.execute(
        "select max(fiscal_period) filter (where period_type = 'quarter'), "
        "max(fiscal_period) filter (where period_type = 'year') from marts.rep_pacing"
    ).fetchone()
    q = con.execute(
        "select quota_amount, bookings_amount, attainment, coverage from marts.team_performance"
        " where hierarchy_level = 'company' and fiscal_period = ?",
        [quarter],
    ).fetchone()
    y = con.execute(
        "select quota_amount, bookings_amount, attainment from marts.team_performance"
        " where hierarchy_level = 'company' and fiscal_period = ?",
        [year],
    ).fetchone()
    previous = con.execute(
        "select quota_amount, bookings_amount, attainment from marts.team_performance"
        " where hierarchy_level = 'company' and period_type = 'quarter' and period_end <"
        " (select period_start from marts.team_performance where hierarchy_level = 'company'"
        " and fiscal_period = ?) order by period_start desc limit 1",
        [quarter],
    ).fetchone()
    pace = con.execute(
        "select sum(bookings_to_date_amount) - sum(expected_to_date_amount) from marts.rep_pacing"
        " where period_type = 'quarter'"
    ).fetchone()[0]
    behind = con.execute(
        "select rep_name from marts.rep_pacing where period_type = 'quarter' and not on_pace"
    ).fetchall()
    reps_total = con.execute(
        "select count(*) from marts.rep_pacing where period_type = 'quarter'"
    ).fetchone()[0]
    # the sentences' counts are team_pacing columns of the company's quarter row, and say
    # what the lists under them hold
    badges, stalled, slipped = con.execute(
        "select badge_count, stalled_deal_count, slipped_deal_count from marts.team_pacing"
        " where hierarchy_level = 'company' and period_type = 'quarter'"
    ).fetchone()
    listed = con.execute(
        "select (select count(*) from marts.rep_badges where earned_date between ? and ?),"
        " (select count(*) from marts.stalled_deals),"
        " (select count(*) from marts.slipped_deals where fiscal_period = ?)",
        [
            *con.execute(
                "select period_start, period_end from marts.team_pacing"
                " where hierarchy_level = 'company' and period_type = 'quarter'"
            ).fetchone(),
            quarter,
        ],
    ).fetchone()
    con.close()
    assert (badges, stalled, slipped) == listed and min(listed) > 0
    # amounts are decimals in the marts: compare as the page's numbers, floats
    q, y, previous = ([float(x) for x in row] for row in (q, y, previous))
    pace = float(pace)

    page = probe(public_site.out_dir / "index.html")
    big = [v for v in page.values if v["class"] == "big-value"]
    by_column = {}
    for v in big:
        by_column.setdefault(v["column"], []).append(float(v["value"]))
    assert by_column["quota_amount"] == pytest.approx([q[0], previous[0], y[0]])
    assert by_column["bookings_amount"] == pytest.approx([q[1], previous[1], y[1]])
    assert by_column["attainment"] == pytest.approx([q[2], previous[2], y[2]])
    assert by_column["coverage"] == pytest.approx([q[3]])
    assert by_column["pace_gap_amount"][0] == pytest.approx(pace)
    text = " ".join(page.text)
    assert format_value(q[0], "cur") in text
    assert format_value(q[2], "pct1") in text
    assert quarter in text and year in text
    summary = f"{len(behind)} of {reps_total} reps"
    assert summary in text, f"shortfalls summary should start with {summary!r}"
    for (name,) in behind:
        assert name in text
    assert f"; {badges} badges earned this quarter." in text
    assert f"{stalled} open deals are stalled and {slipped} slipped out of {quarter}." in text


def test_overview_commit_call_is_the_company_owners_call(public_site, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    quarter = con.execute(
        "select max(fiscal_period) from marts.rep_pacing where period_type = 'quarter'"
    ).fetchone()[0]
    owner, call, roll_up, source = con.execute(
        "select owner_name, call_amount, roll_up_amount, call_source from marts.forecast_calls"
        " where hierarchy_level = 'company' and forecast_category = 'Commit'"
        " and fiscal_period = ? and is_latest_week",
        [quarter],
    ).fetchone()
    # what the page used to show: every manager's latest Commit call, summed across levels
    summed = con.execute(
        "select sum(call_amount) from (select call_amount, row_number() over (partition by"
        " submitter_id order by submitted_at desc) as call_rank"
        " from marts.fct_forecast_submissions where submitter_role = 'manager'"
        " and forecast_category = 'Commit' and fiscal_period = ?) where call_rank = 1",
        [quarter],
    ).fetchone()[0]
    con.close()
    assert source == "owner" and call != pytest.approx(summed) and call != pytest.approx(roll_up)

    page = probe(public_site.out_dir / "index.html")
    shown = [
        float(v["value"])
        for v in page.values
        if v["class"] == "big-value" and v["column"] == "commit_amount"
    ]
    assert shown == pytest.approx([call])
    text = " ".join(page.text)
    assert format_value(call, "cur") in text
    assert f"Called by {owner}" in text


def test_forecast_page_lists_each_nodes_call_beside_its_roll_up(public_site, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    rows = con.execute(
        "select team_name, call_amount, call_source, roll_up_amount from marts.forecast_calls"
        " where forecast_category = 'Commit' and is_latest_week and is_current_period"
    ).fetchall()
    con.close()
    assert {source for _, _, source, _ in rows} == {"owner", "roll_up"}
    page = probe(public_site.out_dir / "forecast.html")
    text = " ".join(page.text)
    assert "Roll-up of the level below" in text
    for name, call, _source, roll_up in rows:
        assert name in text
        assert format_value(call, "cur") in text, name
        assert format_value(roll_up, "cur") in text, name
    assert "roll-up" in text
    assert "Tendency" not in text and "calls low" not in text


def test_coaching_page_says_what_to_review_per_rep(public_site, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    problems = con.execute(
        "select rep_name, review_problems from marts.coaching_priorities"
        " where review_problems is not null"
    ).fetchall()
    con.close()
    assert any("without a next step" in text for _, text in problems)
    page = probe(public_site.out_dir / "coaching.html")
    text = " ".join(page.text)
    assert "What to review" in text
    for name, review in problems:
        assert f"{name}" in text and review in text, name


def test_links_between_pages_resolve(public_site):
    site = public_site.out_dir
    for path in site.rglob("*.html"):
        for href in probe(path).links:
            if href.startswith(("http:", "https:", "mailto:", "#")):
                continue
            target = (path.parent / href.split("#")[0]).resolve()
            assert target.is_file(), f"{path.relative_to(site)} links to missing {href}"


def test_charts_are_inline_svg_and_need_no_network(public_site):
    html = (public_site.out_dir / "index.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 2
    for path in public_site.out_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # One script, the site's own file (progressive enhancement); nothing inline.
        scripts = re.findall(r"<script[^>]*>", text)
        own = re.compile(r'<script src="(\.\./)*assets/site\.js" defer>')
        assert all(own.fullmatch(tag) for tag in scripts), scripts
        assert "http://" not in text.replace("http://www.w3.org/", "")
        assert "https://" not in text
