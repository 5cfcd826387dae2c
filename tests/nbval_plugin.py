"""pytest plugin for ``make nbval`` (``-p tests.nbval_plugin``), loaded by :mod:`mwlib.repro.check_notebooks`.

* **Quiet kernels.** nbval has no option for the kernel manager, so this plugin replaces the one nbval uses by
  :class:`mwlib.repro.kernel.QuietKernelManager` (IPC sockets, no SIGINT at shutdown), as the runner does for
  papermill.
* **Cells of real data.** A cell marked ``# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA`` prints numbers of the external
  files (the public BHB stars). Its output is compared like a ``# NBVAL_CHECK_OUTPUT`` cell when every external
  file is present (``MWLIB_NBVAL_EXTERNAL=1``, set by the check), and not compared otherwise: the committed
  outputs were made with the files, so a check without them cannot reproduce these cells, while the cells marked
  ``NBVAL_CHECK_OUTPUT`` must come out the same either way.
"""

from __future__ import annotations

import os

import nbval.kernel
import nbval.plugin

from mwlib.repro.check_notebooks import EXTERNAL_ENV, EXTERNAL_MARKER
from mwlib.repro.kernel import QuietKernelManager

nbval.kernel.KernelManager = QuietKernelManager
nbval.plugin.comment_markers[EXTERNAL_MARKER] = "check" if os.environ.get(EXTERNAL_ENV) == "1" else ("check", False)
