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
# Eadie & Harris (2016), Sections 2 and 4-5: the power-law distribution function, the likelihood with
# unknown tangential velocities as nuisance parameters, the priors of Table 2 and the twelve scenarios
# of Table 3 (plus IVb, Vb, VIb).
#
# **Plan** (not yet built): fit every scenario on the 89-cluster sample of notebook 01 with two samplers
# (hybrid Gibbs and the marginal posterior), check convergence (R-hat, ESS), reproduce Table 4 and Figs.
# 1-12, and compare every number of Section 5 with ours.

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"

# %%
import mwlib

print(f"mwlib {mwlib.__version__}: this notebook holds its plan only so far.")
