"""Figures of the Bird et al. (2022) part, one function per figure (named after the paper's figure it
reproduces), and the drawing pieces they share. Each figure function returns the matplotlib Figure;
notebooks save it with ``run.save_figure``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from astropy.table import Table
from scipy import stats

from mwlib.bird22 import nfw
from mwlib.bird22.density import BrokenPowerLawFit
from mwlib.bird22.dispersion import ExponentialSigmaFit
from mwlib.bird22.halo_mocks import HaloTruth
from mwlib.bird22.samples import Kinematics
from mwlib.bird22.substructure import SubstructureResult, angular_momentum, sgr_coordinates
from mwlib.core import coords, plotting
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN

_G = G_KPC_KMS2_PER_MSUN

#: Colour and marker of each sample in every figure.
SAMPLE_STYLES: dict[str, tuple[str, str]] = {
    "kgiant_mock": (plotting.COLORS["kgiant"], "o"), "bhb_mock": (plotting.COLORS["bhb"], "s"),
    "bhb_barbosa": ("k", "s"), "bhb_barbosa_uncleaned": ("0.6", "s"),
    "bhb_clean": ("tab:green", "D"), "bhb_xue": ("tab:purple", "^"),
}


def style(name: str) -> tuple[str, str]:
    return SAMPLE_STYLES.get(name, ("tab:gray", "o"))


def fig1_distributions(tables: Mapping[str, Table]) -> plt.Figure:
    """Fig. 1: cumulative distribution (log r) and kernel density (Scott's rule) of the Galactocentric radius,
    and the [Fe/H] distributions where a sample has them."""
    fig, axes = plt.subplots(3, 1, figsize=(5.5, 9))
    r_grid, feh_grid = np.linspace(0, 110, 400), np.linspace(-3.5, 0.5, 300)
    for name, t in tables.items():
        color = style(name.split(" ")[0])[0]
        r = np.sort(np.asarray(t["r_kpc"]))
        axes[0].step(r, np.arange(1, r.size + 1) / r.size, where="post", color=color, label=name)
        axes[1].plot(r_grid, stats.gaussian_kde(r)(r_grid), color=color, label=name)
        if "feh" in t.colnames:
            axes[2].plot(feh_grid, stats.gaussian_kde(np.asarray(t["feh"]))(feh_grid), color=color, label=name)
    axes[0].set(xscale="log", xlabel="r [kpc]", ylabel="cumulative probability")
    axes[1].set(xlabel="r [kpc]", ylabel="KDE")
    axes[2].set(xlabel="[Fe/H]", ylabel="probability density")
    axes[0].legend()
    axes[2].legend(title="(the real BHB files have no [Fe/H])")
    fig.suptitle("Fig. 1 (after Bird et al. 2022)")
    return fig


def substructure_figure(table: Table, result: SubstructureResult, sun: coords.SolarParameters,
                        energy_limits: tuple[float, float] | None = None) -> plt.Figure:
    """The real stars in the Sagittarius frame (Majewski et al. 2003) and in (L_z, E): kept stars, Sgr
    candidates and compact integrals-of-motion groups. Only bound stars (E < 0 in MWPotential2014) are drawn in
    (L_z, E), on the energy range they span unless ``energy_limits`` is given; the others (mostly overestimated
    distances) are counted in the title."""
    lam, beta_sgr = sgr_coordinates(table["ra"], table["dec"])
    pos, vel = coords.galactocentric_phase_space(table["ra"], table["dec"], table["distance_kpc"],
                                                 table["pmra_masyr"], table["pmdec_masyr"], table["vlos_kms"], sun)
    lz = angular_momentum(pos, vel)[:, 2] / 1e3
    energy = result.features[:, 0]
    if energy_limits is None:
        bound = energy[np.isfinite(energy) & (energy < 0)]
        energy_limits = (1.05 * float(bound.min()), 0.0) if bound.size else (-1.0, 0.0)
    shown = (energy > energy_limits[0]) & (energy < energy_limits[1])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    groups = [(~result.substructure, "kept", "0.6", 3), (result.sgr, "Sgr candidates", "tab:red", 8),
              (result.iom_group >= 0, "compact IoM groups", "tab:green", 8)]
    for mask, label, color, size in groups:
        axes[0].scatter(lam[mask], beta_sgr[mask], s=size, color=color, label=f"{label} ({mask.sum()})")
        axes[1].scatter(lz[mask & shown], energy[mask & shown], s=size, color=color, label=label)
    axes[0].set(xlabel=r"$\Lambda_\mathrm{Sgr}$ [deg]", ylabel=r"$B_\mathrm{Sgr}$ [deg]", xlim=(0, 360),
                title="Sgr frame (Majewski et al. 2003)")
    axes[1].set(xlabel=r"$L_z$ [$10^3$ kpc km/s]", ylabel=r"$E$ [$10^5$ km$^2$/s$^2$] (MWPotential2014)",
                ylim=energy_limits, title=f"integrals of motion ({np.count_nonzero(energy >= 0)} unbound stars not "
                f"drawn)")
    axes[0].legend(loc="lower left", markerscale=1.5)
    return fig


def nfw_model_mass(r_kpc: np.ndarray, r200_kpc: float, c: float,
                   baryons: nfw.BaryonModel = nfw.PAPER_BARYONS) -> np.ndarray:
    """Total model mass baryons + NFW(r200, c) inside r [Msun]."""
    r = np.asarray(r_kpc, float)
    return baryons.mass_enclosed(r) + nfw.nfw_mass_enclosed(r, r200_kpc, c)


def draw_profile(ax_mass, ax_vcirc, r_kpc, mass_msun, mass_err_msun, vcirc_kms, vcirc_err_kms, *,
                 color, marker="o", filled=True, label=None, ms=5) -> None:
    """Markers with error bars for M(<r) (``ax_mass``) and v_circ (``ax_vcirc``); open if not filled."""
    face = color if filled else "none"
    for ax, y, e in ((ax_mass, mass_msun, mass_err_msun), (ax_vcirc, vcirc_kms, vcirc_err_kms)):
        if ax is not None:
            ax.errorbar(r_kpc, y, e, fmt=marker, color=color, mfc=face, ms=ms, lw=1, capsize=0,
                        label=label if ax is ax_mass else None)


def draw_nfw_model(ax_mass, ax_vcirc, r200_kpc: float, c: float, r_grid_kpc: np.ndarray, *, color,
                   ls="-", label=None, baryons: nfw.BaryonModel = nfw.PAPER_BARYONS) -> None:
    """The baryons + NFW model M(<r) and sqrt(G M / r) on ``r_grid_kpc``."""
    r = np.asarray(r_grid_kpc, float)
    m = nfw_model_mass(r, r200_kpc, c, baryons)
    if ax_mass is not None:
        ax_mass.plot(r, m, ls=ls, color=color, lw=1.2, label=label)
    if ax_vcirc is not None:
        ax_vcirc.plot(r, np.sqrt(_G * m / r), ls=ls, color=color, lw=1.2)


def corner_r200_c(axes, samples: np.ndarray, *, color="k", title: str = "",
                  truth: tuple[float, float] | None = None,
                  reference: tuple[float, float] | None = None, reference_label: str = "published") -> None:
    """A 2x2 corner plot of (r200 [kpc], c) posterior samples on ``axes`` (2x2 array; the upper right
    is switched off): histograms with the 16/50/84 percentiles (titles), joint contours at 10-95%,
    the truth of a mock (lines) and a reference point (e.g. the published best fit, a star)."""
    import corner

    s = np.asarray(samples, float)
    (a_r, off), (a_j, a_c) = axes
    off.set_axis_off()
    labels = (r"$r_{200}$ [kpc]", "$c$")
    lims = []
    for j in range(2):  # the posterior, widened to show the truth and the reference point
        lo, hi = np.percentile(s[:, j], [0.5, 99.5])
        for point in (truth, reference):
            if point is not None:
                lo, hi = min(lo, point[j]), max(hi, point[j])
        lims.append((lo - 0.15 * (hi - lo), hi + 0.15 * (hi - lo)))
    for j, ax in ((0, a_r), (1, a_c)):
        ax.hist(s[:, j], bins=40, range=lims[j], histtype="step", color=color, density=True)
        q = np.percentile(s[:, j], (16, 50, 84))
        for x in q:
            ax.axvline(x, color=color, ls="--", lw=0.8)
        ax.set_title(f"{labels[j]} = {q[1]:.3g} +{q[2] - q[1]:.2g} -{q[1] - q[0]:.2g}", fontsize=8)
        ax.set_yticks([])
        ax.set_xlim(lims[j])
        if truth is not None:
            ax.axvline(truth[j], color="0.3", lw=1.2)
    corner.hist2d(s[:, 0], s[:, 1], ax=a_j, levels=(0.10, 0.30, 0.50, 0.75, 0.95), color=color, smooth=1.0,
                  bins=40, range=lims, plot_datapoints=False, plot_density=False, fill_contours=False,
                  no_fill_contours=True)
    if truth is not None:
        a_j.axvline(truth[0], color="0.3", lw=1.2)
        a_j.axhline(truth[1], color="0.3", lw=1.2, label="truth")
    if reference is not None:
        a_j.plot(*reference, "*", color="k", ms=9, label=reference_label)
    a_j.set(xlabel=labels[0], ylabel=labels[1], xlim=lims[0], ylim=lims[1])
    a_c.set_xlabel(labels[1])
    a_r.set_xticklabels([])
    handles, labels_ = a_j.get_legend_handles_labels()
    off.legend(handles, labels_, fontsize=7, loc="upper left", title=title, title_fontsize=9)




def fig2_velocity_kde(kinematics: Mapping[str, Kinematics], r_max_kpc: float = 60.0) -> plt.Figure:
    """Fig. 2: two-dimensional kernel density estimates of (r, V) for the three velocity components
    (scipy's gaussian_kde, Scott's rule, as the paper), one row per sample."""
    names = list(kinematics)
    fig, axes = plt.subplots(len(names), 3, figsize=(10, 2.8 * len(names)), sharex=True, sharey=True, squeeze=False)
    r_grid, v_grid = np.linspace(0, r_max_kpc, 61), np.linspace(-500, 500, 51)
    rr, vv = np.meshgrid(r_grid, v_grid)
    for row, name in zip(axes, names):
        k = kinematics[name]
        use = k.r_kpc < r_max_kpc
        for j, (ax, label) in enumerate(zip(row, ("V_r", r"V_\theta", r"V_\phi"))):
            kde = stats.gaussian_kde(np.vstack([k.r_kpc[use], k.v_kms[use, j]]))
            ax.contourf(rr, vv, kde(np.vstack([rr.ravel(), vv.ravel()])).reshape(rr.shape), levels=10, cmap="Greys")
            ax.set(title=f"{name}: ${label}$" if j == 0 else f"${label}$")
        row[0].set_ylabel("V [km/s]")
    for ax in axes[-1]:
        ax.set_xlabel("r [kpc]")
    return fig


def _fig4_column(axes, names, dispersions, fits, truths, edges, published_fit=None):
    from mwlib.bird22.dispersion import dsigma2_dr_exponential, sigma_r_exponential

    markers = {"r": "o", "theta": "^", "phi": "s"}
    tex = {"r": "r", "theta": r"\theta", "phi": r"\phi"}
    for name in names:
        d, f, color = dispersions[name], fits[name], style(name)[0]
        grid = np.linspace(edges[name][0], float(np.nanmax(d["r_median_kpc"])) * 1.1, 120)
        for c, m in markers.items():
            s, e = np.asarray(d[f"sigma_{c}_kms"]), np.asarray(d[f"sigma_{c}_err_kms"])
            axes[0].errorbar(d["r_median_kpc"], s, e, fmt=m, color=color, ms=4, mfc="none" if c != "r" else color,
                             label=f"{name} $\\sigma_{{{tex[c]}}}$")
            axes[1].errorbar(d["r_median_kpc"], s**2, 2 * s * e, fmt=m, color=color, ms=4,
                             mfc="none" if c != "r" else color)
        band, dband = f.sigma_r_band(grid), f.dsigma2_dr_band(grid)
        axes[0].plot(grid, band[1], "--", color=color)
        axes[1].plot(grid, band[1] ** 2, "--", color=color)
        axes[2].fill_between(grid, dband[0], dband[2], color=color, alpha=0.3, lw=0)
        axes[2].plot(grid, dband[1], "--", color=color, label=name)
        if name in truths:
            sig = truths[name].sigmas(grid)
            axes[0].plot(grid, sig[:, 0], color=color, lw=0.7)
            axes[0].plot(grid, sig[:, 1], color=color, lw=0.7, ls=":")
            axes[2].plot(grid, np.gradient(sig[:, 0] ** 2, grid), color=color, lw=0.7, label=f"{name} truth")
    if published_fit is not None:
        label, sigma0, h_r = published_fit
        grid = np.linspace(3.0, 110.0, 200)
        axes[0].plot(grid, sigma_r_exponential(grid, sigma0, h_r), color="0.4", lw=1.2, ls="-.",
                     label=f"published {label} fit ({sigma0:g} km/s, {h_r:g} kpc)")
        axes[1].plot(grid, sigma_r_exponential(grid, sigma0, h_r) ** 2, color="0.4", lw=1.2, ls="-.")
        axes[2].plot(grid, dsigma2_dr_exponential(grid, sigma0, h_r), color="0.4", lw=1.2, ls="-.",
                     label=f"published {label}")
    axes[0].set(ylabel=r"$\sigma$ [km/s]", ylim=(0, 260))
    axes[0].legend(fontsize=6)
    axes[1].set(ylabel=r"$\sigma^2$ [km$^2$/s$^2$]")
    axes[2].set(ylabel=r"$d\sigma_r^2/dr$ [km$^2$ s$^{-2}$ kpc$^{-1}$]", xlabel="r [kpc]")
    axes[2].legend(fontsize=6)


def fig4_dispersion_profiles(columns: Mapping[str, Sequence[str]], dispersions: Mapping[str, Table],
                             fits: Mapping[str, ExponentialSigmaFit], truths: Mapping[str, HaloTruth],
                             edges: Mapping[str, Sequence[float]],
                             published_fits: Mapping[str, tuple[str, float, float]]) -> plt.Figure:
    """Fig. 4: sigma, sigma^2 and d sigma_r^2/dr; markers the binned dispersions (circles r, triangles theta,
    squares phi), dashed the exponential fit of sigma_r (its 16-84% band), thin lines the truth of a mock and
    dash-dotted the paper's published fit. ``columns`` maps a panel title to the samples drawn in it;
    ``published_fits`` a panel title to (label, sigma_0, h_r) of the published fit drawn there."""
    fig, axes = plt.subplots(3, len(columns), figsize=(5.5 * len(columns), 10), sharex="col", squeeze=False)
    for j, (title, names) in enumerate(columns.items()):
        _fig4_column(axes[:, j], names, dispersions, fits, truths, edges, published_fits.get(title))
        axes[0, j].set_title(title)
    fig.suptitle("Fig. 4 (after Bird et al. 2022)")
    return fig


def fig3_density(shells: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                 fits: Mapping[str, BrokenPowerLawFit], references: Mapping[str, tuple[str, object]]) -> plt.Figure:
    """Fig. 3: densities in spherical shells with the broken power-law fit (inner slope blue, outer red) and a
    reference profile (a mock's truth or the paper's model), scaled to the fit at the break."""
    fig, axes = plt.subplots(1, len(fits), figsize=(4.8 * len(fits), 3.8), squeeze=False, layout="constrained")
    for ax, (name, f) in zip(axes[0], fits.items()):
        edges, rho, rho_err = shells[name]
        mid = np.sqrt(edges[:-1] * edges[1:])
        ax.errorbar(mid, rho, rho_err, fmt="o", color="k", ms=4, label="stars in shells")
        grid = np.geomspace(edges[0], edges[-1], 200)
        best = f.best
        inner = grid < best.r_break_kpc
        ax.loglog(grid[inner], best.density(grid[inner]), color="tab:blue",
                  label=rf"fit $\alpha_{{in}}$={best.alpha_in:.2f}, $r_b$={best.r_break_kpc:.0f}")
        ax.loglog(grid[~inner], best.density(grid[~inner]), color="tab:red", label=rf"$\alpha_{{out}}$={best.alpha_out:.2f}")
        label, ref = references[name]
        scale = best.density(best.r_break_kpc) / ref.density(best.r_break_kpc)
        ax.loglog(grid, scale * ref.density(grid), ":", color="0.4", label=label)
        ax.set(title=name, xlabel="r [kpc]", ylabel=r"$\rho$ [stars kpc$^{-3}$]")
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
        ax.legend(fontsize=7)
    fig.suptitle("Fig. 3 (after Bird et al. 2022)")
    return fig


def mock_bias_figure(biases: Mapping[str, Table], method_label: str, band_pct: float) -> plt.Figure:
    """(M - M_true)/M_true against radius for the mocks (``reports.mass_bias`` tables), with a +-band."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for name, b in biases.items():
        color, marker = style(name)
        ax.errorbar(b["r [kpc]"], b["bias [%]"], b["error [%]"], fmt=marker, color=color, ms=5,
                    mfc=color if method_label == "Jeans" else "none", label=f"{name} ({method_label})")
    ax.axhline(0, color="k", lw=0.8)
    ax.axhspan(-band_pct, band_pct, color="0.9", zorder=0, label=f"±{band_pct:g}%")
    ax.set(xscale="log", xticks=[5, 10, 20, 50, 100], xticklabels=["5", "10", "20", "50", "100"],
           xlabel="radius of the mass [kpc]", ylabel=r"$(M - M_\mathrm{true})/M_\mathrm{true}$ [%]",
           title=f"{method_label} M(<r) on the mocks")
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.legend(fontsize=8)
    return fig


_METHOD_STYLE = {"jeans": ("Jeans", True, "-"), "tme": ("TME", False, ":")}


def fig5_mass_profile(columns: Mapping[str, Sequence[str]], profiles: Mapping[str, Mapping[str, Table]],
                      fits: Mapping[str, Mapping[str, dict]], *, truths: Mapping[str, HaloTruth],
                      published_column: str | None = None, literature: Table | None = None,
                      r_range_kpc: tuple[float, float] = (3.0, 400.0)) -> plt.Figure:
    """Fig. 5: M(<r) (log radius, top) and v_circ (linear radius, bottom).

    ``profiles[method][sample]``: the usable bins (columns r_mass_kpc, mass_msun, mass_err_msun, vcirc_kms,
    vcirc_err_kms); ``fits[method][sample]``: its NFW entry (``nfw_summary``), drawn as the baryons + NFW model
    at the 50th-percentile (r200, c) with the total mass at r200 as the outermost marker. Jeans filled markers
    and solid lines, TME open markers and dotted lines. ``truths``: the mocks' true profile (dashed) in the
    column holding them. ``published_column``: the column where the paper's BHB Table 1 points and Table 2
    models are drawn. ``literature``: enclosed masses from the studies of the paper's Section 4.4 (grey
    triangles; columns r_kpc, value_1e11msun, minus_1e11msun, plus_1e11msun, reference).
    """
    from mwlib.bird22 import published

    pub = published.BIRD22_RESULTS
    r_grid = np.geomspace(*r_range_kpc, 300)
    fig, axes = plt.subplots(2, len(columns), figsize=(5.6 * len(columns), 8), squeeze=False)
    for col, (title, names) in enumerate(columns.items()):
        ax_m, ax_v = axes[0, col], axes[1, col]
        for name in names:
            color, marker = style(name)
            for method, by_sample in profiles.items():
                if name not in by_sample:
                    continue
                label, filled, ls = _METHOD_STYLE[method]
                p = by_sample[name]
                draw_profile(ax_m, ax_v, p["r_mass_kpc"], p["mass_msun"], p["mass_err_msun"], p["vcirc_kms"],
                             p["vcirc_err_kms"], color=color, marker=marker, filled=filled, label=f"{name} {label}")
                entry = fits.get(method, {}).get(name)
                if entry is None:
                    continue
                r200, c = entry["r200"]["p50"], entry["c"]["p50"]
                draw_nfw_model(ax_m, ax_v, r200, c, r_grid, color=color, ls=ls)
                if r200 < r_range_kpc[1]:
                    m = entry["Mtot_r200"]
                    ax_m.errorbar(r200, m["p50"], yerr=[[m["p50"] - m["p16"]], [m["p84"] - m["p50"]]],
                                  xerr=[[r200 - entry["r200"]["p16"]], [entry["r200"]["p84"] - r200]], fmt=marker,
                                  color=color, mfc=color if filled else "none", ms=7)
                else:
                    ax_m.text(0.03, 0.04 + 0.06 * names.index(name), f"{name} {label}: r200 = {r200:.0f} kpc "
                              "(off scale: fit at its prior bound)", transform=ax_m.transAxes, fontsize=6, color=color)
        truth = next((truths[n] for n in names if n in truths), None)
        if truth is not None:
            ax_m.plot(r_grid, truth.mass_enclosed(r_grid), color="k", lw=0.8, ls="--", label="truth of the mocks")
            ax_v.plot(r_grid, truth.mass_model.vcirc(r_grid), color="k", lw=0.8, ls="--")
        if title == published_column:
            for method in profiles:
                label, filled, ls = _METHOD_STYLE[method]
                q = pub[(f"{label} BHB", "M(<52)")]
                ax_m.errorbar(52.0, q["value"] * 1e11, (q["high"] - q["value"]) * 1e11, fmt="*" if filled else "P",
                              color="tab:blue", ms=9, label=f"published {label} BHB (Table 1)")
                m200 = pub[(f"{label} BHB", "M200_1e12")]["value"] * 1e12
                draw_nfw_model(ax_m, ax_v, float(nfw.r200_from_m200(m200)), pub[(f"{label} BHB", "c")]["value"], r_grid,
                               color="tab:blue", ls=ls, label=f"published {label} BHB NFW fit (Table 2) + baryons")
        if literature is not None:
            for k, row in enumerate(literature):
                ax_m.errorbar(row["r_kpc"], row["value_1e11msun"] * 1e11,
                              yerr=[[row["minus_1e11msun"] * 1e11], [row["plus_1e11msun"] * 1e11]], fmt="^",
                              color="0.55", ms=5, label="literature (Sec. 4.4; data/literature)" if k == 0 else None)
        ax_m.set(xscale="log", yscale="log", xlim=r_range_kpc, ylim=(3e10, 5e12), xlabel="r [kpc]",
                 ylabel=r"$M(<r)$ [M$_\odot$]", title=title)
        ax_v.set(xlim=(0, 110), ylim=(100, 500), xlabel="r [kpc]", ylabel=r"$v_\mathrm{circ}$ [km/s]")
        ax_m.legend(fontsize=6, loc="upper left")
    fig.suptitle("Fig. 5 (after Bird et al. 2022): " + " and ".join(
        f"{_METHOD_STYLE[m][0]} ({'filled' if _METHOD_STYLE[m][1] else 'open'})" for m in profiles))
    return fig


def fig6_fig7_nfw_corner(samples: Mapping[str, np.ndarray], method_label: str, kinds: Mapping[str, str],
                      truths: Mapping[str, HaloTruth], figure_label: str) -> plt.Figure:
    """Figs. 6-7: (r200, c) posteriors of the NFW fits, one 2x2 corner per sample, with the mock's truth and
    the published best fit of the same kind (a star)."""
    from mwlib.bird22 import published

    pub = published.BIRD22_RESULTS
    names = list(samples)
    fig, axes = plt.subplots(2, 2 * len(names), figsize=(4.8 * len(names), 4.4), gridspec_kw=dict(wspace=0.2, hspace=0.08))
    for j, name in enumerate(names):
        kind = "KG" if kinds[name] == "kgiant" else "BHB"
        ref = (pub[(f"{method_label} {kind}", "r200_kpc")]["value"], pub[(f"{method_label} {kind}", "c")]["value"])
        truth = (truths[name].mass_model.r200_kpc, truths[name].mass_model.concentration) if name in truths else None
        corner_r200_c(axes[:, 2 * j: 2 * j + 2], samples[name], color=style(name)[0], title=name, truth=truth,
                      reference=ref, reference_label=f"published {method_label} {kind}")
    fig.suptitle(f"{figure_label} (after Bird et al. 2022): NFW fits to the {method_label} profiles", y=1.02)
    return fig


def fig9_distance_systematics(runs_by: Mapping[tuple[str, str], Mapping], names: Sequence[str],
                              truths: Mapping[str, HaloTruth]) -> plt.Figure:
    """Fig. 9: Jeans (top) and TME (bottom) profiles with the original distances (markers) and with distances
    x 1.1 (blue band) and x 0.9 (red band), band widths from the random mass errors; a mock's truth dashed.
    ``runs_by[(sample, variant)]`` are :func:`mwlib.bird22.systematics.run_variant` results."""
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    fig, axes = plt.subplots(2, len(names), figsize=(3.9 * len(names), 6.6), squeeze=False, sharex="col",
                             sharey=True, layout="constrained")
    for j, name in enumerate(names):
        for i, method in enumerate(("jeans", "tme")):
            ax = axes[i, j]
            for variant, color in (("distance x1.1", "tab:blue"), ("distance x0.9", "tab:red")):
                p = runs_by[(name, variant)]["profiles"][method]
                p = p[np.asarray(p["ok"])]
                m, e = np.asarray(p["mass_msun"]), np.asarray(p["mass_err_msun"])
                ax.fill_between(p["r_mass_kpc"], (m - e) / 1e11, (m + e) / 1e11, color=color, alpha=0.35, lw=0,
                                label=variant.replace("distance ", "distances "))
            p = runs_by[(name, "baseline")]["profiles"][method]
            p = p[np.asarray(p["ok"])]
            ax.errorbar(p["r_mass_kpc"], np.asarray(p["mass_msun"]) / 1e11, np.asarray(p["mass_err_msun"]) / 1e11,
                        fmt="o", color="k", ms=4, label="original distances")
            if name in truths:
                rr = np.geomspace(3, 110, 100)
                ax.plot(rr, truths[name].mass_enclosed(rr) / 1e11, "k--", lw=0.8, label="truth")
            ax.set_yscale("log")
            ax.set_title(f"{name}, {'Jeans' if method == 'jeans' else 'TME'}", fontsize=9)
            # plain numbers at a few ticks instead of 6x10^0 on every minor tick
            ax.yaxis.set_major_locator(FixedLocator([0.3, 0.5, 1, 2, 3, 5, 8]))
            ax.yaxis.set_major_formatter(ScalarFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
            if j == 0:
                ax.set_ylabel(r"$M(<r)$ [$10^{11}$ M$_\odot$]")
            if i == 1:
                ax.set_xlabel("r [kpc]")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle("Fig. 9 (after Bird et al. 2022): distances scaled by 0.9 and 1.1")
    return fig


def mock_study_figure(realizations: Sequence[Mapping], quantity: str = "M200_1e12") -> plt.Figure:
    """The distribution of ``quantity`` over the mock-study realizations (:mod:`mwlib.bird22.mock_study`), per mock
    and method, with the truth (the paper's answer)."""
    kinds = list(dict.fromkeys(r["kind"] for r in realizations))
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 3.6), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        reals = [r for r in realizations if r["kind"] == kind]
        truth = reals[0]["truth"][quantity]
        values = {m: np.array([r[m][quantity][2] for r in reals]) for m in ("jeans", "tme")}
        bins = np.linspace(min(v.min() for v in values.values()) * 0.9, max(v.max() for v in values.values()) * 1.1, 30)
        for (m, v), color in zip(values.items(), ("tab:blue", "tab:orange")):
            ax.hist(v, bins=bins, color=color, alpha=0.5, label=f"{'Jeans' if m == 'jeans' else 'TME'} (median "
                                                               f"{np.median(v):.2f})")
        ax.axvline(truth, color="k", lw=1.5, label=f"truth = the paper's answer ({truth:.2f})")
        ax.set(xlabel=quantity.replace("_1e12", r" [$10^{12}$ M$_\odot$]"), ylabel="realizations",
               title=f"{'K-giant' if kind == 'kgiant' else 'BHB'} mocks, {len(reals)} realizations")
        ax.legend(fontsize=7)
    return fig
