"""Priors and scenarios of Eadie & Harris (2016): Tables 2 and 3, Section 5.2, and the alpha prior of Eqs. 19-22.

* Table 2 priors: Phi_o uniform in [1, 200] (1e4 km^2 s^-2), gamma uniform in [0, 1], beta uniform in
  [-0.5, 1], alpha Gamma (below);
* Eqs. 19-22 (:func:`alpha_prior_from_radii`): the radii of the 68 clusters left out of the fit follow a Pareto
  law above b = 0.4 kpc with index eta + 1, eta = alpha - 3; the conjugate posterior of eta, a Gamma
  distribution, is the prior on alpha;
* Table 3 (:data:`SCENARIOS`): twelve scenarios of fixed and free parameters, I-XII, plus IVb, Vb, VIb of
  Section 5.2 (gamma restricted to [0.3, 0.7]).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from mwlib.eh16.model import PARAM_NAMES


def alpha_prior_from_radii(r_kpc: ArrayLike, b_kpc: float = 0.4, c: float = 0.001,
                           p: float = 0.001) -> tuple[float, float]:
    """Eadie & Harris (2016) Eqs. 19-22: Gamma prior on eta = alpha - 3 from the radii of the clusters left out of the fit.

    The radii follow a Pareto law with threshold b and index eta + 1 (Eqs. 19-20); the conjugate
    posterior of eta is Gamma(shape = n + c, rate = sum log(x_i/b) + p) (Eqs. 21-22).
    Returns ``(shape, rate)``; the mode of alpha is 3 + (shape - 1)/rate.
    """
    r = np.asarray(r_kpc, float).ravel()
    if r.size == 0 or not np.all(np.isfinite(r)):
        raise ValueError("alpha_prior_from_radii needs a non-empty array of finite radii")
    if np.any(r <= b_kpc):
        raise ValueError(f"{np.sum(r <= b_kpc)} radii are <= the Pareto threshold b = {b_kpc} kpc; "
                         "select r > b first (Eq. 20 has support x > b)")
    shape = r.size + c
    rate = float(np.sum(np.log(r / b_kpc))) + p  # Eq. 22
    return float(shape), rate


# --------------------------------------------------------------------------------------------
ALPHA_FROM_PRIOR = "prior"  #: placeholder: the alpha prior comes from fit(alpha_prior=...)
PHI0_PRIOR: tuple[float, float] = (1.0, 200.0)  # Table 2
GAMMA_PRIOR_WIDE: tuple[float, float] = (0.0, 1.0)  # Table 2
GAMMA_PRIOR_NARROW: tuple[float, float] = (0.3, 0.7)  # Sec. 5.2, the "b" scenarios
BETA_PRIOR: tuple[float, float] = (-0.5, 1.0)  # Table 2
#: A parameter's prior as a :class:`Scenario` field gives it: fixed value, uniform (lo, hi), ("gamma", shape,
#: rate) on alpha - 3, or the placeholder ``"prior"``.
PriorSpec: TypeAlias = "float | tuple[float, float] | tuple[Literal['gamma'], float, float] | Literal['prior']"


@dataclass(frozen=True)
class _Prior:
    kind: Literal["fixed", "uniform", "gamma", "unresolved"]
    a: float = math.nan  # fixed value | lower bound | Gamma shape
    b: float = math.nan  # upper bound | Gamma rate


def _parse_spec(name: str, spec: PriorSpec) -> _Prior:
    if isinstance(spec, str):
        if name == "alpha" and spec == ALPHA_FROM_PRIOR:
            return _Prior("unresolved")
        raise ValueError(f"{name}: unknown prior spec {spec!r}")
    if isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, bool):
        if not math.isfinite(float(spec)):
            raise ValueError(f"{name}: fixed value must be finite, got {spec!r}")
        return _Prior("fixed", float(spec))
    if isinstance(spec, (tuple, list)):
        if len(spec) == 3 and isinstance(spec[0], str):
            if name != "alpha" or spec[0] != "gamma":
                raise ValueError(f"{name}: only alpha takes a ('gamma', shape, rate) prior, got {spec!r}")
            shape, rate = float(spec[1]), float(spec[2])
            if not (shape > 0 and rate > 0):
                raise ValueError(f"alpha: Gamma prior needs shape > 0 and rate > 0, got {spec!r}")
            return _Prior("gamma", shape, rate)
        if len(spec) == 2:
            lo, hi = float(spec[0]), float(spec[1])
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"{name}: uniform bounds must be finite with lo < hi, got {spec!r}")
            return _Prior("uniform", lo, hi)
    extra = ", ('gamma', shape, rate) or 'prior'" if name == "alpha" else ""
    raise ValueError(f"{name}: prior spec must be a number (fixed) or (lo, hi) (uniform){extra}; got {spec!r}")


@dataclass(frozen=True)
class Scenario:
    """Which parameters are fixed and the priors of the free ones (EH16 Tables 2 and 3).

    Each field is a number (fixed: a delta prior), a ``(lo, hi)`` tuple (uniform prior) or, for
    ``alpha`` only, ``("gamma", shape, rate)`` (Gamma prior on alpha - 3, Eq. 21) or the
    placeholder ``"prior"``, resolved by ``fit(..., alpha_prior=(shape, rate))``.
    """

    phi0: PriorSpec = PHI0_PRIOR
    gamma: PriorSpec = GAMMA_PRIOR_WIDE
    alpha: PriorSpec = 3.5
    beta: PriorSpec = BETA_PRIOR
    name: str = ""

    def __post_init__(self) -> None:
        for param in PARAM_NAMES:
            _parse_spec(param, getattr(self, param))

    def prior(self, param: str) -> _Prior:
        return _parse_spec(param, getattr(self, param))

    @property
    def free_parameters(self) -> tuple[str, ...]:
        return tuple(p for p in PARAM_NAMES if self.prior(p).kind != "fixed")

    @property
    def needs_alpha_prior(self) -> bool:
        return self.prior("alpha").kind == "unresolved"

    def with_alpha_prior(self, shape: float, rate: float) -> "Scenario":
        """Copy with ``alpha="prior"`` replaced by the Gamma prior (shape, rate) on alpha - 3."""
        if not self.needs_alpha_prior:
            return self
        return replace(self, alpha=("gamma", float(shape), float(rate)))


def _build_scenarios() -> dict[str, Scenario]:
    # Table 3: group -> (gamma, alpha); within a group beta = 0, 0.5, free.
    # Group 4 uses the narrow gamma prior: EH16 Sec. 5.4 says gamma in Scenario XII piles up
    # at "the lower bound" and is constrained "in Groups (2) and (4)" by "the more informative
    # prior", and their XII numbers (M125 = 5.22e11, M(150) = 5.90e11, Mvir = 6.82e11 at 185 kpc)
    # imply gamma ≈ 0.32, incompatible with the wide prior (IV gives gamma ≈ 0.06).
    groups = ((0.5, 3.5), (GAMMA_PRIOR_WIDE, 3.5), (0.5, ALPHA_FROM_PRIOR), (GAMMA_PRIOR_NARROW, ALPHA_FROM_PRIOR))
    anisotropies = (0.0, 0.5, BETA_PRIOR)
    numerals = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
    table: dict[str, Scenario] = {}
    for i, ((gamma, alpha), beta) in enumerate((g, b) for g in groups for b in anisotropies):
        table[numerals[i]] = Scenario(phi0=PHI0_PRIOR, gamma=gamma, alpha=alpha, beta=beta, name=numerals[i])
    for key in ("IV", "V", "VI"):  # Sec. 5.2: the "b" variants restrict gamma to [0.3, 0.7]
        table[key + "b"] = replace(table[key], gamma=GAMMA_PRIOR_NARROW, name=key + "b")
    return table


#: EH16 Table 3 scenarios I..XII plus IVb, Vb, VIb. Scenarios with alpha free carry
#: ``alpha="prior"``; pass ``alpha_prior=(shape, rate)`` to :func:`fit` (e.g. from
#: :func:`alpha_prior_from_radii` on the excluded clusters) or use
#: :func:`scenarios_with_alpha_prior`.
SCENARIOS: dict[str, Scenario] = _build_scenarios()


def scenarios_with_alpha_prior(shape: float, rate: float) -> dict[str, Scenario]:
    """All scenarios with the ``"prior"`` placeholder replaced by Gamma(shape, rate) on alpha - 3."""
    return {key: sc.with_alpha_prior(shape, rate) for key, sc in SCENARIOS.items()}
