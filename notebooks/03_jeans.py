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
# # 03 · Jeans mass profile (Bird et al. 2022)
#
# Bird et al. (2022), Eq. 1: the 3D spherical Jeans equation.
#
# **Plan** (not yet built): binned deconvolved dispersions with the parametric d sigma_r^2/dr of the
# exponential fit, the tracer slope alpha(r), errors from 100 Monte Carlo realizations, v_circ; the NFW +
# baryons fit for M200, r200 and c (Section 2.3); Table 1 and 2 beside ours; figures after Figs. 5-6.

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"

# %%
import mwlib

print(f"mwlib {mwlib.__version__}: this notebook holds its plan only so far.")
