"""Physical constants in the units used throughout mwlib (kpc, km/s, Msun)."""

from astropy import constants as const
from astropy import units as u

#: Newton's constant in kpc (km/s)^2 / Msun (about 4.30092e-6).
G_KPC_KMS2_PER_MSUN: float = const.G.to_value(u.kpc * (u.km / u.s) ** 2 / u.Msun)
