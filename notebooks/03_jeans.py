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
# # 03 · Jeans mass profile and NFW + baryons fit (Bird et al. 2022)
#
# Bird et al. (2022), Sections 2.1, 2.3, 4.4 and 4.6: the enclosed mass from the 3D spherical
# Jeans equation (their Eq. 1),
#
# $$M(<r) = -\frac{1}{G}\left[r^2\frac{d\sigma_r^2}{dr} + r\left((2-\alpha)\sigma_r^2 - \sigma_\theta^2 - \sigma_\phi^2\right)\right],$$
#
# written with mwlib's positive slope ($\rho \propto r^{-\alpha}$; the paper prints the slopes
# negative), and its extrapolation to the virial radius with a bulge + disk + NFW model. For every
# sample of notebook 01 — the K-giant-like and BHB-like mocks with known truth and the real SEGUE
# BHB stars of Barbosa et al. (2022), cleaned of substructure (the paper's choice) and uncleaned —
# we follow the paper's *hybrid*:
#
# 1. binned, deconvolved $\sigma_r, \sigma_\theta, \sigma_\phi$ (notebook 02's procedure) at the
#    bins' median radii;
# 2. $d\sigma_r^2/dr$ from the exponential fit $\sigma_r = \sigma_0 e^{-r/h_r}$ (Eqs. 2–3) with
#    emcee at the paper's 1000 walkers × 1500 steps, 500 burn-in;
# 3. $\alpha(r)$ from the paper's broken power laws (K giants: 2.8 inside 17 kpc after the
#    paper's adjustment, 4.6 outside; BHB: 3.5 inside 22 kpc, 4.7 outside);
# 4. errors from 100 Monte Carlo realizations of the terms (Section 2.1); $v_\mathrm{circ} = \sqrt{GM/r}$;
# 5. an NFW halo fitted to $M(<r)$ minus the baryons (Section 2.3; 500 walkers × 400 steps, 250
#    burn-in, priors $c > 0$ and $200 < v_\mathrm{circ}(R_0 = 8.3\,\mathrm{kpc}) < 250$ km/s).
#
# The mocks tell us how well the method recovers a known mass; the real sample is compared with
# the paper's BHB numbers. The paper's K-giant numbers appear beside the K-giant *mock* only as a
# reference: the mock is not the paper's data. All logic lives in `mwlib` (`halo`, `dispersion`,
# `jeans`, `nfw`); notebook 04 does the same with the tracer mass estimator and averages the two.

# %% tags=["parameters"]
seed = 0
quick = False  # fewer Monte Carlo draws per star and shorter chains
n_mc = 1000  # Monte Carlo draws per star for the velocity covariances (Section 4.1)
n_jeans_mc = 100  # Monte Carlo realizations of the Jeans terms (Section 2.1)
n_workers = 1  # threads for the Monte Carlo (results do not depend on it)
results_dir = "../results"
figures_dir = "../figures"

# %%
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from astropy.table import Table

from mwlib import halo
from mwlib.bird22 import dispersion, jeans, nfw, published
from mwlib.repro import scorecard
from mwlib.core import plotting

plotting.use_style()
started = time.perf_counter()
results_dir, figures_dir = Path(results_dir), Path(figures_dir)
n_draws = 200 if quick else n_mc
sigma_fit_settings = halo.sampler_settings(quick)["sigma"]
nfw_fit_settings = halo.sampler_settings(quick)["nfw"]
# The first two children ("mc", "sigma") are the generators notebook 02 uses for the same steps.
rngs = dict(zip(["mc", "sigma", "jeans", "nfw", "validation"], np.random.default_rng(seed).spawn(5)))
PUB = published.BIRD22_RESULTS
E11, E12 = 1e11, 1e12
METHOD = "jeans"


pm = halo.pm


def published_pm(key, fmt=".2f"):
    return halo.published_pm(PUB[key], fmt)

# %% [markdown]
# ## 1. The samples and their Galactocentric kinematics
#
# `halo.load_halo_samples` reads the manifest `results/halo_samples.json` of notebook 01 and every
# star table through the validating loader, adds +8 km/s to the LAMOST line-of-sight velocities
# (the mocks carry that bias), and splits the real sample into cleaned and uncleaned versions with
# its `substructure` flags. Each star's distance, $v_\mathrm{los}$ and proper motions are drawn
# `n_mc` times into a 3×3 covariance of $(v_r, v_\theta, v_\phi)$ with the paper's solar
# parameters — the same function, order and generator as notebook 02, so the covariances and the
# dispersions below are notebook 02's.

# %%
samples = halo.load_halo_samples(results_dir, n_draws, rngs["mc"], n_workers=n_workers)
truths = {name: s.truth for name, s in samples.items() if s.is_mock}
real_names = [n for n in ("bhb_barbosa", "bhb_barbosa_uncleaned") if n in samples]
if not real_names:
    print("The real BHB sample is absent (external file not found in notebook 01): mocks only.")

# %%
# NBVAL_CHECK_OUTPUT
for name, s in samples.items():
    label = "mock" if s.is_mock else ("real, cleaned" if s.cleaned else "real, uncleaned")
    print(f"{name:22s} {len(s.table):6d} stars  {s.r_kpc.min():5.1f} < r < {s.r_kpc.max():5.1f} kpc  ({label})")
if "bhb_barbosa" in samples:
    n_all, n_clean = len(samples["bhb_barbosa_uncleaned"].table), len(samples["bhb_barbosa"].table)
    print(f"cleaning removes {n_all - n_clean} of {n_all} real BHB stars "
          f"(published sample: {PUB[('BHB sample', 'n_stars')]['value']} BHB stars, 4 < r < 60 kpc)")

# %% [markdown]
# ## 2. Binned dispersions and the exponential $\sigma_r(r)$ fit
#
# Bins of Section 4.3 (K giants: edges 3, 15, 25, …, 65, 125 kpc; BHB: 4, 7, 8, 10, 13, 20, 25,
# 30, 35, 43, 50, 125 kpc), one-Gaussian extreme deconvolution per bin with the paper's
# $\sigma/\sqrt{2N}$ errors, then $\sigma_r = \sigma_0 e^{-r/h_r}$ by emcee at the paper's settings.

# %%
disp = {}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", RuntimeWarning)
    for name, s in samples.items():
        disp[name] = dispersion.bin_dispersions(s.r_kpc, s.v_kms, s.v_cov, s.edges_kpc, min_stars=10)
for w in caught:
    print("note:", w.message)

t0 = time.perf_counter()
fits = halo.fit_sigma_profiles(disp, rngs["sigma"], sigma_fit_settings)
print(f"{len(fits)} exponential fits ({sigma_fit_settings}) in {time.perf_counter() - t0:.1f} s")

# Same numbers as notebook 02? (its tables, when present)
for name, d in disp.items():
    path = results_dir / f"halo_{name}_dispersion.csv"
    if path.is_file():
        other = Table.read(path, format="ascii.csv")
        diff = max(float(np.nanmax(np.abs(np.asarray(other[f"sigma_{c}_kms"]) - np.asarray(d[f"sigma_{c}_kms"]))))
                   for c in ("r", "theta", "phi"))
        print(f"{name}: largest difference from notebook 02's dispersions {diff:.2g} km/s")

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'sample':22s} {'sigma_0 [km/s]':>20s} {'h_r [kpc]':>20s}   published (Sec. 4.4)")
for name, f in fits.items():
    kind = "KG" if samples[name].kind == "kgiant" else "BHB"
    print(f"{name:22s} {pm(f.sigma0_kms, fmt='.0f'):>20s} {pm(f.h_r_kpc, fmt='.0f'):>20s}   "
          f"{kind}: {published_pm((kind, 'sigma0_kms'), '.0f')} km/s, {published_pm((kind, 'h_r_kpc'), '.0f')} kpc")

# %% [markdown]
# ## 3. The Jeans mass profiles (Eq. 1)
#
# `jeans.jeans_profile` takes the binned dispersions, the exponential fit's
# $d\sigma_r^2/dr$ at its 50th-percentile $(\sigma_0, h_r)$ and $\alpha$ at each bin's median
# radius. For the errors, 100 realizations draw the three dispersions from Gaussians with their
# $\sigma/\sqrt{2N}$ errors and $(\sigma_0, h_r)$ from the fit's posterior; the error is their
# standard deviation.

# %%
profiles = {}
for name, s in samples.items():
    profiles[name] = jeans.jeans_profile(None, None, s.edges_kpc, s.density.slope, seed=rngs["jeans"],
                                         n_mc=n_jeans_mc, sigma_fit=fits[name], dispersions=disp[name])

# %%
# NBVAL_CHECK_OUTPUT
for name, p in profiles.items():
    print(f"{name}: r [kpc], N, alpha, beta, M(<r) [1e11 Msun], v_circ [km/s]")
    for row in p[np.asarray(p["ok"])]:
        print(f"  {row['r_median_kpc']:5.1f} {row['n_stars']:5d}  {row['alpha']:.2f} {row['beta']:6.2f}  "
              f"{row['mass_msun'] / E11:6.2f} ± {row['mass_err_msun'] / E11:5.2f}  "
              f"{row['vcirc_kms']:5.0f} ± {row['vcirc_err_kms']:3.0f}")

# %% [markdown]
# ## 4. Do the mocks recover their true mass?
#
# The mocks' velocity ellipsoids solve the spherical Jeans equation in a known potential
# (MWPotential2014's bulge and disk plus an NFW halo), so their true $M(<r)$ is known at every
# radius. Below: the fractional bias $(M - M_\mathrm{true})/M_\mathrm{true}$ at each bin's median
# radius and the pull $(M - M_\mathrm{true})/\sigma_M$ with the Monte Carlo error.

# %%
# NBVAL_CHECK_OUTPUT
bias = {}
for name, truth in truths.items():
    p = profiles[name][np.asarray(profiles[name]["ok"])]
    r = np.asarray(p["r_median_kpc"])
    true = truth.mass_enclosed(r)
    bias[name] = (r, np.asarray(p["mass_msun"]) / true - 1, np.asarray(p["mass_err_msun"]) / true)
    print(f"{name}: median r [kpc]      {np.round(r, 1).tolist()}")
    print(f"  true M(<r) [1e11 Msun]  {np.round(true / E11, 2).tolist()}")
    print(f"  (M - M_true)/M_true [%] {np.round(100 * bias[name][1]).astype(int).tolist()}")
    print(f"  pull                    {np.round(bias[name][1] / bias[name][2], 1).tolist()}")
    rich = np.asarray(p["n_stars"]) >= 200
    print(f"  bins with >= 200 stars: bias from {100 * bias[name][1][rich].min():+.0f}% "
          f"to {100 * bias[name][1][rich].max():+.0f}%")

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8))
for name, marker in (("kgiant_mock", "o"), ("bhb_mock", "s")):
    if name in bias:
        r, b, e = bias[name]
        color = plotting.COLORS["kgiant" if name.startswith("kgiant") else "bhb"]
        ax.errorbar(r, 100 * b, 100 * e, fmt=marker, color=color, ms=5, label=f"{name} (Jeans)")
ax.axhline(0, color="k", lw=0.8)
ax.axhspan(-15, 15, color="0.9", zorder=0, label="±15%")
ax.set(xscale="log", xticks=[5, 10, 20, 50, 100], xticklabels=["5", "10", "20", "50", "100"],
       xlabel="median r of the bin [kpc]", ylabel=r"$(M - M_\mathrm{true})/M_\mathrm{true}$ [%]",
       title="Jeans M(<r) on the mocks (errors: 100 Monte Carlo realizations)")
ax.xaxis.set_minor_formatter(plt.NullFormatter())
ax.legend(fontsize=8)
_ = plotting.save_figure(fig, "bird22_jeans_mock_bias", figures_dir)

# %% [markdown]
# Where the bins are rich the Jeans masses follow the truth to roughly the 10–20% level, but not
# uniformly and not within the Monte Carlo errors, which only propagate the $\sigma/\sqrt{2N}$
# sampling errors. Three effects, each visible on the mocks:
#
# * **the exponential $d\sigma_r^2/dr$.** The mocks' true $\sigma_r$ drops faster near the density
#   break than an exponential fitted to all bins (Fig. 4 of notebook 02); the fitted gradient is too
#   shallow inside and the bins beyond the break come out high (K giants), the innermost low;
# * **the innermost K-giant bin** spans 3–15 kpc: its dispersions are $\sqrt{\langle\sigma^2\rangle}$
#   over a wide range and are biased a few per cent low by the 16% distance errors (notebook 02);
# * **the outermost bins** have few stars and proper-motion errors larger than the tangential
#   dispersions; there the deconvolved $\sigma_\theta, \sigma_\phi$ scatter widely.

# %% [markdown]
# ## 5. Table 1: the enclosed mass at the last bin
#
# The paper quotes $M(<r)$ at the median radius of the stars of the last bin (73 kpc for its K
# giants, 52 kpc for its BHB stars). Ours is at our last bin's median radius.

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'sample':22s} {'r [kpc]':>8s} {'M(<r) [1e11 Msun]':>19s}   comparison")
for name, p in profiles.items():
    last = p[np.asarray(p["ok"])][-1]
    kind = "KG" if samples[name].kind == "kgiant" else "BHB"
    key = ("Jeans KG", "M(<73)") if kind == "KG" else ("Jeans BHB", "M(<52)")
    q = PUB[key]
    ref = f"published Jeans {kind}: {key[1]} = {q['value']:.1f} ± {q['high'] - q['value']:.2f}"
    if name in truths:
        ref = f"truth {truths[name].mass_enclosed(last['r_median_kpc']) / E11:.2f}; " + ref + " (reference only)"
    print(f"{name:22s} {last['r_median_kpc']:8.1f} {last['mass_msun'] / E11:9.2f} ± {last['mass_err_msun'] / E11:5.2f}   {ref}")

# %% [markdown]
# ## 6. NFW + baryons: Table 2 (Jeans rows)
#
# `nfw.fit_nfw_profile` subtracts the paper's bulge ($0.5\times10^{10}$ M$_\odot$) and
# Miyamoto–Nagai disk ($6.8\times10^{10}$ M$_\odot$) from $M(<r)$ and fits $(r_{200}, c)$ of an NFW
# halo ($H_0 = 67.8$ km/s/Mpc, 200 × critical density) with a Gaussian likelihood and the Jeans
# errors. We quote the 16th/50th/84th percentiles of $M_{200}$, $r_{200}$, $c$ and of the total
# (baryons + $M_{200}$) mass at $r_{200}$. For the mocks the truth is $M_{200} = 10^{12}$
# M$_\odot$, $c = 12$ (their baryons are galpy's MWPotential2014, whose bulge is 10% lighter than
# the printed $0.5\times10^{10}$ M$_\odot$; a negligible difference here).

# %%
t0 = time.perf_counter()
nfw_fits = {name: nfw.fit_nfw_profile(p, seed=rngs["nfw"], **nfw_fit_settings) for name, p in profiles.items()}
entries = {f"{name}/{METHOD}": halo.nfw_fit_entry(f) for name, f in nfw_fits.items()}
print(f"{len(nfw_fits)} NFW fits ({nfw_fit_settings}) in {time.perf_counter() - t0:.1f} s")

# %%
# NBVAL_CHECK_OUTPUT
print(halo.nfw_report(nfw_fits, "Jeans", PUB))

# %%
# NBVAL_CHECK_OUTPUT
print(halo.nfw_recovery_report(entries, truths, METHOD))

# %% [markdown]
# Is a miss the fault of the fit or of the points? The same fit applied to the mocks' *true*
# $M(<r)$ at the same radii with the same errors isolates the fitting step:

# %%
# NBVAL_CHECK_OUTPUT
for name, truth in truths.items():
    p = profiles[name][np.asarray(profiles[name]["ok"])]
    r = np.asarray(p["r_mass_kpc"])
    f = nfw.fit_nfw(r, truth.mass_enclosed(r), np.asarray(p["mass_err_msun"]), seed=rngs["nfw"], **nfw_fit_settings)
    rec = halo.nfw_recovery(halo.nfw_fit_entry(f), truth.mass_model)
    print(f"{name:12s} fit to the true M(<r): M200 = {pm(f.percentiles['m200_msun'], E12)} 1e12 Msun, "
          f"c = {pm(f.percentiles['c'], fmt='.1f')}; truth inside: "
          + ", ".join(f"{k} {'yes' if v['inside'] else 'no'}" for k, v in rec.items()))

# %% [markdown]
# With exact masses the fit recovers the truth, so the misses come from the Jeans points: their
# biases (Section 4) are systematic and larger than their Monte Carlo errors, which only carry the
# sampling noise, and the NFW fit — dominated by the inner, most precise bins, as the paper notes
# (Section 4.6) — turns the inner points' biases into a large change of $c$ and,
# through the $c$–$r_{200}$ degeneracy, of $M_{200}$. The paper's own Jeans fits may carry biases
# of the same kind; its data are not available to check.

# %% [markdown]
# ### 6b. Validation: which error budget and which derivative recover the truth?
#
# Two choices decide whether the interval of an NFW fit can contain the truth, each tied to the
# paper's text rather than to the mock:
#
# * **the error budget.** Table 2 quotes "the random uncertainty" (its note a); we read this as
#   fits to the random errors only. The paper adopts a 15% systematic for non-spherical and
#   non-virial effects (Section 3.3) and quotes it beside every mass. With the Jeans points biased by 10–20% (Section 4), only the whole budget —
#   random ⊕ 15% of $M$, `systematic_frac=nfw.SYSTEMATIC_FRAC` — can be expected to cover;
# * **the derivative.** Section 5.2 notes that "direct differentiation can be used" instead of the
#   exponential. `jeans_profile(..., derivative="finite_difference")` differentiates the binned
#   $\sigma_r^2$ in $\ln r$, every Monte Carlo realization its own, so its errors carry the
#   derivative's noise. How well does the exponential describe the binned $\sigma_r$ at all? The
#   $\chi^2$ of its best fit:

# %%
# NBVAL_CHECK_OUTPUT
for name in truths:
    d, f = disp[name], fits[name]
    ok = np.asarray(d["ok"])
    r, s_r, e_r = (np.asarray(d[c])[ok] for c in ("r_median_kpc", "sigma_r_kms", "sigma_r_err_kms"))
    chi2 = float(np.sum(((f.sigma_r_best(r) - s_r) / e_r) ** 2))
    print(f"{name:12s} exponential sigma_r fit: chi2 = {chi2:.0f} for {r.size - 2} degrees of freedom")

# %%
variants = {"paper: exponential, random errors (Table 2)": (METHOD, "exponential", 0.0),
            "exponential, random + 15% systematic": (f"{METHOD}_sys15", "exponential", nfw.SYSTEMATIC_FRAC),
            "direct differentiation, random errors": (f"{METHOD}_fd", "finite_difference", 0.0),
            "direct differentiation, random + 15% systematic": (f"{METHOD}_fd_sys15", "finite_difference",
                                                                nfw.SYSTEMATIC_FRAC)}
fd_profiles = {name: jeans.jeans_profile(None, None, samples[name].edges_kpc, samples[name].density.slope,
                                         seed=rngs["validation"], n_mc=n_jeans_mc, sigma_fit=fits[name],
                                         dispersions=disp[name], derivative="finite_difference")
               for name in truths}
validation_entries = {}
for label, (method, derivative, sys_frac) in variants.items():
    if method == METHOD:
        continue  # the Table 2 fits above
    for name in truths:
        p = profiles[name] if derivative == "exponential" else fd_profiles[name]
        fit = nfw.fit_nfw_profile(p, systematic_frac=sys_frac, seed=rngs["validation"], **nfw_fit_settings)
        validation_entries[f"{name}/{method}"] = halo.nfw_fit_entry(fit)

# %%
# NBVAL_CHECK_OUTPUT
for name in truths:
    p = fd_profiles[name][np.asarray(fd_profiles[name]["ok"])]
    b = np.asarray(p["mass_msun"]) / truths[name].mass_enclosed(np.asarray(p["r_median_kpc"])) - 1
    print(f"{name:12s} direct differentiation: (M - M_true)/M_true [%] {np.round(100 * b).astype(int).tolist()}, "
          f"errors [%] {np.round(100 * np.asarray(p['mass_err_msun']) / np.asarray(p['mass_msun'])).astype(int).tolist()}")
print()
print(halo.nfw_validation_report({**entries, **validation_entries}, truths,
                                 {label: m for label, (m, _, _) in variants.items()}))

# %% [markdown]
# Read with the bias table of Section 4 (pulls are (fit − truth) over half the 16–84% width;
# $r_{200}$ follows $M_{200}$). The exponential fits the K-giant mock's binned $\sigma_r$ badly
# (its true $\sigma_r$ is close to a power law, which an exponential follows only over a short
# range) and its gradient is too steep beyond the break. With the random errors alone the
# exponential misses both mocks by many of its (narrow) intervals, and direct differentiation
# does not rescue the K giants' $c$: their innermost bins have errors of a few per cent and biases
# larger than that, from the wide first bin and the distance errors, which no derivative removes.
# With the paper's whole error budget (random ⊕ 15%) the pulls drop to about one or less and the
# truth falls inside the 95% intervals — two mocks, one realization each, so this shows the
# budget is of the right size, not that the intervals are calibrated (notebook 04, Section 5,
# counts both methods). We take it as the validation of the virial-mass step, with that caveat.
# The paper's Table 2 intervals, if they come from the random errors only, are likely too narrow,
# as its own 15% systematic suggests; the Table 2 columns of this repository keep that setting so
# that they compare like with like.

# %% [markdown]
# For the repository's reproduction scorecard (notebook 07), the paper's BHB numbers are compared
# with the cleaned real BHB sample and its K-giant numbers with the K-giant mock (the paper's K
# giants are not public), as in notebook 02.

# %%
score = {}
for name, label in (("kgiant_mock", "Jeans KG"), ("bhb_barbosa", "Jeans BHB")):
    if name in profiles:
        last = profiles[name][np.asarray(profiles[name]["ok"])][-1]
        score[(label, "M(<73)" if label.endswith("KG") else "M(<52)")] = last["mass_msun"] / E11
        q = nfw_fits[name].percentiles
        score.update({(label, "M200_1e12"): q["m200_msun"][1] / E12, (label, "r200_kpc"): q["r200_kpc"][1],
                      (label, "c"): q["c"][1]})
scorecard.record(results_dir, "B22", score)

# %% [markdown]
# ## 7. The real BHB stars: what cleaning changes
#
# The cleaned sample drops the stars flagged as substructure in notebook 01 (Sagittarius members
# and groups in integrals of motion, mostly beyond 20 kpc).

# %%
# NBVAL_CHECK_OUTPUT
if real_names == ["bhb_barbosa", "bhb_barbosa_uncleaned"]:
    a, b = profiles["bhb_barbosa"], profiles["bhb_barbosa_uncleaned"]
    print(f"{'bin [kpc]':>10s} {'N clean/all':>12s} {'M(<r) clean':>15s} {'M(<r) all':>15s} {'change':>7s}  [1e11 Msun]")
    for i in np.flatnonzero(np.asarray(a["ok"]) & np.asarray(b["ok"])):
        change = 100 * (a["mass_msun"][i] / b["mass_msun"][i] - 1)
        print(f"{a['r_lo_kpc'][i]:4.0f}-{a['r_hi_kpc'][i]:<5.0f} {a['n_stars'][i]:5d}/{b['n_stars'][i]:<6d} "
              f"{a['mass_msun'][i] / E11:7.2f} ± {a['mass_err_msun'][i] / E11:4.2f} "
              f"{b['mass_msun'][i] / E11:7.2f} ± {b['mass_err_msun'][i] / E11:4.2f} {change:+6.0f}%")
else:
    print("real BHB sample absent: nothing to compare")

# %% [markdown]
# Inside about 30 kpc the real BHB masses lie near the mocks' true profile (a halo of
# $M_{200} = 10^{12}$ M$_\odot$; Fig. 5 below); beyond, they climb steeply, because the deconvolved
# tangential dispersions of the outer bins become very large ($\beta$ turns strongly negative, as
# in notebook 02, Section 8) and Eq. 1 adds $r(\sigma_\theta^2 + \sigma_\phi^2)/G$. Cleaning lowers
# the masses between 20 and 35 kpc, where most removed stars lie, and moves the outer bins
# little compared with their rise; it does not remove it. No NFW + baryons model follows such a
# profile, so the fit runs to its prior bound. Notebook 04 (Section 9) looks into why these outer bins differ
# from the paper's: a tail of stars with implausibly large tangential velocities.

# %% [markdown]
# ## 8. Fig. 5 and Fig. 6 (after Bird et al. 2022)
#
# Fig. 5: $M(<r)$ (log radius) and $v_\mathrm{circ}$ (linear radius); Jeans points as filled
# markers (K giants circles, BHB squares) at the bins' median radii, solid lines the NFW + baryons
# model at the fits' 50th-percentile $(r_{200}, c)$, and the outermost marker of each profile the
# total mass at $r_{200}$. Left: the mocks with their true profile. Right: the real BHB sample,
# with the paper's own BHB numbers for comparison — its Table 1 Jeans point and the model of its
# Table 2 Jeans fit ($M_{200}$, $c$) drawn with the same baryons. The literature points (grey
# triangles) of the paper's Fig. 5 are not tabulated in its text and are not drawn.
# Notebook 04 adds the TME points (open markers).

# %%
styles = {"kgiant_mock": (plotting.COLORS["kgiant"], "o"), "bhb_mock": (plotting.COLORS["bhb"], "s"),
          "bhb_barbosa": ("k", "s"), "bhb_barbosa_uncleaned": ("0.6", "s")}
r_grid = np.geomspace(3.0, 400.0, 300)
columns = [["kgiant_mock", "bhb_mock"]] + ([real_names] if real_names else [])
fig, axes = plt.subplots(2, len(columns), figsize=(5.6 * len(columns), 8), squeeze=False)
for col, names in enumerate(columns):
    ax_m, ax_v = axes[0, col], axes[1, col]
    for name in names:
        color, marker = styles[name]
        p = profiles[name][np.asarray(profiles[name]["ok"])]
        halo.draw_profile(ax_m, ax_v, p["r_median_kpc"], p["mass_msun"], p["mass_err_msun"], p["vcirc_kms"],
                          p["vcirc_err_kms"], color=color, marker=marker, label=f"{name} (Jeans)")
        q = nfw_fits[name].percentiles
        halo.draw_nfw_model(ax_m, ax_v, q["r200_kpc"][1], q["c"][1], r_grid, color=color)
        if q["r200_kpc"][1] < r_grid[-1]:
            ax_m.errorbar(q["r200_kpc"][1], q["m_total_r200_msun"][1],
                          yerr=[[q["m_total_r200_msun"][1] - q["m_total_r200_msun"][0]],
                                [q["m_total_r200_msun"][2] - q["m_total_r200_msun"][1]]],
                          xerr=[[q["r200_kpc"][1] - q["r200_kpc"][0]], [q["r200_kpc"][2] - q["r200_kpc"][1]]],
                          fmt=marker, color=color, ms=7)
        else:
            ax_m.text(0.03, 0.04 + 0.06 * names.index(name), f"{name}: r200 = {q['r200_kpc'][1]:.0f} kpc (off scale)",
                      transform=ax_m.transAxes, fontsize=7, color=color)
    if col == 0:
        truth = truths["kgiant_mock"]
        ax_m.plot(r_grid, truth.mass_enclosed(r_grid), color="k", lw=0.8, ls="--", label="truth of the mocks")
        ax_v.plot(r_grid, truth.mass_model.vcirc(r_grid), color="k", lw=0.8, ls="--")
        ax_m.set_title("mocks (dashed: true profile)")
    else:
        q = PUB[("Jeans BHB", "M(<52)")]
        ax_m.errorbar(52.0, q["value"] * E11, (q["high"] - q["value"]) * E11, fmt="*", color="tab:blue", ms=10,
                      label="published Jeans BHB (Table 1)")
        m200 = PUB[("Jeans BHB", "M200_1e12")]["value"] * E12
        halo.draw_nfw_model(ax_m, ax_v, float(nfw.r200_from_m200(m200)), PUB[("Jeans BHB", "c")]["value"], r_grid,
                            color="tab:blue", ls=":", label="published Jeans BHB NFW fit (Table 2) + baryons")
        ax_m.set_title("Barbosa et al. (2022) SEGUE BHB, Gaia EDR3")
    ax_m.set(xscale="log", yscale="log", xlim=(3, 400), ylim=(3e10, 5e12), xlabel="r [kpc]",
             ylabel=r"$M(<r)$ [M$_\odot$]")
    ax_v.set(xlim=(0, 100), ylim=(100, 450), xlabel="r [kpc]", ylabel=r"$v_\mathrm{circ}$ [km/s]")
    ax_m.legend(fontsize=7, loc="upper left")
fig.suptitle("Fig. 5 (after Bird et al. 2022): Jeans mass and circular velocity")
_ = plotting.save_figure(fig, "bird22_fig5_mass_profile", figures_dir)

# %%
corner_names = [n for n in ("kgiant_mock", "bhb_mock", "bhb_barbosa") if n in nfw_fits]
fig, axes = plt.subplots(2, 2 * len(corner_names), figsize=(4.8 * len(corner_names), 4.4),
                         gridspec_kw=dict(wspace=0.2, hspace=0.08))
for j, name in enumerate(corner_names):
    kind = "KG" if samples[name].kind == "kgiant" else "BHB"
    ref = (PUB[(f"Jeans {kind}", "r200_kpc")]["value"], PUB[(f"Jeans {kind}", "c")]["value"])
    truth = (truths[name].mass_model.r200_kpc, truths[name].mass_model.concentration) if name in truths else None
    halo.corner_r200_c(axes[:, 2 * j: 2 * j + 2], nfw_fits[name].samples, color=styles[name][0], title=name,
                       truth=truth, reference=ref, reference_label=f"published Jeans {kind}")
fig.suptitle("Fig. 6 (after Bird et al. 2022): NFW fits to the Jeans profiles", y=1.02)
_ = plotting.save_figure(fig, "bird22_fig6_nfw_jeans_corner", figures_dir)

# %% [markdown]
# ## 9. Results written
#
# `results/halo_mass_profiles.csv` gets one row per sample and bin with method `jeans`
# (`r_mass_kpc` = `r_median_kpc`; `true_mass_msun` for the mocks), and `results/nfw_fits.json`
# the entries `<sample>/jeans`; the rows and entries of notebook 04 (`tme`) are kept.

# %%
rows = [halo.mass_profile_rows(name, METHOD, p, truths.get(name)) for name, p in profiles.items()]
merged = halo.merge_mass_profiles(results_dir / "halo_mass_profiles.csv", rows, METHOD)
merged_fits = halo.merge_nfw_fits(results_dir / "nfw_fits.json", {**entries, **validation_entries},
                                  [m for m, _, _ in variants.values()])

# %%
# NBVAL_CHECK_OUTPUT
print(f"halo_mass_profiles.csv: {sum(len(r) for r in rows)} jeans rows for {len(rows)} samples")
print(f"nfw_fits.json: {sorted(entries)}")
print(f"  and the mock validation fits: {sorted(validation_entries)}")

# %%
print(f"notebook 03 computations: {time.perf_counter() - started:.0f} s; methods now in the files: "
      f"{sorted(set(map(str, merged['method'])))}, {sorted({k.split('/')[1] for k in merged_fits})}")
