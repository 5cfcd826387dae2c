"""The tables notebook 05 shows for Eadie & Harris (2016): the scenarios and priors as the code defines them,
fit diagnostics, Table 4 in full, and every published number of Section 5 beside ours (labelled as published)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from astropy.table import Table

from mwlib.eh16 import published
from mwlib.eh16.fit import FitResult
from mwlib.eh16.model import PARAM_NAMES
from mwlib.eh16.scenarios import SCENARIOS, Scenario

__all__ = ["ORDER", "scenarios_table", "priors_table", "diagnostics_table", "table4", "draws_of",
           "comparison_table", "statistic", "reproduced_numbers", "sampler_comparison", "stack_by_scenario", "table4_csv"]

#: The scenarios in the order of the paper's Table 4 and Fig. 4.
ORDER: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "IVb", "Vb", "VIb", "VII", "VIII", "IX", "X", "XI",
                          "XII")
E11 = 1e11


def _spec_text(scenario: Scenario, param: str) -> str:
    prior = scenario.prior(param)
    if prior.kind == "fixed":
        return f"{prior.a:g}"
    if prior.kind == "uniform":
        return f"free: U({prior.a:g}, {prior.b:g})"
    return "free: Gamma prior"


def scenarios_table(scenarios: Mapping[str, Scenario] = SCENARIOS) -> Table:
    """The paper's Table 3 (with the "b" scenarios of Section 5.2), from the code's own definitions."""
    rows = [(name, *(_spec_text(scenarios[name], p) for p in ("gamma", "alpha", "beta"))) for name in ORDER
            if name in scenarios]
    return Table(rows=rows, names=("scenario", "gamma", "alpha", "beta"))


def priors_table(alpha_prior: tuple[float, float]) -> Table:
    """The paper's Table 2 (priors), from the code's constants, with the Gamma prior on alpha - 3 it implies."""
    from mwlib.eh16 import scenarios as s

    shape, rate = alpha_prior
    return Table(rows=[("Phi_o [1e4 km^2/s^2]", "uniform", f"{s.PHI0_PRIOR[0]:g} to {s.PHI0_PRIOR[1]:g}"),
                       ("gamma", "uniform", f"{s.GAMMA_PRIOR_WIDE[0]:g} to {s.GAMMA_PRIOR_WIDE[1]:g} "
                                            f"({s.GAMMA_PRIOR_NARROW[0]:g} to {s.GAMMA_PRIOR_NARROW[1]:g} in the 'b' "
                                            "scenarios and Group 4)"),
                       ("alpha", "Gamma on alpha - 3", f"b = 0.4 kpc, c = p = 0.001: shape {shape:.3f}, rate {rate:.2f}, "
                                                       f"mode {3 + (shape - 1) / rate:.2f}"),
                       ("beta", "uniform", f"{s.BETA_PRIOR[0]:g} to {s.BETA_PRIOR[1]:g}")],
                 names=("parameter", "prior", "prior parameters"))


def diagnostics_table(fits: Mapping[str, FitResult]) -> Table:
    """Per scenario: free parameters, worst R-hat and ESS, acceptance, seconds, whether the bars are met."""
    rows = [(name, ", ".join(r.scenario.free_parameters), max(r.rhat.values()), min(r.ess.values()),
             r.acceptance[r.scenario.free_parameters[0]], r.settings["elapsed_s"], r.converged)
            for name, r in fits.items()]
    out = Table(rows=rows, names=("scenario", "free", "max R-hat", "min ESS", "acceptance", "seconds", "converged"))
    for col, fmt in (("max R-hat", ".3f"), ("min ESS", ".0f"), ("acceptance", ".2f"), ("seconds", ".2f")):
        out[col].info.format = fmt
    return out


def table4(fits: Mapping[str, FitResult]) -> Table:
    """Table 4 in full: the mean of every parameter and of M125 with its 50% marginal credible interval (the
    25th-75th percentiles); a fixed parameter shows its value. M125 in 1e11 Msun, Phi_o in 1e4 km^2 s^-2."""
    rows = []
    for name, r in fits.items():
        row = [name]
        for p in PARAM_NAMES:
            x = r.samples[p]
            free = p in r.scenario.free_parameters
            q25, q75 = np.percentile(x, [25, 75])
            row += [float(np.mean(x)), float(q25) if free else np.nan, float(q75) if free else np.nan]
        m = r.mass(125.0) / E11
        row += [float(np.mean(m)), *map(float, np.percentile(m, [25, 75]))]
        rows.append(row)
    names = ["scenario"] + [f"{p}{suffix}" for p in (*PARAM_NAMES, "M125") for suffix in ("", "_q25", "_q75")]
    out = Table(rows=rows, names=names)
    for col in names[1:]:
        out[col].info.format = ".3f" if col.startswith(("gamma", "alpha", "beta")) else ".2f"
    return out


def draws_of(result: FitResult, quantity: str) -> np.ndarray:
    """Draws of a published quantity in the paper's units (1e11 Msun, kpc, or the parameter itself)."""
    if quantity in PARAM_NAMES:
        return result.samples[quantity]
    if quantity == "M125":
        return result.mass(125.0) / E11
    if quantity == "Mvir":
        return result.virial_mass() / E11
    if quantity == "rvir_kpc":
        return result.virial_radius()
    if quantity.startswith("M(<"):
        return result.mass(float(quantity[3:-1])) / E11
    raise KeyError(quantity)


def statistic(draws: np.ndarray, pub: Mapping) -> float:
    """Our value in the statistic the paper quotes: the mean where its text says so, else the median."""
    return float(np.mean(draws) if "mean" in pub["where"] else np.median(draws))


def comparison_table(fits: Mapping[str, FitResult], results: Mapping = published.EADIE16_RESULTS) -> Table:
    """Every published estimate of a fitted scenario beside ours in the same statistic and kind of interval,
    the relative deviation, and whether the published central value lies inside our interval."""
    rows = []
    for (label, quantity), pub in results.items():
        if label not in fits:
            continue
        draws = draws_of(fits[label], quantity)
        interval = pub["interval"] if pub["interval"] in ("50%", "95%") else "50%"
        half = 25 if interval == "50%" else 47.5
        low, high = np.percentile(draws, [50 - half, 50 + half])
        ours = statistic(draws, pub)
        value = pub["value"]
        deviation = (ours - value) / value if value else np.nan
        inside = bool(low <= value <= high) if value else bool(pub["low"] <= np.median(draws) <= pub["high"])
        text = (f"{value}" if value is not None else "–") + (f" ({pub['low']}, {pub['high']})" if pub["low"] is not None else "")
        rows.append((label, quantity, text, f"{ours:.3g} ({low:.3g}, {high:.3g})", interval,
                     f"{100 * deviation:+.0f}%" if np.isfinite(deviation) else "", inside))
    return Table(rows=rows, names=("scenario", "quantity", "published", "ours", "interval", "deviation",
                                   "published inside ours"))


def reproduced_numbers(fits: Mapping[str, FitResult], results: Mapping = published.EADIE16_RESULTS
                       ) -> dict[tuple[str, str], float]:
    """Our value of every published estimate of a fitted scenario, in the paper's statistic (for the scorecard)."""
    return {(label, q): statistic(draws_of(fits[label], q), pub) for (label, q), pub in results.items() if label in fits}


def table4_csv(table: Table) -> Table:
    """Table 4 as written to ``results/eh16_table4.csv``: fixed parameters keep their value and empty interval
    columns, floats at 6 significant digits."""
    out = table.copy()
    for col in out.colnames[1:]:
        out[col].info.format = ".6g"
    return out


def sampler_comparison(fits_by_sampler: Mapping[str, FitResult], reference: str) -> Table:
    """The same posterior from several samplers: per free parameter and for M125 [1e11 Msun], mean ± sd, the
    difference of the means in units of the ``reference`` sampler's sd, the ratio of the sds and of the 50%
    interval widths, the worst ESS, the wall time of the whole fit (burn-in included) and ESS per second."""
    ref = fits_by_sampler[reference]
    rows = []
    for label, res in fits_by_sampler.items():
        ess, seconds = min(res.ess.values()), res.settings["elapsed_s"]
        for p in (*ref.scenario.free_parameters, "M125"):
            a, b = draws_of(res, p), draws_of(ref, p)
            q25, q75 = np.percentile(a, [25, 75])
            rows.append((label, p, float(a.mean()), float(a.std()), float(q25), float(q75),
                         (a.mean() - b.mean()) / b.std(), a.std() / b.std(), ess, seconds, ess / seconds))
    out = Table(rows=rows, names=("sampler", "quantity", "mean", "sd", "q25", "q75", f"mean - {reference} [sd]",
                                  f"sd / {reference} sd", "min ESS", "seconds", "ESS/s"))
    for col, fmt in (("mean", ".4g"), ("sd", ".3g"), ("q25", ".4g"), ("q75", ".4g"),
                     (f"mean - {reference} [sd]", "+.2f"), (f"sd / {reference} sd", ".3f"), ("min ESS", ".0f"),
                     ("seconds", ".2f"), ("ESS/s", ".0f")):
        out[col].info.format = fmt
    return out


def stack_by_scenario(tables: Mapping[str, Table]) -> Table:
    """One table from ``{scenario: table}`` with a leading ``scenario`` column (e.g. notebook 05's
    ``eh16_sampler_comparison.csv``)."""
    from astropy.table import vstack

    parts = []
    for name, table in tables.items():
        part = table.copy()
        part.add_column([name] * len(part), name="scenario", index=0)
        parts.append(part)
    return vstack(parts)
