"""Running Eadie & Harris (2016)'s analysis on a tracer table: the fit input from notebook 01's product, every
scenario at once, the records of a fit that later notebooks read, and the task of a sweep
(:func:`mwlib.core.sweeps.run_sweep`).

Products of notebook 05 (read by notebooks 05b, 06 and 07):

* ``results/df_summary.json``: per scenario the :func:`fit_record` without arrays -- parameter summaries, M125,
  Mvir, rvir, diagnostics, M(<r) quantiles at :data:`EXTRAPOLATION_RADII_KPC`;
* ``results/eh16_mass_profiles.csv``: per scenario the M(<r) percentiles :data:`PROFILE_PERCENTILES` [1e11 Msun]
  on :data:`PROFILE_GRID_KPC`;
* ``results/local/df/<scenario>.npz``: the posterior draws and chains (not committed).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from astropy.table import Table
from numpy.typing import ArrayLike

from mwlib.eh16.fit import FitResult, _quantile_summary, fit
from mwlib.eh16.posterior import TracerTable
from mwlib.eh16.scenarios import SCENARIOS, Scenario

__all__ = ["EXTRAPOLATION_RADII_KPC", "PROFILE_GRID_KPC", "PROFILE_PERCENTILES", "gc_tracers", "fit_scenarios",
           "fit_record", "write_records", "read_summaries", "read_profiles", "sweep_fit"]

#: The radii at which Eadie & Harris (2016) quote enclosed masses (Sections 5-6) [kpc].
EXTRAPOLATION_RADII_KPC: tuple[float, ...] = (38.5, 50.0, 80.0, 100.0, 125.0, 150.0, 250.0, 300.0, 310.0)
#: The radial grid of the tabulated mass profiles [kpc].
PROFILE_GRID_KPC: np.ndarray = np.logspace(np.log10(0.5), np.log10(320.0), 80)
#: Percentiles kept for mass profiles: the 50, 75 and 95% central regions.
PROFILE_PERCENTILES: tuple[float, ...] = (2.5, 12.5, 25.0, 50.0, 75.0, 87.5, 97.5)
SUMMARY = "df_summary.json"
PROFILES = "eh16_mass_profiles.csv"


def gc_tracers(table: Table | Mapping[str, ArrayLike]) -> dict[str, np.ndarray]:
    """The fit input from the globular-cluster data product (notebook 01).

    Included clusters only; ``vt`` is NaN for the line-of-sight-only ones.
    """
    included = np.asarray(table["included"], bool)
    complete = np.asarray(table["complete"], bool)[included]
    return {
        "r": np.asarray(table["r_kpc"], float)[included],
        "vr": np.asarray(table["vr"], float)[included],
        "vt": np.where(complete, np.asarray(table["vt"], float)[included], np.nan),
    }


def fit_scenarios(tracers: TracerTable, scenarios: Mapping[str, Scenario], *, rng: np.random.Generator,
                  alpha_prior: tuple[float, float] | None = None, progress: bool = True,
                  **fit_kwargs: Any) -> dict[str, FitResult]:
    """Fit every scenario, each with its own child of ``rng`` (spawned in the order given), with a progress bar."""
    from tqdm import tqdm

    results = {}
    names = list(scenarios)
    for name, child in zip(tqdm(names, desc="scenarios", disable=not progress), rng.spawn(len(names))):
        scenario = scenarios[name]
        results[name] = fit(tracers, scenario, rng=child,
                            alpha_prior=alpha_prior if scenario.needs_alpha_prior else None,
                            **fit_kwargs)
    return results


def fit_record(result: FitResult, radii_kpc=EXTRAPOLATION_RADII_KPC, profile_r_kpc=PROFILE_GRID_KPC) -> dict[str, Any]:
    """What later notebooks need of a fit: :meth:`FitResult.summary`, M(<r) quantiles [Msun] at ``radii_kpc``, and
    the M(<r) percentiles [Msun] on ``profile_r_kpc`` (None: no profile)."""
    out = {"summary": result.summary(),
           "mass_at": {float(r): _quantile_summary(result.mass(float(r))) for r in radii_kpc}}
    if profile_r_kpc is not None:
        grid = np.asarray(profile_r_kpc, float)
        out["profile"] = {"r_kpc": grid, "percentiles": np.array(PROFILE_PERCENTILES),
                          "mass_msun": np.percentile(result.mass(grid), PROFILE_PERCENTILES, axis=0)}
    return out


def write_records(run, fits: Mapping[str, FitResult]) -> dict[str, dict[str, Any]]:
    """The products of notebook 05 (module docstring); returns the records."""
    records = {name: fit_record(result) for name, result in fits.items()}
    for name, result in fits.items():
        result.save_npz(run.output(f"local/df/{name}.npz"))
    run.write_json(SUMMARY, {name: {"summary": rec["summary"], "mass_at": rec["mass_at"]}
                             for name, rec in records.items()})
    rows = [(name, float(r), *(m / 1e11 for m in rec["profile"]["mass_msun"][:, j]))
            for name, rec in records.items() for j, r in enumerate(rec["profile"]["r_kpc"])]
    table = Table(rows=rows, names=("scenario", "r_kpc", *(f"p{p:g}_1e11msun" for p in PROFILE_PERCENTILES)))
    for col in table.colnames[1:]:
        table[col].info.format = ".6g"
    run.write_csv(PROFILES, table)
    return records


def read_summaries(run) -> dict[str, dict[str, Any]]:
    """Notebook 05's ``df_summary.json`` (JSON keys of ``mass_at`` turned back into radii)."""
    data = run.read_json(SUMMARY, producer="05_bayesian_df")
    for rec in data.values():
        rec["mass_at"] = {float(r): q for r, q in rec["mass_at"].items()}
    return data


def read_profiles(run) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Notebook 05's mass profiles: ``{scenario: (r_kpc, percentiles [1e11 Msun], shape (7, n_r))}``."""
    from mwlib.core.tables import ColumnSpec, read_validated_csv

    specs = [ColumnSpec("scenario", "str"), ColumnSpec("r_kpc", non_negative=True)] + [
        ColumnSpec(f"p{p:g}_1e11msun", non_negative=True) for p in PROFILE_PERCENTILES]
    table = read_validated_csv(run.input(PROFILES, producer="05_bayesian_df"), specs)
    out = {}
    for name in dict.fromkeys(table["scenario"]):
        rows = table[table["scenario"] == name]
        out[str(name)] = (np.asarray(rows["r_kpc"]), np.array([rows[f"p{p:g}_1e11msun"] for p in PROFILE_PERCENTILES]))
    return out


def sweep_fit(task: Mapping[str, Any]) -> dict[str, Any]:
    """One fit of a sweep (picklable, for :func:`mwlib.core.sweeps.run_sweep`).

    ``task`` keys: ``tracers`` (dict of r, vr, vt arrays), ``scenario`` (a key of :data:`SCENARIOS` or a
    :class:`Scenario`), ``seed`` (of the fit's generator); optional ``alpha_prior``, ``r_min_kpc`` (keep tracers
    beyond it), ``radii_kpc`` (M(<r) summaries), ``profile_r_kpc`` (a grid for mass-profile percentiles),
    ``fit_kwargs``, and any labels, which are passed through. Returns the labels, the sample size and incomplete
    fraction, and :func:`fit_record`.
    """
    tracers = {k: np.asarray(v, float) for k, v in task["tracers"].items()}
    r_min = task.get("r_min_kpc")
    if r_min is not None:
        keep = tracers["r"] > r_min
        tracers = {k: v[keep] for k, v in tracers.items()}
    scenario = task["scenario"]
    scenario = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    result = fit(tracers, scenario, rng=np.random.default_rng(int(task["seed"])),
                 alpha_prior=task.get("alpha_prior") if scenario.needs_alpha_prior else None,
                 warn=False, **task.get("fit_kwargs", {}))
    out = {k: v for k, v in task.items() if k not in ("tracers", "fit_kwargs", "alpha_prior")}
    out["scenario"] = scenario.name or str(task["scenario"])
    out["n_tracers"] = int(tracers["r"].size)
    out["incomplete_fraction"] = float(np.isnan(tracers["vt"]).mean())
    out.update(fit_record(result, task.get("radii_kpc", ()), task.get("profile_r_kpc")))
    return out
