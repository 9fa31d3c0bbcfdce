"""The footer's KPI glossary exists, is linked from every page, and carries the marts' own
definitions (dbt YAML and doc blocks), never a restricted mart on the public site."""

from __future__ import annotations

import re

import yaml

from reports.glossary import DBT_DOCS, DBT_MODELS, build_glossary


def _kpi_docs() -> dict[str, str]:
    text = (DBT_DOCS / "kpi_definitions.md").read_text(encoding="utf-8")
    return {
        name: " ".join(body.split())
        for name, body in re.findall(r"\{% docs (\w+) %\}(.*?)\{% enddocs %\}", text, re.S)
    }


def test_every_page_links_to_the_glossary(public_site):
    site = public_site.out_dir
    assert (site / "glossary.html").is_file()
    for path in site.rglob("*.html"):
        footer = path.read_text(encoding="utf-8").split("<footer>")[1]
        href = re.search(r'href="([^"]*glossary\.html)"', footer).group(1)
        assert (path.parent / href).resolve() == (site / "glossary.html").resolve()


def test_glossary_defines_every_kpi_the_marts_document(public_site):
    html = (public_site.out_dir / "glossary.html").read_text(encoding="utf-8")
    # The KPIs quoted by the YAML of the marts the site shows (each has an <h3 id=mart>).
    quoted = set()
    for path in (DBT_MODELS / "marts").rglob("*.yml"):
        if f'<h3 id="{path.stem}">' in html:
            quoted.update(re.findall(r"""doc\(["'](kpi_\w+)["']\)""", path.read_text()))
    assert {"kpi_win_rate", "kpi_pace_gap", "kpi_forecast_bias"} <= quoted
    for name, definition in _kpi_docs().items():
        if name in quoted:
            assert f'id="{name}"' in html, name
            assert definition.replace("'", "&#39;").replace('"', "&#34;")[:60] in html, name
    team_yaml = yaml.safe_load(
        (DBT_MODELS / "marts" / "performance" / "team_performance.yml").read_text()
    )
    for column in team_yaml["models"][0]["columns"]:
        assert f"<code>{column['name']}</code>" in html


def test_public_glossary_names_no_restricted_mart(public_site, restricted_site):
    public = (public_site.out_dir / "glossary.html").read_text(encoding="utf-8")
    restricted = (restricted_site.out_dir / "glossary.html").read_text(encoding="utf-8")
    assert "pay_for_performance" not in public and "marts_restricted" not in public
    assert "marts_restricted.pay_for_performance" in restricted


def test_every_figure_on_the_main_pages_is_defined_in_the_glossary(public_site):
    """A reader can look up every number the overview, team and rep pages show."""
    site = public_site.out_dir
    glossary = (site / "glossary.html").read_text(encoding="utf-8")
    defined = set(re.findall(r"<tr><td><code>(\w+)</code></td><td>[^<]+</td></tr>", glossary))
    renamed = {"commit_amount", "best_case_amount", "amount"}  # call_amount, opportunity_amount
    pages = [site / "index.html", *sorted((site / "teams").glob("*.html"))[:2]]
    pages += sorted((site / "reps").glob("*.html"))[:2]
    shown: set[str] = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        shown.update(re.findall(r'class="big-value" data-column="(\w+)"', html))
        for table in re.findall(r"<thead>(.*?)</thead>", html, re.S):
            shown.update(re.findall(r'data-column="(\w+)"', table))
    numeric = {c for c in shown if not c.endswith(("_name", "_text", "_date", "_link", "_id"))}
    assert len(numeric) > 15
    undefined = sorted(numeric - defined - renamed)
    assert undefined == [], f"figures with no definition in the glossary: {undefined}"


def test_glossary_titles_read_as_words():
    """Titles are what a reader scans for: no title repeats a word of its name mechanically
    ("Bookings amount decrease amount"), spells an abbreviation or a flag, or is given twice."""
    tables = set()
    for path in (DBT_MODELS / "marts").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            tables.add(f"marts.{model['name']}")
    glossary = build_glossary(tables, frozenset({"marts"}))
    titles = {kpi.key: kpi.title for kpi in glossary.kpis}
    assert len(titles) > 100
    assert len(set(titles.values())) == len(titles), "two KPIs share a title"
    for title in titles.values():
        words = title.lower().replace(":", "").split()
        assert words.count("amount") <= 1, title
        assert not {"avg", "is", "pct"} & set(words), title
        assert not re.search(r"\d \d", title), title
    assert titles["kpi_win_rate"] == "Win rate"
    assert titles["kpi_node_forecast_call"] == "Node forecast call"
    assert (
        titles["kpi_commit_call_judgement_amount"]
        == "Commit call: change by the caller's judgement"
    )
    assert titles["kpi_behind_pace_rep_count"] == "Reps behind pace"
    assert titles["kpi_no_next_step_deal_count"] == "Deals with no next step"
    assert titles["kpi_deals_90_plus_count"] == "Deals aged over 90 days"  # its meta label
    assert titles["kpi_avg_age_days"] == "Average age (days)"
