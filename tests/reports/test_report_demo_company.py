"""The pages and digests on the small demo company's real published warehouse.

The fixture warehouse proves the page logic on known numbers; this proves the pages agree
with the marts the pipeline really publishes (names, types, and the numbers shown).
"""

from __future__ import annotations

import email
import html
import re
from email import policy

import duckdb
import pytest

from ingestion.demo.names import EXOTIC
from reports.digest_delivery import send_digests
from reports.digests import render_digests
from reports.mail_config import MailConfig
from reports.render import render_site
from reports.site_config import load_site_config

pytestmark = [pytest.mark.slow, pytest.mark.company, pytest.mark.xdist_group("demo_company_site")]


@pytest.fixture(scope="module")
def demo_site(small_published_db, tmp_path_factory):
    return render_site(small_published_db, tmp_path_factory.mktemp("demo-site") / "build")


def _shown(html: str, column: str) -> str:
    """The value a BigValue shows for `column` (its data-value attribute)."""
    return html.split(f'data-column="{column}" data-value="', 1)[1].split('"', 1)[0]


def _digest_mail(tmp_path) -> MailConfig:
    return MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_to=("vp@example.com",),
    )


def test_every_page_renders_on_the_demo_company(demo_site):
    pending = load_site_config().pending_marts
    for warning in demo_site.warnings:
        assert "not shown yet" in warning and any(m in warning for m in pending), warning
    names = {p.relative_to(demo_site.out_dir).as_posix() for p in demo_site.pages}
    assert {"index.html", "leaderboard.html", "reps/index.html", "teams/index.html"} <= names
    assert any(n.startswith("reps/") and n != "reps/index.html" for n in names)
    assert any(n.startswith("teams/") and n != "teams/index.html" for n in names)


def test_demo_overview_numbers_equal_the_marts(demo_site, small_published_db):
    con = duckdb.connect(str(small_published_db), read_only=True)
    quarter = con.execute(
        "select max(fiscal_period) from marts.rep_pacing where period_type = 'quarter'"
    ).fetchone()[0]
    quota, bookings, attainment = con.execute(
        "select quota_amount, bookings_amount, attainment from marts.team_performance "
        "where hierarchy_level = 'company' and fiscal_period = ?",
        [quarter],
    ).fetchone()
    # the CRO's own Commit call: it covers the whole company, so nothing is added to it
    commit_call, source = con.execute(
        "select call_amount, call_source from marts.forecast_calls where hierarchy_level ="
        " 'company' and forecast_category = 'Commit' and fiscal_period = ? and is_latest_week",
        [quarter],
    ).fetchone()
    con.close()
    assert source == "owner"
    html = (demo_site.out_dir / "index.html").read_text(encoding="utf-8")
    for column, value in (
        ("quota_amount", quota),
        ("bookings_amount", bookings),
        ("attainment", attainment),
        ("commit_amount", commit_call),
    ):
        assert float(_shown(html, column)) == pytest.approx(float(value)), column


def test_demo_manager_digests_show_only_their_team(small_published_db, tmp_path):
    mail = _digest_mail(tmp_path)
    digests = render_digests(small_published_db, mail)
    con = duckdb.connect(str(small_published_db), read_only=True)
    reps = con.execute(
        "select rep_name, team_id from marts.dim_rep where is_current and role = 'rep'"
    ).fetchall()
    con.close()
    managers = [d for d in digests if d.kind == "manager"]
    assert managers, "the demo company has team managers with emails"
    for digest in managers:
        for name, team_id in reps:
            if team_id != digest.team_id:
                assert name not in digest.text, f"{digest.subject} shows {name}"
    report = send_digests(digests, mail, eml_dir=tmp_path / "eml")
    assert len(report.eml_files) == len(digests)


SCRIPT = EXOTIC["rep_name"]
SCRIPT_AS_TEXT = html.escape(SCRIPT)


def test_hostile_names_from_the_landing_files_render_as_text_on_pages(demo_site):
    """The small company's names hold `<script>` and `=HYPERLINK(`: pages show them as text."""
    shown_script = shown_formula = 0
    formula = EXOTIC["account_formula"]  # =HYPERLINK("http://x","y"): quotes escaped either way
    formula_as_text = (html.escape(formula), formula.replace('"', "&#34;"))
    for path in demo_site.out_dir.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        where = path.relative_to(demo_site.out_dir)
        assert SCRIPT not in page, f"{where} holds a live script tag from a rep's name"
        own_script = re.sub(r'<script src="(\.\./)*assets/site\.js" defer></script>', "", page)
        assert "<script" not in own_script.lower().replace("&lt;script", ""), where
        shown_script += page.count(SCRIPT_AS_TEXT)
        shown_formula += sum(page.count(form) for form in formula_as_text)
    assert shown_script >= 3, "the rep named <script> is shown (as text) on their pages"
    assert shown_formula >= 1, "the account named =HYPERLINK(...) is shown as text"


def test_hostile_names_from_the_landing_files_render_as_text_in_digests(
    small_published_db, tmp_path
):
    mail = _digest_mail(tmp_path)
    digests = render_digests(small_published_db, mail)
    report = send_digests(digests, mail, eml_dir=tmp_path / "eml")
    shown = 0
    for path in report.eml_files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("html",)).get_content()
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert SCRIPT not in body, f"{path.name} holds a live script tag"
        if SCRIPT_AS_TEXT in body:
            shown += 1
            assert SCRIPT in text  # the plain-text part shows the name as written
    assert shown >= 1, "no digest mentions the rep named <script>: the test proves nothing"


def test_forecast_page_shows_how_often_the_backtest_range_held(demo_site, small_published_db):
    """The projection's range is learned out of sample; the page says how often it held."""
    con = duckdb.connect(str(small_published_db), read_only=True)
    share, methods = con.execute(
        "select avg(case when is_actual_within_range then 1.0 else 0.0 end), "
        "list(distinct range_method) from marts.forecast_projection "
        "where projection_type = 'backtest'"
    ).fetchone()
    con.close()
    assert methods == ["backtest_calibrated"]
    assert 0.6 <= share <= 0.95, f"an 80% range held for {share:.0%} of back-test projections"
    page = (demo_site.out_dir / "forecast.html").read_text(encoding="utf-8")
    assert float(_shown(page, "share_within_range")) == pytest.approx(float(share))


def test_each_manager_digest_says_how_the_people_below_call_the_forecast(
    small_pipeline, small_published_db, tmp_path
):
    """Team managers read their reps' tendencies, regional managers their team managers', from
    the restricted file; the leadership digest reads none."""
    settings, _ = small_pipeline
    digests = render_digests(
        small_published_db, _digest_mail(tmp_path), restricted_db=settings.restricted_db
    )
    con = duckdb.connect(str(settings.restricted_db), read_only=True)
    try:
        rows = con.execute(
            "select t.submitter_role, t.team_id, d.region_id, t.submitter_name,"
            " t.forecast_tendency from marts_restricted.forecast_tendencies t"
            " join marts.dim_team d on t.team_id = d.team_id and d.is_current"
            " where t.period_type = 'quarter' and d.hierarchy_level = 'team'"
        ).fetchall()
    finally:
        con.close()
    shown = {"manager": 0, "region": 0}
    for digest in digests:
        if digest.kind == "leadership":
            assert "call the forecast" not in digest.text
            continue
        role, node = ("rep", 1) if digest.kind == "manager" else ("manager", 2)
        expected = [(r[3], r[4]) for r in rows if r[0] == role and r[node] == digest.team_id]
        heading = "How your reps" if role == "rep" else "How your team managers"
        if not expected:
            assert heading not in digest.text
            continue
        section = digest.text.split(heading)[1]
        for name, tendency in expected:
            line = next(line for line in section.splitlines() if name in line)
            assert tendency in line, line
        shown[digest.kind] += 1
    assert shown["manager"] >= 3 and shown["region"] >= 2, shown
