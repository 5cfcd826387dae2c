"""The NFW + baryons fits of notebooks 03-04 as data: percentile entries, recovery of a mock's truth,
the Section 4.6 weighted averages, and the text tables beside the published Table 2.

``results/nfw_fits_<method>.json``: ``{"<sample>/<variant>": {"M200": {"p2.5", "p16", "p50", "p84",
"p97.5"}, "r200": ..., "c": ..., "Mtot_r200": ..., "sampler": {...}}}`` with M200 and Mtot_r200
(baryons + M200, the paper's "total mass at r200") in Msun and r200 in kpc. The variants of a method
are the paper's fit (``jeans``, ``tme``: random errors) and the mock-validation fits of notebook 03
Section 6b and notebook 04 Section 5 (``jeans_sys15``, ``tme_sys15``: random + 15% systematic;
``jeans_fd``, ``jeans_fd_sys15``: d sigma_r^2/dr by direct differentiation). Notebook 03 writes the
Jeans file, notebook 04 the TME file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from astropy.table import Table

from mwlib.bird22 import halo_mocks, nfw
from mwlib.bird22.mass_profiles import PRODUCER, Method

__all__ = ["M200_AT_PRIOR_BOUND_MSUN", "product_name", "nfw_fit_entry", "write_nfw_fits", "read_nfw_fits",
           "at_prior_bound", "nfw_recovery", "weighted_nfw_average", "pm", "published_pm", "nfw_table",
           "validation_table"]

#: An M200 this large means the fit ran into its prior bound on c (no NFW + baryons model follows the points).
M200_AT_PRIOR_BOUND_MSUN: float = 1e13
# The mass-profile methods (Method) and the notebook that writes each one's products (PRODUCER) are those of
# mwlib.bird22.mass_profiles: the NFW fits of a method come from the notebook that writes its mass profile.


def product_name(method: Method) -> str:
    return f"nfw_fits_{method}.json"


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


def write_nfw_fits(run, method: Method, entries: Mapping[str, dict]) -> None:
    """``results/nfw_fits_<method>.json`` with the entries ``"<sample>/<variant>"``, keys sorted."""
    for key in entries:
        parts = key.split("/")
        if len(parts) != 2 or not parts[1].startswith(method):
            raise ValueError(f"key {key!r} is not '<sample>/<variant>' with a {method} variant")
    run.write_json(product_name(method), dict(sorted(entries.items())))


def read_nfw_fits(run, method: Method) -> dict[str, dict]:
    return run.read_json(product_name(method), producer=PRODUCER[method])


def at_prior_bound(entry: Mapping[str, dict]) -> bool:
    """Whether a fit ran into the prior bound (c -> 0, M200 enormous): no NFW + baryons model fits the profile."""
    return entry["M200"]["p50"] > M200_AT_PRIOR_BOUND_MSUN


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
                         weighting: nfw.Weighting = "inverse_error") -> dict[str, tuple[float, float]]:
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


_E12 = 1e12


def pm(p, scale: float = 1.0, fmt: str = ".2f") -> str:
    """'p50 +(p84 - p50) -(p50 - p16)' of a (p16, p50, p84) triple."""
    lo, mid, hi = (float(x) / scale for x in p)
    return f"{mid:{fmt}} +{hi - mid:{fmt}} -{mid - lo:{fmt}}"


def published_pm(quoted: Mapping[str, Any], fmt: str = ".2f") -> str:
    """The same for a published value with its (low, high) bounds."""
    return (f"{quoted['value']:{fmt}} +{quoted['high'] - quoted['value']:{fmt}} "
            f"-{quoted['value'] - quoted['low']:{fmt}}")


def _entry_pm(q: Mapping[str, float], scale: float, fmt: str) -> str:
    return pm((q["p16"], q["p50"], q["p84"]), scale, fmt)


def nfw_table(entries: Mapping[str, Mapping[str, dict]], method_label: str,
              published_results: Mapping[tuple[str, str], Mapping[str, Any]]) -> Table:
    """Table 2 rows (M200, r200, c; 50th percentile +84 -16) of our fits ``{sample: entry}`` beside the paper's
    Table 2 rows of ``method_label`` ("Jeans" or "TME"); a fit at its prior bound says so."""
    rows = []
    for name, e in entries.items():
        note = "prior bound: no NFW + baryons model follows this profile" if at_prior_bound(e) else ""
        rows.append((name, _entry_pm(e["M200"], _E12, ".2f"), _entry_pm(e["r200"], 1.0, ".0f"),
                     _entry_pm(e["c"], 1.0, ".1f"), _entry_pm(e["Mtot_r200"], _E12, ".2f"), note))
    for kind in ("KG", "BHB"):
        label = f"{method_label} {kind}"
        rows.append((f"published {label}", published_pm(published_results[(label, "M200_1e12")], ".2f"),
                     published_pm(published_results[(label, "r200_kpc")], ".0f"),
                     published_pm(published_results[(label, "c")], ".1f"), "", "published (Table 2)"))
    return Table(rows=rows, names=("fit", "M200 [1e12 Msun]", "r200 [kpc]", "c", "Mtot(r200) [1e12 Msun]", "note"))


#: The variants of the virial-mass validation on the mocks (notebook 03, Section 5b): label -> (variant key, the
#: derivative of sigma_r^2 in the Jeans equation, the systematic fraction added to the random errors of the fit).
VALIDATION_VARIANTS: dict[str, tuple[str, str, float]] = {
    "paper: exponential, random errors (Table 2)": ("jeans", "exponential", 0.0),
    "exponential, random + 15% systematic": ("jeans_sys15", "exponential", nfw.SYSTEMATIC_FRAC),
    "direct differentiation, random errors": ("jeans_fd", "finite_difference", 0.0),
    "direct differentiation, random + 15% systematic": ("jeans_fd_sys15", "finite_difference", nfw.SYSTEMATIC_FRAC),
}


def validation_fits(halo: Mapping[str, Any], names: Sequence[str], profiles: Mapping[str, Table],
                    entries: Mapping[str, Mapping[str, dict]], sigma_fits: Mapping[str, Any],
                    dispersions: Mapping[str, Table], *, rng_for: Callable[[str, str], np.random.Generator],
                    n_jeans_mc: int, nfw_settings: Mapping[str, Any]) -> dict[str, Mapping[str, dict]]:
    """The NFW fits of :data:`VALIDATION_VARIANTS` for the samples ``names`` (mocks: ``halo[name]`` a
    :class:`mwlib.bird22.samples.HaloSample`), keyed ``<name>/<variant>``: the paper's own fit is ``entries[name]``;
    the others refit ``profiles[name]`` (exponential derivative) or a Jeans profile by direct differentiation of
    the binned sigma_r^2 (Bird et al. 2022 Section 5.2), with random errors alone or with the 15% systematic of
    Section 3.3. ``rng_for(stage, name)`` gives the generator of each draw (stages "jeans fd" and
    "nfw <variant>")."""
    from mwlib.bird22 import jeans

    fd_profiles = {name: jeans.jeans_profile(None, None, halo[name].edges_kpc, halo[name].density.slope,
                                             rng=rng_for("jeans fd", name), n_mc=n_jeans_mc,
                                             sigma_fit=sigma_fits[name], dispersions=dispersions[name],
                                             derivative="finite_difference") for name in names}
    out: dict[str, Mapping[str, dict]] = {}
    for variant, derivative, sys_frac in VALIDATION_VARIANTS.values():
        for name in names:
            if variant == "jeans":
                out[f"{name}/{variant}"] = entries[name]
                continue
            profile = profiles[name] if derivative == "exponential" else fd_profiles[name]
            out[f"{name}/{variant}"] = nfw_fit_entry(nfw.fit_nfw_profile(
                profile, systematic_frac=sys_frac, rng=rng_for(f"nfw {variant}", name), **nfw_settings))
    return out


def validation_table(entries: Mapping[str, Mapping[str, dict]], truths: Mapping[str, Any],
                     variants: Mapping[str, str]) -> Table:
    """One row per mock and variant (``{label: variant}``, keys ``<mock>/<variant>`` of ``entries``): the fitted
    M200 and c (50th percentile [16th, 84th]) beside the truth, their pulls (fit - truth) / half-width of the
    16-84% interval, and whether the truth lies inside the 16-84% and 2.5-97.5% intervals (r200 follows M200)."""
    rows = []
    for name, truth in truths.items():
        model = truth.mass_model
        for label, variant in variants.items():
            key = f"{name}/{variant}"
            if key not in entries:
                continue
            rec = nfw_recovery(entries[key], model)
            cells = []
            for par, scale in (("M200", _E12), ("c", 1.0)):
                v = rec[par]
                pull = (v["p50"] - v["truth"]) / (0.5 * (v["p84"] - v["p16"]))
                cells += [f"{v['p50'] / scale:.2f} [{v['p16'] / scale:.2f}, {v['p84'] / scale:.2f}]", round(pull, 1),
                          f"{'yes' if v['inside'] else 'no'}/{'yes' if v['inside95'] else 'no'}"]
            rows.append((name, label, f"{model.m200_msun / _E12:.2f}", f"{model.concentration:.1f}", *cells))
    return Table(rows=rows, names=("mock", "variant", "true M200", "true c", "M200 [1e12 Msun]", "M200 pull",
                                   "M200 in 68/95%", "c", "c pull", "c in 68/95%"))


def published_table2_entries(published_results: Mapping[tuple[str, str], Mapping[str, Any]]) -> dict[str, dict]:
    """The paper's four Table 2 fits as entries (``"KG Jeans"`` ...; M200 in Msun), for :func:`weighted_nfw_average`."""
    out = {}
    for kind in ("KG", "BHB"):
        for method in ("Jeans", "TME"):
            entry = {}
            for par, key, scale in (("M200", "M200_1e12", 1e12), ("r200", "r200_kpc", 1.0), ("c", "c", 1.0)):
                q = published_results[(f"{method} {kind}", key)]
                entry[par] = {"p16": q["low"] * scale, "p50": q["value"] * scale, "p84": q["high"] * scale}
            out[f"{kind} {method}"] = entry
    return out


def averages_table(groups: Mapping[str, tuple[Mapping[str, Mapping[str, dict]], Sequence[str]]]) -> Table:
    """Section 4.6: the error-weighted averages (weights 1/s, s the mean of the two errors) of M200, r200 and c
    over each group of fits ``{label: (entries, keys)}``, and the baryon fraction 8e10 Msun / M200 (Sec. 5.4)."""
    rows = []
    for label, (source, keys) in groups.items():
        if not keys:
            rows.append((label, "", "", "", "", np.nan))
            continue
        avg = weighted_nfw_average(source, keys)
        m200, r200, c = avg["M200"], avg["r200"], avg["c"]
        rows.append((label, ", ".join(keys), f"{m200[0] / 1e12:.3g} ± {m200[1] / 1e12:.2g}", f"{r200[0]:.4g} ± {r200[1]:.2g}",
                     f"{c[0]:.3g} ± {c[1]:.2g}", float(nfw.baryon_fraction(m200[0]))))
    out = Table(rows=rows, names=("fits", "which", "M200 [1e12 Msun]", "r200 [kpc]", "c", "baryon fraction"))
    out["baryon fraction"].info.format = ".3f"
    return out
