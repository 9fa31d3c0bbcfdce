"""The weekly email sends the 'numbers delayed' note, naming the failed checks, when the last
run did not publish (the schedule's rule), and the scheduled job exists in Dagster."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from orchestration.reporting import send_weekly_email
from orchestration.run_report import write_report
from orchestration.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings.from_env().with_overrides(
        landing_dir=tmp_path / "landing",
        warehouse_dir=tmp_path / "warehouse",
        reports_dir=tmp_path / "reports" / "build",
        smtp_host=None,
        email_from="spm@example.com",
        email_to=("vp@example.com",),
    )


def test_an_unpublished_last_run_sends_the_delayed_note_naming_the_failed_check(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    write_report(
        settings.runs_dir,
        {
            "run_id": "run-1",
            "started_at": "2026-11-30T05:00:00+00:00",
            "published": False,
            "checks": [
                {
                    "name": "opportunity__stage_name_known",
                    "asset": "crm/opportunity",
                    "severity": "error",
                    "passed": False,
                },
                {"name": "freshness", "asset": "crm/user", "severity": "warn", "passed": False},
            ],
        },
    )
    eml_dir = tmp_path / "outbox"
    summary = send_weekly_email(settings, eml_dir=eml_dir)

    files = sorted(eml_dir.glob("*.eml"))
    assert len(files) == 1, summary
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert "delayed" in message["Subject"].lower()
    assert message["To"] == "vp@example.com"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "crm/opportunity opportunity__stage_name_known" in body
    assert "freshness" not in body, "a warning is not a reason to delay the numbers"
