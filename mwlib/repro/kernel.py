"""How the notebook kernels are managed, for the runner (papermill) and for nbval: quietly.

Two defaults of jupyter_client put noise in every ``make`` output without telling a reader anything:

* a TCP kernel warns that it "is running over TCP without encryption": these managers default to IPC sockets,
  in a private temporary directory (two kernels started at once never share socket files);
* a kernel shutdown first interrupts the kernel with SIGINT, and a kernel still handling a message at that moment
  logs "KeyboardInterrupt caught in kernel" on the terminal (it happened at random in runs with two notebooks at a
  time). The notebook has finished (or failed) by then, so these managers skip that interrupt and go straight to
  the shutdown request (and, after jupyter_client's grace period, the kill).
"""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager, KernelManager

__all__ = ["QuietKernelManager", "QuietAsyncKernelManager"]


class _Quiet:
    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        self._socket_dir = None
        if kwargs["transport"] == "ipc" and "ip" not in kwargs:
            self._socket_dir = tempfile.mkdtemp(prefix="mwlib-ipc-")
            kwargs["ip"] = os.path.join(self._socket_dir, "kernel")
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)  # the kernel's private socket directory

    async def _async_interrupt_kernel(self) -> None:
        if getattr(self, "shutting_down", False):
            return  # shutdown: no SIGINT into a finished notebook's kernel
        await super()._async_interrupt_kernel()


class QuietKernelManager(_Quiet, KernelManager):
    """Synchronous kernel manager (nbval's)."""


class QuietAsyncKernelManager(_Quiet, AsyncKernelManager):
    """Asynchronous kernel manager (nbclient's, under papermill)."""
