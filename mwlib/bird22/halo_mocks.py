"""Halo-star mocks with known truth for Bird et al. (2022), Sections 4.1-4.3.

One module on purpose: the truth (mass model, anisotropy, Jeans sigma_r), the observation model and the draw
are one design whose parameters all live in :class:`HaloMockSpec` (notes below the imports).

K-giant-like and BHB-like samples whose velocity ellipsoids solve the spherical Jeans equation
in a known potential (MWPotential2014's bulge and disk plus an NFW halo), observed through the
paper's errors (see :func:`make_halo_mock`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
from astropy.table import Table
from scipy.integrate import cumulative_trapezoid

from mwlib.bird22 import nfw
from mwlib.bird22.density import BrokenPowerLaw
from mwlib.bird22.halo_table import LAMOST_VLOS_OFFSET_KMS
from mwlib.core import coords
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN


# Design (every choice is a parameter; defaults in KGIANT_MOCK / BHB_MOCK):
# * potential: galpy's MWPotential2014 bulge + disk (``nfw.BaryonModel.from_mwpotential2014``) plus
#   an NFW halo of mass M200 and concentration c at 200 rho_crit with H0 = 67.8 km/s/Mpc (Bird's
#   Eqs. 8-13); default M200 = 1e12 Msun, c = 12 (r200 = 211 kpc, v_circ(8.3 kpc) = 216 km/s from
#   the spherically averaged mass). The Jeans equation uses the spherically averaged enclosed mass,
#   which by Gauss's theorem gives the shell-averaged radial force exactly;
# * tracer density: the broken power laws of Section 4.2 (K giants alpha_in 2.8 (adjusted),
#   r_break 17 kpc, alpha_out 4.6; BHB 3.5, 22 kpc, 4.7; mwlib's positive slopes), spherical;
# * anisotropy: beta(r) = beta_out + (beta_in - beta_out) / (1 + (r / r_beta)^2), radial inside and
#   declining outside (K giants 0.7 -> 0.3 around 40 kpc; BHB 0.6 -> 0.2 around 30 kpc), chosen to
#   resemble the profiles of Bird et al. (2021); sigma_theta = sigma_phi = sigma_r sqrt(1 - beta);
# * sigma_r(r): the spherical Jeans equation solved on a grid (:func:`jeans_sigma_r`); velocities are
#   Gaussian with these dispersions and no mean rotation;
# * [Fe/H]: Gaussians, K giants N(-1.3, 0.5), BHB N(-1.8, 0.45) (peaks as in Bird's Fig. 1; widths
#   assumed); no measurement error;
# * errors: distances 16% (K giants) and 10% (BHB) (Section 4.3); Gaia DR2-like proper-motion errors
#   growing with the apparent G magnitude (absolute magnitudes K giants N(-1.0, 0.8), BHB
#   N(0.55, 0.1)), per-star scatter and pm correlations drawn uniformly in [-0.5, 0.5]; line-of-sight
#   velocity errors log-normal around a few km/s; the K giants are split LAMOST : SDSS as
#   12728 : 5248 (Bird's initial samples) and the LAMOST velocities carry the -8 km/s bias that Bird
#   et al. correct by adding 8 km/s (``mwlib.bird22.halo_table.correct_vlos_offsets``).
# * selection: like the paper, on the *observed* Galactocentric radius (3 < r < 105 kpc for the K
#   giants, 4 < r < 60 kpc for BHB); true radii are drawn over a wider range so that stars scattered
#   in by distance errors are represented. Sky coverage is the full sphere (a footprint independent
#   of velocity would not change the dispersions).

_G = G_KPC_KMS2_PER_MSUN

#: Gaia proper-motion uncertainty [mas/yr] at G magnitudes (per component, 5-parameter solutions):
#: DR2 (Gaia Collaboration, Brown et al. 2018: 0.06 at G < 15, 0.2 at G = 17, 1.2 at G = 20; G = 21
#: extrapolated) -- the release Bird et al. (2022) used -- and EDR3 (Gaia Collaboration, Brown et al.
#: 2021: 0.02-0.03, 0.07, 0.5, 1.4 at G < 15, 17, 20, 21).
GaiaRelease = Literal["dr2", "edr3"]
GAIA_PM_ERRORS: dict[GaiaRelease, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "dr2": ((15.0, 17.0, 20.0, 21.0), (0.06, 0.2, 1.2, 3.0)),
    "edr3": ((15.0, 17.0, 20.0, 21.0), (0.025, 0.07, 0.5, 1.4)),
}


def gaia_pm_error(g_mag: np.ndarray, release: GaiaRelease = "dr2") -> np.ndarray:
    """Typical proper-motion error [mas/yr] at magnitude G: log-linear between the anchors,
    constant brighter than the first, extrapolated fainter than the last."""
    if release not in GAIA_PM_ERRORS:
        raise ValueError(f"release must be one of {sorted(GAIA_PM_ERRORS)}, got {release!r}")
    g_anchor, err_anchor = (np.asarray(a, float) for a in GAIA_PM_ERRORS[release])
    g = np.asarray(g_mag, float)
    log_err = np.interp(g, g_anchor, np.log10(err_anchor))
    slope = np.diff(np.log10(err_anchor[-2:]))[0] / np.diff(g_anchor[-2:])[0]
    log_err = np.where(g > g_anchor[-1], np.log10(err_anchor[-1]) + slope * (g - g_anchor[-1]), log_err)
    return 10.0**log_err


@dataclass(frozen=True)
class HaloMassModel:
    """Enclosed mass of the mock Galaxy: MWPotential2014 bulge + disk and an NFW halo (Eqs. 8-13)."""

    m200_msun: float = 1.0e12
    concentration: float = 12.0
    h0_kms_per_mpc: float = nfw.H0_KMS_PER_MPC
    baryons: nfw.BaryonModel = field(default_factory=nfw.BaryonModel.from_mwpotential2014)

    def __post_init__(self) -> None:
        if not (self.m200_msun > 0 and self.concentration > 0 and self.h0_kms_per_mpc > 0):
            raise ValueError("m200_msun, concentration and h0_kms_per_mpc must be positive")

    @property
    def r200_kpc(self) -> float:
        return float(nfw.r200_from_m200(self.m200_msun, self.h0_kms_per_mpc))

    def halo_mass_enclosed(self, r_kpc: np.ndarray) -> np.ndarray:
        return nfw.nfw_mass_enclosed(r_kpc, self.r200_kpc, self.concentration, self.h0_kms_per_mpc)

    def mass_enclosed(self, r_kpc: np.ndarray) -> np.ndarray:
        """Total (baryons + NFW) mass inside the sphere of radius r [Msun]."""
        return self.baryons.mass_enclosed(r_kpc) + self.halo_mass_enclosed(r_kpc)

    def vcirc(self, r_kpc: np.ndarray) -> np.ndarray:
        """sqrt(G M(<r) / r) [km/s]."""
        r = np.asarray(r_kpc, float)
        return np.sqrt(_G * self.mass_enclosed(r) / r)

    def to_dict(self) -> dict[str, Any]:
        return {
            "m200_msun": self.m200_msun, "concentration": self.concentration,
            "h0_kms_per_mpc": self.h0_kms_per_mpc, "r200_kpc": self.r200_kpc,
            "overdensity": nfw.OVERDENSITY, "baryons": asdict(self.baryons),
        }


@dataclass(frozen=True)
class DecliningAnisotropy:
    """beta(r) = beta_out + (beta_in - beta_out) / (1 + (r / r_beta)^2)."""

    beta_in: float
    beta_out: float
    r_beta_kpc: float

    def __post_init__(self) -> None:
        if not (self.beta_in < 1 and self.beta_out < 1 and self.r_beta_kpc > 0):
            raise ValueError("need beta_in < 1, beta_out < 1 and r_beta_kpc > 0")

    def __call__(self, r_kpc: np.ndarray) -> np.ndarray:
        x = np.asarray(r_kpc, float) / self.r_beta_kpc
        return self.beta_out + (self.beta_in - self.beta_out) / (1.0 + x**2)


def jeans_sigma_r(
    r_kpc: np.ndarray,
    density_fn: Callable[[np.ndarray], np.ndarray],
    mass_fn: Callable[[np.ndarray], np.ndarray],
    beta: float | Callable[[np.ndarray], np.ndarray] = 0.0,
    *,
    r_max_kpc: float = 1.0e4,
    n_grid: int = 8001,
) -> np.ndarray:
    """sigma_r(r) [km/s] from the spherical Jeans equation with zero boundary value at infinity.

    d(rho sigma_r^2)/dr + 2 beta(r)/r rho sigma_r^2 = -rho G M(<r) / r^2 is solved with the
    integrating factor I(r) = exp(int 2 beta(s)/s ds) (= r^(2 beta) for constant beta):

        sigma_r^2(r) = 1 / (I(r) rho(r)) int_r^inf I(r') rho(r') G M(<r') / r'^2 dr'.

    Both integrals are done with the trapezoid rule in ln r on ``n_grid`` points from below the
    smallest requested radius to ``r_max_kpc``, where the integral is truncated (for the halo
    densities here, rho ~ r^-4.6, the neglected tail is < 1e-8 of the integral from 100 kpc);
    sigma_r^2 is interpolated to ``r_kpc`` in ln r. ``mass_fn`` returns M(<r) in Msun (any
    effective mass, e.g. r^2 |F_r| / G for a non-spherical potential on a given sight-line).
    """
    r = np.asarray(r_kpc, float)
    if np.any(~(r > 0)) or np.any(r >= r_max_kpc):
        raise ValueError(f"radii must lie in (0, r_max_kpc = {r_max_kpc}) kpc")
    grid = np.geomspace(0.5 * r.min(), r_max_kpc, int(n_grid))
    ln_r = np.log(grid)
    b = np.asarray(beta(grid) if callable(beta) else np.full_like(grid, float(beta)), float)
    ln_factor = cumulative_trapezoid(2.0 * b, ln_r, initial=0.0)
    weight = np.exp(ln_factor) * np.asarray(density_fn(grid), float)
    integrand = weight * _G * np.asarray(mass_fn(grid), float) / grid  # (G M / r^2) r, for d ln r
    outward = cumulative_trapezoid(integrand[::-1], -ln_r[::-1], initial=0.0)[::-1]
    sigma2 = outward / weight
    return np.sqrt(np.exp(np.interp(np.log(r), ln_r, np.log(np.maximum(sigma2, 1e-300)))))


@dataclass(frozen=True)
class HaloMockSpec:
    """What a halo-star mock mirrors (sample size, radial range, density, kinematics, errors)."""

    sample: str
    n_stars: int
    r_min_kpc: float
    r_max_kpc: float
    density: BrokenPowerLaw
    anisotropy: DecliningAnisotropy
    feh_mean: float
    feh_sigma: float
    distance_err_frac: float
    abs_mag_g_mean: float
    abs_mag_g_sigma: float
    vlos_err_median_kms: float
    vlos_err_log_sigma: float
    #: (survey, fraction of the stars, bias added to the observed v_los [km/s])
    surveys: tuple[tuple[str, float, float], ...] = (("SEGUE", 1.0, 0.0),)
    pm_release: GaiaRelease = "dr2"
    pm_err_log_sigma: float = 0.2
    pm_corr_max: float = 0.5
    #: true radii are drawn in [r_min / margin, r_max * margin] before the selection on observed r
    radial_margin: float = 1.6

    def __post_init__(self) -> None:
        if self.n_stars < 1 or not (0 < self.r_min_kpc < self.r_max_kpc):
            raise ValueError("need n_stars >= 1 and 0 < r_min_kpc < r_max_kpc")
        if not np.isclose(sum(f for _, f, _ in self.surveys), 1.0):
            raise ValueError("survey fractions must add up to 1")
        if not 0 <= self.pm_corr_max < 1:
            raise ValueError("pm_corr_max must be in [0, 1)")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["density"] = asdict(self.density)
        out["anisotropy"] = asdict(self.anisotropy)
        return out


#: Bird et al. (2021) initial LAMOST and SDSS K-giant samples (Bird et al. 2022, Section 4.1).
_LAMOST_FRACTION = 12728 / (12728 + 5248)

#: K-giant-like mock: 10762 stars, 3 < r < 105 kpc (Section 4.1), adjusted density of Section 4.2.
KGIANT_MOCK = HaloMockSpec(
    sample="kgiant_mock", n_stars=10762, r_min_kpc=3.0, r_max_kpc=105.0,
    density=BrokenPowerLaw(alpha_in=2.8, r_break_kpc=17.0, alpha_out=4.6),
    anisotropy=DecliningAnisotropy(beta_in=0.7, beta_out=0.3, r_beta_kpc=40.0),
    feh_mean=-1.3, feh_sigma=0.5, distance_err_frac=0.16,
    abs_mag_g_mean=-1.0, abs_mag_g_sigma=0.8, vlos_err_median_kms=6.0, vlos_err_log_sigma=0.4,
    surveys=(("LAMOST", _LAMOST_FRACTION, -LAMOST_VLOS_OFFSET_KMS), ("SDSS", 1 - _LAMOST_FRACTION, 0.0)),
)
#: BHB-like mock: 2526 stars, 4 < r < 60 kpc (Section 4.1), density of Section 4.2.
BHB_MOCK = HaloMockSpec(
    sample="bhb_mock", n_stars=2526, r_min_kpc=4.0, r_max_kpc=60.0,
    density=BrokenPowerLaw(alpha_in=3.5, r_break_kpc=22.0, alpha_out=4.7),
    anisotropy=DecliningAnisotropy(beta_in=0.6, beta_out=0.2, r_beta_kpc=30.0),
    feh_mean=-1.8, feh_sigma=0.45, distance_err_frac=0.10,
    abs_mag_g_mean=0.55, abs_mag_g_sigma=0.1, vlos_err_median_kms=5.0, vlos_err_log_sigma=0.4,
)


@dataclass(frozen=True)
class HaloTruth:
    """The truth behind a mock: its potential (mass model), tracer density and anisotropy."""

    spec: HaloMockSpec
    mass_model: HaloMassModel = field(default_factory=HaloMassModel)

    @cached_property
    def _sigma_r_table(self) -> tuple[np.ndarray, np.ndarray]:
        grid = np.geomspace(0.1, 1000.0, 1201)
        sr = jeans_sigma_r(grid, self.spec.density.density, self.mass_model.mass_enclosed,
                           self.spec.anisotropy)
        return np.log(grid), np.log(sr)

    def mass_enclosed(self, r_kpc: np.ndarray) -> np.ndarray:
        """True total M(<r) [Msun] (baryons + NFW)."""
        return self.mass_model.mass_enclosed(r_kpc)

    def beta(self, r_kpc: np.ndarray) -> np.ndarray:
        return self.spec.anisotropy(r_kpc)

    def sigma_r(self, r_kpc: np.ndarray) -> np.ndarray:
        """Jeans sigma_r(r) [km/s], interpolated in log-log on 0.1-1000 kpc."""
        ln_r, ln_s = self._sigma_r_table
        return np.exp(np.interp(np.log(np.asarray(r_kpc, float)), ln_r, ln_s))

    def sigmas(self, r_kpc: np.ndarray) -> np.ndarray:
        """(sigma_r, sigma_theta, sigma_phi) [km/s], shape (..., 3)."""
        sr = self.sigma_r(r_kpc)
        st = sr * np.sqrt(1.0 - self.beta(r_kpc))
        return np.stack([sr, st, st], axis=-1)

    def bin_sigmas(self, r_kpc: np.ndarray, bin_of_star: np.ndarray, n_bins: int) -> np.ndarray:
        """sqrt of the mean true sigma^2 over the stars of each bin, shape (n_bins, 3).

        A single Gaussian fitted to a bin whose stars have different dispersions converges to
        their mean variance, so this (not sigma at one radius) is what the deconvolution should
        recover. ``bin_of_star`` as returned by :func:`mwlib.bird22.dispersion.bin_index` (-1: none).
        """
        k = np.asarray(bin_of_star)
        use = k >= 0
        var = self.sigmas(np.asarray(r_kpc, float)[use]) ** 2
        counts = np.bincount(k[use], minlength=n_bins)
        sums = np.stack([np.bincount(k[use], weights=var[:, j], minlength=n_bins) for j in range(3)], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.sqrt(sums / counts[:, None])

    def profile(self, r_kpc: np.ndarray) -> dict[str, np.ndarray]:
        """Tabulated truth: M(<r), v_circ, sigma_{r,theta,phi}, beta, density slope."""
        r = np.asarray(r_kpc, float)
        sig = self.sigmas(r)
        return {
            "r_kpc": r, "mass_msun": self.mass_enclosed(r), "vcirc_kms": self.mass_model.vcirc(r),
            "sigma_r_kms": sig[:, 0], "sigma_theta_kms": sig[:, 1], "sigma_phi_kms": sig[:, 2],
            "beta": self.beta(r), "alpha": self.spec.density.slope(r),
        }

    def to_dict(self, r_grid_kpc: np.ndarray | None = None) -> dict[str, Any]:
        """JSON-ready: parameters of the spec and the mass model, plus a tabulated profile."""
        grid = np.geomspace(1.0, 300.0, 60) if r_grid_kpc is None else np.asarray(r_grid_kpc, float)
        return {
            "spec": self.spec.to_dict(),
            "mass_model": self.mass_model.to_dict(),
            "profile": {k: np.round(v, 6).tolist() for k, v in self.profile(grid).items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HaloTruth:
        """Rebuild from :meth:`to_dict` output (the tabulated profile is not needed)."""
        s = dict(data["spec"])
        s["density"] = BrokenPowerLaw(**s["density"])
        s["anisotropy"] = DecliningAnisotropy(**s["anisotropy"])
        s["surveys"] = tuple(tuple(x) for x in s["surveys"])
        m = data["mass_model"]
        mass_model = HaloMassModel(
            m200_msun=m["m200_msun"], concentration=m["concentration"],
            h0_kms_per_mpc=m["h0_kms_per_mpc"], baryons=nfw.BaryonModel(**{
                **m["baryons"], "grid_kpc": tuple(m["baryons"]["grid_kpc"])}),
        )
        return cls(HaloMockSpec(**s), mass_model)

    def write_json(self, path) -> None:
        from mwlib.core.io import write_json

        write_json(path, self.to_dict())

    @classmethod
    def read_json(cls, path) -> HaloTruth:
        with open(path) as handle:
            return cls.from_dict(json.load(handle))


@dataclass(frozen=True)
class HaloMock:
    """A mock sample: ``table`` in the halo-star format (plus truth columns) and its ``truth``."""

    table: Table
    truth: HaloTruth


def sample_broken_power_law_radii(
    n: int, density: BrokenPowerLaw, r_min_kpc: float, r_max_kpc: float, *, rng: np.random.Generator,
    n_grid: int = 20001,
) -> np.ndarray:
    """Radii with p(r) ∝ r^2 rho(r) on [r_min, r_max]: inverse CDF tabulated with exact shell masses."""
    if not (0 < r_min_kpc < r_max_kpc):
        raise ValueError(f"need 0 < r_min < r_max, got {r_min_kpc}, {r_max_kpc}")
    grid = np.geomspace(r_min_kpc, r_max_kpc, int(n_grid))
    shell = density.shell_mean(grid) * np.diff(grid**3)
    cdf = np.concatenate(([0.0], np.cumsum(shell)))
    return np.interp(rng.uniform(0.0, cdf[-1], n), cdf, grid)


def _isotropic_positions(r_kpc: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    cos_t = rng.uniform(-1.0, 1.0, r_kpc.size)
    phi = rng.uniform(0.0, 2.0 * np.pi, r_kpc.size)
    sin_t = np.sqrt(1.0 - cos_t**2)
    return r_kpc[:, None] * np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=1)


def _observe_batch(
    n: int, truth: HaloTruth, sun: coords.SolarParameters, *, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw ``n`` stars from the truth and observe them (no radial selection yet)."""
    spec = truth.spec
    r_true = sample_broken_power_law_radii(
        n, spec.density, spec.r_min_kpc / spec.radial_margin, spec.r_max_kpc * spec.radial_margin, rng=rng
    )
    position = _isotropic_positions(r_true, rng=rng)
    sig = truth.sigmas(r_true)
    v_sph = sig * rng.standard_normal((n, 3))
    velocity = coords.spherical_to_cartesian_velocities(position, v_sph[:, 0], v_sph[:, 1], v_sph[:, 2])
    obs = coords.heliocentric_observables(position, velocity, sun)

    # Distances: Gaussian relative errors; the quoted error is the fraction of the observed value.
    dist = obs["distance_kpc"] * (1.0 + spec.distance_err_frac * rng.standard_normal(n))
    # Proper motions: Gaia-like errors at the apparent magnitude, with scatter and correlations.
    g_mag = rng.normal(spec.abs_mag_g_mean, spec.abs_mag_g_sigma, n) + 5.0 * np.log10(100.0 * obs["distance_kpc"])
    pm_scale = gaia_pm_error(g_mag, spec.pm_release)
    pm_err = pm_scale[:, None] * np.exp(spec.pm_err_log_sigma * rng.standard_normal((n, 2)))
    corr = rng.uniform(-spec.pm_corr_max, spec.pm_corr_max, n)
    z = rng.standard_normal((n, 2))
    dpmra = pm_err[:, 0] * z[:, 0]
    dpmdec = pm_err[:, 1] * (corr * z[:, 0] + np.sqrt(1.0 - corr**2) * z[:, 1])
    # Line-of-sight velocities: log-normal errors; survey labels and their raw biases.
    vlos_err = spec.vlos_err_median_kms * np.exp(spec.vlos_err_log_sigma * rng.standard_normal(n))
    names = np.array([s for s, _, _ in spec.surveys])
    fractions = np.array([f for _, f, _ in spec.surveys])
    bias = np.array([b for _, _, b in spec.surveys])
    which = rng.choice(names.size, size=n, p=fractions / fractions.sum())
    vlos = obs["vlos_kms"] + vlos_err * rng.standard_normal(n) + bias[which]
    feh = rng.normal(spec.feh_mean, spec.feh_sigma, n)
    r_obs = np.linalg.norm(coords.galactocentric_positions(obs["ra"], obs["dec"], dist, sun), axis=1)
    return {
        "ra": obs["ra"], "dec": obs["dec"], "distance_kpc": dist,
        "distance_err_kpc": spec.distance_err_frac * np.abs(dist), "vlos_kms": vlos,
        "vlos_err_kms": vlos_err, "pmra_masyr": obs["pmra_masyr"] + dpmra, "pmra_err_masyr": pm_err[:, 0],
        "pmdec_masyr": obs["pmdec_masyr"] + dpmdec, "pmdec_err_masyr": pm_err[:, 1], "pm_corr": corr,
        "feh": feh, "survey": names[which], "g_mag": g_mag, "r_kpc": r_obs,
        "r_true_kpc": r_true, "distance_true_kpc": obs["distance_kpc"], "vr_true_kms": v_sph[:, 0],
        "vtheta_true_kms": v_sph[:, 1], "vphi_true_kms": v_sph[:, 2],
        "vlos_true_kms": obs["vlos_kms"], "pmra_true_masyr": obs["pmra_masyr"],
        "pmdec_true_masyr": obs["pmdec_masyr"],
        "keep": (dist > 0) & (r_obs > spec.r_min_kpc) & (r_obs < spec.r_max_kpc),
    }


def make_halo_mock(
    spec: HaloMockSpec,
    *,
    rng: np.random.Generator,
    mass_model: HaloMassModel | None = None,
    sun: coords.SolarParameters = coords.BIRD22_SUN,
    n_stars: int | None = None,
) -> HaloMock:
    """Draw a halo-star mock with known truth (see the design notes at the top of this module).

    Stars are drawn in batches and kept when their *observed* Galactocentric radius lies in the
    spec's range, until ``n_stars`` (default ``spec.n_stars``) are kept. The table has the
    halo-star format (``mwlib.bird22.halo_table.HALO_TABLE_COLUMNS`` and ``feh``; raw, biased LAMOST velocities)
    plus ``r_kpc`` (observed), ``g_mag`` and the truth columns ``r_true_kpc``,
    ``distance_true_kpc``, ``v{r,theta,phi}_true_kms``, ``vlos_true_kms``, ``pm{ra,dec}_true_masyr``.
    ``table.meta`` holds M200, r200, c and H0 of the truth.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed))")
    truth = HaloTruth(spec, mass_model if mass_model is not None else HaloMassModel())
    target = spec.n_stars if n_stars is None else int(n_stars)
    if target < 1:
        raise ValueError("n_stars must be >= 1")
    parts: list[dict[str, np.ndarray]] = []
    kept, accept = 0, 0.5
    while kept < target:
        batch = _observe_batch(int(1.2 * (target - kept) / accept) + 64, truth, sun, rng=rng)
        accept = max(batch["keep"].mean(), 0.05)
        parts.append({k: v[batch["keep"]] for k, v in batch.items() if k != "keep"})
        kept += int(batch["keep"].sum())
    columns = {k: np.concatenate([p[k] for p in parts])[:target] for k in parts[0]}
    table = Table()
    table["star_id"] = np.char.add(f"{spec.sample}-", np.char.zfill(np.arange(target).astype(str), 6))
    for name in ("ra", "dec", "distance_kpc", "distance_err_kpc", "vlos_kms", "vlos_err_kms",
                 "pmra_masyr", "pmra_err_masyr", "pmdec_masyr", "pmdec_err_masyr", "pm_corr"):
        table[name] = columns[name]
    table["sample"] = np.full(target, spec.sample)
    table["survey"] = columns["survey"]
    table["feh"] = columns["feh"]
    for name in ("r_kpc", "g_mag", "r_true_kpc", "distance_true_kpc", "vr_true_kms", "vtheta_true_kms",
                 "vphi_true_kms", "vlos_true_kms", "pmra_true_masyr", "pmdec_true_masyr"):
        table[name] = columns[name]
    table.meta.update(
        m200_msun=truth.mass_model.m200_msun, r200_kpc=truth.mass_model.r200_kpc,
        concentration=truth.mass_model.concentration, h0_kms_per_mpc=truth.mass_model.h0_kms_per_mpc,
        sun=sun.describe(),
    )
    return HaloMock(table=table, truth=truth)


def fisher_dispersion_errors(
    sigma_kms: np.ndarray, v_cov: np.ndarray, bin_of_star: np.ndarray
) -> np.ndarray:
    """Errors of binned dispersions that include the measurement errors (for truth comparisons).

    The paper's sigma / sqrt(2 N) (Section 2.1) is the error of a dispersion measured without
    errors. With per-star error variances e_i^2 (the diagonal of ``v_cov``) the Fisher information
    of sigma^2 is (1/2) sum_i (sigma^2 + e_i^2)^-2, so err(sigma) = sqrt(2 / sum_i (sigma^2 +
    e_i^2)^-2) / (2 sigma); it reduces to sigma / sqrt(2 N) when e_i -> 0 and is much larger in
    outer bins where the errors exceed sigma. ``sigma_kms`` (n_bins, 3); returns (n_bins, 3).
    """
    sig = np.asarray(sigma_kms, float)
    k = np.asarray(bin_of_star)
    use = k >= 0
    e2 = np.einsum("nii->ni", np.asarray(v_cov, float)[use])
    info = 1.0 / (sig[k[use]] ** 2 + e2) ** 2
    total = np.stack([np.bincount(k[use], weights=info[:, j], minlength=sig.shape[0]) for j in range(3)], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(2.0 / total) / (2.0 * sig)


#: The mock specification of each sample kind.
MOCK_SPECS: dict[str, HaloMockSpec] = {"kgiant": KGIANT_MOCK, "bhb": BHB_MOCK}


def paper_answer_model(kind: Literal["kgiant", "bhb"]) -> HaloMassModel:
    """The Milky Way where Bird et al. (2022) find it: their Table 2 Jeans fit of that kind of star (K giants
    M200 = 0.55e12 Msun, c = 18.2; BHB 1.00e12, 9.4) with MWPotential2014's bulge and disk -- the truth of the
    mocks, so that a mock shows what the paper's method returns for the paper's own answer."""
    from mwlib.bird22.published import BIRD22_RESULTS

    label = {"kgiant": "Jeans KG", "bhb": "Jeans BHB"}[kind]
    return HaloMassModel(m200_msun=BIRD22_RESULTS[(label, "M200_1e12")]["value"] * 1e12,
                         concentration=BIRD22_RESULTS[(label, "c")]["value"])


def mock_summary(mocks: dict[str, HaloMock]) -> Table:
    """One row per mock: its truth (M200, c, r200, v_circ at 8.3 kpc), size and radial range beside the paper's
    sample (Section 4.1)."""
    from mwlib.bird22.published import BIRD22_SAMPLES

    rows = []
    for name, mock in mocks.items():
        model, t = mock.truth.mass_model, mock.table
        kind = "kgiant" if name.startswith("kgiant") else "bhb"
        n_pub, lo_pub, hi_pub = BIRD22_SAMPLES[kind]
        surveys = ", ".join(f"{s} {n}" for s, n in zip(*np.unique(t["survey"], return_counts=True)))
        rows.append((name, model.m200_msun / 1e12, model.concentration, model.r200_kpc, float(model.vcirc(8.3)),
                     len(t), float(np.min(t["r_kpc"])), float(np.max(t["r_kpc"])), float(np.median(t["r_kpc"])),
                     surveys, n_pub, f"{lo_pub:g}-{hi_pub:g}"))
    out = Table(rows=rows, names=("mock", "M200 [1e12 Msun]", "c", "r200 [kpc]", "v_circ(8.3 kpc) [km/s]", "stars",
                                  "r min", "r max", "r median", "surveys", "published stars", "published r range"))
    for col, fmt in (("M200 [1e12 Msun]", ".2f"), ("c", ".1f"), ("r200 [kpc]", ".1f"), ("v_circ(8.3 kpc) [km/s]", ".1f"),
                     ("r min", ".1f"), ("r max", ".1f"), ("r median", ".1f")):
        out[col].info.format = fmt
    return out


def radial_summary(tables: dict[str, Table], r_split_kpc: float = 25.0) -> Table:
    """Fraction of each sample's stars inside ``r_split_kpc`` and its median [Fe/H] (Fig. 1)."""
    rows = [(name, float(np.mean(np.asarray(t["r_kpc"]) < r_split_kpc)),
             float(np.median(t["feh"])) if "feh" in t.colnames else np.nan) for name, t in tables.items()]
    out = Table(rows=rows, names=("sample", f"fraction within {r_split_kpc:g} kpc", "median [Fe/H]"))
    out[out.colnames[1]].info.format = ".2f"
    out["median [Fe/H]"].info.format = ".2f"
    return out
