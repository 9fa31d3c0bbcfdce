"""The table `spm check` prints, and the counts a run report keeps.

Plain text, one line per check, so it reads the same in a terminal, a CI log and an email;
the checks that did not pass are listed again below with their message and sample rows, so
whoever fixes the data knows which rows to look at.
"""

from __future__ import annotations

from collections.abc import Sequence

from data_quality.spec import CheckResult

RESULT_WORDS = {"passed": "pass", "warned": "WARN", "failed": "FAIL"}
SAMPLE_WIDTH = 60
HEADERS = ("check", "asset", "severity", "result", "failing rows", "sample")


def _compact(row: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summarize(results: Sequence[CheckResult]) -> dict[str, int]:
    """`{"passed": n, "warned": n, "failed": n}`: failed counts blocking failures only."""
    counts = {"passed": 0, "warned": 0, "failed": 0}
    for result in results:
        counts[result.outcome] += 1
    return counts


def blocking_failures(results: Sequence[CheckResult]) -> list[CheckResult]:
    """The results that stop publishing: severity error and not passed."""
    return [r for r in results if r.outcome == "failed"]


def format_check_table(results: Sequence[CheckResult]) -> str:
    """The check table: check, asset, severity, result, failing rows, sample; then details."""
    rows = [
        (
            r.name,
            r.asset,
            r.severity,
            RESULT_WORDS[r.outcome],
            f"{r.failing_rows:,}",
            _clip(_compact(r.sample[0]), SAMPLE_WIDTH) if r.sample else "",
        )
        for r in results
    ]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(HEADERS)]
    numeric = {4}

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(HEADERS), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    counts = summarize(results)
    out.append("")
    out.append(
        f"{len(results)} checks: {counts['passed']} passed, {counts['warned']} warned, "
        f"{counts['failed']} failed (blocking)"
    )
    details = [r for r in results if not r.passed]
    if details:
        out.append("")
        for result in details:
            out.append(
                f"{RESULT_WORDS[result.outcome]} {result.name} on {result.asset}: {result.message}"
            )
            out.extend(f"    {_compact(row)}" for row in result.sample)
    return "\n".join(out) + "\n"
