"""The equation index: which function implements which equation of the two papers.

``python -m mwlib.equations`` prints it (``--markdown`` for a Markdown table). Each entry names the paper, the
equation or section, what it is, and the ``module:function`` that implements it; ``tests/test_equations.py``
checks that every function exists and that its module's docstring names the equation.

Bird et al. (2022, MNRAS 516, 731) number their equations (1)-(13); Eadie & Harris (2016, ApJ 829, 108) (1)-(22)
(their Table 1 is the cluster data, Table 2 the priors, Table 3 the scenarios, Table 4 the estimates); Eq. 24 is
Watkins et al. (2010)'s. ``EQUATIONS.md`` at the top of the repository is ``--markdown``'s output (a test keeps it
current).
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass

__all__ = ["Entry", "INDEX", "resolve", "qualified_name", "as_text", "as_markdown", "main"]


@dataclass(frozen=True)
class Entry:
    paper: str
    equation: str  # as the module docstring names it, e.g. "Eq. 4" or "Eqs. 19-22"
    what: str
    target: str  # "package.module:function"


B22, EH16, W10 = "Bird et al. (2022)", "Eadie & Harris (2016)", "Watkins et al. (2010)"

INDEX: tuple[Entry, ...] = (
    Entry(B22, "Eq. 1", "3D spherical Jeans equation: M(<r) from sigma_r, sigma_theta, sigma_phi, alpha",
          "mwlib.bird22.jeans:jeans_mass"),
    Entry(B22, "Eqs. 2-3", "exponential sigma_r(r) and its derivative, fitted by emcee",
          "mwlib.bird22.dispersion:fit_sigma_r_exponential"),
    Entry(B22, "Eq. 4", "tracer mass estimator of Evans et al. (2011), per radial bin",
          "mwlib.bird22.tme:tme_profile"),
    Entry(B22, "Eq. 5", "velocity anisotropy beta from the three dispersions", "mwlib.bird22.dispersion:anisotropy"),
    Entry(B22, "Sections 2.1 and 4.4", "extreme deconvolution of the velocities of a bin (one Gaussian)",
          "mwlib.bird22.deconvolution:deconvolve"),
    Entry(B22, "Eqs. 6-7", "baryons: the bulge and Miyamoto-Nagai disk of MWPotential2014",
          "mwlib.bird22.nfw:BaryonModel"),
    Entry(B22, "Eqs. 8-13", "NFW halo: rho_crit, r200, M200, concentration, enclosed mass",
          "mwlib.bird22.nfw:nfw_mass_enclosed"),
    Entry(B22, "Section 2.3", "NFW + baryons fit of a mass profile (emcee in r200, c)", "mwlib.bird22.nfw:fit_nfw"),
    Entry(B22, "Section 4.2", "broken power-law tracer density and its emcee fit",
          "mwlib.bird22.density:fit_broken_power_law"),
    Entry(B22, "Section 4.2", "published flattened models on spherical shells, fitted",
          "mwlib.bird22.shell_density:model_shell_fit"),
    Entry(B22, "Section 3.3", "the 15% systematic error", "mwlib.bird22.systematics:systematic_error"),
    Entry(B22, "Section 4.6", "weighted averages of the NFW fits", "mwlib.bird22.nfw:weighted_average"),
    Entry(EH16, "Eq. 2", "power-law potential Phi = Phi_o r^-gamma", "mwlib.eh16.model:potential"),
    Entry(EH16, "Eq. 3/14", "enclosed mass M(<r) = gamma Phi_o r^(1-gamma) / G", "mwlib.eh16.model:mass_enclosed"),
    Entry(EH16, "Eq. 11", "anisotropy from sample variances (the direct estimate of Section 5.5)",
          "mwlib.eh16.estimators:direct_anisotropy"),
    Entry(EH16, "Eq. 12", "constant-anisotropy power-law distribution function f(E, L)", "mwlib.eh16.model:log_df"),
    Entry(EH16, "Eq. 12", "its normalization (exact, or as printed)", "mwlib.eh16.model:log_df_normalization"),
    Entry(EH16, "Eq. 13", "validity of the model parameters", "mwlib.eh16.model:is_valid"),
    Entry(EH16, "Eq. 15", "binding energy E = Phi(r) - (vr^2 + vt^2)/2 of a tracer", "mwlib.eh16.model:log_df"),
    Entry(EH16, "Eq. 18", "posterior, with unknown tangential velocities integrated out",
          "mwlib.eh16.posterior:Posterior"),
    Entry(EH16, "Eqs. 19-22", "Gamma prior on alpha from the excluded clusters",
          "mwlib.eh16.scenarios:alpha_prior_from_radii"),
    Entry(EH16, "Section 5.5", "virial radius and mass at 200 rho_crit", "mwlib.eh16.model:virial_mass"),
    Entry(EH16, "Eq. 12", "exact mock tracers drawn from the DF", "mwlib.eh16.df_mocks:sample_power_law_df"),
    Entry(W10, "Eq. 24", "mass estimator from 3D speeds (EH16 Section 5.1)", "mwlib.eh16.estimators:watkins2010_mass_3d"),
)


def resolve(entry: Entry):
    """The object an entry names (raises ImportError / AttributeError if it does not exist)."""
    module_name, _, attr = entry.target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def qualified_name(entry: Entry) -> str:
    """``module.qualname`` of the object an entry names, e.g. ``mwlib.bird22.jeans.jeans_mass``."""
    module_name, _, attr = entry.target.partition(":")
    return f"{module_name}.{resolve(entry).__qualname__}"


def as_text(index: tuple[Entry, ...] = INDEX) -> str:
    widths = [max(len(getattr(e, f)) for e in index) for f in ("paper", "equation", "what")]
    lines = [f"{e.paper:<{widths[0]}}  {e.equation:<{widths[1]}}  {e.what:<{widths[2]}}  {qualified_name(e)}"
             for e in index]
    return "\n".join(lines)


def as_markdown(index: tuple[Entry, ...] = INDEX) -> str:
    lines = ["# Equation index", "",
             "Which function of `mwlib` implements which equation of the two papers (generated by "
             "`python -m mwlib.equations --markdown`; `tests/test_equations.py` checks that every function exists, "
             "that its docstring names the paper and the equation, and that this file is current).", "",
             "| paper | equation | what | implemented in |", "|---|---|---|---|"]
    lines += [f"| {e.paper} | {e.equation} | {e.what} | `{qualified_name(e)}` |" for e in index]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwlib.equations", description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    print(as_markdown() if args.markdown else as_text(), end="" if args.markdown else "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
