"""Baryons + NFW dark halo, the virial-mass fit of Bird et al. (2022), Section 2.3 (Eqs. 6-13).

One module on purpose: the baryon model, the NFW profile, the fit and the Section 4.6 averages all work on the
same M(<r) of Section 2.3, and the equation index (:mod:`mwlib.equations`) points into it by name.

What is implemented
-------------------
* :class:`BaryonModel` -- the bulge and disk of galpy's ``MWPotential2014`` (Bovy 2015) with the
  physical parameters Bird et al. print in Section 2.3:

  - bulge, ``PowerSphericalPotentialwCutoff`` (Eq. 6): rho ∝ r^-1.8 exp(-(r/1.9 kpc)^2), total mass
    M_b = 0.5e10 Msun;
  - disk, ``MiyamotoNagaiPotential`` (Eq. 7): a = 3 kpc, b = 0.28 kpc, M_d = 6.8e10 Msun.

  Its spherically averaged enclosed mass M_b(<r) is computed ONCE per model on a log radius grid
  (bulge: regularised incomplete gamma function; disk: Gauss's theorem, r^2/G times the mean of
  dPhi/dr over the sphere, by split Gauss-Legendre quadrature) and then interpolated in log-log.
  :meth:`BaryonModel.galpy_potentials` builds the equivalent galpy objects (used by the tests to
  check M_b(<r) against galpy's ``mass()``); :meth:`BaryonModel.from_mwpotential2014` takes the
  amplitudes from galpy itself instead of the printed values (the printed bulge mass 0.5e10 is a
  rounding: galpy's MWPotential2014 bulge with ro = 8 kpc, vo = 220 km/s has 0.450e10 Msun; the
  disk, 6.80e10, agrees).
* NFW (Eqs. 8-13): rho_crit = 3 H^2 / (8 pi G) with H = 67.8 km/s/Mpc; M200 = (4 pi/3) 200 rho_crit
  r200^3; rs = r200/c; M_NFW(<r) = M200 m(r/rs)/m(c), m(x) = ln(1 + x) - x/(1 + x), which is Eq. 8
  with rho_0 = rho_crit delta_c (Eqs. 9-10). All functions broadcast over parameter arrays.
  Note: Eq. 11's "/1000^3" only converts km/s/Mpc to kpc units if G is in Mpc (km/s)^2/Msun; here
  H is converted to km/s/kpc explicitly (rho_crit = 127.7 Msun/kpc^3 for H = 67.8, checked against
  astropy.cosmology in the tests).
* :func:`fit_nfw` -- emcee fit of (r200, c) (500 walkers, 400 steps, 250 burn-in by default) to a
  measured M(<r) with errors. Bird (Sections 2.3 and 3.3) "subtract the baryon mass profile from our
  measured total mass profile before fitting with an NFW model": the likelihood is Gaussian in the
  dark mass M(<r) - M_b(<r) with the measured mass errors. (Because the baryon model carries no
  error this is the same chi^2 as fitting baryons + NFW to the total mass.) Priors: flat, r200 > 0,
  c > 0 and 200 < v_circ(R0 = 8.3 kpc) < 250 km/s, where v_circ is the *total* (baryons + NFW)
  circular velocity at R0. By default the baryonic part is the midplane circular velocity of the
  bulge + disk potential (the physical definition; 175.9 km/s for the printed parameters); set
  ``vcirc_baryons="spherical"`` to use sqrt(G M_b(<R0)/R0) instead (the paper does not say).
  Returned: percentiles (16, 50, 84) of M200, r200, c and of the total mass at r200,
  M_b(<r200) + M200 (Section 4.6, "baryonic mass plus dark mass M200").
* :func:`weighted_average` -- the averages of Section 4.6 ("numpy.average ... weighted by the
  errors"). With symmetric errors s = (lower + upper)/2 and weights w = 1/s, Table 2 gives
  M200 = 0.535e12, r200 = 172.2 kpc, c = 20.4 (paper: 0.53, 172, 20); inverse-variance weights
  w = 1/s^2 give 0.481e12, 165.9, 22.4 instead, so ``weighting="inverse_error"`` is the default.
  The error returned is the propagated error of the weighted mean, sqrt(sum w^2 s^2)/sum w
  (0.051e12 and 5.4 kpc for M200 and r200 as in the paper; 1.9 for c where the paper prints 3).
* :func:`baryon_fraction` -- Section 5.4: M_baryon / M200 with the Bland-Hawthorn & Gerhard (2016)
  baryonic mass 8e10 Msun; 8e10 / 0.53e12 = 0.15 as printed (M_b/(M_b + M200) would be 0.13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
from astropy.table import Table
from scipy.optimize import minimize
from scipy.special import gamma as gamma_fn
from scipy.special import gammainc

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN
from mwlib.core.ensemble import run_seeded_ensemble

__all__ = [
    "H0_KMS_PER_MPC",
    "OVERDENSITY",
    "R0_KPC",
    "VCIRC_PRIOR_KMS",
    "NFW_FIT_N_WALKERS",
    "NFW_FIT_N_STEPS",
    "NFW_FIT_N_BURN",
    "M_BARYON_BHG16_MSUN",
    "SYSTEMATIC_FRAC",
    "BaryonModel",
    "PAPER_BARYONS",
    "rho_crit_msun_per_kpc3",
    "m200_from_r200",
    "r200_from_m200",
    "nfw_mass_enclosed",
    "nfw_delta_c",
    "NFWFit",
    "fit_nfw",
    "fit_nfw_profile",
    "weighted_average",
    "baryon_fraction",
]

#: Hubble constant of Section 2.3 (Planck Collaboration 2016).
H0_KMS_PER_MPC: float = 67.8
#: M200, r200 are defined at 200 x the present critical density (Eq. 13).
OVERDENSITY: float = 200.0
#: Solar radius used for the circular-velocity prior (Section 2.3).
R0_KPC: float = 8.3
#: Prior on the total circular velocity at R0 (Sections 2.3 and 3.3).
VCIRC_PRIOR_KMS: tuple[float, float] = (200.0, 250.0)
NFW_FIT_N_WALKERS: int = 500
NFW_FIT_N_STEPS: int = 400
NFW_FIT_N_BURN: int = 250
#: Total baryonic mass of Bland-Hawthorn & Gerhard (2016) used in Section 5.4.
M_BARYON_BHG16_MSUN: float = 8e10
#: Systematic error the paper adopts for non-spherical and non-virial effects (Section 3.3,
#: following Deason et al. 2021): 15% of each mass, quoted beside the random error (Table 1 text).
SYSTEMATIC_FRAC: float = 0.15

#: Weights of :func:`weighted_average`: 1/s (Bird et al.'s Section 4.6 averages) or 1/s^2.
Weighting = Literal["inverse_error", "inverse_variance"]

_G = G_KPC_KMS2_PER_MSUN


# =================================================================================================
# Baryons: MWPotential2014 bulge + disk
# =================================================================================================
def _disk_mass_enclosed_quadrature(
    r_kpc: np.ndarray, mass_msun: float, a_kpc: float, b_kpc: float, n_nodes: int = 48
) -> np.ndarray:
    """Miyamoto-Nagai mass inside spheres of radius r by Gauss's theorem.

    M(<r) = (r^2/G) int_0^1 dPhi/dr dmu (z-symmetric), and for Phi = -G M / D,
    D^2 = R^2 + (a + zeta)^2, zeta = sqrt(z^2 + b^2):
    r dPhi/dr = G M [R^2 + z^2 (a + zeta)/zeta] / D^3, so
    M(<r) = r M int_0^1 [R^2 + z^2 (a + zeta)/zeta] / D^3 dmu with R = r sqrt(1 - mu^2), z = r mu.
    The integrand varies on the scale mu ~ b/r near the plane, so mu is split at b/r, 10 b/r and
    100 b/r (where below 1) and each piece gets ``n_nodes`` Gauss-Legendre nodes.
    """
    r = np.atleast_1d(np.asarray(r_kpc, dtype=float))
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    brk = np.clip(b_kpc / r[:, None] * np.array([0.0, 1.0, 10.0, 100.0, np.inf]), 0.0, 1.0)
    lo, hi = brk[:, :-1], brk[:, 1:]  # (n_r, 4) pieces; empty pieces have lo == hi == 1
    half = 0.5 * (hi - lo)
    mu = (half[..., None] * x + 0.5 * (hi + lo)[..., None]).reshape(r.size, -1)
    wt = (half[..., None] * w).reshape(r.size, -1)
    rr = r[:, None]
    big_r2 = rr**2 * (1.0 - mu**2)
    z = rr * mu
    zeta = np.sqrt(z**2 + b_kpc**2)
    d3 = (big_r2 + (a_kpc + zeta) ** 2) ** 1.5
    integrand = (big_r2 + z**2 * (a_kpc + zeta) / zeta) / d3
    return mass_msun * r * np.sum(wt * integrand, axis=1)


@dataclass(frozen=True)
class BaryonModel:
    """Bird et al. (2022) Eqs. 6-7: bulge (power law with exponential cut-off) + Miyamoto-Nagai disk, physical units.

    Defaults are the values printed in Bird et al. (2022) Section 2.3. ``grid_kpc`` is the log grid
    on which M_b(<r) is tabulated once (lazily, on first use) and interpolated.
    """

    bulge_mass_msun: float = 0.5e10
    bulge_alpha: float = 1.8
    bulge_rc_kpc: float = 1.9
    disk_mass_msun: float = 6.8e10
    disk_a_kpc: float = 3.0
    disk_b_kpc: float = 0.28
    grid_kpc: tuple[float, float, int] = field(default=(1e-3, 1e5, 601))

    def __post_init__(self) -> None:
        if not (self.bulge_mass_msun >= 0 and self.disk_mass_msun >= 0):
            raise ValueError("bulge and disk masses must be non-negative")
        if not (0 <= self.bulge_alpha < 3):
            raise ValueError("bulge_alpha must be in [0, 3) for a finite central mass")
        if not (self.bulge_rc_kpc > 0 and self.disk_a_kpc >= 0 and self.disk_b_kpc > 0):
            raise ValueError("bulge_rc_kpc and disk_b_kpc must be positive, disk_a_kpc >= 0")
        lo, hi, n = self.grid_kpc
        if not (0 < lo < hi and int(n) >= 16):
            raise ValueError("grid_kpc must be (r_min > 0, r_max > r_min, n >= 16)")

    # --- exact (slow-ish) pieces --------------------------------------------------------------
    def bulge_mass_enclosed(self, r_kpc: np.ndarray) -> np.ndarray:
        """Bulge mass inside r: M_b P((3 - alpha)/2, (r/rc)^2) (regularised lower gamma)."""
        r = np.asarray(r_kpc, dtype=float)
        return self.bulge_mass_msun * gammainc(1.5 - 0.5 * self.bulge_alpha, (r / self.bulge_rc_kpc) ** 2)

    def disk_mass_enclosed(self, r_kpc: np.ndarray) -> np.ndarray:
        """Disk mass inside spheres of radius r (direct quadrature, see the module docstring)."""
        r = np.asarray(r_kpc, dtype=float)
        out = _disk_mass_enclosed_quadrature(r.ravel(), self.disk_mass_msun, self.disk_a_kpc, self.disk_b_kpc)
        return out.reshape(r.shape)

    def mass_enclosed_exact(self, r_kpc: np.ndarray) -> np.ndarray:
        return self.bulge_mass_enclosed(r_kpc) + self.disk_mass_enclosed(r_kpc)

    # --- tabulated ------------------------------------------------------------------------------
    @cached_property
    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        lo, hi, n = self.grid_kpc
        ln_r = np.linspace(np.log(lo), np.log(hi), int(n))
        m = self.mass_enclosed_exact(np.exp(ln_r))
        return ln_r, np.log(np.maximum(m, np.finfo(float).tiny))

    def mass_enclosed(self, r_kpc: np.ndarray) -> np.ndarray:
        """M_b(<r) [Msun], interpolated in log-log on the precomputed grid.

        Below the grid the first interval's power law is extrapolated; above it the mass is held
        at its last value (1e5 kpc by default, where it equals the total to ~3e-5).
        """
        r = np.asarray(r_kpc, dtype=float)
        if np.any(~(r >= 0)):
            raise ValueError("radii must be non-negative")
        ln_r, ln_m = self._table
        with np.errstate(divide="ignore"):
            x = np.log(r)
        y = np.interp(x, ln_r, ln_m)
        slope = (ln_m[1] - ln_m[0]) / (ln_r[1] - ln_r[0])
        below = x < ln_r[0]
        y = np.where(below, ln_m[0] + slope * (x - ln_r[0]), y)
        return np.where(r > 0, np.exp(y), 0.0)

    @property
    def total_mass_msun(self) -> float:
        return self.bulge_mass_msun + self.disk_mass_msun

    def vcirc_midplane(self, R_kpc: np.ndarray) -> np.ndarray:
        """Circular velocity in the plane z = 0 [km/s] (analytic: spherical bulge + MN disk)."""
        R = np.asarray(R_kpc, dtype=float)
        v2_disk = _G * self.disk_mass_msun * R**2 / (R**2 + (self.disk_a_kpc + self.disk_b_kpc) ** 2) ** 1.5
        with np.errstate(divide="ignore", invalid="ignore"):
            v2_bulge = np.where(R > 0, _G * self.bulge_mass_enclosed(R) / R, 0.0)
        return np.sqrt(v2_disk + v2_bulge)

    def vcirc_spherical(self, r_kpc: np.ndarray) -> np.ndarray:
        """sqrt(G M_b(<r) / r) [km/s] from the spherically averaged enclosed mass."""
        r = np.asarray(r_kpc, dtype=float)
        return np.sqrt(_G * self.mass_enclosed(r) / r)

    # --- galpy equivalents ----------------------------------------------------------------------
    def galpy_potentials(self, ro: float = 8.0, vo: float = 220.0) -> list:
        """[PowerSphericalPotentialwCutoff, MiyamotoNagaiPotential] with these physical parameters.

        galpy natural units with the given ro [kpc], vo [km/s]; physical output switched on.
        """
        from galpy.potential import MiyamotoNagaiPotential, PowerSphericalPotentialwCutoff
        from galpy.util import conversion

        m_unit = conversion.mass_in_msol(vo, ro)
        rc = self.bulge_rc_kpc / ro
        p = 3.0 - self.bulge_alpha
        # galpy: rho = amp r^-alpha exp(-(r/rc)^2) (G = 1), total mass 2 pi amp rc^p Gamma(p/2)
        amp_bulge = self.bulge_mass_msun / m_unit / (2.0 * np.pi * rc**p * gamma_fn(0.5 * p))
        bulge = PowerSphericalPotentialwCutoff(amp=amp_bulge, alpha=self.bulge_alpha, rc=rc, ro=ro, vo=vo)
        disk = MiyamotoNagaiPotential(
            amp=self.disk_mass_msun / m_unit, a=self.disk_a_kpc / ro, b=self.disk_b_kpc / ro, ro=ro, vo=vo
        )
        for pot in (bulge, disk):
            pot.turn_physical_on(ro=ro, vo=vo)
        return [bulge, disk]

    @classmethod
    def from_mwpotential2014(cls, ro: float = 8.0, vo: float = 220.0) -> BaryonModel:
        """Bulge and disk amplitudes and scales read from galpy's MWPotential2014 at (ro, vo)."""
        from galpy.potential import MWPotential2014
        from galpy.util import conversion

        bulge, disk = MWPotential2014[0], MWPotential2014[1]
        m_unit = conversion.mass_in_msol(vo, ro)
        p = 3.0 - bulge.alpha
        m_bulge = bulge._amp * 2.0 * np.pi * bulge.rc**p * gamma_fn(0.5 * p) * m_unit
        return cls(
            bulge_mass_msun=float(m_bulge),
            bulge_alpha=float(bulge.alpha),
            bulge_rc_kpc=float(bulge.rc * ro),
            disk_mass_msun=float(disk._amp * m_unit),
            disk_a_kpc=float(disk._a * ro),
            disk_b_kpc=float(disk._b * ro),
        )


#: The bulge and disk of Bird et al. (2022) Section 2.3 as printed.
PAPER_BARYONS = BaryonModel()


# =================================================================================================
# NFW (Eqs. 8-13)
# =================================================================================================
def rho_crit_msun_per_kpc3(h0_kms_per_mpc: float = H0_KMS_PER_MPC) -> float:
    """Present critical density 3 H^2 / (8 pi G) in Msun/kpc^3 (Eq. 11 with H in km/s/kpc)."""
    if not h0_kms_per_mpc > 0:
        raise ValueError("H0 must be positive")
    h = h0_kms_per_mpc / 1000.0  # km/s/kpc
    return 3.0 * h**2 / (8.0 * np.pi * _G)


def m200_from_r200(r200_kpc: np.ndarray, h0_kms_per_mpc: float = H0_KMS_PER_MPC) -> np.ndarray:
    """Eq. 13: M200 = (4 pi/3) 200 rho_crit r200^3 [Msun]."""
    r = np.asarray(r200_kpc, dtype=float)
    return 4.0 * np.pi / 3.0 * OVERDENSITY * rho_crit_msun_per_kpc3(h0_kms_per_mpc) * r**3


def r200_from_m200(m200_msun: np.ndarray, h0_kms_per_mpc: float = H0_KMS_PER_MPC) -> np.ndarray:
    """Inverse of Eq. 13 [kpc]."""
    m = np.asarray(m200_msun, dtype=float)
    return np.cbrt(m / (4.0 * np.pi / 3.0 * OVERDENSITY * rho_crit_msun_per_kpc3(h0_kms_per_mpc)))


def _m_of_x(x: np.ndarray) -> np.ndarray:
    """ln(1 + x) - x/(1 + x), accurate for small x."""
    x = np.asarray(x, dtype=float)
    # series x^2/2 - 2x^3/3 + 3x^4/4 for tiny x avoids cancellation
    small = x < 1e-4
    xs = np.where(small, x, 0.0)
    series = xs**2 * (0.5 - 2.0 * xs / 3.0 + 0.75 * xs**2)
    return np.where(small, series, np.log1p(x) - x / (1.0 + x))


def nfw_delta_c(c: np.ndarray) -> np.ndarray:
    """Eq. 10: characteristic overdensity delta_c = (200/3) c^3 / m(c)."""
    c = np.asarray(c, dtype=float)
    return OVERDENSITY / 3.0 * c**3 / _m_of_x(c)


def nfw_mass_enclosed(
    r_kpc: np.ndarray,
    r200_kpc: np.ndarray,
    c: np.ndarray,
    h0_kms_per_mpc: float = H0_KMS_PER_MPC,
) -> np.ndarray:
    """Bird et al. (2022) Eqs. 8-13: M_NFW(<r) = 4 pi rho_0 rs^3 m(r/rs) = M200 m(r/rs)/m(c), with rho_0 = rho_crit
    delta_c (Eqs. 9-11), rs = r200/c (Eq. 12) and M200 from r200 (Eq. 13); broadcasts."""
    r = np.asarray(r_kpc, dtype=float)
    r200 = np.asarray(r200_kpc, dtype=float)
    c = np.asarray(c, dtype=float)
    return m200_from_r200(r200, h0_kms_per_mpc) * _m_of_x(r * c / r200) / _m_of_x(c)


# =================================================================================================
# emcee fit of (r200, c)
# =================================================================================================
@dataclass(frozen=True)
class NFWFit:
    """Posterior of the NFW fit. ``samples`` are (r200_kpc, c) after burn-in, flattened.

    ``percentiles`` maps ``m200_msun``, ``r200_kpc``, ``c``, ``m_total_r200_msun`` to their
    (16, 50, 84) percentiles, ``interval95`` to their (2.5, 97.5) percentiles.
    """

    samples: np.ndarray
    m200_msun: np.ndarray
    m_total_r200_msun: np.ndarray
    percentiles: dict[str, np.ndarray]
    interval95: dict[str, np.ndarray]
    acceptance_fraction: float
    fit_to: str
    n_walkers: int
    n_steps: int
    n_burn: int

    def mass_band(
        self, r_kpc: np.ndarray, baryons: BaryonModel = PAPER_BARYONS, q: Sequence[float] = (16, 50, 84),
        n_max: int = 20_000,
    ) -> np.ndarray:
        """Percentiles of the total model mass M_b(<r) + M_NFW(<r) on a grid, shape (len(q), len(r))."""
        r = np.atleast_1d(np.asarray(r_kpc, dtype=float))
        s = self.samples[:: max(1, self.samples.shape[0] // n_max)]
        m = nfw_mass_enclosed(r[None, :], s[:, :1], s[:, 1:2]) + baryons.mass_enclosed(r)[None, :]
        return np.percentile(m, q, axis=0)

    def summary(self) -> dict[str, float]:
        """Median and +/- errors of every quantity (16-84 percentile distances from the median)."""
        out = {}
        for k, p in self.percentiles.items():
            out[k] = float(p[1])
            out[f"{k}_minus"] = float(p[1] - p[0])
            out[f"{k}_plus"] = float(p[2] - p[1])
        return out


def _nfw_log_prob(
    theta: np.ndarray,
    r: np.ndarray,
    target: np.ndarray,
    err: np.ndarray,
    offset: np.ndarray,
    r0: float,
    v2_baryon_r0: float,
    v2_bounds: tuple[float, float],
    h0: float,
) -> np.ndarray:
    """Vectorised log posterior over walkers: Gaussian in mass, flat priors (see fit_nfw)."""
    r200, c = theta[:, 0], theta[:, 1]
    ok = (r200 > 0) & (c > 0) & np.isfinite(r200) & np.isfinite(c)
    r200s = np.where(ok, r200, 1.0)
    cs = np.where(ok, c, 1.0)
    v2 = v2_baryon_r0 + _G * nfw_mass_enclosed(r0, r200s, cs, h0) / r0
    ok &= (v2 > v2_bounds[0]) & (v2 < v2_bounds[1])
    model = nfw_mass_enclosed(r[None, :], r200s[:, None], cs[:, None], h0) + offset[None, :]
    chi2 = np.sum(((target[None, :] - model) / err[None, :]) ** 2, axis=1)
    return np.where(ok, -0.5 * chi2, -np.inf)


def fit_nfw(
    r_kpc: np.ndarray,
    mass_msun: np.ndarray,
    mass_err_msun: np.ndarray,
    *,
    rng: np.random.Generator,
    baryons: BaryonModel = PAPER_BARYONS,
    fit_to: Literal["dark", "total"] = "dark",
    n_walkers: int = NFW_FIT_N_WALKERS,
    n_steps: int = NFW_FIT_N_STEPS,
    n_burn: int = NFW_FIT_N_BURN,
    r0_kpc: float = R0_KPC,
    vcirc_prior_kms: tuple[float, float] = VCIRC_PRIOR_KMS,
    vcirc_baryons: Literal["midplane", "spherical"] = "midplane",
    h0_kms_per_mpc: float = H0_KMS_PER_MPC,
    progress: bool = False,
) -> NFWFit:
    """Bird et al. (2022) Section 2.3: emcee fit of an NFW halo (r200, c) to a measured enclosed-mass profile (Section 2.3).

    Parameters
    ----------
    r_kpc, mass_msun, mass_err_msun : radii, measured total M(<r) and its (symmetric) errors.
    rng : the generator; walkers start from it, emcee's RandomState is seeded from it.
    baryons : the bulge + disk model subtracted from / added to the data.
    fit_to : ``"dark"`` (default, Bird: Gaussian likelihood for M - M_b against M_NFW) or
        ``"total"`` (M against M_b + M_NFW). With error-free baryons both give the same chi^2;
        the option exists to make that explicit.
    vcirc_prior_kms : flat prior bounds on the total circular velocity at ``r0_kpc``.
    vcirc_baryons : ``"midplane"`` (galpy-like vcirc of the bulge + disk at z = 0) or
        ``"spherical"`` (sqrt(G M_b(<R0)/R0)) for the baryonic part of that velocity.

    Walkers start in a 0.1 per cent ball around the maximum a posteriori point (coarse vectorised
    grid search in log r200, log c followed by Nelder-Mead).
    """
    r = np.asarray(r_kpc, dtype=float)
    m = np.asarray(mass_msun, dtype=float)
    e = np.asarray(mass_err_msun, dtype=float)
    if not (r.ndim == 1 and r.shape == m.shape == e.shape and r.size >= 2):
        raise ValueError("r_kpc, mass_msun, mass_err_msun must be 1-D, equal length, >= 2 points")
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(m)) and np.all(np.isfinite(e))):
        raise ValueError("non-finite input (drop flagged bins before fitting)")
    if np.any(r <= 0) or np.any(e <= 0):
        raise ValueError("radii and mass errors must be positive")
    if fit_to not in ("dark", "total"):
        raise ValueError(f"fit_to must be 'dark' or 'total'; got {fit_to!r}")
    if vcirc_baryons not in ("midplane", "spherical"):
        raise ValueError(f"vcirc_baryons must be 'midplane' or 'spherical'; got {vcirc_baryons!r}")
    if not (0 <= n_burn < n_steps) or n_walkers < 4:
        raise ValueError("need 0 <= n_burn < n_steps and n_walkers >= 4")
    v_lo, v_hi = vcirc_prior_kms
    if not (0 <= v_lo < v_hi):
        raise ValueError("vcirc_prior_kms must be (low, high) with 0 <= low < high")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")

    m_b = baryons.mass_enclosed(r)
    if fit_to == "dark":
        target, offset = m - m_b, np.zeros_like(r)
    else:
        target, offset = m, m_b
    v_b = baryons.vcirc_midplane(r0_kpc) if vcirc_baryons == "midplane" else baryons.vcirc_spherical(r0_kpc)
    args = (r, target, e, offset, float(r0_kpc), float(v_b) ** 2, (v_lo**2, v_hi**2), h0_kms_per_mpc)

    # MAP start: vectorised grid in (ln r200, ln c), then Nelder-Mead in the same variables.
    lr, lc = np.meshgrid(np.linspace(np.log(50.0), np.log(600.0), 120), np.linspace(np.log(0.5), np.log(80.0), 120))
    grid = np.column_stack([np.exp(lr.ravel()), np.exp(lc.ravel())])
    lp = _nfw_log_prob(grid, *args)
    if not np.any(np.isfinite(lp)):
        raise ValueError(
            "no (r200, c) on the search grid satisfies the circular-velocity prior; "
            "check units (Msun, kpc) and the baryon model"
        )
    start = np.log(grid[np.argmax(lp)])

    def neg(p: np.ndarray) -> float:
        val = _nfw_log_prob(np.exp(p)[None, :], *args)[0]
        return -val if np.isfinite(val) else 1e300

    best = np.exp(minimize(neg, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10}).x)
    p0 = best * (1.0 + 1e-3 * rng.standard_normal((n_walkers, 2)))
    bad = ~np.isfinite(_nfw_log_prob(p0, *args))
    p0[bad] = best
    sampler = run_seeded_ensemble(_nfw_log_prob, p0, n_steps, rng=rng, args=args, progress=progress)
    samples = sampler.get_chain(discard=n_burn, flat=True)

    m200 = m200_from_r200(samples[:, 0], h0_kms_per_mpc)
    m_tot = m200 + baryons.mass_enclosed(samples[:, 0])
    q = (16, 50, 84)
    pct = {
        "m200_msun": np.percentile(m200, q),
        "r200_kpc": np.percentile(samples[:, 0], q),
        "c": np.percentile(samples[:, 1], q),
        "m_total_r200_msun": np.percentile(m_tot, q),
    }
    q95 = (2.5, 97.5)
    pct95 = {"m200_msun": np.percentile(m200, q95), "r200_kpc": np.percentile(samples[:, 0], q95),
             "c": np.percentile(samples[:, 1], q95), "m_total_r200_msun": np.percentile(m_tot, q95)}
    return NFWFit(
        samples=samples,
        m200_msun=m200,
        m_total_r200_msun=m_tot,
        percentiles=pct,
        interval95=pct95,
        acceptance_fraction=float(np.mean(sampler.acceptance_fraction)),
        fit_to=fit_to,
        n_walkers=n_walkers,
        n_steps=n_steps,
        n_burn=n_burn,
    )


def fit_nfw_profile(
    profile: Table,
    *,
    r_col: str = "r_mass_kpc",
    mass_col: str = "mass_msun",
    err_col: str = "mass_err_msun",
    systematic_frac: float = 0.0,
    **kwargs,
) -> NFWFit:
    """:func:`fit_nfw` on a Jeans or TME profile table (rows with non-finite values are dropped).

    Both :func:`mwlib.bird22.jeans.jeans_profile` and :func:`mwlib.bird22.tme.tme_profile` provide
    ``r_mass_kpc`` (the radius at which each M(<r) applies), ``mass_msun`` and ``mass_err_msun``.
    ``systematic_frac`` adds ``systematic_frac * M`` in quadrature to each point's error: 0 (the
    paper's Table 2 fits use the random errors only, its note a) or :data:`SYSTEMATIC_FRAC` (the
    paper's whole error budget, random plus the 15% of Section 3.3).
    """
    if not (0.0 <= float(systematic_frac) < 1.0):
        raise ValueError(f"systematic_frac must be in [0, 1); got {systematic_frac}")
    for col in (r_col, mass_col, err_col):
        if col not in profile.colnames:
            raise ValueError(f"profile has no column {col!r}")
    r = np.asarray(profile[r_col], dtype=float)
    m = np.asarray(profile[mass_col], dtype=float)
    e = np.asarray(profile[err_col], dtype=float)
    e = np.hypot(e, float(systematic_frac) * m)
    keep = np.isfinite(r) & np.isfinite(m) & np.isfinite(e) & (e > 0)
    return fit_nfw(r[keep], m[keep], e[keep], **kwargs)


# =================================================================================================
# Averages and the baryon fraction (Sections 4.6 and 5.4)
# =================================================================================================
def weighted_average(
    values: np.ndarray,
    lower_err: np.ndarray,
    upper_err: np.ndarray | None = None,
    *,
    weighting: Weighting = "inverse_error",
) -> tuple[float, float]:
    """Bird et al. (2022) Section 4.6: Error-weighted mean of measurements with (possibly asymmetric) errors, and its error.

    Each measurement's error is s = (lower + upper)/2 (``upper_err`` None: symmetric).
    ``weighting="inverse_error"`` (default) uses w = 1/s, which reproduces the Section 4.6 averages
    of Table 2 (M200 = 0.53e12, r200 = 172 kpc, c = 20); ``"inverse_variance"`` uses w = 1/s^2.
    The returned error is sqrt(sum w^2 s^2) / sum w (= 1/sqrt(sum 1/s^2) for inverse variance).
    """
    x = np.asarray(values, dtype=float)
    lo = np.asarray(lower_err, dtype=float)
    hi = lo if upper_err is None else np.asarray(upper_err, dtype=float)
    if not (x.ndim == 1 and x.shape == lo.shape == hi.shape and x.size >= 1):
        raise ValueError("values and errors must be 1-D arrays of equal, non-zero length")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise ValueError("values and errors must be finite")
    if np.any(lo <= 0) or np.any(hi <= 0):
        raise ValueError("errors must be positive (give magnitudes, not signed offsets)")
    s = 0.5 * (lo + hi)
    if weighting == "inverse_error":
        w = 1.0 / s
    elif weighting == "inverse_variance":
        w = 1.0 / s**2
    else:
        raise ValueError(f"weighting must be 'inverse_error' or 'inverse_variance'; got {weighting!r}")
    mean = float(np.average(x, weights=w))
    err = float(np.sqrt(np.sum((w * s) ** 2)) / np.sum(w))
    return mean, err


def baryon_fraction(
    m200_msun: np.ndarray, m_baryon_msun: float = M_BARYON_BHG16_MSUN
) -> np.ndarray:
    """Section 5.4: baryon mass fraction M_baryon / M200 (8e10 / 0.53e12 = 0.15 as printed).

    The paper divides by the dark virial mass M200, not by M_baryon + M200 (that would give 0.13).
    """
    m200 = np.asarray(m200_msun, dtype=float)
    if np.any(~(m200 > 0)) or not m_baryon_msun > 0:
        raise ValueError("masses must be positive")
    return m_baryon_msun / m200
