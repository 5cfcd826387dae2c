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


def test_the_plugin_registers_the_external_data_marker(monkeypatch):
    """Loading the nbval plugin teaches nbval the marker of cells of real data: compared only with the files."""
    import importlib

    import nbval.plugin

    from mwlib.repro import check_notebooks
    from tests import nbval_plugin

    for env, expected in (("1", "check"), ("0", ("check", False))):
        monkeypatch.setenv(check_notebooks.EXTERNAL_ENV, env)
        importlib.reload(nbval_plugin)
        assert nbval.plugin.comment_markers[check_notebooks.EXTERNAL_MARKER] == expected
        assert dict(nbval.plugin.find_comment_markers(f"# {check_notebooks.EXTERNAL_MARKER}\nx = 1")) == (
            {"check": True} if env == "1" else {"check": False})


def test_the_private_socket_directory_is_removed_at_cleanup(monkeypatch):
    import os

    async def nothing(self, restart=False):
        return None

    monkeypatch.setattr(KernelManager, "_async_cleanup_resources", nothing)
    km = QuietAsyncKernelManager()
    assert os.path.isdir(km._socket_dir)
    asyncio.run(km._async_cleanup_resources())
    assert not os.path.exists(km._socket_dir)
