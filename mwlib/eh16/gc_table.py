"""Eadie & Harris (2016) Table 1 and the sample rules of their Section 3.

* :func:`read_gc_table` reads the transcription of Table 1 (``data/eadie_harris2016_table1.csv``;
  provenance in ``data/README.md``), validated column by column.
* :func:`eadie16_selection` applies the inclusion rules of Section 3: which clusters enter the
  analysis, and which of them have a complete (3D) velocity.
"""

from __future__ import annotations

import os

import numpy as np
from astropy.table import Table

from mwlib.core.tables import ColumnSpec, line_of, read_validated_csv, require_unique

GC_TABLE_SPECS = [
    ColumnSpec("name", "str"),
    ColumnSpec("r_gc_kpc", non_negative=True),
    ColumnSpec("pmra_masyr", required=False),
    ColumnSpec("pmra_err", required=False, non_negative=True),
    ColumnSpec("pmdec_masyr", required=False),
    ColumnSpec("pmdec_err", required=False, non_negative=True),
    ColumnSpec("vlos_kms", required=False),
    ColumnSpec("vlos_err", required=False, non_negative=True),
    ColumnSpec("cos_xi", bounds=(-1.0, 1.0)),
    ColumnSpec("pm_ref", "str", required=False),
    ColumnSpec("included_paper", "int", bounds=(0, 1)),
    ColumnSpec("note", "str", required=False),
]

# A measured value needs its uncertainty, and a proper motion needs both components.
_GC_PAIRED_COLUMNS = [
    ("pmra_masyr", "pmra_err"),
    ("pmdec_masyr", "pmdec_err"),
    ("vlos_kms", "vlos_err"),
    ("pmra_masyr", "pmdec_masyr"),
]


def read_gc_table(path: str | os.PathLike) -> Table:
    """Read the Eadie & Harris (2016) Table 1 CSV (one row per Harris 2010 cluster).

    Units: r_gc_kpc [kpc] (Harris 2010, R0 = 8.0 kpc), proper motions [mas/yr],
    vlos [km/s] heliocentric; empty cells mean "not measured" and become NaN.
    """
    table = read_validated_csv(path, GC_TABLE_SPECS)
    for first, second in _GC_PAIRED_COLUMNS:
        unpaired = np.isnan(table[first]) != np.isnan(table[second])
        if unpaired.any():
            bad = int(np.flatnonzero(unpaired)[0])
            raise ValueError(
                f"{path}: line {line_of(table, bad)}: columns '{first}' and '{second}' must be "
                f"given together (cluster {table['name'][bad]!r})"
            )
    require_unique(table, "name")
    return table




#: Associated with the Sagittarius dwarf (Law & Majewski 2010a).
SGR_ASSOCIATED = ("Arp 2", "NGC 6715", "NGC 5634", "Terzan 7", "Terzan 8", "Whiting 1")
#: Very high reddening; Terzan 1 and Pal 6 stay in thanks to Rossi et al. (2015).
HIGH_REDDENING_EXCLUDED = ("NGC 6401", "NGC 6544", "Djorg 1", "Terzan 6")
#: Proper motion listed but treated as unknown (Majewski & Cudworth 1993 is too uncertain).
PM_TREATED_AS_UNKNOWN = ("Pal 3",)
#: Clusters without proper motions enter only when the line of sight is nearly radial.
COS_XI_LIMIT = 0.95


def eadie16_selection(
    names, has_vlos: np.ndarray, has_pm: np.ndarray, cos_xi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the inclusion rules of Eadie & Harris (2016), Section 3.

    Returns ``(included, complete, reason)``: complete means a usable proper motion
    and line-of-sight velocity (so a full 3D velocity); incomplete included clusters
    have |cos xi| > 0.95 so that |v_los| approximates |v_r|.
    """
    names = np.asarray(names, dtype=str)
    sgr = np.isin(names, SGR_ASSOCIATED)
    reddened = np.isin(names, HIGH_REDDENING_EXCLUDED)
    pm_usable = np.asarray(has_pm, bool) & ~np.isin(names, PM_TREATED_AS_UNKNOWN)
    radial_sightline = np.abs(cos_xi) > COS_XI_LIMIT
    has_vlos = np.asarray(has_vlos, bool)

    complete = has_vlos & pm_usable & ~sgr & ~reddened
    incomplete = has_vlos & ~pm_usable & radial_sightline & ~sgr & ~reddened
    included = complete | incomplete

    reason = np.select(
        [
            ~has_vlos,
            sgr,
            reddened,
            complete,
            incomplete & np.asarray(has_pm, bool),
            incomplete,
        ],
        [
            "excluded: no line-of-sight velocity",
            "excluded: associated with the Sagittarius dwarf",
            "excluded: very high reddening",
            "included: proper motion and line-of-sight velocity",
            "included: proper motion treated as unknown; |cos xi| > 0.95",
            "included: line-of-sight velocity only; |cos xi| > 0.95",
        ],
        default="excluded: no proper motion and |cos xi| <= 0.95",
    )
    return included, complete, reason



def measurement_counts(table: Table) -> Table:
    """How many Table 1 clusters have a proper motion and v_los, v_los only, or neither."""
    has_pm, has_vlos = np.isfinite(table["pmra_masyr"]), np.isfinite(table["vlos_kms"])
    return Table(rows=[("in Table 1", len(table)), ("proper motion and v_los", int((has_pm & has_vlos).sum())),
                       ("v_los only", int((~has_pm & has_vlos).sum())), ("neither", int((~has_pm & ~has_vlos).sum()))],
                 names=("clusters", "number"))
