"""mwlib.bird22.substructure: the Sgr frame, Sgr candidates and integrals-of-motion groups, checked on
smooth mocks (false positives) and on an injected clump (recovery)."""

from __future__ import annotations

import astropy.coordinates as coord
import astropy.units as u
import numpy as np
import pytest

from mwlib.eh16 import galpy_clusters
from mwlib.bird22 import halo_mocks, halo_table, substructure as ss
from mwlib.core import coords

SUN = coords.BIRD22_SUN


def test_sgr_frame_puts_the_dwarf_at_the_origin():
    sgr = galpy_clusters.load_galpy_named_objects()["Sgr"]
    lam, beta = ss.sgr_coordinates(sgr["ra"], sgr["dec"])
    assert min(lam, 360 - lam) < 1.0 and abs(beta) < 2.0
    m = ss.sgr_rotation_matrix()
    np.testing.assert_allclose(m @ m.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(m) == pytest.approx(-1.0)  # includes the z flip of Majewski et al.


def test_galactic_coordinates_match_astropy():
    rng = np.random.default_rng(0)
    ra, dec = rng.uniform(0, 360, 50), np.rad2deg(np.arcsin(rng.uniform(-1, 1, 50)))
    l, b = ss.galactic_lb(ra, dec)
    ref = coord.SkyCoord(ra=ra * u.deg, dec=dec * u.deg).galactic
    np.testing.assert_allclose(b, ref.b.deg, atol=1e-8)
    np.testing.assert_allclose(np.cos(np.deg2rad(l - ref.l.deg)), 1.0, atol=1e-12)


def test_energy_matches_galpy():
    from galpy.orbit import Orbit
    from galpy.potential import MWPotential2014, evaluatePotentials

    pos, vel = np.array([[10.0, 5.0, 3.0]]), np.array([[50.0, -100.0, 80.0]])
    R, z = np.hypot(*pos[0, :2]), pos[0, 2]
    sph = coords.spherical_velocities(pos, vel)
    vR = (pos[0, 0] * vel[0, 0] + pos[0, 1] * vel[0, 1]) / R
    vT = (pos[0, 0] * vel[0, 1] - pos[0, 1] * vel[0, 0]) / R
    o = Orbit([R / 8, vR / 220, vT / 220, z / 8, vel[0, 2] / 220, np.arctan2(pos[0, 1], pos[0, 0])])
    # galpy's energy, shifted so that it is zero at infinity (galpy's bulge potential is not)
    phi_inf = evaluatePotentials(MWPotential2014, 1e12, 0.0) * 220**2
    assert ss.energy_mwpotential2014(pos, vel)[0] == pytest.approx(o.E(pot=MWPotential2014) * 220**2 - phi_inf,
                                                                   rel=1e-10)
    assert sph["r"][0] > 0


def _observed_galactocentric(table):
    t, _ = halo_table.correct_vlos_offsets(table)
    return coords.galactocentric_phase_space(t["ra"], t["dec"], t["distance_kpc"], t["pmra_masyr"],
                                             t["pmdec_masyr"], t["vlos_kms"], SUN)


def _stream_along_sgr_orbit(n, rng):
    """n stars along the Sgr dwarf's orbit in MWPotential2014 (+-300 Myr), with 2 km/s jitter:
    spread over the sky, clumped in energy and angular momentum."""
    from galpy.orbit import Orbit
    from galpy.potential import MWPotential2014

    sgr = ss.sgr_orbit(SUN)
    (x, y, z), (vx, vy, vz) = np.ravel(sgr["position_kpc"]), np.ravel(sgr["velocity_kms"])
    R, phi = np.hypot(x, y), np.arctan2(y, x)
    vR, vT = (x * vx + y * vy) / R, (x * vy - y * vx) / R
    o = Orbit([R / 8, vR / 220, vT / 220, z / 8, vz / 220, phi])
    t = np.linspace(-0.3, 0.3, 601) / 0.9778 * 220 / 8  # Gyr -> galpy time units
    o.integrate(t, MWPotential2014)
    pick = rng.choice(t.size, n)
    R_, phi_, z_ = o.R(t[pick]) * 8, o.phi(t[pick]), o.z(t[pick]) * 8
    vR_, vT_, vz_ = (o.vR(t[pick]) * 220, o.vT(t[pick]) * 220, o.vz(t[pick]) * 220)
    pos = np.column_stack([R_ * np.cos(phi_), R_ * np.sin(phi_), z_])
    vel = np.column_stack([vR_ * np.cos(phi_) - vT_ * np.sin(phi_), vR_ * np.sin(phi_) + vT_ * np.cos(phi_), vz_])
    return pos, vel + rng.normal(0, 2, (n, 3))


@pytest.fixture(scope="module")
def smooth():
    return halo_mocks.make_halo_mock(halo_mocks.BHB_MOCK, rng=np.random.default_rng(21)).table


def test_smooth_mock_has_few_false_positives(smooth):
    pos, vel = _observed_galactocentric(smooth)
    res = ss.clean_substructure(smooth["ra"], smooth["dec"], pos, vel, rng=np.random.default_rng(0))
    assert res.groups.n_members.size == 0
    assert res.sgr.mean() < 0.01


def test_sgr_debris_and_an_injected_clump_are_found(smooth):
    rng = np.random.default_rng(1)
    pos, vel = _observed_galactocentric(smooth)
    clump_pos, clump_vel = _stream_along_sgr_orbit(60, rng)
    all_pos, all_vel = np.vstack([pos, clump_pos]), np.vstack([vel, clump_vel])
    obs = coords.heliocentric_observables(all_pos, all_vel, SUN)
    res = ss.clean_substructure(obs["ra"], obs["dec"], all_pos, all_vel, rng=np.random.default_rng(2))
    injected = np.arange(all_pos.shape[0]) >= len(smooth)
    assert res.sgr[injected].mean() > 0.5  # the plane criterion sees the stream where it is far out
    assert (res.iom_group[injected] >= 0).mean() > 0.8
    assert res.substructure[~injected].mean() < 0.01


def test_shuffled_velocities_keep_each_radial_bin_distribution():
    rng = np.random.default_rng(3)
    r = rng.uniform(1, 100, 1000)
    v = rng.normal(0, 1, (1000, 3)) * r[:, None]
    out = ss.shuffled_velocities(r, v, rng=rng, n_radial_bins=10)
    edges = np.quantile(r, np.linspace(0, 1, 11)[1:-1])
    bins = np.searchsorted(edges, r)
    for b in range(10):
        for j in range(3):
            np.testing.assert_allclose(np.sort(out[bins == b, j]), np.sort(v[bins == b, j]))
    assert not np.allclose(out, v)


def test_energy_is_zero_at_infinity_and_negative_for_bound_orbits():
    far = ss.energy_mwpotential2014(np.array([[1e7, 0.0, 0.0]]), np.zeros((1, 3)))
    assert abs(far[0]) < 50.0  # km^2/s^2: galpy's bulge alone tends to +6.5e4 there
    sun = ss.energy_mwpotential2014(np.array([[8.0, 0.0, 0.0]]), np.array([[0.0, 220.0, 0.0]]))
    assert sun[0] < 0  # the Sun's circular orbit is bound
    # escape speed at 8 kpc in MWPotential2014 is about 500-600 km/s: 700 km/s is unbound, 400 bound
    assert ss.energy_mwpotential2014(np.array([[8.0, 0, 0]]), np.array([[700.0, 0, 0]]))[0] > 0
    assert ss.energy_mwpotential2014(np.array([[8.0, 0, 0]]), np.array([[400.0, 0, 0]]))[0] < 0
