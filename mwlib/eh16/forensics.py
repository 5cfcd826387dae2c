"""Forensics of Eadie & Harris (2016): candidate errors of the paper's 2016 pipeline as one-parameter hypotheses,
each calibrated on ONE published number -- the Watkins et al. (2010) mass within 38.5 kpc at beta = 0 -- and then
tested on every other published number it can affect (:mod:`mwlib.eh16.forensic_scoring`).

* :class:`Hypothesis` -- name, parameter, neutral value, bracket, an optional "natural" value (what a specific
  slip would imply) and the function (inputs, value) -> :class:`~mwlib.eh16.forensic_inputs.Tracers`;
  :data:`HYPOTHESES` lists them, among them ``v_all``, ``vt_complete``, ``vr_all``, ``pm``, ``distance`` and
  ``vlsr`` (see the module's table of contents in the code), and :data:`NATURAL_VALUES` the values specific
  slips imply;
* :func:`w10_mass` -- the calibration target (Watkins et al. 2010 Eq. 24 on the complete clusters), and
  :func:`calibrate` -- the root (brentq) of W10(value) = 1.79e11 Msun within the hypothesis' bracket;
* :func:`direct_beta` -- Eq. 11 from the sample variances of the complete clusters (Section 5.5);
* :func:`check_neutral` -- every hypothesis at its neutral value reproduces notebook 01's velocities.

A hypothesis is a statement about what the 2016 pipeline may have done, never a correction of our velocities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np
from astropy.table import Table
from scipy.optimize import brentq

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN
from mwlib.eh16 import estimators
from mwlib.eh16.forensic_inputs import (
    CALIBRATION_RTOL, W10_R_OUT_KPC, W10_TARGET_MSUN, ClusterInputs, Tracers, Transform,
    tracers_from_inputs,
)

# ---------------------------------------------------------------------------------------------
# Hypotheses
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hypothesis:
    """A candidate error of the 2016 pipeline with one free parameter.

    ``apply(inputs, value)`` gives the tracers the pipeline would have produced;
    ``apply(inputs, neutral)`` is the baseline. ``natural`` is the value a specific slip
    implies (a unit factor, a sign), if there is one; ``bracket`` is where the calibration
    looks for the W10 target.
    """

    name: str
    parameter: str
    neutral: float
    bracket: tuple[float, float]
    apply: Callable[[ClusterInputs, float], Tracers]
    natural: float | None = None
    description: str = ""


def _knob(name: str, **fixed: Any) -> Callable[[ClusterInputs, float], Tracers]:
    """A hypothesis function setting one Transform field (plus fixed extras) to the value."""
    def apply(inputs: ClusterInputs, value: float) -> Tracers:
        return tracers_from_inputs(inputs, Transform(**{name: float(value)}, **fixed))
    return apply


def _component(axis: int) -> Callable[[ClusterInputs, float], Tracers]:
    def apply(inputs: ClusterInputs, value: float) -> Tracers:
        scale = [1.0, 1.0, 1.0]
        scale[axis] = float(value)
        return tracers_from_inputs(inputs, Transform(helio_component_scale=tuple(scale)))
    return apply


def _w10_only(field_name: str) -> Callable[[ClusterInputs, float], Tracers]:
    """An estimator-only hypothesis: baseline tracers, one W10 setting changed."""
    def apply(inputs: ClusterInputs, value: float) -> Tracers:
        return replace(tracers_from_inputs(inputs), **{field_name: float(value)})
    return apply


def _w10_r_out_fixed(inner: Callable[[ClusterInputs, float], Tracers]) -> Callable[[ClusterInputs, float], Tracers]:
    def apply(inputs: ClusterInputs, value: float) -> Tracers:
        return replace(inner(inputs, value), r_out_kpc=W10_R_OUT_KPC)
    return apply


def _both_sin_powers(inputs: ClusterInputs, value: float) -> Tracers:
    return tracers_from_inputs(inputs, Transform(vtheta_sin_power=float(value), vphi_sin_power=float(value)))


def _peculiar_scale(inputs: ClusterInputs, value: float) -> Tracers:
    u, v, w = Transform().solar_peculiar
    return tracers_from_inputs(inputs, Transform(solar_peculiar=(u * value, v * value, w * value)))


HYPOTHESES: dict[str, Hypothesis] = {h.name: h for h in [
    # --- the six of the brief -------------------------------------------------------------
    Hypothesis("v_all", "s", 1.0, (0.5, 1.5), _knob("velocity_scale"), 0.9778,
               "every Galactocentric velocity (vr, vt, all clusters) times s; natural 0.978 = km/s read as kpc/Myr"),
    Hypothesis("vt_complete", "s", 1.0, (0.0, 1.5), _knob("vt_complete_scale"), 2**-0.5,
               "tangential velocity of the complete clusters times s, vr unchanged; natural 1/sqrt(2) = vt "
               "computed as the rms of its two components"),
    Hypothesis("vr_all", "s", 1.0, (0.0, 1.5), _knob("vr_scale"), None,
               "every radial velocity (complete and line-of-sight clusters) times s"),
    Hypothesis("pm", "s", 1.0, (0.0, 1.5), _knob("pm_scale"), None,
               "both proper motions times s before the transformation (k = 4.74047 vs 4.74: s = 0.9999)"),
    Hypothesis("distance", "s", 1.0, (0.2, 1.5), _knob("distance_scale"), None,
               "heliocentric distances times s, positions recomputed for the velocity decomposition; "
               "r of the DF and W10 stays Harris's (EH16 Sec. 3: r from the Harris catalogue)"),
    Hypothesis("distance_r", "s", 1.0, (0.2, 1.5), _knob("distance_scale", recompute_r=True), None,
               "as distance, but r of the DF and W10 recomputed from the scaled positions "
               "(W10 r_out = the recomputed r of the outermost complete cluster)"),
    Hypothesis("distance_r38", "s", 1.0, (0.2, 1.5), _w10_r_out_fixed(_knob("distance_scale", recompute_r=True)), None,
               "as distance_r (r recomputed for the DF and W10), but W10 still evaluated at r_out = 38.5 kpc "
               "as the paper quotes"),
    Hypothesis("vlsr", "v_LSR [km/s]", 220.0, (-400.0, 800.0), _knob("v_lsr"), None,
               "LSR circular speed instead of 220 km/s"),
    # --- further mechanisms --------------------------------------------------------------
    Hypothesis("vsun_sign", "s", 1.0, (-1.5, 1.5), _knob("vsun_scale"), -1.0,
               "the Sun's Galactocentric velocity (LSR + peculiar) times s; natural -1 = added with the wrong sign"),
    Hypothesis("peculiar_sign", "s", 1.0, (-3.0, 3.0), _peculiar_scale, -1.0,
               "the Sun's peculiar motion (U, V, W) times s; natural -1 = subtracted"),
    Hypothesis("flip_U", "s_U", 1.0, (-1.5, 1.5), _component(0), -1.0,
               "cluster heliocentric U (towards the Galactic centre) times s before adding the Sun; -1 = left-handed U"),
    Hypothesis("flip_V", "s_V", 1.0, (-1.5, 1.5), _component(1), -1.0,
               "cluster heliocentric V times s; -1 = sign flip of V"),
    Hypothesis("flip_W", "s_W", 1.0, (-1.5, 1.5), _component(2), -1.0,
               "cluster heliocentric W times s; -1 = sign flip of W"),
    Hypothesis("pmra_cosdec", "p", 0.0, (-3.0, 3.0), _knob("pmra_cos_power"), 1.0,
               "mu_alpha* times cos(dec)**p; natural +1 = cos(dec) applied twice, -1 = divided by cos(dec)"),
    Hypothesis("ngp_b1950", "t", 0.0, (-3.0, 3.0), _knob("precession"), 1.0,
               "fraction t of the B1950-J2000 frame rotation; t = 1: B1950 NGP matrix on J2000 coordinates"),
    Hypothesis("r0", "R0 [kpc]", 8.0, (2.0, 16.0), _knob("r0_kpc"), 8.5,
               "the Sun's Galactocentric distance used in the velocity transformation (r of the DF stays Harris's)"),
    Hypothesis("d_is_r", "t", 0.0, (-1.0, 2.0), _knob("distance_to_r"), 1.0,
               "heliocentric distance d -> (1 - t) d + t r: t = 1 uses the Galactocentric r as the distance"),
    Hypothesis("err_quad", "s", 0.0, (0.0, 10.0), _knob("error_variance_scale"), 1.0,
               "measurement variances times s subtracted in quadrature from each velocity component"),
    Hypothesis("vr_is_vlos_gsr", "t", 0.0, (-1.0, 2.0), _knob("vr_complete_to_vlos_gsr"), 1.0,
               "complete clusters: vr -> (1 - t) vr + t v_los,GSR (t = 1: v_r^2 computed as v_los^2)"),
    Hypothesis("vr_is_vlos_helio", "t", 0.0, (-1.0, 2.0), _knob("vr_complete_to_vlos_helio"), 1.0,
               "complete clusters: vr -> (1 - t) vr + t v_los (heliocentric)"),
    Hypothesis("vt_is_helio", "t", 0.0, (-1.0, 2.0), _knob("vt_complete_to_helio"), 1.0,
               "complete clusters: vt -> (1 - t) vt + t 4.74 d |mu| (heliocentric tangential speed)"),
    Hypothesis("pmra_only", "s", 1.0, (-1.5, 1.5), _knob("pmra_scale"), 0.0,
               "mu_alpha* alone times s (0: the component dropped)"),
    Hypothesis("pmdec_only", "s", 1.0, (-1.5, 1.5), _knob("pmdec_scale"), 0.0,
               "mu_delta alone times s (0: the component dropped)"),
    Hypothesis("vlos", "s", 1.0, (0.0, 1.5), _knob("vlos_scale"), None,
               "heliocentric line-of-sight velocities (all clusters) times s before the transformation"),
    Hypothesis("r_is_d", "t", 0.0, (0.0, 1.25), _knob("r_to_distance"), 1.0,
               "r of the DF and W10 -> (1 - t) r + t d: t = 1 uses the heliocentric distance as r"),
    Hypothesis("w10_exponent", "p", 0.5, (0.0, 4.0), _w10_only("w10_exponent"), 3.5,
               "estimator only: W10 as r_out^(1-p) <v^2 r^p>; natural 3.5 = the tracer slope put in the "
               "potential slope's place (W10 swap the letters); the fits are the baseline's"),
    Hypothesis("w10_r_out", "r_out [kpc]", 38.5, (5.0, 60.0), _w10_only("r_out_kpc"), 21.4,
               "estimator only: W10 evaluated at r_out instead of 38.5 kpc (21.4 = NGC 4147, the third "
               "outermost complete cluster); the fits are the baseline's"),
    Hypothesis("vt_minus_err", "s", 0.0, (0.0, 5.0), _knob("vt_minus_error"), 1.0,
               "complete clusters: vt -> max(vt - s sigma_vt, 0) (an error subtracted linearly)"),
    Hypothesis("vt_is_vphi", "t", 0.0, (-1.0, 2.0), _knob("vt_complete_to_vphi"), 1.0,
               "complete clusters: vt -> (1 - t) vt + t |vphi| (t = 1: vtheta left out of vt)"),
    Hypothesis("vt_sin_theta", "t", 0.0, (-2.0, 6.0), _both_sin_powers, 1.0,
               "complete clusters: vtheta and vphi times sin(theta)**t (t = 1: both spherical tangential "
               "components divided by r where the cylindrical R belongs)"),
    Hypothesis("vphi_sin_theta", "t", 0.0, (-2.0, 6.0), _knob("vphi_sin_power"), 1.0,
               "complete clusters: vphi times sin(theta)**t (t = 1: v_phi = (x v_y - y v_x) / r)"),
    Hypothesis("los_helio", "t", 0.0, (-1.0, 2.0), _knob("vr_los_to_helio"), 1.0,
               "line-of-sight-only clusters: vr -> (1 - t) v_los,GSR + t v_los (heliocentric); W10 is blind to it"),
]}


#: Specific slips as (hypothesis, value, what it means): the W10 mass they give is tabulated
#: by ``run_forensics.py`` (``natural_values.csv``).
NATURAL_VALUES: list[tuple[str, float, str]] = [
    ("pm", 1e-3, "proper motions x 1/1000 (a mas/arcsec mix-up)"),
    ("pm", 1e3, "proper motions x 1000 (the mix-up the other way)"),
    ("pm", 4.74 / 4.74047, "k = 4.74 instead of 4.74047"),
    ("pm", 1 / 0.9778, "pm-derived velocities in kpc/Myr read as km/s"),
    ("v_all", 0.9778, "velocities in km/s read as kpc/Myr (x 0.9778)"),
    ("v_all", 1 / 0.9778, "velocities in kpc/Myr read as km/s (x 1.0227)"),
    ("pmra_cosdec", 1.0, "mu_alpha* multiplied by cos(dec) again"),
    ("pmra_cosdec", -1.0, "mu_alpha* divided by cos(dec)"),
    ("pmra_only", -1.0, "sign of mu_alpha* flipped"),
    ("pmdec_only", -1.0, "sign of mu_delta flipped"),
    ("ngp_b1950", 1.0, "B1950 NGP matrix on J2000 coordinates"),
    ("flip_U", -1.0, "left-handed U (towards the anticentre)"),
    ("flip_V", -1.0, "V sign flipped"),
    ("flip_W", -1.0, "W sign flipped"),
    ("vsun_sign", -1.0, "solar velocity (LSR + peculiar) subtracted instead of added"),
    ("peculiar_sign", -1.0, "solar peculiar motion subtracted"),
    ("peculiar_sign", 0.0, "no solar peculiar motion"),
    ("vlsr", 0.0, "no LSR rotation"),
    ("vlsr", 240.0, "v_LSR = 240 km/s"),
    ("vlsr", 254.0, "v_LSR = 254 km/s"),
    ("r0", 8.5, "R0 = 8.5 kpc in the transformation"),
    ("d_is_r", 1.0, "Galactocentric r used as the heliocentric distance"),
    ("r_is_d", 1.0, "heliocentric distance used as r"),
    ("vr_is_vlos_gsr", 1.0, "complete clusters: v_r = v_los,GSR"),
    ("vr_is_vlos_helio", 1.0, "complete clusters: v_r = heliocentric v_los"),
    ("vt_is_helio", 1.0, "complete clusters: vt = heliocentric 4.74 d |mu|"),
    ("los_helio", 1.0, "line-of-sight clusters: heliocentric v_los as v_r"),
    ("err_quad", 1.0, "measurement variances subtracted in quadrature"),
    ("vt_minus_err", 1.0, "vt minus its 1-sigma error"),
    ("vt_complete", 2**-0.5, "vt as the rms of its two components"),
    ("vt_is_vphi", 1.0, "vt = |v_phi| (v_theta left out)"),
    ("vt_sin_theta", 1.0, "v_theta, v_phi divided by r instead of R"),
    ("vphi_sin_theta", 1.0, "v_phi = (x v_y - y v_x) / r"),
    ("distance", 0.5, "heliocentric distances halved"),
    ("w10_exponent", 3.5, "W10 with the tracer slope as the exponent"),
    ("w10_r_out", 21.4, "W10 at r_out = 21.4 kpc (NGC 4147)"),
    ("w10_r_out", 26.9, "W10 at r_out = 26.9 kpc (Pal 13)"),
]


def check_neutral(inputs: ClusterInputs, baseline: Table, atol_kms: float = 1e-8) -> dict[str, float]:
    """Max |difference| [km/s, kpc] between each hypothesis at its neutral value and the baseline product.

    ``baseline`` is ``results/gc_kinematics.csv`` (``cluster_kinematics.read_gc_kinematics``). Raises if
    any difference exceeds ``atol_kms``.
    """
    base = baseline[np.asarray(baseline["included"], bool)]
    ref = {k: np.asarray(base[k], float) for k in ("r_kpc", "vr", "vt", "vtheta", "vphi")}
    out = {}
    for name, hyp in HYPOTHESES.items():
        tr = hyp.apply(inputs, hyp.neutral)
        diffs = [np.nanmax(np.abs(tr.r - ref["r_kpc"])), np.nanmax(np.abs(tr.vr - ref["vr"]))]
        for key in ("vt", "vtheta", "vphi"):
            a, b = getattr(tr, key), ref[key]
            if not np.array_equal(np.isnan(a), np.isnan(b)):
                raise AssertionError(f"{name}: NaN pattern of {key} differs from the baseline")
            diffs.append(np.nanmax(np.abs(a - b)))
        out[name] = float(max(diffs))
        if out[name] > atol_kms:
            raise AssertionError(f"{name} at its neutral value differs from the baseline by {out[name]:.3g}")
    return out


# ---------------------------------------------------------------------------------------------
# Calibration on the W10 mass
# ---------------------------------------------------------------------------------------------
def w10_mass(tracers: Tracers, beta: float = 0.0, alpha: float = 3.5, gamma: float = 0.5) -> float:
    """W10 Eq. 24 (3D speeds) on the complete clusters, M(< ``tracers.r_out_kpc``) [Msun].

    ``(alpha + gamma - 2 beta) / (G (3 - 2 beta)) r_out^(1 - p) <v^2 r^p>`` with p =
    ``tracers.w10_exponent`` (= gamma = 0.5 except for the estimator-only hypothesis).
    """
    c = tracers.complete
    speed = np.hypot(tracers.vr[c], tracers.vt[c])
    if tracers.w10_exponent == gamma:
        return estimators.watkins2010_mass_3d(tracers.r[c], speed, tracer_slope=alpha, beta=beta, potential_slope=gamma,
                                       r_out_kpc=tracers.r_out_kpc)
    p = tracers.w10_exponent
    coefficient = (alpha + gamma - 2 * beta) / (3 - 2 * beta)
    return float(coefficient * tracers.r_out_kpc ** (1 - p) * np.mean(speed**2 * tracers.r[c] ** p)
                 / G_KPC_KMS2_PER_MSUN)


@dataclass
class Calibration:
    """Result of :func:`calibrate`: the root (or None) and what the bracket allows."""

    hypothesis: str
    value: float | None
    w10_msun: float | None
    reachable: bool
    w10_min_msun: float
    w10_max_msun: float
    argmin: float
    n_roots: int
    w10_natural_msun: float | None = None


def calibrate(hyp: Hypothesis, inputs: ClusterInputs, target_msun: float = W10_TARGET_MSUN,
              n_grid: int = 121) -> Calibration:
    """Solve W10(value) = target in ``hyp.bracket`` (brentq on the grid's sign change nearest neutral).

    The grid also gives the smallest and largest W10 reachable in the bracket.
    """
    grid = np.unique(np.concatenate([np.linspace(*hyp.bracket, n_grid), [hyp.neutral]]))

    def excess(x: float) -> float:
        return math.log(w10_mass(hyp.apply(inputs, x)) / target_msun)

    values = np.array([excess(x) for x in grid])
    masses = target_msun * np.exp(values)
    natural = w10_mass(hyp.apply(inputs, hyp.natural)) if hyp.natural is not None else None
    sign_change = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0)
    common = dict(hypothesis=hyp.name, w10_min_msun=float(masses.min()), w10_max_msun=float(masses.max()),
                  argmin=float(grid[np.argmin(masses)]), n_roots=int(sign_change.size), w10_natural_msun=natural)
    if sign_change.size == 0:
        return Calibration(value=None, w10_msun=None, reachable=False, **common)
    mids = 0.5 * (grid[sign_change] + grid[sign_change + 1])
    j = sign_change[np.argmin(np.abs(mids - hyp.neutral))]
    root = brentq(excess, grid[j], grid[j + 1], xtol=1e-10, rtol=1e-12)
    mass = w10_mass(hyp.apply(inputs, root))
    if abs(mass / target_msun - 1) > CALIBRATION_RTOL:
        raise RuntimeError(f"{hyp.name}: calibration missed the target ({mass:.4g})")
    return Calibration(value=float(root), w10_msun=float(mass), reachable=True, **common)


# ---------------------------------------------------------------------------------------------
# Direct anisotropy
# ---------------------------------------------------------------------------------------------
def direct_beta(tracers: Tracers) -> float:
    """Eq. 11 with sample variances (mean subtracted, ddof = 1) on the complete clusters."""
    c = tracers.complete
    return estimators.direct_anisotropy(tracers.vr[c], tracers.vtheta[c], tracers.vphi[c])
