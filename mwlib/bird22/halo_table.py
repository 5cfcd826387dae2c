"""One table format for halo stars (Bird et al. 2022, Section 4.1): real data and mocks.

Columns (units in the names; ra, dec in degrees)::

    star_id                        unique identifier (text)
    ra, dec                        ICRS position [deg]
    distance_kpc, distance_err_kpc heliocentric distance and its 1-sigma error
    vlos_kms, vlos_err_kms         heliocentric line-of-sight velocity
    pmra_masyr, pmra_err_masyr     mu_alpha* = mu_alpha cos(delta)
    pmdec_masyr, pmdec_err_masyr   mu_delta
    pm_corr                        correlation of the two proper-motion errors
    sample, survey                 labels, e.g. "bhb_barbosa" / "SEGUE", "kgiant_mock" / "LAMOST"

optional: ``feh`` ([Fe/H] in dex), the substructure flags ``sgr_member``, ``iom_group``,
``substructure`` (:mod:`mwlib.bird22.substructure`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from astropy.table import Table

from mwlib.core.tables import ColumnSpec, line_of, read_csv_rows, read_validated_csv, require_unique

HALO_TABLE_SPECS = [
    ColumnSpec("star_id", "str"),
    ColumnSpec("ra", bounds=(0.0, 360.0)),
    ColumnSpec("dec", bounds=(-90.0, 90.0)),
    ColumnSpec("distance_kpc", non_negative=True),
    ColumnSpec("distance_err_kpc", non_negative=True),
    ColumnSpec("vlos_kms"),
    ColumnSpec("vlos_err_kms", non_negative=True),
    ColumnSpec("pmra_masyr"),
    ColumnSpec("pmra_err_masyr", non_negative=True),
    ColumnSpec("pmdec_masyr"),
    ColumnSpec("pmdec_err_masyr", non_negative=True),
    ColumnSpec("pm_corr", bounds=(-1.0, 1.0)),
    ColumnSpec("sample", "str"),
    ColumnSpec("survey", "str"),
]
HALO_TABLE_OPTIONAL_SPECS = [
    ColumnSpec("feh", required=False, bounds=(-10.0, 2.0)),
    ColumnSpec("sgr_member", "bool"),
    ColumnSpec("iom_group", "int"),
    ColumnSpec("substructure", "bool"),
]
HALO_TABLE_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in HALO_TABLE_SPECS)

#: Bird et al. (2022, Section 4.1; from Bird et al. 2021): LAMOST K-giant line-of-sight
#: velocities are corrected by *adding* this offset [km/s] (published value).
LAMOST_VLOS_OFFSET_KMS: float = 8.0

_HALO_FORMATS = {
    "ra": "%.7f", "dec": "%.7f", "distance_kpc": "%.5f", "distance_err_kpc": "%.5f",
    "vlos_kms": "%.3f", "vlos_err_kms": "%.3f", "pmra_masyr": "%.5f", "pmra_err_masyr": "%.5f",
    "pmdec_masyr": "%.5f", "pmdec_err_masyr": "%.5f", "pm_corr": "%.4f", "feh": "%.3f",
}


def read_halo_table(path: str | os.PathLike) -> Table:
    """Read a halo-star table in the format above, validating every column.

    Raises ``ValueError`` naming the file, line and column of the first bad value (missing
    column, text in a numeric column, empty required entry, negative distance or error,
    |pm_corr| > 1, ra/dec out of range), a zero distance, or a duplicated ``star_id``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    header = read_csv_rows(path).header
    specs = HALO_TABLE_SPECS + [s for s in HALO_TABLE_OPTIONAL_SPECS if s.name in header]
    table = read_validated_csv(path, specs)
    zero = np.flatnonzero(table["distance_kpc"] <= 0)
    if zero.size:
        raise ValueError(
            f"{path}: line {line_of(table, int(zero[0]))}, column 'distance_kpc': "
            "the distance must be positive"
        )
    require_unique(table, "star_id")
    return table


def write_halo_table(path: str | os.PathLike, table: Table) -> Path:
    """Write the format's columns (and the optional ones present) atomically, rounded."""
    from mwlib.core.io import write_table_csv

    names = list(HALO_TABLE_COLUMNS) + [
        s.name for s in HALO_TABLE_OPTIONAL_SPECS if s.name in table.colnames
    ]
    missing = [n for n in HALO_TABLE_COLUMNS if n not in table.colnames]
    if missing:
        raise ValueError(f"table lacks halo-table column(s) {', '.join(missing)}")
    out = Table(table[names], copy=True)
    out.meta = {}
    for name, fmt in _HALO_FORMATS.items():
        if name in out.colnames:
            out[name].info.format = fmt
    return write_table_csv(path, out)


def correct_vlos_offsets(
    table: Table, offsets_kms: dict[str, float] | None = None
) -> tuple[Table, np.ndarray]:
    """Add a per-survey offset to ``vlos_kms`` (default: +8 km/s to LAMOST, Bird et al. 2022).

    Returns the corrected copy and the offset applied to each star.
    """
    offsets_kms = {"LAMOST": LAMOST_VLOS_OFFSET_KMS} if offsets_kms is None else offsets_kms
    out = table.copy()
    applied = np.zeros(len(out))
    for survey, offset in offsets_kms.items():
        applied[np.asarray(out["survey"]) == survey] = float(offset)
    out["vlos_kms"] = np.asarray(out["vlos_kms"], float) + applied
    return out, applied

