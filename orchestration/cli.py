"""The `spm` command line: generate, run, check, report, email, demo."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from orchestration.run_lock import WarehouseBusyError
from orchestration.settings import ENGINES, Settings


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date, expected YYYY-MM-DD") from exc


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    changes: dict[str, object] = {}
    if getattr(args, "landing", None):
        changes["landing_dir"] = Path(args.landing).resolve()
    if getattr(args, "as_of", None):
        changes["as_of"] = args.as_of
    if getattr(args, "warehouse", None):
        changes["warehouse_dir"] = Path(args.warehouse).resolve()
    if getattr(args, "engine", None):
        changes["engine"] = args.engine
    return settings.with_overrides(**changes) if changes else settings


def cmd_generate(args: argparse.Namespace) -> int:
    from ingestion.demo import generate

    started = time.perf_counter()
    manifest = generate(
        Path(args.out),
        scale=args.scale,
        seed=args.seed,
        as_of=args.as_of or dt.date.today(),
        fiscal_year_start_month=args.fiscal_year_start_month
        or Settings.from_env().fiscal_year_start_month,
        exotic_names=args.exotic_names,
        overwrite=args.overwrite,
    )
    counts = manifest.get("counts", {})
    print(
        f"Generated the {args.scale} demo company in {args.out} "
        f"({time.perf_counter() - started:.1f}s):"
    )
    for name, value in counts.items():
        if isinstance(value, int):
            print(f"  {name:<45} {value:>12,}")
    return 0


def cmd_init_mapping(args: argparse.Namespace) -> int:
    from ingestion.sources.crm_export.propose import write_proposal

    deals = Path(args.file)
    people = Path(args.people) if args.people else None
    for path in (deals, people):
        if path is not None and not path.is_file():
            raise FileNotFoundError(f"{path}: file not found")
    out = write_proposal(deals, people, Path(args.out) if args.out else None, overwrite=args.force)
    print(f"proposed mapping: {out}")
    print("check every guess in it, then run `spm check-landing` on the landing folder")
    return 0


def _print_nothing_new(previous, settings: Settings) -> None:  # noqa: ANN001
    print(
        f"Nothing new since run {previous.run_id} (finished {previous.finished_at}): the "
        "landing files, the settings (as-of date included) and the code are unchanged, so "
        f"{settings.published_db} and the report site were left as they are. "
        "Use `spm run --force` to run anyway."
    )


def _print_run(outcome, settings: Settings) -> None:  # noqa: ANN001
    if outcome.nothing_new_since is not None:
        _print_nothing_new(outcome.nothing_new_since, settings)
        return
    report = outcome.report
    print("Rows loaded per table:")
    for table, rows in sorted(report["rows_loaded"].items()):
        print(f"  {table:<45} {rows:>12,}")
    if report["quarantined"]:
        print(f"Rows quarantined (schema quarantine of {settings.published_db}):")
        for table, rules in report["quarantined"].items():
            for rule, n in rules.items():
                print(f"  quarantine.{table:<34} {rule:<30} {n:>6,}")
    print(
        f"Checks: {report['checks_passed']} passed, {report['checks_warned']} warned, "
        f"{report['checks_failed']} failed.  Run report: {outcome.report_path}"
    )
    for check in outcome.warned_checks:
        print(f"  warning: {check['asset']} {check['name']} ({check['failing_rows']} rows)")
    missing = report.get("missing_datasets") or []
    if missing:
        print("Not in the landing folder (the run went on without them):")
        for dataset in missing:
            print(f"  {dataset['message']}")
    landing = report.get("landing") or {}
    if landing.get("not_recognised") or landing.get("refused"):
        print("Landing files not loaded:")
        for relative in landing.get("not_recognised", []):
            print(f"  {relative}: not recognised (no source loads a file of this name)")
        for relative, why in landing.get("refused", {}).items():
            print(f"  {relative}: refused, {why}")


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    started = time.perf_counter()
    if not args.force:
        # before Dagster is imported (seconds of it): a day with nothing new ends here
        from orchestration.run_inputs import nothing_new, run_inputs

        previous = nothing_new(settings, run_inputs(settings))
        if previous is not None:
            _print_nothing_new(previous, settings)
            return 0
    from orchestration.runner import run_pipeline

    outcome = run_pipeline(settings, force=args.force)
    _print_run(outcome, settings)
    elapsed = time.perf_counter() - started
    if outcome.nothing_new_since is not None:
        return 0
    if outcome.success:
        print(f"Published {settings.published_db} in {elapsed:.0f}s.")
        if settings.publish_postgres_url:
            from orchestration.publish_postgres import describe_url

            print(f"Published to PostgreSQL: {describe_url(settings.publish_postgres_url)}")
        return 0
    print(
        f"NOT PUBLISHED: {settings.published_db} was left as it was ({elapsed:.0f}s).",
        file=sys.stderr,
    )
    for check in outcome.failed_checks:
        found = (
            f"{check['failing_rows']} failing rows"
            if check.get("failing_rows") is not None
            else check.get("message") or "no failing-row count"
        )
        print(
            f"  failed blocking check: {check['asset']} {check['name']} ({found})",
            file=sys.stderr,
        )
    for step in outcome.failed_steps:
        print(f"  failed step: {step}", file=sys.stderr)
        console = settings.dbt_console_log(str(outcome.report.get("run_id")))
        if step.startswith("dbt") and console.exists():
            print(f"    dbt's output: {console}", file=sys.stderr)
    print(
        f"  details: {outcome.report_path}; quarantined rows: schema quarantine of "
        f"{settings.work_db}",
        file=sys.stderr,
    )
    _print_root_causes(outcome.report)
    return 1


def _print_root_causes(report: dict) -> None:
    """The last lines of a failed run: each failed step's root cause, and where the log is."""
    from orchestration.root_cause import format_root_cause

    for cause in report.get("root_causes", []):
        for line in format_root_cause(cause):
            print(line, file=sys.stderr)
    if report.get("log_file"):
        print(f"Full log with tracebacks: {report['log_file']}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from orchestration.checks import run_all_checks

    settings = _settings(args)
    table, failed = run_all_checks(settings)
    print(table)
    return 1 if failed else 0


def cmd_report(args: argparse.Namespace) -> int:
    from orchestration.reporting import render_all

    settings = _settings(args)
    if args.out:
        settings = settings.with_overrides(reports_dir=Path(args.out).resolve())
    outcome = render_all(settings)
    for warning in outcome["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Report site: {outcome['index']}")
    print(f"Restricted site (pay): {outcome['restricted_index']}")
    if outcome.get("docs"):
        print(f"dbt docs of the published run: {outcome['docs']}")
    return 0


def cmd_email(args: argparse.Namespace) -> int:
    from orchestration.reporting import EmailDeliveryError, send_weekly_email

    settings = _settings(args)
    if args.to:
        settings = settings.with_overrides(email_to=tuple(args.to))
    try:
        print(send_weekly_email(settings, eml_dir=Path(args.eml_dir) if args.eml_dir else None))
    except EmailDeliveryError as exc:
        print(f"spm email: some digests were not delivered:\n{exc}", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ingestion.demo import generate
    from orchestration.summary import current_quarter_summary

    settings = _settings(args)
    manifest_path = settings.landing_dir / "_manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        print(
            f"Demo company already in {settings.landing_dir} "
            f"({manifest.get('scale')}, as of {manifest.get('as_of')})."
        )
        if not getattr(args, "as_of", None) and manifest.get("as_of"):
            settings = settings.with_overrides(as_of=dt.date.fromisoformat(manifest["as_of"]))
    else:
        print(f"Generating the medium demo company into {settings.landing_dir} ...")
        generate(
            settings.landing_dir,
            scale="medium",
            seed=42,
            as_of=settings.as_of,
            fiscal_year_start_month=settings.fiscal_year_start_month,
        )
    code = _run_demo_crm(settings, getattr(args, "crm", "files") or "files")
    if code != 0:
        return code
    from orchestration.reporting import render_all

    print()
    print(
        current_quarter_summary(settings.published_db, settings.as_of, settings.corporate_currency)
    )
    outcome = render_all(settings, already_rendered=True)
    print()
    print(f"Warehouse for BI tools (DuckDB): {settings.published_db}")
    print(f"Report site:                     {outcome['index']}")
    print(f"Restricted site (pay):           {outcome['restricted_index']}")
    print("Dagster UI:                      make dev  ->  http://127.0.0.1:3000")
    return 0


def _run_demo_crm(settings: Settings, crm: str) -> int:
    """Run the demo from the landing files, or its CRM through a local API replica."""
    if crm == "files":
        return cmd_run_with(settings)
    from replicas.connect import crm_replica

    settings = settings.with_overrides(
        crm="hubspot" if crm == "hubspot-api" else "salesforce", crm_connection="api"
    )
    with crm_replica(crm, settings.landing_dir) as replica:
        print(f"Serving the demo company's CRM through the {crm} replica on 127.0.0.1 ...")
        code = cmd_run_with(settings)
        served = replica.records_served
    print(f"The {crm} replica served {served:,} records and was stopped.")
    return code


def cmd_run_with(settings: Settings) -> int:
    from orchestration.runner import run_pipeline

    outcome = run_pipeline(settings)
    _print_run(outcome, settings)
    if not outcome.success:
        print("The pipeline did not publish; see the run report above.", file=sys.stderr)
        _print_root_causes(outcome.report)
        return 1
    return 0


def cmd_check_landing(args: argparse.Namespace) -> int:
    from ingestion.landing_check import check_landing, format_verdicts, would_load

    settings = _settings(args)
    landing = Path(args.dir).resolve() if args.dir else settings.landing_dir
    verdicts = check_landing(
        landing,
        all_rows=args.all_rows,
        corporate_currency=settings.corporate_currency,
        work_db=settings.work_db,
    )
    print(format_verdicts(landing, verdicts))
    return 0 if would_load(verdicts) else 2


def cmd_grant(args: argparse.Namespace) -> int:
    from orchestration.publish_postgres import (
        PostgresPublishError,
        describe_url,
        grant_reader_roles,
    )

    url = args.url or Settings.from_env().publish_postgres_url
    if not url:
        print("spm grant: no database: set SPM_PUBLISH_POSTGRES_URL or pass --url", file=sys.stderr)
        return 2
    try:
        lines = grant_reader_roles(url)
    except PostgresPublishError as exc:
        print(f"spm grant: {exc}", file=sys.stderr)
        return 1
    print(f"PostgreSQL reader roles on {describe_url(url)}:")
    for line in lines:
        print(f"  {line}")
    print("Give a login role read access with: grant spm_reader to <login role>;")
    return 0


def cmd_dbt_parse(args: argparse.Namespace) -> int:
    from orchestration.dbt_manifest import parse_project

    print(f"dbt manifest: {parse_project(_settings(args))}")
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    from reports.evidence import build_with_evidence

    settings = _settings(args)
    out = Path(args.out) if args.out else settings.reports_dir.parent / "build-evidence"
    build_with_evidence(settings.published_db, out)
    print(f"Evidence build: {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spm", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the demo company into a landing folder")
    gen.add_argument("--out", required=True)
    gen.add_argument("--scale", choices=["small", "medium", "large", "xl"], default="medium")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--as-of", type=_date, default=None)
    gen.add_argument("--fiscal-year-start-month", type=int, default=None)
    gen.add_argument(
        "--exotic-names",
        action="store_true",
        help="put HTML and spreadsheet-formula strings into a few names",
    )
    gen.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing landing folder instead of refusing to write into it",
    )
    gen.set_defaults(func=cmd_generate)

    mapping = sub.add_parser(
        "init-mapping", help="propose crm_export/mapping.yml for any CRM's CSV export"
    )
    mapping.add_argument("file", help="the deals (opportunities) CSV of the export")
    mapping.add_argument("--people", help="the CSV of who reports to whom (optional)")
    mapping.add_argument("--out", help="where to write (default: mapping.yml beside FILE)")
    mapping.add_argument("--force", action="store_true", help="replace an existing mapping")
    mapping.set_defaults(func=cmd_init_mapping)

    run = sub.add_parser("run", help="ingest, build, check, publish, render")
    run.add_argument("--landing")
    run.add_argument("--as-of", type=_date)
    run.add_argument("--warehouse")
    run.add_argument(
        "--engine",
        choices=ENGINES,
        help="where dbt builds the models (default SPM_ENGINE, else duckdb)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="run even when nothing changed since the last successful run",
    )
    run.set_defaults(func=cmd_run)

    check = sub.add_parser("check", help="run every check on the work warehouse")
    check.add_argument("--as-of", type=_date)
    check.add_argument("--warehouse")
    check.set_defaults(func=cmd_check)

    report = sub.add_parser("report", help="render the pages from the published warehouse")
    report.add_argument("--out")
    report.add_argument("--warehouse")
    report.set_defaults(func=cmd_report)

    email = sub.add_parser("email", help="send the leadership digest, or write .eml files")
    email.add_argument("--to", action="append")
    email.add_argument("--eml-dir")
    email.add_argument("--warehouse")
    email.set_defaults(func=cmd_email)

    demo = sub.add_parser("demo", help="generate (if needed) + run, print where to look")
    demo.add_argument("--as-of", type=_date)
    demo.add_argument(
        "--crm",
        choices=["files", "salesforce-api", "hubspot-api"],
        default="files",
        help="read the CRM from the landing files (default) or through a local replica of "
        "the Salesforce or HubSpot API, started and stopped by the command",
    )
    demo.set_defaults(func=cmd_demo)

    landing = sub.add_parser(
        "check-landing",
        help="validate a landing folder without loading it: load, skip or fail per system",
    )
    landing.add_argument("dir", nargs="?", help="landing folder (default SPM_LANDING_DIR)")
    landing.add_argument(
        "--warehouse", help="a system absent here but loaded into this warehouse fails"
    )
    landing.add_argument(
        "--all-rows",
        action="store_true",
        help="read every activity day file, not only the first and the last",
    )
    landing.set_defaults(func=cmd_check_landing)
    grant = sub.add_parser(
        "grant",
        help="create/update the PostgreSQL reader roles spm_reader and spm_pay_reader",
    )
    grant.add_argument("--url", help="libpq URL (default: SPM_PUBLISH_POSTGRES_URL)")
    grant.set_defaults(func=cmd_grant)

    parse = sub.add_parser("dbt-parse", help="write dbt_project/target/manifest.json")
    parse.set_defaults(func=cmd_dbt_parse)

    evidence = sub.add_parser("evidence", help="build the pages with Evidence (needs npm)")
    evidence.add_argument("--out")
    evidence.set_defaults(func=cmd_evidence)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, FileExistsError, WarehouseBusyError) as exc:
        print(f"spm {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        from ingestion.disk_space import DiskFullError, is_disk_full

        if not is_disk_full(exc):
            raise
        path = getattr(exc, "path", None) or exc.filename or "a file"
        print(f"spm {args.command}: {DiskFullError(path)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
