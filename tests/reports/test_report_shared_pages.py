"""The public and restricted sites draw each page that reads no pay once, and the restricted
site built that way is the same, file for file, as one drawn on its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import reports.render as render

BUILT_AT = re.compile(r" on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.")


def _files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): BUILT_AT.sub(" on <time>.", p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html"))
    }


def test_pages_without_pay_are_drawn_once_for_both_sites(
    report_warehouse: Path, restricted_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    draw = render.render_body

    def counting(page, results, currency, target, warnings):  # noqa: ANN001, ANN202
        drawn.append(target)
        return draw(page, results, currency, target, warnings)

    monkeypatch.setattr(render, "render_body", counting)
    shared = render.SharedPages()
    render.render_site(report_warehouse, tmp_path / "public", shared=shared)
    public_draws = list(drawn)
    render.render_site(report_warehouse, tmp_path / "restricted", restricted=True, shared=shared)
    restricted_draws = drawn[len(public_draws) :]

    assert len(public_draws) == len(set(public_draws)) > 10
    # the restricted site draws only what the public one does not have: the restricted pages
    assert restricted_draws == ["compensation.html", "forecast-tendencies.html"]
    assert "compensation.md" not in shared.drawn
    assert "forecast-tendencies.md" not in shared.drawn

    together = _files(tmp_path / "restricted")
    alone = _files(restricted_site.out_dir)
    assert together.keys() == alone.keys()
    assert [name for name in together if together[name] != alone[name]] == []
    # the frame is still the restricted one: its navigation links the pay page
    assert 'href="compensation.html"' in together["index.html"]
    assert 'href="compensation.html"' not in _files(tmp_path / "public")["index.html"]
