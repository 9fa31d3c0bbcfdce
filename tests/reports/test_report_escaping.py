"""Data strings are text, never markup: on pages, in emails; pay never reaches the public site."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy

from reports.digest_delivery import send_digests
from reports.digests import render_digests
from reports.mail_config import MailConfig

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_hostile_names_are_escaped_on_every_page(hostile_site, fixture_module):
    site = hostile_site.out_dir
    shown = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert SCRIPT not in html, f"{path.relative_to(site)} contains a live script tag"
        assert "<b>Labs</b>" not in html, f"{path.relative_to(site)} renders an account's HTML"
        shown += html.count(SCRIPT_ESCAPED)
    assert shown > 5  # the name is really shown, as text, on many pages
    leaderboard = (site / "leaderboard.html").read_text(encoding="utf-8")
    assert SCRIPT_ESCAPED in leaderboard
    formula = fixture_module.FORMULA_NAME.replace('"', "&#34;")
    assert formula in leaderboard  # a spreadsheet formula shows as the text it is


def test_public_site_holds_no_restricted_data(public_site, restricted_site, fixture_module):
    sentinel = f"{fixture_module.RESTRICTED_SENTINEL_AMOUNT:,.0f}"
    for path in public_site.out_dir.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert sentinel not in text and "987654" not in text, path
            # The compensation *system* may be named (data-quality page, missing-system
            # notes); the restricted page and its marts never are.
            assert "compensation.html" not in text and "marts_restricted" not in text, path
            assert "commission_audit" not in text and "pay_for_performance" not in text, path
    restricted = (restricted_site.out_dir / "compensation.html").read_text(encoding="utf-8")
    assert sentinel in restricted
    assert 'href="compensation.html"' in (restricted_site.out_dir / "index.html").read_text()


def test_forecast_tendency_labels_stay_on_the_restricted_site(public_site, restricted_site):
    labels = ("calls low", "calls high", "sandbagger", "over-caller")
    for path in public_site.out_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "forecast-tendencies.html" not in text, path
        assert not any(label in text for label in labels), path
    page = (restricted_site.out_dir / "forecast-tendencies.html").read_text(encoding="utf-8")
    # the label sits beside the figure it is read from: the fixture's -20% trailing bias
    assert "calls low" in page and "-20%" in page


def _mail(tmp_path, **overrides) -> MailConfig:
    base = MailConfig(
        outbox_dir=tmp_path / "warehouse" / "outbox",
        email_from="spm@acme.example",
        email_to=("vp@acme.example", "cro@acme.example"),
    )
    return replace(base, **overrides)


def test_hostile_names_are_escaped_in_emails(hostile_warehouse, tmp_path):
    mail = _mail(tmp_path)
    digests = render_digests(hostile_warehouse, mail)
    report = send_digests(digests, mail, eml_dir=tmp_path / "eml")
    assert len(report.eml_files) == len(digests) == 4
    west = next(d for d in digests if d.subject.startswith("West"))
    assert SCRIPT not in west.html
    assert SCRIPT_ESCAPED in west.html
    assert SCRIPT in west.text  # plain text shows the name as written: it is not markup
    for path in report.eml_files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        html = message.get_body(preferencelist=("html",)).get_content()
        assert SCRIPT not in html
