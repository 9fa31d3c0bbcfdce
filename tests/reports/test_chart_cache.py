"""Charts are drawn once per picture: a second render of the same numbers draws nothing, a
changed number draws its chart again, and the cache keeps only what the sites use."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pandas as pd

from reports import charts
from reports.chart_cache import ChartCache, charts_cached_in
from reports.render import render_site


def _spec(bookings: float) -> dict:
    frame = pd.DataFrame({"month": ["Jan 2026", "Feb 2026"], "bookings_amount": [1200.0, bookings]})
    return charts.chart_spec("bar", frame, "month", ["bookings_amount"], title="Bookings")


def _svg(cache: ChartCache, spec: dict) -> str:
    with charts_cached_in(cache):
        return charts.to_svg(spec)


def test_the_same_spec_is_read_back_and_a_changed_number_is_drawn(tmp_path: Path) -> None:
    folder = tmp_path / "chart_cache"
    first = ChartCache(folder)
    drawn = _svg(first, _spec(900.0))
    assert (first.drawn, first.reused) == (1, 0)
    assert "<svg" in drawn and "Bookings" in drawn

    second = ChartCache(folder)  # the next run
    assert _svg(second, _spec(900.0)) == drawn
    assert (second.drawn, second.reused) == (0, 1)
    changed = _svg(second, _spec(950.0))
    assert changed != drawn
    assert (second.drawn, second.reused) == (1, 1)
    # without a cache, the same picture
    assert charts.to_svg(_spec(950.0)) == changed


def test_prune_keeps_what_this_render_used(tmp_path: Path) -> None:
    folder = tmp_path / "chart_cache"
    yesterday = ChartCache(folder)
    _svg(yesterday, _spec(900.0))
    _svg(yesterday, _spec(950.0))
    today = ChartCache(folder)
    kept = _svg(today, _spec(950.0))
    assert today.prune() == 1
    assert [p.read_text() for p in folder.glob("*.svg")] == [kept]


def test_charts_are_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "chart_cache"
    cache = ChartCache(folder)
    _svg(cache, _spec(900.0))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (chart,) = folder.glob("*.svg")
    assert stat.S_IMODE(chart.stat().st_mode) == 0o600
    assert not list(folder.glob(".*.tmp"))


def test_a_site_rendered_again_draws_no_chart_and_is_the_same(
    report_warehouse: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "chart_cache"
    first_cache, second_cache = ChartCache(folder), ChartCache(folder)
    first = render_site(report_warehouse, tmp_path / "first", chart_cache=first_cache)
    second = render_site(report_warehouse, tmp_path / "second", chart_cache=second_cache)
    assert first_cache.drawn > 10 and first_cache.reused < first_cache.drawn
    assert (second_cache.drawn, second_cache.reused) == (0, first_cache.drawn + first_cache.reused)
    pages = sorted(Path(p).relative_to(tmp_path / "first") for p in first.pages)
    assert pages == sorted(Path(p).relative_to(tmp_path / "second") for p in second.pages)
    assert len(pages) > 5
    for page in pages:
        # the footer's build time has minute resolution: two renders may straddle a minute
        a = _without_build_time((tmp_path / "first" / page).read_bytes())
        assert a == _without_build_time((tmp_path / "second" / page).read_bytes()), page


def _without_build_time(html: bytes) -> bytes:
    return re.sub(rb" on \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", b" on <built at>.", html)


def _clip_ids(svg: str) -> list[str]:
    return re.findall(r'id="(clip[^"]*)"', svg)


def test_a_chart_draws_the_same_bytes_whatever_its_process_drew_before() -> None:
    """vl-convert numbers clip paths per process; a chart's own ids do not depend on that, and
    two charts (of one page, drawn in different processes) never share one."""
    first = charts._svg_of.__wrapped__(charts.json.dumps(_spec(900.0), sort_keys=True))
    other = charts._svg_of.__wrapped__(charts.json.dumps(_spec(950.0), sort_keys=True))
    again = charts._svg_of.__wrapped__(charts.json.dumps(_spec(900.0), sort_keys=True))
    assert again == first
    assert _clip_ids(first) and not set(_clip_ids(first)) & set(_clip_ids(other))
    for clip in _clip_ids(first):
        assert f"url(#{clip})" in first
