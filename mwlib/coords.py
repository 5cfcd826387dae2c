"""Heliocentric observables to Galactocentric positions and velocities.

Conventions (astropy's ``Galactocentric`` frame, right-handed): the Galactic centre at
the origin, the Sun at x = -R0, z = +Z_sun; the disc rotates towards +y at the Sun, so
v_phi < 0 for prograde disc orbits. Spherical components: r from the origin, theta the
polar angle from +z (v_theta positive towards the south), phi the azimuth from +x.

Solar parameters of the two papers:

* Eadie & Harris (2016), Section 4.1: (X, Y, Z)_sun = (8.0, 0, 0.02) kpc, LSR 220 km/s,
  (U, V, W)_sun = (11.1, 12.24, 7.25) km/s (Schoenrich et al. 2010);
* Bird et al. (2022), Section 4.1: R0 = 8.3 kpc, Z = 29 pc, LSR 220 km/s,
  (U, V, W)_sun = (11.1, 12.2, 7.3) km/s.

The affine ICRS -> Galactocentric map (a rotation plus the Sun's offset) is read once
from astropy and then applied with numpy, so that Monte Carlo error propagation over
many stars and draws stays vectorized; ``tests/test_coords.py`` checks it against
astropy's own transformation.

Also here: the heliocentric distance that reproduces a catalogued Galactocentric
radius, the angle xi between the line of sight and the radial direction
(Eadie & Harris 2016, Section 3), and line-of-sight velocities in the Galactic rest frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import astropy.coordinates as coord
import astropy.units as u
import numpy as np

#: km/s per (kpc mas/yr).
K_KMS_PER_KPC_MASYR: float = (1 * u.kpc * u.mas / u.yr).to_value(
    u.km / u.s, equivalencies=u.dimensionless_angles()
)


@dataclass(frozen=True)
class SolarParameters:
    """The Sun's Galactocentric position and velocity."""

    r0_kpc: float  # in-plane distance to the Galactic centre
    z_sun_kpc: float
    v_lsr_kms: float
    u_sun_kms: float  # towards the Galactic centre
    v_sun_kms: float  # in the direction of rotation
    w_sun_kms: float  # towards the North Galactic Pole

    @cached_property
    def frame(self) -> coord.Galactocentric:
        """astropy frame with the Sun at x = -r0, z = z_sun."""
        return coord.Galactocentric(
            galcen_distance=np.hypot(self.r0_kpc, self.z_sun_kpc) * u.kpc,
            z_sun=self.z_sun_kpc * u.kpc,
            galcen_v_sun=coord.CartesianDifferential(
                [self.u_sun_kms, self.v_lsr_kms + self.v_sun_kms, self.w_sun_kms] * u.km / u.s
            ),
            roll=0 * u.deg,
        )

    @cached_property
    def _affine(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Positions map as x_gc = R x_icrs + t; velocities as v_gc = R v_icrs + v_sun.
        basis = np.vstack([np.eye(3), -np.eye(3)])
        icrs = coord.SkyCoord(
            coord.CartesianRepresentation(basis.T * u.kpc), frame="icrs"
        ).transform_to(self.frame)
        mapped = icrs.cartesian.xyz.to_value(u.kpc).T
        offset = 0.5 * (mapped[:3] + mapped[3:]).mean(axis=0)
        rotation = 0.5 * (mapped[:3] - mapped[3:]).T
        v_sun = self.frame.galcen_v_sun.xyz.to_value(u.km / u.s)
        return rotation, offset, np.asarray(v_sun, float)

    @property
    def rotation(self) -> np.ndarray:
        """3x3 rotation from ICRS Cartesian axes to Galactocentric axes."""
        return self._affine[0]

    @property
    def position_kpc(self) -> np.ndarray:
        """The Sun's Galactocentric position (x, y, z) [kpc]."""
        return self._affine[1]

    @property
    def velocity_kms(self) -> np.ndarray:
        """The Sun's Galactocentric velocity (vx, vy, vz) [km/s]."""
        return self._affine[2]

    def describe(self) -> str:
        return (
            f"R0={self.r0_kpc} kpc, Z_sun={self.z_sun_kpc} kpc, v_LSR={self.v_lsr_kms} km/s, "
            f"(U,V,W)_sun=({self.u_sun_kms}, {self.v_sun_kms}, {self.w_sun_kms}) km/s"
        )


EADIE16_SUN = SolarParameters(8.0, 0.02, 220.0, 11.1, 12.24, 7.25)
BIRD22_SUN = SolarParameters(8.3, 0.029, 220.0, 11.1, 12.2, 7.3)


# --------------------------------------------------------------------------------------
# Vectorized transformation
# --------------------------------------------------------------------------------------


def _icrs_unit_vectors(ra_deg, dec_deg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Line of sight, east (increasing ra) and north unit vectors in ICRS, shape (..., 3)."""
    ra = np.deg2rad(np.asarray(ra_deg, float))
    dec = np.deg2rad(np.asarray(dec_deg, float))
    cos_ra, sin_ra, cos_dec, sin_dec = np.cos(ra), np.sin(ra), np.cos(dec), np.sin(dec)
    los = np.stack([cos_dec * cos_ra, cos_dec * sin_ra, sin_dec], axis=-1)
    east = np.stack([-sin_ra, cos_ra, np.zeros_like(ra)], axis=-1)
    north = np.stack([-sin_dec * cos_ra, -sin_dec * sin_ra, cos_dec], axis=-1)
    return los, east, north


def line_of_sight_unit_vectors(ra_deg, dec_deg, sun: SolarParameters) -> np.ndarray:
    """Unit vectors from the Sun towards (ra, dec) in Galactocentric axes, shape (..., 3)."""
    los, _, _ = _icrs_unit_vectors(ra_deg, dec_deg)
    return los @ sun.rotation.T


def galactocentric_positions(ra_deg, dec_deg, distance_kpc, sun: SolarParameters) -> np.ndarray:
    """Galactocentric (x, y, z) [kpc], shape (..., 3)."""
    n = line_of_sight_unit_vectors(ra_deg, dec_deg, sun)
    return sun.position_kpc + np.asarray(distance_kpc, float)[..., None] * n


def galactocentric_phase_space(
    ra_deg, dec_deg, distance_kpc, pmra_masyr, pmdec_masyr, vlos_kms, sun: SolarParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Galactocentric positions [kpc] and velocities [km/s], each of shape (..., 3).

    ``pmra_masyr`` is mu_alpha* = mu_alpha cos(delta). All inputs broadcast together.
    """
    los, east, north = _icrs_unit_vectors(ra_deg, dec_deg)
    distance = np.asarray(distance_kpc, float)[..., None]
    v_icrs = (
        np.asarray(vlos_kms, float)[..., None] * los
        + K_KMS_PER_KPC_MASYR * distance
        * (np.asarray(pmra_masyr, float)[..., None] * east
           + np.asarray(pmdec_masyr, float)[..., None] * north)
    )
    position = sun.position_kpc + distance * (los @ sun.rotation.T)
    velocity = sun.velocity_kms + v_icrs @ sun.rotation.T
    return position, velocity


def spherical_velocities(position_kpc: np.ndarray, velocity_kms: np.ndarray) -> dict[str, np.ndarray]:
    """Radius and (v_r, v_theta, v_phi, v_t) from Cartesian arrays of shape (..., 3)."""
    x, y, z = np.moveaxis(np.asarray(position_kpc, float), -1, 0)
    vx, vy, vz = np.moveaxis(np.asarray(velocity_kms, float), -1, 0)
    radius_cyl = np.hypot(x, y)
    r = np.hypot(radius_cyl, z)
    v_r = (x * vx + y * vy + z * vz) / r
    v_phi = (x * vy - y * vx) / radius_cyl
    # theta-hat = (cos(theta) cos(phi), cos(theta) sin(phi), -sin(theta)).
    v_theta = (z * (x * vx + y * vy) / radius_cyl - radius_cyl * vz) / r
    return {"r": r, "vr": v_r, "vtheta": v_theta, "vphi": v_phi, "vt": np.hypot(v_theta, v_phi)}


def monte_carlo_spherical_velocities(
    ra_deg, dec_deg, distance_kpc, pmra_masyr, pmdec_masyr, vlos_kms, *,
    pmra_err, pmdec_err, vlos_err, sun: SolarParameters, n_draws: int,
    rng: np.random.Generator, distance_err=None, pm_corr=None,
) -> dict[str, np.ndarray]:
    """Spherical velocities of the nominal values and their Monte Carlo uncertainties.

    Each star's observables are drawn ``n_draws`` times from independent Gaussians
    (proper motions optionally correlated by ``pm_corr``; distances optionally
    perturbed by ``distance_err``) and transformed; returns the nominal ``vr, vtheta,
    vphi, vt``, their standard deviations ``*_err`` and the 3x3 covariance ``cov`` of
    (vr, vtheta, vphi) per star, shape (N, 3, 3).
    """
    ra, dec, dist, pmra, pmdec, vlos = (
        np.atleast_1d(np.asarray(a, float))
        for a in (ra_deg, dec_deg, distance_kpc, pmra_masyr, pmdec_masyr, vlos_kms)
    )
    n_stars = ra.size
    shape = (n_stars, n_draws)
    std_normal = rng.standard_normal((3, *shape))
    corr = np.zeros(n_stars) if pm_corr is None else np.asarray(pm_corr, float)
    # Correlated proper-motion draws through the 2x2 Cholesky factor.
    dpmra = np.asarray(pmra_err, float)[:, None] * std_normal[0]
    dpmdec = np.asarray(pmdec_err, float)[:, None] * (
        corr[:, None] * std_normal[0] + np.sqrt(1 - corr**2)[:, None] * std_normal[1]
    )
    dvlos = np.asarray(vlos_err, float)[:, None] * std_normal[2]
    dist_draws = np.broadcast_to(dist[:, None], shape)
    if distance_err is not None:
        dist_draws = dist[:, None] + np.asarray(distance_err, float)[:, None] * rng.standard_normal(shape)
    position, velocity = galactocentric_phase_space(
        ra[:, None], dec[:, None], dist_draws,
        pmra[:, None] + dpmra, pmdec[:, None] + dpmdec, vlos[:, None] + dvlos, sun,
    )
    draws = spherical_velocities(position, velocity)
    nominal = spherical_velocities(*galactocentric_phase_space(ra, dec, dist, pmra, pmdec, vlos, sun))
    stacked = np.stack([draws["vr"], draws["vtheta"], draws["vphi"]], axis=-1)
    centred = stacked - stacked.mean(axis=1, keepdims=True)
    cov = np.einsum("ndi,ndj->nij", centred, centred) / (n_draws - 1)
    out = {key: nominal[key] for key in ("vr", "vtheta", "vphi", "vt")}
    for key in ("vr", "vtheta", "vphi", "vt"):
        out[f"{key}_err"] = draws[key].std(axis=1, ddof=1)
    out["cov"] = cov
    return out


# --------------------------------------------------------------------------------------
# Geometry used by Eadie & Harris (2016), Section 3
# --------------------------------------------------------------------------------------


def distance_from_galactocentric_radius(
    ra_deg, dec_deg, r_kpc, sun: SolarParameters, reference_distance_kpc=None
) -> tuple[np.ndarray, np.ndarray]:
    """Heliocentric distance d along (ra, dec) such that |x_sun + d n| = r.

    |x_sun + d n|^2 = r^2 is a quadratic in d. Where both roots are positive (a
    sight-line crossing the sphere twice) the root nearer ``reference_distance_kpc`` is
    taken; where the sphere is missed (r rounded below the sight-line's closest approach)
    the closest-approach distance is returned. Returns ``(distance, status)`` with status
    "one root", "two roots: nearer reference", "tangent point" or "no position".
    """
    n = line_of_sight_unit_vectors(ra_deg, dec_deg, sun)
    r = np.asarray(r_kpc, float)
    n_dot_s = n @ sun.position_kpc
    discriminant = n_dot_s**2 - sun.position_kpc @ sun.position_kpc + r**2
    root = np.sqrt(np.clip(discriminant, 0.0, None))
    far, near = -n_dot_s + root, -n_dot_s - root
    reference = (
        np.full_like(r, np.nan) if reference_distance_kpc is None
        else np.asarray(reference_distance_kpc, float)
    )
    two_roots = near > 0
    choose_near = two_roots & (np.abs(near - reference) < np.abs(far - reference))
    distance = np.where(choose_near, near, far)
    status = np.where(two_roots, "two roots: nearer reference", "one root")
    status = np.where(discriminant < 0, "tangent point", status)
    missing = ~np.isfinite(n).all(axis=-1)
    status = np.where(missing, "no position", status)
    return np.where(missing, np.nan, distance), status


def cos_xi(position_kpc: np.ndarray, sun: SolarParameters) -> np.ndarray:
    """cos of the angle xi at the tracer between the Sun and the Galactic centre.

    Equivalently the cosine between the line of sight (Sun -> tracer) and the radial
    direction (centre -> tracer): +1 beyond the centre, -1 between Sun and centre.
    """
    position = np.asarray(position_kpc, float)
    line_of_sight = position - sun.position_kpc
    return np.einsum("...i,...i->...", line_of_sight, position) / (
        np.linalg.norm(line_of_sight, axis=-1) * np.linalg.norm(position, axis=-1)
    )


def galactic_rest_frame_vlos(ra_deg, dec_deg, vlos_kms, sun: SolarParameters) -> np.ndarray:
    """Line-of-sight velocity with the Sun's Galactocentric motion removed [km/s]."""
    n = line_of_sight_unit_vectors(ra_deg, dec_deg, sun)
    return np.asarray(vlos_kms, float) + n @ sun.velocity_kms
