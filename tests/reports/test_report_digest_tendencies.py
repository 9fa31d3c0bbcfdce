"""Forecast tendencies reach each manager's own digest, from the restricted file, and nowhere
else: not the leadership digest, not a digest rendered without the restricted file. (Regional
managers, whom the fixture company has none of: `test_report_demo_company.py`.)"""

from __future__ import annotations

import duckdb
import pytest

from reports.digests import render_digests
from reports.mail_config import MailConfig

SECTION_TEAM = "How your reps call the forecast"


def _mail(tmp_path) -> MailConfig:
    return MailConfig(
        outbox_dir=tmp_path / "outbox",
        email_from="spm@acme.example",
        email_to=("vp@acme.example",),
    )


@pytest.fixture(scope="module")
def digests(report_warehouse, tmp_path_factory):
    # the fixture's file holds marts and marts_restricted: it stands for both files
    mail = _mail(tmp_path_factory.mktemp("tendencies"))
    return render_digests(report_warehouse, mail, restricted_db=report_warehouse)


def _tendencies(db, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_each_team_manager_reads_the_tendencies_of_their_own_reps(digests, report_warehouse):
    managers = [d for d in digests if d.kind == "manager"]
    assert managers
    for digest in managers:
        reps = _tendencies(
            report_warehouse,
            "select submitter_name, forecast_tendency from marts_restricted.forecast_tendencies"
            " where team_id = ? and submitter_role = 'rep' and period_type = 'quarter'",
            digest.team_id,
        )
        others = _tendencies(
            report_warehouse,
            "select submitter_name from marts_restricted.forecast_tendencies"
            " where team_id <> ? and submitter_role = 'rep'",
            digest.team_id,
        )
        if not reps:
            assert SECTION_TEAM not in digest.text
            continue
        assert SECTION_TEAM in digest.text and SECTION_TEAM in digest.html
        section = digest.text.split(SECTION_TEAM)[1]
        for name, tendency in reps:
            line = next(row for row in section.splitlines() if name in row)
            assert tendency in line, line
        assert not [name for (name,) in others if name in section]


def test_the_bias_the_label_is_read_from_stands_beside_it(digests, report_warehouse):
    digest = next(d for d in digests if d.kind == "manager" and SECTION_TEAM in d.text)
    section = digest.text.split(SECTION_TEAM)[1]
    [(name, tendency, bias)] = _tendencies(
        report_warehouse,
        "select submitter_name, forecast_tendency, trailing_bias"
        " from marts_restricted.forecast_tendencies where team_id = ? and submitter_role = 'rep'"
        " order by abs(trailing_bias) desc limit 1",
        digest.team_id,
    )
    line = next(row for row in section.splitlines() if name in row)
    assert tendency in line and f"{round(bias * 100)}%" in line, line


def test_no_tendency_in_the_leadership_digest_or_without_the_restricted_file(
    digests, report_warehouse, tmp_path
):
    (leadership,) = [d for d in digests if d.kind == "leadership"]
    for word in ("calls low", "calls high", "How your"):
        assert word not in leadership.text and word not in leadership.html
    public_only = render_digests(report_warehouse, _mail(tmp_path))
    assert not [d.subject for d in public_only if "call the forecast" in d.text]
    assert not [d.subject for d in public_only if "calls low" in d.text]
