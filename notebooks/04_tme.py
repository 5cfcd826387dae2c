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
# # 04 · Tracer mass estimator (Bird et al. 2022)
#
# Bird et al. (2022), Eq. 4: the Evans et al. (2011) scale-free tracer mass estimator.
#
# **Plan** (not yet built): per-bin TME profiles with beta from the deconvolved dispersions, the
# mean-velocity subtraction of Section 3.2 on and off, bootstrap errors; NFW fits; Tables 1-2 beside ours;
# figures after Figs. 5 and 7.

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"

# %%
import mwlib

print(f"mwlib {mwlib.__version__}: this notebook holds its plan only so far.")
