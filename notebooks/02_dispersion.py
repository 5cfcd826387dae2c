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
# # 02 · Velocity dispersions (Bird et al. 2022)
#
# Bird et al. (2022), Sections 2.1 and 4.1-4.4: 3D velocity-dispersion profiles of halo stars.
#
# **Plan** (not yet built):
# 1. halo-star samples: K-giant-like and BHB-like mocks with known truth, and the public SEGUE BHB
#    stars of Barbosa et al. (2022) with Gaia EDR3 proper motions;
# 2. Galactocentric spherical velocities and per-star 3x3 covariances from 1000 Monte Carlo draws;
# 3. the paper's radial bins, extreme deconvolution with one Gaussian per bin, beta (Eq. 5);
# 4. the exponential sigma_r(r) fit of Eqs. 2-3 with emcee, and the tracer density of Section 4.2;
# 5. figures after Figs. 1-4 and `results/halo_<sample>_dispersion.csv`.

# %% tags=["parameters"]
seed = 0
quick = False
results_dir = "../results"
figures_dir = "../figures"

# %%
import mwlib

print(f"mwlib {mwlib.__version__}: this notebook holds its plan only so far.")
