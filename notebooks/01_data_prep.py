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
# mass from globular clusters (GCs). Its Table 3 lists 157 clusters of the Harris (1996,
# 2010 edition) catalogue with Galactocentric radius $r$, proper motions, heliocentric
# line-of-sight velocity $v_\mathrm{los}$ and $\cos\xi$; Section 3 states which clusters
# enter the analysis. This notebook rebuilds that sample from the transcribed table
# (`data/eadie_harris2016_table3.csv`, provenance in `data/README.md`):
#
# 1. sky positions from galpy's bundled catalogue, and the heliocentric distance that
#    reproduces the table's $r$ for the paper's solar position;
# 2. Galactocentric velocities $(v_r, v_\theta, v_\phi, v_t)$ with astropy, errors by
#    Monte Carlo;
# 3. the inclusion rules, with $\cos\xi$ computed from positions;
# 4. the data product `results/gc_kinematics.csv` and figures of the sample.
#
# The halo-star samples of Bird et al. (2022) are prepared in Section 7 of this notebook.

# %% tags=["parameters"]
seed = 0  # seeds the Monte Carlo error propagation
quick = False  # fewer Monte Carlo draws
n_mc = 1000  # Monte Carlo draws per cluster
gc_table = "../data/eadie_harris2016_table3.csv"
external_data_dir = None  # where harris2010_mwgc.dat / the BHB file live (None: search)
results_dir = "../results"
figures_dir = "../figures"
# Section 7 (halo stars of Bird et al. 2022)
halo_seed = 2022  # seeds the halo-star mocks and the substructure background
use_real_bhb = True  # False: mocks only, even when the Barbosa et al. (2022) file is present
mock_m200_msun = 1.0e12  # NFW halo of the mocks (200 rho_crit, H0 = 67.8)
mock_concentration = 12.0
derived_external_dir = "../data/external"  # git-ignored: the selected real stars are not redistributed

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from astropy.table import Table

from mwlib.eh16 import cluster_kinematics, galpy_clusters, harris, published, table3
from mwlib.repro import scorecard
from mwlib.core import coords, io, paths, plotting

plotting.use_style()
rng = np.random.default_rng(seed)
n_draws = 100 if quick else n_mc
results_dir, figures_dir = Path(results_dir), Path(figures_dir)

# %% [markdown]
# ## 1. The transcribed Table 3
#
# The loader checks every column (numbers where numbers belong, no negative radii,
# errors given with every measurement) and names file, line and column of any problem.

# %%
table = table3.read_gc_table(gc_table)
has_pm = np.isfinite(table["pmra_masyr"])
has_vlos = np.isfinite(table["vlos_kms"])
# NBVAL_CHECK_OUTPUT
print(f"clusters in Table 3: {len(table)}  (published: {published.EADIE16_SAMPLE['n_table'][0]})")
print(f"with proper motion and v_los: {(has_pm & has_vlos).sum()}")
print(f"with v_los only:               {(~has_pm & has_vlos).sum()}")
print(f"with neither:                  {(~has_pm & ~has_vlos).sum()}")

# %% [markdown]
# ## 2. Positions and heliocentric distances
#
# Sky positions come from galpy's `named_objects.json` (Gaia EDR3 era; Baumgardt et al.
# 2019, Vasiliev & Baumgardt 2021), read directly through an explicit map from Harris
# names — never an online lookup. Four Harris clusters are not in galpy; none of them can
# enter the sample:

# %%
for name, why in galpy_clusters.GALPY_ABSENT.items():
    print(f"{name:10s} {why}")

# %% [markdown]
# The table's $r$ is Harris's, computed with $R_0 = 8.0$ kpc. We solve for the
# heliocentric distance $d$ along galpy's sight-line that gives exactly that $r$ with the
# paper's Sun at $(X, Y, Z) = (8.0, 0, 0.02)$ kpc. The equation is quadratic in $d$: where
# both roots are positive we take the one nearer galpy's own distance; where rounding of
# $r$ makes the sphere miss the sight-line we take the point of closest approach.

# %%
sun = coords.EADIE16_SUN
print("Sun:", sun.describe())
gc = cluster_kinematics.eadie16_gc_kinematics(table, rng=rng, n_mc=n_draws, sun=sun)
status, counts = np.unique(gc["distance_status"], return_counts=True)
# NBVAL_CHECK_OUTPUT
for s, c in zip(status, counts):
    print(f"{s:28s} {c:4d}")
dr = np.abs(gc["r_from_position_kpc"] - gc["r_kpc"])
print(f"max |r(position) - r(table)| = {np.nanmax(dr):.2f} kpc")

# %% [markdown]
# Where the two roots are far apart, galpy's modern distance can pick a different root
# from the one Harris's own distance implied. Those clusters, and the tangent-point
# cases, are listed here with Harris's $R_\odot$ for comparison when the Harris catalogue
# is available (it is not redistributed with this repository).

# %%
harris_path = paths.find_external(paths.HARRIS_CATALOG_NAME, external_data_dir)
if harris_path is None:
    print("Harris catalogue not found: set MWLIB_EXTERNAL_DATA to compare with its R_Sun.")
    harris_rsun = np.full(len(gc), np.nan)
else:
    harris = harris.read_harris_positions(harris_path)
    lookup = dict(zip(harris["name"], harris["r_sun_kpc"]))
    harris_rsun = np.array([lookup.get(n, np.nan) for n in gc["name"]])
gc["distance_harris_kpc"] = harris_rsun
odd = (gc["distance_status"] == "tangent point") | (
    np.abs(gc["cos_xi"] - gc["cos_xi_table"]) > 0.05
)
odd_table = gc[odd]["name", "r_kpc", "distance_kpc", "distance_galpy_kpc", "distance_harris_kpc",
                    "distance_status", "cos_xi", "cos_xi_table", "included"]
odd_table.round(2)
odd_table

# %% [markdown]
# ## 3. Galactocentric velocities
#
# For clusters with both proper motion and $v_\mathrm{los}$, astropy's Galactocentric frame
# with the paper's solar motion (LSR 220 km/s, $(U,V,W)_\odot = (11.1, 12.24, 7.25)$ km/s)
# gives $(v_r, v_\theta, v_\phi)$ and $v_t = \sqrt{v_\theta^2 + v_\phi^2}$. The listed
# proper-motion and $v_\mathrm{los}$ errors are propagated by Monte Carlo (Table 3 gives
# no distance errors).
#
# **Line-of-sight-only clusters.** The paper approximates $|v_r| \approx |v_\mathrm{los}|$
# for clusters with $|\cos\xi| > 0.95$. We take $v_r$ to be the line-of-sight velocity in
# the Galactic rest frame (the Sun's motion removed), which is what $v_r$ approaches along
# a radial sight-line; the raw heliocentric $v_\mathrm{los}$ is kept beside it. The two
# differ by the projection of the Sun's 232 km/s velocity on the sight-line:

# %%
los_only = gc["included"] & ~gc["complete"]
los_table = gc[los_only]["name", "r_kpc", "cos_xi", "vlos", "vlos_gsr"]
los_table["difference"] = los_table["vlos_gsr"] - los_table["vlos"]
los_table.round(2)
los_table

# %%
# NBVAL_CHECK_OUTPUT
print(f"line-of-sight-only clusters: {los_only.sum()}")
print(f"median |v_los,GSR - v_los,helio| = {np.median(np.abs(los_table['difference'])):.0f} km/s")

# %% [markdown]
# ## 4. The sample: Section 3's rules
#
# A cluster is **excluded** when it has no $v_\mathrm{los}$, is associated with the
# Sagittarius dwarf (Arp 2, NGC 6715, NGC 5634, Terzan 7, Terzan 8, Whiting 1), or is very
# highly reddened (NGC 6401, NGC 6544, Djorg 1, Terzan 6; Terzan 1 and Pal 6 stay in
# thanks to Rossi et al. 2015). It is **complete** with a proper motion (Pal 3's is treated
# as unknown) and **line-of-sight only** otherwise, included then only when
# $|\cos\xi| > 0.95$ with $\cos\xi$ computed from positions and distances.

# %%
included, complete = gc["included"], gc["complete"]
ours = {
    "n_included": int(included.sum()),
    "n_complete": int(complete.sum()),
    "n_incomplete": int((included & ~complete).sum()),
    "n_excluded": int((~included).sum()),
}
for r_cut in (5, 10, 15, 20):
    beyond = included & (gc["r_kpc"] > r_cut)
    ours[f"n_beyond_{r_cut}"] = int(beyond.sum())
    ours[f"incomplete_pct_beyond_{r_cut}"] = round(100 * (beyond & ~complete).sum() / beyond.sum(), 1)
ours["r_outermost_complete_kpc"] = float(gc["r_kpc"][complete].max())
# NBVAL_CHECK_OUTPUT
print(f"{'quantity':28s} {'ours':>8s} {'published':>10s}")
for key, value in ours.items():
    pub = published.EADIE16_SAMPLE.get(key, (None,))[0]
    print(f"{key:28s} {value:>8} {'' if pub is None else pub:>10}")
print("agrees with the table's reconstructed flags:", bool((included == gc["included_paper"]).all()))
scorecard.record(results_dir, "EH16", {("sample", key): value for key, value in ours.items()})
scorecard.record(results_dir, "EH16", {("sample", "n_table"): len(gc)})

# %%
reasons, counts = np.unique(gc["reason"], return_counts=True)
Table({"reason": reasons, "clusters": counts})

# %% [markdown]
# Two clusters show why $\cos\xi$ must be computed rather than read from the table:
# NGC 7492 and NGC 6569 are printed as 0.95 but pass $|\cos\xi| > 0.95$ once computed
# (2MS-GC02, printed as −0.95, is not in galpy and fails with the printed value, as it
# does with Harris's position, −0.91).

# %%
borderline = np.isin(gc["name"], ["NGC 7492", "NGC 6569", "2MS-GC02"])
borderline_table = gc[borderline]["name", "cos_xi_table", "cos_xi", "included"]
borderline_table["cos_xi"].info.format = ".4f"
borderline_table

# %% [markdown]
# ## 5. The data product
#
# `results/gc_kinematics.csv`: one row per Table 3 cluster. Velocities in km/s,
# distances in kpc, proper motions in mas/yr; NaN where unknown. Extra columns keep the
# Galactic-rest-frame $v_\mathrm{los}$, Galactocentric positions and the distance checks.

# %%
columns = ["name", "ra", "dec", "distance_kpc", "r_kpc", "vlos", "pmra", "pmdec", "vr", "vtheta",
           "vphi", "vt", "vr_err", "vt_err", "cos_xi", "complete", "included", "reason",
           "vlos_gsr", "x_kpc", "y_kpc", "z_kpc", "distance_galpy_kpc", "distance_status"]
product = gc[columns]
product.meta = {}
io.write_table_csv(results_dir / "gc_kinematics.csv", product)
# NBVAL_CHECK_OUTPUT
print(f"wrote {len(product)} rows x {len(columns)} columns to results/gc_kinematics.csv")
print(f"median velocity errors of complete clusters: vr {np.median(gc['vr_err'][complete]):.0f} km/s, "
      f"vt {np.median(gc['vt_err'][complete]):.0f} km/s")

# %% [markdown]
# ## 6. Figures of the sample
#
# Positions in the Galactocentric $x$–$z$ and $x$–$y$ planes, the radial distribution
# with the $r_\mathrm{cut}$ values of the paper's Section 5.6, and the velocities.

# %%
groups = [
    (complete, f"complete ({complete.sum()})", plotting.COLORS["complete"], "o"),
    (included & ~complete, f"line-of-sight only ({(included & ~complete).sum()})",
     plotting.COLORS["los_only"], "s"),
    (~included, f"excluded ({(~included).sum()})", plotting.COLORS["excluded"], "x"),
]
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
for mask, label, color, marker in groups:
    for ax, (i, j) in zip(axes, [(0, 2), (0, 1)]):
        xyz = np.stack([gc["x_kpc"], gc["y_kpc"], gc["z_kpc"]], axis=1)[mask]
        ax.scatter(xyz[:, i], xyz[:, j], s=14, color=color, marker=marker, label=label)
for ax, ylabel in zip(axes, ["z [kpc]", "y [kpc]"]):
    ax.plot(*sun.position_kpc[[0, 2 if ylabel[0] == "z" else 1]], "*", color="gold", ms=12, mec="k")
    ax.set(xlabel="x [kpc]", ylabel=ylabel, xlim=(-45, 45), ylim=(-45, 45), aspect="equal")
axes[0].legend(loc="lower left")
fig.suptitle("Table 3 globular clusters, Galactocentric positions (zoom: |x|, |y|, |z| < 45 kpc)")
_ = plotting.save_figure(fig, "eadie16_gc_sample_positions", figures_dir)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
bins = np.logspace(np.log10(0.4), np.log10(130), 25)
axes[0].hist([gc["r_kpc"][m] for m, *_ in groups], bins=bins, stacked=True,
             color=[g[2] for g in groups], label=[g[1] for g in groups])
axes[0].set(xscale="log", xlabel="r [kpc]", ylabel="clusters")
axes[0].legend()
r_sorted = np.sort(gc["r_kpc"][included])
axes[1].step(r_sorted, np.arange(1, r_sorted.size + 1)[::-1], where="post", color="k",
             label="included: N(> r)")
for r_cut in (5, 10, 15, 20):
    axes[1].axvline(r_cut, color="0.7", lw=0.8)
    axes[1].annotate(f"{ours[f'n_beyond_{r_cut}']}", (r_cut, ours[f"n_beyond_{r_cut}"]),
                     textcoords="offset points", xytext=(3, 3), fontsize=8)
axes[1].set(xscale="log", xlabel="r [kpc]", ylabel="included clusters beyond r")
axes[1].legend()
_ = plotting.save_figure(fig, "eadie16_gc_radial_distribution", figures_dir)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharex=True)
for mask, label, color, marker in groups[:2]:
    axes[0].errorbar(gc["r_kpc"][mask], gc["vr"][mask], yerr=gc["vr_err"][mask], fmt=marker,
                     ms=4, color=color, label=label)
axes[1].errorbar(gc["r_kpc"][complete], gc["vt"][complete], yerr=gc["vt_err"][complete], fmt="o",
                 ms=4, color=plotting.COLORS["complete"], label="complete")
axes[0].axhline(0, color="0.7", lw=0.8)
axes[0].set(xscale="log", xlabel="r [kpc]", ylabel="$v_r$ [km/s]")
axes[1].set(xscale="log", xlabel="r [kpc]", ylabel="$v_t$ [km/s]")
axes[0].legend()
_ = plotting.save_figure(fig, "eadie16_gc_velocities", figures_dir)

# %% [markdown]
# ## 7. Halo stars of Bird et al. (2022)
#
# The first paper measures velocity dispersions of 10762 K giants (LAMOST + SDSS/SEGUE,
# $3 < r < 105$ kpc) and 2526 BHB stars (SEGUE, $4 < r < 60$ kpc) with Gaia DR2 proper
# motions, cleaned of substructure (Section 4.1). Those samples are not public. This section
# prepares, in one table format (`mwlib.bird22.halo_table.read_halo_table`: ra, dec, distance, $v_\mathrm{los}$,
# proper motions, their errors and correlation, [Fe/H], sample and survey labels), the samples
# that notebook 02 analyses:
#
# * **`kgiant_mock`, `bhb_mock`**: mocks with known truth (`mwlib.mocks`) mirroring the two
#   samples — sizes, radial ranges, the broken power-law densities of Section 4.2, [Fe/H]
#   distributions like Fig. 1, velocity ellipsoids that solve the spherical Jeans equation in
#   MWPotential2014's baryons plus an NFW halo, and the paper's observational errors (16% and
#   10% distances, Gaia DR2-like proper motions, a few km/s in $v_\mathrm{los}$, and the
#   LAMOST $-8$ km/s bias that Bird et al. correct);
# * **`bhb_barbosa`**: the public SEGUE BHB stars with Gaia EDR3 proper motions of Barbosa et
#   al. (2022), selected like the paper's BHB sample and cleaned of substructure.

# %%
import os

from scipy import stats

from mwlib import data
from mwlib.bird22 import barbosa, bhb_selection, halo_mocks, halo_table, substructure

# published, Bird et al. 2022 Sec. 4.1 (sizes and radial ranges of the smooth halo samples)
BIRD22_SAMPLES = {"kgiant": (10762, 3.0, 105.0), "bhb": (2526, 4.0, 60.0)}
halo_rng = np.random.default_rng(halo_seed)
mass_model = halo_mocks.HaloMassModel(m200_msun=mock_m200_msun, concentration=mock_concentration)
halo = {}
for spec in (halo_mocks.KGIANT_MOCK, halo_mocks.BHB_MOCK):
    mock = halo_mocks.make_halo_mock(spec, halo_rng, mass_model=mass_model, sun=coords.BIRD22_SUN)
    halo_table.write_halo_table(results_dir / f"halo_{spec.sample}_stars.csv", mock.table)
    mock.truth.write_json(results_dir / f"halo_{spec.sample}_truth.json")
    halo[spec.sample] = mock.table
print(f"mock potential: MWPotential2014 bulge + disk, NFW M200 = {mass_model.m200_msun:.2e} Msun, "
      f"c = {mass_model.concentration:g}, r200 = {mass_model.r200_kpc:.1f} kpc (200 rho_crit, H0 = "
      f"{mass_model.h0_kms_per_mpc} km/s/Mpc); v_circ(8.3 kpc) = {float(mass_model.vcirc(8.3)):.1f} km/s")
# NBVAL_CHECK_OUTPUT
for name, key in (("kgiant_mock", "kgiant"), ("bhb_mock", "bhb")):
    t = halo[name]
    n_pub, lo_pub, hi_pub = BIRD22_SAMPLES[key]
    surveys = ", ".join(f"{s} {n}" for s, n in zip(*np.unique(t["survey"], return_counts=True)))
    print(f"{name:12s} {len(t):6d} stars, {t['r_kpc'].min():.1f} < r < {t['r_kpc'].max():.1f} kpc, "
          f"median r {np.median(t['r_kpc']):.1f} kpc ({surveys})   published: {n_pub} stars, "
          f"{lo_pub:g} < r < {hi_pub:g} kpc")

# %% [markdown]
# ### 7.1 The real BHB sample: Barbosa et al. (2022)
#
# The file (`barbosa2022_segue_bhb_edr3.csv`, not redistributed; `python -m mwlib.data fetch`
# downloads it and checks its sha256) lists 5699 SEGUE BHB candidates with a probability of
# being a BHB star above 50%, two distance calibrations in pc, SEGUE line-of-sight
# velocities and Gaia EDR3 proper motions. It has **no proper-motion correlation** (taken as
# 0) and **no [Fe/H]**. Our selection (`mwlib.bird22.bhb_selection.BhbSelection`):
#
# * BHB probability ≥ 99% (blue stragglers mistaken for BHB stars are placed ~2.5 times
#   too far and inflate the tangential velocities of the distant bins; see `BhbSelection`);
# * distances from the $(g-r)$ calibration (`dist_gr`; the colour the Xue et al. BHB
#   distances used by Bird et al. rest on), with the paper's 10% distance error (the file's
#   own errors, ~1.5%, propagate only the calibration);
# * $4 < r < 60$ kpc with the paper's solar parameters, like the paper's BHB sample.

# %%
bhb_path = paths.find_external(paths.BARBOSA_BHB_NAME, external_data_dir) if use_real_bhb else None
real = None
if bhb_path is None:
    print("Barbosa et al. (2022) BHB file not used (not found, or use_real_bhb=False): "
          "notebook 02 runs on the mocks only.")
else:
    raw = barbosa.read_barbosa_bhb(bhb_path)
    selection = bhb_selection.BhbSelection()
    real, steps = bhb_selection.select_bhb_sample(raw, selection, coords.BIRD22_SUN)
    ur_sample, _ = bhb_selection.select_bhb_sample(raw, bhb_selection.BhbSelection(distance="ur"), coords.BIRD22_SUN)
    sha_ok = data.sha256_of(bhb_path) == data.BARBOSA_BHB.sha256
    print(f"file: {bhb_path.name} (sha256 {'matches the recorded one' if sha_ok else 'DIFFERS from the recorded one'})")
    for step, n in steps.items():
        print(f"  {step:32s} {n:5d}")
    print(f"  with dist_ur instead of dist_gr:  {len(ur_sample):5d} "
          f"(median |d_gr/d_ur - 1| = {np.median(np.abs(raw['dist_gr'] / raw['dist_ur'] - 1)):.1%})")

# %% [markdown]
# ### 7.2 Substructure
#
# Bird et al. use samples from which streams and substructure were removed by clustering in
# integrals-of-motion space (Xue et al. 2022, in preparation, not public). `mwlib.bird22.substructure`
# implements a documented substitute: (1) Sagittarius-stream candidates — within 12° of the Sgr
# plane in the Majewski et al. (2003) frame, beyond 15 kpc, with an orbital angular momentum
# within 30° of the Sgr dwarf's and at least half its size; (2) compact groups in
# (E, L_x, L_y, L_z) (energy in MWPotential2014) found by a DBSCAN-like friends-of-friends search
# and kept only when at least 3 times denser than a velocity-shuffled smooth background
# (Poisson p < 1e-4). Run on the smooth mocks, the same cleaning measures its false positives.

# %%
def galactocentric(t):
    return coords.galactocentric_phase_space(
        t["ra"], t["dec"], t["distance_kpc"], t["pmra_masyr"], t["pmdec_masyr"], t["vlos_kms"],
        coords.BIRD22_SUN)


cleaning = {}
for name, t in [*halo.items(), *([("bhb_barbosa", real)] if real is not None else [])]:
    corrected, _ = halo_table.correct_vlos_offsets(t)
    cleaning[name] = substructure.clean_substructure(
        t["ra"], t["dec"], *galactocentric(corrected), rng=np.random.default_rng(halo_seed),
        sun=coords.BIRD22_SUN)
# NBVAL_CHECK_OUTPUT
for name, res in cleaning.items():
    s = res.summary()
    kind = "false positives on a smooth mock" if name.endswith("mock") else "removed"
    print(f"{name:12s} Sgr candidates {s['Sgr candidates']:4d}, in {s['groups']} compact groups "
          f"{s['in integrals-of-motion groups']:4d} -> {kind}: {s['removed (either)']} of {s['stars']} "
          f"({s['removed (either)'] / s['stars']:.1%})")
if real is not None:
    res = cleaning["bhb_barbosa"]
    real["sgr_member"] = res.sgr
    real["iom_group"] = res.iom_group
    real["substructure"] = res.substructure
    clean_r = real["r_kpc"][~res.substructure]
    print(f"bhb_barbosa after cleaning: {(~res.substructure).sum()} stars, {clean_r.min():.1f} < r < "
          f"{clean_r.max():.1f} kpc, median r {np.median(clean_r):.1f} kpc   published (Bird et al. "
          f"2022 BHB): {BIRD22_SAMPLES['bhb'][0]} stars, {BIRD22_SAMPLES['bhb'][1]:g} < r < "
          f"{BIRD22_SAMPLES['bhb'][2]:g} kpc")

# %%
if real is not None:
    res = cleaning["bhb_barbosa"]
    lam, beta_sgr = substructure.sgr_coordinates(real["ra"], real["dec"])
    pos, vel = galactocentric(real)
    lvec = substructure.angular_momentum(pos, vel)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    groups = [(~res.substructure, "kept", "0.6", 3), (res.sgr, "Sgr candidates", "tab:red", 8),
              (res.iom_group >= 0, "compact IoM groups", "tab:green", 8)]
    for mask, label, color, size in groups:
        axes[0].scatter(lam[mask], beta_sgr[mask], s=size, color=color, label=f"{label} ({mask.sum()})")
        axes[1].scatter(lvec[mask, 2] / 1e3, res.features[mask, 0], s=size, color=color, label=label)
    axes[0].set(xlabel=r"$\Lambda_\mathrm{Sgr}$ [deg]", ylabel=r"$B_\mathrm{Sgr}$ [deg]", xlim=(0, 360),
                title="Sgr frame (Majewski et al. 2003)")
    axes[1].set(xlabel=r"$L_z$ [$10^3$ kpc km/s]", ylabel=r"$E$ [$10^5$ km$^2$/s$^2$] (MWPotential2014)",
                title="integrals of motion")
    axes[0].legend(loc="lower left", markerscale=1.5)
    _ = plotting.save_figure(fig, "bird22_substructure_bhb_barbosa", figures_dir)

# %% [markdown]
# ### 7.3 The data products and Fig. 1
#
# `results/halo_<mock>_stars.csv` (the halo-star format), `results/halo_<mock>_truth.json`
# (the mocks' potential, M200, r200, c, density, anisotropy and tabulated truth) and the
# manifest `results/halo_samples.json` that notebook 02 reads. The selected real stars (with
# their substructure flags) go to `data/external/halo_bhb_barbosa_stars.csv`, which git
# ignores: the catalogue is not redistributed. Fig. 1 of the paper: the
# cumulative distribution (log r) and kernel density (Scott's rule, as the paper) of the
# Galactocentric radius, and the [Fe/H] distributions (the real BHB file has no [Fe/H]).

# %%
manifest = {"samples": {}}
for name in halo:
    manifest["samples"][name] = {"stars": f"halo_{name}_stars.csv", "truth": f"halo_{name}_truth.json"}
if real is not None:
    real_path = Path(derived_external_dir) / "halo_bhb_barbosa_stars.csv"
    halo_table.write_halo_table(real_path, real)
    manifest["samples"]["bhb_barbosa"] = {"stars": os.path.relpath(real_path, results_dir), "truth": None,
                                          "source": str(data.BARBOSA_BHB.reference),
                                          "selection": str(selection)}
io.write_json(results_dir / "halo_samples.json", manifest)
# NBVAL_CHECK_OUTPUT
print("wrote results/halo_samples.json with samples:", ", ".join(manifest["samples"]))

# %%
fig1 = {"kgiant_mock": halo["kgiant_mock"], "bhb_mock": halo["bhb_mock"]}
if real is not None:
    fig1["bhb_barbosa (cleaned)"] = real[~real["substructure"]]
colors = {"kgiant_mock": plotting.COLORS["kgiant"], "bhb_mock": plotting.COLORS["bhb"],
          "bhb_barbosa (cleaned)": "k"}
fig, axes = plt.subplots(3, 1, figsize=(5.5, 9))
r_grid = np.linspace(0, 110, 400)
feh_grid = np.linspace(-3.5, 0.5, 300)
for name, t in fig1.items():
    r = np.sort(np.asarray(t["r_kpc"]))
    axes[0].step(r, np.arange(1, r.size + 1) / r.size, where="post", color=colors[name], label=name)
    axes[1].plot(r_grid, stats.gaussian_kde(r)(r_grid), color=colors[name], label=name)
    if "feh" in t.colnames:
        axes[2].plot(feh_grid, stats.gaussian_kde(np.asarray(t["feh"]))(feh_grid), color=colors[name], label=name)
axes[0].set(xscale="log", xlabel="r [kpc]", ylabel="cumulative probability")
axes[1].set(xlabel="r [kpc]", ylabel="KDE")
axes[2].set(xlabel="[Fe/H]", ylabel="probability density")
axes[0].legend()
axes[2].legend(title="(no [Fe/H] in the real BHB file)")
fig.suptitle("Fig. 1 (after Bird et al. 2022)")
_ = plotting.save_figure(fig, "bird22_fig1_distributions", figures_dir)
# NBVAL_CHECK_OUTPUT
for name, t in fig1.items():
    within = np.mean(np.asarray(t["r_kpc"]) < 25)
    feh = f", median [Fe/H] {np.median(t['feh']):.2f}" if "feh" in t.colnames else ""
    print(f"{name:22s} {within:.0%} of the stars within 25 kpc{feh}")
