"""The tables notebooks 02-04 show for the Bird et al. (2022) part: our numbers beside the truth of the mocks
and beside the published ones (always labelled as published)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from astropy.table import Table

from mwlib.bird22 import dispersion, halo_mocks, published
from mwlib.bird22.density import BrokenPowerLawFit
from mwlib.bird22.dispersion import ExponentialSigmaFit
from mwlib.bird22.samples import HaloSample, Kinematics, SampleKind

__all__ = ["sample_sizes", "median_errors", "bin_counts", "dispersion_recovery", "sigma_fit_table",
           "density_fit_table", "cleaning_effect", "kind_label"]

_COMPONENTS = ("r", "theta", "phi")


def kind_label(kind: SampleKind) -> str:
    """The paper's label of a sample kind: "KG" or "BHB"."""
    return "KG" if kind == "kgiant" else "BHB"


def sample_sizes(tables: Mapping[str, tuple[Table, dict, bool | None]]) -> Table:
    """Stars of every sample of notebook 01 (``samples.star_tables``), mock or real, cleaned or not."""
    rows = []
    for name, (t, entry, cleaned) in tables.items():
        state = "" if cleaned is None else ("cleaned" if cleaned else "uncleaned")
        rows.append((name, "real" if entry.get("real") else "mock", state, len(t)))
    return Table(rows=rows, names=("sample", "data", "substructure", "stars"))


def median_errors(kinematics: Mapping[str, Kinematics]) -> Table:
    """Median 1-sigma velocity errors (v_r, v_theta, v_phi) [km/s] of every sample."""
    rows = [(name, *np.median(np.sqrt(np.einsum("nii->ni", k.v_cov)), axis=0)) for name, k in kinematics.items()]
    out = Table(rows=rows, names=("sample", "err v_r", "err v_theta", "err v_phi"))
    for c in out.colnames[1:]:
        out[c].info.format = ".0f"
    return out


def bin_counts(dispersions: Mapping[str, Table]) -> Table:
    """Per sample: the stars of each bin, their median radii, and bins failing the deconvolution's EM check."""
    rows = []
    for name, d in dispersions.items():
        rows.append((name, " ".join(str(int(n)) for n in d["n_stars"]),
                     " ".join(f"{r:.1f}" for r in d["r_median_kpc"]), bool(np.all(d["n_stars"] > 10)),
                     int(np.sum(np.asarray(d["ok"]) & ~np.asarray(d["xd_converged"])))))
    return Table(rows=rows, names=("sample", "stars per bin", "median r [kpc]", "all > 10", "not converged"))


def dispersion_recovery(sample: HaloSample, disp: Table) -> Table:
    """For a mock: (measured - true)/true [%] of each dispersion per bin and the pull with Fisher errors.

    The truth of a bin is sqrt(<sigma^2>) over its stars at their observed radii (a single Gaussian fitted
    to stars of different dispersions converges to their mean variance); the Fisher error includes the
    measurement errors (:func:`mwlib.bird22.halo_mocks.fisher_dispersion_errors`).
    """
    bins = dispersion.bin_index(sample.r_kpc, np.asarray(sample.edges_kpc))
    true = sample.truth.bin_sigmas(sample.r_kpc, bins, len(disp))
    measured = np.column_stack([disp[f"sigma_{c}_kms"] for c in _COMPONENTS])
    fisher = halo_mocks.fisher_dispersion_errors(true, sample.v_cov, bins)
    out = Table()
    out["bin [kpc]"] = [f"{lo:g}-{hi:g}" for lo, hi in zip(disp["r_lo_kpc"], disp["r_hi_kpc"])]
    for j, c in enumerate(_COMPONENTS):
        out[f"sigma_{c} bias [%]"] = 100 * (measured[:, j] / true[:, j] - 1)
        out[f"sigma_{c} pull"] = (measured[:, j] - true[:, j]) / fisher[:, j]
    for c in out.colnames[1:]:
        out[c].info.format = ".0f" if "bias" in c else ".1f"
    return out


def _pm(p, fmt: str = ".0f") -> str:
    return f"{p[1]:{fmt}} +{p[2] - p[1]:{fmt}} -{p[1] - p[0]:{fmt}}"


def sigma_fit_table(fits: Mapping[str, ExponentialSigmaFit], kinds: Mapping[str, str]) -> Table:
    """Eq. 2 fits (sigma_0, h_r; 50th percentile and the 16-84 range) beside the published fit of the same kind."""
    rows = []
    for name, f in fits.items():
        label = kind_label(kinds[name])
        pub = {q: published.BIRD22_RESULTS[(label, q)] for q in ("sigma0_kms", "h_r_kpc")}
        rows.append((name, _pm(f.sigma0_kms), _pm(f.h_r_kpc),
                     f"{pub['sigma0_kms']['value']:.0f} ± {pub['sigma0_kms']['value'] - pub['sigma0_kms']['low']:.0f}",
                     f"{pub['h_r_kpc']['value']:.0f} ± {pub['h_r_kpc']['value'] - pub['h_r_kpc']['low']:.0f}"))
    return Table(rows=rows, names=("sample", "sigma_0 [km/s]", "h_r [kpc]", "published sigma_0", "published h_r"))


def density_fit_table(fits: Mapping[str, BrokenPowerLawFit], references: Mapping[str, tuple[str, object]]) -> Table:
    """Broken power-law fits (50th percentile [16th, 84th]) beside a reference density (truth or published)."""
    rows = []
    for name, f in fits.items():
        p = f.percentiles
        label, ref = references[name]
        rows.append((name, *(f"{p[k][1]:.2f} [{p[k][0]:.2f}, {p[k][2]:.2f}]" for k in
                             ("alpha_in", "r_break_kpc", "alpha_out")),
                     label, f"{ref.alpha_in:g}, {ref.r_break_kpc:g}, {ref.alpha_out:g}"))
    return Table(rows=rows, names=("sample", "alpha_in", "r_break [kpc]", "alpha_out", "reference",
                                   "reference alpha_in, r_break, alpha_out"))


def cleaning_effect(cleaned: Table, uncleaned: Table) -> Table:
    """Per bin: stars, dispersions and beta with and without substructure cleaning."""
    out = Table()
    out["bin [kpc]"] = [f"{lo:g}-{hi:g}" for lo, hi in zip(cleaned["r_lo_kpc"], cleaned["r_hi_kpc"])]
    out["N cleaned"], out["N all"] = cleaned["n_stars"], uncleaned["n_stars"]
    for c in _COMPONENTS:
        out[f"sigma_{c} cleaned"] = cleaned[f"sigma_{c}_kms"]
        out[f"sigma_{c} all"] = uncleaned[f"sigma_{c}_kms"]
    out["beta cleaned"], out["beta all"] = cleaned["beta"], uncleaned["beta"]
    for c in out.colnames[3:]:
        out[c].info.format = ".2f" if c.startswith("beta") else ".0f"
    return out


def profile_table(profile: Table, extra: tuple[str, ...] = ()) -> Table:
    """The usable bins of a Jeans or TME profile: radius, stars, slopes, mass [1e11 Msun] and v_circ."""
    p = profile[np.asarray(profile["ok"], bool)]
    out = Table()
    out["r [kpc]"] = p["r_mass_kpc"]
    out["N"] = p["n_stars"]
    out["alpha"] = p["alpha"]
    out["beta"] = p["beta"]
    for col in extra:
        out[col] = p[col]
    out["M [1e11 Msun]"] = np.asarray(p["mass_msun"]) / 1e11
    out["M err"] = np.asarray(p["mass_err_msun"]) / 1e11
    out["v_circ [km/s]"] = p["vcirc_kms"]
    out["v_circ err"] = p["vcirc_err_kms"]
    for col, fmt in (("r [kpc]", ".1f"), ("alpha", ".2f"), ("beta", ".2f"), ("M [1e11 Msun]", ".2f"), ("M err", ".2f"),
                     ("v_circ [km/s]", ".0f"), ("v_circ err", ".0f")):
        out[col].info.format = fmt
    return out


def mass_bias(profile: Table, truth: halo_mocks.HaloTruth) -> Table:
    """Per usable bin of a mock's profile: the true M(<r) at the radius the mass applies to, the fractional
    bias (M - M_true)/M_true and the pull (M - M_true)/sigma_M."""
    p = profile[np.asarray(profile["ok"], bool)]
    r = np.asarray(p["r_mass_kpc"], float)
    true = truth.mass_enclosed(r)
    out = Table()
    out["r [kpc]"] = r
    out["N"] = p["n_stars"]
    out["true M [1e11 Msun]"] = true / 1e11
    out["bias [%]"] = 100 * (np.asarray(p["mass_msun"]) / true - 1)
    out["error [%]"] = 100 * np.asarray(p["mass_err_msun"]) / true
    out["pull"] = (np.asarray(p["mass_msun"]) - true) / np.asarray(p["mass_err_msun"])
    for col, fmt in (("r [kpc]", ".1f"), ("true M [1e11 Msun]", ".2f"), ("bias [%]", ".0f"), ("error [%]", ".0f"),
                     ("pull", ".1f")):
        out[col].info.format = fmt
    return out


#: The radius label of Table 1 of each kind (the median radius of the paper's last bin).
TABLE1_RADIUS: dict[str, str] = {"KG": "M(<73)", "BHB": "M(<52)"}


def table1(last_bins: Mapping[str, tuple[float, float, float]], kinds: Mapping[str, str], method_label: str,
           truths: Mapping[str, halo_mocks.HaloTruth]) -> Table:
    """Table 1 rows: our M(<r) [1e11 Msun] at the last bin ``{sample: (r, M, error)}`` beside the published
    value of the same kind (for a mock also its truth there; the mocks are not the paper's data)."""
    rows = []
    for name, (r, m, e) in last_bins.items():
        label = kind_label(kinds[name])
        q = published.BIRD22_RESULTS[(f"{method_label} {label}", TABLE1_RADIUS[label])]
        true = truths[name].mass_enclosed(np.array([r]))[0] / 1e11 if name in truths else np.nan
        rows.append((name, r, m / 1e11, e / 1e11, true,
                     f"{q['value']:.1f} ± {q['high'] - q['value']:.2f} at {TABLE1_RADIUS[label][3:-1]} kpc"))
    out = Table(rows=rows, names=("sample", "r [kpc]", "M(<r) [1e11 Msun]", "error", "truth",
                                  f"published {method_label} (Table 1)"))
    for col, fmt in (("r [kpc]", ".1f"), ("M(<r) [1e11 Msun]", ".2f"), ("error", ".2f"), ("truth", ".2f")):
        out[col].info.format = fmt
    return out


def exponential_fit_chi2(dispersions: Mapping[str, Table], fits: Mapping[str, ExponentialSigmaFit]) -> Table:
    """chi^2 of each best exponential sigma_r fit against its binned sigma_r, with the degrees of freedom."""
    rows = []
    for name, disp in dispersions.items():
        ok = np.asarray(disp["ok"], bool)
        r, s, e = (np.asarray(disp[c])[ok] for c in ("r_median_kpc", "sigma_r_kms", "sigma_r_err_kms"))
        rows.append((name, float(np.sum(((fits[name].sigma_r_best(r) - s) / e) ** 2)), int(r.size - 2)))
    out = Table(rows=rows, names=("sample", "chi2", "degrees of freedom"))
    out["chi2"].info.format = ".0f"
    return out


def profile_change(a: Table, b: Table, labels: tuple[str, str]) -> Table:
    """Per bin usable in both: stars and M(<r) [1e11 Msun] of two profiles of the same bins, and the change a/b - 1."""
    ok = np.asarray(a["ok"], bool) & np.asarray(b["ok"], bool)
    out = Table()
    out["bin [kpc]"] = [f"{lo:g}-{hi:g}" for lo, hi in zip(a["r_lo_kpc"][ok], a["r_hi_kpc"][ok])]
    out[f"N {labels[0]}"], out[f"N {labels[1]}"] = a["n_stars"][ok], b["n_stars"][ok]
    out[f"M {labels[0]}"] = np.asarray(a["mass_msun"])[ok] / 1e11
    out[f"M {labels[1]}"] = np.asarray(b["mass_msun"])[ok] / 1e11
    out["change [%]"] = 100 * (np.asarray(a["mass_msun"])[ok] / np.asarray(b["mass_msun"])[ok] - 1)
    for col in out.colnames[3:]:
        out[col].info.format = ".2f" if col.startswith("M ") else ".0f"
    return out


def tme_table(profile: Table, raw: Table) -> Table:
    """The usable bins of a TME profile (Eq. 4): r_max, stars, alpha, beta, the coefficient alpha + gamma - 2 beta,
    <V_r>, the mass with its two error readings, v_circ, and the change without the mean-velocity subtraction."""
    ok = np.asarray(profile["ok"], bool)
    p, q = profile[ok], raw[ok]
    out = profile_table(profile, extra=("coeff", "mean_vr_kms"))
    out["M err (quadrature)"] = np.asarray(p["mass_err_quad_msun"]) / 1e11
    out["change without <V_r> [%]"] = 100 * (np.asarray(q["mass_msun"]) / np.asarray(p["mass_msun"]) - 1)
    for col, fmt in (("coeff", ".2f"), ("mean_vr_kms", ".1f"), ("M err (quadrature)", ".2f"),
                     ("change without <V_r> [%]", "+.1f")):
        out[col].info.format = fmt
    return out


def bias_at_two_radii(at_max: Table, at_median: Table, truth: halo_mocks.HaloTruth) -> Table:
    """A mock's TME bias [%] per bin with M(<r) evaluated at the bin's largest and at its median radius."""
    a, b = mass_bias(at_max, truth), mass_bias(at_median, truth)
    out = Table()
    out["r_max [kpc]"], out["bias at r_max [%]"], out["pull at r_max"] = a["r [kpc]"], a["bias [%]"], a["pull"]
    out["r_median [kpc]"], out["bias at median [%]"] = b["r [kpc]"], b["bias [%]"]
    for col in out.colnames:
        out[col].info.format = ".1f" if "kpc" in col or "pull" in col else ".0f"
    return out


def bhb_rows_by_sample(table1: Mapping[str, Table], nfw_fits: Mapping[str, Mapping[str, dict]],
                       sigma_fits: Mapping[str, dict], names: Sequence[str], published: Mapping) -> Table:
    """The BHB rows of Bird et al. (2022) Tables 1 and 2 and the sigma_r fit of Section 4.4, published beside each
    real sample's (``table1[method]``: notebook 03/04's ``bird22_table1_<method>.csv``; ``nfw_fits[method]``: their
    NFW fits; ``sigma_fits``: notebook 02's ``halo_sigma_fits.json``). A fit at its prior bound shows "prior
    bound"."""
    from mwlib.bird22.nfw_summary import at_prior_bound

    def fmt(x: float, digits: int = 3) -> str:
        return f"{x:.{digits}g}"

    rows = []
    for method, label in (("jeans", "Jeans BHB"), ("tme", "TME BHB")):
        pub = published[(label, "M(<52)")]
        t1 = {str(r["sample"]): r for r in table1[method]}
        rows.append((f"Table 1 {label} M(<52 kpc) [1e11]", f"{pub['value']} ± {pub['high'] - pub['value']:.1f}",
                     *(f"{t1[n]['mass_msun'] / 1e11:.2f} ± {t1[n]['mass_err_msun'] / 1e11:.2f} at {t1[n]['r_kpc']:.0f} kpc"
                       if n in t1 else "" for n in names)))
        for quantity, key, scale in (("M200 [1e12]", "M200_1e12", 1e12), ("r200 [kpc]", "r200_kpc", 1.0),
                                     ("c", "c", 1.0)):
            p = published[(label, key)]
            cells = []
            for n in names:
                entry = nfw_fits[method].get(f"{n}/{method}")
                if entry is None:
                    cells.append("")
                elif at_prior_bound(entry):
                    cells.append("prior bound")
                else:
                    q = entry[{"M200_1e12": "M200", "r200_kpc": "r200", "c": "c"}[key]]
                    cells.append(f"{fmt(q['p50'] / scale)} ({fmt(q['p16'] / scale)}, {fmt(q['p84'] / scale)})")
            rows.append((f"Table 2 {label} {quantity}", f"{p['value']} ({p['low']}, {p['high']})", *cells))
    for key, quantity in (("sigma0_kms", "sigma_0 [km/s]"), ("h_r_kpc", "h_r [kpc]")):
        p = published[("BHB", key)]
        rows.append((f"sigma_r fit {quantity}", f"{p['value']}",
                     *(f"{sigma_fits[n][key]['p50']:.0f} ({sigma_fits[n][key]['p16']:.0f}, {sigma_fits[n][key]['p84']:.0f})"
                       if n in sigma_fits else "" for n in names)))
    return Table(rows=rows, names=("quantity", "published (Bird et al. 2022)", *names))
