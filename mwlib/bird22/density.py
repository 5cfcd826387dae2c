"""Tracer density profiles of Bird et al. (2022), Section 4.2 (and Section 5.3 for the slopes).

One module on purpose: every profile below (spherical, flattened, fitted, adjusted) answers the same question --
the slope alpha(r) the Jeans and TME equations need -- with the same sign convention.

mwlib convention: rho ∝ r**(-alpha) with alpha > 0; Bird et al. print the same slopes negative
(their alpha_in = -3.1 is our 3.1). The Jeans equation (Bird's Eq. 1) needs the local logarithmic
slope, returned here as alpha(r) = -d ln rho / d ln r (positive for a falling profile).

What is implemented
-------------------
* :class:`BrokenPowerLaw` -- rho = rho_b (r/r_b)^-alpha_in inside r_b, rho_b (r/r_b)^-alpha_out
  outside, continuous at r_b; its slope alpha(r) and exact shell-volume means.
* :func:`fit_broken_power_law` -- the emcee fit of Section 4.2 (300 walkers, 700 steps, 200 burn-in)
  to a density profile in spherical shells, either sampled at radii or averaged over shells.
* :func:`shell_densities` -- star radii -> shell number densities with Poisson errors.
* Flattened halos evaluated on spheres, as Bird et al. do before fitting (Section 4.2):
  (a) :class:`FlattenedBrokenPowerLaw`, Das et al. (2016)-like: broken power law in the elliptical
      radius r_q = sqrt(R^2 + z^2/q^2) with constant q (BHB stars);
  (b) :class:`VariableFlatteningPowerLaw`, Xu et al. (2018)-like: single power law in
      r_q = sqrt(R^2 + z^2/q(r)^2) with q depending on the spherical radius r through
      q(r) = q_inf - (q_inf - q_0) exp(1 - sqrt(r^2 + r_0^2)/r_0). This is the parametric form
      of Xue et al. (2015) for SEGUE K giants; Xu et al. (2018) measure q(r) non-parametrically
      (q about 0.64, 0.8, 0.96 at 15, 20, 30 kpc, power-law index 5.03 +- 0.64, abstract of
      arXiv:1706.08650). We could not check in the sources available whether Xu et al. evaluate q
      at the spherical or at the elliptical radius; here q = q(spherical r), which makes q
      constant on each sphere. Any callable q(r) can be passed.
* :func:`shell_average` -- mean of rho(R, z) over the sphere of radius r (Gauss-Legendre in cos
  theta, optional split at a kink); :func:`shell_volume_average` -- mean over a shell [r1, r2].
* :func:`adjust_inner_slope` -- the hook for Bird's adjustment of alpha_in (K giants 3.1 -> 2.8,
  Section 4.2): step alpha_in down by 0.1 until the circular velocity at the Sun is < 250 km/s.
  The circular velocity needs the Jeans mass (mwlib.bird22.jeans), so it is passed in as a callable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import exprel

from mwlib.core.ensemble import run_seeded_ensemble

__all__ = [
    "BrokenPowerLaw",
    "KG_DENSITY",
    "BHB_DENSITY",
    "KG_ALPHA_IN_ADJUSTED",
    "VCIRC_SUN_MAX_KMS",
    "DENSITY_FIT_N_WALKERS",
    "DENSITY_FIT_N_STEPS",
    "DENSITY_FIT_N_BURN",
    "broken_power_law_density",
    "broken_power_law_slope",
    "broken_power_law_shell_mean",
    "shell_densities",
    "BrokenPowerLawFit",
    "fit_broken_power_law",
    "shell_average",
    "shell_volume_average",
    "numerical_log_slope",
    "FlattenedBrokenPowerLaw",
    "xue_flattening",
    "VariableFlatteningPowerLaw",
    "adjust_inner_slope",
]

DENSITY_FIT_N_WALKERS: int = 300
DENSITY_FIT_N_STEPS: int = 700
DENSITY_FIT_N_BURN: int = 200
#: Bird's upper limit on the circular velocity near the Sun used to adjust alpha_in (Section 4.2).
VCIRC_SUN_MAX_KMS: float = 250.0


# =================================================================================================
# Spherical broken power law
# =================================================================================================
def broken_power_law_density(
    r_kpc: np.ndarray,
    alpha_in: np.ndarray,
    r_break_kpc: np.ndarray,
    alpha_out: np.ndarray,
    rho_break: np.ndarray = 1.0,
) -> np.ndarray:
    """rho(r) = rho_b (r/r_b)^-alpha_in (r < r_b), rho_b (r/r_b)^-alpha_out (r >= r_b); broadcasts."""
    x = np.asarray(r_kpc, dtype=float) / np.asarray(r_break_kpc, dtype=float)
    alpha = np.where(x < 1.0, alpha_in, alpha_out)
    return np.asarray(rho_break, dtype=float) * x ** (-alpha)


def broken_power_law_slope(
    r_kpc: np.ndarray, alpha_in: float, r_break_kpc: float, alpha_out: float
) -> np.ndarray:
    """alpha(r) = -d ln rho/d ln r: alpha_in for r < r_b, alpha_out for r >= r_b (one-sided at r_b)."""
    r = np.asarray(r_kpc, dtype=float)
    return np.where(r < r_break_kpc, float(alpha_in), float(alpha_out))


def _power_integral(lo: np.ndarray, hi: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """int_lo^hi u^(2 - alpha) du for 0 < lo <= hi, stable through alpha = 3 (uses exprel)."""
    p = 3.0 - alpha
    dlog = np.log(hi / lo)
    return lo**p * dlog * exprel(p * dlog)


def broken_power_law_shell_mean(
    edges_kpc: np.ndarray,
    alpha_in: np.ndarray,
    r_break_kpc: np.ndarray,
    alpha_out: np.ndarray,
    rho_break: np.ndarray = 1.0,
) -> np.ndarray:
    """Exact volume mean of the broken power law over shells [e_k, e_k+1].

    Parameters broadcast against a trailing shell axis: scalars give shape (n_shells,); arrays of
    shape (W, 1) (e.g. emcee walkers) give (W, n_shells).
    """
    e = np.asarray(edges_kpc, dtype=float)
    a, b = e[:-1], e[1:]
    rb = np.asarray(r_break_kpc, dtype=float)
    # Inner piece [a, min(b, max(a, rb))], outer piece [max(a, min(b, rb)), b]; either may be empty.
    mid = np.clip(rb, a, b)
    integral = _power_integral(a / rb, mid / rb, np.asarray(alpha_in, dtype=float))
    integral = integral + _power_integral(mid / rb, b / rb, np.asarray(alpha_out, dtype=float))
    volume_over_rb3 = (b**3 - a**3) / (3.0 * rb**3)
    return np.asarray(rho_break, dtype=float) * integral / volume_over_rb3


@dataclass(frozen=True)
class BrokenPowerLaw:
    """Spherical broken power law, rho ∝ r^-alpha_in inside r_break, r^-alpha_out outside."""

    alpha_in: float
    r_break_kpc: float
    alpha_out: float
    rho_break: float = 1.0

    def __post_init__(self) -> None:
        if not (self.r_break_kpc > 0 and self.rho_break > 0):
            raise ValueError("r_break_kpc and rho_break must be positive")

    def density(self, r_kpc: np.ndarray) -> np.ndarray:
        return broken_power_law_density(
            r_kpc, self.alpha_in, self.r_break_kpc, self.alpha_out, self.rho_break
        )

    def slope(self, r_kpc: np.ndarray) -> np.ndarray:
        """alpha(r) = -d ln rho / d ln r, the alpha of the Jeans equation (mwlib sign)."""
        return broken_power_law_slope(r_kpc, self.alpha_in, self.r_break_kpc, self.alpha_out)

    def shell_mean(self, edges_kpc: np.ndarray) -> np.ndarray:
        return broken_power_law_shell_mean(
            edges_kpc, self.alpha_in, self.r_break_kpc, self.alpha_out, self.rho_break
        )

    def with_alpha_in(self, alpha_in: float) -> BrokenPowerLaw:
        """Same profile with another inner slope (the break density is kept)."""
        return BrokenPowerLaw(alpha_in, self.r_break_kpc, self.alpha_out, self.rho_break)


#: Bird et al. (2022) Section 4.2 fit for the K giants (spherical shells of the Xu et al. 2018 model).
KG_DENSITY = BrokenPowerLaw(alpha_in=3.1, r_break_kpc=17.0, alpha_out=4.6)
#: The inner slope Bird et al. adopt for the K giants so that v_circ near the Sun is < 250 km/s.
KG_ALPHA_IN_ADJUSTED: float = 2.8
#: Bird et al. (2022) Section 4.2 fit for the BHB stars (spherical shells of the Das et al. 2016 model).
BHB_DENSITY = BrokenPowerLaw(alpha_in=3.5, r_break_kpc=22.0, alpha_out=4.7)


# =================================================================================================
# Shell densities and the broken-power-law fit
# =================================================================================================
def shell_densities(
    r_kpc: np.ndarray, edges_kpc: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Number density in spherical shells and its Poisson error: N/V, sqrt(sum w^2)/V (per kpc^3).

    No selection function is applied: this is the density of the stars given, not of the halo.
    """
    e = np.asarray(edges_kpc, dtype=float)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) or e[0] < 0:
        raise ValueError("edges_kpc must be 1-D, non-negative and strictly increasing")
    r = np.asarray(r_kpc, dtype=float)
    w = np.ones_like(r) if weights is None else np.asarray(weights, dtype=float)
    counts, _ = np.histogram(r, bins=e, weights=w)
    var, _ = np.histogram(r, bins=e, weights=w**2)
    volume = 4.0 / 3.0 * np.pi * (e[1:] ** 3 - e[:-1] ** 3)
    return counts / volume, np.sqrt(var) / volume


@dataclass(frozen=True)
class BrokenPowerLawFit:
    """Posterior of (alpha_in, r_break_kpc, alpha_out, ln_rho_break) from :func:`fit_broken_power_law`.

    ``samples`` is the flattened post-burn-in chain; ``percentiles`` maps each parameter name to its
    16th, 50th, 84th percentiles (Bird's best fit is the 50th).
    """

    samples: np.ndarray
    percentiles: dict[str, np.ndarray]
    acceptance_fraction: float

    PARAMS = ("alpha_in", "r_break_kpc", "alpha_out", "ln_rho_break")

    @property
    def best(self) -> BrokenPowerLaw:
        p = {k: v[1] for k, v in self.percentiles.items()}
        return BrokenPowerLaw(
            p["alpha_in"], p["r_break_kpc"], p["alpha_out"], float(np.exp(p["ln_rho_break"]))
        )


def _bpl_model(theta: np.ndarray, r_kpc: np.ndarray | None, edges_kpc: np.ndarray | None) -> np.ndarray:
    a_in, rb, a_out, ln_rho = (theta[:, j : j + 1] for j in range(4))
    if edges_kpc is not None:
        return broken_power_law_shell_mean(edges_kpc, a_in, rb, a_out, np.exp(ln_rho))
    return broken_power_law_density(r_kpc[None, :], a_in, rb, a_out, np.exp(ln_rho))


def _bpl_log_prob(
    theta: np.ndarray,
    r_kpc: np.ndarray | None,
    edges_kpc: np.ndarray | None,
    rho: np.ndarray,
    rho_err: np.ndarray,
    bounds: np.ndarray,
    log_space: bool,
) -> np.ndarray:
    """Vectorised log posterior: Gaussian likelihood (in ln rho or rho), flat box priors."""
    ok = np.all((theta > bounds[:, 0]) & (theta < bounds[:, 1]), axis=1)
    safe = np.where(ok[:, None], theta, np.mean(np.where(np.isfinite(bounds), bounds, 0), axis=1))
    model = _bpl_model(safe, r_kpc, edges_kpc)
    if log_space:
        resid = (np.log(rho) - np.log(model)) / (rho_err / rho)
    else:
        resid = (rho - model) / rho_err
    return np.where(ok, -0.5 * np.sum(resid**2, axis=1), -np.inf)


def fit_broken_power_law(
    rho: np.ndarray,
    rho_err: np.ndarray,
    *,
    rng: np.random.Generator,
    r_kpc: np.ndarray | None = None,
    edges_kpc: np.ndarray | None = None,
    n_walkers: int = DENSITY_FIT_N_WALKERS,
    n_steps: int = DENSITY_FIT_N_STEPS,
    n_burn: int = DENSITY_FIT_N_BURN,
    alpha_bounds: tuple[float, float] = (0.0, 10.0),
    r_break_bounds_kpc: tuple[float, float] | None = None,
    log_space: bool = True,
    progress: bool = False,
) -> BrokenPowerLawFit:
    """Bird et al. (2022) Section 4.2: emcee fit of a broken power law to a spherically averaged density profile (Section 4.2).

    Give exactly one of ``r_kpc`` (densities sampled at these radii, e.g. sphere averages from
    :func:`shell_average`) or ``edges_kpc`` (densities averaged over the shells between these edges;
    the model is then averaged exactly over each shell). Parameters: alpha_in, r_break_kpc, alpha_out,
    ln_rho_break, with flat priors: both slopes in ``alpha_bounds``, r_break within
    ``r_break_bounds_kpc`` (default: the radial range of the data), ln_rho_break unbounded.
    ``log_space=True`` compares ln rho with relative errors rho_err/rho (densities span decades);
    use ``False`` for a Gaussian likelihood in rho itself (e.g. sparse Poisson shells).

    Walkers start in a small ball around the best of several Nelder-Mead optimisations started at
    different break radii. The emcee generator is seeded from ``rng`` (see
    :func:`mwlib.bird22.dispersion.fit_sigma_r_exponential`).
    """
    if (r_kpc is None) == (edges_kpc is None):
        raise ValueError("give exactly one of r_kpc or edges_kpc")
    rho = np.asarray(rho, dtype=float)
    rho_err = np.asarray(rho_err, dtype=float)
    if r_kpc is not None:
        r = np.asarray(r_kpc, dtype=float)
        if r.shape != rho.shape:
            raise ValueError("r_kpc and rho must have the same shape")
        r_lo, r_hi, edges = r.min(), r.max(), None
    else:
        edges = np.asarray(edges_kpc, dtype=float)
        if edges.ndim != 1 or edges.size != rho.size + 1 or np.any(np.diff(edges) <= 0) or edges[0] <= 0:
            raise ValueError("edges_kpc must be positive, increasing, with len(rho) + 1 entries")
        r_lo, r_hi, r = edges[0], edges[-1], None
    if rho.ndim != 1 or rho.shape != rho_err.shape or rho.size < 4:
        raise ValueError("rho and rho_err must be 1-D, equal length, with >= 4 points")
    if not (np.all(np.isfinite(rho)) and np.all(np.isfinite(rho_err)) and np.all(rho_err > 0)):
        raise ValueError("rho must be finite and rho_err finite and positive")
    if log_space and np.any(rho <= 0):
        raise ValueError("log_space fit needs rho > 0 in every shell (drop empty shells)")
    if not (0 <= n_burn < n_steps) or n_walkers < 8:
        raise ValueError("need 0 <= n_burn < n_steps and n_walkers >= 8")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")

    rb_lo, rb_hi = r_break_bounds_kpc if r_break_bounds_kpc is not None else (r_lo, r_hi)
    bounds = np.array([alpha_bounds, (rb_lo, rb_hi), alpha_bounds, (-np.inf, np.inf)], dtype=float)
    args = (r, edges, rho, rho_err, bounds, log_space)

    def neg_lp(p: np.ndarray) -> float:
        val = _bpl_log_prob(p[None, :], *args)[0]
        return -val if np.isfinite(val) else 1e300

    # Multi-start optimisation over the break radius: the posterior can be multimodal in r_break.
    starts = []
    for rb0 in np.geomspace(rb_lo, rb_hi, 7)[1:-1]:
        # typical halo slopes 3 and 4, amplitude at the break interpolated from the data in log r
        a_in0, a_out0 = np.clip((3.0, 4.0), *np.sort(alpha_bounds) + np.array([1e-3, -1e-3]))
        x = r if r is not None else np.sqrt(edges[:-1] * edges[1:])
        ln_amp0 = np.interp(np.log(rb0), np.log(x), np.log(np.maximum(rho, np.finfo(float).tiny)))
        p_init = np.array([a_in0, rb0, a_out0, ln_amp0])
        res = minimize(neg_lp, p_init, method="Nelder-Mead",
                       options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 20_000, "maxfev": 40_000})
        starts.append(res)
    best = min(starts, key=lambda s: s.fun).x

    scale = np.array([1e-3, 1e-3 * best[1], 1e-3, 1e-3])
    p0 = best + scale * rng.standard_normal((n_walkers, 4))
    inside = np.all((p0 > bounds[:, 0]) & (p0 < bounds[:, 1]), axis=1)
    p0[~inside] = best  # rare: start exactly at the optimum, which is inside the prior
    sampler = run_seeded_ensemble(_bpl_log_prob, p0, n_steps, rng=rng, args=args, progress=progress)
    samples = sampler.get_chain(discard=n_burn, flat=True)
    pct = np.percentile(samples, (16, 50, 84), axis=0)
    return BrokenPowerLawFit(
        samples=samples,
        percentiles={name: pct[:, j] for j, name in enumerate(BrokenPowerLawFit.PARAMS)},
        acceptance_fraction=float(np.mean(sampler.acceptance_fraction)),
    )


# =================================================================================================
# Flattened models averaged on spheres
# =================================================================================================
DensityRZ = Callable[[np.ndarray, np.ndarray], np.ndarray]


def shell_average(
    rho_rz: DensityRZ,
    r_kpc: np.ndarray,
    *,
    n_nodes: int = 64,
    mu_split: np.ndarray | None = None,
) -> np.ndarray:
    """Mean of an axisymmetric, z-symmetric density over the sphere of radius r.

    <rho>(r) = int_0^1 rho(R = r sqrt(1 - mu^2), z = r mu) dmu, mu = |cos theta|, by Gauss-Legendre
    quadrature with ``n_nodes`` nodes, evaluated in one vectorised call of ``rho_rz(R, z)`` on arrays
    of shape (n_r, n_nodes). ``mu_split`` (shape of r, values in [0, 1]) splits the mu range at a
    kink of the integrand, e.g. where the elliptical radius crosses a break, so that each piece is
    smooth and the quadrature converges exponentially again.
    """
    r = np.atleast_1d(np.asarray(r_kpc, dtype=float))
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    if mu_split is None:
        mu = 0.5 * (x + 1.0)[None, :] * np.ones_like(r)[:, None]
        wt = 0.5 * w[None, :] * np.ones_like(r)[:, None]
    else:
        s = np.clip(np.broadcast_to(np.asarray(mu_split, dtype=float), r.shape), 0.0, 1.0)[:, None]
        t = 0.5 * (x + 1.0)[None, :]
        mu = np.concatenate((s * t, s + (1.0 - s) * t), axis=1)
        wt = np.concatenate((0.5 * s * w[None, :], 0.5 * (1.0 - s) * w[None, :]), axis=1)
    rr = r[:, None]
    vals = rho_rz(rr * np.sqrt(1.0 - mu**2), rr * mu)
    return np.sum(wt * vals, axis=1)


def shell_volume_average(
    rho_rz: DensityRZ,
    edges_kpc: np.ndarray,
    *,
    n_radial: int = 16,
    n_nodes: int = 64,
    mu_split_fn: Callable[[np.ndarray], np.ndarray] | None = None,
    r_splits_kpc: np.ndarray | None = None,
) -> np.ndarray:
    """Mean density in each shell [e_k, e_k+1]: int <rho>(r) r^2 dr / int r^2 dr.

    Gauss-Legendre in r with ``n_radial`` nodes per sub-interval; shells are cut at ``r_splits_kpc``
    (radii where <rho>(r) has a kink, e.g. q r_break and r_break for a flattened broken power law)
    so that each piece is smooth.
    """
    e = np.asarray(edges_kpc, dtype=float)
    splits = np.asarray([] if r_splits_kpc is None else r_splits_kpc, dtype=float).ravel()
    splits = splits[(splits > e[0]) & (splits < e[-1])]
    fine = np.union1d(e, splits)
    x, w = np.polynomial.legendre.leggauss(n_radial)
    a, b = fine[:-1, None], fine[1:, None]
    r = 0.5 * (b - a) * x[None, :] + 0.5 * (b + a)
    split = None if mu_split_fn is None else mu_split_fn(r.ravel())
    avg = shell_average(rho_rz, r.ravel(), n_nodes=n_nodes, mu_split=split).reshape(r.shape)
    sub = np.sum(0.5 * (b - a) * w[None, :] * avg * r**2, axis=1)
    num = np.add.reduceat(sub, np.searchsorted(fine, e[:-1]))
    return num / ((e[1:] ** 3 - e[:-1] ** 3) / 3.0)


def numerical_log_slope(
    density_fn: Callable[[np.ndarray], np.ndarray], r_kpc: np.ndarray, dlnr: float = 1e-4
) -> np.ndarray:
    """alpha(r) = -d ln rho / d ln r by a central difference in ln r (for any spherical profile)."""
    r = np.asarray(r_kpc, dtype=float)
    up = density_fn(r * np.exp(dlnr))
    dn = density_fn(r * np.exp(-dlnr))
    return -(np.log(up) - np.log(dn)) / (2.0 * dlnr)


@dataclass(frozen=True)
class FlattenedBrokenPowerLaw:
    """Das et al. (2016)-like halo: broken power law in r_q = sqrt(R^2 + z^2/q^2), constant q."""

    alpha_in: float
    r_break_kpc: float
    alpha_out: float
    q: float
    rho_break: float = 1.0

    def __post_init__(self) -> None:
        if not (self.q > 0 and self.r_break_kpc > 0):
            raise ValueError("q and r_break_kpc must be positive")

    def density_rz(self, R_kpc: np.ndarray, z_kpc: np.ndarray) -> np.ndarray:
        rq = np.sqrt(np.asarray(R_kpc) ** 2 + (np.asarray(z_kpc) / self.q) ** 2)
        return broken_power_law_density(rq, self.alpha_in, self.r_break_kpc, self.alpha_out, self.rho_break)

    def mu_break(self, r_kpc: np.ndarray) -> np.ndarray:
        """|cos theta| where r_q = r_break on the sphere of radius r (clipped to [0, 1])."""
        r = np.asarray(r_kpc, dtype=float)
        k = 1.0 / self.q**2 - 1.0  # r_q^2 = r^2 (1 + k mu^2)
        if k == 0:
            return np.ones_like(r)
        with np.errstate(divide="ignore", invalid="ignore"):
            mu2 = ((self.r_break_kpc / r) ** 2 - 1.0) / k
        return np.sqrt(np.clip(np.nan_to_num(mu2, nan=1.0), 0.0, 1.0))

    def shell_average(self, r_kpc: np.ndarray, n_nodes: int = 64) -> np.ndarray:
        """Mean density on spheres of radius r (quadrature split at the break)."""
        return shell_average(self.density_rz, r_kpc, n_nodes=n_nodes, mu_split=self.mu_break(r_kpc))

    def shell_volume_average(self, edges_kpc: np.ndarray, n_radial: int = 16, n_nodes: int = 64) -> np.ndarray:
        # <rho>(r) has kinks where the break ellipsoid first touches / leaves the sphere
        return shell_volume_average(
            self.density_rz, edges_kpc, n_radial=n_radial, n_nodes=n_nodes,
            mu_split_fn=self.mu_break, r_splits_kpc=[self.q * self.r_break_kpc, self.r_break_kpc],
        )


def xue_flattening(r_kpc: np.ndarray, q0: float, q_inf: float, r0_kpc: float) -> np.ndarray:
    """q(r) = q_inf - (q_inf - q_0) exp(1 - sqrt(r^2 + r_0^2)/r_0) (Xue et al. 2015 form; q(0) = q_0)."""
    r = np.asarray(r_kpc, dtype=float)
    return q_inf - (q_inf - q0) * np.exp(1.0 - np.sqrt(r**2 + r0_kpc**2) / r0_kpc)


@dataclass(frozen=True)
class VariableFlatteningPowerLaw:
    """Xu et al. (2018)-like halo: rho = rho_1 (r_q / 1 kpc)^-alpha, r_q = sqrt(R^2 + z^2/q(r)^2).

    q is a function of the *spherical* radius r (see the module docstring), by default
    :func:`xue_flattening` with (q0, q_inf, r0_kpc); pass ``q_fn`` to use another q(r).
    """

    alpha: float
    q0: float
    q_inf: float
    r0_kpc: float
    rho_1kpc: float = 1.0
    q_fn: Callable[[np.ndarray], np.ndarray] | None = None

    def q(self, r_kpc: np.ndarray) -> np.ndarray:
        if self.q_fn is not None:
            return np.asarray(self.q_fn(r_kpc), dtype=float)
        return xue_flattening(r_kpc, self.q0, self.q_inf, self.r0_kpc)

    def density_rz(self, R_kpc: np.ndarray, z_kpc: np.ndarray) -> np.ndarray:
        R = np.asarray(R_kpc, dtype=float)
        z = np.asarray(z_kpc, dtype=float)
        q = self.q(np.sqrt(R**2 + z**2))
        rq = np.sqrt(R**2 + (z / q) ** 2)
        return self.rho_1kpc * rq ** (-self.alpha)

    def shell_average(self, r_kpc: np.ndarray, n_nodes: int = 64) -> np.ndarray:
        """Mean density on spheres of radius r (smooth integrand: no split needed)."""
        return shell_average(self.density_rz, r_kpc, n_nodes=n_nodes)

    def shell_volume_average(self, edges_kpc: np.ndarray, n_radial: int = 16, n_nodes: int = 64) -> np.ndarray:
        return shell_volume_average(self.density_rz, edges_kpc, n_radial=n_radial, n_nodes=n_nodes)


# =================================================================================================
# Inner-slope adjustment hook (Section 4.2)
# =================================================================================================
def adjust_inner_slope(
    vcirc_at_sun_fn: Callable[[float], float],
    alpha_in_start: float,
    *,
    step: float = 0.1,
    vcirc_max_kms: float = VCIRC_SUN_MAX_KMS,
    alpha_in_min: float = 0.0,
) -> float:
    """Largest alpha_in = start - k * step (k = 0, 1, ...) with vcirc_at_sun_fn(alpha_in) < vcirc_max_kms.

    Bird et al. (2022, Section 4.2) lower the K-giant inner slope from 3.1 to 2.8 because 3.1 gives
    v_circ > 250 km/s near the Sun. ``vcirc_at_sun_fn(alpha_in)`` must return the circular velocity
    [km/s] near the Sun from the Jeans mass with that inner slope (to be built with mwlib.bird22.jeans).
    Raises ValueError if no slope above ``alpha_in_min`` satisfies the condition.
    """
    if step <= 0:
        raise ValueError("step must be positive")
    k = 0
    while True:
        alpha = round(alpha_in_start - k * step, 10)  # avoid 3.1 - 3*0.1 = 2.8000000000000003
        if alpha <= alpha_in_min:
            raise ValueError(
                f"no alpha_in in ({alpha_in_min}, {alpha_in_start}] gives v_circ < {vcirc_max_kms} km/s"
            )
        if float(vcirc_at_sun_fn(alpha)) < vcirc_max_kms:
            return alpha
        k += 1


def fit_star_counts(r_kpc: np.ndarray, r_min_kpc: float, r_max_kpc: float, *, rng: np.random.Generator,
                    n_shells: int = 12, **settings: int) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray],
                                                                   BrokenPowerLawFit]:
    """Number densities of the stars in ``n_shells`` logarithmic shells between the radii given and the broken
    power-law fit to them (the model averaged exactly over each shell; shells without stars are fitted at their
    geometric-mean radii). No selection function: this is the density of the sample, a diagnostic of it, not
    of the halo (Bird et al. fit the shells of published models, Section 4.2). Returns ((edges, rho, rho_err),
    fit)."""
    edges = np.geomspace(r_min_kpc, r_max_kpc, int(n_shells) + 1)
    rho, rho_err = shell_densities(r_kpc, edges)
    good = rho > 0
    fit = fit_broken_power_law(rho[good], rho_err[good], edges_kpc=edges if good.all() else None,
                               r_kpc=None if good.all() else np.sqrt(edges[:-1] * edges[1:])[good], rng=rng, **settings)
    return (edges, rho, rho_err), fit
