"""Draw the many copies of a templated page (one per rep, one per team) on every core.

A large company's site is mostly its rep and team pages (1,000 reps: 1,000 copies of
`reps/[rep_id].md`), and drawing them is queries, charts and markdown in one Python thread:
one core busy while the run's other cores idle, for minutes. `PagePool` hands the copies of
such a page to worker processes, in chunks, and puts the pages back together in the order one
process would have drawn them, so the site is the same files with the same bytes.

Each worker opens the published file read-only (DuckDB lets any number of processes read a
file) with the render's memory limit, in a spill folder of its own (DuckDB names its spill
files alike), and reads and fills the same chart cache folder: a chart drawn by one worker is
reused by the next render. Workers are started with `spawn`: the process that renders holds
DuckDB and vl-convert threads, which a forked child must not inherit.

A page with fewer copies than `min_copies` is drawn in the process itself: starting the
workers (imports, a connection each) costs about a second, more than a small company's pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reports.chart_cache import ChartCache, charts_cached_in
from reports.errors import PageBuildError

if TYPE_CHECKING:
    from reports.sql_engine import Warehouse

# below this many copies of a page, starting the workers costs more than they save
MIN_COPIES = 48
# chunks per worker: small enough that the workers finish together, large enough that each
# chunk's overhead (pickling its pages back) stays small
CHUNKS_PER_WORKER = 4

# page file output -> (title, body HTML), as `reports.render` draws them
Bodies = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class PageJob:
    """What a worker needs to draw copies of one page: everything by value or by path."""

    published_db: Path
    duckdb_config: Mapping[str, str] | None
    pages_dir: Path
    page_path: str
    allowed: frozenset[str]
    pending: frozenset[str]
    currency: str
    chart_folder: Path | None


@dataclass
class DrawnChunk:
    """A worker's copies of a page, its notices, and what it did with the chart cache."""

    bodies: Bodies = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    charts_used: set[str] = field(default_factory=set)
    charts_drawn: int = 0
    charts_reused: int = 0
    # a PageBuildError as (page, line, name, message): its pickling drops the fields
    error: tuple[str, int, str, str] | None = None


class PagePool:
    """Worker processes for the copies of templated pages; started on first use.

    Use it as a context manager around every render that shares it (`spm run` passes one to
    the public and the restricted site), so the workers and their read-only connections end
    with the renders.
    """

    def __init__(self, workers: int | None = None, *, min_copies: int = MIN_COPIES) -> None:
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.min_copies = min_copies
        # copies of pages the workers drew (the rest were drawn in the rendering process)
        self.copies_drawn = 0
        self._executor: Executor | None = None

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def worth_it(self, copies: int) -> bool:
        return self.workers > 1 and copies >= self.min_copies

    def draw(
        self, job: PageJob, values: Sequence[str | None], cache: ChartCache | None
    ) -> tuple[Bodies, list[str]]:
        """Every copy of `job`'s page, one per value, in the order of `values`."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        futures = [
            self._executor.submit(draw_chunk, job, chunk)
            for chunk in split(values, self.workers * CHUNKS_PER_WORKER)
        ]
        bodies: Bodies = {}
        warnings: list[str] = []
        for future in futures:
            part = future.result()
            if part.error is not None:
                raise PageBuildError(*part.error)
            bodies.update(part.bodies)
            warnings.extend(part.warnings)
            if cache is not None:
                cache.used |= part.charts_used
                cache.drawn += part.charts_drawn
                cache.reused += part.charts_reused
        self.copies_drawn += len(values)
        return bodies, warnings


def split(values: Sequence[str | None], chunks: int) -> list[list[str | None]]:
    """`values` in at most `chunks` consecutive runs of nearly equal length, none empty."""
    chunks = max(1, min(chunks, len(values)))
    size, extra = divmod(len(values), chunks)
    out, start = [], 0
    for i in range(chunks):
        end = start + size + (1 if i < extra else 0)
        out.append(list(values[start:end]))
        start = end
    return out


# In a worker: the published files it has open, by path and settings (a worker draws chunks
# of several pages of one render, and of both sites); closed when the pool ends the worker.
_OPEN: dict[tuple[str, tuple[tuple[str, str], ...]], Warehouse] = {}


def _warehouse(job: PageJob) -> Warehouse:
    from reports.sql_engine import Warehouse

    config = dict(job.duckdb_config or {})
    if "temp_directory" in config:
        config["temp_directory"] += f"-worker-{os.getpid()}"
    key = (str(job.published_db), tuple(sorted(config.items())))
    if key not in _OPEN:
        _OPEN[key] = Warehouse(job.published_db, config)
    return _OPEN[key]


def draw_chunk(job: PageJob, values: list[str | None]) -> DrawnChunk:
    """In a worker: draw the copies of `job`'s page for `values`, as `reports.render` would."""
    from reports.page_format import parse_page
    from reports.render import draw_copies
    from reports.sql_engine import PageQueries

    cache = ChartCache(job.chart_folder) if job.chart_folder is not None else None
    try:
        text = (job.pages_dir / job.page_path).read_text(encoding="utf-8")
        page = parse_page(text, job.page_path)
        queries = PageQueries(page, _warehouse(job), job.allowed, job.pending)
        with charts_cached_in(cache):
            bodies, warnings = draw_copies(page, queries, values, job.currency)
    except PageBuildError as exc:
        return DrawnChunk(error=(exc.page, exc.line, exc.name, exc.message))
    chunk = DrawnChunk(bodies=bodies, warnings=warnings)
    if cache is not None:
        chunk.charts_used, chunk.charts_drawn, chunk.charts_reused = (
            cache.used,
            cache.drawn,
            cache.reused,
        )
    return chunk
