"""The site's KPI glossary, generated from the dbt YAML that documents every mart column.

Readers of a page ask "what exactly is win rate?". The answer already exists once: the
`description` of each mart column in `dbt_project/models/marts/**/*.yml`, with the shared KPI
definitions as dbt doc blocks (`{% docs kpi_win_rate %}` in `dbt_project/docs/`). This module
reads those files (no dbt run needed), resolves `{{ doc("...") }}`, and gives the glossary
page two parts: every KPI with its definition and the marts that carry it, then every mart
the site may show with each of its columns. Only marts present in the rendered warehouse
and in the schemas the site may read are listed, so the public glossary never names a
restricted mart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DBT_MODELS = Path(__file__).resolve().parent.parent / "dbt_project" / "models"
# The dbt project's `docs-paths`: the KPI reference in docs/, any further blocks in models/.
DBT_DOCS = DBT_MODELS.parent / "docs"
_DOC_BLOCK = re.compile(r"\{%-?\s*docs\s+(\w+)\s*-?%\}(.*?)\{%-?\s*enddocs\s*-?%\}", re.DOTALL)
# Columns that are measures a reader quotes (amounts, rates, counts, ratios, durations).
_MEASURE = re.compile(
    r"(_amount|_rate|_count|_days|^attainment|^coverage|_attainment|_accuracy|_bias)$"
)
# Flags (is_counted_in_attainment) describe a row; they are not figures a reader quotes.
_FLAG = re.compile(r"^(is|has)_")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DOC_REF = re.compile(r"""\{\{\s*doc\(\s*["'](\w+)["']\s*\)\s*\}\}""")


@dataclass
class Column:
    name: str
    description: str


@dataclass
class Mart:
    name: str
    schema: str
    description: str
    columns: list[Column] = field(default_factory=list)


@dataclass
class Kpi:
    key: str  # the doc block name, e.g. kpi_win_rate
    title: str
    definition: str
    used_in: list[str] = field(default_factory=list)  # mart.column, or mart if it is the KPI


@dataclass
class Glossary:
    kpis: list[Kpi]
    marts: list[Mart]


def _doc_blocks(models_dir: Path) -> dict[str, str]:
    blocks: dict[str, str] = {}
    paths = sorted((models_dir.parent / "docs").rglob("*.md")) + sorted(models_dir.rglob("*.md"))
    for path in paths:
        for name, body in _DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = " ".join(body.split())
    return blocks


def _resolve(text: str, blocks: dict[str, str]) -> str:
    return " ".join(_DOC_REF.sub(lambda m: blocks.get(m.group(1), m.group(0)), text).split())


# A KPI block opens with its title ("Pace gap: ...", "Node forecast call (mart ...): ...").
_LEADING_TITLE = re.compile(r"^([A-Z][\w ,'-]{1,40}?)(?: \([^)]*\))?: ")
# The weekly change's columns: <measure>_<part>_amount (weekly_changes, doc weekly_change_causes).
_WEEKLY_MEASURES = {
    "bookings": "Bookings",
    "open_pipeline": "Open pipeline",
    "commit_pipeline": "Commit pipeline",
    "commit_call": "Commit call",
    "projection": "Projection",
}
_WEEKLY_PARTS = {
    "start": "at the start of the week",
    "end": "at the end of the week",
    "change": "change in the week",
    "won": "change from deals won",
    "lost": "change from deals lost",
    "reopened": "change from deals reopened",
    "created": "change from deals created",
    "pushed_out": "change from deals pushed out",
    "pulled_in": "change from deals pulled in",
    "category_change": "change from forecast category moves",
    "amount_increase": "change from amount increases",
    "amount_decrease": "change from amount decreases",
    "judgement": "change by the caller's judgement",
    "booked_change": "change from bookings",
    "open_change": "change from open deals",
}
_WEEKLY_COLUMN = re.compile(rf"({'|'.join(_WEEKLY_MEASURES)})_({'|'.join(_WEEKLY_PARTS)})_amount")
_WORDS = {"avg": "average", "pct": "percent", "fx": "FX", "id": "ID"}
# "<qualifier>_<noun>_count": a count of reps, teams or deals reads as a plural noun phrase.
_COUNTED = re.compile(r"(\w+)_(rep|team|deal)_count")
_PREPOSITIONS = ("at_", "behind_", "ahead_", "in_", "on_", "with_", "without_")


def _title(key: str, definition: str = "", label: str = "") -> str:
    """A reader's title for a KPI: the column's `meta.label`, the title its definition opens
    with, or words made from its name ("avg_age_days" reads "Average age (days)")."""
    leading = _LEADING_TITLE.match(definition)
    if label or leading:
        return label or leading.group(1)
    name = key.removeprefix("kpi_")
    weekly = _WEEKLY_COLUMN.fullmatch(name)
    if weekly:
        return f"{_WEEKLY_MEASURES[weekly.group(1)]}: {_WEEKLY_PARTS[weekly.group(2)]}"
    counted = _COUNTED.fullmatch(name)
    if counted:
        qualifier, noun = counted.group(1), counted.group(2) + "s"
        if qualifier.startswith("no_"):
            name = f"{noun}_with_{qualifier}"
        elif qualifier.startswith(_PREPOSITIONS):
            name = f"{noun}_{qualifier}"
        else:
            name = f"{qualifier}_{noun}"
    name = re.sub(r"(\d+)_(\d+)", r"\1-\2", name).replace("_plus", "+")
    unit = " (days)" if name.endswith("_days") and name != "days" else ""
    words = [
        _WORDS.get(word, word) for word in name.removesuffix("_days" if unit else "").split("_")
    ]
    text = " ".join(words) + unit
    return text[:1].upper() + text[1:]


def build_glossary(
    tables: set[str], allowed_schemas: frozenset[str], models_dir: Path = DBT_MODELS
) -> Glossary:
    """The glossary of the marts in `tables` (`schema.name`, lower case) the site may show."""
    blocks = _doc_blocks(models_dir)
    schema_of = {
        t.split(".")[1]: t.split(".")[0] for t in tables if t.split(".")[0] in allowed_schemas
    }
    kpis: dict[str, Kpi] = {
        name: Kpi(name, _title(name, text), text)
        for name, text in blocks.items()
        if name.startswith("kpi_")
    }
    marts: list[Mart] = []
    for path in sorted((models_dir / "marts").rglob("*.yml")):
        # libyaml's loader: the marts' YAML is half a second of every site in pure Python
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        for model in document.get("models") or []:
            name = str(model.get("name", "")).lower()
            if name not in schema_of:
                continue
            raw_description = str(model.get("description") or "")
            mart = Mart(name, schema_of[name], _resolve(raw_description, blocks))
            # A mart that is one KPI (stalled deals, slipped deals) quotes it as its description.
            for ref in _DOC_REF.findall(raw_description):
                if ref in kpis:
                    kpis[ref].used_in.append(name)
            for column in model.get("columns") or []:
                raw = str(column.get("description") or "")
                column_name = str(column["name"])
                mart.columns.append(Column(column_name, _resolve(raw, blocks)))
                refs = [ref for ref in _DOC_REF.findall(raw) if ref in kpis]
                if (
                    not refs
                    and _MEASURE.search(column_name)
                    and raw
                    and not _FLAG.match(column_name)
                ):
                    # A measure with its own wording (pace gap, coverage needed, ...).
                    key = f"kpi_{column_name}"
                    # A title of its own: `config: meta: label:` on the column (dbt 1.10 style).
                    meta = (column.get("config") or {}).get("meta") or column.get("meta") or {}
                    label = str(meta.get("label") or "")
                    kpis.setdefault(key, Kpi(key, _title(key, label=label), _resolve(raw, blocks)))
                    refs = [key]
                for ref in refs:
                    kpis[ref].used_in.append(f"{name}.{column_name}")
            marts.append(mart)
    marts.sort(key=lambda m: m.name)
    used = [k for k in kpis.values() if k.used_in]
    titles = [k.title for k in used]
    for kpi in used:
        # A column's own measure that would read like a KPI block ("Open deals") keeps the
        # plain words of its name ("Open deal count"), so no two entries share a title.
        if titles.count(kpi.title) > 1 and kpi.key not in blocks:
            words = kpi.key.removeprefix("kpi_").replace("_", " ")
            kpi.title = words[:1].upper() + words[1:]
    used.sort(key=lambda k: k.title)
    return Glossary(used, marts)
