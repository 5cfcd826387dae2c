"""Numbers Eadie & Harris (2016) publish, each with where it is printed.

Notebooks show these *beside* the numbers this repository computes, always labelled as
published; nothing computed here is ever taken from this module.
"""

from __future__ import annotations

from mwlib.core.published_value import quoted as _q

EADIE16 = "Eadie & Harris (2016)"

#: Eadie & Harris (2016), Section 3 and Section 5.6: the globular-cluster sample.
EADIE16_SAMPLE = {
    "n_table": (157, "Table 1: 157 Milky Way globular clusters (Harris 2010)"),
    "n_included": (89, "Section 3: 89 GCs remain in the sample"),
    "n_incomplete": (18, "Section 3: 18 of the 89 have incomplete velocities"),
    "n_complete": (71, "Section 5.5: 71 GCs have radial and tangential velocities"),
    "n_excluded": (68, "Section 4.3: the 68 excluded GCs define the alpha prior"),
    "n_beyond_5": (53, "Section 5.6: 53 GCs beyond r_cut = 5 kpc"),
    "n_beyond_10": (33, "Section 5.6: 33 beyond 10 kpc"),
    "n_beyond_15": (24, "Section 5.6: 24 beyond 15 kpc"),
    "n_beyond_20": (16, "Section 5.6: 16 beyond 20 kpc"),
    "incomplete_pct_beyond_5": (30.2, "Section 5.6: 30.2% incomplete at r_cut = 5 kpc"),
    "incomplete_pct_beyond_20": (81.2, "Section 5.6: 81.2% incomplete at r_cut = 20 kpc"),
    "r_outermost_complete_kpc": (38.5, "Section 5.1: outermost GC with a proper motion"),
}


#: Eadie & Harris (2016): estimates printed in the abstract and Sections 5-6. Masses in
#: 1e11 Msun unless the key says otherwise; "50%"/"95%" are Bayesian credible intervals.
#: The body of Table 4 is not in the text we have (only its caption), so the notebook
#: compares with these numbers instead.
EADIE16_RESULTS = {
    ("I", "M125"): _q(4.28, 3.69, 4.73, "50%", "Sec. 5.1"),
    ("II", "M125"): _q(4.38, 3.75, 4.87, "50%", "Sec. 5.1"),
    ("III", "M125"): _q(4.34, 3.73, 4.82, "50%", "Sec. 5.1"),
    ("I", "M(<38.5)"): _q(2.37, 2.05, 2.63, "50%", "Sec. 5.1"),
    ("II", "M(<38.5)"): _q(2.43, 2.08, 2.70, "50%", "Sec. 5.1"),
    ("III", "beta"): _q(0.35, 0.29, 0.42, "50%", "Sec. 5.1 (mean; 50% marginal interval)"),
    ("IV", "phi0"): _q(102.7, 64.2, 138.1, "50%", "Sec. 5.2 (mean), 1e4 km^2/s^2"),
    ("IV", "gamma"): _q(0.06, 0.03, 0.08, "50%", "Sec. 5.2 (mean; median 0.05)"),
    ("IV", "M125"): _q(10.9, 9.2, 12.4, "50%", "Sec. 5.2 (1.09e12, mean)"),
    ("IVb", "phi0"): _q(29.5, 25.2, 33.1, "50%", "Sec. 5.2 (mean)"),
    ("IVb", "gamma"): _q(0.318, 0.305, 0.325, "50%", "Sec. 5.2 (mean)"),
    ("IVb", "M125"): _q(None, 5.00, 6.61, "50%", "Sec. 5.2 (interval only)"),
    ("Vb", "M125"): _q(None, 4.97, 6.72, "50%", "Sec. 5.2 (interval only)"),
    ("VIb", "M125"): _q(None, 5.23, 6.17, "50%", "Sec. 5.2 (interval only)"),
    ("VII", "M125"): _q(4.1, 3.6, 4.5, "50%", "Sec. 5.3 ('approximately', Group 3)"),
    ("VIII", "M125"): _q(4.1, 3.6, 4.5, "50%", "Sec. 5.3 ('approximately', Group 3)"),
    ("IX", "M125"): _q(4.1, 3.6, 4.5, "50%", "Sec. 5.3 ('approximately', Group 3)"),
    ("VII", "alpha"): _q(3.2, None, None, None, "Sec. 5.3 ('~3.2')"),
    ("VIII", "alpha"): _q(3.2, None, None, None, "Sec. 5.3 ('~3.2')"),
    ("IX", "alpha"): _q(3.2, None, None, None, "Sec. 5.3 ('~3.2')"),
    ("VIb", "phi0"): _q(30.0, None, None, None, "Sec. 6 ('~30')"),
    ("VIb", "gamma"): _q(0.33, None, None, None, "Sec. 6 ('~0.33')"),
    ("VIb", "beta"): _q(0.27, None, None, None, "Sec. 6 ('~0.27')"),
    ("VIb", "M(<50)"): _q(3.09, 2.43, 3.86, "95%", "Sec. 6"),
    ("VIb", "M(<150)"): _q(6.44, 4.84, 8.14, "95%", "Sec. 6"),
    ("XII", "M125"): _q(5.22, 4.79, 5.63, "50%", "abstract ('conservative estimate')"),
    ("XII", "beta"): _q(0.28, 0.21, 0.35, "50%", "abstract"),
    ("XII", "Mvir"): _q(6.82, 6.06, 7.53, "50%", "abstract, Sec. 5.5"),
    ("XII", "rvir_kpc"): _q(185, 178, 192, "+-7 kpc", "abstract, Sec. 5.5"),
    ("XII", "M(<150)"): _q(5.90, 4.45, 7.43, "95%", "Sec. 6"),
    ("XII", "M(<250)"): _q(8.3, 6.1, 10.5, "95%", "Sec. 6 (0.83e12; interval type not stated, 95% judging by M(<300))"),
    ("XII", "M(<310)"): _q(9.6, 7.0, 12.2, "95%", "Sec. 6 (0.96e12; interval type not stated, 95% judging by M(<300))"),
    ("XII", "M(<300)"): _q(None, 6.84, 11.93, "95%", "Sec. 6"),
    ("XII r>10", "Mvir"): _q(9.02, 5.69, 10.86, "50%", "abstract"),
    ("XII r>10", "rvir_kpc"): _q(198, 174, 217, "+19/-24 kpc", "abstract"),
    ("III r>5", "beta"): _q(None, 0.28, 0.44, "50%", "Sec. 5.6 (interval only)"),
    ("III r>10", "beta"): _q(None, 0.21, 0.44, "50%", "Sec. 5.6 (interval only)"),
    ("III r>15", "beta"): _q(None, 0.34, 0.58, "50%", "Sec. 5.6 (interval only)"),
    ("III r>20", "beta"): _q(None, 0.01, 0.49, "50%", "Sec. 5.6 (interval only)"),
    ("IX r>6.64", "M125"): _q(5.06, 4.23, 5.71, "50%", "Sec. 5.3"),
    ("IX r>6.64", "alpha"): _q(3.14, None, None, None, "Sec. 5.3"),
    ("IX r>6.64", "beta"): _q(0.33, None, None, None, "Sec. 5.3"),
    ("Group 3", "M(<300)"): _q(None, 4.8, 9.2, "95%", "Sec. 6 (range over Group 3)"),
    ("W10 beta=0", "M(<38.5)"): _q(1.79, None, None, None, "Sec. 5.1, Watkins et al. (2010) Eq. 24"),
    ("W10 beta=0.5", "M(<38.5)"): _q(2.01, None, None, None, "Sec. 5.1"),
    ("complete data", "beta"): _q(0.209, None, None, None, "Sec. 5.5 (mean, 71 complete GCs)"),
    ("alpha prior", "mode"): _q(3.4, None, None, None, "Sec. 4.3 (Fig. 2)"),
}
