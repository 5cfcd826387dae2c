"""The Harris (1996, 2010 edition) catalogue of Milky Way globular clusters, Part I.

External file (``harris2010_mwgc.dat``, never redistributed; :mod:`mwlib.data` fetches it):
used only to cross-check the heliocentric distances of notebook 01.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from astropy.table import Table

def read_harris_positions(path: str | os.PathLike) -> Table:
    """Part I of Harris's ``mwgc.dat``: name, l, b [deg], R_Sun and R_gc [kpc].

    Fixed-width rows; the name fills the first 12 characters and the last seven fields
    are L, B, R_Sun, R_gc, X, Y, Z. Used only to cross-check distances.
    """
    path = Path(path)
    lines = path.read_text(errors="replace").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.split()[:3] == ["ID", "Name", "RA"])
        stop = next(i for i, line in enumerate(lines) if "Part II" in line)
    except StopIteration:
        raise ValueError(f"{path}: Part I of the Harris catalogue not found") from None
    rows = [line for line in lines[start + 1 : stop] if len(line.split()) >= 13]
    names = [line[:12].strip() for line in rows]
    try:
        numbers = np.array([line.split()[-7:-3] for line in rows], dtype=float)
    except ValueError as err:
        raise ValueError(f"{path}: unreadable Part I row ({err})") from None
    return Table(
        {"name": names, "l": numbers[:, 0], "b": numbers[:, 1],
         "r_sun_kpc": numbers[:, 2], "r_gc_kpc": numbers[:, 3]}
    )



def r_sun_of(names, catalogue: Table | None) -> np.ndarray:
    """Harris's heliocentric distance [kpc] of each named cluster (NaN where absent, or without the catalogue)."""
    if catalogue is None:
        return np.full(len(names), np.nan)
    lookup = dict(zip(catalogue["name"], catalogue["r_sun_kpc"]))
    return np.array([lookup.get(str(n), np.nan) for n in names], dtype=float)
