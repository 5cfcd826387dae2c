"""What the Bird et al. (2022) method returns where the paper says the Milky Way is: many mocks of its own answer.

Each realization (:func:`realization_task`, the picklable unit of :func:`mwlib.core.sweeps.run_sweep`) draws a
K-giant or BHB mock whose truth is the paper's answer (:func:`mwlib.bird22.halo_mocks.paper_answer_model`: its
Table 2 Jeans NFW halo with MWPotential2014's baryons, the Section 4.2 densities, its anisotropy profile, sample
size, radial range and errors: :data:`mwlib.bird22.halo_mocks.MOCK_SPECS`) and runs the paper's chain on it:
Monte Carlo error covariances (Section 4.1), deconvolved dispersions in the paper's bins (Section 4.3), the
exponential sigma_r fit (Eqs. 2-3), the Jeans masses (Eq. 1) and the TME (Eq. 4), and the NFW + baryons fits of
both (Section 2.3). It returns every Table 1 and Table 2 quantity with its interval, and the truth.
:func:`study_table` turns many realizations into ``results/bird22_mock_study.csv``: per sample, method and
quantity the truth, the median over realizations, the median bias, and the fraction of realizations whose 68%
and 95% intervals contain the truth.

Table 1 intervals are the profile's errors (the Jeans Monte Carlo or TME bootstrap standard deviation; 68%: +-1
error, 95%: +-1.96); Table 2 intervals are the NFW posterior's percentiles (16-84, 2.5-97.5).

The sampler settings of a realization (``settings``) default to :data:`STUDY_SETTINGS`: shorter emcee runs than the
paper's for the two fits (the medians and intervals of these smooth 2-parameter posteriors converge long before
the paper's 1000 walkers x 1500 steps), and 200 Monte Carlo draws per star for the covariances; the estimators
themselves are the paper's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from astropy.table import Table

from mwlib.core import coords

__all__ = ["STUDY_SETTINGS", "QUANTITIES", "realization_task", "study_table"]

#: Per-realization settings: Monte Carlo draws per star, Jeans realizations, TME bootstraps, emcee runs.
STUDY_SETTINGS: dict[str, Any] = {"n_mc": 200, "n_jeans_mc": 100, "n_boot": 100,
                                  "sigma": {"n_walkers": 64, "n_steps": 400, "n_burn": 150},
                                  "nfw": {"n_walkers": 64, "n_steps": 500, "n_burn": 200}}
#: Table 1 (M at the last bin) and Table 2 (NFW) quantities of each method.
QUANTITIES: tuple[str, ...] = ("M_last_1e11", "M200_1e12", "r200_kpc", "c")


def _nfw_quantities(fit) -> dict[str, tuple[float, float, float, float, float]]:
    """(p2.5, p16, p50, p84, p97.5) of M200 [1e12], r200 [kpc], c of an NFW fit."""
    from mwlib.bird22 import nfw

    r200, c = fit.samples[:, 0], fit.samples[:, 1]
    m200 = nfw.m200_from_r200(r200) / 1e12
    q = (2.5, 16, 50, 84, 97.5)
    return {"M200_1e12": tuple(np.percentile(m200, q)), "r200_kpc": tuple(np.percentile(r200, q)),
            "c": tuple(np.percentile(c, q))}


def realization_task(task: Mapping[str, Any]) -> dict[str, Any]:
    """One realization: ``task`` has ``kind`` ("kgiant" or "bhb"), ``seed`` (int or list of ints) and optional
    ``settings`` (:data:`STUDY_SETTINGS` keys). Returns ``{"kind", "seed", "truth": {...}, "jeans": {...},
    "tme": {...}}`` with, per method and quantity, (p2.5, p16, p50, p84, p97.5)."""
    from mwlib.bird22 import dispersion, halo_mocks, jeans, nfw, samples, tme
    from mwlib.bird22.samples import HaloSample

    settings = {**STUDY_SETTINGS, **task.get("settings", {})}
    kind = task["kind"]
    spec = halo_mocks.MOCK_SPECS[kind]
    model = halo_mocks.paper_answer_model(kind)
    mock_rng, kin_rng, sig_rng, jeans_rng, tme_rng, nfw_rng = np.random.default_rng(task["seed"]).spawn(6)
    mock = halo_mocks.make_halo_mock(spec, rng=mock_rng, mass_model=model, sun=coords.BIRD22_SUN)
    from mwlib.bird22 import halo_table

    table, _ = halo_table.correct_vlos_offsets(mock.table)
    kin = samples.compute_kinematics(table, rng=kin_rng, n_draws=settings["n_mc"])
    sample = HaloSample(spec.sample, kind, table, kin, mock.truth, None, False)
    edges = samples.bin_edges(kind)
    disp = dispersion.bin_dispersions(kin.r_kpc, kin.v_kms, kin.v_cov, edges, min_stars=10, on_sparse="flag")
    sigma_fit = dispersion.fit_sigma_profile(disp, rng=sig_rng, **settings["sigma"])
    jeans_p = jeans.jeans_profile(None, None, sample.edges_kpc, sample.density.slope, rng=jeans_rng,
                                  n_mc=settings["n_jeans_mc"], sigma_fit=sigma_fit, dispersions=disp)
    tme_fit_rng, tme_last_rng = tme_rng.spawn(2)
    tme_p = tme.sample_tme_profile(sample, disp, rng=tme_fit_rng, n_boot=settings["n_boot"], on_sparse="flag")
    tme_median = tme.sample_tme_profile(sample, disp, rng=tme_last_rng, n_boot=settings["n_boot"], r_eval="median",
                                        on_sparse="flag")
    out: dict[str, Any] = {"kind": kind, "seed": task["seed"], "truth": {}, "jeans": {}, "tme": {}}
    z68, z95 = 1.0, 1.959964
    for method, profile, last_profile, fit_rng in (("jeans", jeans_p, jeans_p, nfw_rng.spawn(2)[0]),
                                                   ("tme", tme_p, tme_median, nfw_rng.spawn(2)[1])):
        ok = np.asarray(last_profile["ok"], bool)
        row = last_profile[ok][-1]
        r_last = float(row["r_mass_kpc"] if method == "tme" else row["r_median_kpc"])
        m, e = float(row["mass_msun"]) / 1e11, float(row["mass_err_msun"]) / 1e11
        out[method]["M_last_1e11"] = (m - z95 * e, m - z68 * e, m, m + z68 * e, m + z95 * e)
        out[method]["r_last_kpc"] = r_last
        out["truth"][f"M_last_1e11_{method}"] = float(model.mass_enclosed(np.array([r_last]))[0]) / 1e11
        fit = nfw.fit_nfw_profile(profile, rng=fit_rng, **settings["nfw"])
        out[method].update(_nfw_quantities(fit))
    out["truth"].update({"M200_1e12": model.m200_msun / 1e12, "r200_kpc": float(model.r200_kpc), "c": model.concentration})
    return out


def _samples_label(kind: str) -> str:
    return {"kgiant": "kgiant_mock", "bhb": "bhb_mock"}[kind]


def study_table(realizations: Sequence[Mapping[str, Any]]) -> Table:
    """``bird22_mock_study.csv``: per sample, method and quantity: the truth (for M at the last bin: the median
    over realizations of the true M at each realization's radius), the median estimate, the median bias [%] and
    the 68% / 95% coverage, over ``n_real`` realizations."""
    rows = []
    for kind in dict.fromkeys(r["kind"] for r in realizations):
        reals = [r for r in realizations if r["kind"] == kind]
        for method in ("jeans", "tme"):
            for quantity in QUANTITIES:
                q = np.array([r[method][quantity] for r in reals])  # (n, 5)
                truth_key = f"M_last_1e11_{method}" if quantity == "M_last_1e11" else quantity
                truth = np.array([r["truth"][truth_key] for r in reals])
                bias = 100 * np.median(q[:, 2] / truth - 1)
                cover68 = float(np.mean((q[:, 1] <= truth) & (truth <= q[:, 3])))
                cover95 = float(np.mean((q[:, 0] <= truth) & (truth <= q[:, 4])))
                rows.append((_samples_label(kind), method, quantity, float(np.median(truth)), float(np.median(q[:, 2])),
                             float(bias), cover68, cover95, len(reals)))
    table = Table(rows=rows, names=("sample", "method", "quantity", "truth", "median", "bias_pct", "cover68", "cover95",
                                    "n_real"))
    for col in ("truth", "median", "bias_pct", "cover68", "cover95"):
        table[col].info.format = ".4g"
    return table
