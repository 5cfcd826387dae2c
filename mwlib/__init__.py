"""mwlib: the tested helper library behind the notebooks of this repository.

The repository is the reproducible supplement to

* Bird et al. (2022), the Milky Way mass profile from halo K giants and BHB stars
  (3D spherical Jeans equation, Evans et al. 2011 tracer mass estimator, NFW + baryons);
* Eadie & Harris (2016), a Bayesian mass estimate from globular clusters with a
  power-law distribution function.

One module per method; each module docstring names the paper equations it implements.

Conventions used across the package
-----------------------------------
* Tracer density rho ∝ r**(-alpha) with alpha > 0 (Eadie & Harris 2016; Watkins et al. 2010).
  Bird et al. (2022) print the same slopes with a negative sign.
* Plain arrays carry their unit in the name (``r_kpc``, ``v_kms``); astropy units at boundaries.
* Every random draw comes from a ``numpy.random.Generator`` passed in explicitly
  (or built from an explicit integer ``seed``).
"""

__version__ = "0.1.0"
