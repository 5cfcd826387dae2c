"""Scoring the forensic hypotheses of Eadie & Harris (2016) (:mod:`mwlib.eh16.forensics`) on held-out numbers.

For a hypothesis' tracers, :func:`fit_all` runs the same Bayesian fits as the baseline (every scenario, Scenario III
beyond r_cut = 5-20 kpc, XII beyond 10 kpc, IX beyond 6.64 kpc); :func:`reproduce` puts each published number of
Section 5 and the abstract beside ours, and :func:`compare` decides whether it is "inside": a published 50%
interval (or a +- range) must contain our value, a 95% interval is shrunk to its Gaussian 50% core, and numbers
quoted without an interval use the fixed tolerances of :data:`TOLERANCES`. :func:`score` counts them and gives
the median absolute deviation. The W10 masses (the calibration target and its beta = 0.5 twin) and the alpha
prior's mode are not held out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from mwlib.eh16.fit import FitResult, fit
from mwlib.eh16.forensic_inputs import E11, Tracers
from mwlib.eh16.forensics import direct_beta, w10_mass
from mwlib.eh16.published import EADIE16_RESULTS
from mwlib.eh16.reports import draws_of, statistic
from mwlib.eh16.scenarios import SCENARIOS, alpha_prior_from_radii

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Held-out numbers: the Bayesian fits and the comparison
# ---------------------------------------------------------------------------------------------
#: The scenario fits behind the published numbers: label -> (scenario key, r_min [kpc], alpha-prior r_min).
FIT_SPECS: dict[str, tuple[str, float | None, float | None]] = {
    **{k: (k, None, None) for k in ("I", "II", "III", "IV", "V", "VI", "IVb", "Vb", "VIb",
                                    "VII", "VIII", "IX", "X", "XI", "XII")},
    "III r>5": ("III", 5.0, None), "III r>10": ("III", 10.0, None), "III r>15": ("III", 15.0, None),
    "III r>20": ("III", 20.0, None), "XII r>10": ("XII", 10.0, None), "IX r>6.64": ("IX", 6.64, 6.64),
}

#: Published numbers excluded from the score: the calibration target; W10 at beta = 0.5, which is
#: the target times the formula's fixed factor 1.125 for every calibrated hypothesis; the sample
#: counts and the alpha prior, which no velocity hypothesis changes.
NOT_HELD_OUT = {("W10 beta=0", "M(<38.5)"), ("W10 beta=0.5", "M(<38.5)"), ("alpha prior", "mode")}

#: Tolerances for published numbers without an interval (absolute, or relative if ``rel``).
TOLERANCES: dict[tuple[str, str], tuple[float, bool]] = {
    ("VII", "alpha"): (0.05, False), ("VIII", "alpha"): (0.05, False), ("IX", "alpha"): (0.05, False),
    ("IX r>6.64", "alpha"): (0.05, False), ("IX r>6.64", "beta"): (0.05, False),
    ("VIb", "phi0"): (0.10, True), ("VIb", "gamma"): (0.02, False), ("VIb", "beta"): (0.05, False),
    ("complete data", "beta"): (0.02, False),
}
#: 95% intervals are shrunk to the Gaussian-equivalent 50% interval around the centre: 0.6745 / 1.96.
SHRINK_95_TO_50: float = 0.6745 / 1.96


def section_of(where: str) -> str:
    """'5' for Section 5 and the abstract, '6' for Section 6."""
    return "6" if where.startswith("Sec. 6") else "5"


def held_out_keys(sections: Sequence[str] = ("5",)) -> list[tuple[str, str]]:
    """Published numbers scored, in published.py order (Sec. 5 + abstract by default)."""
    return [key for key, pub in EADIE16_RESULTS.items()
            if key not in NOT_HELD_OUT and section_of(pub["where"]) in sections]


def fit_all(tracers: Tracers, excluded_r_kpc: np.ndarray, *, rng: np.random.Generator,
            labels: Sequence[str] | None = None, **fit_kwargs: Any) -> dict[str, FitResult]:
    """The baseline's fits (:func:`mwlib.eh16.fit.fit`, default sampler) for every label of :data:`FIT_SPECS`,
    each with its own child of ``rng`` (give every hypothesis a generator with the same seed: common random
    numbers, so that differences between hypotheses are not sampling noise).

    The fits do not warn one by one (a study runs hundreds); :func:`convergence` counts those that met the
    R-hat and ESS bars, and the count is logged here."""
    base_prior = alpha_prior_from_radii(excluded_r_kpc, b_kpc=0.4, c=0.001, p=0.001)
    data = tracers.fit_input()
    out = {}
    labels = list(labels or FIT_SPECS)
    for label, child in zip(labels, rng.spawn(len(labels))):
        key, r_min, prior_r_min = FIT_SPECS[label]
        tr = data if r_min is None else {k: v[data["r"] > r_min] for k, v in data.items()}
        prior = base_prior if prior_r_min is None else alpha_prior_from_radii(
            excluded_r_kpc[excluded_r_kpc > prior_r_min], b_kpc=prior_r_min, c=0.001, p=0.001)
        scenario = SCENARIOS[key]
        out[label] = fit(tr, scenario, rng=child, alpha_prior=prior if scenario.needs_alpha_prior else None,
                         warn=False, **fit_kwargs)
    conv = convergence(out)
    if conv["missed"]:
        logger.info("%d of %d fits met the convergence bars; missed: %s", conv["n_converged"], conv["n_fits"],
                    ", ".join(conv["missed"]))
    return out


def convergence(fits: Mapping[str, FitResult]) -> dict[str, Any]:
    """How many of ``fits`` met their convergence bars (R-hat < rhat_max and ESS > ess_min for every free
    parameter, :attr:`mwlib.eh16.fit.FitResult.converged`): ``{"n_fits", "n_converged", "missed"}`` with the
    labels of the fits that did not."""
    missed = [label for label, res in fits.items() if not res.converged]
    return {"n_fits": len(fits), "n_converged": len(fits) - len(missed), "missed": missed}


@dataclass
class Comparison:
    """One published number against its reproduction."""

    label: str
    quantity: str
    section: str
    published: float  # central value, or the interval's midpoint when only an interval is printed
    low: float | None
    high: float | None
    interval: str | None
    reproduced: float
    rep_low: float | None  # our interval of the same kind (50% or 95%)
    rep_high: float | None
    inside: bool
    rule: str

    @property
    def abs_dev_pct(self) -> float:
        return float(100 * abs(self.reproduced - self.published) / abs(self.published))

    @property
    def width_ratio(self) -> float | None:
        """Our interval width over the published one (50% and 95% intervals only)."""
        if self.rep_low is None or self.low is None or self.interval not in ("50%", "95%"):
            return None
        return float((self.rep_high - self.rep_low) / (self.high - self.low))


def compare(key: tuple[str, str], reproduced: float, draws: np.ndarray | None = None) -> Comparison:
    """Compare one published number with ``reproduced`` (same statistic as published).

    Rules: a published 50% interval (or +-/+a-b range) -> ``reproduced`` inside it; a 95% interval
    -> inside the central 50%-equivalent part (centre -/+ 0.344 x each half-width); no interval
    -> within :data:`TOLERANCES`. Interval-only numbers use our median and the midpoint.
    """
    pub = EADIE16_RESULTS[key]
    value, low, high, interval = pub["value"], pub["low"], pub["high"], pub["interval"]
    centre = value if value is not None else 0.5 * (low + high)
    rep_low = rep_high = None
    if draws is not None and interval in ("50%", "95%"):
        half = 25.0 if interval == "50%" else 47.5
        rep_low, rep_high = (float(x) for x in np.percentile(draws, [50 - half, 50 + half]))
    if low is None:
        tol, rel = TOLERANCES[key]
        inside = abs(reproduced - centre) <= (tol * abs(centre) if rel else tol)
        rule = f"within {'±%g%%' % (100 * tol) if rel else '±%g' % tol}"
    elif interval == "95%":
        lo = centre - SHRINK_95_TO_50 * (centre - low)
        hi = centre + SHRINK_95_TO_50 * (high - centre)
        inside = lo <= reproduced <= hi
        rule = f"95% shrunk to [{lo:.3g}, {hi:.3g}]"
    else:
        inside = low <= reproduced <= high
        rule = f"inside [{low:g}, {high:g}]"
    return Comparison(key[0], key[1], section_of(pub["where"]), float(centre), low, high, interval,
                      float(reproduced), rep_low, rep_high, bool(inside), rule)


def reproduce(fits: Mapping[str, FitResult], tracers: Tracers,
              keys: Sequence[tuple[str, str]]) -> list[Comparison]:
    """Every published number of ``keys`` from the fits (statistic: mean if the paper says mean)."""
    out = []
    for key in keys:
        label, quantity = key
        pub = EADIE16_RESULTS[key]
        if label == "complete data":
            out.append(compare(key, direct_beta(tracers)))
        elif label == "W10 beta=0.5":
            out.append(compare(key, w10_mass(tracers, beta=0.5) / E11))
        elif label == "Group 3":  # the range of the 95% intervals over Scenarios VII-IX
            ends = [np.percentile(draws_of(fits[s], "M(<300)"), [2.5, 97.5]) for s in ("VII", "VIII", "IX")]
            lo, hi = min(e[0] for e in ends), max(e[1] for e in ends)
            mid = 0.5 * (lo + hi)
            comp = compare(key, mid)
            comp.rep_low, comp.rep_high = float(lo), float(hi)
            out.append(comp)
        else:
            draws = draws_of(fits[label], quantity)
            out.append(compare(key, statistic(draws, pub), draws))
    return out


def score(comparisons: Sequence[Comparison]) -> dict[str, float]:
    """n_heldout, n_within_50 (inside by the rules of :func:`compare`), median |deviation| [%]."""
    if not comparisons:
        return {"n_heldout": 0, "n_within_50": 0, "median_abs_dev_pct": float("nan"), "median_width_ratio": float("nan")}
    widths = [c.width_ratio for c in comparisons if c.width_ratio is not None]
    return {"n_heldout": len(comparisons), "n_within_50": int(sum(c.inside for c in comparisons)),
            "median_abs_dev_pct": float(np.median([c.abs_dev_pct for c in comparisons])),
            "median_width_ratio": float(np.median(widths)) if widths else float("nan")}
