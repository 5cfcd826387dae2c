"""The SEGUE BHB stars of Xue et al. (2008, ApJ 684, 1143), and the Barbosa et al. (2022) stars they classify as BHB.

Bird et al. (2022) take their BHB stars and distances from the Xue et al. (2008, 2011) selection (Balmer-line
classification: the D0.2/fm and scale-width-versus-shape methods; distances from the BHB absolute magnitude).
The 2558 stars of Xue et al. (2008) are public (CDS format with its byte-by-byte ReadMe; external file
``xue2008_segue_bhb.txt``, from the MIT-licensed repository adrn/BruceWillis, never redistributed here) but have
no proper motions. :func:`match_to_barbosa` gives the Barbosa et al. (2022) stars within 2 arcsec of a Xue star,
with Gaia EDR3 proper motions and SSPP velocities from Barbosa, and the distance on Xue's scale.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import ascii
from astropy.table import Table

__all__ = ["read_xue2008", "match_to_barbosa"]

_REQUIRED = ("RAdeg", "DEdeg", "d", "HRVel", "e_HRVel", "Type")


def _first_data_line(path: str | os.PathLike) -> int:
    """The file line (1-based) of the first data row of a CDS table: the line after the last section delimiter
    (a line of only "-" or only "=", at least six), where astropy's CDS reader starts the data (blank lines
    included, as masked rows)."""
    lines = Path(path).read_bytes().splitlines()
    delimiters = [i for i, line in enumerate(lines)
                  if line.startswith((b"------", b"=======")) and len(set(line.strip())) == 1]
    return delimiters[-1] + 2


def read_xue2008(path: str | os.PathLike) -> Table:
    """Read the Xue et al. (2008) table (CDS format: the ReadMe's byte-by-byte description, then the data), checked.

    Raises ValueError naming the file and what is wrong if a column is missing, and the file line and column
    if a value is missing or out of range.
    """
    try:
        table = ascii.read(os.fspath(path), format="cds")
    except Exception as err:  # astropy raises several kinds; say which file
        raise ValueError(f"{path}: not a readable CDS table ({err})") from err
    missing = [c for c in _REQUIRED if c not in table.colnames]
    if missing:
        raise ValueError(f"{path}: columns {missing} missing (found {table.colnames})")
    for name, (lo, hi) in {"RAdeg": (0.0, 360.0), "DEdeg": (-90.0, 90.0), "d": (0.0, 200.0)}.items():
        values = np.ma.filled(np.ma.asarray(table[name], dtype=float), np.nan)
        bad = np.flatnonzero(~((values >= lo) & (values <= hi)))
        if bad.size:
            k = int(bad[0])
            what = "no value" if np.isnan(values[k]) else f"{float(values[k])!r} is not in [{lo:g}, {hi:g}]"
            raise ValueError(f"{path}, line {_first_data_line(path) + k}, column {name!r}: {what}")
    return table


def match_to_barbosa(barbosa_raw: Table, xue: Table, max_sep_arcsec: float = 2.0) -> Table:
    """The Barbosa et al. (2022) rows (as read by :func:`mwlib.bird22.barbosa.read_barbosa_bhb`) nearest to a Xue
    et al. (2008) star within ``max_sep_arcsec``, one per Xue star and one Xue star per Barbosa star (the nearest
    wins), with the Xue distance (``dist_xue`` [pc], so that :func:`~mwlib.bird22.barbosa.barbosa_to_halo_table`
    can use it as ``distance="xue"``), Xue's heliocentric velocity (``hrvel_xue``) and the separation."""
    xue_sky = SkyCoord(np.asarray(xue["RAdeg"], float) * u.deg, np.asarray(xue["DEdeg"], float) * u.deg)
    barbosa_sky = SkyCoord(np.asarray(barbosa_raw["ra"], float) * u.deg, np.asarray(barbosa_raw["dec"], float) * u.deg)
    nearest, sep, _ = xue_sky.match_to_catalog_sky(barbosa_sky)
    sep_arcsec = sep.to_value(u.arcsec)
    candidates = np.flatnonzero(sep_arcsec < max_sep_arcsec)
    # one Xue star per Barbosa star: sort by separation and keep the first occurrence of each Barbosa row
    by_sep = candidates[np.argsort(sep_arcsec[candidates], kind="stable")]
    _, first = np.unique(nearest[by_sep], return_index=True)
    xue_rows = np.sort(by_sep[first])
    out = barbosa_raw[nearest[xue_rows]]
    out["dist_xue"] = np.asarray(xue["d"], float)[xue_rows] * 1000.0
    out["hrvel_xue"] = np.asarray(xue["HRVel"], float)[xue_rows]
    out["sep_xue_arcsec"] = sep_arcsec[xue_rows]
    out.meta.update(n_xue=len(xue), n_within=int(candidates.size), n_duplicates=int(candidates.size - xue_rows.size))
    return out
