"""Figures of the Eadie & Harris (2016) part, one function per figure (named after the paper's figure where
it reproduces one). Each returns the matplotlib Figure; notebooks save it with ``run.save_figure``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from astropy.table import Table

from mwlib.core import coords, plotting

__all__ = ["sample_groups", "gc_sample_positions", "gc_radial_distribution", "gc_velocities"]


def sample_groups(gc: Table) -> list[tuple[np.ndarray, str, str, str]]:
    """(mask, label, colour, marker) of the complete, line-of-sight-only and excluded clusters."""
    included, complete = np.asarray(gc["included"]), np.asarray(gc["complete"])
    return [(complete, f"complete ({complete.sum()})", plotting.COLORS["complete"], "o"),
            (included & ~complete, f"line-of-sight only ({(included & ~complete).sum()})", plotting.COLORS["los_only"],
             "s"),
            (~included, f"excluded ({(~included).sum()})", plotting.COLORS["excluded"], "x")]


def gc_sample_positions(gc: Table, sun: coords.SolarParameters, zoom_kpc: float = 45.0) -> plt.Figure:
    """Galactocentric x-z and x-y positions of the Table 1 clusters by sample membership."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    xyz = np.stack([gc["x_kpc"], gc["y_kpc"], gc["z_kpc"]], axis=1)
    for mask, label, color, marker in sample_groups(gc):
        for ax, (i, j) in zip(axes, [(0, 2), (0, 1)]):
            ax.scatter(xyz[mask, i], xyz[mask, j], s=14, color=color, marker=marker, label=label)
    for ax, (i, j), ylabel in zip(axes, [(0, 2), (0, 1)], ["z [kpc]", "y [kpc]"]):
        ax.plot(sun.position_kpc[i], sun.position_kpc[j], "*", color="gold", ms=12, mec="k")
        ax.set(xlabel="x [kpc]", ylabel=ylabel, xlim=(-zoom_kpc, zoom_kpc), ylim=(-zoom_kpc, zoom_kpc), aspect="equal")
    axes[0].legend(loc="lower left")
    fig.suptitle(f"Table 1 globular clusters, Galactocentric positions (zoom: |x|, |y|, |z| < {zoom_kpc:g} kpc)")
    return fig


def gc_radial_distribution(gc: Table, counts_beyond: Mapping[float, int]) -> plt.Figure:
    """Histogram of r by sample membership, and the number of included clusters beyond r with the r_cut
    values of Section 5.6 marked by their counts."""
    groups = sample_groups(gc)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    bins = np.logspace(np.log10(0.4), np.log10(130), 25)
    axes[0].hist([np.asarray(gc["r_kpc"])[m] for m, *_ in groups], bins=bins, stacked=True,
                 color=[g[2] for g in groups], label=[g[1] for g in groups])
    axes[0].set(xscale="log", xlabel="r [kpc]", ylabel="clusters")
    axes[0].legend()
    r_sorted = np.sort(np.asarray(gc["r_kpc"])[np.asarray(gc["included"])])
    axes[1].step(r_sorted, np.arange(1, r_sorted.size + 1)[::-1], where="post", color="k", label="included: N(> r)")
    for r_cut, n in counts_beyond.items():
        axes[1].axvline(r_cut, color="0.7", lw=0.8)
        axes[1].annotate(f"{n}", (r_cut, n), textcoords="offset points", xytext=(3, 3), fontsize=8)
    axes[1].set(xscale="log", xlabel="r [kpc]", ylabel="included clusters beyond r")
    axes[1].legend()
    return fig


def gc_velocities(gc: Table) -> plt.Figure:
    """v_r (complete and line-of-sight-only clusters) and v_t (complete) against r, with their errors."""
    complete = np.asarray(gc["complete"])
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharex=True)
    for mask, label, color, marker in sample_groups(gc)[:2]:
        axes[0].errorbar(gc["r_kpc"][mask], gc["vr"][mask], yerr=gc["vr_err"][mask], fmt=marker, ms=4, color=color,
                         label=label)
    axes[1].errorbar(gc["r_kpc"][complete], gc["vt"][complete], yerr=gc["vt_err"][complete], fmt="o", ms=4,
                     color=plotting.COLORS["complete"], label="complete")
    axes[0].axhline(0, color="0.7", lw=0.8)
    axes[0].set(xscale="log", xlabel="r [kpc]", ylabel="$v_r$ [km/s]")
    axes[1].set(xscale="log", xlabel="r [kpc]", ylabel="$v_t$ [km/s]")
    axes[0].legend()
    return fig


# -- notebook 05 --------------------------------------------------------------------------------------------------
def fig2_fig3_alpha_prior(alpha_prior: tuple[float, float], excluded_r_kpc: np.ndarray,
                          anchor_kpc: float = 5.0) -> plt.Figure:
    """Figs. 2-3: the Gamma prior on alpha, and the smoothed spherical density of the excluded clusters with a
    power law of the prior's mode."""
    from scipy import stats

    from mwlib.eh16.estimators import kernel_number_density

    shape, rate = alpha_prior
    mode = 3 + (shape - 1) / rate
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    alpha_grid = np.linspace(3.0, 4.0, 400)
    axes[0].plot(alpha_grid, stats.gamma.pdf(alpha_grid - 3, a=shape, scale=1 / rate), color="k")
    axes[0].axvline(mode, color="0.6", ls="--", label=f"mode {mode:.2f}")
    axes[0].set(xlabel=r"$\alpha$", ylabel="prior density", title="Fig. 2: prior on alpha")
    axes[0].legend()
    grid = np.logspace(np.log10(0.5), np.log10(130), 200)
    density = kernel_number_density(excluded_r_kpc, grid)
    axes[1].loglog(grid, density, color="k", label="excluded clusters (kernel 1 kpc)")
    k = np.argmin(np.abs(grid - anchor_kpc))
    axes[1].loglog(grid, density[k] * (grid / grid[k]) ** -mode, "--", color="tab:blue", label=rf"$r^{{-{mode:.1f}}}$")
    axes[1].set(xlabel="r [kpc]", ylabel="number density [kpc$^{-3}$]", ylim=(1e-7, 10),
                title="Fig. 3: density of the excluded clusters")
    axes[1].legend()
    return fig


def fig1_trace(result, n_show: int = 3000) -> plt.Figure:
    """Fig. 1: the Phi_o trace of the chains of a hybrid-Gibbs fit (the paper's sampler) after burn-in."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for chain in result.chains["phi0"]:
        ax.plot(chain[:n_show], lw=0.5)
    ax.set(xlabel="iteration after burn-in", ylabel=r"$\Phi_o$ [$10^4$ km$^2$ s$^{-2}$]",
           title=f"Fig. 1: Scenario {result.scenario.name}, {len(result.chains['phi0'])} hybrid-Gibbs chains")
    return fig


def fig4_m125(m125_draws: Mapping[str, np.ndarray], published_results: Mapping, title: str = "Fig. 4") -> plt.Figure:
    """Fig. 4: M(<125 kpc) [1e11 Msun] of every scenario, 50% (dark) and 95% (light) intervals, with the published
    50% intervals and values where the text gives them."""
    names = list(m125_draws)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    for i, name in enumerate(names):
        q = np.percentile(m125_draws[name], [2.5, 25, 50, 75, 97.5])
        ax.plot([i, i], [q[0], q[4]], color="tab:blue", alpha=0.35, lw=4)
        ax.plot([i, i], [q[1], q[3]], color="tab:blue", lw=4, label="this work" if i == 0 else None)
        ax.plot(i, q[2], "o", color="white", mec="tab:blue", ms=4)
        pub = published_results.get((name, "M125"))
        if pub:
            ax.plot([i + 0.25, i + 0.25], [pub["low"], pub["high"]], color="k", lw=2,
                    label="published 50%" if name == names[0] else None)
            if pub["value"]:
                ax.plot(i + 0.25, pub["value"], "s", color="k", ms=3)
    ax.set_xticks(range(len(names)), names)
    ax.set(ylabel=r"$M(<125\,\mathrm{kpc})$ [$10^{11} M_\odot$]", title=title)
    ax.legend(loc="upper right")
    return fig


def fig5_fig9_mass_profiles(profiles: Mapping[str, np.ndarray], r_grid_kpc: np.ndarray,
                        data_range_kpc: tuple[float, float]) -> plt.Figure:
    """Figs. 5 and 9: credible regions (95, 75, 50%) of M(<r) [1e11 Msun] draws ``{scenario: (n_draws, n_r)}``,
    one panel per scenario; dotted lines mark the radial extent of the clusters."""
    names = list(profiles)
    fig, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.4), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        plotting.credible_band(ax, r_grid_kpc, profiles[name], label="")
        for edge in data_range_kpc:
            ax.axvline(edge, color="0.5", ls=":", lw=0.8)
        ax.set(xscale="log", yscale="log", xlabel="r [kpc]", title=f"Scenario {name}")
    axes[0, 0].set_ylabel(r"$M(<r)$ [$10^{11} M_\odot$]")
    axes[0, 0].legend(title="credible region", loc="upper left")
    return fig


def fig13_profile(ax, r_grid_kpc: np.ndarray, percentiles: np.ndarray, title: str) -> None:
    """The 95, 75 and 50% credible regions of a mass profile from its tabulated percentiles
    (2.5, 12.5, 25, 50, 75, 87.5, 97.5; rows of ``percentiles``) [1e11 Msun]."""
    for (lo, hi), alpha in zip(((0, 6), (1, 5), (2, 4)), (0.2, 0.35, 0.55)):
        ax.fill_between(r_grid_kpc, percentiles[lo], percentiles[hi], color="0.3", alpha=alpha, lw=0)
    ax.plot(r_grid_kpc, percentiles[3], color="k", lw=1)
    ax.set(xscale="log", yscale="log", xlabel="r [kpc]", ylabel=r"$M(<r)$ [$10^{11} M_\odot$] (95, 75, 50%)",
           title=title)


def draw_literature(ax, literature: Table) -> None:
    """Enclosed-mass estimates of other studies (``data/literature`` rows with r_kpc, value_1e11msun, minus/plus,
    interval, reference): points with error bars, ranges as bars without a point."""
    for k, row in enumerate(literature):
        color = plt.cm.tab20(k % 20)
        minus = 0.0 if np.ma.is_masked(row["minus_1e11msun"]) else float(row["minus_1e11msun"])
        plus = 0.0 if np.ma.is_masked(row["plus_1e11msun"]) else float(row["plus_1e11msun"])
        value = float(row["value_1e11msun"])
        if row["interval"] == "range":
            ax.plot([row["r_kpc"]] * 2, [value - minus, value + plus], color=color, lw=3, label=row["reference"])
        else:
            ax.errorbar(row["r_kpc"], value, yerr=[[minus], [plus]], fmt="o", color=color, ms=4, label=row["reference"])


def fig6_fig7_fig8_joint(panels: Sequence[tuple[str, Mapping[str, np.ndarray], tuple[str, str], Sequence[str]]]) -> plt.Figure:
    """Joint credible contours, one panel per ``(title, samples by scenario, (x, y) parameters, scenarios)``: one
    scenario gets the 10-95% contours, several get their 95% contours in the paper's styles (beta = 0 dotted red,
    0.5 dashed green, free solid blue)."""
    labels = {"phi0": r"$\Phi_o$", "gamma": r"$\gamma$", "alpha": r"$\alpha$", "beta": r"$\beta$"}
    styles = (("tab:red", ":"), ("tab:green", "--"), ("tab:blue", "-"))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, (title, samples, (x, y), names) in zip(axes[0], panels):
        if len(names) == 1:
            plotting.joint_contours(ax, samples[names[0]][x], samples[names[0]][y])
        else:
            for name, (color, ls) in zip(names, styles):
                plotting.joint_contours(ax, samples[name][x], samples[name][y], levels=(0.95,), color=color,
                                        contour_kwargs={"linestyles": ls})
            handles = [plt.Line2D([], [], color=c, ls=ls) for c, ls in styles[:len(names)]]
            ax.legend(handles, names, loc="upper right")
        ax.set(xlabel=labels[x], ylabel=labels[y], title=title)
    return fig


def fig11_density(r_kpc: np.ndarray, slopes: Sequence[tuple[float, float, str]],
                  r_all_kpc: np.ndarray | None = None) -> plt.Figure:
    """Fig. 11: smoothed spherical density of the analysed clusters with power laws ``(slope, anchor radius,
    colour)``; along the bottom the radii of the whole Table 1 population (``r_all_kpc``, top row) and of the
    analysed subsample (bottom row), as in the paper."""
    from mwlib.eh16.estimators import kernel_number_density

    grid = np.logspace(np.log10(0.5), np.log10(130), 200)
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    dens = kernel_number_density(r_kpc, grid)
    ax.loglog(grid, dens, color="k", label=f"{np.size(r_kpc)} analysed clusters")
    for slope, r_anchor, color in slopes:
        k = np.argmin(np.abs(grid - r_anchor))
        ax.loglog(grid, dens[k] * (grid / grid[k]) ** -slope, "--", color=color, label=f"slope {slope}")
    if r_all_kpc is not None:
        ax.plot(r_all_kpc, np.full(np.size(r_all_kpc), 5e-7), "|", color="0.5", label=f"all {np.size(r_all_kpc)} clusters")
    ax.plot(r_kpc, np.full(np.size(r_kpc), 2e-7), "|", color="k")
    ax.set(xlabel="r [kpc]", ylabel="number density [kpc$^{-3}$]", ylim=(1e-7, 10), xlim=(0.4, 150), title="Fig. 11")
    ax.legend(fontsize=8)
    return fig


def fig10_joint(samples: Mapping[str, Mapping[str, np.ndarray]], group3: Sequence[str] = ("VII", "VIII", "IX"),
                right: str = "VIb") -> plt.Figure:
    """Fig. 10. Left: the 95% joint regions of (Phi_o, alpha) for Group 3 in the paper's styles. Right: the
    posterior of (Phi_o, gamma) in Scenario VIb, its draws and its 95% region."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    styles = (("tab:red", ":"), ("tab:green", "--"), ("tab:blue", "-"))
    for name, (color, ls) in zip(group3, styles):
        plotting.joint_contours(axes[0], samples[name]["phi0"], samples[name]["alpha"], levels=(0.95,), color=color,
                                contour_kwargs={"linestyles": ls})
    axes[0].legend([plt.Line2D([], [], color=c, ls=ls) for c, ls in styles],
                   [f"{n}: beta {b}" for n, b in zip(group3, ("0", "0.5", "free"))], loc="upper right")
    axes[0].set(xlabel=r"$\Phi_o$", ylabel=r"$\alpha$", title="Fig. 10 (left): Group 3, 95%")
    x, y = samples[right]["phi0"], samples[right]["gamma"]
    step = max(1, x.size // 4000)
    axes[1].plot(x[::step], y[::step], ".", color="0.6", ms=1.5, alpha=0.4, rasterized=True, label="posterior draws")
    plotting.joint_contours(axes[1], x, y, levels=(0.95,), color="tab:blue")
    axes[1].legend([plt.Line2D([], [], color="0.6", marker=".", ls=""), plt.Line2D([], [], color="tab:blue")],
                   ["posterior draws", "95% region"], loc="upper right")
    axes[1].set(xlabel=r"$\Phi_o$", ylabel=r"$\gamma$", title=f"Fig. 10 (right): Scenario {right}")
    return fig


def fig13_panel(r_grid_kpc: np.ndarray, percentiles: np.ndarray, published_results: Mapping, label: str,
                literature: Table | None, title: str) -> plt.Figure:
    """One panel of Fig. 13: the credible regions of M(<r) of a fit from its tabulated percentiles, the published
    enclosed masses of the same fit ``label`` (95% intervals) and its published virial mass at the published
    virial radius (50% intervals), labelled as published, and the literature values if given
    (``data/literature/eadie16_section6.csv`` rows with a radius)."""
    fig, ax = plt.subplots(figsize=(6.5, 4.4))
    fig13_profile(ax, r_grid_kpc, percentiles, title)
    first = True
    for (lab, quantity), pub in published_results.items():
        if lab == label and quantity.startswith("M(<") and pub["value"]:
            r = float(quantity[3:-1])
            ax.errorbar(r, pub["value"], yerr=[[pub["value"] - pub["low"]], [pub["high"] - pub["value"]]], fmt="s",
                        color="k", mfc="white", ms=5, capsize=2, label="EH16 published M(<r) (95%)" if first else None,
                        zorder=5)
            first = False
    mvir, rvir = published_results.get((label, "Mvir")), published_results.get((label, "rvir_kpc"))
    if mvir and rvir:
        ax.errorbar(rvir["value"], mvir["value"], xerr=[[rvir["value"] - rvir["low"]], [rvir["high"] - rvir["value"]]],
                    yerr=[[mvir["value"] - mvir["low"]], [mvir["high"] - mvir["value"]]], fmt="D", color="k", ms=5,
                    capsize=2, label="EH16 published Mvir at rvir (50%)", zorder=5)
    if literature is not None:
        draw_literature(ax, literature)
    ax.legend(fontsize=6, loc="upper left", ncol=2)
    return fig


def fig12_corner(samples: Mapping[str, np.ndarray], title: str = "Fig. 12: Scenario XII") -> plt.Figure:
    """Fig. 12: the four-parameter posterior (contours 10, 30, 50, 75, 95%)."""
    import corner

    fig = corner.corner(np.column_stack([samples["gamma"], samples["phi0"], samples["alpha"], samples["beta"]]),
                        labels=[r"$\gamma$", r"$\Phi_o$", r"$\alpha$", r"$\beta$"],
                        levels=(0.10, 0.30, 0.50, 0.75, 0.95), plot_datapoints=False, smooth=1.0)
    fig.suptitle(title)
    return fig


# -- notebook 05b -------------------------------------------------------------------------------------------------
def forensics_figure(detail: Table, hypotheses: Sequence[str]) -> plt.Figure:
    """Published against reproduced for the held-out numbers, one row per hypothesis: the deviation
    (reproduced / published - 1) of each number, filled where it lies inside the published interval by the rules of
    :mod:`mwlib.eh16.forensic_scoring`, open where not. Numbers in the order of ``detail``."""
    first = detail[detail["hypothesis"] == hypotheses[0]]
    keys = [f"{lab} {q}" for lab, q in zip(first["label"], first["quantity"])]
    fig, axes = plt.subplots(len(hypotheses), 1, figsize=(11, 1.5 * len(hypotheses) + 1.6), sharex=True, squeeze=False)
    for ax, name in zip(axes[:, 0], hypotheses):
        rows = detail[detail["hypothesis"] == name]
        index = {f"{lab} {q}": i for i, (lab, q) in enumerate(zip(rows["label"], rows["quantity"]))}
        x = np.array([index[k] for k in keys if k in index])
        dev = np.clip(100 * (np.asarray(rows["reproduced"]) / np.asarray(rows["published"]) - 1)[x], -105, 105)
        inside = np.asarray(rows["inside"], bool)[x]
        ax.axhline(0, color="0.6", lw=0.8)
        ax.plot(np.flatnonzero([k in index for k in keys])[inside], dev[inside], "o", color="tab:green", ms=4,
                label="inside the published interval")
        ax.plot(np.flatnonzero([k in index for k in keys])[~inside], dev[~inside], "o", mfc="white", color="tab:red",
                ms=4, label="outside")
        ax.set_ylim(-110, 110)
        ax.text(0.005, 0.85, f"{name}: {inside.sum()} of {inside.size} inside", transform=ax.transAxes, fontsize=8)
        ax.set_ylabel("dev. [%]")
    axes[0, 0].legend(loc="upper right", fontsize=7, ncol=2)
    axes[-1, 0].set_xticks(range(len(keys)), keys, rotation=90, fontsize=6)
    fig.suptitle("EH16 forensics: held-out published numbers, reproduced / published - 1 (clipped at ±110%)")
    return fig


# -- notebook 06 --------------------------------------------------------------------------------------------------
#: Fig. 14's panels: the groups of Table 3 (and the "b" scenarios of Section 5.2).
FIG14_GROUPS: dict[str, tuple[str, ...]] = {"Group 1": ("I", "II", "III"), "Group 2": ("IV", "V", "VI"),
                                            "Group 2b": ("IVb", "Vb", "VIb"), "Group 3": ("VII", "VIII", "IX"),
                                            "Group 4": ("X", "XI", "XII")}


def fig14_rcut(m125: Mapping[tuple[str, float], Mapping[str, float]], r_cuts: Sequence[float]) -> plt.Figure:
    """Fig. 14: M(<125 kpc) [1e11 Msun] against r_cut per group, medians with 50% (dark) and 95% (light)
    intervals; ``m125[(scenario, r_cut)]`` holds the quantiles (``q2.5, q25, median, q75, q97.5`` [Msun])."""
    colors = ("tab:red", "tab:green", "tab:blue")
    fig, axes = plt.subplots(1, len(FIG14_GROUPS), figsize=(14, 3.6), sharey=True)
    for ax, (group, names) in zip(axes, FIG14_GROUPS.items()):
        for k, (name, color) in enumerate(zip(names, colors)):
            x = np.arange(len(r_cuts)) + (k - 1) * 0.22
            q = [m125[(name, c)] for c in r_cuts]
            ax.vlines(x, [v["q2.5"] / 1e11 for v in q], [v["q97.5"] / 1e11 for v in q], color=color, alpha=0.3, lw=3)
            ax.vlines(x, [v["q25"] / 1e11 for v in q], [v["q75"] / 1e11 for v in q], color=color, lw=3, label=name)
            ax.plot(x, [v["median"] / 1e11 for v in q], "o", color="white", mec=color, ms=3)
        ax.set_xticks(range(len(r_cuts)), ["all" if c == 0 else f"{c:g}" for c in r_cuts])
        ax.set(xlabel=r"$r_\mathrm{cut}$ [kpc]", title=group, yscale="log")
        ax.legend(fontsize=7)
    axes[0].set_ylabel(r"$M(<125\,\mathrm{kpc})$ [$10^{11} M_\odot$]")
    fig.suptitle("Fig. 14 (after Eadie & Harris 2016): clusters beyond r_cut")
    return fig


def vt_comparison(vt_old_kms: np.ndarray, vt_new_kms: np.ndarray) -> plt.Figure:
    """Tangential velocities of the same complete clusters from Table 1's proper motions and from Gaia EDR3."""
    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    ax.scatter(vt_old_kms, vt_new_kms, s=12)
    lim = [0, max(np.max(vt_old_kms), np.max(vt_new_kms)) * 1.05]
    ax.plot(lim, lim, color="0.6", lw=0.8)
    ax.set(xlabel=r"$v_t$, Table 1 proper motions [km/s]", ylabel=r"$v_t$, Gaia EDR3 (galpy) [km/s]", xlim=lim,
           ylim=lim, title="complete clusters")
    return fig


def coverage_figure(table: Table, quantity: str = "M125", order: Sequence[str] = ()) -> plt.Figure:
    """Coverage of the 50% and 95% intervals of ``quantity`` per scenario (baseline rows of ``coverage_df.csv``)
    with binomial errors, and the nominal rates."""
    rows = table[(table["quantity"] == quantity) & (table["variant"] == "baseline")]
    names = [n for n in order if n in set(rows["scenario"])] or list(rows["scenario"])
    by = {str(r["scenario"]): r for r in rows}
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for col, nominal, color in (("cover50", 0.5, "tab:blue"), ("cover95", 0.95, "tab:red")):
        ax.errorbar(x, [by[n][col] for n in names], [by[n][f"{col}_err"] for n in names], fmt="o", color=color,
                    label=f"{col[5:]}% interval")
        ax.axhline(nominal, color=color, ls=":", lw=1)
    ax.set_xticks(x, names)
    ax.set(ylim=(0, 1.02), ylabel=f"fraction of mocks with the true {quantity} inside",
           title=f"Coverage, {int(rows['n_mocks'][0])} mocks per scenario")
    ax.legend(loc="lower left")
    return fig
