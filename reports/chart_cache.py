"""Charts drawn once per picture: a folder of SVGs keyed by the chart's whole spec.

Drawing is most of a page's cost (vl-convert, about 50 ms a chart; 57% of the large company's
site time). A chart's spec holds its data, so two runs that show the same numbers ask for
the same spec: the next day's run redraws only the charts whose data changed (this period's,
typically), and a run with nothing new redraws nothing.

The key is the SHA-256 of the spec (sorted JSON), the vl-convert version and `DRAWING`, the
version of what this product does to vl-convert's SVG; a change to either draws everything
again. Each `spm run` keeps what its two sites used and deletes the rest (`prune`), so the
folder holds the current sites' charts only. Charts of pay pages hold pay: the folder lives
in the warehouse folder and is owner-only, like the restricted file.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import vl_convert

# bump when the SVG post-processing of reports/charts.py changes what a spec draws
DRAWING = "2"
_ACTIVE: contextvars.ContextVar[ChartCache | None] = contextvars.ContextVar(
    "chart_cache", default=None
)


class ChartCache:
    """SVGs by spec in `folder` (created owner-only); counts what it drew and what it reused."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.drawn = 0
        self.reused = 0

    def key(self, spec_json: str) -> str:
        text = f"{DRAWING}\n{vl_convert.__version__}\n{spec_json}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def svg(self, spec_json: str, draw: Callable[[str], str]) -> str:
        """The SVG of `spec_json`: from the folder, or drawn by `draw` and kept."""
        key = self.key(spec_json)
        self.used.add(key)
        path = self.folder / f"{key}.svg"
        try:
            svg = path.read_text(encoding="utf-8")
        except OSError:
            svg = None
        if svg:
            self.reused += 1
            return svg
        svg = draw(spec_json)
        self.drawn += 1
        self._keep(path, svg)
        return svg

    def _keep(self, path: Path, svg: str) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(svg)
        os.replace(tmp, path)  # a reader never sees half a chart

    def prune(self) -> int:
        """Delete the charts no render of this cache used; return how many."""
        removed = 0
        if not self.folder.is_dir():
            return removed
        for path in self.folder.iterdir():
            if path.suffix == ".svg" and path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


@contextlib.contextmanager
def charts_cached_in(cache: ChartCache | None) -> Iterator[None]:
    """Within the block, `reports.charts.to_svg` reads and fills `cache` (None: no cache)."""
    token = _ACTIVE.set(cache)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_cache() -> ChartCache | None:
    return _ACTIVE.get()
