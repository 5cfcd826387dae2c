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
# # 01 · Data preparation
#
# **Globular clusters of Eadie & Harris (2016).** The second paper estimates the Milky Way
# mass from globular clusters (GCs). Its Table 1 lists 157 clusters of the Harris (1996,
# 2010 edition) catalogue with Galactocentric radius $r$, proper motions, heliocentric
# line-of-sight velocity $v_\mathrm{los}$ and $\cos\xi$; Section 3 states which clusters
# enter the analysis. Sections 1-6 rebuild that sample from the transcribed table
# (`data/eadie_harris2016_table1.csv`, provenance in `data/README.md`) and write the data
# product `results/gc_kinematics.csv`.
#
# **Halo stars of Bird et al. (2022).** Section 7 prepares the samples of notebooks 02-04: mocks
# with known truth and the public SEGUE BHB stars of Barbosa et al. (2022).
#
# Every file this notebook reads or writes goes through `run` (`mwlib.repro.products`), which
# records it in the notebook's provenance.

# %% tags=["parameters"]
seed = 0  # seeds the Monte Carlo error propagation of the cluster velocities
quick = False  # fewer Monte Carlo draws
n_mc = 1000  # Monte Carlo draws per cluster
halo_seed = 2022  # seeds the halo-star mocks and the substructure background
use_real_bhb = True  # False: mocks only, even when the Barbosa et al. file is present
external_data_dir = None  # a directory holding the external files (None: the usual search)

# %%
import numpy as np
from astropy.table import Table

from mwlib.bird22 import barbosa, bhb_selection, fast_stars, halo_mocks, halo_table, samples, substructure, xue2008
from mwlib.bird22 import figures as bird22_figures
from mwlib.core import coords, paths, plotting, reports
from mwlib.eh16 import cluster_kinematics, galpy_clusters, harris, published, gc_table
from mwlib.eh16 import figures as eh16_figures
from mwlib.repro import products, scorecard

plotting.use_style()
run = products.open_run("01_data_prep", {"seed": seed, "quick": quick, "n_mc": n_mc, "halo_seed": halo_seed,
                                         "use_real_bhb": use_real_bhb})
n_draws = 100 if quick else n_mc

# %% [markdown]
# ## 1. The transcribed Table 1
#
# The loader checks every column (numbers where numbers belong, no negative radii, errors given
# with every measurement) and names file, line and column of any problem.

# %%
table = gc_table.read_gc_table(run.data_file(paths.GC_TABLE_PATH))
# NBVAL_CHECK_OUTPUT
gc_table.measurement_counts(table)

# %% [markdown]
# ## 2. Positions and heliocentric distances
#
# Sky positions come from galpy's `named_objects.json` (Gaia EDR3 era; Baumgardt et al. 2019,
# Vasiliev & Baumgardt 2021), read directly through an explicit map from Harris names — never an
# online lookup. Four Harris clusters are not in galpy; none of them can enter the sample:

# %%
# NBVAL_CHECK_OUTPUT
Table(rows=list(galpy_clusters.GALPY_ABSENT.items()), names=("cluster", "why it does not matter"))

# %% [markdown]
# The table's $r$ is Harris's, computed with $R_0 = 8.0$ kpc. We solve for the heliocentric
# distance $d$ along galpy's sight-line that gives exactly that $r$ with the paper's Sun at
# $(X, Y, Z) = (8.0, 0, 0.02)$ kpc. The equation is quadratic in $d$: where both roots are positive
# we take the one nearer galpy's own distance; where rounding of $r$ makes the sphere miss the
# sight-line we take the point of closest approach.
#
# For clusters with proper motion and $v_\mathrm{los}$, astropy's Galactocentric frame with the
# paper's solar motion (LSR 220 km/s, $(U,V,W)_\odot = (11.1, 12.24, 7.25)$ km/s) gives
# $(v_r, v_\theta, v_\phi)$ and $v_t$; the listed errors are propagated by Monte Carlo.

# %%
sun = coords.EADIE16_SUN
gc = cluster_kinematics.eadie16_gc_kinematics(table, rng=np.random.default_rng(seed), n_mc=n_draws, sun=sun)
# NBVAL_CHECK_OUTPUT
print("Sun:", sun.describe())
print(f"max |r(position) - r(table)| = {np.nanmax(np.abs(gc['r_from_position_kpc'] - gc['r_kpc'])):.2f} kpc")
reports.counts_table(gc["distance_status"], "distance solution", "clusters")

# %% [markdown]
# Where the two roots are far apart, galpy's modern distance can pick another root than Harris's
# own distance implied. Those clusters and the tangent points are listed here with Harris's
# $R_\odot$ beside them when the Harris catalogue (external, `python -m mwlib.data fetch`) is
# available; this cell's output depends on that file and is not checked by the tests.

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
harris_path = run.external(paths.HARRIS_CATALOG_NAME, skips="the Harris R_Sun column below stays empty",
                           directory=external_data_dir)
harris_rsun = harris.r_sun_of(gc["name"], harris.read_harris_positions(harris_path) if harris_path else None)
cluster_kinematics.ambiguous_distances(gc, harris_rsun)

# %% [markdown]
# **Line-of-sight-only clusters.** The paper approximates $|v_r| \approx |v_\mathrm{los}|$ for
# clusters with $|\cos\xi| > 0.95$. We take $v_r$ to be the line-of-sight velocity in the Galactic
# rest frame (the Sun's motion removed), which is what $v_r$ approaches along a radial sight-line;
# the raw heliocentric $v_\mathrm{los}$ is kept beside it. They differ by the projection of the
# Sun's 232 km/s velocity on the sight-line:

# %%
los_table = cluster_kinematics.line_of_sight_only(gc)
# NBVAL_CHECK_OUTPUT
print(f"median |v_los,GSR - v_los,helio| = {np.median(np.abs(los_table['difference'])):.0f} km/s")
los_table

# %% [markdown]
# ## 3. The sample: Section 3's rules
#
# A cluster is **excluded** when it has no $v_\mathrm{los}$, is associated with the Sagittarius
# dwarf (Arp 2, NGC 6715, NGC 5634, Terzan 7, Terzan 8, Whiting 1), or is very highly reddened
# (NGC 6401, NGC 6544, Djorg 1, Terzan 6; Terzan 1 and Pal 6 stay in thanks to Rossi et al. 2015).
# It is **complete** with a proper motion (Pal 3's is treated as unknown) and **line-of-sight only**
# otherwise, included then only when $|\cos\xi| > 0.95$ with $\cos\xi$ computed from positions and
# distances. The counts, beside the paper's:

# %%
counts = cluster_kinematics.sample_counts(gc)
scorecard.record(run, "EH16", {("sample", key): value for key, value in counts.items()})
# NBVAL_CHECK_OUTPUT
print("agrees with the table's reconstructed flags:", bool((gc["included"] == gc["included_paper"]).all()))
reports.beside_published(counts, published.EADIE16_SAMPLE)

# %%
# NBVAL_CHECK_OUTPUT
reports.counts_table(gc["reason"], "reason", "clusters")

# %% [markdown]
# Two clusters show why $\cos\xi$ must be computed rather than read from the table: NGC 7492 and
# NGC 6569 are printed as 0.95 but pass $|\cos\xi| > 0.95$ once computed (2MS-GC02, printed as
# −0.95, is not in galpy and fails with the printed value, as it does with Harris's position, −0.91).

# %%
# NBVAL_CHECK_OUTPUT
cluster_kinematics.borderline_clusters(gc, ["NGC 7492", "NGC 6569", "2MS-GC02"])

# %% [markdown]
# ## 4. The data product
#
# `results/gc_kinematics.csv`: one row per Table 1 cluster. Velocities in km/s, distances in kpc,
# proper motions in mas/yr; NaN where unknown.

# %%
product = cluster_kinematics.product_table(gc)
run.write_csv(cluster_kinematics.PRODUCT, product)
complete = np.asarray(gc["complete"])
# NBVAL_CHECK_OUTPUT
print(f"wrote {len(product)} rows x {len(product.colnames)} columns to results/{cluster_kinematics.PRODUCT}")
print(f"median velocity errors of complete clusters: vr {np.median(gc['vr_err'][complete]):.0f} km/s, "
      f"vt {np.median(gc['vt_err'][complete]):.0f} km/s")

# %% [markdown]
# ## 5. Figures of the sample
#
# Positions in the Galactocentric $x$–$z$ and $x$–$y$ planes:

# %%
_ = run.save_figure(eh16_figures.gc_sample_positions(gc, sun), "eadie16_gc_sample_positions")

# %% [markdown]
# The radial distribution, with the $r_\mathrm{cut}$ values of Section 5.6:

# %%
beyond = {r_cut: counts[f"n_beyond_{r_cut:g}"] for r_cut in cluster_kinematics.R_CUTS_KPC}
_ = run.save_figure(eh16_figures.gc_radial_distribution(gc, beyond), "eadie16_gc_radial_distribution")

# %% [markdown]
# The velocities with their Monte Carlo errors:

# %%
_ = run.save_figure(eh16_figures.gc_velocities(gc), "eadie16_gc_velocities")

# %% [markdown]
# ## 6. Halo stars of Bird et al. (2022)
#
# The first paper measures velocity dispersions of 10762 K giants (LAMOST + SDSS/SEGUE,
# $3 < r < 105$ kpc) and 2526 BHB stars (SEGUE, $4 < r < 60$ kpc) with Gaia DR2 proper motions,
# cleaned of substructure (Section 4.1). Those samples are not public. Notebooks 02-04 analyse,
# in one table format (`mwlib.bird22.halo_table`):
#
# * **`kgiant_mock`, `bhb_mock`**: mocks with known truth (`mwlib.bird22.halo_mocks`) mirroring
#   the two samples — sizes, radial ranges, the broken power-law densities of Section 4.2,
#   [Fe/H] like Fig. 1, velocity ellipsoids that solve the spherical Jeans equation, and the
#   paper's errors (16% and 10% distances, Gaia DR2-like proper motions, the LAMOST $-8$ km/s
#   bias that Bird et al. correct). Their truth is **the paper's own answer**: MWPotential2014's
#   bulge and disk plus the NFW halo of its Table 2 Jeans fit of that kind of star, so that the
#   mocks show what the paper's method returns where the paper says the Milky Way is;
# * **`bhb_barbosa`**: the public SEGUE BHB stars with Gaia EDR3 proper motions of Barbosa et al.
#   (2022), selected like the paper's BHB sample and cleaned of substructure (Section 6.2).

# %%
mocks = {}
for kind, spec in halo_mocks.MOCK_SPECS.items():
    mocks[spec.sample] = halo_mocks.make_halo_mock(spec, rng=samples.sample_rng(halo_seed, "mock", spec.sample),
                                                   mass_model=halo_mocks.paper_answer_model(kind), sun=coords.BIRD22_SUN)
# NBVAL_CHECK_OUTPUT
halo_mocks.mock_summary(mocks)

# %% [markdown]
# ### 6.1 The public BHB stars: Barbosa et al. (2022), and three selections of them
#
# The file (`barbosa2022_segue_bhb_edr3.csv`, not redistributed; `python -m mwlib.data fetch` downloads it)
# lists 5699 SEGUE BHB candidates with a probability of being a BHB star above 50%, two distance calibrations
# in pc, SSPP colours, gravities and line-of-sight velocities, and Gaia EDR3 proper motions, but no
# proper-motion correlation (taken as 0) and no [Fe/H]. Distances come from the $(g-r)$ calibration with the
# paper's 10% error; $4 < r < 60$ kpc with the paper's solar parameters. Three samples
# (`mwlib.bird22.bhb_selection`, each cut with its reasons in the docstring of `BhbSelection`):
#
# * **`bhb_barbosa`** (loose): BHB probability ≥ 99% only;
# * **`bhb_clean`**: also the Xue et al. (2008) colour box, $\log g < 3.5$ and agreement of the two distance
#   calibrations (`dist_ur/dist_gr > 0.97`, a $u-g$ limit at fixed $g-r$). These cuts use catalogue columns only
#   — no velocity enters a cut, and no mass computed here enters the choice — and were chosen on two criteria
#   alone: the fraction of stars beyond 35 kpc faster than 400 km/s or than the escape speed of the paper's
#   published BHB model (contaminants — blue stragglers and
#   main-sequence A stars given BHB distances — are too fast for the distance they are given), and the radial
#   coverage. The table after the selection shows both criteria cut by cut;
# * **`bhb_xue`**: the Barbosa stars within 2″ of a star that Xue et al. (2008) classify as BHB by their
#   Balmer-line methods (`xue2008_segue_bhb.txt`, CDS format), with Xue's distances — the classification and
#   distance scale Bird et al. used — and Barbosa's EDR3 proper motions and SSPP velocities.
#
# The cells that use the files print numbers of real data; the tests compare them only when the files are present
# (they are marked `NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA`; `tests/test_real_bhb.py` also checks the selection), so
# that the notebook also runs, and is checked, without them.

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
bhb_path = (run.external(paths.BARBOSA_BHB_NAME, skips="the real BHB samples (Sections 6.1-6.3 run on the mocks "
                         "only)", directory=external_data_dir) if use_real_bhb else None)
xue_path = (run.external(paths.XUE2008_BHB_NAME, skips="the Xue-matched BHB sample", directory=external_data_dir)
            if bhb_path is not None else None)
real, steps, selections = {}, {}, {}
if bhb_path is not None:
    raw = barbosa.read_barbosa_bhb(bhb_path)
    inputs = {"bhb_barbosa": (raw, bhb_selection.LOOSE), "bhb_clean": (raw, bhb_selection.CLEAN)}
    if xue_path is not None:
        matched = xue2008.match_to_barbosa(raw, xue2008.read_xue2008(xue_path))
        inputs["bhb_xue"] = (matched, bhb_selection.XUE_MATCHED)
        print(f"Xue et al. (2008): {matched.meta['n_xue']} stars, {len(matched)} with a Barbosa star within 2\"; "
              f"median dist_gr / d_Xue = {np.median(matched['dist_gr'] / matched['dist_xue']):.3f}")
    for name, (table, selection) in inputs.items():
        real[name], steps[name] = bhb_selection.select_bhb_sample(table, selection, coords.BIRD22_SUN, sample=name)
        selections[name] = selection
        print(f"{name}:\n{bhb_selection.describe_steps(steps[name])}")

# %% [markdown]
# How clean each sample is, before substructure cleaning (nominal velocities; the escape speed is that of the
# paper's Table 2 BHB Jeans model):

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
v_esc = fast_stars.published_model_escape_speed("Jeans BHB")
fast = {name: fast_stars.fast_fraction(t, v_esc) for name, t in real.items()}
fast_stars.fast_fraction_table(fast) if real else None

# %% [markdown]
# The clean selection cut by cut, on its two criteria only: the fraction of the stars beyond 35 kpc that are too
# fast to be bound in the paper's published BHB model, and how many stars beyond 35 kpc remain (the radial
# coverage). No velocity enters a cut; the velocities enter only this judgement of the cuts.

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
fast_stars.selection_study(raw, bhb_selection.CLEAN, v_esc) if bhb_path is not None else None

# %% [markdown]
# ### 6.2 Substructure
#
# Bird et al. use samples from which streams and substructure were removed by clustering in
# integrals-of-motion space (Xue et al. 2022, in preparation, not public). `mwlib.bird22.substructure`
# implements a documented substitute: (1) Sagittarius-stream candidates — within 12° of the Sgr
# plane in the Majewski et al. (2003) frame, beyond 15 kpc, with an orbital angular momentum within
# 30° of the Sgr dwarf's and at least half its size; (2) compact groups in $(E, L_x, L_y, L_z)$
# (energy in MWPotential2014) kept only when at least 3 times denser than a velocity-shuffled smooth
# background (Poisson $p < 10^{-4}$). On the smooth mocks the same cleaning measures its false
# positives:

# %%
mock_cleaning = {name: substructure.clean_table(mock.table, rng=samples.sample_rng(halo_seed, "substructure", name))
                 for name, mock in mocks.items()}
# NBVAL_CHECK_OUTPUT
substructure.cleaning_summary(mock_cleaning, set(mock_cleaning))

# %%
# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA
real_cleaning = {name: substructure.clean_table(t, rng=samples.sample_rng(halo_seed, "substructure", name))
                 for name, t in real.items()}
real = {name: substructure.with_flags(t, real_cleaning[name]) for name, t in real.items()}
substructure.cleaning_summary(real_cleaning, set()) if real else None

# %% [markdown]
# The clean sample (the stand-in of the later notebooks) in the Sagittarius frame and in integrals of motion
# (stars unbound in MWPotential2014 are counted, not drawn):

# %%
if samples.STAND_IN in real:
    fig = bird22_figures.substructure_figure(real[samples.STAND_IN], real_cleaning[samples.STAND_IN],
                                             coords.BIRD22_SUN)
    _ = run.save_figure(fig, f"bird22_substructure_{samples.STAND_IN}")

# %% [markdown]
# ### 6.3 The data products and Fig. 1
#
# Every sample's star table goes to `results/local/` (the mocks are regenerated from their seed; the
# real stars are not redistributed), the mocks' truth to `results/halo_<mock>_truth.json`, and the
# list of samples that notebook 02 reads to `results/halo_samples.json`.

# %%
entries = {}
for name, mock in mocks.items():
    halo_table.write_halo_table(run.output(f"local/halo_{name}_stars.csv"), mock.table)
    mock.truth.write_json(run.output(f"halo_{name}_truth.json"))
    entries[name] = {"kind": "kgiant" if name.startswith("kgiant") else "bhb", "stars": f"local/halo_{name}_stars.csv",
                     "truth": f"halo_{name}_truth.json", "real": False}
for name, t in real.items():
    halo_table.write_halo_table(run.output(f"local/halo_{name}_stars.csv"), t)
    cleaned = t[~np.asarray(t["substructure"])]
    entries[name] = {"kind": "bhb", "stars": f"local/halo_{name}_stars.csv", "truth": None, "real": True,
                     "source": paths.BARBOSA_BHB_NAME + (f" x {paths.XUE2008_BHB_NAME}" if name == "bhb_xue" else ""),
                     "selection": str(selections[name]), "selection_steps": steps[name],
                     "fast_fraction_r_gt_35": {"before substructure cleaning": fast[name],
                                               "after substructure cleaning": fast_stars.fast_fraction(cleaned, v_esc)}}
samples.write_sample_list(run, entries)
stand_in = real.get(samples.STAND_IN)
n_stand_in = int(np.sum(~np.asarray(stand_in["substructure"]))) if stand_in is not None else None  # after cleaning
scorecard.record(run, "B22", {("BHB sample", "n_stars"): n_stand_in, ("diagnostic", "n_bhb_clean"): n_stand_in})
# NBVAL_CHECK_OUTPUT
print("mock samples written:", ", ".join(mocks))

# %% [markdown]
# Fig. 1 of the paper: the cumulative distribution and kernel density of the Galactocentric radius,
# and the [Fe/H] distributions.

# %%
fig1 = {name: mock.table for name, mock in mocks.items()}
fig1.update({f"{name} (cleaned)": t[~np.asarray(t["substructure"])] for name, t in real.items()})
_ = run.save_figure(bird22_figures.fig1_distributions(fig1), "bird22_fig1_distributions")

# %% [markdown]
# Like the paper's samples (its Fig. 1), most mock stars lie inside 25 kpc:

# %%
# NBVAL_CHECK_OUTPUT
halo_mocks.radial_summary({name: mock.table for name, mock in mocks.items()}, r_split_kpc=25.0)

# %%
run.finish();
