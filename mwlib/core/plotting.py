"""One figure style for the whole repository, and atomic saving as PDF + PNG.

Figures are named after the paper figure they reproduce, e.g.
``bird22_fig5_mass_profile`` or ``eadie16_fig4_m125``; :func:`save_figure` writes
``figures/<name>.pdf`` and ``figures/<name>.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt

from mwlib.core.io import atomic_path
from mwlib.core.paths import FIGURES_DIR

STYLE = {
    "figure.figsize": (6.4, 4.4),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.labelsize": 10,
    "axes.titlesize": 10,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "axes.grid": False,
    "lines.linewidth": 1.4,
    "image.cmap": "viridis",
    # Reproducible PDFs: no creation date in the metadata.
    "pdf.compression": 6,
}

#: Colours used for the same thing in every figure.
COLORS = {
    "complete": "tab:blue",
    "los_only": "tab:orange",
    "excluded": "0.6",
    "kgiant": "tab:red",
    "bhb": "tab:blue",
    "published": "k",
}


def use_style() -> None:
    """Apply the repository's matplotlib style."""
    plt.rcParams.update(STYLE)


def save_figure(fig, name: str, figures_dir: str | os.PathLike | None = None) -> list[Path]:
    """Save ``fig`` as ``<figures_dir>/<name>.pdf`` and ``.png``, each atomically."""
    directory = Path(figures_dir) if figures_dir is not None else FIGURES_DIR
    paths = []
    for suffix in (".pdf", ".png"):
        target = directory / f"{name}{suffix}"
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=suffix[1:], metadata={"CreationDate": None} if suffix == ".pdf" else None)
        paths.append(target)
    return paths


def credible_band(ax, r_kpc, mass_draws, levels=(95, 75, 50), color="0.2", label: str = ""):
    """Shade central credible regions of M(<r) draws (n_draws, n_r), widest first."""
    import numpy as np

    for i, level in enumerate(sorted(levels, reverse=True)):
        low, high = np.percentile(mass_draws, [50 - level / 2, 50 + level / 2], axis=0)
        ax.fill_between(r_kpc, low, high, color=color, alpha=0.18 + 0.2 * i, lw=0,
                        label=f"{label}{level}%" if label is not None else None)
    ax.plot(r_kpc, np.median(mass_draws, axis=0), color=color, lw=1)


def joint_contours(ax, x, y, levels=(0.10, 0.30, 0.50, 0.75, 0.95), color="k", smooth=1.0,
                   bins=50, **kwargs):
    """Joint credible-region contours of two parameters (corner's hist2d, no points)."""
    import corner

    corner.hist2d(x, y, ax=ax, levels=levels, color=color, smooth=smooth, bins=bins,
                  plot_datapoints=False, plot_density=False, fill_contours=False,
                  no_fill_contours=True, **kwargs)
