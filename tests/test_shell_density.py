"""The tracer density of Bird et al. (2022) Section 4.2 (mwlib.bird22.shell_density with mwlib.bird22.density):
flattened models averaged on spheres and shells, and the broken-power-law fit to the shells, on models whose
spherical averages are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from mwlib.bird22 import density, shell_density

EDGES = np.geomspace(4.0, 60.0, 15)


def test_sphere_and_shell_averages_of_a_constant_are_the_constant():
    r = np.array([0.5, 3.0, 17.0, 120.0])
    const = lambda R, z: np.full(np.shape(R), 3.7)  # noqa: E731
    np.testing.assert_allclose(density.shell_average(const, r), 3.7, rtol=1e-13)
    np.testing.assert_allclose(density.shell_volume_average(const, EDGES), 3.7, rtol=1e-13)
    # and of a spherical profile: the profile itself (sphere) and its exact shell mean (shells)
    bpl = density.BrokenPowerLaw(3.5, 22.0, 4.7)
    spherical = lambda R, z: bpl.density(np.hypot(R, z))  # noqa: E731
    np.testing.assert_allclose(density.shell_average(spherical, r), bpl.density(r), rtol=1e-12)
    np.testing.assert_allclose(density.shell_volume_average(spherical, EDGES, r_splits_kpc=[22.0]),
                               bpl.shell_mean(EDGES), rtol=1e-10)


def test_a_spherical_flattened_model_is_its_broken_power_law():
    model = density.FlattenedBrokenPowerLaw(alpha_in=3.5, r_break_kpc=22.0, alpha_out=4.7, q=1.0)
    exact = density.BrokenPowerLaw(3.5, 22.0, 4.7).shell_mean(EDGES)
    np.testing.assert_allclose(model.shell_volume_average(EDGES), exact, rtol=1e-10)


def test_the_shell_fit_recovers_a_spherical_broken_power_law():
    """q = 1: the shells hold the broken power law itself, and the fit returns its parameters (to far better than
    the paper's quoted slope errors of +-0.001-0.004 would need: the shells hold a model, not stars)."""
    model = density.FlattenedBrokenPowerLaw(alpha_in=3.5, r_break_kpc=22.0, alpha_out=4.7, q=1.0)
    fit = shell_density.model_shell_fit(model, EDGES, rng=np.random.default_rng(1), n_walkers=32, n_steps=400,
                                        n_burn=200)
    p = fit.percentiles
    for name, truth, tol in (("alpha_in", 3.5, 0.01), ("r_break_kpc", 22.0, 0.1), ("alpha_out", 4.7, 0.01),
                             ("ln_rho_break", 0.0, 0.01)):
        assert abs(p[name][1] - truth) < tol, (name, p[name])
        assert p[name][0] <= p[name][2] and p[name][2] - p[name][0] < 10 * tol
    best = fit.best
    np.testing.assert_allclose(best.shell_mean(EDGES), model.shell_volume_average(EDGES), rtol=0.01)


@pytest.mark.parametrize("q, n", [(0.6, 4.0), (0.8, 5.03)])
def test_a_constant_flattening_keeps_the_slope_on_spheres(q, n):
    """<r_q^-n> on the sphere of radius r is r^-n int_0^1 (1 + (1/q^2 - 1) mu^2)^(-n/2) dmu: the same slope n."""
    r = np.geomspace(3.0, 100.0, 9)
    single = density.VariableFlatteningPowerLaw(alpha=n, q0=q, q_inf=q, r0_kpc=10.0, q_fn=lambda x: np.full_like(x, q))
    avg = single.shell_average(r)
    k = 1.0 / q**2 - 1.0
    factor = quad(lambda mu: (1.0 + k * mu**2) ** (-n / 2.0), 0.0, 1.0, epsabs=1e-14, epsrel=1e-13)[0]
    np.testing.assert_allclose(avg, factor * r ** (-n), rtol=1e-10)
    np.testing.assert_allclose(density.numerical_log_slope(single.shell_average, r), n, atol=1e-6)
    # the broken-power-law form with one slope and constant q says the same (normalized at r_q = 20 kpc)
    flat = density.FlattenedBrokenPowerLaw(alpha_in=n, r_break_kpc=20.0, alpha_out=n, q=q)
    np.testing.assert_allclose(flat.shell_average(r), avg * 20.0**n, rtol=1e-10)
    # a flattening that changes with radius does change the slope on spheres
    varying = shell_density.xu_stand_in()
    slope = density.numerical_log_slope(varying.shell_average, np.array([12.0, 20.0, 30.0]))
    assert np.max(np.abs(slope - shell_density.XU_N)) > 0.05


@pytest.mark.parametrize("points", [shell_density.XU_Q_POINTS, ((10.0, 20.0, 40.0), (0.5, 0.7, 0.9))])
def test_xue_form_through_passes_through_its_three_points(points):
    q0, q_inf, r0 = shell_density.xue_form_through(points)
    np.testing.assert_allclose(density.xue_flattening(np.array(points[0]), q0, q_inf, r0), points[1], atol=1e-8)
    assert density.xue_flattening(np.array([0.0]), q0, q_inf, r0)[0] == pytest.approx(q0)


def test_the_xu_stand_in_has_the_abstracts_numbers_and_a_floor():
    model = shell_density.xu_stand_in()
    assert model.alpha == shell_density.XU_N == 5.03  # Xu et al. (2018) abstract
    np.testing.assert_allclose(model.q(np.array(shell_density.XU_Q_POINTS[0])), (0.64, 0.80, 0.96), atol=1e-8)
    assert np.all(model.q(np.geomspace(0.01, 200.0, 50)) >= shell_density.Q_FLOOR)
    with pytest.raises(RuntimeError, match="no Xue-form law"):
        shell_density.xue_form_through(((15.0, 20.0, 30.0), (0.9, 0.5, 0.9)))  # not monotonic: no such law
