"""Issue check on the real 89-cluster sample: the hybrid-Gibbs sampler (the paper's) and the
marginal sampler (vt integrated out) give the same marginal posteriors, for a scenario with
fixed parameters (I) and the most general one (XII)."""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.eh16 import fit, scenario_fits, scenarios


@pytest.fixture(scope="module")
def real_tracers(gc_kinematics):
    return scenario_fits.gc_tracers(gc_kinematics)


@pytest.fixture(scope="module")
def alpha_prior(gc_kinematics):
    return scenarios.alpha_prior_from_radii(np.asarray(gc_kinematics["r_kpc"][~gc_kinematics["included"]]))


def test_real_sample_shape(real_tracers):
    assert real_tracers["r"].size == 89
    assert np.isnan(real_tracers["vt"]).sum() == 18


@pytest.mark.parametrize("name", ["I", "XII"])
def test_samplers_agree_on_the_real_sample(real_tracers, alpha_prior, name):
    kwargs = dict(alpha_prior=alpha_prior if scenarios.SCENARIOS[name].needs_alpha_prior else None)
    marginal = fit.fit(real_tracers, scenarios.SCENARIOS[name], sampler="marginal", rng=np.random.default_rng(1), **kwargs)
    gibbs = fit.fit(real_tracers, scenarios.SCENARIOS[name], sampler="gibbs", rng=np.random.default_rng(1), **kwargs)
    assert marginal.converged and gibbs.converged
    for param in scenarios.SCENARIOS[name].free_parameters:
        a, b = marginal.samples[param], gibbs.samples[param]
        assert abs(a.mean() - b.mean()) < 0.2 * a.std(), param
        assert b.std() == pytest.approx(a.std(), rel=0.15), param
    m_a, m_b = marginal.mass(125.0), gibbs.mass(125.0)
    assert np.median(m_b) == pytest.approx(np.median(m_a), rel=0.02)


def test_real_sample_alpha_prior_mode(alpha_prior):
    shape, rate = alpha_prior
    assert 3 + (shape - 1) / rate == pytest.approx(3.40, abs=0.005)
