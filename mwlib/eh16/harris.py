"""The Harris (1996, 2010 edition) catalogue of Milky Way globular clusters, Part I.

External file (``harris2010_mwgc.dat``, never redistributed; :mod:`mwlib.data` fetches it):
used only to cross-check the heliocentric distances of notebook 01.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
from astropy.table import Table

#: The Part I fields read, counted from the end of a row (the last seven are L, B, R_Sun, R_gc, X, Y, Z).
_FIELDS = ("L", "B", "R_Sun", "R_gc")


def _ascii_lines(path: Path) -> list[str]:
    """The file's lines, decoded strictly: a byte that is not ASCII (the catalogue is a fixed-width ASCII file)
    raises with its line and column instead of being replaced."""
    data = path.read_bytes()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ValueError(f"{path}, line {line}, column {column}: byte 0x{data[err.start]:02x} is not ASCII "
                         "(the Harris catalogue is a fixed-width ASCII file)") from None
    return text.splitlines()


def read_harris_positions(path: str | os.PathLike) -> Table:
    """Part I of Harris's ``mwgc.dat``: name, l, b [deg], R_Sun and R_gc [kpc].

    Fixed-width rows; the name fills the first 12 characters and the last seven fields
    are L, B, R_Sun, R_gc, X, Y, Z. Used only to cross-check distances. A bad byte or an unreadable
    number raises ValueError naming the file, line and column.
    """
    path = Path(path)
    lines = _ascii_lines(path)
    try:
        start = next(i for i, line in enumerate(lines) if line.split()[:3] == ["ID", "Name", "RA"])
        stop = next(i for i, line in enumerate(lines) if "Part II" in line)
    except StopIteration:
        raise ValueError(f"{path}: Part I of the Harris catalogue not found (need its 'ID Name RA ...' header "
                         "line and the 'Part II' line after it)") from None
    names, numbers = [], []
    for index in range(start + 1, stop):
        line = lines[index]
        tokens = list(re.finditer(r"\S+", line))
        if len(tokens) < 13:  # blank or continuation lines
            continue
        row = []
        for field, token in zip(_FIELDS, tokens[-7:-3]):
            try:
                row.append(float(token.group()))
            except ValueError:
                raise ValueError(f"{path}, line {index + 1}, column {token.start() + 1}: {field} = "
                                 f"{token.group()!r} is not a number") from None
        names.append(line[:12].strip())
        numbers.append(row)
    values = np.array(numbers, dtype=float).reshape(-1, len(_FIELDS))
    return Table(
        {"name": names, "l": values[:, 0], "b": values[:, 1],
         "r_sun_kpc": values[:, 2], "r_gc_kpc": values[:, 3]}
    )


def r_sun_of(names, catalogue: Table | None) -> np.ndarray:
    """Harris's heliocentric distance [kpc] of each named cluster (NaN where absent, or without the catalogue)."""
    if catalogue is None:
        return np.full(len(names), np.nan)
    lookup = dict(zip(catalogue["name"], catalogue["r_sun_kpc"]))
    return np.array([lookup.get(str(n), np.nan) for n in names], dtype=float)
