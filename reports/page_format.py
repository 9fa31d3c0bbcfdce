"""Read one Evidence page: frontmatter, named ```sql blocks, components, `{#each}` and `{#if}`.

Evidence pages are markdown with named SQL fences (```sql name) and Svelte-style component
tags (`<BarChart data={q} x=month y=bookings/>`). markdown-it-py finds the fences (so that a
fence is never mistaken for a tag and the reverse); the component tags, which markdown
cannot parse (their props hold `{...}` expressions), are cut out by a small scanner and
replaced with placeholders that the renderer fills after markdown has become HTML. Every
piece remembers its line in the file so that errors can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from reports.errors import PageBuildError

TOKEN_MARKER = "SPMX{}X"
TOKEN_MARKER_RE = re.compile(r"SPMX(\d+)X")
_NAME = re.compile(r"[A-Za-z_][\w-]*")
_QUERY_NAME = re.compile(r"^[A-Za-z_]\w*$")
_EACH_OPEN = re.compile(r"\{#each\s+([A-Za-z_]\w*)\s+as\s+([A-Za-z_]\w*)\s*\}")
_EACH_CLOSE = "{/each}"
# Evidence (Svelte) conditionals on whether a query returned rows: `{#if q.length > 0}`,
# `{#if q.length === 0}`, with an optional `{:else}`. A page shows what the data supports
# (no quota loaded: no attainment) with one page for every company.
_IF_OPEN = re.compile(r"\{#if\s+([A-Za-z_]\w*)\.length\s*(>|===|==|!==|!=)\s*0\s*\}")
_IF_TOKEN = re.compile(r"\{#if\b|\{:else\}|\{/if\}")


@dataclass(frozen=True)
class QueryBlock:
    """A named ```sql block: `line` is the file line of its first SQL line (1-based)."""

    name: str
    sql: str
    line: int

    def line_of(self, needle: str) -> int:
        """The file line where `needle` first appears in the block (the block start if not)."""
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        for offset, text in enumerate(self.sql.splitlines()):
            if pattern.search(text):
                return self.line + offset
        return self.line


@dataclass(frozen=True)
class Prop:
    """A component prop: a quoted string, a `{...}` expression, a bare word or a flag."""

    kind: str  # "string" | "expr" | "word" | "flag"
    value: str


@dataclass
class Component:
    name: str
    props: dict[str, Prop]
    line: int
    block: bool
    children: list[Component] = field(default_factory=list)
    text: str = ""


@dataclass
class EachBlock:
    """`{#each query as row}` ... `{/each}`: markdown repeated per row with `{row.col}`."""

    query: str
    alias: str
    body: str
    line: int
    block: bool


@dataclass
class IfBlock:
    """`{#if query.length > 0}` ... `{:else}` ... `{/if}`: one branch shown, by row count."""

    query: str
    when_rows: bool  # True: the first branch shows when the query returned rows
    then_markdown: str
    then_parts: list[Component | EachBlock | IfBlock]
    else_markdown: str
    else_parts: list[Component | EachBlock | IfBlock]
    line: int
    block: bool


@dataclass
class Page:
    """A parsed page: `path` is relative to the pages folder, e.g. `reps/[rep_id].md`."""

    path: str
    frontmatter: dict[str, object]
    queries: dict[str, QueryBlock]
    markdown: str
    parts: list[Component | EachBlock | IfBlock]

    @property
    def title(self) -> str:
        title = self.frontmatter.get("title")
        return str(title) if title else Path(self.path).stem.replace("-", " ").title()


_md = MarkdownIt("commonmark")


def parse_page(text: str, path: str) -> Page:
    """Parse the page text; `path` is used in error messages."""
    frontmatter, body = _split_frontmatter(text, path)
    queries, body = _extract_sql(body, path)
    markdown, parts = _extract_components(body, path)
    return Page(path, frontmatter, queries, markdown, parts)


def _split_frontmatter(text: str, path: str) -> tuple[dict[str, object], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise PageBuildError(path, 1, "frontmatter", "frontmatter opened with --- is never closed")
    raw = text[4:end]
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise PageBuildError(path, 1, "frontmatter", f"frontmatter is not YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PageBuildError(path, 1, "frontmatter", "frontmatter must be a mapping")
    blank = "\n" * (raw.count("\n") + 3)
    return data, blank + text[end + 5 :]


def _extract_sql(body: str, path: str) -> tuple[dict[str, QueryBlock], str]:
    lines = body.split("\n")
    queries: dict[str, QueryBlock] = {}
    for token in _md.parse(body):
        if token.type != "fence" or not token.map:
            continue
        info = token.info.split()
        if not info or info[0] != "sql":
            continue
        start, end = token.map
        if len(info) < 2 or not _QUERY_NAME.match(info[1]):
            raise PageBuildError(
                path, start + 1, "sql", "a ```sql block needs a query name: ```sql my_query"
            )
        name = info[1]
        if name in queries:
            raise PageBuildError(
                path,
                start + 1,
                name,
                f"query {name!r} is defined twice (first on line {queries[name].line - 1})",
            )
        queries[name] = QueryBlock(name, token.content, start + 2)
        for i in range(start, min(end, len(lines))):
            lines[i] = ""
    return queries, "\n".join(lines)


def _code_spans(body: str) -> list[tuple[int, int]]:
    """Character ranges of the page's other code (fences and inline code) left as written."""
    spans = []
    offsets = [0]
    for line in body.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    for token in _md.parse(body):
        if token.type in {"fence", "code_block"} and token.map:
            spans.append((offsets[token.map[0]], offsets[min(token.map[1], len(offsets) - 1)]))
    for match in re.finditer(r"(`+)[^`\n]*?\1", body):
        spans.append(match.span())
    return spans


def _extract_components(body: str, path: str) -> tuple[str, list[Component | EachBlock | IfBlock]]:
    parts: list[Component | EachBlock | IfBlock] = []
    out: list[str] = []
    spans = _code_spans(body)
    i = 0
    while i < len(body):
        skip = next((e for s, e in spans if s == i), None)
        if skip is not None:
            out.append(body[i:skip])
            i = skip
            continue
        ch = body[i]
        if ch == "<" and i + 1 < len(body) and body[i + 1].isupper():
            component, end = _parse_tag(body, i, path)
            component.block = _is_block(body, i, end)
            parts.append(component)
            out.append(_token_marker(len(parts) - 1, component.block))
            i = end
        elif body.startswith("{#if", i):
            conditional, end = _parse_if(body, i, path)
            parts.append(conditional)
            out.append(_token_marker(len(parts) - 1, conditional.block))
            i = end
        elif body.startswith("{#each", i):
            each, end = _parse_each(body, i, path)
            parts.append(each)
            out.append(_token_marker(len(parts) - 1, each.block))
            i = end
        elif ch == "{":
            line = body.count("\n", 0, i) + 1
            close = body.find("}", i)
            expr = body[i : close + 1] if close > 0 else body[i : i + 20]
            raise PageBuildError(
                path,
                line,
                expr,
                f"expression {expr} is not supported here: use <Value data={{query}} "
                "column=name/> or an {#each} block",
            )
        else:
            out.append(ch)
            i += 1
    return "".join(out), parts


def _token_marker(index: int, block: bool) -> str:
    mark = TOKEN_MARKER.format(index)
    return f"\n\n{mark}\n\n" if block else mark


def _is_block(body: str, start: int, end: int) -> bool:
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end < 0 else line_end
    return not body[line_start:start].strip() and not body[end:line_end].strip()


def _parse_each(body: str, start: int, path: str) -> tuple[EachBlock, int]:
    line = body.count("\n", 0, start) + 1
    match = _EACH_OPEN.match(body, start)
    if not match:
        raise PageBuildError(path, line, "{#each", "write {#each query as row} ... {/each}")
    close = body.find(_EACH_CLOSE, match.end())
    if close < 0:
        raise PageBuildError(path, line, "{#each", "{#each} block is never closed with {/each}")
    end = close + len(_EACH_CLOSE)
    each = EachBlock(
        match.group(1), match.group(2), body[match.end() : close], line, _is_block(body, start, end)
    )
    return each, end


def _parse_if(body: str, start: int, path: str) -> tuple[IfBlock, int]:
    """Parse `{#if q.length > 0}`..`{:else}`..`{/if}` (nested ifs allowed) from `start`."""
    line = body.count("\n", 0, start) + 1
    match = _IF_OPEN.match(body, start)
    if not match:
        raise PageBuildError(
            path, line, "{#if", "write {#if query.length > 0} ... {:else} ... {/if}"
        )
    depth, split, close = 0, None, None
    for token in _IF_TOKEN.finditer(body, match.end()):
        text = token.group(0)
        if text == "{#if":
            depth += 1
        elif text == "{/if}":
            if depth == 0:
                close = token
                break
            depth -= 1
        elif depth == 0 and split is None:
            split = token
    if close is None:
        raise PageBuildError(path, line, "{#if", "{#if} block is never closed with {/if}")
    then_end = split.start() if split else close.start()
    then_markdown, then_parts = _branch(body, match.end(), then_end, path)
    else_markdown, else_parts = (
        _branch(body, split.end(), close.start(), path) if split else ("", [])
    )
    end = close.end()
    operator = match.group(2)
    return IfBlock(
        match.group(1),
        operator in {">", "!==", "!="},
        then_markdown,
        then_parts,
        else_markdown,
        else_parts,
        line,
        _is_block(body, start, end),
    ), end


def _branch(body: str, start: int, end: int, path: str):
    """One branch of an {#if}, parsed on its own; blank lines keep its error line numbers."""
    padding = "\n" * body.count("\n", 0, start)
    markdown, parts = _extract_components(padding + body[start:end], path)
    return markdown[len(padding) :], parts


def _parse_tag(body: str, start: int, path: str) -> tuple[Component, int]:
    """Parse `<Name props/>` or `<Name props>children</Name>` starting at `start`."""
    line = body.count("\n", 0, start) + 1
    match = _NAME.match(body, start + 1)
    assert match is not None
    name = match.group(0)
    i = match.end()
    props: dict[str, Prop] = {}
    while True:
        while i < len(body) and body[i].isspace():
            i += 1
        if i >= len(body):
            raise PageBuildError(path, line, name, f"<{name}> is never closed")
        if body.startswith("/>", i):
            return Component(name, props, line, False), i + 2
        if body[i] == ">":
            i += 1
            break
        prop = _NAME.match(body, i)
        if not prop:
            raise PageBuildError(
                path, body.count("\n", 0, i) + 1, name, f"cannot read the props of <{name}>"
            )
        key = prop.group(0)
        i = prop.end()
        if i < len(body) and body[i] == "=":
            value, i = _parse_value(body, i + 1, path, name)
            props[key] = value
        else:
            props[key] = Prop("flag", "true")
    closing = f"</{name}>"
    end = body.find(closing, i)
    if end < 0:
        raise PageBuildError(path, line, name, f"<{name}> is opened but {closing} is missing")
    inner = body[i:end]
    children: list[Component] = []
    text: list[str] = []
    j = 0
    while j < len(inner):
        if inner[j] == "<" and j + 1 < len(inner) and inner[j + 1].isupper():
            child, child_end = _parse_tag(inner, j, path)
            child.line += line - 1
            children.append(child)
            j = child_end
        else:
            text.append(inner[j])
            j += 1
    return Component(name, props, line, False, children, "".join(text).strip()), end + len(closing)


def _parse_value(body: str, i: int, path: str, name: str) -> tuple[Prop, int]:
    if i >= len(body):
        raise PageBuildError(path, body.count("\n") + 1, name, f"<{name}> ends inside a prop")
    quote = body[i]
    if quote in "\"'":
        end = body.find(quote, i + 1)
        if end < 0:
            raise PageBuildError(path, body.count("\n", 0, i) + 1, name, "unclosed quote")
        return Prop("string", body[i + 1 : end]), end + 1
    if quote == "{":
        depth, j, in_str = 0, i, ""
        while j < len(body):
            c = body[j]
            if in_str:
                in_str = "" if c == in_str else in_str
            elif c in "\"'`":
                in_str = c
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return Prop("expr", body[i + 1 : j].strip()), j + 1
            j += 1
        raise PageBuildError(path, body.count("\n", 0, i) + 1, name, "unclosed { in a prop")
    match = re.compile(r"[^\s/>]+").match(body, i)
    if not match:
        raise PageBuildError(path, body.count("\n", 0, i) + 1, name, "empty prop value")
    return Prop("word", match.group(0)), match.end()
