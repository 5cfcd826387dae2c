"""emcee settings of the three fits of Bird et al. (2022): the paper's, or short ones for quick mode.

* sigma_r(r) exponential (Section 2.1): 1000 walkers, 1500 steps, 500 burn-in;
* tracer density broken power law (Section 4.2): 300 walkers, 700 steps, 200 burn-in;
* NFW + baryons (Section 2.3): 500 walkers, 400 steps, 250 burn-in.
"""

from __future__ import annotations

from mwlib.bird22 import density, dispersion, nfw

__all__ = ["sampler_settings"]


def sampler_settings(quick: bool) -> dict[str, dict[str, int]]:
    """``{"sigma": {...}, "density": {...}, "nfw": {...}}`` of n_walkers, n_steps, n_burn."""
    if quick:
        return {"sigma": dict(n_walkers=200, n_steps=600, n_burn=200),
                "density": dict(n_walkers=100, n_steps=400, n_burn=150),
                "nfw": dict(n_walkers=100, n_steps=400, n_burn=250)}
    return {"sigma": dict(n_walkers=dispersion.SIGMA_FIT_N_WALKERS, n_steps=dispersion.SIGMA_FIT_N_STEPS,
                          n_burn=dispersion.SIGMA_FIT_N_BURN),
            "density": dict(n_walkers=density.DENSITY_FIT_N_WALKERS, n_steps=density.DENSITY_FIT_N_STEPS,
                            n_burn=density.DENSITY_FIT_N_BURN),
            "nfw": dict(n_walkers=nfw.NFW_FIT_N_WALKERS, n_steps=nfw.NFW_FIT_N_STEPS, n_burn=nfw.NFW_FIT_N_BURN)}
