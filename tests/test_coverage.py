"""Coverage of the Eadie & Harris (2016) credible intervals on mocks (mwlib.eh16.coverage): the mock design, the
mocks, the bookkeeping of the coverage table and its flags on hand-made numbers, and one small coverage task."""

from __future__ import annotations

import math

import numpy as np
import pytest
from astropy.table import Table

from mwlib.eh16 import cluster_kinematics, coverage, forensic_inputs
from mwlib.eh16.model import mass_enclosed
from mwlib.eh16.scenarios import SCENARIOS

TRUTH = {"phi0": 33.0, "gamma": 0.5, "alpha": 3.5, "beta": 0.0}


@pytest.fixture(scope="module")
def real_tracers(gc_kinematics, gc_table):
    """The 89 included clusters as the fits see them (r, vr, vt with NaN for the line-of-sight-only ones)."""
    inputs = forensic_inputs.load_inputs(cluster_kinematics.product_table(gc_kinematics), gc_table)
    return forensic_inputs.tracers_from_inputs(inputs).fit_input()


def test_design_like_a_hand_made_sample():
    design = coverage.MockDesign.like({"r": np.array([5.0, 1.0, 3.0, 10.0, 2.0]),
                                       "vt": np.array([np.nan, 1.0, np.nan, 2.0, 3.0])})
    assert design == coverage.MockDesign(n=5, r_min_kpc=1.0, r_max_kpc=10.0, los_ranks=(2, 3))


def test_design_like_the_real_sample(real_tracers):
    design = coverage.MockDesign.like(real_tracers)
    r, vt = real_tracers["r"], real_tracers["vt"]
    assert design.n == r.size == 89 and len(design.los_ranks) == int(np.isnan(vt).sum()) == 18
    assert (design.r_min_kpc, design.r_max_kpc) == (r.min(), r.max())
    # the ranks are those of the line-of-sight-only clusters in the sorted radii
    assert np.array_equal(np.sort(r)[list(design.los_ranks)], np.sort(r[np.isnan(vt)]))
    assert design.los_ranks[-1] == 88  # the outermost cluster has no proper motion


def test_draw_mocks_hide_vt_exactly_at_the_design_ranks(real_tracers):
    design = coverage.MockDesign.like(real_tracers)
    mocks = coverage.draw_mocks(TRUTH, design, 4, rng=np.random.default_rng(3))
    assert len(mocks) == 4
    for mock in mocks:
        assert set(mock) == {"r", "vr", "vt"} and mock["r"].size == design.n
        ranks = np.argsort(np.argsort(mock["r"], kind="stable"), kind="stable")
        assert np.array_equal(np.flatnonzero(np.isnan(mock["vt"])), np.sort(np.flatnonzero(
            np.isin(ranks, design.los_ranks))))
        assert np.all(np.isfinite(mock["vr"]))
        assert design.r_min_kpc <= mock["r"].min() and mock["r"].max() <= design.r_max_kpc
    assert not np.array_equal(mocks[0]["r"], mocks[1]["r"])  # each mock its own generator
    again = coverage.draw_mocks(TRUTH, design, 4, rng=np.random.default_rng(3))
    assert all(np.array_equal(a["vr"], b["vr"]) for a, b in zip(mocks, again))


def _interval(centre: float, half50: float, half95: float) -> list[float]:
    return [centre - half95, centre - half50, centre, centre + half50, centre + half95]


def test_coverage_table_bookkeeping():
    # M125, truth 4: the 50% intervals hold it in 6 of 10 mocks, the 95% intervals in 9 of 10
    m125 = np.array([_interval(4.0 + d, 0.25, 1.0) for d in (0.0, 0.1, -0.1, 0.2, -0.2, 0.24, 0.5, -0.5, 0.9, 1.5)])
    # beta, truth 0 (bias then in units of 0.01): every interval holds it
    beta = np.array([_interval(d, 0.3, 0.6) for d in (0.1, -0.1, 0.05, 0.0, 0.2, 0.02, -0.03, 0.04, 0.01, 0.0)])
    res = {"scenario": "III", "variant": "baseline", "truth": {"M125": 4.0, "beta": 0.0},
           "quantiles": {"M125": m125, "beta": beta}, "converged": np.array([True] * 9 + [False])}
    table = coverage.coverage_table([res])
    assert table.colnames == ["scenario", "variant", "quantity", "truth", "n_mocks", "cover50", "cover50_err",
                              "cover95", "cover95_err", "bias_pct", "n_converged"]
    m, b = table[0], table[1]
    assert (m["quantity"], m["n_mocks"], m["n_converged"]) == ("M125", 10, 9)
    assert m["cover50"] == pytest.approx(0.6) and m["cover50_err"] == pytest.approx(math.sqrt(0.6 * 0.4 / 10))
    assert m["cover95"] == pytest.approx(0.9) and m["cover95_err"] == pytest.approx(math.sqrt(0.9 * 0.1 / 10))
    assert m["bias_pct"] == pytest.approx(100 * np.median(m125[:, 2] - 4.0) / 4.0)
    assert b["cover50"] == b["cover95"] == 1.0 and b["cover95_err"] == pytest.approx(math.sqrt(0.25 / 10))
    assert b["bias_pct"] == pytest.approx(100 * np.median(beta[:, 2]))


def test_deviations_flag_only_rows_off_nominal():
    table = Table(rows=[("nominal", 100, 0.50, 0.95), ("nearly", 100, 0.45, 0.92), ("low50", 100, 0.30, 0.95),
                        ("low95", 100, 0.50, 0.85), ("high50", 100, 0.62, 0.95)],
                  names=("scenario", "n_mocks", "cover50", "cover95"))
    flagged = coverage.deviations(table)
    assert list(flagged["scenario"]) == ["low50", "low95", "high50"]
    assert flagged["z50"][0] == pytest.approx(-0.2 / math.sqrt(0.25 / 100))
    assert flagged["z95"][1] == pytest.approx(-0.1 / math.sqrt(0.95 * 0.05 / 100))
    assert len(coverage.deviations(table, n_sigma=5.0)) == 0


def test_variants_apply_where_the_scenario_has_the_prior():
    assert coverage.variants_for(SCENARIOS["I"]) == []
    assert coverage.variants_for(SCENARIOS["IV"]) == ["wide Phi_o prior"]
    assert coverage.variants_for(SCENARIOS["IVb"]) == ["wide gamma prior"]
    alpha = ["normalized likelihood", "flat alpha prior", "normalized likelihood, flat alpha prior"]
    assert coverage.variants_for(SCENARIOS["VIII"]) == alpha
    assert coverage.variants_for(SCENARIOS["XII"]) == alpha + ["wide gamma prior"]
    design = coverage.MockDesign(10, 1.0, 100.0, (8, 9))
    for variant, match in (("flat alpha prior", "alpha is fixed"), ("no such variant", "variant must be")):
        with pytest.raises(ValueError, match=match):
            coverage.coverage_task({"scenario": "I", "variant": variant, "truth": TRUTH, "design": design,
                                    "n_mocks": 2, "seed": 0})


def test_a_small_coverage_task(real_tracers):
    design = coverage.MockDesign.like(real_tracers)
    task = {"scenario": "I", "variant": "baseline", "truth": TRUTH, "design": vars(design), "n_mocks": 10,
            "seed": [0, 6000]}
    res = coverage.coverage_task(task)
    assert (res["scenario"], res["variant"]) == ("I", "baseline")
    assert set(res["quantiles"]) == {"M125", "phi0"}  # Scenario I: only Phi_o is free
    assert res["truth"]["M125"] == pytest.approx(float(mass_enclosed(125.0, 33.0, 0.5)) / 1e11)
    for q in res["quantiles"].values():
        assert q.shape == (10, len(coverage.QUANTILES)) and np.all(np.diff(q, axis=1) >= 0)
    assert res["converged"].shape == (10,)
    table = coverage.coverage_table([res])
    assert list(table["n_mocks"]) == [10, 10]
    for row in table:
        assert row["cover95"] * 10 == pytest.approx(round(row["cover95"] * 10))  # k of 10
        assert 0.0 <= row["cover50"] <= row["cover95"] <= 1.0
    assert 0.0 <= coverage.prior_bound_fraction(res, "phi0") <= 1.0
    assert np.isnan(coverage.prior_bound_fraction(res, "M125"))


def _cov_rows(rows):
    from astropy.table import Table

    return Table(rows=rows, names=("scenario", "variant", "quantity", "truth", "n_mocks", "cover50", "cover50_err",
                                   "cover95", "cover95_err", "bias_pct", "n_converged"))


def test_deviations_are_explained_by_what_was_measured():
    base = _cov_rows([("I", "baseline", "M125", 4.0, 200, 0.42, 0.035, 0.93, 0.02, 0.5, 200),
                      ("IVb", "baseline", "gamma", 0.3, 200, 0.33, 0.033, 0.93, 0.02, 11.0, 200),
                      ("X", "baseline", "alpha", 3.2, 200, 0.70, 0.03, 1.0, 0.0, 0.4, 200),
                      ("II", "baseline", "M125", 4.0, 200, 0.40, 0.035, 0.95, 0.02, 0.1, 200),
                      ("V", "baseline", "M125", 4.0, 200, 0.62, 0.035, 0.95, 0.02, 0.1, 200)])
    flagged = coverage.deviations(base)
    assert list(flagged["scenario"]) == ["I", "IVb", "X", "II", "V"]
    variants = _cov_rows([("IVb", "wide gamma prior", "gamma", 0.3, 100, 0.52, 0.05, 0.95, 0.02, -4.0, 100),
                          ("X", "flat alpha prior", "alpha", 3.2, 100, 0.0, 0.0, 0.0, 0.0, -6.0, 100),
                          ("X", "normalized likelihood, flat alpha prior", "alpha", 3.2, 100, 0.62, 0.05, 0.99, 0.01,
                           -0.1, 100)])
    repeats = _cov_rows([("I", "baseline", "M125", 4.0, 1000, 0.481, 0.016, 0.959, 0.006, 0.8, 1000),
                         ("II", "baseline", "M125", 4.0, 1000, 0.44, 0.016, 0.95, 0.007, 0.1, 1000)])
    table = coverage.explain_deviations(flagged, variants, repeats)
    verdict = dict(zip(table["scenario"], table["verdict"]))
    assert verdict["I"] == "chance"  # 0.481 with 1000 mocks: z = -1.2
    assert verdict["II"] == "persists with 1000 mocks"  # 0.44 with 1000 mocks: z = -3.8
    assert verdict["IVb"] == "explained by wide gamma prior"  # bias -4%: not noted
    # X: the best of the two variants is picked; with 100 mocks 0.62 is z = +2.4 and 0.99 is z = +1.8: not within 2
    assert verdict["X"] == "not explained by the variants"
    assert table["test"][list(table["scenario"]).index("X")] == "normalized likelihood, flat alpha prior"
    assert verdict["V"] == "not tested"


def test_a_variant_that_restores_coverage_by_moving_the_estimate_says_so():
    base = _cov_rows([("IV", "baseline", "phi0", 90.0, 200, 0.73, 0.03, 0.99, 0.01, 1.0, 200)])
    variants = _cov_rows([("IV", "wide Phi_o prior", "phi0", 90.0, 100, 0.52, 0.05, 0.97, 0.02, 50.8, 100)])
    table = coverage.explain_deviations(coverage.deviations(base), variants, base[:0])
    assert table["verdict"][0] == "explained by wide Phi_o prior, with a bias of +51%"
    empty = coverage.explain_deviations(coverage.deviations(base), variants[:0], base[:0])
    assert empty["verdict"][0] == "not tested"
