"""People a page must treat apart: a rep who left mid-quarter, a rep hired this quarter and an
overlay specialist, each where the marts say and nowhere else, on the pages and in the digests.

The fixture company (`people_cases=True`, as of 2026-05-15, FY2026-Q2 open) adds to its eight
quota-carrying reps: Lena Voss (West), whose last working day was 2026-04-20; Nora Quinn
(East), hired 2026-04-13 and ramping; and Omar Lind (West), an overlay specialist with
overlay credit and no quota. So the quarter's counted reps are the eight plus Nora (9), West's
are Ava, Ben and Cleo (3), and Omar is ranked only among overlays.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reports.digests import render_digests
from reports.mail_config import MailConfig
from reports.render import render_site


class Page(HTMLParser):
    """Visible text (no SVG), big values by column, tables by title, and h2/h3 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.big: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self._svg = 0
        self._title: str | None = None
        self._in_title = False
        self._heading: list[str] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._table = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self._svg += 1
        if "big-value" in (a.get("class") or "").split() and a.get("data-column"):
            self.big[a["data-column"]] = a.get("data-value") or ""
        if a.get("class") == "component-title":
            self._in_title, self._title = True, ""
        if tag in ("h2", "h3"):
            self._heading = []
        if tag == "table":
            self._table = self._title or f"untitled-{len(self.tables)}"
            self.tables[self._table] = []
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
        if tag in ("h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row:
            self.tables[self._table].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._svg:
            return
        self.text.append(data)
        if self._in_title:
            self._title = (self._title or "") + data
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def visible(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))

    def names_in(self, title: str) -> list[str]:
        return [row[0] for row in self.tables[title]]


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def people(tmp_path_factory, fixture_module):
    db = fixture_module.build_fixture_warehouse(
        tmp_path_factory.mktemp("people") / "spm.duckdb", people_cases=True
    )
    out = tmp_path_factory.mktemp("people-site") / "build"
    render_site(db, out)
    return fixture_module, db, out


def _rep_id(db: Path, name: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select rep_id from marts.dim_rep where rep_name = ?", [name]
        ).fetchone()[0]
    finally:
        con.close()


def _team_id(db: Path, name: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select team_id from marts.dim_team where team_name = ? and is_current", [name]
        ).fetchone()[0]
    finally:
        con.close()


def test_overview_counts_the_same_reps_in_successes_and_shortfalls(people):
    fw, _, out = people
    page = read(out / "index.html")
    # nine reps carry a quota and are employed today: the eight, plus the new hire
    assert "of 9 reps and" in page.visible.split("at or above quota")[0]
    assert re.search(r"\d+ of 9 reps and \d+ teams are behind pace", page.visible)
    behind = page.names_in("Reps behind pace this quarter")
    assert behind, "the fixture has reps behind pace"
    assert fw.LEAVER_NAME not in behind and fw.OVERLAY_NAME not in behind


def test_leaderboard_drops_leavers_now_marks_them_on_the_year_and_ranks_overlays_apart(people):
    fw, _, out = people
    page = read(out / "leaderboard.html")
    quarter = page.names_in("Ranked by attainment, this quarter")
    assert fw.LEAVER_NAME not in quarter and fw.OVERLAY_NAME not in quarter
    assert fw.NEW_HIRE_NAME not in quarter  # ramping: on the ramping board
    assert fw.NEW_HIRE_NAME in page.names_in("Ramping reps, this quarter")
    year = {row[0]: row for row in page.tables["Ranked by attainment, this year"]}
    assert year[fw.LEAVER_NAME][-1] == str(fw.LEAVER_LAST_DAY)
    assert all(row[-1] == "–" for name, row in year.items() if name != fw.LEAVER_NAME)
    assert "Overlay specialists, this quarter" in page.headings
    overlay_tables = [
        t for t, rows in page.tables.items() if fw.OVERLAY_NAME in [r[0] for r in rows]
    ]
    # only the two overlay boards (quarter and year), never a board of quota-carrying reps
    assert sorted(overlay_tables) == [
        "Ranked by overlay credit, this quarter",
        "Ranked by overlay credit, this year",
    ]
    for title in overlay_tables:
        assert all(row[0] == fw.OVERLAY_NAME for row in page.tables[title])


def test_rep_pages_say_who_left_who_ramps_and_show_overlay_credit(people):
    fw, db, out = people
    leaver = read(out / "reps" / f"{_rep_id(db, fw.LEAVER_NAME)}.html")
    assert f"last working day {fw.LEAVER_LAST_DAY}" in leaver.visible
    assert "Ramping:" not in leaver.visible
    assert not any(h.startswith("Pace, this") for h in leaver.headings)
    assert leaver.big.get("required_run_rate_amount") == ""

    index = read(out / "reps" / "index.html")
    assert f"{fw.LEAVER_NAME} , West, left {fw.LEAVER_LAST_DAY}" in index.visible
    assert (
        f"{fw.NEW_HIRE_NAME} , East" in index.visible
        and f"{fw.OVERLAY_NAME} , West" in index.visible
    )
    assert index.visible.count(", left ") == 1

    new_hire = read(out / "reps" / f"{_rep_id(db, fw.NEW_HIRE_NAME)}.html")
    assert "Ramping: Yes" in new_hire.visible

    overlay_id = _rep_id(db, fw.OVERLAY_NAME)
    overlay = read(out / "reps" / f"{overlay_id}.html")
    con = duckdb.connect(str(db), read_only=True)
    try:
        # the fixture's own monthly overlay credit, summed over April-June
        months = con.execute(
            "select sum(overlay_credit_amount) from marts.rep_performance where rep_id = ? "
            "and period_type = 'month' and period_start between '2026-04-01' and '2026-06-01'",
            [overlay_id],
        ).fetchone()[0]
    finally:
        con.close()
    assert float(months) > 100000
    assert float(overlay.big["overlay_credit_amount"]) == pytest.approx(float(months))
    assert "attainment" not in overlay.big and "bookings_amount" not in overlay.big


def test_team_page_lists_its_leaver_apart_and_counts_only_quota_carrying_reps(people):
    fw, db, out = people
    page = read(out / "teams" / f"{_team_id(db, 'West')}.html")
    reps = page.names_in("Reps employed today, this quarter")
    assert "Ava Chen" in reps
    # ranks are among the counted reps: 1 to 3 with no place left for the leaver; none for
    # the overlay specialist
    ranks = {row[0]: row[-1] for row in page.tables["Reps employed today, this quarter"]}
    assert ranks.pop(fw.OVERLAY_NAME) == "–"
    assert sorted(ranks.values()) == ["1", "2", "3"]
    assert fw.LEAVER_NAME not in reps
    left = page.tables["Left the team, this quarter (their bookings count in the team's)"]
    assert [(row[0], row[-1]) for row in left] == [(fw.LEAVER_NAME, str(fw.LEAVER_LAST_DAY))]
    # Ava, Ben and Cleo carry West's quota; the overlay specialist and the leaver are not counted
    assert re.search(r"\d+ of 3 reps are at or above quota", page.visible)


def test_coaching_lists_only_reps_employed_today(people):
    fw, _, out = people
    page = read(out / "coaching.html")
    assert "Ava Chen" in page.visible
    assert fw.LEAVER_NAME not in page.visible and fw.OVERLAY_NAME not in page.visible


def test_digests_leave_out_who_left_and_count_like_the_pages(people, tmp_path):
    fw, db, _ = people
    mail = MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_to=("vp@acme.example",),
    )
    digests = render_digests(db, mail)
    leadership = next(d for d in digests if d.kind == "leadership")
    assert "of 9 reps and" in leadership.text
    behind = leadership.text.split("Reps behind pace", 1)[1].split("Teams behind pace", 1)[0]
    assert fw.LEAVER_NAME not in behind and fw.OVERLAY_NAME not in behind
    assert behind.strip(), "the fixture has reps behind pace"
    west = next(d for d in digests if d.kind == "manager" and d.team_id == _team_id(db, "West"))
    # West's former manager, still the manager of West in their last version, gets none
    assert west.recipients == ("manager.west@acme.example",)
    assert all("wes.former@acme.example" not in d.recipients for d in digests)
    assert fw.LEAVER_NAME not in west.text
    assert "Ava Chen" in west.text
    assert re.search(r"\d+ of 3 reps are at or above quota", west.text)


# --- the small demo company's real pages ------------------------------------------------------
# Leavers, new hires and overlay specialists of the small demo company, on its real pages.
#
# Who they are is read from the landing files, apart from the marts: the overlay specialists by
# their CRM title, the leaver as the rep whose last working day (assignments.csv) is the latest
# one of this fiscal year before the as-of date, the new hire as the latest rep hired within
# the three ramp months before it (the month of hire counts).

DEMO_AS_OF = dt.date(2026, 11, 28)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo_people(small_landing):
    users = {u["Id"]: u for u in _rows(small_landing / "crm" / "User.csv")}
    assignments = _rows(small_landing / "compensation" / "assignments.csv")
    overlays = sorted(i for i, u in users.items() if u["Title"] == "Overlay Specialist")
    left = {
        a["UserId"]: dt.date.fromisoformat(a["TerminationDate"])
        for a in assignments
        if a["Role"] == "rep"
        and a["TerminationDate"]
        and dt.date(DEMO_AS_OF.year, 1, 1)
        <= dt.date.fromisoformat(a["TerminationDate"])
        < DEMO_AS_OF
    }
    leaver = max(left, key=left.get)
    # ramp_months is 3: hired from the first day of the month two months back
    ramp_start = dt.date(DEMO_AS_OF.year, DEMO_AS_OF.month - 2, 1)
    hired = {
        a["UserId"]: dt.date.fromisoformat(a["HireDate"])
        for a in assignments
        if a["Role"] == "rep"
        and not a["TerminationDate"]
        and ramp_start <= dt.date.fromisoformat(a["HireDate"]) <= DEMO_AS_OF
    }
    new_hire = max(hired, key=hired.get)
    return users, overlays, (leaver, left[leaver]), new_hire


@pytest.fixture(scope="module")
def demo_site(small_published_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("people-demo-site") / "build"
    render_site(small_published_db, out)
    return out


@pytest.mark.slow
@pytest.mark.company
@pytest.mark.xdist_group("demo_company_people_site")
def test_demo_overlay_specialists_show_their_overlay_credit_and_rank_apart(demo_people, demo_site):
    users, overlays, _, _ = demo_people
    assert len(overlays) == 2, "the small company has an overlay specialist per region"
    board = read(demo_site / "leaderboard.html")
    overlay_names = {users[i]["Name"] for i in overlays}
    for title, rows in board.tables.items():
        names = {row[0] for row in rows}
        if title.startswith("Ranked by overlay credit"):
            assert names == overlay_names, f"{title!r} is not the overlay specialists: {names}"
        else:
            assert not names & overlay_names, f"an overlay specialist is on {title!r}"
    for overlay_id in overlays:
        page = read(demo_site / "reps" / f"{overlay_id}.html")
        assert float(page.big["overlay_credit_amount"]) > 0
        assert "attainment" not in page.big


@pytest.mark.slow
@pytest.mark.company
@pytest.mark.xdist_group("demo_company_people_site")
def test_demo_leaver_is_marked_on_the_year_and_in_no_current_list(demo_people, demo_site):
    users, _, (leaver, last_day), _ = demo_people
    name = users[leaver]["Name"]
    board = read(demo_site / "leaderboard.html")
    assert name not in board.names_in("Ranked by attainment, this quarter")
    year = {row[0]: row for row in board.tables["Ranked by attainment, this year"]}
    assert year[name][-1] == str(last_day)
    overview = read(demo_site / "index.html")
    assert name not in overview.names_in("Reps behind pace this quarter")
    page = read(demo_site / "reps" / f"{leaver}.html")
    assert f"last working day {last_day}" in page.visible
    assert not any(h.startswith("Pace, this") for h in page.headings)


@pytest.mark.slow
@pytest.mark.company
@pytest.mark.xdist_group("demo_company_people_site")
def test_demo_new_hire_is_ramping_on_the_rep_page_and_the_ramping_board(demo_people, demo_site):
    users, _, _, new_hire = demo_people
    page = read(demo_site / "reps" / f"{new_hire}.html")
    assert "Ramping: Yes" in page.visible
    board = read(demo_site / "leaderboard.html")
    assert users[new_hire]["Name"] in board.names_in("Ramping reps, this quarter")
    assert users[new_hire]["Name"] not in board.names_in("Ranked by attainment, this quarter")


def test_pipeline_page_lists_the_deal_far_above_its_team(people):
    fw, _, out = people
    page = read(out / "pipeline.html")
    rows = page.tables["Outlier amounts, open today or closed this quarter"]
    # West's other deals are $5k-90k: only the $2.08M lost deal is above 3 x their p99
    assert [(row[0], row[1], row[4]) for row in rows] == [
        (fw.OUTLIER_DEAL_NAME, "Ava Chen", "$2.1M")
    ]
