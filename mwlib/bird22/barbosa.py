"""The SEGUE BHB stars of Barbosa et al. (2022) with Gaia EDR3 proper motions, as distributed.

External file (``barbosa2022_segue_bhb_edr3.csv``, never redistributed; :mod:`mwlib.data`
fetches it). :func:`read_barbosa_bhb` reads it validated (distances in pc); 
:func:`barbosa_to_halo_table` converts it to the halo-star format of
:mod:`mwlib.bird22.halo_table`.
"""

from __future__ import annotations

import os
from typing import Literal

import numpy as np
from astropy.table import Table

from mwlib.core.tables import ColumnSpec, read_validated_csv, require_unique

_FILE_SPECS = [
    ColumnSpec("objid", "str"),  # 19-digit SDSS ids: text, a float64 would merge 79 pairs
    ColumnSpec("ra", bounds=(0.0, 360.0)),
    ColumnSpec("dec", bounds=(-90.0, 90.0)),
    ColumnSpec("l", bounds=(0.0, 360.0)),
    ColumnSpec("b", bounds=(-90.0, 90.0)),
    ColumnSpec("rv_adop"),
    ColumnSpec("rv_adop_unc", non_negative=True),
    ColumnSpec("dist_gr", non_negative=True),
    ColumnSpec("dist_gr_unc", non_negative=True),
    ColumnSpec("dist_ur", non_negative=True),
    ColumnSpec("dist_ur_unc", non_negative=True),
    ColumnSpec("probability", bounds=(0.0, 100.0)),
    ColumnSpec("pmra"),
    ColumnSpec("pmra_error", non_negative=True),
    ColumnSpec("pmdec"),
    ColumnSpec("pmdec_error", non_negative=True),
]



def read_barbosa_bhb(path: str | os.PathLike) -> Table:
    """Read ``barbosa2022_segue_bhb_edr3.csv`` as distributed, validated.

    Distances ``dist_gr``/``dist_ur`` in pc, ``rv_adop`` in km/s, proper motions in mas/yr,
    ``probability`` (of being a BHB star, from Barbosa et al.'s log g mixture model) in per cent.
    The other columns (photometry, stellar parameters) become numbers where every entry parses.
    """
    table = read_validated_csv(path, _FILE_SPECS)
    require_unique(table, "objid")
    checked = {spec.name for spec in _FILE_SPECS}
    for name in table.colnames:
        if name not in checked and table[name].dtype.kind == "U":
            try:
                table[name] = np.where(np.char.strip(table[name]) == "", "nan", table[name]).astype(float)
            except ValueError:
                pass  # a text column (e.g. a flag): keep it as text
    return table


def barbosa_to_halo_table(
    raw: Table,
    *,
    distance: Literal["gr", "ur", "xue"] = "gr",
    distance_err_frac: float | None = 0.10,
    sample: str = "bhb_barbosa",
) -> Table:
    """Barbosa et al. (2022) columns -> the halo-star format.

    * distance: ``dist_gr`` or ``dist_ur`` (pc -> kpc), the (g-r) or (u-r) calibration, or ``dist_xue``, the
      Xue et al. (2008) distance of a cross-matched star (:func:`mwlib.bird22.xue2008.match_to_barbosa`);
    * distance error: ``distance_err_frac`` x distance (Bird et al. 2022 quote 10 per cent
      for their BHB stars, Section 4.3) or, if None, the file's ``dist_*_unc`` (which
      propagate only the absolute-magnitude calibration and are ~1-2 per cent);
    * the file has no proper-motion correlation: ``pm_corr`` = 0; no [Fe/H] column;
    * ``survey`` = "SEGUE"; ``probability`` (per cent) is kept as an extra column.
    """
    if distance not in ("gr", "ur", "xue"):
        raise ValueError(f"distance must be 'gr', 'ur' or 'xue', got {distance!r}")
    if f"dist_{distance}" not in raw.colnames:
        raise KeyError(f"no column dist_{distance}: cross-match with mwlib.bird22.xue2008.match_to_barbosa first")
    dist_kpc = np.asarray(raw[f"dist_{distance}"], float) / 1000.0
    if distance_err_frac is None:
        if distance == "xue":
            raise ValueError("the Xue et al. (2008) table lists no distance errors: give distance_err_frac")
        dist_err = np.asarray(raw[f"dist_{distance}_unc"], float) / 1000.0
    else:
        if not distance_err_frac >= 0:
            raise ValueError("distance_err_frac must be non-negative")
        dist_err = distance_err_frac * dist_kpc
    n = len(raw)
    out = Table()
    out["star_id"] = np.asarray(raw["objid"], dtype=str)
    out["ra"] = np.asarray(raw["ra"], float)
    out["dec"] = np.asarray(raw["dec"], float)
    out["distance_kpc"] = dist_kpc
    out["distance_err_kpc"] = dist_err
    out["vlos_kms"] = np.asarray(raw["rv_adop"], float)
    out["vlos_err_kms"] = np.asarray(raw["rv_adop_unc"], float)
    out["pmra_masyr"] = np.asarray(raw["pmra"], float)
    out["pmra_err_masyr"] = np.asarray(raw["pmra_error"], float)
    out["pmdec_masyr"] = np.asarray(raw["pmdec"], float)
    out["pmdec_err_masyr"] = np.asarray(raw["pmdec_error"], float)
    out["pm_corr"] = np.zeros(n)
    out["sample"] = np.full(n, sample)
    out["survey"] = np.full(n, "SEGUE")
    out["probability"] = np.asarray(raw["probability"], float)
    out.meta.update(distance_calibration=distance, distance_err_frac=distance_err_frac)
    return out
