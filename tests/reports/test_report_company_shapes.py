"""Pages for the companies real data comes from: no quotas, missing systems, their own stages
and currency, reps without quota beside reps with one.

Each test renders a site from a fixture warehouse of that shape and reads the HTML as a
reader sees it (visible text and the data-value of each figure), against the marts.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reports.render import render_site
from tests.support.warehouse_probe import set_aside_shares

CRM_ONLY = ("compensation", "sales_analytics", "revenue_intelligence")
OWN_STAGES = [("Engaging", 50, "Best Case"), ("Prospecting", 10, "Pipeline")]


class Reader(HTMLParser):
    """Visible text (no SVG), big values by column, and tables by title with their rows."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.big: dict[str, list[str]] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._svg = 0
        self._big_column: str | None = None
        self._title: str | None = None
        self._in_title = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._table_title = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self._svg += 1
        if "big-value" in (a.get("class") or "").split():
            self._big_column = a.get("data-column")
            self.big.setdefault(self._big_column, [])
        if a.get("class") == "component-title":
            self._in_title, self._title = True, ""
        if tag == "table":
            self._table_title = self._title or f"untitled-{len(self.tables)}"
            self.tables[self._table_title] = []
            self._title = None
        if tag == "tr":
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        if tag == "div" and self._in_title:
            self._in_title = False
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row:
            self.tables[self._table_title].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._svg:
            return
        self.text.append(data)
        if self._in_title:
            self._title = (self._title or "") + data
        if self._cell is not None:
            self._cell.append(data)
        if self._big_column and data.strip() and "number" not in data:
            self.big[self._big_column].append(data.strip())

    @property
    def visible(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def read(path: Path) -> Reader:
    reader = Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


@pytest.fixture(scope="module")
def crm_only(tmp_path_factory, fixture_module):
    """A company with only its CRM (own two stages, no quota), reported in euros."""
    db = fixture_module.build_fixture_warehouse(
        tmp_path_factory.mktemp("crm-only") / "spm.duckdb",
        quotas=False,
        missing_systems=CRM_ONLY,
        stages=OWN_STAGES,
    )
    out = tmp_path_factory.mktemp("crm-only-site") / "build"
    result = render_site(db, out, currency="EUR")
    return db, out, result


@pytest.fixture(scope="module")
def some_without_quota(tmp_path_factory, fixture_module):
    db = fixture_module.build_fixture_warehouse(
        tmp_path_factory.mktemp("partial") / "spm.duckdb", reps_without_quota=("Finn Hale",)
    )
    out = tmp_path_factory.mktemp("partial-site") / "build"
    return db, out, render_site(db, out)


def _query(db: Path, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _current_quarter(db: Path) -> str:
    return _query(
        db,
        "select fiscal_period from marts.team_performance where hierarchy_level = 'company' "
        "and period_type = 'quarter' and is_current_period",
    )[0][0]


def test_no_quota_overview_leads_with_bookings_win_rate_and_pipeline(crm_only):
    db, out, result = crm_only
    assert not result.warnings
    quarter = _current_quarter(db)
    bookings, win_rate, pipeline = (
        float(value)
        for value in _query(
            db,
            "select bookings_amount, win_rate, open_pipeline_amount from marts.team_performance "
            "where hierarchy_level = 'company' and fiscal_period = ?",
            [quarter],
        )[0]
    )
    page = read(out / "index.html")
    text = page.visible
    for hidden in ("Quota", "Attainment", "Pace", "at or above quota", "0 of 0", "behind pace"):
        assert hidden not in text, f"no-quota overview shows {hidden!r}"
    assert set(page.big) >= {"bookings_amount", "win_rate", "open_pipeline_amount"}
    assert "quota_amount" not in page.big and "attainment" not in page.big
    assert f"€{bookings / 1000:,.0f}k" in page.big["bookings_amount"][1]
    assert f"{win_rate * 100:.0f}%" in page.big["win_rate"][1]
    assert f"€{pipeline / 1e6:,.1f}M" in page.big["open_pipeline_amount"][1]
    assert "Top reps by bookings, this quarter" in page.tables


def test_missing_systems_are_named_with_what_they_would_add(crm_only):
    db, out, _ = crm_only
    notes = dict(
        _query(
            db,
            "select dataset, missing_note from marts.source_coverage where not is_loaded",
        )
    )
    assert "quotas" in notes and "activities" in notes and "forecast_submissions" in notes
    overview = read(out / "index.html").visible
    for dataset in ("quotas", "activities", "forecast_submissions"):
        assert notes[dataset] in overview
    assert "compensation/quotas_FY<yyyy>.xlsx" in overview
    team = next(p for p in (out / "teams").glob("*.html") if p.name != "index.html")
    assert notes["quotas"] in read(team).visible
    rep = next(p for p in (out / "reps").glob("*.html") if p.name != "index.html")
    assert notes["forecast_submissions"] in read(rep).visible
    quality = read(out / "data-quality.html")
    rows = quality.tables["What the last run loaded, and what each missing dataset would add"]
    not_loaded = {r[1]: r[4] for r in rows if r[2] == "Not loaded"}
    assert not_loaded == notes


def test_no_quota_team_and_rep_pages_hide_quota_and_show_win_rate(crm_only):
    db, out, _ = crm_only
    quarter = _current_quarter(db)
    for team_file in (p for p in (out / "teams").glob("*.html") if p.name != "index.html"):
        page = read(team_file)
        win_rate = _query(
            db,
            "select win_rate from marts.team_performance where team_id = ? and fiscal_period = ?",
            [team_file.stem, quarter],
        )[0][0]
        assert "quota_amount" not in page.big and "pace_gap_amount" not in page.big
        assert page.big["win_rate"][1] == f"{win_rate * 100:.0f}%"
        assert "Quota" not in page.visible and "Attainment" not in page.visible
    rep_file = next(p for p in (out / "reps").glob("*.html") if p.name != "index.html")
    page = read(rep_file)
    assert "attainment" not in page.big and "Needed per selling day" not in page.visible
    assert {"bookings_amount", "win_rate", "open_pipeline_amount"} <= set(page.big)


def test_no_quota_leaderboard_ranks_by_bookings(crm_only):
    db, out, _ = crm_only
    quarter = _current_quarter(db)
    expected = _query(
        db,
        "select rep_name from marts.leaderboard where board = 'company' and not is_ramping "
        "and fiscal_period = ? order by bookings_amount desc",
        [quarter],
    )
    page = read(out / "leaderboard.html")
    board = page.tables["Ranked by bookings (no quota), this quarter"]
    assert [row[0] for row in board] == [name for (name,) in expected]
    assert "Ranked by attainment, this quarter" not in page.tables
    assert "No quotas loaded" in page.visible


def test_reps_without_quota_get_a_second_board(some_without_quota):
    db, out, _ = some_without_quota
    page = read(out / "leaderboard.html")
    by_attainment = [r[0] for r in page.tables["Ranked by attainment, this quarter"]]
    by_bookings = [r[0] for r in page.tables["Ranked by bookings (no quota), this quarter"]]
    assert by_bookings == ["Finn Hale"]
    assert "Finn Hale" not in by_attainment and len(by_attainment) == 6  # Hugo ramps


def test_pipeline_by_stage_follows_the_company_stage_order(crm_only):
    db, out, _ = crm_only
    expected = _query(
        db,
        "select stage_name, deal_count from marts.pipeline_by_stage "
        "where hierarchy_level = 'company' order by stage_order",
    )
    page = read(out / "pipeline.html")
    rows = page.tables["Open deals by stage, this quarter"]
    assert [(r[0], int(r[2])) for r in rows] == [(s, n) for s, n in expected]
    assert [r[0] for r in rows] == ["Engaging", "Prospecting"]  # their order, not A-Z


def test_hygiene_lists_name_each_problem_deal(crm_only):
    db, out, _ = crm_only
    problems = _query(db, "select problem, opportunity_name from marts.pipeline_hygiene")
    page = read(out / "pipeline.html")
    titles = {
        "no_amount": "Open deals with no amount",
        "undated": "Open deals with no close date",
        "past_due": "Open deals whose close date has passed",
    }
    for problem, name in problems:
        if problem in titles:
            assert [r[0] for r in page.tables[titles[problem]]] == [name]


def test_amounts_are_in_the_corporate_currency(crm_only):
    _, out, _ = crm_only
    for path in out.rglob("*.html"):
        text = read(path).visible
        assert not re.search(r"\$\d", text), f"{path.name} shows a dollar amount"
    assert "€" in read(out / "index.html").visible
    svg = (out / "index.html").read_text(encoding="utf-8")
    assert "Bookings (EUR)" in svg  # the chart's axis says the currency


def test_overview_and_team_pages_show_win_rate_with_quotas(public_site, report_warehouse):
    quarter = _current_quarter(report_warehouse)
    company = _query(
        report_warehouse,
        "select win_rate from marts.team_performance where hierarchy_level = 'company' "
        "and fiscal_period = ?",
        [quarter],
    )[0][0]
    page = read(public_site.out_dir / "index.html")
    assert page.big["win_rate"][1] == f"{company * 100:.0f}%"
    team_file = next(p for p in (public_site.out_dir / "teams").glob("*.html") if p.stem != "index")
    assert "win_rate" in read(team_file).big


def test_coverage_below_need_is_one_period(public_site, report_warehouse):
    quarter = _current_quarter(report_warehouse)
    page = read(public_site.out_dir / "index.html")
    title = "Teams whose pipeline coverage is below what their win rate needs, this quarter"
    rows = page.tables[title]
    teams = [r[0] for r in rows]
    assert len(teams) == len(set(teams))
    assert {r[1] for r in rows} <= {quarter}


def test_no_minus_zero_and_months_read_as_words(public_site):
    for path in public_site.out_dir.rglob("*.html"):
        assert "-0%" not in read(path).visible and "-$0" not in read(path).visible
    html = (public_site.out_dir / "index.html").read_text(encoding="utf-8")
    axis_text = re.findall(r"<text[^>]*>([^<]*)</text>", html)
    assert "Jan 2026" in axis_text and not any("FY2026-M" in t for t in axis_text)
    tooltips = re.findall(r"<title>([^<]*)</title>", html)
    assert any("Jan 2026" in t and "Fiscal period: FY2026-M01" in t for t in tooltips)


def test_data_quality_lists_every_warning_with_its_rows(public_site, fixture_module):
    page = read(public_site.out_dir / "data-quality.html")
    rows = page.tables["Every warning, with the rows that broke it"]
    warned = [c for c in fixture_module.FIXTURE_CHECKS if c["severity"] == "warn"]
    assert len(rows) == len(warned)
    shown = {row[5]: (row[0], int(row[2]), row[3], row[4]) for row in rows}
    for check in warned:
        words, failing, found, sample = shown[check["name"]]
        assert failing == check["failing_rows"]
        if check.get("rule"):  # the rule as a sentence, what was found and the rows
            assert words == check["rule"]
            assert found == check["message"]
            for row in check["sample"]:
                assert row["id"] in sample
        else:  # a check that does not describe itself is named in words
            assert "_" not in words and words.lower() == check["name"].replace("_", " ")
    assert "Negative amount" in page.visible and "negative_amount" not in page.visible


def test_data_quality_times_match_the_run_report(public_site, report_warehouse):
    started, finished = _query(
        report_warehouse,
        "select started_at, finished_at from marts.run_reports order by started_at desc limit 1",
    )[0]
    text = read(public_site.out_dir / "data-quality.html").visible
    for moment in (started, finished):
        utc = moment.astimezone(dt.UTC)
        assert utc.strftime("%Y-%m-%d %H:%M:%S UTC") in text


def _figures(path: Path) -> dict[str, list[float]]:
    """data-value of every big figure on a page, by column, in page order."""
    html = path.read_text(encoding="utf-8")
    found: dict[str, list[float]] = {}
    for column, value in re.findall(
        r'<div class="big-value" data-column="([^"]+)" data-value="([^"]*)"', html
    ):
        found.setdefault(column, []).append(float(value) if value else float("nan"))
    return found


def test_team_and_rep_page_figures_equal_their_marts(public_site, report_warehouse):
    quarter = _current_quarter(report_warehouse)
    columns = ["quota_amount", "bookings_amount", "attainment", "win_rate", "coverage"]
    for team_file in (p for p in (public_site.out_dir / "teams").glob("*.html")):
        if team_file.stem == "index":
            continue
        expected = _query(
            report_warehouse,
            f"select {', '.join(columns)} from marts.team_performance "
            "where team_id = ? and fiscal_period = ?",
            [team_file.stem, quarter],
        )[0]
        shown = _figures(team_file)
        for column, value in zip(columns, expected, strict=True):
            assert shown[column][0] == pytest.approx(float(value)), (team_file.stem, column)
    rep_columns = ["attainment", "bookings_amount", "win_rate", "rank_in_team"]
    for rep_file in (p for p in (public_site.out_dir / "reps").glob("*.html")):
        if rep_file.stem == "index":
            continue
        expected = _query(
            report_warehouse,
            f"select {', '.join(rep_columns)} from marts.rep_performance "
            "where rep_id = ? and fiscal_period = ?",
            [rep_file.stem, quarter],
        )[0]
        pace = _query(
            report_warehouse,
            "select pace_gap_amount, required_run_rate_amount, projected_attainment "
            "from marts.rep_pacing where rep_id = ? and period_type = 'quarter'",
            [rep_file.stem],
        )[0]
        shown = _figures(rep_file)
        for column, value in zip(rep_columns, expected, strict=True):
            assert shown[column][0] == pytest.approx(float(value)), (rep_file.stem, column)
        for column, value in zip(
            ["pace_gap_amount", "required_run_rate_amount", "projected_attainment"],
            pace,
            strict=True,
        ):
            assert shown[column][0] == pytest.approx(float(value)), (rep_file.stem, column)


def test_the_overview_says_which_deals_its_numbers_leave_out(public_site, report_warehouse):
    """Quarantined deals are in no total of the overview: it says how many, per rule, and
    links to the page that lists them. A split set aside leaves its deal counted."""
    by_rule = _query(
        report_warehouse,
        "select replace(rule, '_', ' '), count(distinct opportunity_id) "
        "from quarantine.opportunities where split_id is null group by rule",
    )
    html = (public_site.out_dir / "index.html").read_text(encoding="utf-8")
    visible = " ".join(read(public_site.out_dir / "index.html").visible.split())
    total = sum(count for _, count in by_rule)
    assert f"Left out of these numbers: {total} deals failed a data check" in visible
    for rule, count in by_rule:
        assert f"{rule}: {count}" in visible
    assert "unknown split owner" not in visible
    assert 'href="data-quality.html"' in html.split("Left out of these numbers")[1][:600]


def test_team_and_region_pages_say_which_of_their_deals_are_left_out(public_site, report_warehouse):
    """Each team and region page shows its own reps' deals held in quarantine, per rule; a
    team with none shows no box, and an owner nobody knows is in no team's share."""
    for level, folder, column, who in [
        ("team", "teams", "team_id", "team"),
        ("region", "regions", "region_id", "region"),
    ]:
        with_share = set_aside_shares(report_warehouse, column)
        nodes = [
            row[0]
            for row in _query(
                report_warehouse,
                f"select team_id from marts.dim_team where hierarchy_level = '{level}'",
            )
        ]
        assert with_share, level
        if level == "team":
            assert set(nodes) - set(with_share), "the fixture needs a team without"
        for node in nodes:
            visible = " ".join(read(public_site.out_dir / folder / f"{node}.html").visible.split())
            if node in with_share:
                expected = f"Left out of these numbers: {with_share[node]} of this {who}'s deals"
                assert expected in visible, node
            else:
                assert "Left out of these numbers" not in visible, node
