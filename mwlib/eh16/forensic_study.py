"""The forensic study of Eadie & Harris (2016) end to end: calibrate every hypothesis of
:mod:`mwlib.eh16.forensics` on the published Watkins et al. (2010) mass alone, refit every scenario under it and
score it on the held-out published numbers (:mod:`mwlib.eh16.forensic_scoring`).

Products of notebook 05b:

* ``results/eh16_forensics.csv`` -- one row per hypothesis: ``hypothesis, parameter, value, n_heldout,
  n_within_50, median_abs_dev_pct`` (Section 5 and the abstract), then the status of the calibration, the W10
  range the bracket allows, the direct beta, the Section 6 score and the median ratio of interval widths;
* ``results/eh16_forensics_detail.csv`` -- hypothesis x published number: published value and interval, ours,
  inside or not, the rule.

Every hypothesis' fits use generators with the same seed (common random numbers), so that the differences
between hypotheses are not sampling noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from astropy.table import Table
from scipy.optimize import minimize_scalar

from mwlib.eh16.fit import FitResult
from mwlib.eh16.forensic_inputs import E11, W10_TARGET_MSUN, ClusterInputs, Tracers, tracers_from_inputs
from mwlib.eh16.forensic_scoring import Comparison, convergence, fit_all, held_out_keys, reproduce, score
from mwlib.eh16.forensics import HYPOTHESES, NATURAL_VALUES, Calibration, calibrate, direct_beta, w10_mass

__all__ = ["Scored", "calibrate_all", "candidates", "score_all", "summary_table", "detail_table",
           "calibration_table", "natural_values_table", "best"]

#: Published numbers that none of the velocity hypotheses can change but that the scoring treats like the
#: others: the labels of numbers computed without a scenario fit.
SPECIAL_LABELS = {"complete data", "W10 beta=0.5", "Group 3"}


@dataclass
class Scored:
    """A hypothesis at one value, its tracers, fits and comparisons (Section 5 + abstract, Section 6)."""

    hypothesis: str
    parameter: str
    value: float | None
    status: str
    tracers: Tracers
    fits: Mapping[str, FitResult]
    section5: list[Comparison]
    section6: list[Comparison]

    @property
    def convergence(self) -> dict[str, Any]:
        """How many of the fits met the R-hat and ESS bars (:func:`mwlib.eh16.forensic_scoring.convergence`):
        ``{"n_fits", "n_converged", "missed"}``."""
        return convergence(self.fits)


def calibrate_all(inputs: ClusterInputs, names: Sequence[str] | None = None) -> dict[str, Calibration]:
    """:func:`mwlib.eh16.forensics.calibrate` for every hypothesis (all of :data:`HYPOTHESES` by default)."""
    return {name: calibrate(HYPOTHESES[name], inputs) for name in (names or HYPOTHESES)}


def candidates(inputs: ClusterInputs, calibrations: Mapping[str, Calibration], near: float = 0.02
               ) -> list[tuple[str, float, str]]:
    """(hypothesis, value, status) to score: every reachable hypothesis at its calibrated value, and those that
    come within ``near`` of the target at the value that minimizes W10 (status "closest")."""
    out = []
    for name, cal in calibrations.items():
        hyp = HYPOTHESES[name]
        if cal.reachable:
            out.append((name, float(cal.value), "calibrated"))
        elif cal.w10_min_msun <= W10_TARGET_MSUN * (1 + near):
            step = (hyp.bracket[1] - hyp.bracket[0]) / 60
            res = minimize_scalar(lambda x: w10_mass(hyp.apply(inputs, x)), method="bounded",
                                  bounds=(cal.argmin - step, cal.argmin + step), options={"xatol": 1e-6})
            out.append((name, float(res.x), f"closest (W10 {res.fun / E11:.3f})"))
    return out


def score_all(inputs: ClusterInputs, excluded_r_kpc: np.ndarray, todo: Sequence[tuple[str, float | None, str]],
              *, seed: int, labels: Sequence[str] | None = None, include_baseline: bool = True,
              **fit_kwargs) -> list[Scored]:
    """Fit and score the baseline (unless ``include_baseline`` is False) and every (hypothesis, value, status) of
    ``todo``; each with ``np.random.default_rng(seed)`` (common random numbers: a seed, not a generator, because
    every hypothesis must start from the same stream). ``labels`` restricts the fits (quick runs).
    Each result's :attr:`Scored.convergence` counts the fits that met the R-hat and ESS bars."""
    from mwlib.eh16.forensic_scoring import FIT_SPECS

    labels = list(labels or FIT_SPECS)
    keys5, keys6 = ([k for k in held_out_keys((sec,)) if k[0] in labels or k[0] in SPECIAL_LABELS]
                    for sec in ("5", "6"))
    if not {"VII", "VIII", "IX"} <= set(labels):
        keys6 = [k for k in keys6 if k[0] != "Group 3"]
    out = []
    for name, value, status in [*([("baseline", None, "baseline")] if include_baseline else []), *todo]:
        tracers = tracers_from_inputs(inputs) if name == "baseline" else HYPOTHESES[name].apply(inputs, value)
        fits = fit_all(tracers, excluded_r_kpc, rng=np.random.default_rng(seed), labels=labels, **fit_kwargs)
        parameter = "" if name == "baseline" else HYPOTHESES[name].parameter
        out.append(Scored(name, parameter, value, status, tracers, fits, reproduce(fits, tracers, keys5),
                          reproduce(fits, tracers, keys6)))
    return out


def summary_table(scored: Sequence[Scored], calibrations: Mapping[str, Calibration]) -> Table:
    """``eh16_forensics.csv``: the scored hypotheses, then the unreachable ones (no fits, n_heldout = 0)."""
    rows = []
    for s in scored:
        s5, s6 = score(s.section5), score(s.section6)
        cal = calibrations.get(s.hypothesis)
        rows.append((s.hypothesis, s.parameter, np.nan if s.value is None else s.value, s5["n_heldout"],
                     s5["n_within_50"], s5["median_abs_dev_pct"], s.status, w10_mass(s.tracers) / E11,
                     np.nan if cal is None else cal.w10_min_msun / E11,
                     np.nan if cal is None else cal.w10_max_msun / E11, direct_beta(s.tracers),
                     s6["n_heldout"], s6["n_within_50"], s6["median_abs_dev_pct"],
                     score(s.section5 + s.section6)["median_width_ratio"]))
    scored_names = {s.hypothesis for s in scored}
    for name, cal in calibrations.items():
        if name in scored_names:
            continue
        hyp = HYPOTHESES[name]
        status = (f"unreachable: W10 >= {cal.w10_min_msun / E11:.3f}e11 in [{hyp.bracket[0]:g}, {hyp.bracket[1]:g}]"
                  f" (at {cal.argmin:.3g})")
        rows.append((name, hyp.parameter, np.nan, 0, 0, np.nan, status, np.nan, cal.w10_min_msun / E11,
                     cal.w10_max_msun / E11, np.nan, 0, 0, np.nan, np.nan))
    table = Table(rows=rows, names=("hypothesis", "parameter", "value", "n_heldout", "n_within_50",
                                    "median_abs_dev_pct", "status", "w10_1e11msun", "w10_min_in_bracket",
                                    "w10_max_in_bracket", "beta_direct", "sec6_n", "sec6_within_50",
                                    "sec6_median_abs_dev_pct", "median_width_ratio"))
    for col in ("value", "median_abs_dev_pct", "w10_1e11msun", "w10_min_in_bracket", "w10_max_in_bracket",
                "beta_direct", "sec6_median_abs_dev_pct", "median_width_ratio"):
        table[col].info.format = ".4g"
    return table


def detail_table(scored: Sequence[Scored]) -> Table:
    """``eh16_forensics_detail.csv``: one row per hypothesis and published number."""
    rows = [(s.hypothesis, c.label, c.quantity, c.section, c.published, np.nan if c.low is None else c.low,
             np.nan if c.high is None else c.high, c.interval or "", c.reproduced,
             np.nan if c.rep_low is None else c.rep_low, np.nan if c.rep_high is None else c.rep_high, c.inside,
             c.abs_dev_pct, c.rule)
            for s in scored for c in s.section5 + s.section6]
    table = Table(rows=rows, names=("hypothesis", "label", "quantity", "section", "published", "low", "high",
                                    "interval", "reproduced", "reproduced_low", "reproduced_high", "inside",
                                    "abs_dev_pct", "rule"))
    for col in ("published", "low", "high", "reproduced", "reproduced_low", "reproduced_high", "abs_dev_pct"):
        table[col].info.format = ".4g"
    return table


def calibration_table(calibrations: Mapping[str, Calibration]) -> Table:
    """Per hypothesis: its bracket, the calibrated value (or none), the W10 range the bracket allows, the W10 at
    its natural value, and what it means."""
    rows = []
    for name, cal in calibrations.items():
        hyp = HYPOTHESES[name]
        rows.append((name, hyp.parameter, f"[{hyp.bracket[0]:g}, {hyp.bracket[1]:g}]",
                     np.nan if cal.value is None else cal.value, cal.w10_min_msun / E11, cal.w10_max_msun / E11,
                     np.nan if cal.w10_natural_msun is None else cal.w10_natural_msun / E11, hyp.description))
    table = Table(rows=rows, names=("hypothesis", "parameter", "bracket", "calibrated value", "W10 min [1e11]",
                                    "W10 max [1e11]", "W10 at natural value", "description"))
    for col in ("calibrated value", "W10 min [1e11]", "W10 max [1e11]", "W10 at natural value"):
        table[col].info.format = ".4g"
    return table


def natural_values_table(inputs: ClusterInputs) -> Table:
    """The W10 mass and the direct beta under each specific slip of :data:`NATURAL_VALUES` at its natural value."""
    rows = []
    for name, value, meaning in NATURAL_VALUES:
        tr = HYPOTHESES[name].apply(inputs, value)
        rows.append((name, value, meaning, w10_mass(tr) / E11, w10_mass(tr) / W10_TARGET_MSUN, direct_beta(tr)))
    table = Table(rows=rows, names=("hypothesis", "value", "meaning", "W10 [1e11 Msun]", "W10 / published",
                                    "direct beta"))
    for col in ("value", "W10 [1e11 Msun]", "W10 / published", "direct beta"):
        table[col].info.format = ".4g"
    return table


def best(summary: Table) -> str:
    """The calibrated hypothesis with the most held-out numbers inside, ties broken by the median deviation."""
    ok = summary[np.asarray(summary["status"]) == "calibrated"]
    order = np.lexsort((np.asarray(ok["median_abs_dev_pct"]), -np.asarray(ok["n_within_50"])))
    return str(ok["hypothesis"][order[0]])
