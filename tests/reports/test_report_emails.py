"""Digests reach the right people over SMTP (aiosmtpd on 127.0.0.1), or land as .eml files."""

from __future__ import annotations

import email
import re
import socket
from dataclasses import replace
from email import policy

import duckdb
import pytest
from aiosmtpd.controller import Controller

from reports.digest_delivery import send_digests
from reports.digests import render_delayed_notice, render_digests
from reports.mail_config import MailConfig


class Inbox:
    """An SMTP handler that keeps every message, refuses `bad@` and delays `flaky@` once."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.flaky_seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bad@"):
            return "550 5.1.1 no such user"
        if address.startswith("flaky@"):
            self.flaky_seen += 1
            if self.flaky_seen == 1:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _mail(tmp_path, **overrides) -> MailConfig:
    base = MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_from="spm@acme.example",
        email_to=("vp@acme.example", "cro@acme.example"),
    )
    return replace(base, **overrides)


@pytest.fixture(scope="module")
def digests_and_teams(report_warehouse, tmp_path_factory):
    mail = _mail(tmp_path_factory.mktemp("digest"))
    digests = render_digests(report_warehouse, mail, site_url="https://reports.acme.example")
    con = duckdb.connect(str(report_warehouse), read_only=True)
    reps = con.execute(
        "select rep_name, team_id from marts.dim_rep where is_current and role = 'rep'"
    ).fetchall()
    managers = dict(
        con.execute(
            "select email, team_id from marts.dim_rep where is_current and role = 'manager'"
        ).fetchall()
    )
    quarter = con.execute(
        "select max(fiscal_period) from marts.rep_pacing where period_type = 'quarter'"
    ).fetchone()[0]
    con.close()
    return digests, reps, managers, quarter


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_leadership_and_manager_digests_arrive(smtp_server, digests_and_teams, tmp_path):
    inbox, port = smtp_server
    digests, reps, managers, quarter = digests_and_teams
    mail = _mail(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    report = send_digests(digests, mail, backoff_seconds=0.01)
    assert report.failed == []
    delivered = {rcpt[0]: _parse(raw) for rcpt, raw in inbox.messages}
    assert set(delivered) == {"vp@acme.example", "cro@acme.example", *managers}

    leadership = delivered["vp@acme.example"]
    assert leadership["Subject"].startswith(f"Sales performance {quarter}: ")
    assert leadership["To"] == "vp@acme.example"
    assert leadership.get_content_type() == "multipart/alternative"
    text = leadership.get_body(preferencelist=("plain",)).get_content()
    html = leadership.get_body(preferencelist=("html",)).get_content()
    assert "Successes" in text and "Shortfalls" in text
    assert "https://reports.acme.example/index.html" in html
    assert "https://reports.acme.example/index.html" in text
    _assert_images_resolve(leadership, html, expected=2)

    for address, team_id in managers.items():
        message = delivered[address]
        html = message.get_body(preferencelist=("html",)).get_content()
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert f"https://reports.acme.example/teams/{team_id}.html" in html
        _assert_images_resolve(message, html, expected=1)
        for rep_name, rep_team in reps:
            if rep_team == team_id:
                assert rep_name in text, f"{rep_name} missing from their manager's digest"
            else:
                assert rep_name not in text and rep_name not in html, (
                    f"{address}'s digest shows {rep_name} of another team"
                )


def _assert_images_resolve(message, html: str, expected: int) -> None:
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert len(cids) == expected
    related = message.get_payload()[1]
    assert related.get_content_type() == "multipart/related"
    attached = {
        part["Content-ID"].strip("<>"): part
        for part in related.iter_parts()
        if part.get_content_type() == "image/png"
    }
    for cid in cids:
        assert cid in attached, f"cid:{cid} has no attachment"
        assert attached[cid].get_content().startswith(b"\x89PNG")


def test_bad_recipient_does_not_stop_the_others_and_transient_errors_retry(
    smtp_server, digests_and_teams, tmp_path
):
    inbox, port = smtp_server
    digests = digests_and_teams[0][:1]  # the leadership digest
    mail = _mail(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        email_to=("bad@acme.example", "flaky@acme.example", "vp@acme.example"),
    )
    leadership = render_like(digests[0], mail.email_to)
    report = send_digests([leadership], mail, backoff_seconds=0.01)
    assert [r for _, r in report.sent] == ["flaky@acme.example", "vp@acme.example"]
    assert len(report.failed) == 1
    subject, recipient, reason = report.failed[0]
    assert recipient == "bad@acme.example" and "550" in reason
    assert inbox.flaky_seen == 2  # refused once with 451, accepted on the retry
    assert sorted(r[0] for r, _ in inbox.messages) == ["flaky@acme.example", "vp@acme.example"]


def render_like(digest, recipients):
    return replace(digest, recipients=tuple(recipients))


def test_unreachable_server_is_reported_after_retries(digests_and_teams, tmp_path):
    mail = _mail(tmp_path, smtp_host="127.0.0.1", smtp_port=_free_port())
    report = send_digests(digests_and_teams[0][:1], mail, retries=2, backoff_seconds=0.01)
    assert report.sent == []
    assert {r for _, r, _ in report.failed} == {"vp@acme.example", "cro@acme.example"}
    assert all("ConnectionRefusedError" in reason for _, _, reason in report.failed)


def test_without_smtp_digests_are_written_as_eml(digests_and_teams, tmp_path):
    digests = digests_and_teams[0]
    mail = _mail(tmp_path)  # no smtp_host
    report = send_digests(digests, mail)
    assert report.eml_files and all(p.parent == mail.outbox_dir for p in report.eml_files)
    names = sorted(p.name for p in report.eml_files)
    assert names[0] == "leadership-company.eml" and len(names) == len(digests)
    message = _parse((mail.outbox_dir / "leadership-company.eml").read_bytes())
    assert message["To"] == "vp@acme.example, cro@acme.example"
    assert message.get_body(preferencelist=("html",)) is not None


def test_numbers_delayed_note_names_failed_checks(smtp_server, tmp_path):
    inbox, port = smtp_server
    mail = _mail(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    note = render_delayed_notice(
        mail,
        ["rep_performance: attainment within [0, 10]", "<b>freshness</b> of crm"],
        run_id="run-42",
    )
    report = send_digests([note], mail, backoff_seconds=0.01)
    assert report.failed == []
    message = _parse(inbox.messages[0][1])
    assert "delayed" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "rep_performance: attainment within [0, 10]" in text and "run-42" in text
    assert "&lt;b&gt;freshness&lt;/b&gt; of crm" in html


def test_a_team_with_two_managers_gets_one_digest_to_both(report_warehouse, tmp_path):
    """Co-managed teams happen (a hand-over, a job share): one digest, both addresses, and
    no `.eml` file written over another."""
    warehouse = tmp_path / "spm.duckdb"
    warehouse.write_bytes(report_warehouse.read_bytes())
    con = duckdb.connect(str(warehouse))
    team_id, first_email = con.execute(
        "select team_id, email from marts.dim_rep where is_current and role = 'manager' "
        "order by team_id limit 1"
    ).fetchone()
    con.execute(
        "insert into marts.dim_rep select * replace ("
        "'CO-MANAGER' as rep_id, 'Aaron Co-Manager' as rep_name, "
        "'co.manager@acme.example' as email) "
        "from marts.dim_rep where is_current and role = 'manager' and team_id = ?",
        [team_id],
    )
    con.close()
    mail = _mail(tmp_path)
    digests = render_digests(warehouse, mail)
    team_digests = [d for d in digests if d.kind == "manager" and d.team_id == team_id]
    assert len(team_digests) == 1
    assert set(team_digests[0].recipients) == {first_email, "co.manager@acme.example"}
    report = send_digests(digests, mail, eml_dir=tmp_path / "eml")
    assert len({p.name for p in report.eml_files}) == len(digests)
    message = _parse((tmp_path / "eml" / f"manager-{team_id}.eml").read_bytes())
    assert "co.manager@acme.example" in message["To"] and first_email in message["To"]


def test_building_a_digest_sends_nothing():
    """`reports.digests` builds messages only: SMTP and `.eml` writing live in delivery."""
    import ast
    from pathlib import Path

    import reports.digests

    tree = ast.parse(Path(reports.digests.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"smtplib", "socket", "time"}
    assert "send_digests" not in vars(reports.digests)
