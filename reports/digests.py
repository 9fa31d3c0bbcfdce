"""The leadership digest and the managers' digests, built as messages (sent by digest_delivery).

A digest tells the overview page's story by email: where the quarter stands, successes,
shortfalls, at-risk deals and forecast against quota, with charts as inline PNG images and a
plain-text alternative. Its numbers come from the very queries of the pages
(`pages/index.md` for leadership, `pages/teams/[team_id].md` for each manager,
`pages/regions/[region_id].md` for each regional manager), so an email can never disagree
with the site. Each level sees one level down: the leadership digest (also to the CRO) lists
the regions, a regional manager's digest the region's teams, a manager's digest the team's
reps. A manager's digest runs the team page's queries for their own team only, so it never
shows another team's reps; it and the regional digest open with the reps to coach this week,
in the order and words of `marts.coaching_priorities`.

A company with no quota loaded gets digests led by bookings, win rate and pipeline, with no
quota, attainment or pace; every digest names the systems that are missing and what they
would add. Links point to the served site (`MailConfig.site_url`); without it a digest names
the page to open instead of linking to a file on the machine that rendered it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from reports import charts
from reports.addresses import address_problem, shown
from reports.components import env
from reports.digest_parts import (
    DEAL_COLUMNS,
    DEALS_SHOWN,
    InlineImage,
    chart_image,
    coaching_list,
    first,
    hygiene_deals,
    missing_notes,
    money,
    quarter_headline,
    set_aside_notes,
    slipped_deals,
    stalled_deals,
    table,
    trend_chart,
)
from reports.digest_tendencies import RestrictedReader, tendency_section
from reports.formatting import format_value
from reports.mail_config import MailConfig
from reports.page_format import Page, parse_page
from reports.render import PUBLIC_SCHEMAS, output_path
from reports.site_config import PAGES_DIR, load_site_config
from reports.sql_engine import PageQueries, QueryResult, Warehouse
from reports.weekly_change_digest import weekly_change_section

# The managers of the nodes of one level of the hierarchy (team, region or company): a team
# manager gets their team's digest, a regional manager their region's, the company's manager
# (the CRO) the leadership digest.
MANAGERS_SQL = """
select managers.rep_id, managers.rep_name, managers.email, managers.team_id, teams.team_name
from marts.dim_rep as managers
join marts.dim_team as teams
    on managers.team_id = teams.team_id and teams.is_current and teams.hierarchy_level = ?
where managers.is_current and managers.role = 'manager' and managers.email is not null
    and managers.is_active_on_as_of
order by teams.team_name, managers.rep_name, managers.rep_id
"""
REGION_PAGE = "regions/[region_id].md"


@dataclass
class Digest:
    """One email: who gets it, its subject and both bodies, and its inline charts."""

    kind: str  # leadership | manager | region | delayed
    subject: str
    recipients: tuple[str, ...]
    html: str
    text: str
    images: list[InlineImage] = field(default_factory=list)
    team_id: str | None = None
    # recipient address -> the CRM user id it came from (named when the address is refused)
    recipient_users: dict[str, str] = field(default_factory=dict)

    def addressable(self) -> tuple[list[str], list[tuple[str, str]]]:
        """The recipients that can be addressed, and (shown address, why) for the others."""
        good: list[str] = []
        refused: list[tuple[str, str]] = []
        for recipient in self.recipients:
            problem = address_problem(recipient)
            if problem is None:
                good.append(recipient.strip())
                continue
            user = self.recipient_users.get(recipient)
            refused.append((shown(recipient), problem + (f" (CRM user {user})" if user else "")))
        return good, refused

    def to_message(self, sender: str, to: Sequence[str] | None = None) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = _header(self.subject)
        message["From"] = sender
        message["To"] = ", ".join(to if to is not None else self.recipients) or sender
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        html_part = message.get_payload()[-1]
        for image in self.images:
            html_part.add_related(
                image.png,
                "image",
                "png",
                cid=f"<{image.cid}>",
                filename=image.filename,
                disposition="inline",
            )
        return message


def _header(value: str) -> str:
    return re.sub(r"[\r\n]+", " ", value).strip()


# --- rendering --------------------------------------------------------------------------------


def _results(page: Page, warehouse: Warehouse, params: dict[str, str], pending: frozenset[str]):
    queries = PageQueries(page, warehouse, PUBLIC_SCHEMAS, pending)
    return queries.run_all(params)


@dataclass(frozen=True)
class PageLink:
    """A page of the site: its URL when the site is served (`SPM_SITE_URL`), else its name."""

    url: str | None
    name: str


def _base_url(mail: MailConfig, site_url: str | None) -> str | None:
    """The served site's base URL (`site_url`, else the configured one), or None: never a file."""
    base = site_url or mail.site_url
    if not base or base.lower().startswith("file:"):
        return None
    return base.rstrip("/") + "/"


def _page_link(base: str | None, path: str, name: str) -> PageLink:
    return PageLink(base + path if base else None, name)


def _has_rows(result: object) -> bool:
    return isinstance(result, QueryResult) and bool(result.rows)


def render_digests(
    published_db: Path,
    mail: MailConfig,
    *,
    site_url: str | None = None,
    restricted_db: Path | None = None,
) -> list[Digest]:
    """The leadership digest (to `mail.email_to` and the company's manager, the CRO), one
    digest per team manager and one per regional manager.

    With `restricted_db` (the restricted file), each manager's digest, which goes to that
    manager alone, also says how the people under them call the forecast
    (`reports/digest_tendencies.py`); nothing of it reaches the leadership digest."""
    config = load_site_config()
    base = _base_url(mail, site_url)
    currency = mail.corporate_currency
    index = parse_page((PAGES_DIR / "index.md").read_text(encoding="utf-8"), "index.md")
    team_page_path = "teams/[team_id].md"
    team_page = parse_page((PAGES_DIR / team_page_path).read_text(encoding="utf-8"), team_page_path)
    region_page = parse_page((PAGES_DIR / REGION_PAGE).read_text(encoding="utf-8"), REGION_PAGE)
    warehouse = Warehouse(published_db, mail.duckdb_config)
    restricted = RestrictedReader(restricted_db, mail.duckdb_config)
    try:
        leadership = _leadership(index, warehouse, config.pending_marts, mail, base, currency)
        for company in _managed_teams(warehouse, "company"):  # the CRO reads the company's
            for email in company["emails"]:
                if email not in leadership.recipients:
                    leadership.recipients += (email,)
                    leadership.recipient_users[email] = company["users"][email]
        digests = [leadership]
        for team in _managed_teams(warehouse):
            digest = _manager(
                team_page, team, warehouse, config.pending_marts, base, currency, restricted
            )
            digest.recipient_users = dict(team.get("users", {}))
            digests.append(digest)
        for region in _managed_teams(warehouse, "region"):
            digest = _regional(
                region_page, region, warehouse, config.pending_marts, base, currency, restricted
            )
            digest.recipient_users = dict(region.get("users", {}))
            digests.append(digest)
    finally:
        warehouse.close()
        restricted.close()
    return digests


def _managed_teams(warehouse: Warehouse, level: str = "team") -> list[dict]:
    """One entry per node of `level` with a manager: two managers get one digest together."""
    cursor = warehouse.con.execute(MANAGERS_SQL, [level])
    columns = [d[0] for d in cursor.description]
    teams: dict[str, dict] = {}
    for row in cursor.fetchall():
        manager = dict(zip(columns, row, strict=True))
        team = teams.setdefault(
            str(manager["team_id"]),
            {"team_id": manager["team_id"], "team_name": manager["team_name"], "emails": []},
        )
        if manager["email"] not in team["emails"]:
            team["emails"].append(str(manager["email"]))
            team.setdefault("users", {})[str(manager["email"])] = str(manager["rep_id"])
    return list(teams.values())


def _leadership(page, warehouse, pending, mail, base, currency) -> Digest:
    r = _results(page, warehouse, {}, pending)
    quarter = first(r["current_periods"], "quarter") or "this quarter"
    attainment = first(r["company_quarter"], "attainment")
    has_quotas = _has_rows(r["has_quotas"])
    has_forecasts = _has_rows(r["has_forecasts"])
    has_activities = _has_rows(r["has_activities"])
    headline = quarter_headline(r["company_quarter"], r["quarter_pace"], currency, has_quotas)
    if has_forecasts:
        headline += [
            ("Commit call", money(first(r["forecast_calls"], "commit_amount"), currency)),
            ("Best case call", money(first(r["forecast_calls"], "best_case_amount"), currency)),
            (
                "Projection",
                money(first(r["projection"], "projected_amount"), currency)
                if isinstance(r["projection"], QueryResult)
                else "not available yet",
            ),
        ]
    forecast_chart = (
        chart_image(
            r["forecast_vs_quota"],
            "forecast",
            lambda q: charts.chart_spec(
                "bar",
                q.frame(),
                "measure",
                ["amount"],
                swap_xy=True,
                y_fmt="cur",
                currency=currency,
                width=520,
                height=160,
                title=f"Quota, closed and the latest calls, {quarter}",
                x_title="",
                values=True,
            ),
        )
        if has_forecasts
        else None
    )
    images = [
        img
        for img in (forecast_chart, trend_chart(r["monthly_trend"], currency, has_quotas))
        if img
    ]
    if has_quotas:
        winners = (
            f"Reps at or above quota, {quarter}",
            table(
                r["reps_at_quota"],
                [
                    ("rep_name", "Rep", None),
                    ("team_name", "Team", None),
                    ("attainment", "Attainment", "pct1"),
                ],
                currency,
            ),
        )
    else:
        winners = (
            f"Top reps by bookings, {quarter}",
            table(
                r["top_reps_by_bookings"],
                [
                    ("rep_name", "Rep", None),
                    ("bookings_amount", "Bookings", "cur"),
                    ("win_rate", "Win rate", "pct0"),
                ],
                currency,
            ),
        )
    region_columns = (
        [
            ("region_name", "Region", None),
            ("attainment", "Attainment", "pct1"),
            ("pace_gap_amount", "Pace", "gap"),
            ("coverage", "Coverage", "x1"),
        ]
        if has_quotas
        else [
            ("region_name", "Region", None),
            ("bookings_amount", "Bookings", "cur"),
            ("win_rate", "Win rate", "pct0"),
            ("open_pipeline_amount", "Open pipeline", "cur"),
        ]
    )
    regions = table(r["regions_quarter"], region_columns, currency, 20)
    sections = [
        *(
            [("Regions", None, [(f"Regions, {quarter}", regions)])]
            if regions is not None and regions["rows"]
            else []
        ),
        (
            "Successes",
            first(r["successes_summary"], "summary") if has_quotas else None,
            [
                winners,
                (
                    f"Top deals won, {quarter}",
                    table(r["top_deals"], DEAL_COLUMNS, currency, DEALS_SHOWN),
                ),
                (
                    "Badges earned",
                    table(
                        r["badges_quarter"],
                        [("rep_name", "Rep", None), ("badge_name", "Badge", None)],
                        currency,
                    ),
                ),
            ],
        ),
        (
            "Shortfalls",
            first(r["shortfalls_summary"], "summary"),
            [
                (
                    "Reps behind pace",
                    table(
                        r["reps_behind"],
                        [
                            ("rep_name", "Rep", None),
                            ("team_name", "Team", None),
                            ("pace_gap_amount", "Pace", "gap"),
                            ("required_run_rate_amount", "Needed per day", "cur"),
                        ],
                        currency,
                    ),
                ),
                (
                    "Teams behind pace",
                    table(
                        r["teams_behind"],
                        [("team_name", "Team", None), ("pace_gap_amount", "Pace", "gap")],
                        currency,
                    ),
                ),
            ],
        ),
        (
            "At-risk pipeline",
            first(r["at_risk_summary"], "summary") if has_activities else None,
            [
                *([stalled_deals(r["stalled"], currency)] if has_activities else []),
                slipped_deals(r["slipped"], currency),
                (
                    f"Teams with coverage below need, {quarter}",
                    table(
                        r["coverage_below_need"],
                        [
                            ("team_name", "Team", None),
                            ("coverage", "Coverage", "x1"),
                            ("coverage_needed", "Needed", "x1"),
                        ],
                        currency,
                    ),
                ),
            ],
        ),
    ]
    if not has_quotas:
        sections = [section for section in sections if section[0] != "Shortfalls"]
        title, summary, tables = sections[-1]
        sections[-1] = (title, summary, [t for t in tables if "coverage" not in t[0]])
        booked = money(first(r["company_quarter"], "bookings_amount"), currency)
        subject = f"Sales performance {quarter}: {booked} booked"
    else:
        subject = f"Sales performance {quarter}: {format_value(attainment, 'pct0')} of quota"
    sections.insert(0, weekly_change_section(r, currency))
    return _digest(
        "leadership",
        subject,
        tuple(mail.email_to),
        "Leadership digest",
        str(quarter),
        headline,
        sections,
        images,
        _page_link(base, "index.html", "Overview"),
        None,
        missing_notes(r["missing_sources"]),
        set_aside=set_aside_notes(r["set_aside_deals"]),
    )


def _manager(page, manager, warehouse, pending, base, currency, restricted) -> Digest:
    team_id = str(manager["team_id"])
    r = _results(page, warehouse, {"team_id": team_id}, pending)
    quarter = first(r["current_periods"], "quarter") or "this quarter"
    attainment = first(r["team_quarter"], "attainment")
    has_quotas = _has_rows(r["has_quotas"])
    missing = r["missing_sources"]
    has_activities = not (
        isinstance(missing, QueryResult)
        and any(row.get("dataset") == "activities" for row in missing.records())
    )
    headline = quarter_headline(r["team_quarter"], r["team_pace"], currency, has_quotas)
    if _has_rows(r["team_forecast_call"]):
        # the team's own node call (forecast_calls): its manager's, else its reps' roll-up
        headline.append(
            ("Commit call", money(first(r["team_forecast_call"], "commit_amount"), currency))
        )
    if has_quotas:
        headline.append(
            (
                "Needed per selling day",
                money(first(r["team_pace"], "required_run_rate_amount"), currency),
            )
        )
        rep_columns = [
            ("rep_name", "Rep", None),
            ("attainment", "Attainment", "pct1"),
            ("pace_gap_amount", "Pace", "gap"),
            ("required_run_rate_amount", "Needed per day", "cur"),
        ]
    else:
        rep_columns = [
            ("rep_name", "Rep", None),
            ("bookings_amount", "Bookings", "cur"),
            ("win_rate", "Win rate", "pct0"),
            ("open_pipeline_amount", "Open pipeline", "cur"),
        ]
    images = [img for img in (trend_chart(r["monthly_trend"], currency, has_quotas),) if img]
    sections = [
        (
            "Your team",
            first(r["team_summary"], "summary") if has_quotas else None,
            [(f"Reps, {quarter}", table(r["team_reps"], rep_columns, currency, 50))],
        ),
        (
            "Deals that need attention",
            None,
            [
                *([stalled_deals(r["team_stalled"], currency)] if has_activities else []),
                slipped_deals(r["team_slipped"], currency),
                hygiene_deals(r["team_hygiene"], currency),
            ],
        ),
    ]
    tendencies = tendency_section(restricted.tendencies("team", team_id), "team", currency)
    if tendencies is not None:
        sections.append(tendencies)
    team_name = str(manager["team_name"])
    if has_quotas:
        subject = f"{team_name} team {quarter}: {format_value(attainment, 'pct0')} of quota"
    else:
        booked = money(first(r["team_quarter"], "bookings_amount"), currency)
        subject = f"{team_name} team {quarter}: {booked} booked"
    link = _page_link(base, output_path(team_page_name(), team_id), f"{team_name} team")
    sections.insert(0, weekly_change_section(r, currency))
    return _digest(
        "manager",
        subject,
        tuple(manager["emails"]),
        f"{team_name} team",
        str(quarter),
        headline,
        sections,
        images,
        link,
        team_id,
        missing_notes(r["missing_sources"]),
        coaching_list(r["team_coaching"], r["team_coaching_deals"], currency),
        set_aside=set_aside_notes(r["set_aside_deals"]),
    )


def team_page_name() -> str:
    return "teams/[team_id].md"


def _regional(page, manager, warehouse, pending, base, currency, restricted) -> Digest:
    """A regional manager's digest: the region's quarter, its teams as rows, whom to coach."""
    region_id = str(manager["team_id"])
    r = _results(page, warehouse, {"region_id": region_id}, pending)
    quarter = first(r["current_periods"], "quarter") or "this quarter"
    has_quotas = _has_rows(r["has_quotas"])
    headline = quarter_headline(r["region_quarter"], r["region_pace"], currency, has_quotas)
    if has_quotas:
        team_columns = [
            ("team_name", "Team", None),
            ("attainment", "Attainment", "pct1"),
            ("pace_gap_amount", "Pace", "gap"),
            ("coverage", "Coverage", "x1"),
        ]
    else:
        team_columns = [
            ("team_name", "Team", None),
            ("bookings_amount", "Bookings", "cur"),
            ("win_rate", "Win rate", "pct0"),
            ("open_pipeline_amount", "Open pipeline", "cur"),
        ]
    images = [img for img in (trend_chart(r["monthly_trend"], currency, has_quotas),) if img]
    sections = [
        (
            "Your teams",
            None,
            [(f"Teams, {quarter}", table(r["region_teams"], team_columns, currency, 50))],
        )
    ]
    tendencies = tendency_section(restricted.tendencies("region", region_id), "region", currency)
    if tendencies is not None:
        sections.append(tendencies)
    region_name = str(manager["team_name"])
    if has_quotas:
        attainment = format_value(first(r["region_quarter"], "attainment"), "pct0")
        subject = f"{region_name} region {quarter}: {attainment} of quota"
    else:
        booked = money(first(r["region_quarter"], "bookings_amount"), currency)
        subject = f"{region_name} region {quarter}: {booked} booked"
    notes = missing_notes(r["missing_sources"])
    link = _page_link(base, output_path(REGION_PAGE, region_id), f"{region_name} region")
    sections.insert(0, weekly_change_section(r, currency))
    return _digest(
        "region",
        subject,
        tuple(manager["emails"]),
        f"{region_name} region",
        str(quarter),
        headline,
        sections,
        images,
        link,
        region_id,
        notes,
        coaching_list(r["region_coaching"], r["region_coaching_deals"], currency),
        set_aside=set_aside_notes(r["set_aside_deals"]),
    )


def _digest(
    kind,
    subject,
    recipients,
    heading,
    quarter,
    headline,
    sections,
    images,
    link,
    team_id,
    notes,
    coaching=None,
    set_aside=None,
) -> Digest:
    context = {
        "set_aside": set_aside,
        "coaching": coaching,
        "heading": heading,
        "quarter": quarter,
        "headline": headline,
        "sections": sections,
        "images": images,
        "link": link,
        "notes": notes,
    }
    html = env.get_template("email.html.j2").render(**context)
    text = env.get_template("email.txt.j2").render(**context)
    return Digest(kind, subject, recipients, html, _plain(text), images, team_id)


def _plain(text: str) -> str:
    """Jinja autoescapes the text template too; a plain-text part must show raw characters."""
    import html as html_module

    return html_module.unescape(text)


def render_delayed_notice(
    mail: MailConfig,
    failed_checks: Sequence[str],
    *,
    run_id: str | None = None,
    site_url: str | None = None,
) -> Digest:
    """The short note sent instead of the digest when the last run did not publish."""
    base = _base_url(mail, site_url)
    context = {
        "checks": list(failed_checks),
        "run_id": run_id,
        "link": _page_link(base, "index.html", "Overview"),
    }
    html = env.get_template("email_delayed.html.j2").render(**context)
    text = _plain(env.get_template("email_delayed.txt.j2").render(**context))
    return Digest(
        "delayed",
        "Sales performance numbers delayed: checks failed",
        tuple(mail.email_to),
        html,
        text,
    )
