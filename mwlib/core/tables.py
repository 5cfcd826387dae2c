"""Validated CSV tables: every reader of this repository says file, line, column and what is wrong.

:func:`read_validated_csv` reads a CSV file into an astropy Table and checks every column named
in a list of :class:`ColumnSpec`: numbers where numbers belong, required entries present, bounds,
non-negative quantities, booleans. It rejects an empty file, a header with a duplicated or empty
column name, a row with the wrong number of fields and a missing column; it reads a UTF-8 byte-order
mark; and the line it reports is the true line of the file, also after fields that hold quoted line
breaks. Problems raise ``ValueError`` (a missing file ``FileNotFoundError``) with a message of the
form ``<file>: line <n>, column '<name>': <what is wrong>``.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from astropy.table import Table

__all__ = ["ColumnSpec", "CsvRows", "read_csv_rows", "read_validated_csv", "line_of", "require_unique"]

ColumnKind = Literal["float", "int", "bool", "str"]


@dataclass(frozen=True)
class ColumnSpec:
    """What a CSV column must hold."""

    name: str
    kind: ColumnKind = "float"
    required: bool = True  # every row must have a (finite) value
    non_negative: bool = False  # distances, radii, uncertainties
    bounds: tuple[float, float] | None = None  # inclusive valid range, e.g. cos(xi)


@dataclass(frozen=True)
class CsvRows:
    """The raw text of a CSV file: header, rows and the file line on which each row starts."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: np.ndarray  # (n_rows,) file line (1-based) of the first line of each row

    def line(self, row_index: int) -> int:
        return int(self.lines[row_index])

    def where(self, row_index: int, column: str | None = None) -> str:
        """``"<file>: line <n>, column '<name>'"`` for messages."""
        text = f"{self.path}: line {self.line(row_index)}"
        return f"{text}, column '{column}'" if column is not None else text


def _first_undecodable_line(path: Path) -> tuple[int, str]:
    """Line number and reason of the first line that is not UTF-8 (the text decoder reads ahead in
    blocks, so its own error does not say which line)."""
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        try:
            raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            return number, f"byte {raw[err.start]:#04x} at column {err.start + 1} is not UTF-8"
    return 1, "not UTF-8"


def read_csv_rows(path: str | os.PathLike) -> CsvRows:
    """Read a CSV file's header and rows as text, checking the header and the row lengths."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    # utf-8-sig drops a byte-order mark, which would otherwise become part of the first column name.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise ValueError(f"{path}: the file is empty") from None
        except UnicodeDecodeError:
            line, reason = _first_undecodable_line(path)
            raise ValueError(f"{path}: line {line}: {reason}") from None
        except csv.Error as err:
            raise ValueError(f"{path}: line 1: unreadable header ({err})") from None
        rows: list[list[str]] = []
        starts: list[int] = []
        previous_end = reader.line_num
        try:
            for row in reader:
                # line_num counts physical lines, so a quoted field with line breaks advances it by more
                # than one: a row starts on the line after the previous row ended.
                starts.append(previous_end + 1)
                rows.append(row)
                previous_end = reader.line_num
        except UnicodeDecodeError:
            line, reason = _first_undecodable_line(path)
            raise ValueError(f"{path}: line {line}: {reason}") from None
        except csv.Error as err:
            raise ValueError(f"{path}: line {previous_end + 1}: unreadable row ({err})") from None
    blank = [i for i, name in enumerate(header) if not name]
    if blank:
        raise ValueError(f"{path}: line 1: column {blank[0] + 1} of the header has no name")
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            raise ValueError(f"{path}: line 1: column name '{name}' appears twice (columns {seen[name] + 1} "
                             f"and {i + 1}); every column needs its own name")
        seen[name] = i
    # A trailing blank line is not a row.
    while rows and not any(field.strip() for field in rows[-1]):
        rows.pop()
        starts.pop()
    table = CsvRows(path, header, rows, np.asarray(starts, dtype=int))
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"{table.where(i)} has {len(row)} fields, the header has {len(header)}")
    return table


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_numeric(csv_rows: CsvRows, spec: ColumnSpec, raw: np.ndarray) -> np.ndarray:
    text = np.char.strip(raw.astype(str))
    empty = text == ""
    try:
        values = np.where(empty, "nan", text).astype(float)
    except ValueError:
        # Only on the error path: find the first entry that is not a number.
        parses = np.vectorize(_is_float, otypes=[bool])(text) | empty
        bad = int(np.flatnonzero(~parses)[0])
        raise ValueError(f"{csv_rows.where(bad, spec.name)}: {str(text[bad])!r} is not a number") from None
    missing = np.isnan(values)
    if spec.required and missing.any():
        bad = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{csv_rows.where(bad, spec.name)}: a value is required but the entry is "
                         f"{'empty' if empty[bad] else repr(str(text[bad]))}")
    if np.isinf(values).any():
        bad = int(np.flatnonzero(np.isinf(values))[0])
        raise ValueError(f"{csv_rows.where(bad, spec.name)}: infinite value")
    if spec.non_negative and (values < 0).any():
        bad = int(np.flatnonzero(values < 0)[0])
        raise ValueError(f"{csv_rows.where(bad, spec.name)}: negative value {values[bad]} (must be >= 0)")
    if spec.bounds is not None:
        low, high = spec.bounds
        outside = (values < low) | (values > high)
        if outside.any():
            bad = int(np.flatnonzero(outside)[0])
            raise ValueError(f"{csv_rows.where(bad, spec.name)}: {values[bad]} is outside [{low}, {high}]")
    if spec.kind == "int":
        try:  # exact for integers beyond 2**53 (e.g. 19-digit SDSS object ids)
            return np.where(empty, "0", text).astype(np.int64)
        except (ValueError, OverflowError):
            pass
        fractional = values != np.round(values)
        if fractional.any():
            bad = int(np.flatnonzero(fractional)[0])
            raise ValueError(f"{csv_rows.where(bad, spec.name)}: {str(text[bad])!r} is not an integer")
        return values.astype(np.int64)
    return values


def _parse_bool(csv_rows: CsvRows, spec: ColumnSpec, raw: np.ndarray) -> np.ndarray:
    text = np.char.lower(np.char.strip(raw.astype(str)))
    true, false = np.isin(text, ["true", "1"]), np.isin(text, ["false", "0"])
    if not (true | false).all():
        bad = int(np.flatnonzero(~(true | false))[0])
        raise ValueError(f"{csv_rows.where(bad, spec.name)}: {str(raw[bad])!r} is not True/False")
    return true


def read_validated_csv(path: str | os.PathLike, specs: list[ColumnSpec]) -> Table:
    """Read a CSV file into an astropy Table, checking every column against ``specs``.

    Columns not named in ``specs`` are kept as text. ``table.meta["lines"]`` holds the file line
    of each row, for readers that check more (see :func:`require_unique`).
    """
    csv_rows = read_csv_rows(path)
    header, rows = csv_rows.header, csv_rows.rows
    missing = [spec.name for spec in specs if spec.name not in header]
    if missing:
        raise ValueError(f"{csv_rows.path}: line 1: missing column(s) {', '.join(missing)} (header: {header})")
    columns = dict(zip(header, map(np.asarray, zip(*rows)))) if rows else {
        name: np.array([], dtype=str) for name in header}
    table = Table()
    spec_by_name = {spec.name: spec for spec in specs}
    for name in header:
        raw = columns[name]
        spec = spec_by_name.get(name)
        if spec is not None and spec.kind == "bool":
            table[name] = _parse_bool(csv_rows, spec, raw)
        elif spec is None or spec.kind == "str":
            text = np.char.strip(raw.astype(str))
            if spec is not None and spec.required and (text == "").any():
                bad = int(np.flatnonzero(text == "")[0])
                raise ValueError(f"{csv_rows.where(bad, name)}: a value is required")
            table[name] = text
        else:
            table[name] = _parse_numeric(csv_rows, spec, raw)
    table.meta["source_file"] = str(csv_rows.path)
    table.meta["lines"] = csv_rows.lines
    return table


def line_of(table: Table, row_index: int) -> int:
    """File line of row ``row_index`` of a table read by :func:`read_validated_csv`."""
    lines = table.meta.get("lines")
    return int(lines[row_index]) if lines is not None else int(row_index) + 2


def require_unique(table: Table, column: str) -> None:
    """ValueError naming the file, the line and the line it repeats when ``column`` has a duplicate."""
    values = np.asarray(table[column]).astype(str)
    _, first, counts = np.unique(values, return_index=True, return_counts=True)
    if not (counts > 1).any():
        return
    repeated = values[first[counts > 1][0]]
    where = np.flatnonzero(values == repeated)
    path = table.meta.get("source_file", "table")
    raise ValueError(f"{path}: line {line_of(table, where[1])}, column '{column}': {str(repeated)!r} repeats "
                     f"line {line_of(table, where[0])}")
