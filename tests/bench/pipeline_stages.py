"""Benchmark stages after ingestion: dbt, quality checks, publish, the sites, whole runs.

Each has the physical limit the issue of speed is argued against, measured in the same run:
dbt against its own compiled SQL run directly in one DuckDB connection (so the ratio is dbt's
overhead per node), publish against a plain copy of the work file, the sites against the same
pages drawn without charts. The whole-run stages time `spm run` itself on a fresh warehouse and
again with nothing new landed (no limit: the goal is seconds, against the full run above it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from tests.bench.stages import Context

DBT_ARGS = ["build", "--exclude-resource-type", "unit_test"]


def as_of(context: Context) -> dt.date:
    """The as-of date the benchmark company was generated for."""
    manifest = json.loads((context.landing_dir / "_manifest.json").read_text())
    return dt.date.fromisoformat(manifest["as_of"])


def _dbt_vars(context: Context) -> dict[str, object]:
    return {
        "as_of_date": as_of(context).isoformat(),
        "fiscal_year_start_month": 1,
        "corporate_currency": "USD",
        "stalled_after_days": 30,
        "crm": "salesforce",
    }


def _dbt_dir(context: Context) -> Path:
    return context.work_dir / "dbt"


def dbt_build(context: Context) -> int:
    """`dbt build` of every model and test (unit tests excluded, as `spm run` does)."""
    from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

    done = run_dbt(
        DBT_ARGS,
        context.warehouse_dir / "work.duckdb",
        _dbt_dir(context),
        _dbt_vars(context),
        separate_process=True,  # as `spm run` starts it
    )
    if done.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{dbt_failure_summary(done)}")
    results = json.loads((_dbt_dir(context) / "target" / "run_results.json").read_text())
    return len(results["results"])


def _relation(node: dict[str, Any]) -> str:
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def _statements(context: Context) -> tuple[list[str], list[str]]:
    """The build's models (as create-or-replace) and tests (as counts), in the order dbt
    finished them, from the compiled SQL of the build that just ran."""
    target = _dbt_dir(context) / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = manifest["nodes"]
    models, tests = [], []
    for result in results:
        node = nodes.get(result["unique_id"])
        if node is None or not node.get("compiled_code"):
            continue
        sql = node["compiled_code"]
        if node["resource_type"] in ("model", "snapshot"):
            kind = "view" if node["config"].get("materialized") == "view" else "table"
            models.append(f"create or replace {kind} {_relation(node)} as ({sql})")
        elif node["resource_type"] == "test":
            tests.append(f"select count(*) from ({sql})")
    return models, tests


def dbt_sql_alone(context: Context) -> int:
    """The same compiled models and tests in one DuckDB connection: dbt's own floor."""
    models, tests = _statements(context)
    # same file name, so the compiled SQL's catalog ("work") resolves in the copy
    copy = context.scratch_dir / "dbt_limit" / "work.duckdb"
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(context.warehouse_dir / "work.duckdb", copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("set TimeZone = 'UTC'")
        for statement in models:
            con.execute(statement)
        for statement in tests:
            con.execute(statement).fetchall()
    finally:
        con.close()
    copy.unlink()
    return len(models) + len(tests)


def quality_checks(context: Context) -> int:
    """Every Great Expectations and SQL check on the built warehouse."""
    from data_quality import run_checks

    results = run_checks(
        context.warehouse_dir / "work.duckdb", as_of(context), context.scratch_dir / "dq_state"
    )
    return len(results)


def quality_reads_alone(context: Context) -> int:
    """The limit of the checks: every frame the checks read, with the same queries (and the
    same repeatable samples of large tables), fetched as Arrow tables: the reads no rule can
    do without, with no pandas and no Great Expectations."""
    from data_quality.config import QualityConfig
    from data_quality.frames import FrameUnavailable, frame_query
    from data_quality.runner import checks_by_frame, run_params, select_checks
    from data_quality.warehouse import connect, existing_columns

    rows = 0
    with connect(context.warehouse_dir / "work.duckdb") as con:
        columns = existing_columns(con)
        params = run_params(con, columns, as_of(context), QualityConfig(), {})
        for frame, _ in checks_by_frame(select_checks(None, None)):
            try:
                sql, _ = frame_query(con, frame, params, columns)
            except FrameUnavailable:
                continue
            rows += con.execute(sql).fetch_arrow_table().num_rows
    return rows


def _published_dir(context: Context) -> Path:
    return context.work_dir / "published"


def publish(context: Context) -> int:
    """Marts and quarantine into the public and restricted files, swapped in atomically."""
    from orchestration.publish import publish as publish_files

    publish_files(context.warehouse_dir / "work.duckdb", _published_dir(context))
    return sum(1 for _ in _published_dir(context).glob("*.duckdb"))


def copy_work_file(context: Context) -> int:
    """A plain copy of the work file: the least work that yields a file BI tools can open."""
    shutil.copyfile(context.warehouse_dir / "work.duckdb", context.scratch_dir / "copy.duckdb")
    (context.scratch_dir / "copy.duckdb").unlink()
    return 1


def _sites(context: Context, out: Path) -> int:
    from orchestration.settings import RESTRICTED_DB_NAME
    from reports.render import SharedPages, render_site

    shared = SharedPages()
    public = render_site(_published_dir(context) / "spm.duckdb", out / "public", shared=shared)
    restricted = render_site(
        _published_dir(context) / RESTRICTED_DB_NAME,
        out / "restricted",
        restricted=True,
        shared=shared,
    )
    return len(public.pages) + len(restricted.pages)


def sites(context: Context) -> int:
    """The public and the restricted site, every page, team and rep."""
    return _sites(context, context.work_dir / "sites")


def sites_without_charts(context: Context) -> int:
    """The same pages with every chart replaced by an empty drawing."""
    from reports import charts

    charts.to_svg = lambda spec: "<svg></svg>"  # this process only draws this limit
    return _sites(context, context.scratch_dir / "sites_without_charts")


def _run_settings(context: Context):  # noqa: ANN202
    from orchestration.settings import Settings

    root = context.work_dir / "spm_run"
    return Settings(
        landing_dir=context.landing_dir,
        warehouse_dir=root / "warehouse",
        reports_dir=root / "reports" / "build",
        as_of=as_of(context),
    )


def _spm_run(context: Context, settings: Any = None) -> int:
    import tempfile

    from orchestration.runner import run_pipeline

    os.environ.setdefault("DAGSTER_HOME", tempfile.mkdtemp(prefix="bench_dagster_"))
    outcome = run_pipeline(settings or _run_settings(context))
    if not outcome.success:
        raise RuntimeError(f"spm run did not publish: {outcome.report.get('root_causes')}")
    return sum((outcome.report.get("rows_loaded") or {}).values())


def spm_run_full(context: Context) -> int:
    """`spm run` on a fresh warehouse: load, build, check, publish, both sites."""
    shutil.rmtree(context.work_dir / "spm_run", ignore_errors=True)
    return _spm_run(context)


def spm_run_nothing_new(context: Context) -> int:
    """`spm run` again with nothing new landed, as a user runs it (a new process): it must
    stop in seconds."""
    import subprocess
    import sys

    settings = _run_settings(context)
    env = dict(
        os.environ,
        SPM_LANDING_DIR=str(settings.landing_dir),
        SPM_WAREHOUSE_DIR=str(settings.warehouse_dir),
        SPM_REPORTS_DIR=str(settings.reports_dir),
        SPM_AS_OF=settings.as_of.isoformat(),
    )
    done = subprocess.run(
        [str(Path(sys.executable).parent / "spm"), "run"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "Nothing new" not in done.stdout:
        raise RuntimeError(f"the second spm run did not stop early:\n{done.stdout[-2000:]}")
    return 0


def _next_day_landing(context: Context) -> Path:
    """The landing folder of the day after: every file of the benchmark company (hard links,
    not copies: the files are the same bytes, and symbolic links are refused by the loaders)
    plus the next day's activity events (the as-of day's events, a day later, new ids)."""
    landing = context.work_dir / "next_day_landing"
    shutil.rmtree(landing, ignore_errors=True)
    shutil.copytree(context.landing_dir, landing, copy_function=os.link)
    day = as_of(context)
    today = context.landing_dir / "sales_analytics" / day.strftime("%Y/%m/%d") / "activities.jsonl"
    tomorrow = landing / "sales_analytics" / (day + dt.timedelta(days=1)).strftime("%Y/%m/%d")
    tomorrow.mkdir(parents=True)
    with (
        today.open(encoding="utf-8") as source,
        (tomorrow / "activities.jsonl").open("w", encoding="utf-8") as out,
    ):
        for line in source:
            event = json.loads(line)
            moment = dt.datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
            event["id"] = f"{event['id']}_next"
            event["timestamp"] = (moment + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
            out.write(json.dumps(event) + "\n")
    return landing


def spm_run_next_day(context: Context) -> int:
    """`spm run` the day after the full run, on its warehouse: the as-of date moves a day and
    one day of activity events lands; the CRM and the other files are re-exported unchanged."""
    settings = replace(
        _run_settings(context),
        landing_dir=_next_day_landing(context),
        as_of=as_of(context) + dt.timedelta(days=1),
    )
    return _spm_run(context, settings)
