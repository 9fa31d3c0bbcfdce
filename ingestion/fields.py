"""Typed field specifications: the landing contract as code.

One `Field` per column of a landing file says how the column is written (`header`), what it
becomes in the raw table (dlt's snake_case `name`, Arrow/DuckDB type) and whether it may be
blank. Sources, the validators and the tests all read the contract from here, so a column's
type is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import pyarrow as pa
from dlt.common.normalizers.naming.snake_case import NamingConvention
from dlt.common.schema.typing import TColumnSchema

Kind = Literal["text", "date", "timestamp", "decimal", "boolean", "bigint"]

_NAMING = NamingConvention()


@cache
def snake(header: str) -> str:
    """The raw column name dlt gives a header (`OwnerId` -> `owner_id`)."""
    return _NAMING.normalize_identifier(header)


@dataclass(frozen=True)
class Field:
    """One column of a landing file and of its raw table."""

    header: str
    kind: Kind = "text"
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    # an optional column may be left out of the file's header (a CRM that does not have the
    # field): its raw value is then null, "unknown". When the header has it, a blank cell
    # lands as empty text, "known to be blank", so staging can tell the two apart.
    optional: bool = False

    @property
    def name(self) -> str:
        return snake(self.header)

    @property
    def arrow_type(self) -> pa.DataType:
        if self.kind == "text":
            return pa.string()
        if self.kind == "date":
            return pa.date32()
        if self.kind == "timestamp":
            # microseconds: DuckDB's TIMESTAMPTZ has no other precision
            return pa.timestamp("us", tz="UTC")
        if self.kind == "decimal":
            assert self.precision is not None and self.scale is not None
            return pa.decimal128(self.precision, self.scale)
        if self.kind == "boolean":
            return pa.bool_()
        return pa.int64()

    @property
    def type_label(self) -> str:
        """How the expected type is named in error messages."""
        return {
            "text": "text",
            "date": "a date YYYY-MM-DD",
            "timestamp": "a UTC timestamp YYYY-MM-DDThh:mm:ss.sssZ",
            "decimal": f"a decimal number with at most {self.scale} decimals",
            "boolean": "true or false",
            "bigint": "a whole number",
        }[self.kind]

    def dlt_column(self) -> TColumnSchema:
        """The dlt column hint, so the raw table gets the contract's type even when empty."""
        data_type = {
            "text": "text",
            "date": "date",
            "timestamp": "timestamp",
            "decimal": "decimal",
            "boolean": "bool",
            "bigint": "bigint",
        }[self.kind]
        column: TColumnSchema = {"name": self.name, "data_type": data_type}  # type: ignore[typeddict-item]
        column["nullable"] = self.nullable
        if self.kind == "decimal":
            column["precision"] = self.precision
            column["scale"] = self.scale
        if self.kind == "timestamp":
            column["timezone"] = True
        return column


def text(header: str, *, nullable: bool = True) -> Field:
    return Field(header, "text", nullable=nullable)


def optional_text(header: str) -> Field:
    """Text a source may not have at all: null when absent, empty text when blank."""
    return Field(header, "text", optional=True)


def key(header: str) -> Field:
    """A key or id column: text that must never be blank."""
    return Field(header, "text", nullable=False)


def date(header: str, *, nullable: bool = True) -> Field:
    return Field(header, "date", nullable=nullable)


def timestamp(header: str, *, nullable: bool = True) -> Field:
    return Field(header, "timestamp", nullable=nullable)


def amount(header: str, *, nullable: bool = True) -> Field:
    """Money in the record's currency: decimal(18,2), never a float."""
    return Field(header, "decimal", 18, 2, nullable=nullable)


def rate(header: str, *, nullable: bool = True) -> Field:
    """An FX rate: decimal(18,8)."""
    return Field(header, "decimal", 18, 8, nullable=nullable)


def percent(header: str, *, nullable: bool = True) -> Field:
    """A percentage, probability or fraction: decimal(9,4)."""
    return Field(header, "decimal", 9, 4, nullable=nullable)


def boolean(header: str, *, nullable: bool = True) -> Field:
    return Field(header, "boolean", nullable=nullable)


def bigint(header: str, *, nullable: bool = True) -> Field:
    return Field(header, "bigint", nullable=nullable)


@dataclass(frozen=True)
class TableSpec:
    """A landing file's columns and the raw table they land in."""

    table: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        missing = [k for k in self.primary_key if k not in names]
        if missing:
            raise ValueError(f"{self.table}: primary key {missing} is not a field")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def dlt_columns(self) -> list[TColumnSchema]:
        return [f.dlt_column() for f in self.fields]
