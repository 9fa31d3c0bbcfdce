"""Fast, exact text output: CSV and JSON lines built as byte matrices.

Each row is assembled from fixed-width, NUL-padded byte fields (numpy `S` arrays) and constant
separators; the NUL padding is then squeezed out, which gives variable-width text without a
Python loop per row. This is what lets the `large` company (10 million activity lines) be written
in seconds. Formats follow LANDING_CONTRACT.md: LF line endings, `"` quoting where needed,
two-decimal amounts, ISO dates and `...T12:34:56.000Z` timestamps, `true`/`false`, blank = null.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ingestion.demo.fiscal import date_of

Piece = bytes | np.ndarray
Column = Callable[[slice], list[Piece]]


class Reordered:
    """`values[order]`, taken one slice of rows at a time: a file written in another order than
    its table's never holds a reordered copy of a whole column (the `xl` company's opportunity
    history has 12 million rows, about 100 MB per column)."""

    def __init__(self, values: np.ndarray | Reordered, order: np.ndarray | Reordered) -> None:
        self.values = values
        self.order = order

    def __getitem__(self, rows: slice) -> np.ndarray:
        return self.values[self.order[rows]]


Rows = np.ndarray | Reordered

CHUNK_ROWS = 200_000
_TIMES = np.array(
    [f"{h:02d}:{m:02d}:{s:02d}".encode() for h in range(24) for m in range(60) for s in range(60)],
    dtype="S8",
)


def csv_text(value: str) -> str:
    """A CSV field: quoted (quotes doubled) when it holds a separator, quote, line break or
    leading/trailing space, as written."""
    if any(c in value for c in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def s_array(values: Sequence[str | bytes]) -> np.ndarray:
    """UTF-8 byte strings as a fixed-width numpy array."""
    raw = [v.encode("utf-8") if isinstance(v, str) else v for v in values]
    width = max([1, *(len(r) for r in raw)])
    return np.array(raw, dtype=f"S{width}")


def _digits(values: np.ndarray, ndigits: int) -> np.ndarray:
    """ASCII digits of non-negative ints, right-aligned, leading zeros as NUL (n x ndigits)."""
    pow10 = 10 ** np.arange(ndigits - 1, -1, -1, dtype=np.uint64)
    d = (values.astype(np.uint64)[:, None] // pow10) % np.uint64(10)
    out = d.astype(np.uint8) + np.uint8(48)
    significant = np.maximum.accumulate(d > 0, axis=1)
    significant[:, -1] = True
    out[~significant] = 0
    return out


def int_text(values: np.ndarray) -> np.ndarray:
    """Integers as text (`-12`, `0`, `3600`)."""
    v = np.asarray(values, dtype=np.int64)
    mag = np.abs(v)
    nd = max(1, len(str(int(mag.max())))) if len(v) else 1
    out = np.zeros((len(v), nd + 1), dtype=np.uint8)
    out[:, 0] = np.where(v < 0, ord("-"), 0)
    out[:, 1:] = _digits(mag, nd)
    return out.view(f"S{nd + 1}").ravel()


def cents_text(cents: np.ndarray) -> np.ndarray:
    """Integer cents as a two-decimal amount (`1234.50`, `-10.00`, `0.05`)."""
    v = np.asarray(cents, dtype=np.int64)
    mag = np.abs(v)
    units, frac = mag // 100, mag % 100
    nd = max(1, len(str(int(units.max())))) if len(v) else 1
    out = np.zeros((len(v), nd + 4), dtype=np.uint8)
    out[:, 0] = np.where(v < 0, ord("-"), 0)
    out[:, 1 : nd + 1] = _digits(units, nd)
    out[:, nd + 1] = ord(".")
    out[:, nd + 2] = (frac // 10 + 48).astype(np.uint8)
    out[:, nd + 3] = (frac % 10 + 48).astype(np.uint8)
    return out.view(f"S{nd + 4}").ravel()


def date_text(days: np.ndarray) -> np.ndarray:
    """Day numbers as `YYYY-MM-DD`."""
    days = np.asarray(days, dtype=np.int64)
    if not len(days):
        return np.zeros(0, dtype="S10")
    lo, hi = int(days.min()), int(days.max())
    lut = np.array([date_of(d).isoformat().encode() for d in range(lo, hi + 1)], dtype="S10")
    return lut[days - lo]


def ts_pieces(secs: np.ndarray) -> list[Piece]:
    """Epoch seconds as `YYYY-MM-DDTHH:MM:SS.000Z` (UTC, the Salesforce export format)."""
    secs = np.asarray(secs, dtype=np.int64)
    return [date_text(secs // 86400), b"T", _TIMES[secs % 86400], b".000Z"]


def bool_text(values: np.ndarray) -> np.ndarray:
    """Booleans as `true`/`false`."""
    return np.array([b"false", b"true"], dtype="S5")[np.asarray(values, dtype=np.int64)]


def null_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Blank (null) where `mask` is true."""
    return np.where(mask, np.zeros(1, dtype=values.dtype), values)


# Column builders: each returns a function of a row slice, so big tables format chunk by chunk.


def col_bytes(values: Rows) -> Column:
    return lambda sl: [values[sl]]


def col_const(value: str) -> Column:
    raw = value.encode("utf-8")
    return lambda sl: [raw]


def col_lookup(lut: np.ndarray, idx: Rows) -> Column:
    """`lut[idx]`; blank where idx < 0."""

    def build(sl: slice) -> list[Piece]:
        i = idx[sl]
        return [null_where(i < 0, lut[np.maximum(i, 0)])]

    return build


def col_int(values: Rows) -> Column:
    return lambda sl: [int_text(values[sl])]


def col_cents(cents: Rows, null: np.ndarray | None = None) -> Column:
    def build(sl: slice) -> list[Piece]:
        text = cents_text(cents[sl])
        return [text if null is None else null_where(null[sl], text)]

    return build


def col_date(days: Rows, null: np.ndarray | None = None) -> Column:
    def build(sl: slice) -> list[Piece]:
        text = date_text(days[sl])
        return [text if null is None else null_where(null[sl], text)]

    return build


def col_ts(secs: Rows) -> Column:
    return lambda sl: ts_pieces(secs[sl])


def col_bool(values: Rows) -> Column:
    return lambda sl: [bool_text(values[sl])]


def render_rows(pieces: list[Piece], n: int) -> bytes:
    """Concatenate the pieces of each row, then of all rows, dropping the NUL padding."""
    if n == 0:
        return b""
    fields = []
    for i, p in enumerate(pieces):
        if isinstance(p, bytes):
            fields.append((f"f{i}", f"S{max(1, len(p))}"))
        else:
            fields.append((f"f{i}", p.dtype))
    rec = np.empty(n, dtype=np.dtype(fields))
    for i, p in enumerate(pieces):
        rec[f"f{i}"] = p
    flat = rec.view(np.uint8)
    return flat[flat != 0].tobytes()


def write_csv(path: Path, header: Sequence[str], columns: Sequence[Column], n: int) -> int:
    """Write a CSV file: header, then `n` rows; returns the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write((",".join(header) + "\n").encode())
        for start in range(0, n, CHUNK_ROWS):
            sl = slice(start, min(n, start + CHUNK_ROWS))
            pieces: list[Piece] = []
            for j, col in enumerate(columns):
                if j:
                    pieces.append(b",")
                pieces.extend(col(sl))
            pieces.append(b"\n")
            fh.write(render_rows(pieces, sl.stop - sl.start))
    return n
