"""The forensic study of Eadie & Harris (2016): hypotheses (mwlib.eh16.forensics) on the inputs of the committed
Table 1 (mwlib.eh16.forensic_inputs), their calibration on the Watkins et al. (2010) mass, a mock with a known
injected error, and the scoring rules (mwlib.eh16.forensic_scoring, forensic_study). No external data needed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from astropy.table import Table

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN as G
from mwlib.eh16 import cluster_kinematics, estimators, forensic_inputs, forensic_scoring, forensic_study, forensics
from mwlib.eh16.published import EADIE16_RESULTS


@pytest.fixture(scope="module")
def baseline(gc_kinematics):
    """Notebook 01's product (in memory) of the committed Table 1."""
    return cluster_kinematics.product_table(gc_kinematics)


@pytest.fixture(scope="module")
def inputs(baseline, gc_table):
    return forensic_inputs.load_inputs(baseline, gc_table)


@pytest.fixture(scope="module")
def calibrations(inputs):
    return forensic_study.calibrate_all(inputs)


def test_inputs_are_the_89_included_clusters(inputs, baseline):
    assert inputs.n == int(np.sum(baseline["included"])) == 89
    assert int(inputs.complete.sum()) == 71
    assert np.all(np.isnan(inputs.pmra[~inputs.complete])) and np.all(np.isfinite(inputs.pmra[inputs.complete]))
    assert np.all(np.isfinite(inputs.vlos_err)) and np.all(inputs.distance_kpc > 0)


def test_every_hypothesis_at_its_neutral_value_is_the_baseline(inputs, baseline):
    """(a) Each hypothesis at its neutral value reproduces notebook 01's velocities exactly."""
    diffs = forensics.check_neutral(inputs, baseline)
    assert set(diffs) == set(forensics.HYPOTHESES)
    assert max(diffs.values()) < 1e-8
    base = forensic_inputs.tracers_from_inputs(inputs)
    for name, hyp in forensics.HYPOTHESES.items():
        assert hyp.bracket[0] <= hyp.neutral <= hyp.bracket[1], name
        tr = hyp.apply(inputs, hyp.neutral)
        assert (tr.r_out_kpc, tr.w10_exponent) == (base.r_out_kpc, base.w10_exponent), name
    # and the check can fail: one velocity off by 1e-6 km/s
    off = baseline.copy()
    row = int(np.flatnonzero(np.asarray(off["included"]) & np.asarray(off["complete"]))[0])
    off["vt"][row] += 1e-6
    with pytest.raises(AssertionError, match="differs from the baseline"):
        forensics.check_neutral(inputs, off)


def test_every_hypothesis_changes_something_away_from_neutral(inputs):
    base = forensic_inputs.tracers_from_inputs(inputs)
    for name, hyp in forensics.HYPOTHESES.items():
        value = hyp.natural if hyp.natural is not None else hyp.neutral + 0.2 * (hyp.bracket[1] - hyp.bracket[0])
        tr = hyp.apply(inputs, value)
        changed = max(float(np.nanmax(np.abs(getattr(tr, k) - getattr(base, k)))) for k in ("r", "vr", "vt"))
        estimator_only = (tr.r_out_kpc, tr.w10_exponent) != (base.r_out_kpc, base.w10_exponent)
        assert changed > 1e-6 or estimator_only, name


def test_w10_is_the_watkins_formula_with_the_papers_beta_ratio(inputs):
    """W10 Eq. 24 by hand on the complete clusters; the beta = 0.5 / beta = 0 ratio is the formula's 1.125, which the
    paper's two numbers (2.01 and 1.79e11 Msun) show to their three digits."""
    tr = forensic_inputs.tracers_from_inputs(inputs)
    c = tr.complete
    v2 = tr.vr[c] ** 2 + tr.vt[c] ** 2
    by_hand = (3.5 + 0.5) / (G * 3.0) * 38.5**0.5 * np.mean(v2 * tr.r[c] ** 0.5)
    assert forensics.w10_mass(tr) == pytest.approx(by_hand, rel=1e-12)
    ratio = forensics.w10_mass(tr, beta=0.5) / forensics.w10_mass(tr)
    assert ratio == pytest.approx(1.125, rel=1e-12)
    published = EADIE16_RESULTS[("W10 beta=0.5", "M(<38.5)")]["value"] / EADIE16_RESULTS[("W10 beta=0", "M(<38.5)")]["value"]
    assert ratio == pytest.approx(published, rel=3e-3)
    assert forensic_inputs.W10_TARGET_MSUN == 1.79e11
    # the estimator-only exponent hypothesis at p = 0.5 is the same formula
    assert forensics.w10_mass(replace(tr, w10_exponent=0.5000000001)) == pytest.approx(forensics.w10_mass(tr), rel=1e-8)


def test_calibration_hits_the_target_for_every_reachable_hypothesis(inputs, calibrations):
    """(b) Every reachable hypothesis is solved to W10 = 1.79e11 Msun within 0.5%; the others cannot reach it."""
    target = forensic_inputs.W10_TARGET_MSUN
    assert set(calibrations) == set(forensics.HYPOTHESES)
    reachable = [name for name, cal in calibrations.items() if cal.reachable]
    assert {"v_all", "vt_complete", "vr_all"} <= set(reachable)
    for name, cal in calibrations.items():
        hyp = forensics.HYPOTHESES[name]
        assert cal.w10_min_msun <= cal.w10_max_msun
        if cal.reachable:
            assert hyp.bracket[0] <= cal.value <= hyp.bracket[1], name
            w10 = forensics.w10_mass(hyp.apply(inputs, cal.value))
            assert abs(w10 / target - 1) <= forensic_inputs.CALIBRATION_RTOL, name
            assert cal.w10_min_msun <= target * (1 + 1e-9) and cal.w10_max_msun >= target * (1 - 1e-9), name
            assert cal.n_roots >= 1
        else:
            assert cal.value is None and cal.n_roots == 0
            assert cal.w10_min_msun > target or cal.w10_max_msun < target, name
    todo = forensic_study.candidates(inputs, calibrations)
    assert {n for n, _, status in todo if status == "calibrated"} == set(reachable)
    table = forensic_study.calibration_table(calibrations)
    assert len(table) == len(calibrations) and np.sum(np.isfinite(table["calibrated value"])) == len(reachable)


def test_calibration_recovers_an_injected_tangential_scale(inputs):
    """(c) A mock with known truth: the W10 target of the baseline clusters whose complete-cluster v_t is scaled by
    s_true (radial velocities unchanged), computed independently with the Watkins estimator; calibrating the
    vt_complete hypothesis against it returns s_true."""
    base = forensic_inputs.tracers_from_inputs(inputs)
    c = base.complete
    for name, s_true, speed in (("vt_complete", 0.8, lambda s: np.hypot(base.vr[c], s * base.vt[c])),
                                ("v_all", 0.9, lambda s: s * np.hypot(base.vr[c], base.vt[c]))):
        target = estimators.watkins2010_mass_3d(base.r[c], speed(s_true), tracer_slope=3.5, beta=0.0,
                                                potential_slope=0.5, r_out_kpc=forensic_inputs.W10_R_OUT_KPC)
        cal = forensics.calibrate(forensics.HYPOTHESES[name], inputs, target_msun=target)
        assert cal.reachable and cal.value == pytest.approx(s_true, abs=1e-6), (name, cal.value)
        assert cal.w10_msun == pytest.approx(target, rel=1e-9)
    # a target below anything the bracket allows: v_all in [0.5, 1.5] gives at least 0.25 x the baseline W10
    w10_base = forensics.w10_mass(base)
    low = forensics.calibrate(forensics.HYPOTHESES["v_all"], inputs, target_msun=0.1 * w10_base)
    assert not low.reachable and low.value is None
    assert low.w10_min_msun == pytest.approx(0.25 * w10_base, rel=1e-9) and low.argmin == pytest.approx(0.5)


def test_direct_beta_under_a_tangential_scale(inputs):
    """Eq. 11 with sample variances: scaling v_theta and v_phi by s gives beta = 1 - s^2 (1 - beta_0)."""
    beta0 = forensics.direct_beta(forensic_inputs.tracers_from_inputs(inputs))
    for s in (0.5, 0.8, 1.2):
        scaled = forensics.HYPOTHESES["vt_complete"].apply(inputs, s)
        assert forensics.direct_beta(scaled) == pytest.approx(1 - s**2 * (1 - beta0), rel=1e-10)


def test_natural_values_table(inputs):
    table = forensic_study.natural_values_table(inputs)
    assert len(table) == len(forensics.NATURAL_VALUES)
    np.testing.assert_allclose(table["W10 / published"] * forensic_inputs.W10_TARGET_MSUN / 1e11,
                               table["W10 [1e11 Msun]"], rtol=1e-12)
    assert set(table["hypothesis"]) <= set(forensics.HYPOTHESES)


# ---- (d) the scoring rules on hand-made numbers ------------------------------------------------
def test_compare_inside_a_50_percent_interval():
    key = ("I", "M125")  # 4.28 (3.69, 4.73), 50%
    assert forensic_scoring.compare(key, 4.0).inside and forensic_scoring.compare(key, 3.69).inside
    assert not forensic_scoring.compare(key, 4.8).inside and not forensic_scoring.compare(key, 3.6).inside
    comp = forensic_scoring.compare(key, 4.0)
    assert comp.rule == "inside [3.69, 4.73]" and comp.section == "5"
    assert comp.abs_dev_pct == pytest.approx(100 * 0.28 / 4.28)
    # our own 50% interval from draws, and the ratio of widths
    draws = np.random.default_rng(0).normal(4.0, 1.0, 200_000)
    comp = forensic_scoring.compare(key, 4.0, draws)
    assert comp.rep_low == pytest.approx(4.0 - 0.6745, abs=0.01) and comp.rep_high == pytest.approx(4.0 + 0.6745, abs=0.01)
    assert comp.width_ratio == pytest.approx(2 * 0.6745 / (4.73 - 3.69), rel=0.02)
    # an interval-only number is compared through its midpoint
    only = forensic_scoring.compare(("IVb", "M125"), 5.5)  # (5.00, 6.61)
    assert only.inside and only.published == pytest.approx(5.805)
    assert not forensic_scoring.compare(("IVb", "M125"), 6.7).inside
    # a +- range is an interval too: 185 +- 7 kpc
    assert forensic_scoring.compare(("XII", "rvir_kpc"), 191.9).inside
    assert not forensic_scoring.compare(("XII", "rvir_kpc"), 192.1).inside


def test_compare_shrinks_a_95_percent_interval_to_its_gaussian_50_percent_core():
    key = ("VIb", "M(<50)")  # 3.09 (2.43, 3.86), 95%
    shrink = 0.6745 / 1.96
    lo, hi = 3.09 - shrink * (3.09 - 2.43), 3.09 + shrink * (3.86 - 3.09)
    assert forensic_scoring.SHRINK_95_TO_50 == pytest.approx(shrink)
    assert forensic_scoring.compare(key, lo + 1e-6).inside and forensic_scoring.compare(key, hi - 1e-6).inside
    assert not forensic_scoring.compare(key, hi + 1e-3).inside and not forensic_scoring.compare(key, lo - 1e-3).inside
    assert not forensic_scoring.compare(key, 3.7).inside  # inside the published 95%, outside its 50% core
    comp = forensic_scoring.compare(key, 3.09, np.random.default_rng(1).normal(3.09, 0.2, 100_000))
    assert comp.rep_high - comp.rep_low == pytest.approx(2 * 1.96 * 0.2, rel=0.02)  # our 95% interval


def test_compare_uses_the_tolerances_without_an_interval():
    assert forensic_scoring.compare(("VII", "alpha"), 3.24).inside  # 3.2, +-0.05 absolute
    assert not forensic_scoring.compare(("VII", "alpha"), 3.26).inside
    assert forensic_scoring.compare(("VIb", "phi0"), 32.9).inside  # 30, +-10% relative
    assert not forensic_scoring.compare(("VIb", "phi0"), 33.1).inside
    assert forensic_scoring.compare(("VIb", "phi0"), 32.9).rule == "within ±10%"
    assert forensic_scoring.compare(("complete data", "beta"), 0.22).inside  # 0.209 +- 0.02
    with pytest.raises(KeyError):
        forensic_scoring.compare(("alpha prior", "mode"), 3.4)  # not held out: no tolerance


def test_score_and_held_out_keys():
    comps = [forensic_scoring.compare(("I", "M125"), 4.0), forensic_scoring.compare(("II", "M125"), 6.0),
             forensic_scoring.compare(("VII", "alpha"), 3.2)]
    s = forensic_scoring.score(comps)
    assert (s["n_heldout"], s["n_within_50"]) == (3, 2)
    assert s["median_abs_dev_pct"] == pytest.approx(100 * 0.28 / 4.28)
    assert forensic_scoring.score([])["n_heldout"] == 0
    keys5 = forensic_scoring.held_out_keys()
    assert not set(keys5) & forensic_scoring.NOT_HELD_OUT
    assert ("I", "M125") in keys5 and ("XII", "M(<150)") not in keys5  # Section 6 is scored separately
    assert ("XII", "M(<150)") in forensic_scoring.held_out_keys(("6",))


def test_best_hypothesis_has_the_most_numbers_inside():
    summary = Table(rows=[("baseline", "baseline", 9, 10.0), ("a", "calibrated", 12, 8.0),
                          ("b", "calibrated", 12, 5.0), ("c", "closest (W10 1.80)", 20, 1.0),
                          ("d", "calibrated", 3, 0.5)],
                    names=("hypothesis", "status", "n_within_50", "median_abs_dev_pct"))
    assert forensic_study.best(summary) == "b"  # tie at 12 broken by the smaller deviation; c is not calibrated


def test_scoring_records_how_many_fits_met_the_convergence_bars(inputs, baseline):
    excluded = np.asarray(baseline["r_kpc"][~np.asarray(baseline["included"])], float)
    short = dict(n_walkers=8, n_draws=5, max_draws=5)  # far too short to meet the bars
    scored = forensic_study.score_all(inputs, excluded, [], seed=3, labels=["I", "II"], **short)
    conv = scored[0].convergence
    assert conv == {"n_fits": 2, "n_converged": 0, "missed": ["I", "II"]}
    fits = scored[0].fits
    assert forensic_scoring.convergence(fits) == conv
    assert forensic_scoring.convergence({}) == {"n_fits": 0, "n_converged": 0, "missed": []}
