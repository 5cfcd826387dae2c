"""Exact mock tracers drawn from the Eadie & Harris (2016) power-law DF (their Eq. 12).

Why the sampler is exact: with v_r = v cos(eta), v_t = v sin(eta) and E = Phi(r) - v^2/2, the
phase-space density of Eq. 12 times the volume element 4 pi r^2 dr 2 pi v^2 sin(eta) dv d eta is

    r^2 r^(-2 beta) sin(eta)^(1 - 2 beta) v^(2 - 2 beta) (Phi(r) - v^2/2)^n,
    n = (alpha - 2 beta)/gamma + beta - 3/2,

which factorizes at fixed r into an eta part and a v part. With x = v^2 / (2 Phi(r)) the v part
is x^(1/2 - beta) (1 - x)^n dx, i.e. x ~ Beta(3/2 - beta, n + 1); cos(eta) = 2 y - 1 with
y ~ Beta(1 - beta, 1 - beta) (the density of t = cos(eta) is (1 - t^2)^(-beta)); and integrating
both parts leaves r^2 r^-alpha, so p(r) ∝ r^(2 - alpha) on [r_min, r_max].
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mwlib.eh16.model import VELOCITY_UNIT_KMS, energy_exponent, is_valid, potential


def sample_radii(n: int, alpha: float, r_min_kpc: float, r_max_kpc: float, *,
                 rng: np.random.Generator) -> np.ndarray:
    """Radii with p(r) ∝ r^(2 - alpha) on [r_min, r_max] by inverting the CDF (exact at alpha = 3)."""
    if not (0 < r_min_kpc < r_max_kpc):
        raise ValueError(f"need 0 < r_min < r_max, got {r_min_kpc}, {r_max_kpc}")
    u = rng.uniform(size=n)
    s = 3.0 - alpha
    log_ratio = math.log(r_max_kpc / r_min_kpc)
    if abs(s * log_ratio) < 1e-12:
        return r_min_kpc * np.exp(u * log_ratio)
    # r^s = r_min^s + u (r_max^s - r_min^s), written with log1p/expm1 for accuracy
    return r_min_kpc * np.exp(np.log1p(u * math.expm1(s * log_ratio)) / s)


def sample_power_law_df(n: int, phi0: float, gamma: float, alpha: float, beta: float,
                        r_min_kpc: float, r_max_kpc: float, *, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Eadie & Harris (2016) Eq. 12: Draw ``n`` tracers from the DF of EH16 Eq. 12 (Phi_o in 1e4 km^2/s^2, r in kpc).

    Returns a dict of arrays: r [kpc]; vr, vt, vtheta, vphi, v [km/s]; x, y, z [kpc]
    (isotropic positions); theta, phi [rad] (polar and azimuthal angles of the position).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed))")
    if not bool(is_valid(phi0, gamma, alpha, beta)):
        raise ValueError(f"invalid DF parameters (Eq. 13 / alpha > gamma / beta < 1): "
                         f"phi0={phi0}, gamma={gamma}, alpha={alpha}, beta={beta}")
    r = sample_radii(n, alpha, r_min_kpc, r_max_kpc, rng=rng)
    n_energy = float(energy_exponent(alpha, beta, gamma))
    x_energy = rng.beta(1.5 - beta, n_energy + 1.0, n)  # x = v^2 / (2 Phi)
    speed = np.sqrt(2.0 * potential(r, phi0, gamma) * x_energy) * VELOCITY_UNIT_KMS
    cos_eta = 2.0 * rng.beta(1.0 - beta, 1.0 - beta, n) - 1.0  # density ∝ sin(eta)^(1 - 2 beta)
    psi = rng.uniform(0.0, 2.0 * np.pi, n)  # direction of v_t in the tangent plane
    vr = speed * cos_eta
    vt = speed * np.sqrt(np.clip(1.0 - cos_eta**2, 0.0, None))
    cos_theta = rng.uniform(-1.0, 1.0, n)
    phi_pos = rng.uniform(0.0, 2.0 * np.pi, n)
    sin_theta = np.sqrt(1.0 - cos_theta**2)
    return {
        "r": r, "vr": vr, "vt": vt, "vtheta": vt * np.cos(psi), "vphi": vt * np.sin(psi), "v": speed,
        "x": r * sin_theta * np.cos(phi_pos), "y": r * sin_theta * np.sin(phi_pos), "z": r * cos_theta,
        "theta": np.arccos(cos_theta), "phi": phi_pos,
    }


def _hide(tracers: Mapping[str, ArrayLike], hide: NDArray[np.bool_]) -> dict[str, np.ndarray]:
    """Copy of ``tracers`` with vt, vtheta, vphi and v NaN where ``hide``, and ``complete = ~hide``."""
    out = {k: np.array(v, copy=True) for k, v in tracers.items()}
    for key in ("vt", "vtheta", "vphi", "v"):
        if key in out:
            out[key] = out[key].astype(float)
            out[key][hide] = np.nan
    out["complete"] = ~hide
    return out


def _n_hidden(n: int, fraction: float | None, count: int | None) -> int:
    if (fraction is None) == (count is None):
        raise ValueError("give exactly one of mask, fraction or count")
    k = int(round(fraction * n)) if fraction is not None else int(count)  # type: ignore[arg-type]
    if not 0 <= k <= n:
        raise ValueError(f"cannot hide {k} of {n} tracers")
    return k


def hide_tangential_velocity(tracers: Mapping[str, ArrayLike], *, fraction: float | None = None,
                             count: int | None = None, mask: ArrayLike | None = None,
                             selection: Literal["outermost"] | None = None) -> dict[str, np.ndarray]:
    """Copy of ``tracers`` with vt (and vtheta, vphi, v) set to NaN for a subset: line-of-sight-only tracers.

    Deterministic: the subset is ``mask`` (boolean or indices), or the ``count`` / ``fraction`` outermost
    tracers (``selection="outermost"``, like the real sample, where proper motions are missing mostly at large
    r). A random subset is :func:`hide_random_tangential_velocity` (it takes the generator).
    """
    n = np.asarray(tracers["r"]).size
    if mask is not None:
        hide = np.zeros(n, bool)
        hide[np.asarray(mask)] = True
        return _hide(tracers, hide)
    if selection != "outermost":
        raise ValueError(f"count / fraction need selection='outermost' (got {selection!r}); a random subset is "
                         "hide_random_tangential_velocity(tracers, count=..., rng=...)")
    k = _n_hidden(n, fraction, count)
    hide = np.zeros(n, bool)
    hide[np.argsort(np.asarray(tracers["r"]), kind="stable")[n - k:]] = True
    return _hide(tracers, hide)


def hide_random_tangential_velocity(tracers: Mapping[str, ArrayLike], *, fraction: float | None = None,
                                    count: int | None = None, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """:func:`hide_tangential_velocity` for ``count`` / ``fraction`` of the tracers picked at random by ``rng``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed))")
    n = np.asarray(tracers["r"]).size
    k = _n_hidden(n, fraction, count)
    hide = np.zeros(n, bool)
    hide[rng.choice(n, k, replace=False)] = True
    return _hide(tracers, hide)
