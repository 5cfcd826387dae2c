"""Halo-star samples of Bird et al. (2022) as notebooks 02-04 use them, and the result files of 03-04.

Loading (Sections 4.1 and 2.1)
------------------------------
:func:`load_halo_samples` reads the manifest ``results/halo_samples.json`` written by notebook 01,
each star table through :func:`mwlib.bird22.halo_table.read_halo_table`, adds the LAMOST line-of-sight
offset (:func:`mwlib.bird22.halo_table.correct_vlos_offsets`), reads the truth of the mocks
(:meth:`mwlib.bird22.halo_mocks.HaloTruth.read_json`) and splits a table with a ``substructure`` column into
the cleaned sample (``<name>``, the paper's choice) and ``<name>_uncleaned``. For every sample it
computes Galactocentric radii and spherical velocities with the paper's solar parameters and the
per-star 3x3 velocity error covariance from ``n_draws`` Monte Carlo draws
(:func:`mwlib.core.coords.monte_carlo_spherical_velocities_chunked`).

The samples are processed in the order of notebook 02 (manifest order, ``<name>_uncleaned``
before ``<name>``) with one generator, so that the same generator state gives the same
covariances -- and hence the same deconvolved dispersions -- in notebooks 02, 03 and 04.

Tracer densities (Section 4.2): :func:`paper_density` gives the broken power law the paper
adopts for each tracer kind (K giants with the adjusted inner slope 2.8; BHB 3.5 / 22 kpc / 4.7).

Result files shared by notebooks 03 (Jeans) and 04 (TME)
--------------------------------------------------------
* ``results/halo_mass_profiles.csv``: one row per sample, method and radial bin
  (:data:`MASS_PROFILE_COLUMNS`; masses in Msun, velocities in km/s, radii in kpc;
  ``r_mass_kpc`` is the radius at which M(<r) applies -- the bin median for Jeans, the largest
  radius of the bin's stars for the literal Eq. 4 TME; ``true_mass_msun`` is the mock's true
  M(<r_mass), NaN for real data);
* ``results/nfw_fits.json``: ``{"<sample>/<method>": {"M200": {"p2.5", "p16", "p50", "p84", "p97.5"},
  "r200": ..., "c": ..., "Mtot_r200": ..., "sampler": {...}}}`` with M200 and Mtot_r200 (baryons +
  M200, the paper's "total mass at r200") in Msun and r200 in kpc. Methods ``jeans`` and ``tme``
  are the paper's fits (random errors); the mock validation variants of Section 6b of notebook 03
  and Section 5 of notebook 04 are ``jeans_sys15``, ``tme_sys15`` (random + 15% systematic),
  ``jeans_fd`` and ``jeans_fd_sys15`` (d sigma_r^2/dr by direct differentiation).

Each notebook replaces only its own method's rows / entries and keeps the other's
(:func:`merge_mass_profiles`, :func:`merge_nfw_fits`); both write atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from astropy.table import Table, vstack
from scipy.integrate import cumulative_trapezoid

from mwlib.bird22 import dispersion
from mwlib.bird22 import halo_mocks, halo_table, nfw
from mwlib.core import coords
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN
from mwlib.bird22.density import (
    BHB_DENSITY, DENSITY_FIT_N_BURN, DENSITY_FIT_N_STEPS, DENSITY_FIT_N_WALKERS, KG_ALPHA_IN_ADJUSTED,
    KG_DENSITY, BrokenPowerLaw,
)
from mwlib.core.io import write_json, write_table_csv

__all__ = [
    "HaloSample",
    "paper_density",
    "load_halo_samples",
    "galactocentric_kinematics",
    "MASS_PROFILE_COLUMNS",
    "mass_profile_rows",
    "merge_mass_profiles",
    "nfw_fit_entry",
    "merge_nfw_fits",
    "nfw_recovery",
    "nfw_validation_report",
    "weighted_nfw_average",
    "escape_speed",
    "velocity_tail_summary",
    "nfw_model_mass",
    "draw_profile",
    "draw_nfw_model",
    "corner_r200_c",
]

_G = G_KPC_KMS2_PER_MSUN


# =================================================================================================
# Samples
# =================================================================================================
@dataclass(frozen=True)
class HaloSample:
    """One halo-star sample with its Galactocentric kinematics.

    ``r_kpc`` (N,), ``v_kms`` (N, 3) = (v_r, v_theta, v_phi) at the observed values, ``v_cov``
    (N, 3, 3) Monte Carlo error covariances; ``kind`` is ``"kgiant"`` or ``"bhb"``; ``truth`` the
    mock's :class:`~mwlib.bird22.halo_mocks.HaloTruth` (None for real data); ``cleaned`` True/False for a
    sample with substructure flags (cleaned / uncleaned), None without flags.
    """

    name: str
    kind: str
    table: Table
    edges_kpc: tuple[float, ...]
    truth: halo_mocks.HaloTruth | None
    r_kpc: np.ndarray
    v_kms: np.ndarray
    v_cov: np.ndarray
    cleaned: bool | None
    n_vlos_corrected: int

    @property
    def density(self) -> BrokenPowerLaw:
        """The tracer density the paper adopts for this kind of star (:func:`paper_density`)."""
        return paper_density(self.kind)

    @property
    def is_mock(self) -> bool:
        return self.truth is not None


def paper_density(kind: str) -> BrokenPowerLaw:
    """Bird et al. (2022) Section 4.2: K giants 2.8 (adjusted) / 17 kpc / 4.6; BHB 3.5 / 22 kpc / 4.7."""
    if kind == "kgiant":
        return KG_DENSITY.with_alpha_in(KG_ALPHA_IN_ADJUSTED)
    if kind == "bhb":
        return BHB_DENSITY
    raise ValueError(f"kind must be 'kgiant' or 'bhb'; got {kind!r}")


def galactocentric_kinematics(table: Table, sun: coords.SolarParameters, n_draws: int, rng: np.random.Generator,
                              n_workers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Galactocentric radii (N,), spherical velocities (N, 3) and Monte Carlo error covariances
    (N, 3, 3) of a halo star table (the columns of :func:`mwlib.bird22.halo_table.read_halo_table`)."""
    t = table
    mc = coords.monte_carlo_spherical_velocities_chunked(
        t["ra"], t["dec"], t["distance_kpc"], t["pmra_masyr"], t["pmdec_masyr"], t["vlos_kms"],
        pmra_err=t["pmra_err_masyr"], pmdec_err=t["pmdec_err_masyr"], vlos_err=t["vlos_err_kms"],
        distance_err=t["distance_err_kpc"], pm_corr=t["pm_corr"], sun=sun,
        n_draws=n_draws, rng=rng, n_workers=n_workers)
    r = np.linalg.norm(coords.galactocentric_positions(t["ra"], t["dec"], t["distance_kpc"], sun), axis=1)
    return r, np.column_stack([mc["vr"], mc["vtheta"], mc["vphi"]]), mc["cov"]


def load_halo_samples(
    results_dir: str | os.PathLike,
    n_draws: int,
    rng: np.random.Generator,
    *,
    n_workers: int = 1,
    sun: coords.SolarParameters = coords.BIRD22_SUN,
    manifest: str = "halo_samples.json",
) -> dict[str, HaloSample]:
    """Every sample of the manifest, read, corrected and transformed (see the module docstring).

    Parameters
    ----------
    results_dir : directory holding the manifest; the star and truth paths in it are relative to it.
    n_draws : Monte Carlo draws per star for the covariances (Section 4.1: 1000).
    rng : the generator for all draws (samples processed in notebook 02's order).
    n_workers : threads for the Monte Carlo (results do not depend on it).

    Returns ``{name: HaloSample}`` in processing order; a sample whose table has a ``substructure``
    column appears as ``<name>_uncleaned`` (all stars) and ``<name>`` (flagged stars removed).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    results_dir = Path(results_dir)
    path = results_dir / manifest
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run notebook 01 (python -m mwlib.repro.runner --only 01_data_prep)")
    entries = json.loads(path.read_text())["samples"]
    out: dict[str, HaloSample] = {}
    for name, entry in entries.items():
        table = halo_table.read_halo_table(results_dir / entry["stars"])
        table, offset = halo_table.correct_vlos_offsets(table)
        truth = halo_mocks.HaloTruth.read_json(results_dir / entry["truth"]) if entry.get("truth") else None
        kind = "kgiant" if name.startswith("kgiant") else "bhb"
        edges = dispersion.KG_EDGES_KPC if kind == "kgiant" else dispersion.BHB_EDGES_KPC
        n_off = int(np.count_nonzero(offset))
        versions: list[tuple[str, Table, bool | None]] = []
        if "substructure" in table.colnames:
            versions.append((f"{name}_uncleaned", table, False))
            versions.append((name, table[~np.asarray(table["substructure"], bool)], True))
        else:
            versions.append((name, table, None))
        for label, t, cleaned in versions:
            r, v, cov = galactocentric_kinematics(t, sun, int(n_draws), rng, int(n_workers))
            out[label] = HaloSample(label, kind, t, tuple(edges), truth, r, v, cov, cleaned, n_off)
    return out


# =================================================================================================
# halo_mass_profiles.csv
# =================================================================================================
#: Columns of ``results/halo_mass_profiles.csv``.
MASS_PROFILE_COLUMNS: tuple[str, ...] = (
    "sample", "method", "r_lo_kpc", "r_hi_kpc", "n_stars", "r_median_kpc", "r_mass_kpc",
    "mass_msun", "mass_err_msun", "vcirc_kms", "vcirc_err_kms", "true_mass_msun",
)
_FLOAT_FORMAT = ".6g"


def mass_profile_rows(sample: str, method: str, profile: Table,
                      truth: halo_mocks.HaloTruth | None = None) -> Table:
    """Rows of ``halo_mass_profiles.csv`` from a :func:`~mwlib.bird22.jeans.jeans_profile` or
    :func:`~mwlib.bird22.tme.tme_profile` table (usable bins only); ``true_mass_msun`` = truth at r_mass."""
    if "/" in sample or "/" in method:
        raise ValueError("sample and method names must not contain '/'")
    ok = np.asarray(profile["ok"], bool)
    p = profile[ok]
    n = len(p)
    r_mass = np.asarray(p["r_mass_kpc"], float)
    t = Table()
    t["sample"] = np.full(n, sample, dtype=object).astype(str)
    t["method"] = np.full(n, method, dtype=object).astype(str)
    for col in ("r_lo_kpc", "r_hi_kpc", "n_stars", "r_median_kpc", "r_mass_kpc", "mass_msun",
                "mass_err_msun", "vcirc_kms", "vcirc_err_kms"):
        t[col] = np.asarray(p[col])
    t["true_mass_msun"] = truth.mass_enclosed(r_mass) if truth is not None else np.full(n, np.nan)
    return t


def _empty_profiles() -> Table:
    t = Table()
    for col in MASS_PROFILE_COLUMNS:
        t[col] = np.array([], dtype=str if col in ("sample", "method") else (int if col == "n_stars" else float))
    return t


def _read_profiles(path: Path) -> Table:
    if not path.is_file():
        return _empty_profiles()
    old = Table.read(path, format="ascii.csv")
    if len(old) == 0:
        return _empty_profiles()
    missing = [c for c in ("sample", "method") if c not in old.colnames]
    if missing:
        raise ValueError(f"{path}: not a mass-profile table (no column {missing[0]!r}); delete it to start afresh")
    out = Table()
    for col in MASS_PROFILE_COLUMNS:
        if col in ("sample", "method"):
            out[col] = np.asarray(old[col]).astype(str)
        elif col in old.colnames:
            out[col] = np.asarray(old[col], dtype=int if col == "n_stars" else float)
        else:
            out[col] = np.full(len(old), -1 if col == "n_stars" else np.nan)
    return out


def merge_mass_profiles(path: str | os.PathLike, rows: Table | Iterable[Table],
                        methods: str | Iterable[str]) -> Table:
    """Replace every row of ``methods`` in ``path`` by ``rows``, keep the other methods' rows.

    ``rows`` is one table or several from :func:`mass_profile_rows`; their methods must be among
    ``methods``. The file is read if present, sorted by (sample, method, r_mass_kpc) and written
    atomically; the merged table is returned.
    """
    path = Path(path)
    methods = {methods} if isinstance(methods, str) else set(methods)
    new = [rows] if isinstance(rows, Table) else list(rows)
    new = [r for r in new if len(r)]
    stray = {str(m) for r in new for m in r["method"]} - methods
    if stray:
        raise ValueError(f"rows of method(s) {sorted(stray)} not among the methods replaced {sorted(methods)}")
    old = _read_profiles(path)
    keep = old[~np.isin(np.asarray(old["method"]).astype(str), sorted(methods))]
    parts = [keep] + [r[list(MASS_PROFILE_COLUMNS)] for r in new]
    merged = vstack(parts, join_type="exact") if len(parts) > 1 else keep
    for col in ("sample", "method"):
        merged[col] = np.asarray(merged[col]).astype(str)
    merged = merged[np.lexsort((np.asarray(merged["r_mass_kpc"], float), np.asarray(merged["method"]),
                                np.asarray(merged["sample"])))] if len(merged) else merged
    merged.meta = {}
    for col in MASS_PROFILE_COLUMNS:
        if merged[col].dtype.kind == "f":
            merged[col].info.format = _FLOAT_FORMAT
    write_table_csv(path, merged)
    return merged


# =================================================================================================
# nfw_fits.json
# =================================================================================================
def _pct(values: np.ndarray, interval95: np.ndarray) -> dict[str, float]:
    keys = ("p2.5", "p16", "p50", "p84", "p97.5")
    vals = (interval95[0], *values, interval95[1])
    return {k: float(f"{float(v):.6g}") for k, v in zip(keys, vals)}


def nfw_fit_entry(fit: nfw.NFWFit) -> dict:
    """One ``nfw_fits.json`` entry: 2.5/16/50/84/97.5 percentiles of M200 [Msun], r200 [kpc], c and
    the total (baryons + M200) mass at r200 [Msun], and the sampler settings."""
    p, q = fit.percentiles, fit.interval95
    return {
        "M200": _pct(p["m200_msun"], q["m200_msun"]),
        "r200": _pct(p["r200_kpc"], q["r200_kpc"]),
        "c": _pct(p["c"], q["c"]),
        "Mtot_r200": _pct(p["m_total_r200_msun"], q["m_total_r200_msun"]),
        "sampler": {"n_walkers": int(fit.n_walkers), "n_steps": int(fit.n_steps), "n_burn": int(fit.n_burn),
                    "acceptance_fraction": float(f"{fit.acceptance_fraction:.4g}")},
    }


def merge_nfw_fits(path: str | os.PathLike, entries: Mapping[str, dict], methods: str | Iterable[str]) -> dict:
    """Replace every ``"<sample>/<method>"`` entry of ``methods`` in ``path`` by ``entries``; keep the
    rest. Keys are sorted; the file is written atomically and the merged dict returned."""
    path = Path(path)
    methods = {methods} if isinstance(methods, str) else set(methods)
    for key in entries:
        parts = key.split("/")
        if len(parts) != 2 or parts[1] not in methods:
            raise ValueError(f"key {key!r} is not '<sample>/<method>' with method in {sorted(methods)}")
    old = json.loads(path.read_text()) if path.is_file() else {}
    if not isinstance(old, dict):
        raise ValueError(f"{path}: not a JSON object")
    merged = {k: v for k, v in old.items() if k.split("/")[-1] not in methods}
    merged.update(entries)
    merged = dict(sorted(merged.items()))
    write_json(path, merged)
    return merged


# =================================================================================================
# Validation and summaries
# =================================================================================================
def nfw_recovery(entry: Mapping[str, dict], mass_model: halo_mocks.HaloMassModel) -> dict[str, dict]:
    """For a mock: the true M200 [Msun], r200 [kpc], c beside the fit's percentiles and whether the
    truth lies inside the 16-84 interval (``inside``) and the 2.5-97.5 interval (``inside95``)."""
    truth = {"M200": mass_model.m200_msun, "r200": mass_model.r200_kpc, "c": mass_model.concentration}
    out = {}
    for key, value in truth.items():
        p = entry[key]
        if "p2.5" not in p:
            raise ValueError("an nfw_fits.json entry without 2.5/97.5 percentiles (written before they were "
                             "added): rerun notebooks 03 and 04")
        out[key] = {"truth": float(value), **p, "inside": bool(p["p16"] <= value <= p["p84"]),
                    "inside95": bool(p["p2.5"] <= value <= p["p97.5"])}
    return out


def weighted_nfw_average(entries: Mapping[str, Mapping[str, dict]], keys: Iterable[str],
                         weighting: str = "inverse_error") -> dict[str, tuple[float, float]]:
    """Section 4.6: error-weighted averages of M200, r200, c over the fits ``keys`` of ``entries``
    (lower/upper errors p50 - p16, p84 - p50; :func:`mwlib.bird22.nfw.weighted_average`)."""
    keys = list(keys)
    if not keys:
        raise ValueError("no fits to average")
    out = {}
    for par in ("M200", "r200", "c"):
        p = [entries[k][par] for k in keys]
        mid = np.array([q["p50"] for q in p])
        lo = np.array([q["p50"] - q["p16"] for q in p])
        hi = np.array([q["p84"] - q["p50"] for q in p])
        out[par] = nfw.weighted_average(mid, lo, hi, weighting=weighting)
    return out


def escape_speed(r_kpc: np.ndarray, mass_fn: Callable[[np.ndarray], np.ndarray],
                 r_max_kpc: float = 1.0e5, n_grid: int = 4001) -> np.ndarray:
    """v_esc(r) = sqrt(2 int_r^inf G M(<r')/r'^2 dr') [km/s] for a spherical mass profile M(<r) [Msun].

    Trapezoid rule in ln r up to ``r_max_kpc``; beyond it the mass is treated as a point mass
    (adds G M(r_max)/r_max to the potential depth).
    """
    r = np.asarray(r_kpc, float)
    if np.any(~(r > 0)) or np.any(r >= r_max_kpc):
        raise ValueError(f"radii must lie in (0, {r_max_kpc}) kpc")
    grid = np.geomspace(0.5 * r.min(), r_max_kpc, int(n_grid))
    m = np.asarray(mass_fn(grid), float)
    integrand = _G * m / grid  # G M / r^2 * r for d ln r
    outward = cumulative_trapezoid(integrand[::-1], -np.log(grid[::-1]), initial=0.0)[::-1]
    depth = outward + _G * m[-1] / grid[-1]
    return np.sqrt(2.0 * np.interp(np.log(r), np.log(grid), depth))


def velocity_tail_summary(sample: HaloSample, v_esc_fn: Callable[[np.ndarray], np.ndarray]) -> Table:
    """Per radial bin: stars, the median tangential velocity error sqrt((C_tt + C_pp)/2) [km/s], the
    fraction of stars faster than v_esc(r), and for each component the ratio of the standard deviation
    to the robust (1.4826 x MAD) dispersion of the observed velocities -- about 1 for a Gaussian,
    well above 1 when a tail of outliers inflates the dispersion."""
    edges = np.asarray(sample.edges_kpc, float)
    k = dispersion.bin_index(sample.r_kpc, edges)
    speed = np.linalg.norm(sample.v_kms, axis=1)
    above = speed > v_esc_fn(sample.r_kpc)
    err_t = np.sqrt(0.5 * (sample.v_cov[:, 1, 1] + sample.v_cov[:, 2, 2]))
    rows = []
    for i in range(edges.size - 1):
        s = k == i
        v = sample.v_kms[s]
        if s.sum() < 3:
            rows.append((edges[i], edges[i + 1], int(s.sum()), np.nan, np.nan, np.nan, np.nan, np.nan))
            continue
        mad = 1.4826 * np.median(np.abs(v - np.median(v, axis=0)), axis=0)
        ratio = np.std(v, axis=0) / mad
        rows.append((edges[i], edges[i + 1], int(s.sum()), float(np.median(err_t[s])), float(above[s].mean()),
                     *map(float, ratio)))
    return Table(rows=rows, names=("r_lo_kpc", "r_hi_kpc", "n_stars", "err_t_median_kms", "frac_above_vesc",
                                   "sd_over_mad_r", "sd_over_mad_theta", "sd_over_mad_phi"))


# =================================================================================================
# Figures after Figs. 5-7 (shared by notebooks 03 and 04)
# =================================================================================================
def nfw_model_mass(r_kpc: np.ndarray, r200_kpc: float, c: float,
                   baryons: nfw.BaryonModel = nfw.PAPER_BARYONS) -> np.ndarray:
    """Total model mass baryons + NFW(r200, c) inside r [Msun]."""
    r = np.asarray(r_kpc, float)
    return baryons.mass_enclosed(r) + nfw.nfw_mass_enclosed(r, r200_kpc, c)


def draw_profile(ax_mass, ax_vcirc, r_kpc, mass_msun, mass_err_msun, vcirc_kms, vcirc_err_kms, *,
                 color, marker="o", filled=True, label=None, ms=5) -> None:
    """Markers with error bars for M(<r) (``ax_mass``) and v_circ (``ax_vcirc``); open if not filled."""
    face = color if filled else "none"
    for ax, y, e in ((ax_mass, mass_msun, mass_err_msun), (ax_vcirc, vcirc_kms, vcirc_err_kms)):
        if ax is not None:
            ax.errorbar(r_kpc, y, e, fmt=marker, color=color, mfc=face, ms=ms, lw=1, capsize=0,
                        label=label if ax is ax_mass else None)


def draw_nfw_model(ax_mass, ax_vcirc, r200_kpc: float, c: float, r_grid_kpc: np.ndarray, *, color,
                   ls="-", label=None, baryons: nfw.BaryonModel = nfw.PAPER_BARYONS) -> None:
    """The baryons + NFW model M(<r) and sqrt(G M / r) on ``r_grid_kpc``."""
    r = np.asarray(r_grid_kpc, float)
    m = nfw_model_mass(r, r200_kpc, c, baryons)
    if ax_mass is not None:
        ax_mass.plot(r, m, ls=ls, color=color, lw=1.2, label=label)
    if ax_vcirc is not None:
        ax_vcirc.plot(r, np.sqrt(_G * m / r), ls=ls, color=color, lw=1.2)


def corner_r200_c(axes, samples: np.ndarray, *, color="k", title: str = "",
                  truth: tuple[float, float] | None = None,
                  reference: tuple[float, float] | None = None, reference_label: str = "published") -> None:
    """A 2x2 corner plot of (r200 [kpc], c) posterior samples on ``axes`` (2x2 array; the upper right
    is switched off): histograms with the 16/50/84 percentiles (titles), joint contours at 10-95%,
    the truth of a mock (lines) and a reference point (e.g. the published best fit, a star)."""
    import corner

    s = np.asarray(samples, float)
    (a_r, off), (a_j, a_c) = axes
    off.set_axis_off()
    labels = (r"$r_{200}$ [kpc]", "$c$")
    lims = []
    for j in range(2):  # the posterior, widened to show the truth and the reference point
        lo, hi = np.percentile(s[:, j], [0.5, 99.5])
        for point in (truth, reference):
            if point is not None:
                lo, hi = min(lo, point[j]), max(hi, point[j])
        lims.append((lo - 0.15 * (hi - lo), hi + 0.15 * (hi - lo)))
    for j, ax in ((0, a_r), (1, a_c)):
        ax.hist(s[:, j], bins=40, range=lims[j], histtype="step", color=color, density=True)
        q = np.percentile(s[:, j], (16, 50, 84))
        for x in q:
            ax.axvline(x, color=color, ls="--", lw=0.8)
        ax.set_title(f"{labels[j]} = {q[1]:.3g} +{q[2] - q[1]:.2g} -{q[1] - q[0]:.2g}", fontsize=8)
        ax.set_yticks([])
        ax.set_xlim(lims[j])
        if truth is not None:
            ax.axvline(truth[j], color="0.3", lw=1.2)
    corner.hist2d(s[:, 0], s[:, 1], ax=a_j, levels=(0.10, 0.30, 0.50, 0.75, 0.95), color=color, smooth=1.0,
                  bins=40, range=lims, plot_datapoints=False, plot_density=False, fill_contours=False,
                  no_fill_contours=True)
    if truth is not None:
        a_j.axvline(truth[0], color="0.3", lw=1.2)
        a_j.axhline(truth[1], color="0.3", lw=1.2, label="truth")
    if reference is not None:
        a_j.plot(*reference, "*", color="k", ms=9, label=reference_label)
    a_j.set(xlabel=labels[0], ylabel=labels[1], xlim=lims[0], ylim=lims[1])
    a_c.set_xlabel(labels[1])
    a_r.set_xticklabels([])
    handles, labels_ = a_j.get_legend_handles_labels()
    off.legend(handles, labels_, fontsize=7, loc="upper left", title=title, title_fontsize=9)


# --------------------------------------------------------------------------------------
# Text reports shared by notebooks 03 and 04
# --------------------------------------------------------------------------------------
_E12 = 1e12


def pm(p, scale: float = 1.0, fmt: str = ".2f") -> str:
    """'p50 +(p84 - p50) -(p50 - p16)' of a (p16, p50, p84) triple."""
    lo, mid, hi = (float(x) / scale for x in p)
    return f"{mid:{fmt}} +{hi - mid:{fmt}} -{mid - lo:{fmt}}"


def published_pm(quoted: Mapping[str, Any], fmt: str = ".2f") -> str:
    """The same for a published value with its (low, high) bounds."""
    return (f"{quoted['value']:{fmt}} +{quoted['high'] - quoted['value']:{fmt}} "
            f"-{quoted['value'] - quoted['low']:{fmt}}")


def nfw_report(nfw_fits: Mapping[str, nfw.NFWFit], method: str,
               published_results: Mapping[tuple[str, str], Mapping[str, Any]]) -> str:
    """Table 2 rows (M200, r200, c, total mass at r200) of our fits beside the published ones."""
    lines = [f"{'sample':22s} {'M200 [1e12 Msun]':>22s} {'r200 [kpc]':>18s} {'c':>18s} {'Mtot(r200) [1e12]':>22s}"]
    for name, fit in nfw_fits.items():
        p = fit.percentiles
        lines.append(f"{name:22s} {pm(p['m200_msun'], _E12):>22s} {pm(p['r200_kpc'], fmt='.0f'):>18s} "
                     f"{pm(p['c'], fmt='.1f'):>18s} {pm(p['m_total_r200_msun'], _E12):>22s}")
        if p["c"][0] < 1.0:
            lines.append(f"{'':22s} c runs into its prior bound c > 0: no NFW + baryons model follows this profile")
    for kind in ("KG", "BHB"):
        label = f"{method} {kind}"
        lines.append(f"{'published ' + label:22s} {published_pm(published_results[(label, 'M200_1e12')], '.3f'):>22s} "
                     f"{published_pm(published_results[(label, 'r200_kpc')], '.0f'):>18s} "
                     f"{published_pm(published_results[(label, 'c')], '.1f'):>18s}")
    return "\n".join(lines)


def nfw_recovery_report(entries: Mapping[str, Mapping[str, dict]], truths: Mapping[str, Any], method: str) -> str:
    """For each mock: is the true M200, r200, c inside the 16-84% interval of the fit?"""
    lines = ["Mocks: is the truth inside the 16-84% interval of the fit?"]
    for name, truth in truths.items():
        rec = nfw_recovery(entries[f"{name}/{method}"], truth.mass_model)
        scale = {k: (_E12 if k == "M200" else 1.0) for k in rec}
        lines.append(f"  {name:12s} " + "; ".join(
            f"{k} truth {v['truth'] / scale[k]:.3g} in [{v['p16'] / scale[k]:.3g}, {v['p84'] / scale[k]:.3g}]: "
            f"{'yes' if v['inside'] else 'no'}" for k, v in rec.items()))
    return "\n".join(lines)


def nfw_validation_report(entries: Mapping[str, Mapping[str, dict]], truths: Mapping[str, Any],
                          variants: Mapping[str, str]) -> str:
    """One line per mock and variant (``{label: method}``, keys ``<mock>/<method>`` of ``entries``):
    the fitted M200 and c with their 16-84% intervals beside the truth, their pulls
    (fit - truth) / half-width of the 16-84% interval, and whether the truth lies inside the
    16-84% and 2.5-97.5% intervals of M200 and of c (r200 follows M200: M200 ∝ r200^3)."""
    width = max([len("variant"), *map(len, variants)])
    lines = [f"{'mock':12s} {'variant':{width}s} {'M200 [1e12 Msun], pull':>26s} {'c, pull':>22s}"
             f"  M200 in 68/95%  c in 68/95%"]
    yes = {True: "yes", False: "no"}
    for name, truth in truths.items():
        model = truth.mass_model
        lines.append(f"{name:12s} {'truth':{width}s} {model.m200_msun / _E12:>20.2f} {'':5s} "
                     f"{model.concentration:>16.1f}")
        for label, method in variants.items():
            key = f"{name}/{method}"
            if key not in entries:
                continue
            rec = nfw_recovery(entries[key], model)
            cells = []
            for par, scale, fmt in (("M200", _E12, "6.2f"), ("c", 1.0, "5.1f")):
                v = rec[par]
                pull = (v["p50"] - v["truth"]) / (0.5 * (v["p84"] - v["p16"]))
                cells.append(f"{v['p50'] / scale:{fmt}} [{v['p16'] / scale:{fmt}}, {v['p84'] / scale:{fmt}}] "
                             f"{pull:+5.1f}")
            lines.append(f"{'':12s} {label:{width}s} {cells[0]:>26s} {cells[1]:>22s}  "
                         f"{yes[rec['M200']['inside']]:>4s}/{yes[rec['M200']['inside95']]:<4s}       "
                         f"{yes[rec['c']['inside']]:>4s}/{yes[rec['c']['inside95']]:<4s}")
    return "\n".join(lines)


def sampler_settings(quick: bool) -> dict[str, dict[str, int]]:
    """emcee settings of the three fits: the paper's (Sections 2.1, 2.3, 4.2), or short ones for quick mode."""
    if quick:
        return {"sigma": dict(n_walkers=200, n_steps=600, n_burn=200),
                "density": dict(n_walkers=100, n_steps=400, n_burn=150),
                "nfw": dict(n_walkers=100, n_steps=400, n_burn=250)}
    return {"sigma": dict(n_walkers=dispersion.SIGMA_FIT_N_WALKERS, n_steps=dispersion.SIGMA_FIT_N_STEPS,
                          n_burn=dispersion.SIGMA_FIT_N_BURN),
            "density": dict(n_walkers=DENSITY_FIT_N_WALKERS, n_steps=DENSITY_FIT_N_STEPS,
                            n_burn=DENSITY_FIT_N_BURN),
            "nfw": dict(n_walkers=nfw.NFW_FIT_N_WALKERS, n_steps=nfw.NFW_FIT_N_STEPS, n_burn=nfw.NFW_FIT_N_BURN)}


def fit_sigma_profiles(dispersions: Mapping[str, Table], rng: np.random.Generator,
                       settings: Mapping[str, int]) -> dict[str, dispersion.ExponentialSigmaFit]:
    """The exponential sigma_r(r) fit (Eqs. 2-3) to the usable bins of every sample, in order.

    Notebooks 02 and 03 call it with the same generator, so they obtain the same fits.
    """
    fits = {}
    for name, table in dispersions.items():
        ok = np.asarray(table["ok"])
        fits[name] = dispersion.fit_sigma_r_exponential(
            table["r_median_kpc"][ok], table["sigma_r_kms"][ok], table["sigma_r_err_kms"][ok], rng=rng, **settings)
    return fits


def without_fast_stars(sample: HaloSample, v_esc_fn: Callable[[np.ndarray], np.ndarray], n_boot: int,
                       rng: np.random.Generator) -> tuple[np.ndarray, Table, Table]:
    """Diagnostic: drop stars faster than ``v_esc_fn(r)``; redo the bin dispersions and the TME.

    Returns (kept mask, dispersions, TME profile with each bin's beta).
    """
    import warnings

    from mwlib.bird22 import tme

    keep = np.linalg.norm(sample.v_kms, axis=1) < v_esc_fn(sample.r_kpc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        disp = dispersion.bin_dispersions(sample.r_kpc[keep], sample.v_kms[keep], sample.v_cov[keep],
                                          sample.edges_kpc, min_stars=10)
    profile = tme.tme_profile(sample.r_kpc[keep], sample.v_kms[keep, 0], sample.edges_kpc, sample.density.slope,
                              np.asarray(disp["beta"]), n_boot=n_boot, seed=rng)
    return keep, disp, profile
