"""Charts as Vega-Lite specs (altair), rendered to SVG for pages and PNG for emails.

vl-convert renders offline, escapes every label, and gives the same picture in the site
(inline SVG) and in an email (PNG attachment), so the product never draws charts itself.

A PNG has no text unless vl-convert finds the font the spec names: the product ships DejaVu
Sans (`reports/fonts/`, free licence) and registers it, so email charts carry their title,
axis labels and values on any machine. The SVG names the same family first, then the
browser's usual sans-serif fonts.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from reports.chart_cache import active_cache
from reports.formatting import (
    COMPACT,
    GAP,
    compact_money,
    currency_symbol,
    d3_format,
    format_value,
    infer_format,
)

# Charts are drawn here, into static SVG and PNG: Altair's guard against embedding more than
# 5,000 rows in a notebook page does not apply, and it failed the whole site of the xl company
# (the coaching page plotted its 4,965 reps). Pages keep charts readable by what they select.
alt.data_transformers.disable_max_rows()

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b"]
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>\s*")


@functools.cache
def _register_fonts() -> None:
    vl_convert.register_font_directory(str(FONT_DIR))


def money_title(column: str, currency: str) -> str:
    """An axis title for an amount column: `bookings_amount` -> `Bookings (EUR)`."""
    return f"{label(column)} ({currency})"


def label(column: str) -> str:
    """A column name as a reader would say it: `bookings_amount` -> `Bookings`."""
    words = column.removesuffix("_amount").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def money_label_expr(currency: str) -> str:
    """A Vega expression that labels a money axis as the tables do: $0, $950, $4.5k, $950k, $2.8M.

    d3's SI format would say "$0.2M" on one chart and "200k" on the next, and knows only the
    dollar sign; this reads like `compact_money` in any currency.
    """
    symbol = currency_symbol(currency).replace("\\", "\\\\").replace("'", "\\'")
    size = "abs(datum.value)"
    body = (
        f"{size} >= 999500 ? format({size} / 1e6, ',.1f') + 'M'"
        f" : {size} >= 9999.5 ? format({size} / 1e3, ',.0f') + 'k'"
        f" : {size} >= 999.5 ? format({size} / 1e3, ',.1f') + 'k'"
        f" : format({size}, ',.0f')"
    )
    return f"(datum.value < 0 ? '-' : '') + '{symbol}' + ({body})"


def _field_type(series: pd.Series, continuous_numbers: bool) -> str:
    if pd.api.types.is_datetime64_any_dtype(series):
        return "temporal"
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return "quantitative" if continuous_numbers else "ordinal"
    return "nominal"


def chart_spec(
    kind: str,
    frame: pd.DataFrame,
    x: str,
    y: list[str],
    *,
    series: str | None = None,
    title: str | None = None,
    y_fmt: str | None = None,
    swap_xy: bool = False,
    grouped: bool = False,
    currency: str = "USD",
    width: int = 640,
    height: int = 260,
    x_title: str | None = None,
    y_title: str | None = None,
    label_size: int = 11,
    values: bool = False,
) -> dict:
    """A Vega-Lite spec for a bar or line chart of `y` (one or more columns) against `x`.

    Axes carry titles (`x_title`, `y_title`; by default the column names in words, money
    with its currency code); `values=True` writes each bar's value on it as the tables do
    (emails, where there is no tooltip; in grouped bars only the last measure's, so labels
    never overlap). A `fiscal_period` column that is not the x axis goes into the
    tooltip, so a month labelled "Mar 2026" still names its fiscal period.
    """
    data = frame.copy()
    color_field = series
    value_field = y[0]
    if len(y) > 1:
        data = data.rename(columns={c: label(c) for c in y})
        y = [label(c) for c in y]
        data = data.melt(
            id_vars=[c for c in data.columns if c not in y],
            value_vars=y,
            var_name="measure",
            value_name="value",
        )
        color_field, value_field = "measure", "value"
    fmt = y_fmt or infer_format(value_field if len(y) == 1 else y[0], 0.5)
    is_money = fmt in (COMPACT, GAP) or (fmt or "").startswith(("cur", "usd", "eur", "gbp"))
    if y_title is None:
        y_title = money_title(y[0], currency) if is_money and len(y) == 1 else label(y[0])
        if is_money and len(y) > 1:
            y_title = f"Amount ({currency})"
    if x_title is None:
        x_title = "" if x == "measure" else label(x)
    axis_format = d3_format(fmt, currency) if fmt and fmt != "id" else None
    value_axis = alt.Axis(format=axis_format) if axis_format else alt.Axis()
    if is_money:
        value_axis = alt.Axis(labelExpr=money_label_expr(currency))
    x_type = _field_type(data[x], continuous_numbers=kind == "line")
    whole = x_type == "quantitative" and pd.api.types.is_integer_dtype(data[x])
    x_axis = alt.Axis(tickMinStep=1, format="d") if whole else alt.Axis(labelAngle=-40)
    x_enc = alt.X(x, type=x_type, sort=None, title=x_title, axis=x_axis)
    y_enc = alt.Y(
        value_field,
        type="quantitative",
        title=y_title,
        axis=value_axis,
        stack=None if kind == "line" or grouped else "zero",
    )
    tooltip = [
        alt.Tooltip(x, type=x_type),
        alt.Tooltip(value_field, type="quantitative", format=axis_format or ""),
    ]
    if "fiscal_period" in data.columns and x != "fiscal_period":
        tooltip.insert(1, alt.Tooltip("fiscal_period", type="nominal", title="Fiscal period"))
    if kind == "line":
        chart = alt.Chart(data).mark_line(point=True, strokeWidth=2)
    else:
        chart = alt.Chart(data).mark_bar(cornerRadiusEnd=2)
        if swap_xy:
            x_enc, y_enc = (
                alt.X(
                    value_field,
                    type="quantitative",
                    title=y_title,
                    axis=value_axis,
                ),
                alt.Y(x, type=x_type, sort=None, title=x_title),
            )
    encodings = {"x": x_enc, "y": y_enc, "tooltip": tooltip}
    if color_field:
        encodings["color"] = alt.Color(
            color_field,
            type="nominal",
            sort=None,
            title=None,
            scale=alt.Scale(range=PALETTE),
            legend=alt.Legend(orient="bottom"),
        )
        if grouped and kind == "bar":
            encodings["xOffset" if not swap_xy else "yOffset"] = (
                alt.XOffset(color_field, sort=None)
                if not swap_xy
                else alt.YOffset(color_field, sort=None)
            )
    else:
        chart = chart.encode(color=alt.value(PALETTE[0]))
    chart = chart.encode(**encodings).properties(width=width, height=height)
    if values and kind == "bar":
        text_encodings = {k: v for k, v in encodings.items() if k not in {"color", "tooltip"}}
        text_encodings["text"] = alt.Text("value_label", type="nominal")
        offset = {"dx": 3, "align": "left"} if swap_xy else {"dy": -3, "baseline": "bottom"}
        labelled = data.assign(
            value_label=[
                compact_money(float(v), currency) if is_money else format_value(v, fmt, "")
                for v in data[value_field]
            ]
        )
        if color_field == "measure":  # grouped bars: label the last measure (bookings) only
            labelled = labelled[labelled["measure"] == y[-1]]
        labels = (
            alt.Chart(labelled)
            .mark_text(fontSize=label_size - 1, color="#0f172a", **offset)
            .encode(**text_encodings)
        )
        chart = alt.layer(chart, labels).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=title)
    spec = (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=label_size,
            titleFontSize=label_size + 1,
            labelColor="#334155",
            titleColor="#334155",
            gridColor="#e2e8f0",
        )
        .configure_legend(labelFont=FONT, labelFontSize=label_size)
        .configure_title(font=FONT, fontSize=14, anchor="start", color="#0f172a")
    )
    # Not validated against the Vega-Lite schema on every page: that check is a third of
    # drawing a spec, and every shape this function makes is validated once by the tests
    # (tests/reports/test_chart_specs.py); vl-convert still refuses a spec it cannot draw.
    return spec.to_dict(validate=False)


def to_svg(spec: dict) -> str:
    """Inline SVG for a page (no XML declaration, so it can sit inside HTML); read from and
    kept in the chart cache of the render, when it has one (`reports/chart_cache.py`)."""
    spec_json = json.dumps(spec, sort_keys=True)
    cache = active_cache()
    return _svg_of(spec_json) if cache is None else cache.svg(spec_json, _svg_of)


@functools.lru_cache(maxsize=1024)
def _svg_of(spec_json: str) -> str:
    # The restricted site repeats every public chart: drawing each spec once halves the
    # time vl-convert takes for a pipeline run.
    _register_fonts()
    svg = _XML_DECL.sub("", vl_convert.vegalite_to_svg(json.loads(spec_json)))
    return _own_clip_ids(_MARK.sub(_with_title, svg), spec_json)


# vl-convert numbers clip paths per process (`clip1043` in one, `clip1098` in another), so a
# chart's bytes depended on what its process had drawn before, and two charts of one page drawn
# in different processes (the page pool's workers, or another run through the chart cache)
# could share an id: inline SVG ids are the page's, and one chart would clip by the other's
# path. Each chart's ids are numbered from 1 in order and prefixed by its spec's hash: the same
# spec draws the same bytes in any process, and two charts never share an id.
_CLIP_ID = re.compile(r'(id="|url\(#)clip(\d+)')


def _own_clip_ids(svg: str, spec_json: str) -> str:
    prefix = hashlib.sha256(spec_json.encode("utf-8")).hexdigest()[:12]
    numbers: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        number = numbers.setdefault(match.group(2), len(numbers) + 1)
        return f"{match.group(1)}clip-{prefix}-{number}"

    return _CLIP_ID.sub(rename, svg)


# A static SVG has no tooltip handler: each mark's aria-label (the spec's tooltip fields,
# e.g. "Month: Mar 2026; Fiscal period: FY2026-M03; ...") becomes a <title>, which browsers
# show on hover and screen readers read.
_MARK = re.compile(r'<(path|rect|circle|symbol)([^<>]*?aria-label="([^"]*)"[^<>]*?)/>')


def _with_title(match: re.Match[str]) -> str:
    tag, attributes, label_text = match.group(1), match.group(2), match.group(3)
    return f"<{tag}{attributes}><title>{label_text}</title></{tag}>"


def to_png(spec: dict, scale: float = 2.0) -> bytes:
    """PNG bytes for an email attachment, drawn with the bundled font."""
    _register_fonts()
    return vl_convert.vegalite_to_png(spec, scale=scale)
