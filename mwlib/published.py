"""Numbers the two papers publish, each with where it is printed.

Notebooks show these *beside* the numbers this repository computes, always labelled as
published; nothing computed here is ever taken from this module.
"""

from __future__ import annotations

EADIE16 = "Eadie & Harris (2016)"
BIRD22 = "Bird et al. (2022)"

#: Eadie & Harris (2016), Section 3 and Section 5.6: the globular-cluster sample.
EADIE16_SAMPLE = {
    "n_table": (157, "Table 3: 157 Milky Way globular clusters (Harris 2010)"),
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
