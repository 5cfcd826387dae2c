"""mwlib: the tested helper library behind the notebooks of this repository.

The repository is the reproducible supplement to

* Bird et al. (2022), the Milky Way mass profile from halo K giants and BHB stars
  (3D spherical Jeans equation, Evans et al. 2011 tracer mass estimator, NFW + baryons);
* Eadie & Harris (2016), a Bayesian mass estimate from globular clusters with a
  power-law distribution function.

One package per paper (``mwlib.bird22``, ``mwlib.eh16``) on a shared core (``mwlib.core``), and the
reproduction machinery (``mwlib.repro``); ARCHITECTURE.md maps the modules. Each module docstring names the
paper equations it implements, and ``python -m mwlib.equations`` indexes them.

Conventions used across the package
-----------------------------------
* Tracer density rho ∝ r**(-alpha) with alpha > 0 (Eadie & Harris 2016; Watkins et al. 2010).
  Bird et al. (2022) print the same slopes with a negative sign.
* Plain arrays carry their unit in the name (``r_kpc``, ``v_kms``); astropy units at boundaries.
* Every function that draws random numbers takes ``rng: numpy.random.Generator`` as a keyword, without a
  default; notebooks spawn children of one seeded generator, sweeps give each task its own seed.
"""

__version__ = "0.2.0"  # as in CITATION.cff
