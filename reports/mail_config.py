"""What the digests need to know of the deployment: who gets them, where the site is, how to mail.

The reports never read the orchestration's settings: the orchestration builds this from them
in one place (`Settings.mail_config()`) and passes it in, so the reports can be built and
tested on their own and `SPM_*` variables reach them through one door.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class MailConfig:
    """The digests' recipients, links and mail server; each field says what it changes."""

    # Where `.eml` files go when no SMTP host is configured and no folder is given.
    outbox_dir: Path
    # The currency every amount in a digest is shown in (ISO 4217).
    corporate_currency: str = "USD"
    # The leadership digest's recipients (the company's manager is added from the data).
    email_to: tuple[str, ...] = ()
    # The From address; `spm-reports@localhost` when unset.
    email_from: str | None = None
    # Where the report site is served: digests link there, never to a local file.
    site_url: str | None = None
    # The SMTP server; without a host the digests are written as `.eml` files.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    # Refuse to send a password over a server that offers no STARTTLS.
    smtp_starttls: bool = True
    # How the digests open the published files: the run's DuckDB memory limit and the
    # owner-only folder they spill into beyond it (`sql_engine.Warehouse`); empty: DuckDB's
    # defaults.
    duckdb_config: Mapping[str, str] = field(default_factory=dict)

    @property
    def sender(self) -> str:
        return self.email_from or "spm-reports@localhost"
