"""Propose a `mapping.yml` for a CRM CSV export from its headers and a sample of its values.

`spm init-mapping deals.csv [--people teams.csv]` writes the proposal for the user to read and
edit: which column holds each field, the date format, what the owner column holds, and every
distinct stage value with a guessed status. Guesses are made from names first (a column
called `close_date` is the close date) and checked against the values (it must parse as
dates), so a wrong guess is rare and always visible in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingestion.sources.crm_export.export import parse_amount

SAMPLE_ROWS = 5000
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%m/%d/%y",
    "%d-%m-%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
)
WON_WORDS = ("won", "win", "closed won", "signed", "booked", "closedwon")
LOST_WORDS = ("lost", "loss", "closed lost", "dead", "disqualified", "rejected", "closedlost")

# header words that name each field, strongest first
_HINTS: dict[str, tuple[str, ...]] = {
    "id": ("opportunity_id", "opportunityid", "deal_id", "dealid", "opp_id", "id"),
    "owner": (
        "owner",
        "sales_agent",
        "agent",
        "sales_rep",
        "rep",
        "salesperson",
        "account_executive",
        "user",
    ),
    "amount": ("amount", "close_value", "value", "revenue", "deal_size", "price", "total", "acv"),
    "stage": ("stage", "deal_stage", "status", "phase"),
    "close_date": ("close_date", "closedate", "closed", "close", "expected_close"),
    "created_date": ("created_date", "createddate", "created", "engage", "open", "start"),
    "account": ("account", "company", "customer", "client", "organization"),
    "product": ("product", "sku", "plan", "item"),
    "name": ("deal_name", "opportunity_name", "opportunity", "deal", "title", "name"),
    "next_step": ("next_step", "nextstep", "next_action"),
}
_PEOPLE_HINTS: dict[str, tuple[str, ...]] = {
    "manager": ("manager", "supervisor", "team_lead", "lead", "reports_to"),
    "region": ("region", "regional_office", "office", "territory", "area", "location"),
    "email": ("email", "e_mail", "mail"),
}


def _snake(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


@dataclass
class Sample:
    """The header and up to `SAMPLE_ROWS` rows of a CSV file, as text."""

    header: list[str]
    rows: list[dict[str, str]]

    def values(self, column: str) -> list[str]:
        return [v.strip() for row in self.rows if (v := row.get(column) or "").strip()]


def read_sample(path: Path, rows: int = SAMPLE_ROWS) -> Sample:
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        sample = [row for _, row in zip(range(rows), reader, strict=False)]
    return Sample(header, sample)


def _score(header: str, hints: tuple[str, ...]) -> int:
    """How strongly a header names a field: exact hint > hint as a word > hint inside."""
    name = _snake(header)
    words = name.split("_")
    best = 0
    for rank, hint in enumerate(hints):
        weight = len(hints) - rank
        if name == hint:
            best = max(best, 300 + weight)
        elif "_" in hint and hint in name:
            best = max(best, 200 + weight)
        elif hint in words:
            best = max(best, 100 + weight)
    return best


def date_format_of(values: list[str]) -> str | None:
    """The first format every value parses with (US before day-first when both fit)."""
    if not values:
        return None
    distinct = list(dict.fromkeys(values))[:500]
    for fmt in DATE_FORMATS:
        try:
            for value in distinct:
                dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return fmt
    return None


def _is_amount(values: list[str]) -> bool:
    return bool(values) and all(parse_amount(v) is not None for v in values)


def _pick(sample: Sample, field: str, taken: set[str], accept: object = None) -> str | None:
    candidates = sorted(
        (
            (score, -i, h)
            for i, h in enumerate(sample.header)
            if h not in taken and (score := _score(h, _HINTS[field])) > 0
        ),
        reverse=True,
    )
    for _, _, header in candidates:
        if accept is None or accept(sample.values(header)):  # type: ignore[operator]
            return header
    return None


def guess_status(value: str) -> str:
    """won / lost / open from the stage's words ("Closed Won" is won, "Lost" is lost)."""
    words = _snake(value).replace("_", " ")
    compact = words.replace(" ", "")
    if any(w in (words, compact) or re.search(rf"\b{w}\b", words) for w in LOST_WORDS):
        return "lost"
    if any(w in (words, compact) or re.search(rf"\b{w}\b", words) for w in WON_WORDS):
        return "won"
    return "open"


def owner_key_of(values: list[str]) -> str:
    """What the owner column holds: emails, ids (no spaces, with digits) or names."""
    if values and sum("@" in v for v in values) > len(values) / 2:
        return "email"
    if values and all(" " not in v and any(c.isdigit() for c in v) for v in values):
        return "id"
    return "name"


@dataclass
class Proposal:
    """The guessed mapping, kept as data so tests and the CLI read the same guesses."""

    deals_file: str
    columns: dict[str, str]
    owner_key: str
    date_format: str | None
    currency_column: str | None
    stages: list[tuple[str, int, str]]  # value, rows, guessed status
    people_file: str | None = None
    people_columns: dict[str, str] | None = None


def _unique(values: list[str]) -> bool:
    return bool(values) and len(set(values)) == len(values)


def _low_cardinality(values: list[str]) -> bool:
    return bool(values) and len(set(values)) <= 40


def _dates(values: list[str]) -> bool:
    return date_format_of(values) is not None


def propose(
    deals_csv: Path, people_csv: Path | None = None, out_dir: Path | None = None
) -> Proposal:
    """Guess the mapping of an export from its header and sampled values."""
    deals_csv = Path(deals_csv)
    out_dir = Path(out_dir) if out_dir is not None else deals_csv.parent
    sample = read_sample(deals_csv)
    taken: set[str] = set()
    columns: dict[str, str] = {}
    rules = {
        "id": _unique,
        "owner": lambda v: bool(v),
        "amount": _is_amount,
        "stage": _low_cardinality,
        "close_date": _dates,
        "created_date": _dates,
        "account": lambda v: bool(v),
        "product": lambda v: bool(v),
        "name": lambda v: bool(v),
        # a next-step column may be blank in most rows: the header is what identifies it
        "next_step": lambda v: True,
    }
    for field, accept in rules.items():
        found = _pick(sample, field, taken, accept)
        if found is not None:
            columns[field] = found
            taken.add(found)
    date_values = [
        v for f in ("close_date", "created_date") if f in columns for v in sample.values(columns[f])
    ]
    currency_column = next(
        (h for h in sample.header if "currency" in _snake(h) and h not in taken), None
    )
    stage_counts: Counter[str] = Counter()
    if "stage" in columns:
        with deals_csv.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                value = (row.get(columns["stage"]) or "").strip()
                if value:
                    stage_counts[value] += 1
    rank = {"open": 0, "won": 1, "lost": 2}
    stages = sorted(
        ((value, count, guess_status(value)) for value, count in stage_counts.items()),
        key=lambda stage: rank[stage[2]],
    )
    proposal = Proposal(
        deals_file=os.path.relpath(deals_csv.resolve(), out_dir.resolve()),
        columns=columns,
        owner_key=owner_key_of(sample.values(columns["owner"])) if "owner" in columns else "name",
        date_format=date_format_of(date_values),
        currency_column=currency_column,
        stages=stages,
    )
    if people_csv is not None:
        people = read_sample(Path(people_csv))
        people_columns: dict[str, str] = {}
        owner_header = columns.get("owner")
        if owner_header in people.header:
            people_columns["owner"] = owner_header  # type: ignore[assignment]
        else:
            scored = sorted(((_score(h, _HINTS["owner"]), h) for h in people.header), reverse=True)
            if scored and scored[0][0] > 0:
                people_columns["owner"] = scored[0][1]
        for field, hints in _PEOPLE_HINTS.items():
            scored = sorted(
                ((_score(h, hints), h) for h in people.header if h not in people_columns.values()),
                reverse=True,
            )
            if scored and scored[0][0] > 0:
                people_columns[field] = scored[0][1]
        proposal.people_file = os.path.relpath(Path(people_csv).resolve(), out_dir.resolve())
        proposal.people_columns = people_columns
    return proposal


def _quote(value: str) -> str:
    """A YAML scalar that stays text ("Won", "Closed: Lost", "yes")."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(proposal: Proposal) -> str:
    """The proposal as a commented mapping.yml."""
    lines = [
        "# Proposed by `spm init-mapping` from the export's headers and values: check every",
        "# line, then run `spm check-landing`. Format: ingestion/sources/crm_export/README.md",
        "version: 1",
    ]
    if proposal.currency_column:
        lines.append(f"currency_column: {_quote(proposal.currency_column)}")
    else:
        lines.append("currency: USD                 # the ISO 4217 code of every amount: check it")
    if proposal.date_format:
        lines.append(f"date_format: {_quote(proposal.date_format)}")
    else:
        lines.append('date_format: "%Y-%m-%d"       # no date column recognised: check it')
    lines += [
        "deals:",
        f"  file: {_quote(proposal.deals_file)}",
        f"  owner_key: {proposal.owner_key}               # name | email | id",
        "  columns:",
    ]
    for field in _HINTS:
        if field in proposal.columns:
            lines.append(f"    {field}: {_quote(proposal.columns[field])}")
        elif field in ("id", "owner", "amount", "stage", "close_date"):
            lines.append(f"    {field}:                    # REQUIRED: no column recognised")
    lines.append("stages:                         # every stage value, with its rows in the file")
    open_order = 0
    for value, count, status in proposal.stages:
        if status == "open":
            open_order += 1
            rule = f"{{status: open, order: {open_order}}}"
        else:
            rule = f"{{status: {status}}}"
        lines.append(f"  {_quote(value)}: {rule}    # {count} rows")
    if proposal.people_file is not None and proposal.people_columns is not None:
        lines += ["people:", f"  file: {_quote(proposal.people_file)}", "  columns:"]
        for field in ("owner", "manager", "region", "email"):
            if field in proposal.people_columns:
                lines.append(f"    {field}: {_quote(proposal.people_columns[field])}")
            elif field in ("owner", "manager"):
                lines.append(f"    {field}:                    # REQUIRED: no column recognised")
    return "\n".join(lines) + "\n"


def write_proposal(
    deals_csv: Path,
    people_csv: Path | None = None,
    out: Path | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Write the proposed mapping (default: mapping.yml beside the deals file)."""
    target = Path(out) if out is not None else Path(deals_csv).parent / "mapping.yml"
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass --force to replace it, or --out elsewhere")
    proposal = propose(deals_csv, people_csv, target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(proposal), encoding="utf-8")
    return target
