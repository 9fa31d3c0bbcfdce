"""Glue between the pipeline and `reports/`: render both sites, send the weekly email.

Both read only the published files: `spm.duckdb` for the public site and the digests,
`spm_restricted.duckdb` for the restricted site with pay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orchestration.dbt_docs import published_docs
from orchestration.run_report import previous_reports
from orchestration.settings import Settings


def render_all(settings: Settings, already_rendered: bool = False) -> dict[str, Any]:
    """Render the public and the restricted site; return their index paths and warnings."""
    public_index = settings.reports_dir / "index.html"
    restricted_index = settings.restricted_reports_dir / "index.html"
    if already_rendered and public_index.exists():
        return {
            "index": public_index,
            "restricted_index": restricted_index,
            "pages": [],
            "restricted_pages": [],
            "warnings": [],
        }
    from reports.chart_cache import ChartCache
    from reports.page_workers import PagePool
    from reports.render import DOCS_PAGE, SharedPages, render_site

    if not settings.published_db.exists():
        raise FileNotFoundError(f"{settings.published_db} does not exist yet: run `spm run` first")
    currency = settings.corporate_currency
    # dbt's docs of the published run, written into both sites and linked from every footer
    docs_html = published_docs(settings)
    docs = docs_html if docs_html.exists() else None
    # the restricted file is the public one plus pay: pages without pay are drawn once
    shared = SharedPages()
    # charts whose spec (data included) is unchanged since the last render are not redrawn
    charts = ChartCache(settings.chart_cache_dir)
    pages = settings.reader_duckdb_config("pages")
    # a large company's rep and team pages are drawn on every core (reports/page_workers.py)
    with PagePool() as pool:
        # the public site first: the restricted one frames the pages it drew (SharedPages)
        public, restricted = [
            render_site(
                published,
                out_dir,
                restricted=with_pay,
                currency=currency,
                docs_html=docs,
                shared=shared,
                chart_cache=charts,
                duckdb_config=pages,
                pool=pool,
            )
            for published, out_dir, with_pay in (
                (settings.published_db, settings.reports_dir, False),
                (settings.restricted_db, settings.restricted_reports_dir, True),
            )
        ]
    charts.prune()
    warnings = [*public.warnings, *restricted.warnings]
    if docs is None:
        warnings.append(
            "dbt docs are not in the site (no docs link in the footers): the last publish did "
            "not build them; run `spm run` again"
        )
    return {
        "index": public_index,
        "restricted_index": restricted_index,
        "docs": public_index.parent / DOCS_PAGE if docs else None,
        "pages": list(public.pages),
        "restricted_pages": list(restricted.pages),
        "warnings": warnings,
        "charts_drawn": charts.drawn,
        "charts_reused": charts.reused,
        "pages_drawn_by_workers": pool.copies_drawn,
    }


def last_run(settings: Settings) -> dict[str, Any] | None:
    reports = previous_reports(settings.runs_dir)
    return reports[-1] if reports else None


def send_weekly_email(settings: Settings, eml_dir: Path | None = None) -> str:
    """The digests when the last run published; otherwise the 'numbers delayed' note."""
    from reports.digest_delivery import send_digests
    from reports.digests import render_delayed_notice, render_digests

    mail = settings.mail_config()
    run = last_run(settings)
    if run is not None and not run.get("published"):
        failed = [
            f"{c['asset']} {c['name']}"
            for c in run.get("checks", [])
            if not c["passed"] and c["severity"] == "error"
        ] or list(run.get("failed_steps", []))
        digests = [render_delayed_notice(mail, failed, run_id=run.get("run_id"))]
    else:
        # managers' digests say how their people call the forecast (restricted, theirs alone)
        digests = render_digests(settings.published_db, mail, restricted_db=settings.restricted_db)
    outcome = send_digests(digests, mail, eml_dir=eml_dir)
    lines = [f"sent: {subject} -> {to}" for subject, to in outcome.sent]
    lines += [f"written: {path}" for path in outcome.eml_files]
    lines += [f"FAILED: {subject} -> {to}: {why}" for subject, to, why in outcome.failed]
    lines += [f"SKIPPED: {subject} -> {to}: {why}" for subject, to, why in outcome.skipped]
    summary = "\n".join(lines) or "nothing to send"
    if not outcome.ok:
        raise EmailDeliveryError(summary)
    return summary


class EmailDeliveryError(RuntimeError):
    """Some recipients did not get their digest; the message lists each with the reason."""
