"""The report site as an asset downstream of `publish`, and the leadership email job.

Pages and emails read only the published warehouse, so they can never show numbers that
failed a blocking check.
"""

import dagster as dg

from orchestration.defs.keys import PUBLISH_KEY
from orchestration.settings import Settings

SITE_KEY = dg.AssetKey("report_site")


def build_report_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    @dg.asset(
        key=SITE_KEY,
        deps=[PUBLISH_KEY],
        group_name="reports",
        kinds={"html"},
        description="The static report site (public) and the restricted site with pay.",
    )
    def report_site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from orchestration.reporting import render_all

        outcome = render_all(settings)
        for warning in outcome["warnings"]:
            context.log.warning(warning)
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.path(str(outcome["index"])),
                "pages": len(outcome["pages"]),
                "restricted_pages": len(outcome["restricted_pages"]),
                "charts_drawn": outcome.get("charts_drawn", 0),
                "charts_reused": outcome.get("charts_reused", 0),
                "pages_drawn_by_workers": outcome.get("pages_drawn_by_workers", 0),
            }
        )

    return [report_site]


def build_email_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(description="Send the leadership and manager digests, or the 'numbers delayed' note.")
    def send_leadership_email(context: dg.OpExecutionContext) -> None:
        from orchestration.reporting import send_weekly_email

        summary = send_weekly_email(settings)
        context.log.info(summary)

    @dg.job(name="leadership_email", description="The weekly leadership digest.")
    def leadership_email() -> None:
        send_leadership_email()

    return leadership_email
