"""Evidence components rendered to static HTML with Jinja2 (autoescaped).

Supported: `BigValue`, `Value`, `DataTable` (with `Column` children), `BarChart`,
`LineChart`. Each checks that the query and the columns it names exist, so a typo fails the
build with the page, line and name instead of showing an empty box. Every value from the
data passes through Jinja2's escaping; charts are escaped by vl-convert.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2

from reports import charts
from reports.errors import PageBuildError
from reports.formatting import FormatError, format_value
from reports.page_format import Component, Prop
from reports.sql_engine import QueryResult, Unavailable

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_TABLE_ROWS = 500
# Chart text on pages, in the SVG's own pixels: a phone shows a chart at about 600 px of its
# ~700 (scrolling inside its box), so labels drawn at 13 px still read at 11 px there.
SITE_LABEL_SIZE = 13

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class RenderContext:
    """What a component needs besides its props: the page, the data and how to link."""

    page: str
    results: dict[str, QueryResult | Unavailable]
    currency: str
    link: Callable[[str], str]
    warnings: list[str]


def render_component(component: Component, ctx: RenderContext) -> str:
    renderer = RENDERERS.get(component.name)
    if renderer is None:
        raise PageBuildError(
            ctx.page,
            component.line,
            component.name,
            f"unknown component <{component.name}> (supported: {', '.join(sorted(RENDERERS))})",
        )
    data = _data(component, ctx)
    if isinstance(data, Unavailable):
        missing = ", ".join(data.missing)
        ctx.warnings.append(
            f"{ctx.page}, line {component.line}: <{component.name}> not shown yet: "
            f"{missing} not in the published warehouse (pending in site.toml)"
        )
        return env.get_template("pending.html.j2").render(
            missing=data.missing, inline=not component.block, component=component.name
        )
    return renderer(component, data, ctx)


def _data(component: Component, ctx: RenderContext) -> QueryResult | Unavailable:
    prop = component.props.get("data")
    if prop is None:
        raise PageBuildError(
            ctx.page, component.line, component.name, f"<{component.name}> needs data={{query}}"
        )
    name = prop.value.strip()
    if name not in ctx.results:
        raise PageBuildError(
            ctx.page,
            component.line,
            name,
            f"<{component.name}> uses data={{{name}}}, which is not a query of this page",
        )
    return ctx.results[name]


def _text(component: Component, key: str, default: str | None = None) -> str | None:
    prop = component.props.get(key)
    if prop is None:
        return default
    if prop.kind == "expr":
        value = _literal(prop, component)
        return None if value is None else str(value)
    return prop.value


def _literal(prop: Prop, component: Component) -> object:
    text = prop.value.replace("true", "True").replace("false", "False").replace("null", "None")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return prop.value


def _column(
    component: Component, key: str, data: QueryResult, ctx: RenderContext, required: bool = True
) -> str | None:
    name = _text(component, key)
    if name is None:
        if required:
            raise PageBuildError(
                ctx.page, component.line, key, f"<{component.name}> needs {key}=column"
            )
        return None
    return _check_column(name, component, data, ctx)


def _check_column(name: str, component: Component, data: QueryResult, ctx: RenderContext) -> str:
    if name not in data.columns:
        raise PageBuildError(
            ctx.page,
            component.line,
            name,
            f"<{component.name}> names column {name!r}, which query {data.name!r} does not "
            f"return (it has: {', '.join(data.columns)})",
        )
    return name


def _fmt(value: object, fmt: str | None, column: str, component: Component, ctx: RenderContext):
    try:
        return format_value(value, fmt, column, ctx.currency)
    except FormatError as exc:
        raise PageBuildError(ctx.page, component.line, str(fmt), str(exc)) from exc


def _raw(value: object) -> str:
    return "" if value is None else str(value)


def _tone(value: object, fmt: str | None) -> str:
    """`ahead`/`behind` for a signed gap (coloured by the stylesheet), else nothing."""
    if fmt != "gap" or not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return ""
    return "ahead" if value > 0 else ("behind" if value < 0 else "")


def big_value(component: Component, data: QueryResult, ctx: RenderContext) -> str:
    column = _column(component, "value", data, ctx)
    fmt = _text(component, "fmt")
    comparison = _column(component, "comparison", data, ctx, required=False)
    row = data.records()[0] if data.rows else {}
    value = row.get(column)
    comp_value = row.get(comparison) if comparison else None
    return env.get_template("big_value.html.j2").render(
        title=_text(component, "title") or column.replace("_", " ").capitalize(),
        tone=_tone(value, fmt),
        column=column,
        raw=_raw(value),
        text=_fmt(value, fmt, column, component, ctx),
        comparison_title=_text(component, "comparisonTitle") or (comparison or ""),
        comparison_text=(
            _fmt(comp_value, _text(component, "comparisonFmt"), comparison, component, ctx)
            if comparison
            else None
        ),
    )


def value(component: Component, data: QueryResult, ctx: RenderContext) -> str:
    column = _column(component, "column", data, ctx, required=False) or (
        data.columns[0] if data.columns else ""
    )
    row_index = int(_text(component, "row", "0") or 0)
    rows = data.records()
    raw = rows[row_index].get(column) if row_index < len(rows) else None
    return env.get_template("value.html.j2").render(
        column=column,
        raw=_raw(raw),
        text=_fmt(raw, _text(component, "fmt"), column, component, ctx),
    )


def data_table(component: Component, data: QueryResult, ctx: RenderContext) -> str:
    link = _column(component, "link", data, ctx, required=False)
    columns = []
    for child in component.children:
        if child.name != "Column":
            raise PageBuildError(
                ctx.page, child.line, child.name, "<DataTable> may only contain <Column/>"
            )
        column_id = _text(child, "id")
        if column_id is None:
            raise PageBuildError(ctx.page, child.line, "id", "<Column> needs id=column")
        _check_column(column_id, child, data, ctx)
        columns.append((column_id, _text(child, "title"), _text(child, "fmt"), child))
    if not columns:
        columns = [(c, None, None, component) for c in data.columns if c != link]
    records = data.records()
    shown = records[:MAX_TABLE_ROWS]
    body = []
    for record in shown:
        cells = []
        for column_id, _, fmt, owner in columns:
            v = record[column_id]
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            cells.append(
                {
                    "text": _fmt(v, fmt, column_id, owner, ctx),
                    "raw": _raw(v),
                    "numeric": numeric,
                    "tone": _tone(v, fmt),
                }
            )
        href = ctx.link(str(record[link])) if link and record.get(link) else None
        body.append({"cells": cells, "href": href})
    headers = [
        {"id": cid, "title": title or cid.replace("_", " ").capitalize()}
        for cid, title, _, _ in columns
    ]
    return env.get_template("data_table.html.j2").render(
        title=_text(component, "title"),
        headers=headers,
        rows=body,
        query=data.name,
        truncated=len(records) - len(shown),
        empty=_text(component, "emptyMessage") or "No rows.",
    )


def _chart(kind: str) -> Callable[[Component, QueryResult, RenderContext], str]:
    def render(component: Component, data: QueryResult, ctx: RenderContext) -> str:
        x = _column(component, "x", data, ctx)
        y_prop = component.props.get("y")
        if y_prop is None:
            raise PageBuildError(ctx.page, component.line, "y", f"<{component.name}> needs y=")
        y_value = _literal(y_prop, component) if y_prop.kind == "expr" else y_prop.value
        ys = [str(v) for v in (y_value if isinstance(y_value, list) else [y_value])]
        for y in ys:
            _check_column(y, component, data, ctx)
        series = _column(component, "series", data, ctx, required=False)
        title = _text(component, "title")
        if not data.rows:
            return env.get_template("chart.html.j2").render(
                title=title, svg=None, kind=kind, query=data.name
            )
        try:
            spec = charts.chart_spec(
                kind,
                data.frame(),
                x,
                ys,
                series=series,
                y_fmt=_text(component, "yFmt"),
                swap_xy=_text(component, "swapXY") == "true",
                grouped=_text(component, "type") == "grouped",
                currency=ctx.currency,
                label_size=SITE_LABEL_SIZE,
            )
        except Exception as exc:  # altair/vl-convert errors name the field: keep them
            raise PageBuildError(
                ctx.page, component.line, component.name, f"chart cannot be drawn: {exc}"
            ) from exc
        return env.get_template("chart.html.j2").render(
            title=title, svg=charts.to_svg(spec), kind=kind, query=data.name
        )

    return render


RENDERERS: dict[str, Callable[[Component, QueryResult, RenderContext], str]] = {
    "BigValue": big_value,
    "Value": value,
    "DataTable": data_table,
    "BarChart": _chart("bar"),
    "LineChart": _chart("line"),
}
