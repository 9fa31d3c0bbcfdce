"""What a bad-input case is: one fault in the small demo company and the outcome it must have.

Outcomes:
- `error`: loading the system raises `LandingFileError` naming the file, the row (or sheet and
  cell) and the field, and the raw tables of the system are exactly as before the load.
- `quarantine`: the broken record lands in `quarantine.<table>` with the rule, and is absent
  from the mart (`fct_opportunities`, `fct_quotas`).
- `blocking`: the load succeeds and the named Great Expectations check, of severity error,
  fails on the broken rows (so publish would not run).
- `warning`: the load succeeds and the named check, of severity warning, fails on them.
- `accepted`: the load succeeds, reports what it noticed (`new_columns`, `deduplicated`) and
  raw (or, for shared cases, the marts) hold the values as the file gave them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.bad_inputs.bad_input_landing import Landing

OUTCOMES = ("error", "quarantine", "blocking", "warning", "accepted")

# a fault edits the case's landing folder and returns the key of the record it broke (an
# opportunity id, a workbook cell like "F7", ...) or None when the fault is about the file
Fault = Callable[[Landing], "str | None"]


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    system: str
    file: str
    fault: Fault
    outcome: str
    # error
    row: int | None = None
    field: str | None = None
    sheet: str | None = None
    cell: str | None = None
    says: str | None = None
    # quarantine: the table of quarantine.<table> and marts, and the rule
    table: str | None = None
    rule: str | None = None
    # blocking / warning: the check, and how many more rows fail than on the clean company
    check: str | None = None
    failing_rows: int = 1
    # accepted
    new_columns: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    deduplicated: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # a query on the case's warehouse (`{key}` = the fault's record key) and its exact answer
    query: str | None = None
    expected: list[tuple] | None = None
    # applied to the one shared copy that dbt builds (quarantine cases, and accepted cases
    # whose proof is in the marts)
    shared: bool = False
    # a known defect: the test is marked xfail(strict=True) with this reason
    defect: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"{self.id}: outcome {self.outcome!r} is not one of {OUTCOMES}")
        if self.outcome == "quarantine" and not (self.table and self.rule and self.shared):
            raise ValueError(f"{self.id}: a quarantine case names table and rule, and is shared")
        if self.outcome in ("blocking", "warning") and not self.check:
            raise ValueError(f"{self.id}: a {self.outcome} case names its check")
        if self.outcome == "error" and self.shared:
            raise ValueError(f"{self.id}: an error case cannot share the dbt copy")
