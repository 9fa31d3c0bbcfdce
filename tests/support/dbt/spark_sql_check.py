"""Compiles the dbt project for the `spark` target and checks the compiled SQL with Spark itself.

    python -m tests.support.dbt.spark_sql_check WORK_DIR

dbt compiles in this process (dbt's Python API; the profile's session method starts a local
Spark here, with a throwaway in-memory catalog: no metastore, no raw tables), once per CRM
mode whose SQL differs (salesforce: every model and test; hubspot: the staging models, the
only ones that read another CRM). Then, in the same Spark session, Spark's own SQL parser
parses every compiled model and data test, and every function the parsed SQL calls must be
one Spark knows: DuckDB-only syntax (`varchar` without a length, `timestamp with time zone`,
`ignore nulls` inside the call) fails the parse, a DuckDB-only function (`quantile_cont`,
`list`, `strftime`) the function check. (`::` casts and `qualify` are Spark 4 SQL too.) What
only analysis finds (a column that does not exist, a subquery correlated two levels deep, a
contract type) is left to the Spark build. Prints one line per problem and the counts; exits
1 on any problem.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from tests.support.dbt.dbt_helpers import dbt_arguments

AS_OF = "2026-11-30"

# (label, vars, selection): the CRM modes whose compiled SQL differs.
MODES = [
    ("salesforce", {"as_of_date": AS_OF, "crm": "salesforce"}, []),
    ("hubspot", {"as_of_date": AS_OF, "crm": "hubspot"}, ["--select", "path:models/staging"]),
]

# An unresolved function in Spark's parsed plan prints as 'name(args).
_FUNCTION_CALL = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)\(")

# DuckDB-only SQL that the check must reject, checked on every run so that a check that
# stopped finding anything fails instead of passing everything.
CANARIES = {
    "zoned_timestamp.sql": "select cast(created as timestamp with time zone) as created from deals",
    "varchar.sql": "select cast(amount as varchar) as amount from deals",
    "ignore_nulls.sql": (
        "select last_value(amount ignore nulls) over (order by closed_on) as amount from deals"
    ),
    "quantile_cont.sql": "select quantile_cont(amount, 0.5) as amount from deals",
}


def compile_mode(work_dir: Path, label: str, dbt_vars: dict, selection: list[str]) -> Path:
    """`dbt compile --target spark` for one CRM mode; returns its compiled-SQL folder."""
    from dbt.cli.main import dbtRunner

    target = work_dir / label
    args = dbt_arguments(["compile", "--quiet", *selection], target, dbt_vars, target="spark")
    result = dbtRunner().invoke(args)
    if not result.success:
        raise SystemExit(f"dbt compile --target spark ({label}) failed: {result.exception}")
    return target / "target" / "compiled"


def check_compiled(spark, compiled: Path) -> tuple[int, list[str]]:
    """Parses every compiled .sql under `compiled`; returns (files parsed, problems)."""
    parser = spark._jsparkSession.sessionState().sqlParser()
    problems: list[str] = []
    called: dict[str, str] = {}
    files = sorted(compiled.rglob("*.sql"))
    for path in files:
        name = str(path.relative_to(compiled))
        try:
            plan = parser.parsePlan(path.read_text())
        except Exception as exc:  # py4j wraps Spark's ParseException
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            problems.append(f"{name}: does not parse as Spark SQL: {first}")
            continue
        for function in _FUNCTION_CALL.findall(plan.toString()):
            called.setdefault(function.lower(), name)
    for function, name in sorted(called.items()):
        if not spark.catalog.functionExists(function):
            problems.append(f"{name}: calls {function}(), which Spark does not have")
    return len(files), problems


def main(work_dir: Path) -> int:
    os.environ["SPM_SPARK_CATALOG"] = "in-memory"
    os.environ["SPM_SPARK_DIR"] = str(work_dir / "spark")
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    compiled = [compile_mode(work_dir, *mode) for mode in MODES]

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    total, problems = 0, []
    for folder in compiled:
        count, found = check_compiled(spark, folder)
        total += count
        problems += found
    canaries = work_dir / "canaries"
    canaries.mkdir(parents=True, exist_ok=True)
    for name, sql in CANARIES.items():
        (canaries / name).write_text(sql)
    _, caught = check_compiled(spark, canaries)
    for name in CANARIES:
        if not any(line.startswith(f"{name}: ") for line in caught):
            problems.append(f"the check let DuckDB-only SQL through: {CANARIES[name]}")
    for line in problems:
        print(line)
    print(f"parsed {total} compiled files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
