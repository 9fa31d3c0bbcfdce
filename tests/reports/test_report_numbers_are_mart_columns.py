"""Every number a page shows is a mart column: pages select, filter and order, never compute.

The rendered HTML carries each figure's raw value (`data-value`) beside its column
(`data-column` on a big figure or value, the table header's `data-column` for a cell). For the
overview, a team page and a rep page, every numeric figure must be a value of a mart column
of the same name in the published warehouse, and its text must be that value formatted. A
page that sums, averages or counts rows into a figure of its own shows a number no mart
holds, and fails here.
"""

from __future__ import annotations

import math
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reports.formatting import format_value
from reports.render import output_path

# Page columns that rename a mart column (the digests read the same queries by these names).
RENAMED = {
    "commit_amount": "call_amount",  # forecast_calls, the Commit row
    "best_case_amount": "call_amount",  # forecast_calls, the Best Case row
    "amount": "opportunity_amount",  # fct_opportunities
}
FORMATS = (None, "cur", "cur0", "cur2", "gap", "pct0", "pct1", "x1", "num0", "num1", "id")


class Figures(HTMLParser):
    """(column, raw value, shown text) of every figure and table cell of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[tuple[str, str, str]] = []
        self._headers: list[str] = []
        self._cell = 0
        self._open: list[str] | None = None  # column, raw, text
        self._depth = 0
        self._in_svg = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self._in_svg += 1
        if tag == "table":
            self._headers = []
        elif tag == "th":
            self._headers.append(a.get("data-column") or "")
        elif tag == "tr":
            self._cell = 0
        elif tag == "td":
            index = self._cell
            self._cell += 1
            if "data-value" in a and index < len(self._headers):
                self._start([self._headers[index], a["data-value"] or "", ""])
                return
        if self._open is not None:
            self._depth += 1
            return
        if "data-value" in a and "data-column" in a:
            self._start([a["data-column"], a["data-value"] or "", ""])

    def _start(self, figure: list[str]) -> None:
        self._open = figure
        self._depth = 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg -= 1
        if self._open is None:
            return
        self._depth -= 1
        if self._depth == 0:
            column, raw, text = self._open
            self.figures.append((column, raw, " ".join(text.split())))
            self._open = None

    def handle_data(self, data):
        if self._open is not None and not self._in_svg:
            self._open[2] += data


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _mart_values(db: Path) -> dict[str, set[float]]:
    """Every numeric value of every `marts` column, by column name, rounded to the cent."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'marts' and (data_type like 'DECIMAL%' or data_type in"
            " ('DOUBLE', 'FLOAT', 'INTEGER', 'BIGINT', 'HUGEINT', 'SMALLINT', 'TINYINT'))"
        ).fetchall()
        values: dict[str, set[float]] = {}
        for table, column in columns:
            rows = con.execute(
                f'select distinct "{column}" from marts."{table}" where "{column}" is not null'
            ).fetchall()
            values.setdefault(column, set()).update(round(float(r[0]), 6) for r in rows)
        return values
    finally:
        con.close()


def _pages(site: Path, db: Path) -> dict[str, Path]:
    con = duckdb.connect(str(db), read_only=True)
    team_id = con.execute(
        "select min(team_id) from marts.dim_team where hierarchy_level = 'team'"
    ).fetchone()[0]
    rep_id = con.execute(
        "select min(rep_id) from marts.dim_rep where role = 'rep' and is_current"
    ).fetchone()[0]
    con.close()
    return {
        "overview": site / "index.html",
        "team": site / output_path("teams/[team_id].md", team_id),
        "rep": site / output_path("reps/[rep_id].md", rep_id),
    }


def _figures(path: Path) -> list[tuple[str, float, str]]:
    parser = Figures()
    parser.feed(path.read_text(encoding="utf-8"))
    return [
        (column, number, text)
        for column, raw, text in parser.figures
        if (number := _number(raw)) is not None
    ]


@pytest.mark.parametrize("which", ["overview", "team", "rep"])
def test_every_number_on_the_page_is_a_mart_value(which, public_site, report_warehouse):
    marts = _mart_values(report_warehouse)
    page = _pages(public_site.out_dir, report_warehouse)[which]
    figures = _figures(page)
    assert len(figures) >= 10, f"{page.name}: too few figures found to prove anything"
    not_in_marts = [
        (column, value)
        for column, value, _ in figures
        if round(value, 6) not in marts.get(column, set()) | marts.get(RENAMED.get(column), set())
    ]
    assert not_in_marts == [], f"{page.name} shows numbers no mart column holds: {not_in_marts}"
    unformatted = [
        (column, value, text)
        for column, value, text in figures
        if not any(format_value(value, fmt, column) in text for fmt in FORMATS)
    ]
    assert unformatted == [], f"{page.name} shows a figure that is not its value formatted"


def test_a_number_computed_by_a_page_is_caught(tmp_path):
    """The probe itself: a figure summed on the page is a value of no mart column."""
    db = tmp_path / "spm.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute("create table marts.rep_pacing as select * from (values (100.5), (20.25)) t(x)")
    con.close()
    page = tmp_path / "page.html"
    page.write_text(
        '<div class="big-value" data-column="x" data-value="120.75">'
        '<div class="big-value-number">$121</div></div>'
        '<table><thead><tr><th data-column="x">X</th></tr></thead>'
        '<tbody><tr><td class="num" data-value="100.5">$100</td></tr></tbody></table>',
        encoding="utf-8",
    )
    marts = _mart_values(db)
    figures = _figures(page)
    assert [(c, v) for c, v, _ in figures] == [("x", 120.75), ("x", 100.5)]
    assert [v for c, v, _ in figures if round(v, 6) not in marts[c]] == [120.75]
