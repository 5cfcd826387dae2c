# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Comparison and the reproduction scorecard
#
# 1. The literature estimates Eadie & Harris (2016) compare with, and the virial masses computed here beside them.
# 2. The virial-mass compilation of Bird et al. (2022) Fig. 8 with its weighted means recomputed.
# 3. The BHB rows of Bird et al.'s Tables 1 and 2 and its $\sigma_r$ fit for each public sample.
# 4. **The reproduction scorecard**: every published number beside ours, with what the comparison is worth
#    (`basis`: `same data`, `public stand-in`, `mock of the paper's answer`, `literature`, `count`), whether it
#    agrees within the published uncertainty, and a one-line explanation of each disagreement
#    (`mwlib.repro.scorecard`; `results/reproduction_scorecard.csv`, `results/scorecard_summary.md`).
#
# Every number here is read from the products of notebooks 01–06; nothing is refitted.

# %% tags=["parameters"]
seed = 0
quick = False

# %%
import numpy as np
from astropy.table import Table

from mwlib.bird22 import mass_profiles, nfw_summary, published, reports, samples
from mwlib.core import paths, plotting
from mwlib.eh16 import scenario_fits
from mwlib.repro import literature as lit
from mwlib.repro import products, scorecard

plotting.use_style()
run = products.open_run("07_comparison", {"seed": seed, "quick": quick})
PUB_B22 = published.BIRD22_RESULTS
E11 = 1e11

# %% [markdown]
# ## 1. The literature of Eadie & Harris (2016)
#
# The estimates the paper quotes in Section 6 and those named in the caption of its Fig. 13
# (`data/literature/eadie16_section6.csv`, a literature compilation with a source per row). Figs. 13 (left and
# right) with our profiles are in notebooks 05 and 06.

# %%
eh16_lit = lit.read_eadie16_section6(run.data_file("data/literature/eadie16_section6.csv"))
# NBVAL_CHECK_OUTPUT
print(f"{len(eh16_lit)} estimates from {len(set(eh16_lit['reference']))} studies")
eh16_lit["reference", "quantity", "r_kpc", "value_1e11msun", "minus_1e11msun", "plus_1e11msun", "interval",
         "quoted_in"]

# %% [markdown]
# Virial masses: the literature values of the file, beside our Scenario XII on all clusters and beyond 10 kpc
# (Eadie & Harris's own data, notebooks 05 and 06). Only real measurements are drawn: no mock.

# %%
summaries = scenario_fits.read_summaries(run)
entries = []
for row in eh16_lit[eh16_lit["quantity"] == "Mvir"]:
    minus = 0.0 if np.ma.is_masked(row["minus_1e11msun"]) else float(row["minus_1e11msun"])
    plus = 0.0 if np.ma.is_masked(row["plus_1e11msun"]) else float(row["plus_1e11msun"])
    entries.append((str(row["reference"]), float(row["value_1e11msun"]), minus, plus, "literature"))
q = summaries["XII"]["summary"]["Mvir"]
entries.append(("this work: EH16 Scenario XII (50%)", q["median"] / E11, (q["median"] - q["q25"]) / E11,
                (q["q75"] - q["median"]) / E11, "same data"))
_ = run.save_figure(lit.virial_figure(entries), "eadie16_virial_masses")

# %% [markdown]
# ## 2. Bird et al. (2022), Fig. 8: virial masses from the literature
#
# The paper names the studies of its Fig. 8 and gives weighted means per method group (Section 5.4) and overall
# (Section 4.6), but not the values. `data/literature/bird22_fig8.csv` holds, for each named study, the value of
# its own abstract (or of Bird et al.'s text) with the source and a quote; studies whose value is in no stored
# text keep an empty value. Only `virial` rows enter the means.

# %%
fig8 = lit.read_bird22_fig8(run.data_file("data/literature/bird22_fig8.csv"))
kinds = {k: int(np.sum(fig8["kind"] == k)) for k in lit.FIG8_KINDS}
# NBVAL_CHECK_OUTPUT
print(f"{len(fig8)} studies named in Bird et al. (2022) Fig. 8 / Sec. 5.4; by kind: {kinds}")
print("no value found for:", ", ".join(fig8["reference"][fig8["kind"] == "not_found"]))

# %% [markdown]
# Weighted means with $1/\sigma^2$ and with $1/\sigma$ weights (σ the mean of the two errors). The paper's Section
# 4.6 average of its Table 2 is reproduced by $1/\sigma$ weights (notebook 04), so the two overall means of
# Section 4.6 — which include the paper's four published $M_{200}$ — are scored with $1/\sigma$; the quoted errors
# of the Section 5.4 group means are those of $1/\sigma^2$ weights, so the groups are scored with $1/\sigma^2$.

# %%
fig8_score, fig8_table = lit.fig8_means(fig8, PUB_B22)
scorecard.record(run, "B22", fig8_score)
# NBVAL_CHECK_OUTPUT
fig8_table

# %% [markdown]
# The figure after Fig. 8: every value of the file by group, the paper's Table 2 (published), and this
# repository's real measurements — the NFW fits of the clean public BHB stars (notebooks 03–04, a public
# stand-in) and Eadie & Harris's Scenario XII (notebook 05, the paper's own data). No mock is drawn. The dotted
# line is the overall weighted mean with the weighting the scorecard uses for it ($1/\sigma$, Section 4.6).

# %%
nfw_fits_by_method = {m: nfw_summary.read_nfw_fits(run, m) for m in ("jeans", "tme")
                      if run.has_input(nfw_summary.product_name(m), producer=nfw_summary.PRODUCER[m])}
ours = lit.our_virial_masses(nfw_fits_by_method, samples.STAND_IN, summaries["XII"]["summary"]["Mvir"])
mean_all = fig8_score[("Fig. 8 all", "weighted mean_1e12")]  # 1/sigma weights, as scored
fig = lit.fig8_figure(fig8, lit.bird22_table2_rows(PUB_B22), ours, (mean_all, r"weighted mean ($1/\sigma$), virial rows and Table 2"))
_ = run.save_figure(fig, "bird22_fig8_literature")

# %% [markdown]
# ## 3. The BHB rows of Bird et al. (2022) for each public sample
#
# Tables 1 and 2 and the $\sigma_r$ fit of Section 4.4 (143 km/s, 111 kpc), published beside the three public
# samples of notebook 01 (each cleaned of substructure): the loose selection, the clean selection (the stand-in
# the scorecard uses) and the Xue et al. (2008) cross-match on Xue's distances. All are public stand-ins.

# %%
_ = samples.say_what_is_skipped(run, "the BHB rows of the public samples and the scorecard's public stand-in rows")

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
real_bhb = [n for n in samples.REAL_BHB if n in set(samples.read_sample_list(run))]
if real_bhb:
    table1 = {m: mass_profiles.read_table1(run, m) for m in ("jeans", "tme")}
    nfw_fits = {m: nfw_summary.read_nfw_fits(run, m) for m in ("jeans", "tme")}
    sigma_fits = run.read_json("halo_sigma_fits.json", producer="02_dispersion")
    by_sample = reports.bhb_rows_by_sample(table1, nfw_fits, sigma_fits, real_bhb, PUB_B22)
    run.write_csv("bird22_bhb_samples.csv", by_sample)
else:
    by_sample = None
    print(f"no real BHB sample: {paths.BARBOSA_BHB_NAME} absent in notebook 01")
by_sample

# %% [markdown]
# ## 4. The reproduction scorecard
#
# Each notebook recorded the numbers it reproduces (`results/reproduced/<notebook>.json`). The scorecard joins
# them with the published numbers. `basis` says what a comparison is worth: `same data` (the paper's own data or
# inputs: Eadie & Harris's cluster table; the published density models behind Bird et al.'s Section 4.2 slopes,
# which are not available here, so those rows are "n/a (inputs not public)"), `public stand-in` (the public BHB stars for Bird et al.'s BHB stars), `mock of
# the paper's answer` (Bird et al.'s K-giant numbers and systematic tests, from notebook 06's mock study of its
# answer: what the method returns where the paper says the Milky Way is), `literature` (the Fig. 8 means of a
# compilation), `count` (sample sizes). Circular comparisons — a mock returning its own input — and repeats of
# another row are left out (`scorecard.CIRCULAR`, `scorecard.REPEATS`); a fit at its prior bound is "n/a (prior
# bound)"; deviations beyond 1000% are n/a. For
# Eadie & Harris the last columns give the value under the best pipeline hypothesis of notebook 05b — a
# hypothesis about what the 2016 pipeline did, not a correction: our physically computed values are in
# `reproduced`. `needs` names the external file a row needs.

# %%
recorded = scorecard.load(run, paths.NOTEBOOKS)  # 07 itself recorded the Fig. 8 means above
absent = [] if real_bhb else [paths.BARBOSA_BHB_NAME]
card = scorecard.build(recorded, absent)
run.write_csv("reproduction_scorecard.csv", card)
summary_md = scorecard.summary_markdown(card)
run.write_text("scorecard_summary.md", summary_md)
run.write_text("findings.md", scorecard.findings_markdown(card))  # the README's "What we find" table
# NBVAL_CHECK_OUTPUT
print("rows that need no external file (the tests check these with or without the files):")
scorecard.headline_counts(card[card["needs"] == ""])

# %% [markdown]
# Every row, with the public BHB stars where their file is present (rows that need it and lack it are
# "not computed: <file> absent" and count as neither computed nor agreeing); this is the table in the README:

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
scorecard.headline_counts(card)

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
card["paper", "quantity", "basis", "published", "reproduced", "deviation", "agrees", "explanation",
     "reproduced under the best pipeline hypothesis", "agrees under it"].pprint(max_lines=-1, max_width=-1)

# %% [markdown]
# Left out, as circular or as a repeat of another row:

# %%
Table(rows=[(f"{paper}: {label}: {quantity}", kind, why) for kind, left_out in (("circular", scorecard.CIRCULAR),
                                                                                 ("repeat", scorecard.REPEATS))
            for (paper, label, quantity), why in left_out.items()],
      names=("published number", "left out as", "why it is not a comparison of its own"))

# %%
run.finish();
