"""A page that references a missing query, table or column fails with page, line and name."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.errors import PageBuildError, SiteBuildError
from reports.render import render_site
from reports.site_config import PageConfig, SiteConfig


def build(
    tmp_path: Path,
    warehouse: Path,
    text: str,
    *,
    pending=(),
    restricted=False,
    name="broken.md",
    page_restricted=False,
):
    pages = tmp_path / "pages"
    pages.mkdir(exist_ok=True)
    (pages / name).write_text(text, encoding="utf-8")
    config = SiteConfig({name: PageConfig(name, restricted=page_restricted)}, frozenset(pending))
    return render_site(warehouse, tmp_path / "out", restricted, config=config, pages_dir=pages)


def only_error(excinfo) -> PageBuildError:
    errors = excinfo.value.errors
    assert len(errors) == 1, errors
    return errors[0]


GOOD_QUERY = """---
title: T
---

```sql reps
select rep_name, attainment from marts.rep_performance
```
"""


def test_missing_query_reference(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\n```sql top\nselect *\nfrom ${repz}\n```\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert (error.page, error.line, error.name) == ("broken.md", 11, "repz")
    assert "broken.md, line 11" in str(excinfo.value)


def test_missing_table(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\n```sql bad\nselect *\nfrom marts.no_such_mart\n```\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert (error.line, error.name) == (11, "marts.no_such_mart")


def test_missing_column_in_sql(tmp_path, report_warehouse):
    text = (
        GOOD_QUERY
        + "\n```sql bad\nselect rep_name,\n    bookings_amout\nfrom marts.rep_performance\n```\n"
    )
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert (error.line, error.name) == (11, "bookings_amout")


def test_missing_column_in_component(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\nSome text.\n\n<BarChart data={reps} x=rep_name y=atainment/>\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert (error.line, error.name) == (11, "atainment")


def test_missing_query_in_component(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\n<DataTable data={nope}>\n    <Column id=rep_name/>\n</DataTable>\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert (error.line, error.name) == (9, "nope")


def test_missing_column_in_table_column(tmp_path, report_warehouse):
    text = (
        GOOD_QUERY
        + "\n<DataTable data={reps}>\n    <Column id=rep_name/>\n"
        + "    <Column id=nme/>\n</DataTable>\n"
    )
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert (error.line, error.name) == (11, "nme")


def test_unknown_component(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\n<PieChart data={reps}/>\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    assert (only_error(excinfo).line, only_error(excinfo).name) == (9, "PieChart")


def test_public_page_may_not_read_restricted_schema(tmp_path, report_warehouse):
    text = "```sql pay\nselect * from marts_restricted.pay_for_performance\n```\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert error.name == "marts_restricted.pay_for_performance"
    assert "may only read marts, quarantine" in str(error)


def test_unqualified_table_is_rejected(tmp_path, report_warehouse):
    text = "```sql reps\nselect * from rep_performance\n```\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    assert "without a schema" in str(only_error(excinfo))


def test_every_problem_is_reported_and_nothing_is_written(tmp_path, report_warehouse):
    text = (
        GOOD_QUERY + "\n```sql a\nselect * from ${x}\n```\n\n```sql b\nselect * from marts.y\n```\n"
    )
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    assert [e.name for e in excinfo.value.errors] == ["x"]  # first problem of the page
    assert not (tmp_path / "out").exists()


def test_pending_mart_shows_a_notice_and_warns(tmp_path, report_warehouse):
    text = GOOD_QUERY + (
        "\n```sql later\nselect * from marts.not_landed_yet\n```\n\n"
        "<DataTable data={later}/>\n\n<DataTable data={reps}/>\n"
    )
    result = build(tmp_path, report_warehouse, text, pending=["marts.not_landed_yet"])
    html = (tmp_path / "out" / "broken.html").read_text(encoding="utf-8")
    assert "Not available yet" in html and "marts.not_landed_yet" in html
    assert "<td" in html  # the available table still renders
    assert result.warnings == [
        "broken.md, line 13: <DataTable> not shown yet: marts.not_landed_yet not in the "
        "published warehouse (pending in site.toml)"
    ]


def test_disabled_page_is_reported(tmp_path, report_warehouse):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.md").write_text(GOOD_QUERY, encoding="utf-8")
    (pages / "b.md").write_text(GOOD_QUERY, encoding="utf-8")
    config = SiteConfig({"a.md": PageConfig("a.md"), "b.md": PageConfig("b.md", enabled=False)})
    result = render_site(report_warehouse, tmp_path / "out", config=config, pages_dir=pages)
    assert [p.name for p in result.pages] == ["a.html", "glossary.html"]
    assert "b.md: disabled in site.toml, not built" in result.warnings


def test_refuses_to_replace_a_foreign_directory(tmp_path, report_warehouse):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "precious.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a report site"):
        build(tmp_path, report_warehouse, GOOD_QUERY)
    assert (tmp_path / "out" / "precious.txt").read_text() == "keep me"


def test_rebuild_replaces_the_previous_site(tmp_path, report_warehouse):
    build(tmp_path, report_warehouse, GOOD_QUERY, name="first.md")
    (tmp_path / "pages" / "first.md").unlink()
    build(tmp_path, report_warehouse, GOOD_QUERY, name="second.md")
    built = sorted(p.name for p in (tmp_path / "out").glob("*.html"))
    assert built == ["glossary.html", "second.html"]


def test_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `spm run` first"):
        render_site(tmp_path / "absent.duckdb", tmp_path / "out")


CONDITIONAL = """---
title: T
---

```sql some
select team_name from marts.dim_team where hierarchy_level = 'team'
```

```sql none
select team_name from marts.dim_team where false
```

{#if some.length > 0}

Teams exist: <Value data={some} column=team_name/>.

{#if none.length === 0}

Nested: nothing in none.

{/if}

{:else}

NOT SHOWN ONE

{/if}

{#if none.length > 0}

NOT SHOWN TWO

{:else}

None has no rows.

{/if}
"""


def test_if_blocks_show_the_branch_the_row_count_selects(tmp_path, report_warehouse):
    build(tmp_path, report_warehouse, CONDITIONAL, name="cond.md")
    html = (tmp_path / "out" / "cond.html").read_text(encoding="utf-8")
    assert "Teams exist:" in html and "Nested: nothing in none." in html
    assert "None has no rows." in html
    assert "NOT SHOWN" not in html


def test_unclosed_if_names_its_line(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\n\n{#if reps.length > 0}\n\nnever closed\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    error = only_error(excinfo)
    assert "{#if} block is never closed with {/if}" in str(error)
    assert error.line == text.count("\n", 0, text.index("{#if")) + 1


def test_if_on_an_unknown_query_is_an_error(tmp_path, report_warehouse):
    text = GOOD_QUERY + "\n\n{#if nosuch.length > 0}\n\nx\n\n{/if}\n"
    with pytest.raises(SiteBuildError) as excinfo:
        build(tmp_path, report_warehouse, text)
    assert "names a query this page does not define" in str(only_error(excinfo))
