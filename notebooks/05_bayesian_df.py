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
# # 05 · Bayesian distribution-function mass (Eadie & Harris 2016)
#
# Eadie & Harris (2016; EH16) fit a power-law model to the 89 globular clusters of
# notebook 01: potential $\Phi = \Phi_o r^{-\gamma}$, tracer density $\rho \propto r^{-\alpha}$,
# constant anisotropy $\beta$, and the distribution function $f(\mathcal{E}, L)$ of their
# Eq. 12. Clusters without proper motions enter with their tangential velocity $v_t$ as a
# nuisance parameter (prior uniform in $v_t^2$). Twelve scenarios (Table 3) fix or free
# $\gamma$, $\alpha$ and $\beta$; three more ("b") narrow the prior on $\gamma$ to [0.3, 0.7].
# The enclosed mass follows from Eq. 3/14: $M(<r) = \gamma \Phi_o r^{1-\gamma}/G$.
#
# Everything below is computed by `mwlib.df` (model, likelihood, priors, scenarios) and
# `mwlib.core.sampling` (samplers, R-hat and ESS with arviz). Published numbers are printed
# beside ours and labelled as such. Three choices of this implementation, each argued in
# the `mwlib.df` docstring and tested:
#
# * **Eq. 12's normalization as printed is wrong for $\beta \neq 0$.** Integrated over
#   velocities it gives $\Gamma(1-\beta)\, r^{-\alpha}$ instead of $r^{-\alpha}$; we use the
#   exact constant (it agrees with galpy's `constantbetaPowerLawdf`). The printed one stays
#   available as `normalization="paper"`.
# * **The prior on an unknown $v_t$** is uniform in $v_t^2$: $p(v_t) \propto v_t$
#   (`vt_prior="flat"`, our baseline; the DF itself vanishes above the escape speed).
#   Normalizing it on $[0, v_\mathrm{esc}(r)]$ (`vt_prior="escape"`, $p = 2v_t/v_\mathrm{esc}^2$)
#   makes it depend on $\Phi_o$ and $\gamma$; on mocks that biases $\Phi_o$ low by about one
#   posterior standard deviation, and on the real sample it moves $\gamma$ away from the
#   published values (Section 6). Both are shown.
# * **Group 4 (X, XI, XII) uses $\gamma \in [0.3, 0.7]$.** Section 5.4 says $\gamma$ in XII
#   piles up at "the lower bound" and is constrained "in Groups (2) and (4)" by "the more
#   informative prior"; the published XII masses imply $\gamma \approx 0.32$. We also show XII
#   with the wide prior.

# %% tags=["parameters"]
seed = 0
quick = False  # lower ESS bar (200) and skip the slow sampler comparison
gc_kinematics = "../results/gc_kinematics.csv"
results_dir = "../results"
figures_dir = "../figures"
likelihood = "paper"  # "paper" (EH16) or "normalized"
vt_prior = "flat"  # "flat" (p(vt) ∝ vt) or "escape" (normalized on [0, v_esc])

# %%
import warnings
from pathlib import Path

import corner
import matplotlib.pyplot as plt
import numpy as np
from astropy.table import Table
from scipy import stats

from mwlib import df
from mwlib.eh16 import cluster_kinematics, df_mocks, estimators, published
from mwlib.repro import scorecard
from mwlib.core import coords, plotting

plotting.use_style()
results_dir, figures_dir = Path(results_dir), Path(figures_dir)
ess_min = 200.0 if quick else 1000.0
E11 = 1e11
PUB = published.EADIE16_RESULTS

# %% [markdown]
# ## 1. The sample and the prior on $\alpha$
#
# The 89 included clusters (71 with 3D velocities, 18 with line-of-sight velocities only,
# their $v_r$ taken as the line-of-sight velocity in the Galactic rest frame) are the data;
# the 68 excluded clusters only define the prior on $\alpha$ (Eqs. 19–22: a Pareto law above
# $b = 0.4$ kpc with a conjugate Gamma posterior on $\eta = \alpha - 3$, $c = p = 0.001$).

# %%
gc = cluster_kinematics.read_gc_kinematics(gc_kinematics)
tracers = df.gc_tracers(gc)
excluded_r = np.asarray(gc["r_kpc"][~gc["included"]])
shape, rate = df.alpha_prior_from_radii(excluded_r, b_kpc=0.4, c=0.001, p=0.001)
alpha_mode = 3 + (shape - 1) / rate
# NBVAL_CHECK_OUTPUT
print(f"tracers: {tracers['r'].size} ({np.isfinite(tracers['vt']).sum()} complete), "
      f"r from {tracers['r'].min():.1f} to {tracers['r'].max():.1f} kpc")
print(f"alpha prior from {excluded_r.size} excluded clusters: Gamma(shape={shape:.3f}, rate={rate:.2f}) "
      f"on alpha - 3, mode {alpha_mode:.2f} (published: {PUB[('alpha prior', 'mode')]['value']})")

# %% [markdown]
# Figures 2 and 3 of the paper: the prior, and a check that a power law with the prior's
# mode describes the spherical density of the excluded clusters (Gaussian kernel of
# bandwidth 1 kpc on $r$, divided by $4\pi r^2$).

# %%
def spherical_density(r_kpc, grid_kpc, bandwidth_kpc=1.0):
    """Smoothed number density n(r) = N K(r) / (4 pi r^2) with a Gaussian kernel in r."""
    kernel = stats.norm.pdf(grid_kpc[:, None], loc=np.asarray(r_kpc)[None, :], scale=bandwidth_kpc)
    return kernel.sum(axis=1) / (4 * np.pi * grid_kpc**2)


fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
alpha_grid = np.linspace(3.0, 4.0, 400)
axes[0].plot(alpha_grid, stats.gamma.pdf(alpha_grid - 3, a=shape, scale=1 / rate), color="k")
axes[0].axvline(alpha_mode, color="0.6", ls="--", label=f"mode {alpha_mode:.2f}")
axes[0].set(xlabel=r"$\alpha$", ylabel="prior density", title="Fig. 2: prior on alpha")
axes[0].legend()
grid = np.logspace(np.log10(0.5), np.log10(130), 200)
density = spherical_density(excluded_r, grid)
axes[1].loglog(grid, density, color="k", label="excluded clusters (kernel 1 kpc)")
anchor = np.argmin(np.abs(grid - 5))
axes[1].loglog(grid, density[anchor] * (grid / grid[anchor]) ** -alpha_mode, "--", color="tab:blue",
               label=rf"$r^{{-{alpha_mode:.1f}}}$")
axes[1].set(xlabel="r [kpc]", ylabel="number density [kpc$^{-3}$]", ylim=(1e-7, 10),
            title="Fig. 3: density of the excluded clusters")
axes[1].legend()
_ = plotting.save_figure(fig, "eadie16_fig2_fig3_alpha_prior", figures_dir)

# %% [markdown]
# ## 2. Every scenario
#
# The fast sampler integrates each unknown $v_t$ out in closed form (a Beta function) and
# runs three emcee ensembles from dispersed starts; R-hat compares the three, ESS counts
# every walker. A scenario is extended until R-hat < 1.1 and ESS > 1000 for every free
# parameter, and flagged if it still misses.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", df.ConvergenceWarning)
    fits = df.fit_scenarios(tracers, df.SCENARIOS, seed=seed, alpha_prior=(shape, rate),
                            likelihood=likelihood, vt_prior=vt_prior, ess_min=ess_min)
summary = df.write_results(fits, results_dir)
not_converged = [name for name, res in fits.items() if not res.converged]
for warning in caught:
    print("WARNING:", warning.message)

# %%
# NBVAL_CHECK_OUTPUT
print(f"{len(fits)} scenarios fitted; results/df/<scenario>.npz and results/df_summary.json written")
print("convergence bars (R-hat < 1.1, ESS > %d) missed by: %s" % (ess_min, not_converged or "none"))

# %%
diagnostics = Table(
    rows=[(name, ", ".join(res.scenario.free_parameters), max(res.rhat.values()), min(res.ess.values()),
           res.acceptance[res.scenario.free_parameters[0]], res.settings["elapsed_s"], res.converged)
          for name, res in fits.items()],
    names=("scenario", "free", "max R-hat", "min ESS", "acceptance", "seconds", "converged"),
)
for col, fmt in [("max R-hat", ".4f"), ("min ESS", ".0f"), ("acceptance", ".2f"), ("seconds", ".1f")]:
    diagnostics[col].info.format = fmt
diagnostics

# %% [markdown]
# ### Table 4: parameter estimates (mean) with 50% marginal credible intervals
#
# The body of the paper's Table 4 is not in the text we have (only its caption), so the
# published numbers come from the text of Section 5 and the abstract (next cell).

# %%
def fmt_q(q, scale=1.0, digits=2):
    return f"{q['mean'] / scale:.{digits}f} ({q['q25'] / scale:.{digits}f}, {q['q75'] / scale:.{digits}f})"


table4 = Table(
    rows=[(name,
           fmt_q(s["params"]["phi0"], digits=1),
           fmt_q(s["params"]["gamma"], digits=3) if "gamma" in fits[name].scenario.free_parameters else "0.5",
           fmt_q(s["params"]["alpha"]) if "alpha" in fits[name].scenario.free_parameters else "3.5",
           fmt_q(s["params"]["beta"]) if "beta" in fits[name].scenario.free_parameters else f"{s['params']['beta']['mean']:.1f}",
           fmt_q(s["M125"], E11))
          for name, s in summary.items()],
    names=("scenario", "Phi_o [1e4 km2/s2]", "gamma", "alpha", "beta", "M125 [1e11 Msun]"),
)
# NBVAL_CHECK_OUTPUT
print(table4)

# %% [markdown]
# ### Every number of Section 5 beside ours
#
# For each published estimate: ours in the same statistic (mean or median as the paper
# quotes it, with the same kind of interval), the relative deviation, and whether the
# published central value lies inside our 50% interval.

# %%
def our_estimate(result, quantity):
    """Draws of a quantity in the published units (1e11 Msun, kpc, or the parameter)."""
    if quantity in df.PARAM_NAMES:
        return result.samples[quantity]
    if quantity == "M125":
        return result.mass(125.0) / E11
    if quantity == "Mvir":
        return result.virial_mass() / E11
    if quantity == "rvir_kpc":
        return result.virial_radius()
    if quantity.startswith("M(<"):
        return result.mass(float(quantity[3:-1])) / E11
    raise KeyError(quantity)


def compare_row(label, quantity, draws, pub):
    interval = pub["interval"] if pub["interval"] in ("50%", "95%") else "50%"
    half = 25 if interval == "50%" else 47.5
    low, median, high = np.percentile(draws, [50 - half, 50, 50 + half])
    ours = np.mean(draws) if "mean" in pub["where"] else median
    value = pub["value"]
    deviation = (ours - value) / value if value else np.nan
    inside = bool(low <= value <= high) if value else bool(pub["low"] <= median <= pub["high"])
    published_text = (f"{value}" if value is not None else "–") + (
        f" ({pub['low']}, {pub['high']})" if pub["low"] is not None else "")
    return (label, quantity, published_text, f"{ours:.3g} ({low:.3g}, {high:.3g})", interval,
            f"{100 * deviation:+.0f}%" if np.isfinite(deviation) else "", inside, pub["where"])


rows = []
for (label, quantity), pub in PUB.items():
    if label in fits:
        rows.append(compare_row(label, quantity, our_estimate(fits[label], quantity), pub))
comparison = Table(rows=rows, names=("scenario", "quantity", "published", "ours", "interval",
                                     "deviation", "published inside ours", "where"))
# NBVAL_CHECK_OUTPUT
print(f"{sum(comparison['published inside ours'])} of {len(comparison)} published values "
      "fall inside our interval")
comparison["scenario", "quantity", "published", "ours", "interval", "deviation",
           "published inside ours"].pprint(max_lines=-1, max_width=-1)

# %% [markdown]
# ### Scenario IX beyond 6.64 kpc (Section 5.3)
#
# The paper reruns Scenario IX on clusters beyond 6.64 kpc, the crossing point of the
# inner (1.9) and outer (3.6) slopes of Fig. 11, with the prior on $\alpha$ rebuilt from the
# excluded clusters beyond 6.64 kpc ($b = 6.64$ kpc).

# %%
r_inner = 6.64
outer = tracers["r"] > r_inner
tracers_outer = {k: v[outer] for k, v in tracers.items()}
prior_outer = df.alpha_prior_from_radii(excluded_r[excluded_r > r_inner], b_kpc=r_inner, c=0.001, p=0.001)
ix_outer = df.fit(tracers_outer, df.SCENARIOS["IX"], seed=seed, alpha_prior=prior_outer,
                  likelihood=likelihood, vt_prior=vt_prior, ess_min=ess_min)
rows = [compare_row("IX r>6.64", q, our_estimate(ix_outer, q), PUB[("IX r>6.64", q)])
        for q in ("M125", "alpha", "beta")]
# NBVAL_CHECK_OUTPUT
print(f"IX beyond {r_inner} kpc: {outer.sum()} clusters ({np.isnan(tracers_outer['vt']).sum()} line-of-sight only); "
      f"alpha prior from {(excluded_r > r_inner).sum()} excluded clusters, mode "
      f"{3 + (prior_outer[0] - 1) / prior_outer[1]:.2f}")
Table(rows=rows, names=comparison.colnames)["quantity", "published", "ours", "interval", "deviation"].pprint(max_width=-1)

# %% [markdown]
# ## 3. Figures after the paper's
#
# **Fig. 1** is a trace plot of three chains from dispersed starts; the hybrid-Gibbs sampler
# (Metropolis on the model parameters, each unknown $v_t$ updated as a parameter) is the
# paper's, so we draw its chains for Scenario I.

# %%
gibbs_I = df.fit(tracers, df.SCENARIOS["I"], seed=seed, sampler="gibbs", likelihood=likelihood,
                 vt_prior=vt_prior, ess_min=ess_min, warn=False)
fig, ax = plt.subplots(figsize=(7, 3.2))
for chain in gibbs_I.chains["phi0"]:
    ax.plot(chain[:3000], lw=0.5)
ax.set(xlabel="iteration after burn-in", ylabel=r"$\Phi_o$ [$10^4$ km$^2$ s$^{-2}$]",
       title="Fig. 1: Scenario I, three hybrid-Gibbs chains")
_ = plotting.save_figure(fig, "eadie16_fig1_trace", figures_dir)

# %% [markdown]
# **Fig. 4**: $M(<125\,\mathrm{kpc})$ for every scenario with 50% and 95% credible intervals,
# and the published values where the text gives them.

# %%
order = ["I", "II", "III", "IV", "V", "VI", "IVb", "Vb", "VIb", "VII", "VIII", "IX", "X", "XI", "XII"]
fig, ax = plt.subplots(figsize=(9, 3.8))
for i, name in enumerate(order):
    m = fits[name].mass(125.0) / E11
    q = np.percentile(m, [2.5, 25, 50, 75, 97.5])
    ax.plot([i, i], [q[0], q[4]], color="tab:blue", alpha=0.35, lw=4)
    ax.plot([i, i], [q[1], q[3]], color="tab:blue", lw=4, label="this work" if i == 0 else None)
    ax.plot(i, q[2], "o", color="white", mec="tab:blue", ms=4)
    pub = PUB.get((name, "M125"))
    if pub:
        low, high = pub["low"], pub["high"]
        ax.plot([i + 0.25, i + 0.25], [low, high], color="k", lw=2,
                label="published 50%" if name == "I" else None)
        if pub["value"]:
            ax.plot(i + 0.25, pub["value"], "s", color="k", ms=3)
ax.set_xticks(range(len(order)), order)
ax.set(ylabel=r"$M(<125\,\mathrm{kpc})$ [$10^{11} M_\odot$]", title="Fig. 4")
ax.legend(loc="upper right")
_ = plotting.save_figure(fig, "eadie16_fig4_m125", figures_dir)

# %% [markdown]
# **Figs. 5, 9 and 13 (left)**: credible regions of the mass profile for Group 1, the "b"
# scenarios and Scenario XII; dotted lines mark the radial extent of the clusters.

# %%
r_grid = np.logspace(np.log10(0.5), np.log10(300), 120)
panels = {"eadie16_fig5_mass_profile_group1": ["I", "II", "III"],
          "eadie16_fig9_mass_profile_group2b": ["IVb", "Vb", "VIb"]}
for figure_name, names in panels.items():
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharey=True)
    for ax, name in zip(axes, names):
        plotting.credible_band(ax, r_grid, fits[name].mass(r_grid) / E11, label="")
        for edge in (tracers["r"].min(), tracers["r"].max()):
            ax.axvline(edge, color="0.5", ls=":", lw=0.8)
        ax.set(xscale="log", yscale="log", xlabel="r [kpc]", title=f"Scenario {name}")
    axes[0].set_ylabel(r"$M(<r)$ [$10^{11} M_\odot$]")
    axes[0].legend(title="credible region", loc="upper left")
    _ = plotting.save_figure(fig, figure_name, figures_dir)

fig, ax = plt.subplots(figsize=(5, 3.8))
plotting.credible_band(ax, r_grid, fits["XII"].mass(r_grid) / E11, label="")
for (label, quantity), pub in PUB.items():
    if label == "XII" and quantity.startswith("M(") and pub["value"]:
        r_pub = float(quantity[3:-1])
        ax.errorbar(r_pub, pub["value"], yerr=[[pub["value"] - pub["low"]], [pub["high"] - pub["value"]]],
                    fmt="s", color="k", ms=4, label="published (95%)" if r_pub == 150 else None)
ax.set(xscale="log", yscale="log", xlabel="r [kpc]", ylabel=r"$M(<r)$ [$10^{11} M_\odot$]",
       title="Fig. 13 (left): Scenario XII")
ax.legend(loc="upper left")
_ = plotting.save_figure(fig, "eadie16_fig13_mass_profile_XII", figures_dir)

# %% [markdown]
# **Figs. 6, 7, 8, 10**: joint posteriors (contours: 10, 30, 50, 75, 95% credible regions).

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
plotting.joint_contours(axes[0], fits["III"].samples["phi0"], fits["III"].samples["beta"])
axes[0].set(xlabel=r"$\Phi_o$", ylabel=r"$\beta$", title="Fig. 6: Scenario III")
plotting.joint_contours(axes[1], fits["IV"].samples["phi0"], fits["IV"].samples["gamma"])
axes[1].set(xlabel=r"$\Phi_o$", ylabel=r"$\gamma$", title="Fig. 7: Scenario IV")
_ = plotting.save_figure(fig, "eadie16_fig6_fig7_joint", figures_dir)

fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
styles = {"IVb": ("tab:red", ":"), "Vb": ("tab:green", "--"), "VIb": ("tab:blue", "-")}
for name, (color, ls) in styles.items():
    plotting.joint_contours(axes[0], fits[name].samples["phi0"], fits[name].samples["gamma"], levels=(0.95,),
                            color=color, contour_kwargs={"linestyles": ls})
axes[0].set(xlabel=r"$\Phi_o$", ylabel=r"$\gamma$", title="Fig. 8 (left): Group 2b, 95%")
plotting.joint_contours(axes[1], fits["VIb"].samples["phi0"], fits["VIb"].samples["gamma"])
axes[1].set(xlabel=r"$\Phi_o$", ylabel=r"$\gamma$", title="Fig. 8 (right): Scenario VIb")
for name, (color, ls) in zip(["VII", "VIII", "IX"], styles.values()):
    plotting.joint_contours(axes[2], fits[name].samples["phi0"], fits[name].samples["alpha"], levels=(0.95,),
                            color=color, contour_kwargs={"linestyles": ls})
axes[2].set(xlabel=r"$\Phi_o$", ylabel=r"$\alpha$", title="Fig. 10: Group 3, 95%")
for ax, names in ((axes[0], ["IVb", "Vb", "VIb"]), (axes[2], ["VII", "VIII", "IX"])):
    handles = [plt.Line2D([], [], color=c, ls=ls) for c, ls in styles.values()]
    ax.legend(handles, [f"{n}: beta {b}" for n, b in zip(names, ("0", "0.5", "free"))], loc="upper right")
_ = plotting.save_figure(fig, "eadie16_fig8_fig10_joint", figures_dir)

# %% [markdown]
# **Fig. 12**: the Scenario XII posterior.

# %%
xii = fits["XII"].samples
fig = corner.corner(np.column_stack([xii["gamma"], xii["phi0"], xii["alpha"], xii["beta"]]),
                    labels=[r"$\gamma$", r"$\Phi_o$", r"$\alpha$", r"$\beta$"],
                    levels=(0.10, 0.30, 0.50, 0.75, 0.95), plot_datapoints=False, smooth=1.0)
fig.suptitle("Fig. 12: Scenario XII")
_ = plotting.save_figure(fig, "eadie16_fig12_corner_XII", figures_dir)

# %% [markdown]
# **Fig. 11**: the smoothed density of the analysed clusters; slopes 3.6 (outer) and 1.9
# (inner) as drawn in the paper, anchored at 15 and 2 kpc.

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.8))
dens = spherical_density(tracers["r"], grid)
ax.loglog(grid, dens, color="k", label="89 analysed clusters")
for slope, r_anchor, color in [(3.6, 15.0, "tab:red"), (1.9, 2.0, "tab:blue")]:
    k = np.argmin(np.abs(grid - r_anchor))
    ax.loglog(grid, dens[k] * (grid / grid[k]) ** -slope, "--", color=color, label=f"slope {slope}")
ax.plot(tracers["r"], np.full(tracers["r"].size, 2e-7), "|", color="k")
ax.set(xlabel="r [kpc]", ylabel="number density [kpc$^{-3}$]", ylim=(1e-7, 10), title="Fig. 11")
ax.legend()
_ = plotting.save_figure(fig, "eadie16_fig11_density", figures_dir)

# %% [markdown]
# ## 4. Two samplers, one posterior
#
# The hybrid-Gibbs sampler (the paper's) and the marginal sampler (ours) target the same
# posterior: they must agree. ESS per second counts the whole fit, burn-in included.

# %%
gibbs_fits = {"I": gibbs_I}
if not quick:
    gibbs_fits["XII"] = df.fit(tracers, df.SCENARIOS["XII"], seed=seed, sampler="gibbs",
                               alpha_prior=(shape, rate), likelihood=likelihood, vt_prior=vt_prior,
                               ess_min=ess_min, warn=False)
rows = []
for name, gibbs in gibbs_fits.items():
    marginal = fits[name]
    for param in marginal.scenario.free_parameters:
        a, b = marginal.samples[param], gibbs.samples[param]
        rows.append((name, param, f"{a.mean():.3f} ± {a.std():.3f}", f"{b.mean():.3f} ± {b.std():.3f}",
                     (b.mean() - a.mean()) / a.std()))
    for label, res in (("marginal", marginal), ("gibbs", gibbs)):
        print(f"Scenario {name} {label:8s}: min ESS {min(res.ess.values()):7.0f} in "
              f"{res.settings['elapsed_s']:5.1f} s -> {min(res.ess.values()) / res.settings['elapsed_s']:7.0f} ESS/s")
agreement = Table(rows=rows, names=("scenario", "parameter", "marginal", "hybrid Gibbs", "difference [sd]"))
agreement["difference [sd]"].info.format = "+.2f"
agreement

# %% [markdown]
# ## 5. Anisotropy from the complete clusters, and Watkins et al. (2010)
#
# Section 5.5 estimates $\beta$ directly from the 71 complete clusters; Section 5.1 applies
# the Watkins et al. (2010) estimator with 3D velocities (their Eq. 24) to them with
# $\alpha = 3.5$, $\gamma = 0.5$ and $r_\mathrm{out} = 38.5$ kpc.

# %%
complete = gc[gc["complete"]]
beta_direct = estimators.direct_anisotropy(complete["vr"], complete["vtheta"], complete["vphi"])
speed = np.hypot(complete["vr"], complete["vt"])
w10 = {beta: estimators.watkins2010_mass_3d(complete["r_kpc"], speed, tracer_slope=3.5, beta=beta, r_out_kpc=38.5)
       for beta in (0.0, 0.5)}
# NBVAL_CHECK_OUTPUT
print(f"beta from the complete clusters: {beta_direct:.3f} (published {PUB[('complete data', 'beta')]['value']})")
for beta, mass in w10.items():
    pub = PUB[(f"W10 beta={beta:g}", "M(<38.5)")]["value"]
    print(f"W10, beta = {beta}: M(<38.5 kpc) = {mass / E11:.2f}e11 (published {pub}e11, "
          f"ratio {mass / E11 / pub:.2f})")
pub_w10 = {beta: PUB[(f"W10 beta={beta:g}", "M(<38.5)")]["value"] for beta in (0.0, 0.5)}
w10_ratio = w10[0.0] / E11 / pub_w10[0.0]
print(f"ratio beta=0.5 / beta=0: ours {w10[0.5] / w10[0.0]:.3f}, published {pub_w10[0.5] / pub_w10[0.0]:.3f}")
for name in ("I", "II"):
    m = fits[name].mass(38.5) / E11
    pub = PUB[(name, "M(<38.5)")]
    print(f"Scenario {name}: M(<38.5) = {np.median(m):.2f} ({np.percentile(m, 25):.2f}, "
          f"{np.percentile(m, 75):.2f})e11, published {pub['value']} ({pub['low']}, {pub['high']})")

# %% [markdown]
# ## 6. Why our masses are higher: what we measured
#
# Our masses are above the published ones in every group (the comparison table) and our
# $\beta$ estimates lower. The Watkins et al. estimator — a formula, no sampler, no
# likelihood — shows an excess on the same 71 clusters too, so the gap lies in the **data as
# transformed**, not in the Bayesian machinery. We tested the plausible causes one at a time.
#
# **(a) The Watkins et al. estimator under other velocity conventions.** The ratio of
# the two published values (2.01/1.79) equals the formula's $\beta$ dependence exactly, so
# the formula is the one the paper used; the question is the speeds.

# %%
sun = coords.EADIE16_SUN


def w10_with(ra, dec, distance, pmra, pmdec, vlos, frame_velocity=None):
    position, velocity = coords.galactocentric_phase_space(ra, dec, distance, pmra, pmdec, vlos, sun)
    if frame_velocity is not None:  # replace the Sun's Galactocentric velocity
        velocity = velocity - sun.velocity_kms + frame_velocity
    return estimators.watkins2010_mass_3d(complete["r_kpc"], np.linalg.norm(velocity, axis=1), 3.5, 0.0,
                                   r_out_kpc=38.5) / E11


args = [np.asarray(complete[k], float) for k in ("ra", "dec", "distance_kpc", "pmra", "pmdec", "vlos")]
ra, dec, distance, pmra, pmdec, vlos = args
variants = {
    "as computed (Galactic rest frame)": w10_with(*args),
    "heliocentric velocities (no solar motion)": w10_with(*args, frame_velocity=np.zeros(3)),
    "LSR only (no peculiar solar motion)": w10_with(*args, frame_velocity=np.array([0.0, 220.0, 0.0])),
    "peculiar motion only (no LSR rotation)": w10_with(*args, frame_velocity=np.array([11.1, 12.24, 7.25])),
    "pmra read as mu_alpha (times cos dec)": w10_with(ra, dec, distance, pmra * np.cos(np.deg2rad(dec)), pmdec, vlos),
    "galpy (Baumgardt) distances": w10_with(ra, dec, np.asarray(complete["distance_galpy_kpc"], float),
                                            pmra, pmdec, vlos),
    "proper motions x 0.5 (what a pm-only fix would take)": w10_with(ra, dec, distance, pmra / 2, pmdec / 2, vlos),
}
coefficient = (3.5 + 0.5) / 3
variants["as computed, without the (alpha+gamma)/3 coefficient"] = variants["as computed (Galactic rest frame)"] / coefficient
w10_table = Table(rows=[(k, v, v / pub_w10[0.0]) for k, v in variants.items()],
                  names=("velocities", "M(<38.5) [1e11 Msun]", "ratio to published"))
w10_table["M(<38.5) [1e11 Msun]"].info.format = ".2f"
w10_table["ratio to published"].info.format = ".2f"
# NBVAL_CHECK_OUTPUT
w10_table.pprint(max_width=-1)

# %% [markdown]
# **(b) The Bayesian fit under other choices.** Scenario I (one free parameter), IVb
# ($\gamma$ free) and XII (all free), refitted with one choice changed at a time. The last
# alternative is a diagnostic, not a correction: it asks whether one common velocity scale
# (the one the Watkins et al. check implies) accounts for the published numbers.

# %%
helio = dict(tracers)
los = np.isnan(tracers["vt"])
included = gc[gc["included"]]
helio["vr"] = np.where(los, np.asarray(included["vlos"], float), tracers["vr"])
complete_only = {k: v[~los] for k, v in tracers.items()}
alternatives = {
    "baseline": (tracers, {}),
    "line-of-sight v_r heliocentric (raw v_los)": (helio, {}),
    "v_t prior flat, p(v_t) ∝ v_t" if vt_prior == "escape" else "v_t prior normalized on [0, v_esc]":
        (tracers, {"vt_prior": "flat" if vt_prior == "escape" else "escape"}),
    f"diagnostic: all velocities / sqrt({w10_ratio:.2f}), the W10 ratio": (
        {k: (v / np.sqrt(w10_ratio) if k in ("vr", "vt") else v) for k, v in tracers.items()}, {}),
    "likelihood normalized over the radial range": (tracers, {"likelihood": "normalized"}),
    "complete clusters only (71)": (complete_only, {}),
}
rows = []
for name in ("I", "IVb", "XII"):
    for label, (data, options) in alternatives.items():
        kwargs = {"likelihood": likelihood, "vt_prior": vt_prior, **options}
        res = df.fit(data, df.SCENARIOS[name], seed=seed, alpha_prior=(shape, rate), ess_min=ess_min,
                     warn=False, **kwargs)
        m = res.mass(125.0) / E11
        rows.append((name, label, np.median(m), np.percentile(m, 25), np.percentile(m, 75),
                     np.mean(res.samples["phi0"]), np.mean(res.samples["gamma"]), np.mean(res.samples["beta"])))
    if name == "XII":
        wide = df.Scenario(gamma=df.GAMMA_PRIOR_WIDE, alpha="prior", beta=df.BETA_PRIOR, name="XII wide")
        res = df.fit(tracers, wide, seed=seed, alpha_prior=(shape, rate), ess_min=ess_min, warn=False,
                     likelihood=likelihood, vt_prior=vt_prior)
        m = res.mass(125.0) / E11
        rows.append((name, "gamma prior [0, 1] (Table 2 as printed)", np.median(m), np.percentile(m, 25),
                     np.percentile(m, 75), np.mean(res.samples["phi0"]), np.mean(res.samples["gamma"]),
                     np.mean(res.samples["beta"])))
sensitivity = Table(rows=rows, names=("scenario", "change", "M125 median", "q25", "q75", "phi0 mean",
                                      "gamma mean", "beta mean"))
for col in ("M125 median", "q25", "q75", "phi0 mean", "gamma mean", "beta mean"):
    sensitivity[col].info.format = ".2f"
# NBVAL_CHECK_OUTPUT
sensitivity.pprint(max_lines=-1, max_width=-1)

# %% [markdown]
# **(c) The two likelihoods on mocks with known truth.** With $\alpha$ free, the paper's
# likelihood (the DF at the data, tracer density not normalized over the sample's radial
# range) rewards small $\alpha$: $r^{-\alpha}$ is larger at $r > 1$ kpc for smaller $\alpha$.
# We draw mocks like the real sample (89 tracers from the exact DF sampler, 0.5–125 kpc,
# the 18 outermost without $v_t$) with $\alpha = 3.5$ and fit Scenario IX with both
# likelihoods, once with the real sample's Gamma prior and once with a flat prior on
# $\alpha \in [3.0, 4.5]$.

# %%
truth = {"phi0": 40.0, "gamma": 0.5, "alpha": 3.5, "beta": 0.3}
n_mocks = 2 if quick else 4
rows = []
for k in range(n_mocks):
    rng = np.random.default_rng([seed, k])
    mock = df_mocks.sample_power_law_df(89, truth["phi0"], truth["gamma"], truth["alpha"], truth["beta"],
                                     0.5, 125.0, rng)
    mock = df_mocks.hide_tangential_velocity(mock, count=18, selection="outermost")
    true_m125 = df.mass_enclosed(125.0, truth["phi0"], truth["gamma"]) / E11
    for prior_label, scenario, prior in [
        ("Gamma prior (real)", df.SCENARIOS["IX"], (shape, rate)),
        ("flat alpha in [3, 4.5]", df.Scenario(gamma=0.5, alpha=(3.0, 4.5), beta=df.BETA_PRIOR, name="IX flat"), None),
    ]:
        for like in ("paper", "normalized"):
            res = df.fit(mock, scenario, seed=seed, alpha_prior=prior, likelihood=like, vt_prior=vt_prior,
                         ess_min=ess_min, warn=False)
            a, m = res.samples["alpha"], res.mass(125.0) / E11
            rows.append((k, prior_label, like, a.mean(), (a.mean() - truth["alpha"]) / a.std(),
                         np.median(m) / true_m125 - 1))
mock_table = Table(rows=rows, names=("mock", "alpha prior", "likelihood", "alpha mean", "alpha bias [sd]",
                                     "M125 bias"))
for col, fmt in (("alpha mean", ".2f"), ("alpha bias [sd]", "+.1f"), ("M125 bias", "+.1%")):
    mock_table[col].info.format = fmt
grouped = mock_table.group_by(["alpha prior", "likelihood"]).groups.aggregate(np.mean)
grouped.remove_column("mock")
# NBVAL_CHECK_OUTPUT
grouped.pprint(max_width=-1)

# %% [markdown]
# ### What we found
#
# The key numbers, collected from the cells above:

# %%
def row_of(scenario, change):
    match = (sensitivity["scenario"] == scenario) & (sensitivity["change"] == change)
    return sensitivity[match][0]


diag = f"diagnostic: all velocities / sqrt({w10_ratio:.2f}), the W10 ratio"
esc = [c for c in sensitivity["change"] if c.startswith("v_t prior")][0]
beyond5 = complete["r_kpc"] > 5
# NBVAL_CHECK_OUTPUT
print(f"W10 on the {len(complete)} complete clusters: ours / published = {w10_ratio:.2f}")
for name in ("I", "XII"):
    pub = PUB[(name, "M125")]
    print(f"Scenario {name}: M125 {row_of(name, 'baseline')['M125 median']:.2f}e11, with velocities / sqrt({w10_ratio:.2f}) "
          f"{row_of(name, diag)['M125 median']:.2f}e11; published {pub['value']} ({pub['low']}, {pub['high']})")
pub = PUB[("IVb", "M125")]
print(f"Scenario IVb: M125 {row_of('IVb', 'baseline')['M125 median']:.2f}e11, scaled {row_of('IVb', diag)['M125 median']:.2f}e11 "
      f"(published 50%: {pub['low']}-{pub['high']}); Phi_o {row_of('IVb', 'baseline')['phi0 mean']:.1f}, scaled "
      f"{row_of('IVb', diag)['phi0 mean']:.1f} (published {PUB[('IVb', 'phi0')]['value']}); gamma "
      f"{row_of('IVb', 'baseline')['gamma mean']:.3f} (published {PUB[('IVb', 'gamma')]['value']})")
print(f"{esc}: M125 of I {row_of('I', esc)['M125 median']:.2f}e11, of XII {row_of('XII', esc)['M125 median']:.2f}e11; "
      f"gamma of IVb {row_of('IVb', esc)['gamma mean']:.3f}")
print(f"beta: XII {fits['XII'].samples['beta'].mean():.2f} (published {PUB[('XII', 'beta')]['value']}); "
      f"direct {beta_direct:.3f} (published {PUB[('complete data', 'beta')]['value']}); direct beyond 5 kpc "
      f"{estimators.direct_anisotropy(*(complete[k][beyond5] for k in ('vr', 'vtheta', 'vphi'))):.2f} "
      f"({beyond5.sum()} clusters)")
width_ours = np.diff(np.percentile(fits["I"].mass(125.0) / E11, [25, 75]))[0]
print(f"Scenario I 50% interval width: ours {width_ours:.2f}e11, published "
      f"{PUB[('I', 'M125')]['high'] - PUB[('I', 'M125')]['low']:.2f}e11")

# %% [markdown]
# * **The sample and the prior are the paper's** (notebook 01 reproduces every count; the
#   prior's mode is the published one), and the two samplers agree.
# * **The Watkins et al. (2010) formula gives more than the published mass on the same
#   clusters.** It involves no sampler and no likelihood, only speeds and radii, and its
#   $\beta$ dependence matches the published pair exactly, so the published value implies
#   smaller mean squared speeds than ours. No velocity convention we tried gives them:
#   heliocentric or peculiar-only frames make the speeds larger; the $\cos\delta$ convention
#   and galpy's modern distances change the mass by a few per cent. (Dropping the coefficient
#   $(\alpha+\gamma-2\beta)/(3-2\beta)$ lands close to the published value too, but would break
#   the published $\beta$ dependence, so we treat it as a coincidence.)
# * **One common velocity scale accounts for the Bayesian gap.** Our masses are higher
#   than published in every group, while $\gamma$ agrees where the paper gives it. Dividing
#   all velocities by the square root of the Watkins et al. ratio — a diagnostic, not a
#   correction — brings Scenarios I, IVb and XII to the published values. The paper's
#   transformed velocities are not tabulated, so we cannot say where the difference arises.
# * **$\beta$ stays lower than published**, and a common velocity scale does not change
#   $\beta$: relative to the radial velocities, the paper's tangential velocities must have
#   been smaller than ours. Our direct estimate rises when the inner clusters are dropped.
# * **The other choices move the mass less than the gap.** The frame of the line-of-sight
#   velocities changes M125 by a few per cent. Normalizing the $v_t$ prior on
#   $[0, v_\mathrm{esc}]$ lowers the mass but pushes $\gamma$ above the published values and is
#   biased on mocks, so the baseline keeps the flat prior. With the wide prior on $\gamma$,
#   XII runs to small $\gamma$ and about twice the mass, as Scenario IV does in the paper —
#   supporting the narrow prior for Group 4.
# * **Our credible intervals are narrower** than the published ones for Group 1, where one
#   parameter is fitted to 89 tracers; we do not know what widened the paper's.
# * **With $\alpha$ free, the paper's likelihood pulls $\alpha$ low** (the mock table). The
#   $\alpha \approx 3.2$ of Group 3, ours and the paper's, is at least partly this effect; the
#   normalized likelihood recovers the truth.

# %% [markdown]
# The numbers this notebook reproduces go to `results/reproduced.json` for the scorecard of
# notebook 07 (the same statistic the paper quotes: mean or median).

# %%
def statistic(draws, pub):
    return float(np.mean(draws) if "mean" in pub["where"] else np.median(draws))


reproduced = {(label, q): statistic(our_estimate(fits[label], q), pub)
              for (label, q), pub in PUB.items() if label in fits}
reproduced.update({("IX r>6.64", q): statistic(our_estimate(ix_outer, q), PUB[("IX r>6.64", q)])
                   for q in ("M125", "alpha", "beta")})
reproduced.update({("W10 beta=0", "M(<38.5)"): w10[0.0] / E11, ("W10 beta=0.5", "M(<38.5)"): w10[0.5] / E11,
                   ("complete data", "beta"): beta_direct, ("alpha prior", "mode"): alpha_mode,
                   ("diagnostic", "w10_ratio"): w10_ratio, ("diagnostic", "beta_direct"): beta_direct,
                   ("diagnostic", "I_M125_scaled"): float(row_of("I", diag)["M125 median"])})
scorecard.record(results_dir, "EH16", reproduced)
# NBVAL_CHECK_OUTPUT
print(f"recorded {len(reproduced)} reproduced numbers")
