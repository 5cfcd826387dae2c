"""Catalogues: validated loaders, galpy's bundled cluster kinematics, and the
globular-cluster sample of Eadie & Harris (2016, Section 3 and Table 3).

* :func:`read_gc_table` reads the transcription of Eadie & Harris (2016) Table 3
  (``data/eadie_harris2016_table3.csv``).
* :func:`read_halo_stars` reads the SEGUE BHB stars of Barbosa et al. (2022).
* :func:`galpy_positions` looks clusters up in galpy's ``named_objects.json`` through an
  explicit map from Harris names (never an online lookup).
* :func:`eadie16_selection` applies the paper's inclusion rules of Section 3.
* :func:`eadie16_gc_kinematics` builds the whole globular-cluster data product of
  notebook 01 (heliocentric distance, Galactocentric velocities, cos(xi), inclusion).

Every loader raises ``ValueError`` naming the file, the line and the column of the first
bad value (a missing column, text in a numeric column, a missing required value, a
negative distance or radius), instead of a numpy traceback or a silent NaN.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from astropy.table import Table

from mwlib import coords

# --------------------------------------------------------------------------------------
# Validated CSV reading
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """What a CSV column must hold."""

    name: str
    kind: Literal["float", "int", "bool", "str"] = "float"
    required: bool = True  # every row must have a (finite) value
    non_negative: bool = False  # distances, radii, uncertainties
    bounds: tuple[float, float] | None = None  # inclusive valid range, e.g. cos(xi)


def _line_number(row_index: int) -> int:
    """File line of data row ``row_index`` (line 1 is the header)."""
    return row_index + 2


def _parse_numeric(path: Path, spec: ColumnSpec, raw: np.ndarray) -> np.ndarray:
    text = np.char.strip(raw.astype(str))
    empty = text == ""
    try:
        values = np.where(empty, "nan", text).astype(float)
    except ValueError:
        # Only on the error path: find the first entry that is not a number.
        parses = np.vectorize(_is_float, otypes=[bool])(text) | empty
        bad = int(np.flatnonzero(~parses)[0])
        raise ValueError(
            f"{path}: line {_line_number(bad)}, column '{spec.name}': "
            f"{str(text[bad])!r} is not a number"
        ) from None
    missing = np.isnan(values)
    if spec.required and missing.any():
        bad = int(np.flatnonzero(missing)[0])
        raise ValueError(
            f"{path}: line {_line_number(bad)}, column '{spec.name}': a value is required "
            f"but the entry is {'empty' if empty[bad] else repr(str(text[bad]))}"
        )
    if np.isinf(values).any():
        bad = int(np.flatnonzero(np.isinf(values))[0])
        raise ValueError(f"{path}: line {_line_number(bad)}, column '{spec.name}': infinite value")
    if spec.non_negative and (values < 0).any():
        bad = int(np.flatnonzero(values < 0)[0])
        raise ValueError(
            f"{path}: line {_line_number(bad)}, column '{spec.name}': "
            f"negative value {values[bad]} (must be >= 0)"
        )
    if spec.bounds is not None:
        low, high = spec.bounds
        outside = (values < low) | (values > high)
        if outside.any():
            bad = int(np.flatnonzero(outside)[0])
            raise ValueError(
                f"{path}: line {_line_number(bad)}, column '{spec.name}': "
                f"{values[bad]} is outside [{low}, {high}]"
            )
    if spec.kind == "int":
        try:  # exact for integers beyond 2**53 (e.g. 19-digit SDSS object ids)
            return np.where(empty, "0", text).astype(np.int64)
        except (ValueError, OverflowError):
            pass
        if (values != np.round(values)).any():
            bad = int(np.flatnonzero(values != np.round(values))[0])
            raise ValueError(
                f"{path}: line {_line_number(bad)}, column '{spec.name}': "
                f"{str(text[bad])!r} is not an integer"
            )
        return values.astype(np.int64)
    return values


def _parse_bool(path: Path, spec: ColumnSpec, raw: np.ndarray) -> np.ndarray:
    text = np.char.lower(np.char.strip(raw.astype(str)))
    true, false = np.isin(text, ["true", "1"]), np.isin(text, ["false", "0"])
    if not (true | false).all():
        bad = int(np.flatnonzero(~(true | false))[0])
        raise ValueError(
            f"{path}: line {_line_number(bad)}, column '{spec.name}': "
            f"{str(raw[bad])!r} is not True/False"
        )
    return true


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_validated_csv(path: str | os.PathLike, specs: list[ColumnSpec]) -> Table:
    """Read a CSV file into an astropy Table, checking every column against ``specs``.

    Columns not named in ``specs`` are kept as strings. Raises ``ValueError`` naming the
    file, line and column of the first problem.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise ValueError(f"{path}: the file is empty") from None
        rows = list(reader)
    missing = [spec.name for spec in specs if spec.name not in header]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)} (header: {header})")
    lengths = np.fromiter((len(row) for row in rows), dtype=int, count=len(rows))
    wrong = np.flatnonzero(lengths != len(header))
    if wrong.size:
        bad = int(wrong[0])
        raise ValueError(
            f"{path}: line {_line_number(bad)} has {lengths[bad]} fields, "
            f"the header has {len(header)}"
        )
    columns = dict(zip(header, map(np.asarray, zip(*rows)))) if rows else {
        name: np.array([], dtype=str) for name in header
    }
    table = Table()
    spec_by_name = {spec.name: spec for spec in specs}
    for name in header:
        raw = columns[name]
        spec = spec_by_name.get(name)
        if spec is not None and spec.kind == "bool":
            table[name] = _parse_bool(path, spec, raw)
        elif spec is None or spec.kind == "str":
            text = np.char.strip(raw.astype(str))
            if spec is not None and spec.required and (text == "").any():
                bad = int(np.flatnonzero(text == "")[0])
                raise ValueError(
                    f"{path}: line {_line_number(bad)}, column '{name}': a value is required"
                )
            table[name] = text
        else:
            table[name] = _parse_numeric(path, spec, raw)
    table.meta["source_file"] = str(path)
    return table


# --------------------------------------------------------------------------------------
# Eadie & Harris (2016) Table 3
# --------------------------------------------------------------------------------------

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
    """Read the Eadie & Harris (2016) Table 3 CSV (one row per Harris 2010 cluster).

    Units: r_gc_kpc [kpc] (Harris 2010, R0 = 8.0 kpc), proper motions [mas/yr],
    vlos [km/s] heliocentric; empty cells mean "not measured" and become NaN.
    """
    table = read_validated_csv(path, GC_TABLE_SPECS)
    for first, second in _GC_PAIRED_COLUMNS:
        unpaired = np.isnan(table[first]) != np.isnan(table[second])
        if unpaired.any():
            bad = int(np.flatnonzero(unpaired)[0])
            raise ValueError(
                f"{path}: line {_line_number(bad)}: columns '{first}' and '{second}' must be "
                f"given together (cluster {table['name'][bad]!r})"
            )
    duplicated = np.unique(table["name"], return_counts=True)
    if (duplicated[1] > 1).any():
        raise ValueError(f"{path}: duplicated cluster name(s) {duplicated[0][duplicated[1] > 1]}")
    return table


# --------------------------------------------------------------------------------------
# Barbosa et al. (2022) SEGUE BHB stars with Gaia EDR3 proper motions
# --------------------------------------------------------------------------------------

HALO_STAR_SPECS = [
    ColumnSpec("objid", "int"),
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


def read_halo_stars(path: str | os.PathLike) -> Table:
    """Read the Barbosa et al. (2022) SEGUE BHB table (columns as in that file).

    Distances ``dist_gr``/``dist_ur`` are in pc, ``rv_adop`` in km/s, proper motions
    in mas/yr, ``probability`` (of being a BHB star) in per cent. Other columns
    (photometry, stellar parameters) are read as numbers when they parse.
    """
    table = read_validated_csv(path, HALO_STAR_SPECS)
    for name in table.colnames:
        if table[name].dtype.kind == "U" and name != "objid":
            try:
                table[name] = table[name].astype(float)
            except ValueError:
                pass  # leave non-numeric extra columns as text
    return table


# --------------------------------------------------------------------------------------
# galpy's bundled Gaia EDR3 cluster catalogue (Baumgardt et al. 2019; Vasiliev &
# Baumgardt 2021), read directly — never Orbit.from_name, which goes online for
# unknown names and ignores the uncertainties.
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Eadie & Harris (2016), Section 3: which clusters enter the analysis
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# The globular-cluster data product of notebook 01
# --------------------------------------------------------------------------------------


def eadie16_gc_kinematics(
    table: Table,
    rng: np.random.Generator,
    n_mc: int = 1000,
    sun: coords.SolarParameters = coords.EADIE16_SUN,
    catalogue: dict | None = None,
) -> Table:
    """Galactocentric kinematics and the inclusion flags of every Table 3 cluster.

    * Sky positions from galpy's catalogue; the heliocentric distance is solved so that
      the Galactocentric radius equals the table's r_gc for the paper's solar position
      (of two roots, the one nearer galpy's distance).
    * Complete clusters: (vr, vtheta, vphi, vt) from astropy's Galactocentric frame;
      errors from ``n_mc`` Monte Carlo draws of the listed proper-motion and vlos
      errors (Table 3 lists no distance errors).
    * Line-of-sight-only clusters: vr is the line-of-sight velocity in the Galactic rest
      frame (``vlos_gsr``: the Sun's motion removed); the raw heliocentric vlos is kept
      in ``vlos`` for comparison. vtheta, vphi, vt are NaN.
    """
    names = np.asarray(table["name"], dtype=str)
    positions = galpy_positions(names, catalogue)
    distance, distance_status = coords.distance_from_galactocentric_radius(
        positions["ra"], positions["dec"], np.asarray(table["r_gc_kpc"]), sun,
        reference_distance_kpc=positions["distance_galpy_kpc"],
    )
    has_position = np.isfinite(positions["ra"])
    xyz = coords.galactocentric_positions(positions["ra"], positions["dec"], distance, sun)
    cos_xi = np.where(
        has_position, coords.cos_xi(xyz, sun), np.asarray(table["cos_xi"], dtype=float)
    )
    pmra = np.asarray(table["pmra_masyr"], float)
    pmdec = np.asarray(table["pmdec_masyr"], float)
    vlos = np.asarray(table["vlos_kms"], float)
    included, complete, reason = eadie16_selection(
        names, np.isfinite(vlos), np.isfinite(pmra), cos_xi
    )

    nan = np.full(len(names), np.nan)
    kin = {key: nan.copy() for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err")}
    if complete.any():
        idx = np.flatnonzero(complete)
        mc = coords.monte_carlo_spherical_velocities(
            positions["ra"][idx], positions["dec"][idx], distance[idx],
            pmra[idx], pmdec[idx], vlos[idx],
            pmra_err=np.asarray(table["pmra_err"], float)[idx],
            pmdec_err=np.asarray(table["pmdec_err"], float)[idx],
            vlos_err=np.asarray(table["vlos_err"], float)[idx],
            sun=sun, n_draws=n_mc, rng=rng,
        )
        for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err"):
            kin[key][idx] = mc[key]
    vlos_gsr = coords.galactic_rest_frame_vlos(positions["ra"], positions["dec"], vlos, sun)
    line_of_sight_only = included & ~complete
    kin["vr"][line_of_sight_only] = vlos_gsr[line_of_sight_only]
    kin["vr_err"][line_of_sight_only] = np.asarray(table["vlos_err"], float)[line_of_sight_only]

    r_check = np.linalg.norm(xyz, axis=-1)
    out = Table()
    out["name"] = names
    out["ra"] = positions["ra"]
    out["dec"] = positions["dec"]
    out["distance_kpc"] = distance
    out["r_kpc"] = np.asarray(table["r_gc_kpc"], float)
    out["vlos"] = vlos
    out["pmra"] = pmra
    out["pmdec"] = pmdec
    for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err"):
        out[key] = kin[key]
    out["cos_xi"] = cos_xi
    out["complete"] = complete
    out["included"] = included
    out["reason"] = reason
    # Extra columns for checks and plots.
    out["vlos_gsr"] = vlos_gsr
    out["x_kpc"], out["y_kpc"], out["z_kpc"] = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    out["r_from_position_kpc"] = r_check
    out["distance_galpy_kpc"] = positions["distance_galpy_kpc"]
    out["distance_status"] = distance_status
    out["galpy_key"] = positions["galpy_key"]
    out["cos_xi_table"] = np.asarray(table["cos_xi"], float)
    out["included_paper"] = np.asarray(table["included_paper"]).astype(bool)
    out.meta.update(
        {
            "sun": sun.describe(),
            "n_mc": n_mc,
            "vr_line_of_sight_only": "line-of-sight velocity in the Galactic rest frame",
        }
    )
    return out


GC_KINEMATICS_SPECS = [
    ColumnSpec("name", "str"),
    ColumnSpec("r_kpc", non_negative=True),
    ColumnSpec("vr", required=False),
    ColumnSpec("vt", required=False, non_negative=True),
    ColumnSpec("vtheta", required=False),
    ColumnSpec("vphi", required=False),
    ColumnSpec("vr_err", required=False, non_negative=True),
    ColumnSpec("vt_err", required=False, non_negative=True),
    ColumnSpec("vlos", required=False),
    ColumnSpec("vlos_gsr", required=False),
    ColumnSpec("cos_xi", required=False, bounds=(-1.0, 1.0)),
    ColumnSpec("complete", "bool"),
    ColumnSpec("included", "bool"),
]


def read_gc_kinematics(path: str | os.PathLike) -> Table:
    """Read ``results/gc_kinematics.csv`` written by notebook 01 (validated)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run notebook 01 (01_data_prep) first")
    table = read_validated_csv(path, GC_KINEMATICS_SPECS)
    for name in ("ra", "dec", "distance_kpc", "pmra", "pmdec", "x_kpc", "y_kpc", "z_kpc"):
        if name in table.colnames:
            table[name] = np.where(np.char.strip(table[name]) == "", "nan", table[name]).astype(float)
    unknown = table["included"] & np.isnan(table["vr"])
    if unknown.any():
        bad = int(np.flatnonzero(unknown)[0])
        raise ValueError(f"{path}: line {_line_number(bad)}, column 'vr': included cluster without vr")
    return table


# --------------------------------------------------------------------------------------
# Harris (1996, 2010 edition), Part I — for cross-checks only (never redistributed)
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# One table format for halo stars (Bird et al. 2022, Section 4.1): real data and mocks
# --------------------------------------------------------------------------------------
#
# Columns (units in the names; ra, dec in degrees):
#   star_id                       unique identifier (text)
#   ra, dec                       ICRS position [deg]
#   distance_kpc, distance_err_kpc        heliocentric distance and its 1-sigma error
#   vlos_kms, vlos_err_kms                heliocentric line-of-sight velocity
#   pmra_masyr, pmra_err_masyr            mu_alpha* = mu_alpha cos(delta)
#   pmdec_masyr, pmdec_err_masyr          mu_delta
#   pm_corr                               correlation of the two proper-motion errors
#   sample, survey                        labels, e.g. "bhb_barbosa" / "SEGUE", "kgiant_mock" / "LAMOST"
# optional:
#   feh                                   [Fe/H] [dex]
#   sgr_member, iom_group, substructure   substructure flags (mwlib.substructure)

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


def _header(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        try:
            return [name.strip() for name in next(csv.reader(handle))]
        except StopIteration:
            raise ValueError(f"{path}: the file is empty") from None


def read_halo_table(path: str | os.PathLike) -> Table:
    """Read a halo-star table in the format above, validating every column.

    Raises ``ValueError`` naming the file, line and column of the first bad value (missing
    column, text in a numeric column, empty required entry, negative distance or error,
    |pm_corr| > 1, ra/dec out of range), a zero distance, or a duplicated ``star_id``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    header = _header(path)
    specs = HALO_TABLE_SPECS + [s for s in HALO_TABLE_OPTIONAL_SPECS if s.name in header]
    table = read_validated_csv(path, specs)
    zero = np.flatnonzero(table["distance_kpc"] <= 0)
    if zero.size:
        raise ValueError(
            f"{path}: line {_line_number(int(zero[0]))}, column 'distance_kpc': "
            "the distance must be positive"
        )
    ids, counts = np.unique(table["star_id"], return_counts=True)
    if (counts > 1).any():
        repeated = str(ids[counts > 1][0])
        dup = np.flatnonzero(table["star_id"] == repeated)
        raise ValueError(
            f"{path}: line {_line_number(int(dup[1]))}, column 'star_id': "
            f"{repeated!r} repeats line {_line_number(int(dup[0]))}"
        )
    return table


def write_halo_table(path: str | os.PathLike, table: Table) -> Path:
    """Write the format's columns (and the optional ones present) atomically, rounded."""
    from mwlib.io import write_table_csv

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


# --------------------------------------------------------------------------------------
# Barbosa et al. (2022): the file as distributed, and its conversion to the halo format
# --------------------------------------------------------------------------------------

#: As :data:`HALO_STAR_SPECS`, but ``objid`` read as text: the SDSS object ids have 19
#: digits, more than a float64 (and hence the "int" reader) keeps exactly — as integers
#: 79 pairs of different stars would share an id.
BARBOSA_BHB_SPECS = [ColumnSpec("objid", "str")] + [s for s in HALO_STAR_SPECS if s.name != "objid"]


def read_barbosa_bhb(path: str | os.PathLike) -> Table:
    """Read ``barbosa2022_segue_bhb_edr3.csv`` as distributed (distances in pc), validated."""
    table = read_validated_csv(path, BARBOSA_BHB_SPECS)
    ids, counts = np.unique(table["objid"], return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"{path}: duplicated objid(s) {ids[counts > 1][:5]}")
    return table


def barbosa_to_halo_table(
    raw: Table,
    *,
    distance: Literal["gr", "ur"] = "gr",
    distance_err_frac: float | None = 0.10,
    sample: str = "bhb_barbosa",
) -> Table:
    """Barbosa et al. (2022) columns -> the halo-star format.

    * distance: ``dist_gr`` or ``dist_ur`` (pc -> kpc), the (g-r) or (u-r) calibration;
    * distance error: ``distance_err_frac`` x distance (Bird et al. 2022 quote 10 per cent
      for their BHB stars, Section 4.3) or, if None, the file's ``dist_*_unc`` (which
      propagate only the absolute-magnitude calibration and are ~1-2 per cent);
    * the file has no proper-motion correlation: ``pm_corr`` = 0; no [Fe/H] column;
    * ``survey`` = "SEGUE"; ``probability`` (per cent) is kept as an extra column.
    """
    if distance not in ("gr", "ur"):
        raise ValueError(f"distance must be 'gr' or 'ur', got {distance!r}")
    dist_kpc = np.asarray(raw[f"dist_{distance}"], float) / 1000.0
    if distance_err_frac is None:
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
