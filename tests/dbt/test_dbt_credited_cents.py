"""`credited_cents` (dbt_project/macros/pipeline/pipeline_params.sql): amount x FX rate x credit
share, rounded once to cents, half away from zero, exactly.

DuckDB's version leaves out the cast back to 10 places that Spark's needs: both are evaluated
here, on DuckDB, against the same products worked out with Python's decimals, at the half-cent
boundaries where a product rounded twice (or held as a float) would lose a cent.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

from tests.support.dbt.dbt_helpers import run_dbt

# (local amount, FX rate, credit share): the types of the staged columns
CASES = [
    ("1.01", "0.50000000", "1.000000"),  # 0.505: half a cent, up
    ("-1.01", "0.50000000", "1.000000"),  # -0.505: away from zero
    ("2.01", "0.50000000", "1.000000"),  # 1.005, which a float holds as 1.00499999...
    ("20.10", "0.10000000", "0.500000"),  # 1.005 again, through the share
    ("33.33", "0.30000000", "0.500000"),  # 4.9995
    ("100.00", "1.23456789", "0.333333"),  # 41.152221...
    ("0.01", "0.00000001", "0.000001"),  # 1e-16: nothing
    ("12345.67", "0.00006250", "0.250000"),  # a rupiah deal in dollars: 0.192901...
    ("99999999999.99", "1.37000000", "0.999999"),  # a hundred billion
    ("7.77", "1.00000005", "0.333334"),  # 2.590002...: the rate's last place counts
]


def _expected(local: str, rate: str, share: str) -> str:
    with localcontext() as context:
        context.prec = 60  # every digit of the product, whatever the case
        product = Decimal(local) * Decimal(rate) * Decimal(share)
        return str(product.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _args(local: str, rate: str, share: str) -> tuple[str, str, str]:
    return (
        f"cast({local} as decimal(18, 2))",
        f"cast({rate} as decimal(18, 8))",
        f"cast({share} as decimal(18, 6))",
    )


def _show(tmp_path: Path, select: str) -> tuple[int, list[dict], str]:
    done = run_dbt(
        ["show", "--inline", select, "--output", "json", "--limit", "-1"],
        tmp_path / "work.duckdb",
        tmp_path,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        return done.returncode, [], output
    shown = json.loads(done.stdout[done.stdout.index("{") : done.stdout.rindex("}") + 1])
    return done.returncode, shown["show"], output


def test_both_engines_ways_give_the_exact_cents(tmp_path: Path) -> None:
    columns = []
    for number, case in enumerate(CASES):
        a, b, c = _args(*case)
        columns.append(
            f"cast({{{{ credited_cents('{a}', '{b}', '{c}') }}}} as varchar) as duckdb_{number}"
        )
        columns.append(
            f"cast({{{{ spm.default__credited_cents('{a}', '{b}', '{c}') }}}} as varchar)"
            f" as default_{number}"
        )
    code, rows, output = _show(tmp_path, "select " + ", ".join(columns))
    assert code == 0, output[-3000:]
    (row,) = rows
    for number, case in enumerate(CASES):
        expected = _expected(*case)
        assert (row[f"duckdb_{number}"], row[f"default_{number}"]) == (expected, expected), case


def test_a_value_too_large_to_hold_exactly_stops_with_an_error(tmp_path: Path) -> None:
    """Above 10^14 in the corporate currency DuckDB's exact product runs out of digits: the
    build stops, it does not round."""
    a, b, c = _args("99999999999999.99", "10.00000000", "1.000000")
    code, _, output = _show(tmp_path, f"select {{{{ credited_cents('{a}', '{b}', '{c}') }}}} as v")
    assert code != 0, output[-3000:]
    assert "Overflow" in output, output[-3000:]
