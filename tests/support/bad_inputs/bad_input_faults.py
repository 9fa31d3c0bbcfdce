"""The edits the cases make, one small function per kind of fault.

Each takes the case's `Landing` and returns the key of the record it broke (or None). Records
are chosen among the ones the generator left clean (`Landing.clean_opportunities`), by an index,
so that the quarantine cases, which all go into one shared copy, each break their own record.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from tests.support.bad_inputs.bad_input_landing import BUMPED_MODSTAMP, Landing

OPPORTUNITIES = "crm/Opportunity.csv"
SPLITS = "crm/OpportunitySplit.csv"
QUOTAS = "compensation/quotas_FY2026.xlsx"
REVENUE_SPLIT_TYPE = "Revenue"


def edit_opportunity(landing: Landing, index: int, **values: str) -> str:
    """Edit the `index`-th clean opportunity; return its id."""
    opportunity_id = landing.clean_opportunities()[index]
    landing.edit(OPPORTUNITIES, landing.row_of(OPPORTUNITIES, "Id", opportunity_id), **values)
    return opportunity_id


def close_before_created(landing: Landing, index: int) -> str:
    opportunity_id = landing.clean_opportunities()[index]
    row = landing.row_of(OPPORTUNITIES, "Id", opportunity_id)
    created = dt.date.fromisoformat(landing.value(OPPORTUNITIES, row, "CreatedDate")[:10])
    landing.edit(OPPORTUNITIES, row, CloseDate=(created - dt.timedelta(days=10)).isoformat())
    return opportunity_id


def duplicate_opportunity(landing: Landing, index: int, amount: str) -> str:
    """Repeat a clean opportunity further down the file with another amount, same stamp."""
    opportunity_id = landing.clean_opportunities()[index]
    header, rows = landing.read_csv(OPPORTUNITIES)
    row = landing.row_of(OPPORTUNITIES, "Id", opportunity_id)
    rows[row - 2][header.index("SystemModstamp")] = BUMPED_MODSTAMP
    copy = list(rows[row - 2])
    copy[header.index("Amount")] = amount
    rows.append(copy)
    landing.write_csv(OPPORTUNITIES, header, rows)
    return opportunity_id


def two_way_revenue_splits(landing: Landing) -> list[tuple[str, list[int]]]:
    """Opportunities with exactly two Revenue splits and no generator fault: (id, split rows)."""
    _, types = landing.read_csv("crm/OpportunitySplitType.csv")
    revenue = {t[0] for t in types if t[1] == REVENUE_SPLIT_TYPE}
    header, rows = landing.read_csv(SPLITS)
    at = {name: header.index(name) for name in header}
    faulty = landing.faulty_ids()
    by_opportunity: dict[str, list[int]] = {}
    for number, row in enumerate(rows, start=2):
        by_opportunity.setdefault(row[at["OpportunityId"]], []).append(number)
    found = []
    for opportunity_id, numbers in by_opportunity.items():
        split_rows = [rows[n - 2] for n in numbers]
        if (
            len(numbers) == 2
            and opportunity_id not in faulty
            and all(r[at["SplitTypeId"]] in revenue for r in split_rows)
            and all(r[at["Id"]] not in faulty and r[at["IsDeleted"]] == "false" for r in split_rows)
        ):
            found.append((opportunity_id, numbers))
    return found


def edit_split(landing: Landing, index: int, **values: str) -> str:
    """Edit the second split of the `index`-th two-way Revenue split; return the opportunity."""
    opportunity_id, numbers = two_way_revenue_splits(landing)[index]
    landing.edit(SPLITS, numbers[1], **values)
    return opportunity_id


# -- quota workbook ---------------------------------------------------------------------------


def quota_cell(landing: Landing, row: int, value: object) -> str:
    """Set the first non-blank month cell of workbook row `row`; return the cell (`F7`)."""
    with landing.sheet(QUOTAS) as sheet:
        for cell in sheet[row][2:]:
            if cell.value not in (None, ""):
                cell.value = value
                return cell.coordinate
    raise LookupError(f"{QUOTAS}: row {row} has no quota")


def first_quota_cell(landing: Landing, row: int) -> str:
    with landing.sheet(QUOTAS) as sheet:
        for cell in sheet[row][2:]:
            if cell.value not in (None, ""):
                return cell.coordinate
    raise LookupError(f"{QUOTAS}: row {row} has no quota")


def quota_email(landing: Landing, row: int, email: str) -> str:
    """Replace the email of workbook row `row`; return its first quota cell."""
    with landing.sheet(QUOTAS) as sheet:
        sheet.cell(row=row, column=1, value=email)
    return first_quota_cell(landing, row)


def quota_email_case(landing: Landing, row: int) -> str:
    """Write the email of row `row` with capitals (`Ana.Ruiz@AcmeCloud.Example`)."""
    with landing.sheet(QUOTAS) as sheet:
        email = sheet.cell(row=row, column=1).value
        local, domain = email.split("@")
        sheet.cell(row=row, column=1, value=f"{local.title()}@{domain.upper()}")
    return first_quota_cell(landing, row)


def repeat_quota_row(landing: Landing, row: int, *, upper_email: bool) -> str:
    """Append a copy of workbook row `row` at the bottom; return the copy's first quota cell."""
    with landing.sheet(QUOTAS) as sheet:
        values = [c.value for c in sheet[row]]
        if upper_email:
            values[0] = values[0].upper()
        sheet.append(values)
        new_row = sheet.max_row
    return first_quota_cell(landing, new_row)


def quota_header(landing: Landing, column: str, value: object) -> None:
    with landing.sheet(QUOTAS) as sheet:
        sheet[f"{column}1"] = value


def merge_quota_header(landing: Landing, cells: str) -> None:
    """Merge header cells as a user formatting the sheet would (`C1:D1`)."""
    with landing.sheet(QUOTAS) as sheet:
        sheet.merge_cells(cells)


def insert_quota_rows(landing: Landing, before: int, count: int = 1) -> None:
    with landing.sheet(QUOTAS) as sheet:
        sheet.insert_rows(before, count)


def delete_quota_column(landing: Landing, column: int) -> None:
    with landing.sheet(QUOTAS) as sheet:
        sheet.delete_cols(column)


# -- whole files ------------------------------------------------------------------------------


def drop_column(landing: Landing, relative: str, column: str) -> None:
    header, rows = landing.read_csv(relative)
    index = header.index(column)
    landing.write_csv(
        relative,
        [h for i, h in enumerate(header) if i != index],
        [[v for i, v in enumerate(r) if i != index] for r in rows],
    )


def rename_column(landing: Landing, relative: str, old: str, new: str) -> None:
    header, rows = landing.read_csv(relative)
    header[header.index(old)] = new
    landing.write_csv(relative, header, rows)


def add_column(landing: Landing, relative: str, name: str, value: str) -> None:
    header, rows = landing.read_csv(relative)
    landing.write_csv(relative, [*header, name], [[*r, value] for r in rows])


def bom_and_line_endings(landing: Landing, relative: str, *, bom: bool, crlf: bool) -> None:
    data = landing.read_bytes(relative)
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    if bom:
        data = b"\xef\xbb\xbf" + data
    landing.write_bytes(relative, data)


def truncate_mid_row(landing: Landing, relative: str) -> int:
    """Cut the file in the middle of its last record (a copy interrupted); return that row."""
    data = landing.read_bytes(relative).rstrip(b"\n")
    last_start = data.rfind(b"\n") + 1
    landing.write_bytes(relative, data[: last_start + (len(data) - last_start) // 2])
    return data.count(b"\n") + 1


def latin1_cell(landing: Landing, relative: str, row: int, column: str, text: str) -> None:
    """Write one cell in Latin-1 (an export from an old tool), the rest of the file in UTF-8."""
    marker = "\u2603MARK\u2603"
    landing.edit(relative, row, **{column: marker})
    data = landing.read_bytes(relative)
    landing.write_bytes(relative, data.replace(marker.encode("utf-8"), text.encode("latin-1")))


def semicolon_separated(
    landing: Landing, relative: str, decimal_comma_in: str | None = None
) -> None:
    """Rewrite a CSV with `;` between fields, as a European spreadsheet saves it (with a
    decimal comma in column `decimal_comma_in`, when given)."""
    header, rows = landing.read_csv(relative)
    if decimal_comma_in:
        at = header.index(decimal_comma_in)
        for row in rows:
            row[at] = row[at].replace(".", ",")
    lines = [";".join(header), *(";".join(r) for r in rows)]
    landing.own(relative).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def duplicate_key(landing: Landing, relative: str, row: int, of_row: int, columns: list[str]):
    """Give row `row` the key of row `of_row` (its other values stay different)."""
    values = {c: landing.value(relative, of_row, c) for c in columns}
    landing.edit(relative, row, **values)


def symlink_outside(landing: Landing, relative: str, target: Path | None = None) -> None:
    """Replace a landing file by a symbolic link to `target`, or to a good copy of the file
    kept outside the landing folder (a link a user made instead of copying the export)."""
    path = landing.root / relative
    if target is None:
        target = landing.root.parent / "elsewhere" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    path.unlink()
    os.symlink(target, path)


# -- activities -------------------------------------------------------------------------------


def activities_file(day: dt.date) -> str:
    return f"sales_analytics/{day:%Y/%m/%d}/activities.jsonl"


def replace_activity_line(landing: Landing, day: dt.date, line: int, text: str) -> None:
    relative = activities_file(day)
    lines = landing.read_lines(relative)
    lines[line - 1] = text
    landing.write_lines(relative, lines)


def edit_activity(landing: Landing, day: dt.date, line: int, **values: object) -> str:
    import json

    relative = activities_file(day)
    lines = landing.read_lines(relative)
    event = json.loads(lines[line - 1])
    event.update(values)
    lines[line - 1] = json.dumps(event, separators=(",", ":"))
    landing.write_lines(relative, lines)
    return event["id"]


def activity_on_new_day(landing: Landing, from_day: dt.date, day: dt.date) -> str:
    """A new day folder holding one activity (a copy of an existing one, moved to `day`)."""
    import json

    event = json.loads(landing.read_lines(activities_file(from_day))[0])
    event["id"] = "act_" + "f" * 16
    event["timestamp"] = f"{day.isoformat()}T10:00:00.000Z"
    landing.write_lines(activities_file(day), [json.dumps(event, separators=(",", ":"))])
    return event["id"]


def insert_activity_line(landing: Landing, day: dt.date, line: int, text: str) -> None:
    relative = activities_file(day)
    lines = landing.read_lines(relative)
    lines.insert(line - 1, text)
    landing.write_lines(relative, lines)


def new_activity_file(landing: Landing, day: dt.date, data: bytes) -> None:
    path = landing.root / activities_file(day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def new_day_with_blank_line(landing: Landing, from_day: dt.date, day: dt.date) -> None:
    """A new day file of two activities (copies of `from_day`'s first two, new ids) with a
    blank line between them."""
    import json

    events = [json.loads(line) for line in landing.read_lines(activities_file(from_day))[:2]]
    lines = []
    for number, event in enumerate(events):
        event["id"] = "act_" + f"{number:x}" * 16
        event["timestamp"] = f"{day.isoformat()}T0{number + 8}:00:00.000Z"
        lines.append(json.dumps(event, separators=(",", ":")))
    landing.write_lines(activities_file(day), [lines[0], "", lines[1]])


def conflicting_activity(landing: Landing, day: dt.date, new_day: dt.date) -> str:
    """Edit `day`'s file (its third line: another outcome) and write a new day file holding a
    copy of `day`'s first activity with another duration and a timestamp on `new_day`.

    Both files are read by the same load; the activity id is returned."""
    import json

    edit_activity(landing, day, 3, outcome="edited")
    event = json.loads(landing.read_lines(activities_file(day))[0])
    event["duration_seconds"] = 4321
    event["timestamp"] = f"{new_day.isoformat()}T10:00:00.000Z"
    landing.write_lines(activities_file(new_day), [json.dumps(event, separators=(",", ":"))])
    return event["id"]


def activity_changed_on_new_day(landing: Landing, day: dt.date, new_day: dt.date) -> str:
    """A new day file holding `day`'s first activity (same id) with another duration: the
    earlier version was loaded by an earlier run."""
    import json

    event = json.loads(landing.read_lines(activities_file(day))[0])
    event["duration_seconds"] = 4321
    event["timestamp"] = f"{new_day.isoformat()}T10:00:00.000Z"
    landing.write_lines(activities_file(new_day), [json.dumps(event, separators=(",", ":"))])
    return event["id"]


def move_activity_line(landing: Landing, day: dt.date, line: int) -> None:
    """Move line `line` of a day file to its end: the same events, another file."""
    relative = activities_file(day)
    lines = landing.read_lines(relative)
    lines.append(lines.pop(line - 1))
    landing.write_lines(relative, lines)
