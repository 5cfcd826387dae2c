"""galpy's bundled globular-cluster kinematics (Baumgardt et al. 2019; Vasiliev & Baumgardt 2021; Gaia EDR3).

Read from galpy's catalogue (:mod:`mwlib.core.named_objects`) through an explicit map from Harris (2010) names. Used for the sky positions of the Table 1 clusters (notebook 01) and for the
Gaia EDR3 data-vintage test (notebook 06).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from astropy.table import Table

from mwlib.core import coords
from mwlib.core.named_objects import load_galpy_named_objects, normalize_name  # re-exported for the callers

#: Harris names whose galpy key differs after removing spaces/punctuation.
HARRIS_TO_GALPY: dict[str, str] = {
    "AM 1": "E1",
    "Lynga 7": "BH184",
    "1636-283": "ESO45211",
    "HP 1": "BH229",
    "IC 1276": "Pal7",
    "ESO-SC06": "ESO28006",
    # Only kept under "-missingvlos" keys (positions and proper motions, no vlos).
    "Ko 1": "Ko1-missingvlos",
    "Ko 2": "Ko2-missingvlos",
}

#: Harris clusters galpy does not list at all, and why that does not matter here.
GALPY_ABSENT: dict[str, str] = {
    "2MS-GC01": "no line-of-sight velocity in Table 1: excluded whatever its position",
    "GLIMPSE01": "no line-of-sight velocity in Table 1: excluded whatever its position",
    "GLIMPSE02": "no line-of-sight velocity in Table 1: excluded whatever its position",
    "2MS-GC02": (
        "no proper motion; Table 1 gives cos(xi) = -0.95, which fails |cos xi| > 0.95 "
        "(from Harris positions it is -0.91): excluded either way"
    ),
}


def galpy_key(harris_name: str, catalogue: dict) -> str | None:
    """galpy's key for a Harris cluster name, or None if galpy does not list it."""
    if harris_name in GALPY_ABSENT:
        return None
    if harris_name in HARRIS_TO_GALPY:
        return HARRIS_TO_GALPY[harris_name]
    keys = {normalize_name(key): key for key in catalogue if not key.startswith("_")}
    key = keys.get(normalize_name(harris_name))
    if key is None:
        raise KeyError(
            f"cluster {harris_name!r} is neither in galpy's catalogue nor in "
            "HARRIS_TO_GALPY / GALPY_ABSENT: extend the explicit map"
        )
    return key


def galpy_positions(names, catalogue: dict | None = None) -> Table:
    """ra, dec [deg], distance [kpc] (+ its error) from galpy for each Harris name.

    Clusters galpy lacks (:data:`GALPY_ABSENT`) get NaN and ``galpy_key`` = "".
    """
    catalogue = catalogue if catalogue is not None else load_galpy_named_objects()
    keys = [galpy_key(str(name), catalogue) for name in names]
    fields = ("ra", "dec", "distance", "distance_e")
    values = np.array(
        [[catalogue[k].get(f, np.nan) if k else np.nan for f in fields] for k in keys],
        dtype=float,
    ).reshape(len(keys), len(fields))
    return Table(
        {
            "name": np.asarray(names, dtype=str),
            "galpy_key": np.array([k or "" for k in keys], dtype=str),
            "ra": values[:, 0],
            "dec": values[:, 1],
            "distance_galpy_kpc": values[:, 2],
            "distance_galpy_err_kpc": values[:, 3],
        }
    )



def galpy_gc_kinematics(sun: coords.SolarParameters = coords.EADIE16_SUN,
                        catalogue: dict | None = None) -> Table:
    """Galactocentric kinematics of every globular cluster with full 6D data in galpy's catalogue.

    Gaia EDR3 proper motions and Baumgardt et al. distances and line-of-sight velocities
    (galpy's ``named_objects.json``, collection ``MWglobularclusters``); no Monte Carlo errors.
    Columns: galpy_key, ra, dec, distance_kpc, r_kpc, vr, vtheta, vphi, vt.
    """
    catalogue = catalogue if catalogue is not None else load_galpy_named_objects()
    keys = [k for k in catalogue["_collections"]["MWglobularclusters"]
            if all(np.isfinite(catalogue[k].get(f, np.nan))
                   for f in ("ra", "dec", "distance", "pmra", "pmdec", "vlos"))]
    values = np.array([[catalogue[k][f] for f in ("ra", "dec", "distance", "pmra", "pmdec", "vlos")]
                       for k in keys], dtype=float)
    position, velocity = coords.galactocentric_phase_space(*values.T, sun)
    sph = coords.spherical_velocities(position, velocity)
    table = Table({"galpy_key": np.array(keys), "ra": values[:, 0], "dec": values[:, 1],
                   "distance_kpc": values[:, 2]})
    for key in ("r", "vr", "vtheta", "vphi", "vt"):
        table["r_kpc" if key == "r" else key] = sph[key]
    return table




def same_clusters(gc: Table, edr3: Table, catalogue: dict, which: Literal["complete", "included"] = "complete"
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (into ``gc``, into ``edr3``) of the clusters of ``gc`` (notebook 01's product) with the flag
    ``which`` ("complete" or "included") that galpy's EDR3 catalogue (:func:`galpy_gc_kinematics`) also lists."""
    rows = {key: i for i, key in enumerate(edr3["galpy_key"])}
    gc_idx, edr3_idx = [], []
    for i in np.flatnonzero(np.asarray(gc[which], bool)):
        j = rows.get(galpy_key(str(gc["name"][i]), catalogue))
        if j is not None:
            gc_idx.append(i)
            edr3_idx.append(j)
    return np.array(gc_idx, int), np.array(edr3_idx, int)
