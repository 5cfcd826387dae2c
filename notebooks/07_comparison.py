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
# 1. The literature estimates Eadie & Harris (2016) compare with (Section 6, Fig. 13), as a
#    data file with a reference per row (`data/literature/`), and this repository's mass
#    profile among them.
# 2. The **reproduction scorecard**: every number the two papers publish that the notebooks
#    recompute, beside the value computed here, whether it agrees within the published
#    uncertainty, and for each disagreement a one-line explanation carrying the number that
#    was measured to back it (`mwlib.scorecard`; written to `results/reproduction_scorecard.csv`).

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"
literature_dir = "../data/literature"

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from astropy.table import Table

from mwlib import df, io, plotting, scorecard

plotting.use_style()
results_dir, figures_dir, literature_dir = Path(results_dir), Path(figures_dir), Path(literature_dir)
E11 = 1e11

# %% [markdown]
# ## 1. Literature estimates quoted by Eadie & Harris (2016)

# %%
literature = Table.read(literature_dir / "eadie16_section6.csv", format="ascii.csv")
# NBVAL_CHECK_OUTPUT
print(f"{len(literature)} estimates from {len(set(literature['reference']))} studies")

# %%
literature["reference", "quantity", "r_kpc", "value_1e11msun", "minus_1e11msun", "plus_1e11msun", "interval"]

# %% [markdown]
# Scenario XII's mass profile (our fit, notebook 05) with the enclosed-mass estimates of the
# literature, after the paper's Fig. 13 (left). Ranges are drawn as bars without a point.

# %%
chains_path = results_dir / "df" / "XII.npz"
if not chains_path.is_file():
    raise FileNotFoundError(f"{chains_path} not found: run notebook 05 first")
with np.load(chains_path) as chains:
    phi0, gamma = chains["sample_phi0"], chains["sample_gamma"]
r_grid = np.logspace(np.log10(5), np.log10(320), 100)
mass_xii = df.mass_enclosed(r_grid[None, :], phi0[:, None], gamma[:, None]) / E11

fig, ax = plt.subplots(figsize=(6.5, 4.5))
plotting.credible_band(ax, r_grid, mass_xii, label="Scenario XII (this work) ")
enclosed = literature[(literature["quantity"] == "M(<r)") & ~literature["r_kpc"].mask]
for k, row in enumerate(enclosed):
    color = plt.cm.tab20(k % 20)
    lo = row["value_1e11msun"] - (row["minus_1e11msun"] if row["minus_1e11msun"] is not np.ma.masked else 0)
    hi = row["value_1e11msun"] + (row["plus_1e11msun"] if row["plus_1e11msun"] is not np.ma.masked else 0)
    if row["interval"] == "range":
        ax.plot([row["r_kpc"]] * 2, [lo, hi], color=color, lw=3, label=row["reference"])
    else:
        ax.errorbar(row["r_kpc"], row["value_1e11msun"], yerr=[[row["value_1e11msun"] - lo], [hi - row["value_1e11msun"]]],
                    fmt="o", color=color, ms=4, label=row["reference"])
ax.set(xscale="log", yscale="log", xlabel="r [kpc]", ylabel=r"$M(<r)$ [$10^{11} M_\odot$]",
       title="After Fig. 13 (left) of Eadie & Harris (2016)")
ax.legend(fontsize=6, loc="upper left", ncol=2)
_ = plotting.save_figure(fig, "eadie16_fig13_literature", figures_dir)

# %% [markdown]
# Virial masses: the literature values Eadie & Harris quote, our Scenario XII (all clusters
# and beyond 10 kpc), and the NFW fits of notebooks 03–04 when they have been run. (The
# individual values behind Bird et al.'s Fig. 8 and its weighted averages are not in the
# paper's text, so that compilation is not transcribed.)

# %%
df_summary = json.loads((results_dir / "df_summary.json").read_text())
entries = []
for row in literature[literature["quantity"] == "Mvir"]:
    minus = 0 if row["minus_1e11msun"] is np.ma.masked else row["minus_1e11msun"]
    plus = 0 if row["plus_1e11msun"] is np.ma.masked else row["plus_1e11msun"]
    entries.append((row["reference"], row["value_1e11msun"], minus, plus, "literature"))
q = df_summary["XII"]["Mvir"]
entries.append(("this work: EH16 Scenario XII", q["median"] / E11, (q["median"] - q["q25"]) / E11,
                (q["q75"] - q["median"]) / E11, "this work"))
nfw_path = results_dir / "nfw_fits.json"
if nfw_path.is_file():
    for name, fit in json.loads(nfw_path.read_text()).items():
        m = fit["M200"]
        if m["p50"] > 1e13:  # a fit that ran into its prior bound (notebooks 03-04 say why)
            print(f"not drawn: B22 {name}, M200 = {m['p50']:.1e} Msun (fit at the prior bound on c)")
            continue
        entries.append((f"this work: B22 {name}", m["p50"] / E11, (m["p50"] - m["p16"]) / E11,
                        (m["p84"] - m["p50"]) / E11, "this work"))
fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(entries) + 1))
for i, (name, value, minus, plus, kind) in enumerate(entries):
    color = "tab:blue" if kind == "this work" else "k"
    ax.errorbar(value, i, xerr=[[minus], [plus]], fmt="o", color=color, ms=4)
ax.set_yticks(range(len(entries)), [e[0] for e in entries], fontsize=7)
ax.set(xscale="log", xlabel=r"virial mass [$10^{11} M_\odot$] (definitions differ between studies)")
_ = plotting.save_figure(fig, "comparison_virial_masses", figures_dir)

# %% [markdown]
# ## 2. The reproduction scorecard

# %%
card = scorecard.build(results_dir)
io.write_table_csv(results_dir / "reproduction_scorecard.csv", card["paper", "quantity", "published", "reproduced",
                                                                    "unit", "deviation", "agrees", "explanation"])
computed = np.isfinite(card["reproduced"])
lines = []
for paper in sorted(set(card["paper"])):
    mine = card["paper"] == paper
    lines.append(f"{paper}: {mine.sum()} published numbers, {(mine & computed).sum()} reproduced, "
                 f"{(mine & card['agrees']).sum()} agree within the published uncertainty")
lines.append(f"total: {len(card)} rows, {computed.sum()} reproduced, {card['agrees'].sum()} agree")
io.write_text(results_dir / "scorecard_summary.md", "\n".join(f"* {line}" for line in lines) + "\n")
# NBVAL_CHECK_OUTPUT
print("\n".join(lines))

# %%
card["paper", "quantity", "published", "reproduced", "unit", "deviation", "agrees", "explanation"]
