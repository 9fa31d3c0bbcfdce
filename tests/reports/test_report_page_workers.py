"""The copies of a templated page drawn by worker processes are the pages one process draws.

`PagePool` only moves work to other cores: the same files with the same bytes, the same notices
and the same charts in the cache; a broken page still names its page, line and name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports.chart_cache import ChartCache
from reports.errors import SiteBuildError
from reports.page_workers import PagePool, split
from reports.render import render_site
from reports.site_config import PageConfig, SiteConfig

# the only line of a page that may differ between two renders a minute apart
_BUILT_AT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def _files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): _BUILT_AT.sub("<built at>", p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_split_keeps_the_order_and_every_value():
    values = [str(i) for i in range(10)]
    chunks = split(values, 4)
    assert [len(c) for c in chunks] == [3, 3, 2, 2]
    assert [v for c in chunks for v in c] == values
    assert split(["a"], 8) == [["a"]]


def test_pages_drawn_by_workers_are_the_pages_one_process_draws(report_warehouse, tmp_path):
    alone_cache = ChartCache(tmp_path / "charts-alone")
    alone = render_site(
        report_warehouse, tmp_path / "alone", restricted=True, chart_cache=alone_cache
    )
    pooled_cache = ChartCache(tmp_path / "charts-pooled")
    with PagePool(2, min_copies=2) as pool:
        pooled = render_site(
            report_warehouse,
            tmp_path / "pooled",
            restricted=True,
            chart_cache=pooled_cache,
            pool=pool,
        )
        drawn_by_workers = pool.copies_drawn
    # the workers drew every rep, team and region page (more than one copy each here)
    assert drawn_by_workers >= len([p for p in alone.pages if p.parent.name == "reps"])
    assert drawn_by_workers > 0
    assert _files(tmp_path / "pooled") == _files(tmp_path / "alone")
    assert pooled.warnings == alone.warnings
    assert pooled_cache.used == alone_cache.used
    # as many charts asked for; two workers asking for one picture at the same moment may
    # both draw it (found in CI: 27 drawn and 6 reused against 26 and 7), never fewer drawn
    assert pooled_cache.drawn + pooled_cache.reused == alone_cache.drawn + alone_cache.reused
    assert pooled_cache.drawn >= alone_cache.drawn
    assert sorted(p.name for p in (tmp_path / "charts-pooled").glob("*.svg")) == sorted(
        p.name for p in (tmp_path / "charts-alone").glob("*.svg")
    )


REP_PAGE = """---
title: Rep
---

```sql rep
select rep_id, rep_name from marts.dim_rep where rep_id = '${params.rep_id}'
```
"""
BROKEN_REP_PAGE = (
    REP_PAGE
    + """
<BarChart data={rep} x=rep_name y=atainment/>
"""
)


def _rep_page_site(tmp_path: Path, text: str, pending: frozenset[str] = frozenset()):
    """A site of one templated page, a copy per rep: its pages folder and its config."""
    name = "reps/[rep_id].md"
    pages = tmp_path / "pages"
    (pages / "reps").mkdir(parents=True)
    (pages / name).write_text(text, encoding="utf-8")
    config = SiteConfig(
        {name: PageConfig(name, params_sql="select rep_id from marts.dim_rep")}, pending
    )
    return pages, config


def test_a_page_broken_in_a_worker_names_its_page_line_and_name(report_warehouse, tmp_path):
    pages, config = _rep_page_site(tmp_path, BROKEN_REP_PAGE)
    with PagePool(2, min_copies=2) as pool, pytest.raises(SiteBuildError) as excinfo:
        render_site(report_warehouse, tmp_path / "out", config=config, pages_dir=pages, pool=pool)
    (error,) = excinfo.value.errors
    assert (error.page, error.line, error.name) == ("reps/[rep_id].md", 9, "atainment")
    assert not (tmp_path / "out").exists()


PENDING_REP_PAGE = (
    REP_PAGE
    + """
```sql later
select * from marts.not_landed_yet
```

<DataTable data={rep}/>

<DataTable data={later}/>
"""
)


def test_notices_of_copies_drawn_by_workers_reach_the_render(report_warehouse, tmp_path):
    pages, config = _rep_page_site(tmp_path, PENDING_REP_PAGE, frozenset({"marts.not_landed_yet"}))
    alone = render_site(report_warehouse, tmp_path / "alone", config=config, pages_dir=pages)
    with PagePool(2, min_copies=2) as pool:
        pooled = render_site(
            report_warehouse, tmp_path / "pooled", config=config, pages_dir=pages, pool=pool
        )
        assert pool.copies_drawn > 1
    assert alone.warnings and pooled.warnings == alone.warnings
    assert _files(tmp_path / "pooled") == _files(tmp_path / "alone")
