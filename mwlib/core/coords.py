"""Heliocentric observables to Galactocentric positions and velocities.

One module on purpose: the forward map, its inverse (mocks) and the Monte Carlo error propagation share one
affine ICRS -> Galactocentric transform and its conventions, which must not drift apart.

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


# --------------------------------------------------------------------------------------
# Inverse transform and Monte Carlo propagation for many stars (Bird et al. 2022, Sec. 4.1)
# --------------------------------------------------------------------------------------


def heliocentric_observables(
    position_kpc: np.ndarray, velocity_kms: np.ndarray, sun: SolarParameters
) -> dict[str, np.ndarray]:
    """Inverse of :func:`galactocentric_phase_space`: Galactocentric (x, v) -> observables.

    Returns ``ra``, ``dec`` [deg], ``distance_kpc``, ``pmra_masyr`` (mu_alpha* =
    mu_alpha cos delta), ``pmdec_masyr`` and ``vlos_kms`` (heliocentric), each of the
    input's leading shape. The rotation is orthonormal, so its transpose inverts it.
    """
    offset = np.asarray(position_kpc, float) - sun.position_kpc
    icrs_position = offset @ sun.rotation  # row form of R^T (x - x_sun)
    distance = np.linalg.norm(icrs_position, axis=-1)
    los = icrs_position / distance[..., None]
    ra = np.mod(np.rad2deg(np.arctan2(los[..., 1], los[..., 0])), 360.0)
    dec = np.rad2deg(np.arcsin(np.clip(los[..., 2], -1.0, 1.0)))
    _, east, north = _icrs_unit_vectors(ra, dec)
    v_icrs = (np.asarray(velocity_kms, float) - sun.velocity_kms) @ sun.rotation
    scale = K_KMS_PER_KPC_MASYR * distance
    return {
        "ra": ra,
        "dec": dec,
        "distance_kpc": distance,
        "pmra_masyr": np.einsum("...i,...i->...", v_icrs, east) / scale,
        "pmdec_masyr": np.einsum("...i,...i->...", v_icrs, north) / scale,
        "vlos_kms": np.einsum("...i,...i->...", v_icrs, los),
    }


def spherical_to_cartesian_velocities(
    position_kpc: np.ndarray, vr_kms, vtheta_kms, vphi_kms
) -> np.ndarray:
    """Cartesian velocities (..., 3) from (v_r, v_theta, v_phi) at Galactocentric positions.

    Inverse of :func:`spherical_velocities` (theta from +z, v_theta positive southwards).
    """
    x, y, z = np.moveaxis(np.asarray(position_kpc, float), -1, 0)
    radius_cyl = np.hypot(x, y)
    r = np.hypot(radius_cyl, z)
    cos_t, sin_t = z / r, radius_cyl / r
    cos_p, sin_p = x / radius_cyl, y / radius_cyl
    vr, vt, vp = (np.asarray(a, float) for a in (vr_kms, vtheta_kms, vphi_kms))
    return np.stack(
        [
            vr * sin_t * cos_p + vt * cos_t * cos_p - vp * sin_p,
            vr * sin_t * sin_p + vt * cos_t * sin_p + vp * cos_p,
            vr * cos_t - vt * sin_t,
        ],
        axis=-1,
    )


#: Stars per chunk of :func:`monte_carlo_spherical_velocities_chunked`: 256 stars x 1000
#: draws keep each temporary array at 2 MB (in cache) and the working set near 40 MB.
MC_CHUNK_STARS: int = 256


def _mc_star_coefficients(star: dict[str, np.ndarray], sun: SolarParameters) -> dict[str, np.ndarray]:
    """Per-star constants that make every Monte Carlo quantity a short polynomial in the draws.

    With l, e, n the line-of-sight, east and north unit vectors in Galactocentric axes, s and
    w the Sun's position and velocity, a draw (d, v_los = u, p = k d mu_a*, q = k d mu_d)
    gives x = s + d l and v = w + u l + p e + q n. Because l.e = l.n = 0 and l.l = 1:

        x.v       = c0 + u (S1 + d) + p c2 + q c3 + d c4
        (x x v)_z = e0 + u e1 + d e4 + p (e2 + d e5) + q (e3 + d e6)
        z = s_z + d l_z,  v_z = w_z + u l_z + p e_z + q n_z

    with R^2 = x^2 + y^2, r^2 = R^2 + z^2, and v_r = x.v / r, v_phi = (x x v)_z / R,
    v_theta = (z x.v - r^2 v_z) / (R r).
    """
    los, east, north = _icrs_unit_vectors(star["ra"], star["dec"])
    los, east, north = (b @ sun.rotation.T for b in (los, east, north))
    s, w = sun.position_kpc, sun.velocity_kms
    cross_z = lambda a, b: a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]  # noqa: E731
    return {
        "sx": s[0] + 0 * los[:, 0],
        "sy": s[1] + 0 * los[:, 0],
        "lx": los[:, 0],
        "ly": los[:, 1],
        "S1": los @ s,
        "c0": s @ w + 0 * los[:, 0],
        "c2": east @ s,
        "c3": north @ s,
        "c4": los @ w,
        "e0": cross_z(s, w) + 0 * los[:, 0],
        "e1": cross_z(s, los),
        "e2": cross_z(s, east),
        "e3": cross_z(s, north),
        "e4": cross_z(los, w),
        "e5": cross_z(los, east),
        "e6": cross_z(los, north),
        "sz": s[2] + 0 * los[:, 0],
        "wz": w[2] + 0 * los[:, 0],
        "lz": los[:, 2],
        "ez": east[:, 2],
        "nz": north[:, 2],
    }


def _mc_chunk(
    star: dict[str, np.ndarray], sun: SolarParameters, n_draws: int, *, rng: np.random.Generator,
    dtype: type = np.float64,
) -> dict[str, np.ndarray]:
    """Monte Carlo moments of (v_r, v_theta, v_phi, v_t) for one chunk of stars.

    Every array is (n_stars, n_draws) in ``dtype``; the transformation uses the per-star
    coefficients of :func:`_mc_star_coefficients` (no (..., 3) temporaries, no hypot) and
    works in place. Moments are accumulated about the nominal values (computed in float64),
    so the 3x3 covariance suffers no cancellation even in float32.
    """
    n = star["ra"].size
    cf = {k: v.astype(dtype)[:, None] for k, v in _mc_star_coefficients(star, sun).items()}
    col = {k: v.astype(dtype)[:, None] for k, v in star.items()}
    z = rng.standard_normal((4, n, n_draws), dtype=dtype)
    tmp = np.empty((n, n_draws), dtype)
    # Draws: mu_a* (z0), mu_d correlated with mu_a* (z1), v_los (z2), distance (z3).
    np.multiply(z[0], col["pm_corr"], out=tmp)
    z[1] *= np.sqrt(1 - col["pm_corr"] ** 2)
    z[1] += tmp
    z[1] *= col["pmdec_err"]
    z[1] += col["pmdec"]
    z[0] *= col["pmra_err"]
    z[0] += col["pmra"]
    z[2] *= col["vlos_err"]
    z[2] += col["vlos"]
    z[3] *= col["dist_err"]
    z[3] += col["dist"]
    p, q, u, d = z
    np.multiply(d, dtype(K_KMS_PER_KPC_MASYR), out=tmp)
    p *= tmp  # k d mu_a*  [km/s]
    q *= tmp  # k d mu_d
    # R^2 = x^2 + y^2 and r^2 = R^2 + z^2 from the coordinates themselves (no cancellation near
    # the z axis, which the expanded A0 + d (2 A1 + A2 d) would suffer in float32).
    r2_cyl = d * cf["lx"]
    r2_cyl += cf["sx"]
    r2_cyl *= r2_cyl
    np.multiply(d, cf["ly"], out=tmp)
    tmp += cf["sy"]
    tmp *= tmp
    r2_cyl += tmp
    np.multiply(d, cf["lz"], out=tmp)
    tmp += cf["sz"]
    zpos = tmp.copy()
    tmp *= tmp
    r2 = r2_cyl + tmp
    # x.v
    dot = d + cf["S1"]
    dot *= u
    np.multiply(p, cf["c2"], out=tmp)
    dot += tmp
    np.multiply(q, cf["c3"], out=tmp)
    dot += tmp
    np.multiply(d, cf["c4"], out=tmp)
    dot += tmp
    dot += cf["c0"]
    # (x x v)_z
    ang = d * cf["e5"]
    ang += cf["e2"]
    ang *= p
    np.multiply(d, cf["e6"], out=tmp)
    tmp += cf["e3"]
    tmp *= q
    ang += tmp
    np.multiply(u, cf["e1"], out=tmp)
    ang += tmp
    np.multiply(d, cf["e4"], out=tmp)
    ang += tmp
    ang += cf["e0"]
    # z and v_z (z overwrites d, v_z overwrites u)
    vz = u
    vz *= cf["lz"]
    np.multiply(p, cf["ez"], out=tmp)
    vz += tmp
    np.multiply(q, cf["nz"], out=tmp)
    vz += tmp
    vz += cf["wz"]
    # 1/R into p, 1/r into q
    inv_cyl = np.sqrt(r2_cyl, out=p)
    np.reciprocal(inv_cyl, out=inv_cyl)
    inv_r = np.sqrt(r2, out=q)
    np.reciprocal(inv_r, out=inv_r)
    # v_theta = (z x.v - r^2 v_z) / (R r)
    vtheta = zpos
    vtheta *= dot
    vz *= r2
    vtheta -= vz
    vtheta *= inv_cyl
    vtheta *= inv_r
    vr = dot
    vr *= inv_r
    vphi = ang
    vphi *= inv_cyl
    del r2_cyl, r2, vz, z

    nominal = spherical_velocities(
        *galactocentric_phase_space(
            star["ra"], star["dec"], star["dist"], star["pmra"], star["pmdec"], star["vlos"], sun
        )
    )
    # v_t draws (before centring) in tmp.
    np.multiply(vtheta, vtheta, out=tmp)
    tmp += vphi * vphi
    np.sqrt(tmp, out=tmp)
    vt_err = tmp.std(axis=1, ddof=1, dtype=np.float64)
    devs = []
    for draws, key in ((vr, "vr"), (vtheta, "vtheta"), (vphi, "vphi")):
        draws -= nominal[key].astype(dtype)[:, None]
        devs.append(draws)
    mean = np.stack([dv.sum(axis=1, dtype=np.float64) / n_draws for dv in devs], axis=1)
    cov = np.empty((n, 3, 3))
    for i in range(3):
        for j in range(i, 3):
            s = np.einsum("nd,nd->n", devs[i], devs[j], dtype=np.float64)
            cov[:, i, j] = cov[:, j, i] = (s - n_draws * mean[:, i] * mean[:, j]) / (n_draws - 1)
    out = {key: nominal[key] for key in ("vr", "vtheta", "vphi", "vt")}
    for i, key in enumerate(("vr", "vtheta", "vphi")):
        out[f"{key}_err"] = np.sqrt(cov[:, i, i])
    out["vt_err"] = vt_err
    out["cov"] = cov
    return out


def monte_carlo_spherical_velocities_chunked(
    ra_deg, dec_deg, distance_kpc, pmra_masyr, pmdec_masyr, vlos_kms, *,
    pmra_err, pmdec_err, vlos_err, sun: SolarParameters, n_draws: int,
    rng: np.random.Generator, distance_err=None, pm_corr=None,
    chunk_stars: int = MC_CHUNK_STARS, n_workers: int = 1, dtype: type = np.float64,
) -> dict[str, np.ndarray]:
    """:func:`monte_carlo_spherical_velocities` for very many stars, in bounded memory.

    Bird et al. (2022, Section 4.1) propagate distance, line-of-sight velocity and the two
    correlated proper-motion errors with 1000 Monte Carlo draws per star to a 3x3
    covariance of (v_r, v_theta, v_phi) per star. Here the stars are processed
    ``chunk_stars`` at a time (memory ~ 160 bytes x chunk_stars x n_draws), each chunk
    with its own generator spawned from one seed drawn from ``rng``: the result depends
    on ``rng`` and ``chunk_stars`` but not on ``n_workers`` (threads; numpy releases the
    GIL in its array kernels, so a free second core helps). ``dtype=np.float32`` draws
    and transforms in single precision (about twice as fast; moments are still summed in
    float64 about the float64 nominal values, so the covariances stay accurate to ~1e-5).

    Returns the same keys as :func:`monte_carlo_spherical_velocities`: nominal ``vr,
    vtheta, vphi, vt``, their Monte Carlo standard deviations ``*_err`` and ``cov``
    (N, 3, 3).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    if int(n_draws) < 2:
        raise ValueError(f"n_draws must be >= 2, got {n_draws}")
    if int(chunk_stars) < 1 or int(n_workers) < 1:
        raise ValueError("chunk_stars and n_workers must be >= 1")
    if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    ra = np.atleast_1d(np.asarray(ra_deg, float))
    n_stars = ra.size
    star = {
        "ra": ra,
        "dec": dec_deg, "dist": distance_kpc, "pmra": pmra_masyr, "pmdec": pmdec_masyr,
        "vlos": vlos_kms, "pmra_err": pmra_err, "pmdec_err": pmdec_err, "vlos_err": vlos_err,
        "dist_err": 0.0 if distance_err is None else distance_err,
        "pm_corr": 0.0 if pm_corr is None else pm_corr,
    }
    star = {k: np.broadcast_to(np.asarray(v, float), (n_stars,)) for k, v in star.items()}
    if np.any(np.abs(star["pm_corr"]) > 1):
        raise ValueError("pm_corr must lie in [-1, 1]")
    starts = list(range(0, n_stars, int(chunk_stars)))
    seeds = np.random.SeedSequence(int(rng.integers(0, 2**63))).spawn(len(starts))

    def run(i: int) -> dict[str, np.ndarray]:
        sl = slice(starts[i], starts[i] + int(chunk_stars))
        return _mc_chunk({k: v[sl] for k, v in star.items()}, sun, int(n_draws),
                         rng=np.random.default_rng(seeds[i]), dtype=dtype)

    if int(n_workers) == 1:
        parts = [run(i) for i in range(len(starts))]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(int(n_workers)) as pool:
            parts = list(pool.map(run, range(len(starts))))
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
