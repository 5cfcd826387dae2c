"""The tracer density as Bird et al. (2022, Section 4.2) made it: published flattened halo models averaged on
spherical shells, then fitted with a spherical broken power law (emcee, 300 walkers, 700 steps, 200 burn-in).

Bird et al. evaluate the best model of Xu et al. (2018) for their K giants (a single power law in r_q =
sqrt(R^2 + z^2/q^2) with a flattening q that changes with radius) and that of Das et al. (2016) for their BHB
stars (a broken power law with constant flattening) on spherical shells and fit a broken power law to the
shells: hence their slope errors of only +-0.001-0.004 -- the shells hold a model, not stars. The flattened models,
the shell averages and the fit are those of :mod:`mwlib.bird22.density`; this module supplies the published
inputs, as far as they are published, and :func:`model_shell_fit`.

What is and is not published (searched in every stored text; ``data/literature/README.md``):

* Xu et al. (2018) abstract: index 5.03 +- 0.64 (:data:`XU_N`), q about 0.64, 0.8, 0.96 at r = 15, 20, 30 kpc
  (:data:`XU_Q_POINTS`). The law q(r) and its parameters are not in any stored text. :func:`xu_stand_in` uses
  the form of Xue et al. (2015) put exactly through the three points (:func:`xue_form_through`), floored at
  q = 0.1, with q a function of the spherical radius (the choice of :class:`~mwlib.bird22.density.VariableFlatteningPowerLaw`).
* Das et al. (2016) abstract: the density steepens from -2 at ~2 kpc to -4 in the outer halo, axis ratio ~0.7;
  their broken-power-law parameters are not in any stored text. :data:`DEASON11_BHB` (Deason et al. 2011: a BHB
  broken power law with constant flattening, 2.3, 27 kpc, 4.6, q = 0.6, from their abstract) is a stand-in of
  the same kind.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares

from mwlib.bird22.density import (BrokenPowerLawFit, FlattenedBrokenPowerLaw, VariableFlatteningPowerLaw,
                                  fit_broken_power_law, xue_flattening)

__all__ = ["XU_N", "XU_Q_POINTS", "DEASON11_BHB", "Q_FLOOR", "xue_form_through", "xu_stand_in", "model_shell_fit"]

#: Xu et al. (2018) abstract: power-law index of the K-giant halo.
XU_N: float = 5.03
#: Xu et al. (2018) abstract: the flattening at r = 15, 20 and 30 kpc.
XU_Q_POINTS: tuple[tuple[float, ...], tuple[float, ...]] = ((15.0, 20.0, 30.0), (0.64, 0.80, 0.96))
#: The floor on q of :func:`xu_stand_in` (the Xue form through the three points falls to q < 0 near the centre).
Q_FLOOR: float = 0.1
#: Deason et al. (2011) BHB broken power law with constant flattening (abstract): a stand-in for Das et al. (2016).
DEASON11_BHB = FlattenedBrokenPowerLaw(alpha_in=2.3, r_break_kpc=27.0, alpha_out=4.6, q=0.6)


def xue_form_through(points: tuple[tuple[float, ...], tuple[float, ...]] = XU_Q_POINTS) -> tuple[float, float, float]:
    """(q0, q_inf, r0_kpc) of :func:`mwlib.bird22.density.xue_flattening` through three (r, q) points exactly."""
    r, q = (np.asarray(p, float) for p in points)
    sol = least_squares(lambda p: xue_flattening(r, *p) - q, x0=[0.3, 1.0, 10.0],
                        bounds=([-1.0, 0.5, 0.5], [1.0, 2.0, 100.0]), xtol=1e-15, ftol=1e-15, gtol=1e-15)
    if np.max(np.abs(sol.fun)) > 1e-8:
        raise RuntimeError(f"no Xue-form law through {points}: residuals {sol.fun}")
    return float(sol.x[0]), float(sol.x[1]), float(sol.x[2])


def xu_stand_in(points: tuple[tuple[float, ...], tuple[float, ...]] = XU_Q_POINTS, n: float = XU_N,
                q_floor: float = Q_FLOOR) -> VariableFlatteningPowerLaw:
    """The Xu et al. (2018) K-giant model as far as its abstract gives it (module docstring)."""
    q0, q_inf, r0 = xue_form_through(points)
    return VariableFlatteningPowerLaw(alpha=n, q0=q0, q_inf=q_inf, r0_kpc=r0,
                                      q_fn=lambda r: np.maximum(xue_flattening(r, q0, q_inf, r0), q_floor))


def model_shell_fit(model, edges_kpc: np.ndarray, *, rng: np.random.Generator, fractional_error: float = 0.01,
                    **emcee_settings: int) -> BrokenPowerLawFit:
    """Bird et al. (2022) Section 4.2: the shell-volume means of a flattened ``model`` (any object with ``shell_volume_average``)
    fitted with a broken power law by :func:`mwlib.bird22.density.fit_broken_power_law` (the paper's emcee
    settings unless given), every shell with the same ``fractional_error``."""
    edges = np.asarray(edges_kpc, float)
    rho = np.asarray(model.shell_volume_average(edges), float)
    return fit_broken_power_law(rho, fractional_error * rho, rng=rng, edges_kpc=edges, **emcee_settings)
