"""Report pages (Evidence-compatible markdown in pages/), the static-site renderer, emails.

Entry points: `reports.render.render_site`, `reports.digests.render_digests` /
`render_delayed_notice` (build), `reports.digest_delivery.send_digests` (send), each given a
`reports.mail_config.MailConfig`, and `reports.evidence.build_with_evidence`.
"""
