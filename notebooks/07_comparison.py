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
# # 07 · Comparison and reproduction scorecard
#
# Both papers' literature compilations (Bird et al. 2022 Fig. 8; Eadie & Harris 2016 Fig. 13) with a
# reference per row, this repository's estimates among them, and `results/reproduction_scorecard.csv`:
# every published number beside the reproduced one.
#
# **Plan** (not yet built).

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"

# %%
import mwlib

print(f"mwlib {mwlib.__version__}: this notebook holds its plan only so far.")
