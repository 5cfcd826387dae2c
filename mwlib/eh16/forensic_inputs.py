"""The inputs of the forensic study of Eadie & Harris (2016) and the heliocentric -> Galactocentric transform with
every knob a 2016 pipeline could have set differently (:mod:`mwlib.eh16.forensics`).

* :class:`ClusterInputs` -- the Table 1 inputs of the 89 included clusters (sky position, heliocentric distance,
  proper motions, line-of-sight velocity and their errors, Harris r);
* :class:`Transform` -- the knobs of the transformation (solar motion and position, the rotation matrix, unit
  factors, sign conventions, scalings of components, the post-processing of the spherical velocities); its
  defaults are the project's baseline (``mwlib.core.coords.EADIE16_SUN``), so
  ``tracers_from_inputs(inputs, Transform())`` reproduces ``results/gc_kinematics.csv`` (to 1e-13 km/s);
* :class:`Tracers` -- the resulting (r, vr, vt) (+ vtheta, vphi, errors) of the clusters.

Conventions are those of :mod:`mwlib.core.coords`: right-handed Galactocentric axes, x from the Sun towards the
Galactic centre, y towards the Sun's rotation, z towards the North Galactic Pole. This module is long (about 350
lines) because the transform is written out once with all its knobs rather than split across modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy.table import Table

from mwlib.core import coords
from mwlib.eh16.published import EADIE16_RESULTS


#: Published W10 3D-estimator mass within 38.5 kpc for beta = 0 (EH16 Sec. 5.1), Msun.
W10_TARGET_MSUN: float = EADIE16_RESULTS[("W10 beta=0", "M(<38.5)")]["value"] * 1e11
#: Outermost complete cluster (NGC 7006, Harris r) where EH16 evaluate the W10 estimator.
W10_R_OUT_KPC: float = 38.5
#: Relative tolerance of the calibration (the published value has three digits).
CALIBRATION_RTOL: float = 0.005
#: Floor [km/s] of speeds reduced by the error-subtraction edits: L = r vt = 0 makes the
#: anisotropic DF (L^-2beta) degenerate, and a deconvolved speed is not exactly zero.
SPEED_FLOOR_KMS: float = 1.0
E11: float = 1e11


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterInputs:
    """Table 1 inputs of the included clusters (one entry per cluster, numpy arrays).

    ``pmra`` is mu_alpha cos(delta) [mas/yr] as Table 1 prints it, ``vlos`` heliocentric
    [km/s], ``distance_kpc`` the heliocentric distance that puts the cluster at the Harris
    radius ``r_kpc`` for the paper's solar position (as in notebook 01). Proper motions and
    their errors are NaN for line-of-sight-only clusters (``complete`` False).
    """

    name: np.ndarray
    ra: np.ndarray
    dec: np.ndarray
    distance_kpc: np.ndarray
    r_kpc: np.ndarray
    pmra: np.ndarray
    pmdec: np.ndarray
    vlos: np.ndarray
    pmra_err: np.ndarray
    pmdec_err: np.ndarray
    vlos_err: np.ndarray
    complete: np.ndarray

    @property
    def n(self) -> int:
        return int(self.r_kpc.size)


def load_inputs(kin: Table, gc_table: Table) -> ClusterInputs:
    """The included clusters from the data product of notebook 01 (``read_gc_kinematics``) and the Table 1
    errors (``read_gc_table``)."""
    row_of = {str(n): i for i, n in enumerate(gc_table["name"])}
    kin = kin[np.asarray(kin["included"], bool)]
    idx = np.array([row_of[str(n)] for n in kin["name"]])
    complete = np.asarray(kin["complete"], bool)

    def col(table: Table, key: str, rows: np.ndarray | None = None) -> np.ndarray:
        values = np.asarray(table[key], float)
        return values if rows is None else values[rows]

    pm_mask = np.where(complete, 1.0, np.nan)  # Pal 3's listed motion is treated as unknown
    return ClusterInputs(
        name=np.asarray(kin["name"], str),
        ra=col(kin, "ra"), dec=col(kin, "dec"), distance_kpc=col(kin, "distance_kpc"),
        r_kpc=col(kin, "r_kpc"),
        pmra=col(kin, "pmra") * pm_mask, pmdec=col(kin, "pmdec") * pm_mask, vlos=col(kin, "vlos"),
        pmra_err=col(gc_table, "pmra_err", idx) * pm_mask, pmdec_err=col(gc_table, "pmdec_err", idx) * pm_mask,
        vlos_err=col(gc_table, "vlos_err", idx), complete=complete,
    )


# ---------------------------------------------------------------------------------------------
# The transformation with every knob
# ---------------------------------------------------------------------------------------------
def _js87_matrix(ra_ngp_deg: float, dec_ngp_deg: float, theta0_deg: float) -> np.ndarray:
    """Johnson & Soderblom (1987) equatorial -> Galactic rotation T for given NGP constants."""
    a, d, t = np.deg2rad([ra_ngp_deg, dec_ngp_deg, theta0_deg])
    t1 = np.array([[np.cos(t), np.sin(t), 0.0], [np.sin(t), -np.cos(t), 0.0], [0.0, 0.0, 1.0]])
    t2 = np.array([[-np.sin(d), 0.0, np.cos(d)], [0.0, -1.0, 0.0], [np.cos(d), 0.0, np.sin(d)]])
    t3 = np.array([[np.cos(a), np.sin(a), 0.0], [np.sin(a), -np.cos(a), 0.0], [0.0, 0.0, 1.0]])
    return t1 @ t2 @ t3


#: J2000 and B1950 NGP constants (alpha_NGP, delta_NGP, theta_0) in degrees.
NGP_J2000 = (192.85948, 27.12825, 122.93192)
NGP_B1950 = (192.25, 27.4, 123.0)


def _rotation_power(matrix: np.ndarray, t: float) -> np.ndarray:
    """matrix**t for a proper rotation (axis-angle), t = 0 -> identity."""
    if t == 0.0:
        return np.eye(3)
    from scipy.spatial.transform import Rotation

    return Rotation.from_rotvec(t * Rotation.from_matrix(matrix).as_rotvec()).as_matrix()


#: ICRS -> ICRS rotation that turns the J2000 Galactic matrix into the B1950 one applied to
#: J2000 coordinates: T_B1950 = T_J2000 @ Q.
B1950_ON_J2000 = _js87_matrix(*NGP_J2000).T @ _js87_matrix(*NGP_B1950)


@dataclass(frozen=True)
class Transform:
    """Knobs of the chain Table 1 -> (r, vr, vt); the defaults are the project's baseline.

    Stage 1, the heliocentric -> Galactocentric transformation (complete clusters):

    * ``pm_scale``: both proper motions times s before the transformation.
    * ``pmra_scale``, ``pmdec_scale``: one proper-motion component times s (0: dropped).
    * ``vlos_scale``: heliocentric line-of-sight velocities times s (all clusters).
    * ``pmra_cos_power``: mu_alpha* times cos(delta)**p (p = +1: cos(delta) applied twice,
      p = -1: Table 1's mu_alpha* read as mu_alpha and divided by cos(delta)).
    * ``distance_scale``: heliocentric distances times s (positions and tangential velocities).
    * ``distance_to_r``: d -> (1 - t) d + t r_Harris (t = 1: the Galactocentric radius used as
      the heliocentric distance).
    * ``recompute_r``: the DF's r from the transformed positions instead of Harris's r.
    * ``r_to_distance``: the DF's (and W10's) r -> (1 - t) r + t d (t = 1: the heliocentric
      distance used as the Galactocentric radius; W10's r_out moves the same way).
    * ``r0_kpc``, ``z_sun_kpc``, ``v_lsr``, ``solar_peculiar``: the solar parameters;
      ``vsun_scale`` multiplies the Sun's whole Galactocentric velocity (-1: added with the
      wrong sign).
    * ``precession``: t in R @ Q**t with Q the B1950-on-J2000 rotation (t = 1: the B1950 NGP
      matrix applied to J2000 coordinates).
    * ``helio_component_scale``: the cluster's heliocentric velocity components along the
      Galactocentric x (U), y (V), z (W) axes times these factors before the Sun's velocity is
      added (-1 on U: left-handed U).

    Stage 2, edits of the spherical velocities (in this order):

    * ``vr_complete_to_vlos_gsr``: complete clusters' vr -> (1 - t) vr + t v_los,GSR
      (t = 1: vr computed as the Galactic-rest-frame line-of-sight velocity).
    * ``vr_complete_to_vlos_helio``: the same towards the heliocentric v_los.
    * ``vt_complete_to_helio``: vt -> (1 - t) vt + t k d |mu| (the heliocentric tangential
      speed, no solar reflex removed); vtheta, vphi scaled with vt.
    * ``vr_los_to_helio``: line-of-sight-only clusters' vr -> (1 - t) v_los,GSR + t v_los.
    * ``error_variance_scale``: v_i^2 -> v_i^2 - s sigma_i^2 per component (errors subtracted
      in quadrature; clipped at SPEED_FLOOR_KMS; vtheta, vphi scaled with vt).
    * ``vt_minus_error``: complete clusters' vt -> max(vt - s sigma_vt, floor) (vtheta, vphi scaled
      with vt; sigma_vt from linear propagation).
    * ``vt_complete_to_vphi``: vt -> (1 - t) vt + t |vphi| (t = 1: vtheta dropped from vt).
    * ``vtheta_sin_power``, ``vphi_sin_power``: vtheta, vphi of complete clusters times
      (R/r)**t = sin(theta)**t (t = 1: a non-orthonormal slip in the spherical conversion, e.g.
      v_phi = (x v_y - y v_x) / r instead of / R).
    * ``velocity_scale``, ``vr_scale``, ``vt_complete_scale``: plain factors (all velocities;
      every vr; vt, vtheta, vphi of complete clusters).
    """

    pm_scale: float = 1.0
    pmra_scale: float = 1.0
    pmdec_scale: float = 1.0
    vlos_scale: float = 1.0
    pmra_cos_power: float = 0.0
    distance_scale: float = 1.0
    distance_to_r: float = 0.0
    recompute_r: bool = False
    r_to_distance: float = 0.0
    r0_kpc: float = coords.EADIE16_SUN.r0_kpc
    z_sun_kpc: float = coords.EADIE16_SUN.z_sun_kpc
    v_lsr: float = coords.EADIE16_SUN.v_lsr_kms
    solar_peculiar: tuple[float, float, float] = (coords.EADIE16_SUN.u_sun_kms, coords.EADIE16_SUN.v_sun_kms,
                                                  coords.EADIE16_SUN.w_sun_kms)
    vsun_scale: float = 1.0
    precession: float = 0.0
    helio_component_scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    vr_complete_to_vlos_gsr: float = 0.0
    vr_complete_to_vlos_helio: float = 0.0
    vt_complete_to_helio: float = 0.0
    vr_los_to_helio: float = 0.0
    error_variance_scale: float = 0.0
    vt_minus_error: float = 0.0
    vt_complete_to_vphi: float = 0.0
    vtheta_sin_power: float = 0.0
    vphi_sin_power: float = 0.0
    velocity_scale: float = 1.0
    vr_scale: float = 1.0
    vt_complete_scale: float = 1.0

    def sun(self) -> coords.SolarParameters:
        u, v, w = self.solar_peculiar
        if (self.r0_kpc, self.z_sun_kpc, self.v_lsr, u, v, w) == (
                coords.EADIE16_SUN.r0_kpc, coords.EADIE16_SUN.z_sun_kpc, coords.EADIE16_SUN.v_lsr_kms,
                coords.EADIE16_SUN.u_sun_kms, coords.EADIE16_SUN.v_sun_kms, coords.EADIE16_SUN.w_sun_kms):
            return coords.EADIE16_SUN  # the cached baseline frame
        return coords.SolarParameters(self.r0_kpc, self.z_sun_kpc, self.v_lsr, u, v, w)


@dataclass(frozen=True)
class Tracers:
    """(r, vr, vt) of the included clusters, plus what the diagnostics need.

    ``vt``, ``vtheta``, ``vphi`` are NaN for line-of-sight-only clusters; ``*_err`` are the
    1-sigma errors from linear propagation of the Table 1 errors (Table 1 has no distance
    errors); ``speed_helio_t`` is the heliocentric tangential speed k d |mu| [km/s].
    """

    name: np.ndarray
    r: np.ndarray
    vr: np.ndarray
    vt: np.ndarray
    vtheta: np.ndarray
    vphi: np.ndarray
    vr_err: np.ndarray
    vtheta_err: np.ndarray
    vphi_err: np.ndarray
    complete: np.ndarray
    r_out_kpc: float = W10_R_OUT_KPC
    w10_exponent: float = 0.5  # the r exponent of the W10 estimator (gamma); an estimator-only knob

    def fit_input(self) -> dict[str, np.ndarray]:
        """The ``df.fit`` input: r [kpc], vr, vt [km/s], vt NaN where unknown."""
        return {"r": self.r.copy(), "vr": self.vr.copy(), "vt": np.where(self.complete, self.vt, np.nan)}

    def select(self, keep: np.ndarray) -> "Tracers":
        fields = {k: getattr(self, k)[keep] for k in ("name", "r", "vr", "vt", "vtheta", "vphi", "vr_err",
                                                      "vtheta_err", "vphi_err", "complete")}
        return Tracers(**fields, r_out_kpc=self.r_out_kpc, w10_exponent=self.w10_exponent)


def _spherical_basis(position: np.ndarray) -> np.ndarray:
    """Unit vectors (r-hat, theta-hat, phi-hat) as rows, shape (N, 3, 3) (mwlib.coords convention)."""
    x, y, z = position.T
    rc = np.hypot(x, y)
    r = np.hypot(rc, z)
    zero = np.zeros_like(x)
    r_hat = np.stack([x / r, y / r, z / r], axis=-1)
    theta_hat = np.stack([z * x / (rc * r), z * y / (rc * r), -rc / r], axis=-1)
    phi_hat = np.stack([-y / rc, x / rc, zero], axis=-1)
    return np.stack([r_hat, theta_hat, phi_hat], axis=1)


def tracers_from_inputs(inputs: ClusterInputs, transform: Transform = Transform()) -> Tracers:
    """Apply ``transform`` to ``inputs``: the (r, vr, vt) tracers of the included clusters.

    At the default ``Transform()`` this is the project's baseline: positions and velocities as
    ``coords.galactocentric_phase_space`` with ``EADIE16_SUN``, vr of line-of-sight clusters
    ``coords.galactic_rest_frame_vlos``, r the Harris radius.
    """
    tf = transform
    sun = tf.sun()
    c = inputs.complete
    rotation = sun.rotation @ _rotation_power(B1950_ON_J2000, tf.precession)
    v_sun = sun.velocity_kms * tf.vsun_scale

    los, east, north = coords._icrs_unit_vectors(inputs.ra, inputs.dec)
    distance = tf.distance_scale * ((1.0 - tf.distance_to_r) * inputs.distance_kpc + tf.distance_to_r * inputs.r_kpc)
    cos_factor = np.cos(np.deg2rad(inputs.dec)) ** tf.pmra_cos_power
    ra_factor = tf.pm_scale * tf.pmra_scale * cos_factor
    pmra = np.where(c, inputs.pmra, 0.0) * ra_factor
    pmdec = np.where(c, inputs.pmdec, 0.0) * tf.pm_scale * tf.pmdec_scale
    vlos_obs = inputs.vlos * tf.vlos_scale
    k_d = coords.K_KMS_PER_KPC_MASYR * distance
    d3 = distance[:, None]
    v_icrs = vlos_obs[:, None] * los + k_d[:, None] * (pmra[:, None] * east + pmdec[:, None] * north)
    los_gc = los @ rotation.T
    position = sun.position_kpc + d3 * los_gc
    v_helio = (v_icrs @ rotation.T) * np.asarray(tf.helio_component_scale, float)
    velocity = v_sun + v_helio
    basis = _spherical_basis(position)
    vr, vtheta, vphi = np.einsum("nij,nj->in", basis, velocity)

    # Linear error propagation: d v / d(vlos, pmra, pmdec) projected on the spherical basis.
    scale = np.asarray(tf.helio_component_scale, float)
    jac = np.stack([los * tf.vlos_scale, k_d[:, None] * ra_factor[:, None] * east,
                    k_d[:, None] * (tf.pm_scale * tf.pmdec_scale) * north],
                   axis=1) @ rotation.T * scale  # (N, 3 observables, 3 Cartesian)
    jac_sph = np.einsum("nij,nkj->nki", basis, jac)  # (N, 3 observables, 3 spherical)
    sig = np.stack([inputs.vlos_err, np.where(c, inputs.pmra_err, 0.0), np.where(c, inputs.pmdec_err, 0.0)], axis=1)
    var_sph = np.einsum("nk,nki->ni", sig**2, jac_sph**2)
    vr_err, vtheta_err, vphi_err = np.sqrt(var_sph).T

    if tf.recompute_r:  # r of the new position; relative to the baseline position so that s = 1 is exact
        base_position = sun.position_kpc + inputs.distance_kpc[:, None] * (los @ sun.rotation.T)
        r = inputs.r_kpc * np.linalg.norm(position, axis=1) / np.linalg.norm(base_position, axis=1)
    else:
        r = inputs.r_kpc.copy()
    r_out = float(np.max(r[c])) if tf.recompute_r else W10_R_OUT_KPC
    if tf.r_to_distance:
        t = tf.r_to_distance
        outermost = np.flatnonzero(c)[np.argmax(inputs.r_kpc[c])]
        r_out = (1 - t) * r_out + t * float(distance[outermost])
        r = (1 - t) * r + t * distance
    vlos_gsr = vlos_obs + los_gc @ v_sun
    vr = np.where(c, vr, vlos_gsr)
    vr_err = np.where(c, vr_err, inputs.vlos_err)
    vtheta = np.where(c, vtheta, np.nan)
    vphi = np.where(c, vphi, np.nan)
    vtheta_err = np.where(c, vtheta_err, np.nan)
    vphi_err = np.where(c, vphi_err, np.nan)

    # Stage 2 edits.
    if tf.vr_complete_to_vlos_gsr:
        vr = np.where(c, (1 - tf.vr_complete_to_vlos_gsr) * vr + tf.vr_complete_to_vlos_gsr * vlos_gsr, vr)
    if tf.vr_complete_to_vlos_helio:
        vr = np.where(c, (1 - tf.vr_complete_to_vlos_helio) * vr + tf.vr_complete_to_vlos_helio * vlos_obs, vr)
    vt = np.hypot(vtheta, vphi)
    if tf.vt_complete_to_helio:
        vt_helio = k_d * np.hypot(pmra, pmdec)
        vt_new = (1 - tf.vt_complete_to_helio) * vt + tf.vt_complete_to_helio * vt_helio
        ratio = np.where(vt > 0, vt_new / np.where(vt > 0, vt, 1.0), 0.0)
        vtheta, vphi, vt = vtheta * ratio, vphi * ratio, vt_new
    if tf.vr_los_to_helio:
        vr = np.where(c, vr, (1 - tf.vr_los_to_helio) * vr + tf.vr_los_to_helio * vlos_obs)
    if tf.error_variance_scale:
        s = tf.error_variance_scale
        vr = np.sign(vr) * np.sqrt(np.clip(vr**2 - s * vr_err**2, SPEED_FLOOR_KMS**2, None))
        vt_sq_err = np.where(c, vtheta_err**2 + vphi_err**2, 0.0)
        vt_new = np.sqrt(np.clip(vt**2 - s * vt_sq_err, SPEED_FLOOR_KMS**2, None))
        ratio = np.where(vt > 0, vt_new / np.where(vt > 0, vt, 1.0), 0.0)
        vtheta, vphi, vt = vtheta * ratio, vphi * ratio, vt_new
    if tf.vt_minus_error:
        sig_vt = np.sqrt(np.where(c, (vtheta * vtheta_err) ** 2 + (vphi * vphi_err) ** 2, 0.0)) / np.where(vt > 0, vt, 1.0)
        vt_new = np.clip(vt - tf.vt_minus_error * sig_vt, SPEED_FLOOR_KMS, None)
        ratio = np.where(vt > 0, vt_new / np.where(vt > 0, vt, 1.0), 0.0)
        vtheta, vphi, vt = vtheta * ratio, vphi * ratio, vt_new
    if tf.vt_complete_to_vphi:
        vt_new = (1 - tf.vt_complete_to_vphi) * vt + tf.vt_complete_to_vphi * np.abs(vphi)
        ratio = np.where(vt > 0, vt_new / np.where(vt > 0, vt, 1.0), 0.0)
        vtheta, vphi, vt = vtheta * ratio, vphi * ratio, vt_new
    if tf.vtheta_sin_power or tf.vphi_sin_power:
        sin_theta = np.hypot(position[:, 0], position[:, 1]) / np.linalg.norm(position, axis=1)
        vtheta = vtheta * sin_theta**tf.vtheta_sin_power
        vphi = vphi * sin_theta**tf.vphi_sin_power
        vt = np.hypot(vtheta, vphi)
    vr = vr * tf.velocity_scale * tf.vr_scale
    ct = tf.velocity_scale * tf.vt_complete_scale
    vt, vtheta, vphi = vt * ct, vtheta * ct, vphi * ct

    return Tracers(name=inputs.name, r=r, vr=vr, vt=np.where(c, vt, np.nan), vtheta=vtheta, vphi=vphi,
                   vr_err=vr_err, vtheta_err=vtheta_err, vphi_err=vphi_err, complete=c.copy(), r_out_kpc=r_out)
