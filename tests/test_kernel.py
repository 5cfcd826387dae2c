"""The quiet kernel managers of the runner and nbval (mwlib.repro.kernel): IPC sockets, no SIGINT at shutdown."""

from __future__ import annotations

import asyncio

from jupyter_client.manager import KernelManager

from mwlib.repro.kernel import QuietAsyncKernelManager, QuietKernelManager


def test_shutdown_does_not_interrupt_but_other_interrupts_pass(monkeypatch):
    calls = []

    async def interrupt(self):
        calls.append(self)

    monkeypatch.setattr(KernelManager, "_async_interrupt_kernel", interrupt)
    for cls in (QuietKernelManager, QuietAsyncKernelManager):
        km = cls()
        assert km.transport == "ipc" and "mwlib-ipc-" in km.ip
        km.shutting_down = True  # what jupyter_client sets before it interrupts in a shutdown
        asyncio.run(km._async_interrupt_kernel())
        assert calls == []
        km.shutting_down = False
        asyncio.run(km._async_interrupt_kernel())
        assert calls == [km]
        calls.clear()


def test_the_external_data_marker_is_the_same_in_the_check_and_the_plugin():
    from mwlib.repro import check_notebooks
    from tests import nbval_plugin

    assert nbval_plugin.EXTERNAL_MARKER == check_notebooks.EXTERNAL_MARKER
    assert nbval_plugin.EXTERNAL_ENV == check_notebooks.EXTERNAL_ENV
    import nbval.plugin

    assert check_notebooks.EXTERNAL_MARKER in nbval.plugin.comment_markers
