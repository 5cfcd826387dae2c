"""Numbers Bird et al. (2022) publish, each with where it is printed.

Notebooks show these *beside* the numbers this repository computes, always labelled as
published; nothing computed here is ever taken from this module.
"""

from __future__ import annotations

from mwlib.core.published_value import quoted as _q

BIRD22 = "Bird et al. (2022)"

#: Bird et al. (2022): numbers of the abstract, Tables 1-2 and Sections 4.4-4.6, 5.4.
#: Masses in 1e11 Msun (M200 in 1e12 Msun where the key says so), radii in kpc; ``low``/``high``
#: are value - error and value + error (random uncertainties, 16th-84th percentiles).
BIRD22_RESULTS = {
    ("Jeans KG", "M(<73)"): _q(4.3, 3.35, 5.25, "random", "Table 1; abstract (+-0.6 systematic)"),
    ("Jeans BHB", "M(<52)"): _q(4.1, 2.9, 5.3, "random", "Table 1; abstract (+-0.6 systematic)"),
    ("TME KG", "M(<73)"): _q(4.3, 3.2, 5.4, "random", "Table 1 (+-0.6 systematic)"),
    ("TME BHB", "M(<52)"): _q(3.6, 2.0, 5.2, "random", "Table 1 (+-0.5 systematic)"),
    ("Jeans KG", "M200_1e12"): _q(0.55, 0.44, 0.70, "16-84%", "Table 2; abstract (+-0.083 systematic)"),
    ("Jeans KG", "r200_kpc"): _q(173, 161, 188, "16-84%", "Table 2"),
    ("Jeans KG", "c"): _q(18.2, 11.4, 25.3, "16-84%", "Table 2"),
    ("Jeans BHB", "M200_1e12"): _q(1.00, 0.67, 1.67, "16-84%", "Table 2; abstract (+-0.15 systematic)"),
    ("Jeans BHB", "r200_kpc"): _q(211, 185, 250, "16-84%", "Table 2"),
    ("Jeans BHB", "c"): _q(9.4, 6.2, 13.8, "16-84%", "Table 2"),
    ("TME KG", "M200_1e12"): _q(0.46, 0.420, 0.503, "16-84%", "Table 2"),
    ("TME KG", "r200_kpc"): _q(162, 157.1, 166.9, "16-84%", "Table 2"),
    ("TME KG", "c"): _q(28.5, 26.3, 30.9, "16-84%", "Table 2"),
    ("TME BHB", "M200_1e12"): _q(0.67, 0.53, 0.88, "16-84%", "Table 2"),
    ("TME BHB", "r200_kpc"): _q(185, 171, 202, "16-84%", "Table 2"),
    ("TME BHB", "c"): _q(19.0, 14.9, 23.7, "16-84%", "Table 2"),
    ("KG", "sigma0_kms"): _q(187, 184, 190, "+-", "Sec. 4.4 (exponential sigma_r fit)"),
    ("KG", "h_r_kpc"): _q(68, 65, 71, "+-", "Sec. 4.4"),
    ("BHB", "sigma0_kms"): _q(143, 138, 148, "+-", "Sec. 4.4"),
    ("BHB", "h_r_kpc"): _q(111, 91, 131, "+-", "Sec. 4.4"),
    ("KG", "alpha_in"): _q(3.1, None, None, None, "Sec. 4.2 (fit; adjusted to 2.8 for v_circ < 250 km/s)"),
    ("KG", "alpha_in_adjusted"): _q(2.8, None, None, None, "Sec. 4.2"),
    ("KG", "r_break_kpc"): _q(17, 16, 18, "+-1", "Sec. 4.2"),
    ("KG", "alpha_out"): _q(4.6, None, None, None, "Sec. 4.2"),
    ("BHB", "alpha_in"): _q(3.5, None, None, None, "Sec. 4.2"),
    ("BHB", "r_break_kpc"): _q(22, 21, 23, "+-1", "Sec. 4.2"),
    ("BHB", "alpha_out"): _q(4.7, None, None, None, "Sec. 4.2"),
    ("average", "M200_1e12"): _q(0.53, 0.48, 0.58, "+-", "Sec. 4.6 (weighted average of Table 2)"),
    ("average", "r200_kpc"): _q(172, 167, 177, "+-", "Sec. 4.6"),
    ("average", "c"): _q(20, 17, 23, "+-", "Sec. 4.6"),
    ("Milky Way", "baryon_fraction"): _q(0.15, None, None, None, "Sec. 5.4 (8e10 Msun baryons / M200)"),
    ("Jeans KG", "M(<73) systematic"): _q(0.6, None, None, None, "Sec. 4.4 (15% of Sec. 3.3)"),
    ("Jeans BHB", "M(<52) systematic"): _q(0.6, None, None, None, "Sec. 4.4 (15% of Sec. 3.3)"),
    ("TME KG", "M(<73) systematic"): _q(0.6, None, None, None, "Sec. 4.5 (15% of Sec. 3.3)"),
    ("TME BHB", "M(<52) systematic"): _q(0.5, None, None, None, "Sec. 4.5 (15% of Sec. 3.3)"),
    ("Jeans KG", "M200 systematic_1e12"): _q(0.083, None, None, None, "abstract"),
    ("Jeans BHB", "M200 systematic_1e12"): _q(0.15, None, None, None, "abstract"),
    ("distance +-10%", "change of M(<r)_pct"): _q(20, None, None, "order of", "Sec. 5.3; Appendix (Fig. 9)"),
    ("distance +-10%", "change of M200_pct"): _q(50, None, None, "order of", "Appendix"),
    ("alpha_in", "change of M(<r)_pct"): _q(20, None, None, "order of",
                                              "Sec. 5.3 (M(<10 kpc) = 0.9-1.5e11 Msun)"),
    ("alpha_out +-1", "change of M at the data limit_pct"): _q(20, None, None, "order of",
                                                                  "Sec. 5.3 (at ~70 kpc)"),
    ("Fig. 8 Jeans/TME with B22", "weighted mean_1e12"): _q(0.83, None, None, None,
                                                             "Sec. 4.6 ('~0.83', scatter < 10%)"),
    ("Fig. 8 all", "weighted mean_1e12"): _q(0.85, None, None, None, "Sec. 4.6, Fig. 8 caption ('~0.85')"),
    ("Fig. 8 distribution function", "weighted mean_1e12"): _q(0.93, 0.883, 0.977, "+-0.047", "Sec. 5.4"),
    ("Fig. 8 high-velocity stars", "weighted mean_1e12"): _q(0.93, 0.831, 1.029, "+-0.099", "Sec. 5.4"),
    ("Fig. 8 streams", "weighted mean_1e12"): _q(0.98, 0.83, 1.13, "+-0.15", "Sec. 5.4"),
    ("Fig. 8 rotation curve", "weighted mean_1e12"): _q(0.76, 0.737, 0.783, "+-0.023", "Sec. 5.4"),
    ("Fig. 8 satellite phenomenology", "weighted mean_1e12"): _q(0.97, 0.9609, 0.9791, "+-0.0091", "Sec. 5.4"),
    ("KG sample", "n_stars"): _q(10762, None, None, None, "Sec. 4.1 (3 < r < 105 kpc)"),
    ("BHB sample", "n_stars"): _q(2526, None, None, None, "Sec. 4.1 (4 < r < 60 kpc)"),
}

#: Section 4.1: the smooth-halo samples (stars, r_min, r_max [kpc]).
BIRD22_SAMPLES: dict[str, tuple[int, float, float]] = {"kgiant": (10762, 3.0, 105.0), "bhb": (2526, 4.0, 60.0)}
