"""Headless Chromium opens the rendered site from disk: no console errors, charts drawn.

Needs Debian's `chromium` (`make test` installs it when it can); skipped with the reason
otherwise. Screenshots are kept in `test-artifacts/` for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from reports.render import output_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)

pytestmark = [
    pytest.mark.slow,  # a headless browser per page and width
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Debian's chromium is not installed (apt-get install -y chromium; make test does)",
    ),
]


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) pixel rows of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def open_in_chromium(
    page: Path,
    shot: Path,
    profile: Path,
    width: int = 1280,
    fragment: str = "",
    extra: list[str] | None = None,
) -> tuple[str, str]:
    """Load `page` from disk (with `#fragment`); return the rendered DOM and Chromium's log."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        f"--window-size={width},2000",
        "--virtual-time-budget=3000",
        f"--screenshot={shot}",
        "--dump-dom",
        *(extra or []),
        page.as_uri() + (f"#{fragment}" if fragment else ""),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


# Headless Chromium never lays a window out narrower than this, whatever --window-size says.
MIN_WINDOW = 500


def open_framed(page: Path, shot: Path, profile: Path, width: int) -> tuple[int, int]:
    """Screenshot `page` laid out `width` px wide; return its scroll width and client width.

    Headless Chromium lays out at least 500 px wide, so a phone width is drawn in an iframe
    of that width: a harness page beside `page` (so the page's assets resolve) holds it and
    writes the framed page's widths into its own DOM, which `--dump-dom` reads back.
    """
    harness = page.with_name(page.stem + ".framed.htm")
    harness.write_text(
        '<!doctype html><html><body style="margin:0;background:#fff">'
        f'<iframe id="framed" src="{page.name}" style="display:block;border:0;'
        f'width:{width}px;height:2000px"></iframe><script>'
        "document.getElementById('framed').addEventListener('load', function () {"
        " var root = this.contentDocument.documentElement; setTimeout(function () {"
        " document.body.setAttribute('data-widths', root.scrollWidth + 'x' + root.clientWidth);"
        " }, 0); });</script></body></html>",
        encoding="utf-8",
    )
    try:
        dom, _ = open_in_chromium(
            harness,
            shot,
            profile,
            width=max(width, MIN_WINDOW),
            extra=["--allow-file-access-from-files"],
        )
    finally:
        harness.unlink()
    match = re.search(r'data-widths="(\d+)x(\d+)"', dom)
    assert match, "the width probe did not run"
    return int(match.group(1)), int(match.group(2))


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_the_width_probe_sees_an_overflowing_page(tmp_path):
    """The probe itself: a page wider than the window is measured as such."""
    page = tmp_path / "wide.html"
    page.write_text("<html><body><div style='width: 900px'>wide</div></body></html>")
    scroll_width, client_width = open_framed(page, tmp_path / "w.png", tmp_path / "profile", 390)
    assert client_width == 390 and scroll_width > client_width


def test_chromium_reports_console_errors(tmp_path):
    """The probe itself works: a page that logs an error is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>console.error('boom')</script></body></html>")
    _, log = open_in_chromium(page, tmp_path / "broken.png", tmp_path / "profile")
    assert any("boom" in line for line in console_errors(log))


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("which", ["index", "team", "rep"])
def test_pages_render_in_chromium(which, width, public_site, report_warehouse, tmp_path):
    import duckdb

    con = duckdb.connect(str(report_warehouse), read_only=True)
    team_id = con.execute(
        "select min(team_id) from marts.dim_team where hierarchy_level = 'team'"
    ).fetchone()[0]
    rep_id = con.execute(
        "select min(rep_id) from marts.dim_rep where role = 'rep' and is_current"
    ).fetchone()[0]
    con.close()
    relative = {
        "index": "index.html",
        "team": output_path("teams/[team_id].md", team_id),
        "rep": output_path("reps/[rep_id].md", rep_id),
    }[which]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{which}-{width}.png"
    shot.unlink(missing_ok=True)
    dom, log = open_in_chromium(
        public_site.out_dir / relative, tmp_path / "direct.png", tmp_path / "profile", width=width
    )
    assert console_errors(log) == []
    assert dom.count("<svg") >= 1, "no chart was drawn"
    assert "<rect" in dom or "<path" in dom
    assert 'class="enhanced' in dom, "site.js did not run"
    scroll_width, client_width = open_framed(
        public_site.out_dir / relative, shot, tmp_path / "framed", width
    )
    assert client_width == width
    assert scroll_width <= client_width, (
        f"{relative} is {scroll_width} px wide in a {client_width} px window: "
        "something overflows the page instead of scrolling inside its box"
    )
    shot_width, height, pixels = png_pixels(shot.read_bytes())
    assert (shot_width, height) == (max(width, MIN_WINDOW), 2000)
    assert len(set(pixels)) > 40, "the screenshot is blank"


def _sections(dom: str) -> dict[str, bool]:
    """data-period of each section and whether it is hidden."""
    return {
        m.group(2): "hidden" in m.group(1) + m.group(3)
        for m in re.finditer(r'<section([^>]*)data-period="([^"]+)"([^>]*)>', dom)
    }


def test_period_selector_shows_one_period(public_site, tmp_path):
    page = public_site.out_dir / "index.html"
    raw = _sections(page.read_text(encoding="utf-8"))
    assert raw == {"quarter": False, "previous-quarter": False, "year": False}  # no JS: all
    dom, log = open_in_chromium(page, tmp_path / "a.png", tmp_path / "profile")
    assert console_errors(log) == []
    assert _sections(dom) == {"quarter": False, "previous-quarter": True, "year": True}
    assert 'aria-pressed="true">This quarter<' in dom
    dom, _ = open_in_chromium(
        page, tmp_path / "b.png", tmp_path / "profile", fragment="period=year"
    )
    assert _sections(dom) == {"quarter": True, "previous-quarter": True, "year": False}
    assert 'aria-pressed="true">This year<' in dom


def _column_values(dom: str, title: str, column: str) -> list[float]:
    table = dom.split(f">{title}</div>")[1].split("</table>")[0]
    headers = re.findall(r'<th data-column="([^"]+)"', table)
    index = headers.index(column)
    values = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = re.findall(r'<td[^>]*data-value="([^"]*)"', row)
        values.append(float(cells[index]))
    return values


def test_sort_control_reorders_a_table(public_site, tmp_path):
    page = public_site.out_dir / "leaderboard.html"
    title = "Ranked by attainment, this quarter"
    served = _column_values(page.read_text(encoding="utf-8"), title, "bookings_amount")
    assert served != sorted(served)  # ranked by attainment, not by bookings
    dom, log = open_in_chromium(
        page, tmp_path / "s.png", tmp_path / "profile", fragment="sort=bookings_amount:asc"
    )
    assert console_errors(log) == []
    assert _column_values(dom, title, "bookings_amount") == sorted(served)
    assert 'aria-sort="ascending"' in dom and 'class="sort"' in dom


@pytest.mark.parametrize("which", ["teams/[team_id].md", "regions/[region_id].md"])
def test_team_and_region_pages_have_the_period_selector(
    which, public_site, report_warehouse, tmp_path
):
    import duckdb

    level = "team" if which.startswith("teams") else "region"
    con = duckdb.connect(str(report_warehouse), read_only=True)
    node = con.execute(
        "select min(team_id) from marts.dim_team where hierarchy_level = ?", [level]
    ).fetchone()[0]
    previous = con.execute(
        "select fiscal_period from marts.team_performance where team_id = ?"
        " and period_type = 'quarter' and period_end < (select min(period_start)"
        " from marts.team_performance where team_id = ? and period_type = 'quarter'"
        " and is_current_period) order by period_start desc limit 1",
        [node, node],
    ).fetchone()[0]
    con.close()
    page = public_site.out_dir / output_path(which, node)
    served = page.read_text(encoding="utf-8")
    assert _sections(served) == {"quarter": False, "previous-quarter": False, "year": False}
    assert "Previous quarter: " in served and previous in served
    dom, log = open_in_chromium(
        page, tmp_path / "p.png", tmp_path / "profile", fragment="period=previous-quarter"
    )
    assert console_errors(log) == []
    assert _sections(dom) == {"quarter": True, "previous-quarter": False, "year": True}
    assert 'aria-pressed="true">Previous quarter<' in dom
