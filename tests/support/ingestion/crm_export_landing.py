"""A CRM CSV export in a shape unlike the demo generator's, as a real company would land it.

Owners by name, the export's own stages (Prospecting / Engaging / Won / Lost), US dates
(`%m/%d/%Y`), blank amounts and close dates on open deals, no created date on some deals, and
a people file with managers and regional offices. One owner is in no row of the people file.
The rows written are returned too, so tests recompute the expected numbers from them alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import string
from dataclasses import dataclass, field
from pathlib import Path

MANAGERS = {
    "Dustin Brinkmann": "Central",
    "Melvin Marxen": "Central",
    "Cara Losch": "East",
    "Rocco Neubert": "West",
}
REPS = {
    "Anna Snelling": "Dustin Brinkmann",
    "Cecily Lampkin": "Dustin Brinkmann",
    "Versie Hillebrand": "Dustin Brinkmann",
    "Lajuana Vencill": "Melvin Marxen",
    "Moses Frase": "Melvin Marxen",
    "Jonathan Berthelot": "Melvin Marxen",
    "Violet Mclelland": "Cara Losch",
    "Corliss Cosme": "Cara Losch",
    "Rosie Papadopoulos": "Cara Losch",
    "Garret Kinder": "Rocco Neubert",
    "Wilburn Farren": "Rocco Neubert",
    "Elizabeth Anaya": "Rocco Neubert",
    "Daniell Hammack": "Rocco Neubert",
}
ORPHAN = "Zane Levy"  # owns deals, is in no row of the people file
ACCOUNTS = [
    "Acme Corporation",
    "Betasoloin",
    "Cancity",
    "Codehow",
    "Dontechi",
    "Finhigh",
    "Genco Pura Olive Oil Company",
    "Hottechi",
    "Kan-code",
    "Konex",
    "Labdrill",
    "Ontomedia",
    "Rangreen",
    "Silis",
    "Sunnamplex",
    "Treequote",
    "Umbrella Corporation",
    "Xx-holding",
    "Zoomit",
    "Zotware",
]
PRODUCTS = {"GTX Basic": 550, "GTX Pro": 4821, "MG Special": 55, "GTXPlus Pro": 5482}
DATE_FORMAT = "%m/%d/%Y"
DEALS_HEADER = [
    "opportunity_id",
    "sales_agent",
    "product",
    "account",
    "deal_stage",
    "engage_date",
    "close_date",
    "close_value",
]
PEOPLE_HEADER = ["sales_agent", "manager", "regional_office"]

MAPPING = """\
version: 1
company: Maven Tech
currency: USD
date_format: "%m/%d/%Y"
deals:
  file: deals.csv
  owner_key: name
  columns:
    id: opportunity_id
    owner: sales_agent
    amount: close_value
    stage: deal_stage
    close_date: close_date
    created_date: engage_date
    account: account
    product: product
stages:
  Prospecting: {status: open, order: 1, probability: 0.10, forecast_category: Pipeline}
  Engaging:    {status: open, order: 2, probability: 0.50, forecast_category: Best Case}
  Won:         {status: won}
  Lost:        {status: lost}
people:
  file: teams.csv
  columns:
    owner: sales_agent
    manager: manager
    region: regional_office
"""


@dataclass
class CrmExport:
    """The export written: its landing root and the rows, as text, exactly as written."""

    root: Path
    deals: list[dict[str, str]] = field(default_factory=list)
    people: list[dict[str, str]] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.root / "crm_export"

    @property
    def deals_csv(self) -> Path:
        return self.folder / "deals.csv"

    @property
    def people_csv(self) -> Path:
        return self.folder / "teams.csv"

    @property
    def mapping(self) -> Path:
        return self.folder / "mapping.yml"

    def write_deals(self, rows: list[dict[str, str]]) -> None:
        _write(self.deals_csv, DEALS_HEADER, rows)
        self.deals = rows


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _us(day: dt.date) -> str:
    return day.strftime(DATE_FORMAT)


def _deal(rng: random.Random, owner: str, as_of: dt.date, used: set[str]) -> dict[str, str]:
    deal_id = "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
    while deal_id in used:
        deal_id = "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
    used.add(deal_id)
    product = rng.choice(sorted(PRODUCTS))
    stage = rng.choices(["Won", "Lost", "Engaging", "Prospecting"], weights=[40, 27, 21, 12])[0]
    engage = as_of - dt.timedelta(days=rng.randint(40, 600))
    close = engage + dt.timedelta(days=rng.randint(5, 120))
    if close > as_of:
        close = as_of - dt.timedelta(days=rng.randint(1, 10))
    row = {
        "opportunity_id": deal_id,
        "sales_agent": owner,
        "product": product,
        "account": rng.choice(ACCOUNTS),
        "deal_stage": stage,
        "engage_date": _us(engage),
        "close_date": "",
        "close_value": "",
    }
    if stage == "Won":
        price = PRODUCTS[product]
        row["close_value"] = str(int(price * rng.uniform(0.8, 1.1)))
        row["close_date"] = _us(close)
        if rng.random() < 0.08:
            row["engage_date"] = ""  # an old deal whose engage date the CRM lost
    elif stage == "Lost":
        row["close_value"] = "0"
        row["close_date"] = _us(close)
    elif stage == "Engaging":
        if rng.random() < 0.5:
            row["close_date"] = _us(as_of + dt.timedelta(days=rng.randint(-20, 90)))
        if rng.random() < 0.5:
            row["close_value"] = str(PRODUCTS[product])
    else:  # Prospecting: nothing known yet but the owner and the account
        row["engage_date"] = ""
        row["account"] = rng.choice(["", *ACCOUNTS])
    return row


def write_crm_export(root: Path, as_of: dt.date, *, deals: int = 420, seed: int = 7) -> CrmExport:
    """Write `<root>/crm_export/` (mapping.yml, deals.csv, teams.csv); return what was written."""
    rng = random.Random(seed)
    export = CrmExport(Path(root))
    export.folder.mkdir(parents=True, exist_ok=True)
    export.mapping.write_text(MAPPING, encoding="utf-8")
    export.people = [
        {"sales_agent": rep, "manager": manager, "regional_office": MANAGERS[manager]}
        for rep, manager in REPS.items()
    ]
    _write(export.people_csv, PEOPLE_HEADER, export.people)
    owners = [*REPS, ORPHAN]
    used: set[str] = set()
    rows = [_deal(rng, owners[i % len(owners)], as_of, used) for i in range(deals)]
    export.write_deals(rows)
    return export
