"""pytest plugin for ``make nbval`` (``-p tests.nbval_plugin``): nbval's notebook kernels talk over IPC sockets.

ipykernel 7 warns that a TCP kernel "is running over TCP without encryption" in every make output. nbval has no
option for the transport, so this plugin gives nbval a kernel manager whose default transport is IPC; the runner
(:mod:`mwlib.repro.runner`) does the same for papermill. :mod:`mwlib.repro.check_notebooks` loads it.
"""

from __future__ import annotations

import os
import tempfile

import nbval.kernel
from jupyter_client.manager import KernelManager


class IPCKernelManager(KernelManager):
    """A kernel manager that uses IPC sockets unless told otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        if kwargs["transport"] == "ipc":  # socket files in a private directory, not in the notebooks' folder
            kwargs.setdefault("ip", os.path.join(tempfile.mkdtemp(prefix="mwlib-ipc-"), "kernel"))
        super().__init__(**kwargs)


nbval.kernel.KernelManager = IPCKernelManager
