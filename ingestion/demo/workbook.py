"""Deterministic .xlsx output.

openpyxl stamps the workbook's `modified` property and every zip entry with the current time, so
two runs would differ; the generator promises byte-identical files for the same arguments. We
fix the document properties and re-pack the archive with a constant entry timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.xml.functions import tostring

FIXED_TIME = dt.datetime(2020, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CORE_PATH = "docProps/core.xml"


def write_workbook(
    path: Path, sheet: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> int:
    """Write one sheet (header row, then `rows`); returns the number of data rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    props = DocumentProperties(creator="spm-warehouse demo generator")
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    wb.properties = props
    buffer = io.BytesIO()
    wb.save(buffer)
    props.modified = FIXED_TIME  # save() stamped it with the current time
    core_xml = tostring(props.to_tree())
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = core_xml if info.filename == CORE_PATH else src.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return len(rows)
