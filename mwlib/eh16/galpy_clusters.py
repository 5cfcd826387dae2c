"""galpy's bundled globular-cluster kinematics (Baumgardt et al. 2019; Vasiliev & Baumgardt 2021; Gaia EDR3).

Read directly from ``galpy/orbit/named_objects.json`` through an explicit map from Harris (2010)
names -- never ``Orbit.from_name``, which goes online for unknown names and ignores the
uncertainties. Used for the sky positions of the Table 3 clusters (notebook 01) and for the
Gaia EDR3 data-vintage test (notebook 06).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
from astropy.table import Table

from mwlib.core import coords

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
    "2MS-GC01": "no line-of-sight velocity in Table 3: excluded whatever its position",
    "GLIMPSE01": "no line-of-sight velocity in Table 3: excluded whatever its position",
    "GLIMPSE02": "no line-of-sight velocity in Table 3: excluded whatever its position",
    "2MS-GC02": (
        "no proper motion; Table 3 gives cos(xi) = -0.95, which fails |cos xi| > 0.95 "
        "(from Harris positions it is -0.91): excluded either way"
    ),
}


def normalize_name(name: str) -> str:
    """galpy's matching rule: drop spaces and punctuation, lower-case."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def galpy_named_objects_path() -> Path:
    import galpy

    return Path(galpy.__file__).resolve().parent / "orbit" / "named_objects.json"


def load_galpy_named_objects(path: str | os.PathLike | None = None) -> dict:
    """Return galpy's named-object catalogue (a dict keyed by galpy's names)."""
    with open(path or galpy_named_objects_path()) as handle:
        return json.load(handle)


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


