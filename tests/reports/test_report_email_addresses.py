"""One manager's broken address skips that digest only, names the CRM user, and the rest go.

An address with CR/LF used to stop `spm email` at the first refused header, naming no record,
with the later managers' digests never written or sent.
"""

from __future__ import annotations

import shutil
import socket

import duckdb
import pytest
from aiosmtpd.controller import Controller

from reports.addresses import address_problem
from reports.digest_delivery import send_digests
from reports.digests import render_digests
from reports.mail_config import MailConfig

BROKEN = "ana.lead@acme.example\r\nBcc: everyone@elsewhere.example"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def broken_manager(report_warehouse, tmp_path_factory):
    """A copy of the report warehouse whose first manager (by team) has a CR/LF address."""
    path = tmp_path_factory.mktemp("broken_address") / "spm.duckdb"
    shutil.copyfile(report_warehouse, path)
    with duckdb.connect(str(path)) as con:
        rep_id, email, team = con.execute(
            "select rep_id, email, team_id from marts.dim_rep"
            " where is_current and role = 'manager' order by team_id, rep_id limit 1"
        ).fetchone()
        con.execute("update marts.dim_rep set email = ? where rep_id = ?", [BROKEN, rep_id])
        managers = con.execute(
            "select count(distinct team_id) from marts.dim_rep"
            " where is_current and role = 'manager' and email is not null"
        ).fetchone()[0]
    return path, rep_id, team, managers


def _mail(tmp_path, **overrides) -> MailConfig:
    return MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_from="spm@acme.example",
        email_to=("vp@acme.example",),
        **overrides,
    )


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("ana@acme.example", None),
        (BROKEN, "the address contains a line break (CR/LF)"),
        ("ana@acme.example\n", "the address contains a line break (CR/LF)"),
        ("ana(at)acme.example", "not an email address (expected name@domain.tld)"),
        ("Ana <ana@acme.example>", "not an email address (expected name@domain.tld)"),
        ("", "the address is blank"),
    ],
)
def test_an_address_is_checked_on_its_own(address, problem):
    assert address_problem(address) == problem


def test_eml_files_are_written_for_everyone_but_the_broken_address(broken_manager, tmp_path):
    path, rep_id, team, managers = broken_manager
    mail = _mail(tmp_path)
    digests = render_digests(path, mail)
    report = send_digests(digests, mail)
    assert len(report.eml_files) == 1 + managers - 1
    assert not any(team in p.name for p in report.eml_files)
    (skipped,) = report.skipped
    subject, shown, why = skipped
    assert shown == repr(BROKEN)
    assert why == f"the address contains a line break (CR/LF) (CRM user {rep_id})"
    assert not report.ok


def test_over_smtp_the_managers_after_the_broken_one_still_get_theirs(
    broken_manager, smtp_server, tmp_path
):
    inbox, port = smtp_server
    path, rep_id, _, managers = broken_manager
    mail = _mail(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    report = send_digests(render_digests(path, mail), mail, backoff_seconds=0.01)
    assert report.failed == []
    assert len(report.sent) == len(inbox.messages) == 1 + managers - 1
    assert [s[1] for s in report.skipped] == [repr(BROKEN)]
    assert not any(b"everyone@elsewhere" in raw for _, raw in inbox.messages)
