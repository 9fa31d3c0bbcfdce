"""The list of pages to build and the marts that may still be missing (`reports/site.toml`).

Kept in a file rather than in code so that enabling a page as its marts land is a one-line
change that reviewers can see.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPORTS_DIR = Path(__file__).resolve().parent
PAGES_DIR = REPORTS_DIR / "pages"
DEFAULT_CONFIG = REPORTS_DIR / "site.toml"


@dataclass(frozen=True)
class PageConfig:
    path: str
    enabled: bool = True
    restricted: bool = False
    params_sql: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    pages: dict[str, PageConfig]
    pending_marts: frozenset[str] = field(default_factory=frozenset)


def load_site_config(path: Path = DEFAULT_CONFIG, pages_dir: Path = PAGES_DIR) -> SiteConfig:
    """Read the site config; every page file must be listed and every listed page must exist."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    pages: dict[str, PageConfig] = {}
    for name, entry in (raw.get("pages") or {}).items():
        unknown = set(entry) - {"enabled", "restricted", "params_sql"}
        if unknown:
            raise ValueError(f"{path.name}: page {name!r} has unknown keys {sorted(unknown)}")
        if not (pages_dir / name).is_file():
            raise ValueError(
                f"{path.name}: page {name!r} is listed but {pages_dir / name} is absent"
            )
        is_template = "[" in name
        if is_template and not entry.get("params_sql"):
            raise ValueError(f"{path.name}: templated page {name!r} needs params_sql")
        pages[name] = PageConfig(
            name,
            bool(entry.get("enabled", True)),
            bool(entry.get("restricted", False)),
            entry.get("params_sql"),
        )
    on_disk = {p.relative_to(pages_dir).as_posix() for p in pages_dir.rglob("*.md")}
    missing = sorted(on_disk - set(pages))
    if missing:
        raise ValueError(f"{path.name}: pages {missing} exist but are not listed; add them")
    pending = frozenset(str(m).lower() for m in raw.get("pending_marts", []))
    return SiteConfig(pages, pending)
