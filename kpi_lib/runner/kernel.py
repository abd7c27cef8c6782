"""The Jupyter kernel a stage notebook runs in, with its own log kept out of the terminal.

ipykernel writes to its process's stderr, which is inherited from ``kpi run`` / ``kpi batch``.
When a kernel shuts down it sometimes logs a traceback of its already-closed sockets
(``ZMQError: Socket operation on non-socket``) even after a successful run; a timed-out or
interrupted kernel does so reliably. That is noise for a consultant, but a dying kernel's last
words are evidence, so they go to a log file in the run's work folder instead: discarded when
the run publishes, kept with the failed notebook when it does not.
"""
from __future__ import annotations

from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

KERNEL_LOG_NAME = "kernel.log"


def kernel_manager_logging_to(log_path: Path) -> type[AsyncKernelManager]:
    """A kernel-manager class whose kernels write stdout/stderr to ``log_path`` (appended).

    nbclient builds the kernel manager itself from a class, so the path is bound in a subclass
    made for this one run.
    """

    class LoggedKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):  # type: ignore[override]
            # Popen keeps its own descriptor; closing ours after the launch is safe.
            with open(log_path, "ab") as log:
                return await super().start_kernel(stdout=log, stderr=log, **kw)

    return LoggedKernelManager
