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


def _title(doc_name: str) -> str:
    words = doc_name.removeprefix("kpi_").replace("_", " ")
    return words[:1].upper() + words[1:]


def build_glossary(
    tables: set[str], allowed_schemas: frozenset[str], models_dir: Path = DBT_MODELS
) -> Glossary:
    """The glossary of the marts in `tables` (`schema.name`, lower case) the site may show."""
    blocks = _doc_blocks(models_dir)
    schema_of = {
        t.split(".")[1]: t.split(".")[0] for t in tables if t.split(".")[0] in allowed_schemas
    }
    kpis: dict[str, Kpi] = {
        name: Kpi(name, _title(name), text)
        for name, text in blocks.items()
        if name.startswith("kpi_")
    }
    marts: list[Mart] = []
    for path in sorted((models_dir / "marts").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
                if not refs and _MEASURE.search(column_name) and raw:
                    # A measure with its own wording (pace gap, coverage needed, ...).
                    key = f"kpi_{column_name}"
                    kpis.setdefault(key, Kpi(key, _title(key), _resolve(raw, blocks)))
                    refs = [key]
                for ref in refs:
                    kpis[ref].used_in.append(f"{name}.{column_name}")
            marts.append(mart)
    marts.sort(key=lambda m: m.name)
    used = sorted((k for k in kpis.values() if k.used_in), key=lambda k: k.title)
    return Glossary(used, marts)
