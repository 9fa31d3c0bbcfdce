"""Deliver the digests: over SMTP, one transaction per recipient, or as `.eml` files.

Building a digest (`reports.digests`) touches no network and no disk beyond the warehouse;
everything that can fail on the way to an inbox (a refused address, a server that drops the
connection, one without STARTTLS) is handled here and reported per digest and recipient.
"""

from __future__ import annotations

import smtplib
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reports.digests import Digest
from reports.mail_config import MailConfig
from reports.render import safe_name


@dataclass
class SendReport:
    """What happened to every (digest, recipient): sent, failed with the reason, or written."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    eml_files: list[Path] = field(default_factory=list)
    # (subject, recipient as shown, why): an address that cannot be used; the digest to the
    # other recipients still goes out, and one with no usable recipient is skipped
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped


_TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    socket.timeout,
    TimeoutError,
)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, OSError)


def send_digests(
    digests: Sequence[Digest],
    mail: MailConfig,
    eml_dir: Path | None = None,
    *,
    retries: int = 3,
    backoff_seconds: float = 2.0,
) -> SendReport:
    """Send every digest to each of its recipients, or write `.eml` files.

    `.eml` files are written when `eml_dir` is given or no SMTP host is configured (then to
    `mail.outbox_dir`). Over SMTP each recipient is its own transaction, so one bad
    address does not stop the others; transient failures are retried with exponential
    back-off, permanent ones (5xx) are reported at once.
    """
    sender = mail.sender
    report = SendReport()
    if eml_dir is not None or not mail.smtp_host:
        target = eml_dir or mail.outbox_dir
        target.mkdir(parents=True, exist_ok=True)
        written: set[str] = set()
        for digest in digests:
            good, refused = digest.addressable()
            report.skipped.extend((digest.subject, shown_, why) for shown_, why in refused)
            if refused and not good:
                continue
            stem = safe_name(f"{digest.kind}-{digest.team_id or 'company'}")
            name, n = stem + ".eml", 1
            while name in written:  # never let one digest overwrite another
                n += 1
                name = f"{stem}-{n}.eml"
            written.add(name)
            path = target / name
            path.write_bytes(digest.to_message(sender, good or None).as_bytes())
            report.eml_files.append(path)
        return report
    connection: smtplib.SMTP | None = None
    try:
        for digest in digests:
            if not digest.recipients:
                report.failed.append((digest.subject, "", "no recipients (set SPM_EMAIL_TO)"))
            good, refused = digest.addressable()
            report.skipped.extend((digest.subject, shown_, why) for shown_, why in refused)
            for recipient in good:
                message = digest.to_message(sender, [recipient])
                for attempt in range(retries + 1):
                    try:
                        if connection is None:
                            connection = _connect(mail)
                        connection.send_message(message, from_addr=sender, to_addrs=[recipient])
                        report.sent.append((digest.subject, recipient))
                        break
                    except (smtplib.SMTPException, OSError) as exc:
                        if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                            connection = _close(connection)
                        else:
                            connection = _reset(connection)
                        if not _is_transient(exc) or attempt == retries:
                            report.failed.append((digest.subject, recipient, _reason(exc)))
                            break
                        time.sleep(backoff_seconds * (2**attempt))
    finally:
        _close(connection)
    return report


def _connect(mail: MailConfig) -> smtplib.SMTP:
    connection = smtplib.SMTP(mail.smtp_host or "", mail.smtp_port, timeout=30)
    connection.ehlo()
    if mail.smtp_starttls and connection.has_extn("starttls"):
        connection.starttls()
        connection.ehlo()
    elif mail.smtp_starttls and mail.smtp_user:
        connection.close()
        raise smtplib.SMTPNotSupportedError(
            f"{mail.smtp_host}:{mail.smtp_port} offers no STARTTLS; refusing to send "
            "the password in clear (set SPM_SMTP_STARTTLS=false to allow it)"
        )
    if mail.smtp_user:
        connection.login(mail.smtp_user, mail.smtp_password or "")
    return connection


def _reset(connection: smtplib.SMTP | None) -> smtplib.SMTP | None:
    """After a refused recipient, clear the transaction; a broken connection is dropped."""
    if connection is None:
        return None
    try:
        connection.rset()
    except (smtplib.SMTPException, OSError):
        return _close(connection)
    return connection


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
    return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values()
        )
    return f"{type(exc).__name__}: {exc}"
