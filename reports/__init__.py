"""Report pages (Evidence-compatible markdown in pages/), the static-site renderer, emails.

Entry points: `reports.render.render_site`, `reports.emails.render_digests` /
`send_digests` / `render_delayed_notice`, `reports.evidence.build_with_evidence`.
"""
