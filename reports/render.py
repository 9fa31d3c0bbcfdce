"""Render the report pages to a static site: one HTML file per page, team and rep.

`spm report` calls `render_site`. The site needs no server and no network: charts are
inline SVG, the stylesheet is a file beside the pages, links are relative. Nothing is
written unless every page built: a broken page raises `SiteBuildError` listing each
problem with its page, line and name, and the previous site stays as it was.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt

from reports.chart_cache import ChartCache, charts_cached_in
from reports.components import RenderContext, env, render_component
from reports.errors import PageBuildError, SiteBuildError
from reports.formatting import format_value
from reports.glossary import build_glossary
from reports.page_format import TOKEN_MARKER_RE, Component, EachBlock, IfBlock, Page, parse_page
from reports.page_workers import PageJob, PagePool
from reports.site_config import PAGES_DIR, SiteConfig, load_site_config
from reports.sql_engine import PageQueries, QueryResult, Unavailable, Warehouse, run_params_sql

STATIC_DIR = Path(__file__).resolve().parent / "static"
SITE_MARKER = ".spm-site"
# Who may read the site's files: the restricted site (pay) is owner-only, the public site is
# everyone's. The same modes as the warehouse's files (`ingestion.file_modes`).
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
PUBLIC_DIR, PUBLIC_FILE = 0o755, 0o644
PUBLIC_SCHEMAS = frozenset({"marts", "quarantine"})
RESTRICTED_SCHEMAS = PUBLIC_SCHEMAS | {"marts_restricted"}
NAV_ORDER = [
    "index.md",
    "leaderboard.md",
    "teams/index.md",
    "reps/index.md",
    "pipeline.md",
    "forecast.md",
    "coaching.md",
    "onboarding.md",
    "data-quality.md",
    "compensation.md",
]
_ROW_VAR = re.compile(r"\{\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\}")
_VAR_MARK = "SPMV{}X"
_VAR_RE = re.compile(r"SPMV(\d+)X")
_HREF = re.compile(r'href="(/[^"]*)"')

_markdown = MarkdownIt("commonmark", {"html": True}).enable("table")
GLOSSARY_PAGE = "glossary.html"
DOCS_PAGE = "docs/index.html"  # dbt's static docs of the published run


@dataclass
class RenderResult:
    """What a render did: the files written, and what a reader should know about."""

    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class SharedPages:
    """Public pages drawn once for both sites.

    The restricted file is the public file plus the pay schema, so a page that reads no pay
    has the same numbers, charts and tables in both sites; only the frame differs (the
    navigation, the restricted banner, the footer). The public render fills `drawn` (page
    path -> output file -> its title and body, and the page's notices); the restricted
    render wraps those bodies in its own frame instead of querying and drawing them again.
    """

    drawn: dict[str, tuple[dict[str, tuple[str, str]], list[str]]] = field(default_factory=dict)


def reads_pay(page: Page, params_sql: str | None) -> bool:
    """Whether a page may read a restricted schema (so it is never shared between sites)."""
    texts = [block.sql for block in page.queries.values()] + [params_sql or ""]
    return any(schema in text for text in texts for schema in RESTRICTED_SCHEMAS - PUBLIC_SCHEMAS)


def safe_name(value: str) -> str:
    """A file name for a parameter value (ids are alphanumeric; anything else is replaced)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", value).strip(".")
    return cleaned or "_"


def output_path(page_path: str, param: str | None = None) -> str:
    """`reps/[rep_id].md` + `005x` -> `reps/005x.html`; `index.md` -> `index.html`."""
    path = PurePosixPath(page_path)
    stem = safe_name(param) if param is not None else path.stem
    return (path.parent / f"{stem}.html").as_posix()


def render_site(
    published_db: Path,
    out_dir: Path,
    restricted: bool = False,
    *,
    config: SiteConfig | None = None,
    pages_dir: Path = PAGES_DIR,
    currency: str = "USD",
    docs_html: Path | None = None,
    shared: SharedPages | None = None,
    chart_cache: ChartCache | None = None,
    duckdb_config: Mapping[str, str] | None = None,
    pool: PagePool | None = None,
) -> RenderResult:
    """Render every enabled page from the published warehouse into `out_dir`.

    `pool`: worker processes that draw the copies of a templated page with many copies (a
    large company's rep pages) on every core; the files are the same (`reports/page_workers.py`).

    `duckdb_config`: DuckDB's memory limit for the pages' read-only connection and the
    owner-only folder it spills into beyond it (see `sql_engine.Warehouse`).

    `chart_cache`: charts are read from it and kept in it (see `reports/chart_cache.py`).

    `shared`: pass the same `SharedPages` to the public render and then to the restricted
    one, so the pages that read no pay are drawn once (see `SharedPages`).

    `docs_html` is dbt's static docs page of the published run: written into the site as
    `docs/index.html` (in the same swap as the pages) and linked from every footer; without
    it the footer has no docs link, so no page links to a file that is not there.

    `restricted=False` builds the public site (schemas `marts` and `quarantine` only);
    `restricted=True` also builds the pages marked restricted (compensation), which may read
    `marts_restricted`: give it the restricted file (`spm_restricted.duckdb`) and a separate
    directory (`Settings.restricted_reports_dir`).
    """
    config = config or load_site_config(pages_dir=pages_dir)
    allowed = RESTRICTED_SCHEMAS if restricted else PUBLIC_SCHEMAS
    result = RenderResult(out_dir)
    selected: list[tuple[Page, str | None]] = []
    errors: list[PageBuildError] = []
    for name, page_config in config.pages.items():
        if not page_config.enabled:
            result.skipped.append(f"{name}: disabled in site.toml, not built")
            result.warnings.append(f"{name}: disabled in site.toml, not built")
            continue
        if page_config.restricted and not restricted:
            result.skipped.append(f"{name}: restricted, built only into the restricted site")
            continue
        try:
            page = parse_page((pages_dir / name).read_text(encoding="utf-8"), name)
        except PageBuildError as exc:
            errors.append(exc)
            continue
        selected.append((page, page_config.params_sql))
    warehouse = Warehouse(published_db, duckdb_config)
    rendered: dict[str, str] = {}
    workers = None if pool is None else _Workers(pool, pages_dir, duckdb_config, chart_cache)
    try:
        nav = _nav([p for p, _ in selected])
        with charts_cached_in(chart_cache):
            for page, params_sql in selected:
                try:
                    rendered.update(
                        _render_page(
                            page,
                            params_sql,
                            warehouse,
                            allowed,
                            config,
                            nav,
                            currency,
                            restricted,
                            result.warnings,
                            has_docs=docs_html is not None,
                            shared=None
                            if shared is None or reads_pay(page, params_sql)
                            else shared,
                            workers=workers,
                        )
                    )
                except PageBuildError as exc:
                    errors.append(exc)
        rendered[GLOSSARY_PAGE] = _render_glossary(
            warehouse, allowed, nav, restricted, has_docs=docs_html is not None
        )
        if docs_html is not None:
            rendered[DOCS_PAGE] = docs_html.read_text(encoding="utf-8")
    finally:
        warehouse.close()
    if errors:
        raise SiteBuildError(errors)
    result.pages = _write_site(out_dir, rendered, private=restricted)
    return result


def _nav(pages: list[Page]) -> list[tuple[str, str]]:
    by_path = {p.path: p for p in pages}
    ordered = [p for p in NAV_ORDER if p in by_path]
    ordered += sorted(p for p in by_path if p not in NAV_ORDER and "[" not in p)
    return [
        (output_path(p), by_path[p].frontmatter.get("nav") or by_path[p].title) for p in ordered
    ]


def _render_page(
    page: Page,
    params_sql: str | None,
    warehouse: Warehouse,
    allowed: frozenset[str],
    config: SiteConfig,
    nav: list[tuple[str, str]],
    currency: str,
    restricted: bool,
    warnings: list[str],
    *,
    has_docs: bool = False,
    shared: SharedPages | None = None,
    workers: _Workers | None = None,
) -> dict[str, str]:
    if shared is not None and page.path in shared.drawn:
        bodies, page_warnings = shared.drawn[page.path]
    else:
        bodies, page_warnings = _draw_page(
            page, params_sql, warehouse, allowed, config, currency, workers
        )
        if shared is not None:
            shared.drawn[page.path] = (bodies, page_warnings)
    out: dict[str, str] = {}
    for target, (title, body) in bodies.items():
        out[target] = env.get_template("page.html.j2").render(
            title=title,
            body=body,
            root="../" * target.count("/"),
            nav=[{"href": h, "title": t, "current": h == target} for h, t in nav],
            restricted=restricted,
            source=warehouse.path.name,
            built_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            has_docs=has_docs,
        )
    warnings.extend(dict.fromkeys(page_warnings))  # same notice on every rep page: say it once
    return out


def _draw_page(
    page: Page,
    params_sql: str | None,
    warehouse: Warehouse,
    allowed: frozenset[str],
    config: SiteConfig,
    currency: str,
    workers: _Workers | None = None,
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Query and draw every instance of a page: output file -> (title, body HTML)."""
    queries = PageQueries(page, warehouse, allowed, config.pending_marts)
    queries.check()
    if _param_name(page.path) is None:
        instances: list[str | None] = [None]
    else:
        instances = list(run_params_sql(params_sql or "", page.path, warehouse, allowed))
    if workers is not None and workers.pool.worth_it(len(instances)):
        job = PageJob(
            published_db=warehouse.path,
            duckdb_config=workers.duckdb_config,
            pages_dir=workers.pages_dir,
            page_path=page.path,
            allowed=allowed,
            pending=config.pending_marts,
            currency=currency,
            chart_folder=None if workers.chart_cache is None else workers.chart_cache.folder,
        )
        return workers.pool.draw(job, instances, workers.chart_cache)
    return draw_copies(page, queries, instances, currency)


def draw_copies(
    page: Page, queries: PageQueries, values: Sequence[str | None], currency: str
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Query and draw a page once per parameter value (None: a page without parameters)."""
    param_name = _param_name(page.path)
    bodies: dict[str, tuple[str, str]] = {}
    page_warnings: list[str] = []
    for value in values:
        params = {param_name: value} if param_name and value is not None else {}
        results = queries.run_all(params)
        target = output_path(page.path, value)
        body = render_body(page, results, currency, target, page_warnings)
        bodies[target] = (_title(page, results, value), body)
    return bodies, page_warnings


@dataclass(frozen=True)
class _Workers:
    """A render's page pool with what its workers need to open the same file and cache."""

    pool: PagePool
    pages_dir: Path
    duckdb_config: Mapping[str, str] | None
    chart_cache: ChartCache | None


def _render_glossary(
    warehouse: Warehouse,
    allowed: frozenset[str],
    nav: list[tuple[str, str]],
    restricted: bool,
    *,
    has_docs: bool = False,
) -> str:
    """The KPI glossary page (linked from every page's footer), from the marts' YAML."""
    glossary = build_glossary(warehouse.tables, allowed)
    return env.get_template("page.html.j2").render(
        title="KPI glossary",
        body=env.get_template("glossary_body.html.j2").render(glossary=glossary),
        root="",
        nav=[{"href": h, "title": t, "current": False} for h, t in nav],
        restricted=restricted,
        source=warehouse.path.name,
        built_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        has_docs=has_docs,
    )


def _param_name(path: str) -> str | None:
    match = re.search(r"\[(\w+)\]", path)
    return match.group(1) if match else None


def _title(page: Page, results: dict[str, QueryResult | Unavailable], value: str | None) -> str:
    """Templated pages name their subject: the frontmatter `title_from` query's first cell."""
    source = page.frontmatter.get("title_from")
    if source and isinstance(results.get(str(source)), QueryResult):
        result = results[str(source)]
        if result.rows and result.rows[0][0] is not None:
            return str(result.rows[0][0])
    return page.title if value is None else f"{page.title}: {value}"


def render_body(
    page: Page,
    results: dict[str, QueryResult | Unavailable],
    currency: str,
    target: str,
    warnings: list[str],
) -> str:
    """The HTML of a page's content: markdown rendered, components and each-blocks filled in."""
    link = _linker(target)
    ctx = RenderContext(page.path, results, currency, link, warnings)
    body = _render_markdown(page.markdown, page.parts, ctx)
    return _HREF.sub(lambda m: f'href="{html.escape(link(html.unescape(m.group(1))))}"', body)


def _render_markdown(markdown: str, parts: list, ctx: RenderContext) -> str:
    """Markdown with its components, each-blocks and if-blocks filled in, as HTML."""
    rendered_parts = [_render_part(part, ctx) for part in parts]
    body = _markdown.render(markdown)

    def fill_block(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if parts[index].block:
            return rendered_parts[index]
        return f"<p>{rendered_parts[index]}</p>"

    def fill_inline(match: re.Match[str]) -> str:
        return rendered_parts[int(match.group(1))]

    body = re.sub(r"<p>\s*SPMX(\d+)X\s*</p>", fill_block, body)
    return TOKEN_MARKER_RE.sub(fill_inline, body)


def _render_part(part: Component | EachBlock | IfBlock, ctx: RenderContext) -> str:
    if isinstance(part, EachBlock):
        return _render_each(part, ctx)
    if isinstance(part, IfBlock):
        return _render_if(part, ctx)
    return render_component(part, ctx)


def _render_if(block: IfBlock, ctx: RenderContext) -> str:
    """The branch of an {#if} that the query's row count selects."""
    data = ctx.results.get(block.query)
    if data is None:
        raise PageBuildError(
            ctx.page,
            block.line,
            block.query,
            f"{{#if {block.query}.length}} names a query this page does not define",
        )
    has_rows = isinstance(data, QueryResult) and bool(data.rows)
    if block.when_rows == has_rows:
        markdown, parts = block.then_markdown, block.then_parts
    else:
        markdown, parts = block.else_markdown, block.else_parts
    html_text = _render_markdown(markdown, parts, ctx)
    if block.block:
        return html_text
    return re.sub(r"^<p>(.*)</p>\s*$", r"\1", html_text.strip(), flags=re.DOTALL)


def _render_each(each: EachBlock, ctx: RenderContext) -> str:
    data = ctx.results.get(each.query)
    if data is None:
        raise PageBuildError(
            ctx.page,
            each.line,
            each.query,
            f"{{#each {each.query} as {each.alias}}} names a query this page does not define",
        )
    if isinstance(data, Unavailable):
        ctx.warnings.append(
            f"{ctx.page}, line {each.line}: list not shown yet: {', '.join(data.missing)} "
            "not in the published warehouse (pending in site.toml)"
        )
        return env.get_template("pending.html.j2").render(
            missing=data.missing, inline=not each.block, component="list"
        )
    names: list[tuple[str, int]] = []

    def mark(match: re.Match[str]) -> str:
        alias, column = match.group(1), match.group(2)
        line = each.line + each.body.count("\n", 0, match.start())
        if alias != each.alias:
            raise PageBuildError(ctx.page, line, alias, f"{{{alias}.{column}}}: unknown row name")
        if column not in data.columns:
            raise PageBuildError(
                ctx.page,
                line,
                column,
                f"{{{alias}.{column}}}: query {data.name!r} has no column {column!r}",
            )
        names.append((column, line))
        return _VAR_MARK.format(len(names) - 1)

    template = _ROW_VAR.sub(mark, each.body)
    stray = re.search(r"\{[^}]*\}", template)
    if stray:
        line = each.line + template.count("\n", 0, stray.start())
        raise PageBuildError(ctx.page, line, stray.group(0), "unsupported expression in {#each}")
    # Expand the markdown for every row with numbered marks, render it once (so a list stays
    # one list), then put the escaped values in: data never passes through markdown.
    values: list[tuple[str, object]] = []
    expanded = []
    for record in data.records():

        def number(match: re.Match[str], record: dict[str, object] = record) -> str:
            column = names[int(match.group(1))][0]
            values.append((column, record[column]))
            return _VAR_MARK.format(len(values) - 1)

        expanded.append(_VAR_RE.sub(number, template))
    if not expanded:
        return '<p class="empty">None.</p>'
    source = "".join(expanded)
    rendered = _markdown.render(source) if each.block else _markdown.renderInline(source)

    def in_href(match: re.Match[str]) -> str:
        url = _VAR_RE.sub(
            lambda m: quote(str(values[int(m.group(1))][1]), safe="/"), match.group(1)
        )
        return f'href="{html.escape(url)}"'

    rendered = re.sub(r'href="([^"]*)"', in_href, rendered)
    return _VAR_RE.sub(
        lambda m: html.escape(
            format_value(values[int(m.group(1))][1], None, values[int(m.group(1))][0], ctx.currency)
        ),
        rendered,
    )


def _linker(target: str):
    """Turn a site-absolute Evidence link (`/reps/005x`) into a relative file link."""
    depth = target.count("/")
    directories = {"reps", "teams"}

    def link(url: str) -> str:
        if not url.startswith("/") or url.startswith("//"):
            return url
        path, _, fragment = url[1:].partition("#")
        path = path.strip("/")
        if not path:
            file = "index.html"
        elif path in directories:
            file = f"{path}/index.html"
        else:
            parts = path.split("/")
            file = "/".join([*parts[:-1], safe_name(unquote(parts[-1])) + ".html"])
        return "../" * depth + file + (f"#{fragment}" if fragment else "")

    return link


def _write_site(out_dir: Path, rendered: dict[str, str], *, private: bool = False) -> list[Path]:
    """Write the site into a fresh directory and swap it in, so readers never see half a site.

    A `private` site (the restricted one, with pay) is owner-only from its first byte: its
    folders are 0700 and each file is created 0600. The public site is opened to everyone
    (0755/0644) whatever the process umask.
    """
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / SITE_MARKER).exists():
        raise FileExistsError(
            f"{out_dir} exists and is not a report site built by spm (no {SITE_MARKER}); "
            "refusing to replace it"
        )
    # folders created above the site stay reachable (the public site may share its parent)
    _make_dirs(Path(out_dir.anchor), out_dir.parent, PUBLIC_DIR)
    # mkdtemp creates the folder 0700: nothing in it is reachable by others while it is written
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    dir_mode, file_mode = (PRIVATE_DIR, PRIVATE_FILE) if private else (PUBLIC_DIR, PUBLIC_FILE)
    written = []
    for relative, text in sorted(rendered.items()):
        path = staging / relative
        _make_dirs(staging, path.parent, dir_mode)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode), "w") as out:
            out.write(text)
        os.chmod(path, file_mode)
        written.append(out_dir / relative)
    _make_dirs(staging, staging / "assets", dir_mode)
    for asset in ("style.css", "site.js"):
        shutil.copyfile(STATIC_DIR / asset, staging / "assets" / asset)
    (staging / SITE_MARKER).write_text("built by spm report\n", encoding="utf-8")
    for extra in (
        staging / "assets" / "style.css",
        staging / "assets" / "site.js",
        staging / SITE_MARKER,
    ):
        os.chmod(extra, file_mode)
    os.chmod(staging, dir_mode)
    old = None
    if out_dir.exists():
        old = out_dir.parent / f".{out_dir.name}-old-{os.getpid()}"
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old)
    return written


def _make_dirs(staging: Path, folder: Path, mode: int) -> None:
    """Create `folder` and its parents below `staging`, each with `mode`."""
    missing = []
    while folder != staging and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=mode)
        os.chmod(path, mode)
