"""The vectorized Galactocentric transformation against astropy, and the geometry helpers."""

from __future__ import annotations

import astropy.coordinates as coord
import astropy.units as u
import numpy as np
import pytest

from mwlib.core import coords

SUNS = [coords.EADIE16_SUN, coords.BIRD22_SUN]


def _random_stars(n: int, rng: np.random.Generator):
    ra = rng.uniform(0, 360, n)
    dec = np.rad2deg(np.arcsin(rng.uniform(-1, 1, n)))
    return ra, dec, rng.uniform(0.2, 120, n), rng.normal(0, 3, n), rng.normal(0, 3, n), rng.normal(0, 150, n)


@pytest.mark.parametrize("sun", SUNS)
def test_phase_space_matches_astropy(sun):
    ra, dec, d, pmra, pmdec, vlos = _random_stars(200, np.random.default_rng(1))
    position, velocity = coords.galactocentric_phase_space(ra, dec, d, pmra, pmdec, vlos, sun)
    reference = coord.SkyCoord(
        ra=ra * u.deg, dec=dec * u.deg, distance=d * u.kpc, pm_ra_cosdec=pmra * u.mas / u.yr,
        pm_dec=pmdec * u.mas / u.yr, radial_velocity=vlos * u.km / u.s,
    ).transform_to(sun.frame)
    assert np.allclose(position, reference.cartesian.xyz.to_value(u.kpc).T, atol=1e-10)
    assert np.allclose(velocity, reference.velocity.d_xyz.to_value(u.km / u.s).T, atol=1e-8)


@pytest.mark.parametrize("sun", SUNS)
def test_sun_position_and_velocity(sun):
    assert np.allclose(sun.position_kpc, [-sun.r0_kpc, 0.0, sun.z_sun_kpc], atol=1e-12)
    v = [sun.u_sun_kms, sun.v_lsr_kms + sun.v_sun_kms, sun.w_sun_kms]
    assert np.allclose(sun.velocity_kms, v)


def test_spherical_velocities_match_astropy_representation():
    ra, dec, d, pmra, pmdec, vlos = _random_stars(100, np.random.default_rng(2))
    sun = coords.EADIE16_SUN
    sph = coords.spherical_velocities(*coords.galactocentric_phase_space(ra, dec, d, pmra, pmdec, vlos, sun))
    gc = coord.SkyCoord(
        ra=ra * u.deg, dec=dec * u.deg, distance=d * u.kpc, pm_ra_cosdec=pmra * u.mas / u.yr,
        pm_dec=pmdec * u.mas / u.yr, radial_velocity=vlos * u.km / u.s,
    ).transform_to(sun.frame)
    rep = gc.represent_as(coord.PhysicsSphericalRepresentation, coord.PhysicsSphericalDifferential)
    r = rep.r.to_value(u.kpc)
    diff = rep.differentials["s"]
    vtheta = (diff.d_theta * rep.r).to(u.km / u.s, u.dimensionless_angles()).value
    vphi = (diff.d_phi * rep.r * np.sin(rep.theta)).to(u.km / u.s, u.dimensionless_angles()).value
    assert np.allclose(sph["r"], r)
    assert np.allclose(sph["vr"], diff.d_r.to_value(u.km / u.s), atol=1e-8)
    assert np.allclose(sph["vtheta"], vtheta, atol=1e-8)
    assert np.allclose(sph["vphi"], vphi, atol=1e-8)


def test_sun_rotates_with_negative_vphi():
    sun = coords.EADIE16_SUN
    sph = coords.spherical_velocities(sun.position_kpc, sun.velocity_kms)
    assert sph["vphi"] == pytest.approx(-(220 + 12.24), abs=0.01)
    assert sph["vr"] == pytest.approx(-11.1, abs=0.05)


def test_gsr_velocity_vanishes_for_a_star_at_rest():
    sun = coords.EADIE16_SUN
    ra, dec, d, *_ = _random_stars(50, np.random.default_rng(3))
    # A star at rest in the Galactic frame, on each sight-line: its observed vlos is -n.v_sun.
    position = coords.galactocentric_positions(ra, dec, d, sun)
    stars = coord.SkyCoord(
        x=position[:, 0] * u.kpc, y=position[:, 1] * u.kpc, z=position[:, 2] * u.kpc,
        v_x=np.zeros(50) * u.km / u.s, v_y=np.zeros(50) * u.km / u.s, v_z=np.zeros(50) * u.km / u.s,
        frame=sun.frame,
    ).transform_to(coord.ICRS())
    vlos = stars.radial_velocity.to_value(u.km / u.s)
    assert np.allclose(coords.galactic_rest_frame_vlos(ra, dec, vlos, sun), 0, atol=1e-8)


def test_cos_xi_limits():
    sun = coords.EADIE16_SUN
    behind_centre = -0.4 * sun.position_kpc[None, :]  # on the Sun-centre line, beyond
    between = 0.4 * sun.position_kpc[None, :]
    sideways = (sun.position_kpc + [0.0, 5.0, 0.0])[None, :]
    assert coords.cos_xi(behind_centre, sun)[0] == pytest.approx(1.0)
    assert coords.cos_xi(between, sun)[0] == pytest.approx(-1.0)
    r_sun = np.linalg.norm(sun.position_kpc)
    assert coords.cos_xi(sideways, sun)[0] == pytest.approx(5.0 / np.hypot(r_sun, 5))


def test_distance_solver_roots():
    sun = coords.EADIE16_SUN
    ra, dec, d, *_ = _random_stars(300, np.random.default_rng(4))
    r = np.linalg.norm(coords.galactocentric_positions(ra, dec, d, sun), axis=1)
    solved, status = coords.distance_from_galactocentric_radius(ra, dec, r, sun, reference_distance_kpc=d)
    assert np.allclose(solved, d, rtol=1e-9)
    assert set(status) <= {"one root", "two roots: nearer reference"}
    # A radius smaller than the sight-line's closest approach: the tangent point.
    towards_pole = coords.distance_from_galactocentric_radius([0.0], [89.0], [1.0], sun)
    assert towards_pole[1][0] == "tangent point"


def test_monte_carlo_errors_and_determinism():
    sun = coords.EADIE16_SUN
    kwargs = dict(pmra_err=[0.0], pmdec_err=[0.0], vlos_err=[10.0], sun=sun, n_draws=4000)
    # A cluster far beyond the centre: v_r is (almost) the line-of-sight velocity.
    ra, dec = 266.4168, -29.0078  # towards Sgr A*
    out = coords.monte_carlo_spherical_velocities(
        [ra], [dec], [30.0], [0.0], [0.0], [100.0], rng=np.random.default_rng(5), **kwargs
    )
    assert out["vr_err"][0] == pytest.approx(10.0, rel=0.05)
    assert out["cov"].shape == (1, 3, 3)
    assert out["cov"][0, 0, 0] == pytest.approx(out["vr_err"][0] ** 2)
    again = coords.monte_carlo_spherical_velocities(
        [ra], [dec], [30.0], [0.0], [0.0], [100.0], rng=np.random.default_rng(5), **kwargs
    )
    assert np.array_equal(out["cov"], again["cov"])


def test_correlated_proper_motion_draws():
    sun = coords.EADIE16_SUN
    common = dict(sun=sun, n_draws=20000, vlos_err=[0.0], pmra_err=[0.5], pmdec_err=[0.5])
    args = ([40.0], [10.0], [20.0], [1.0], [-1.0], [0.0])
    plus = coords.monte_carlo_spherical_velocities(*args, pm_corr=[0.9], rng=np.random.default_rng(6), **common)
    minus = coords.monte_carlo_spherical_velocities(*args, pm_corr=[-0.9], rng=np.random.default_rng(6), **common)
    # Opposite correlations change the tangential error budget.
    assert not np.allclose(plus["vt_err"], minus["vt_err"], rtol=0.05)
