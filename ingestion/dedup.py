"""Keep one row per record id when an export repeats a record.

A Salesforce export can hold the same Id twice (a record modified while the export ran).
The row with the later `SystemModstamp` is the record's newer state, so it wins; on a tie the
row further down the file wins, as it was written later. The dropped rows are returned so the
load reports them (nothing is dropped silently), and staging models see one row per Id.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def keep_latest(table: pa.Table, key: str, order_by: str) -> tuple[pa.Table, list[str]]:
    """The table with one row per `key` (latest `order_by`), and the keys that were repeated."""
    if table.num_rows == 0 or pc.count_distinct(table[key]).as_py() == table.num_rows:
        return table, []
    position = "__position"
    indexed = table.append_column(position, pa.array(range(table.num_rows), pa.int64()))
    ordered = indexed.sort_by(
        [(key, "ascending"), (order_by, "descending"), (position, "descending")]
    )
    keys = ordered[key].combine_chunks()
    first_of_key = pc.not_equal(keys.slice(1), keys.slice(0, len(keys) - 1))
    keep = pa.concat_arrays([pa.array([True]), first_of_key.cast(pa.bool_())])
    kept = ordered.filter(keep).sort_by(position).drop_columns([position])
    counts = pa.table({key: keys}).group_by(key).aggregate([(key, "count")])
    repeated = counts.filter(pc.greater(counts[f"{key}_count"], 1))[key].to_pylist()
    return kept, sorted(repeated)
