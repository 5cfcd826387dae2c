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
# # 06 · Sensitivity and systematics
#
# Eadie & Harris (2016), Sections 5.3 and 5.6, and Bird et al. (2022), Sections 3 and 5.3.
#
# **Plan** (not yet built): the r_cut test for every scenario (Fig. 14), Scenario IX beyond 6.64 kpc,
# extrapolated masses; distance scalings, density-slope variations and the LMC mean-velocity correction
# for the Jeans and TME profiles; Gaia EDR3 kinematics for the globular clusters.

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"

# %%
import mwlib

print(f"mwlib {mwlib.__version__}: this notebook holds its plan only so far.")
