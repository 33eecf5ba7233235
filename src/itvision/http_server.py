"""The HTTP server `itvision serve` runs: uvicorn's, stopping the way the worker does.

uvicorn, once it has shut down after SIGTERM or SIGINT, raises the signal again so that the
default handler kills the process: a clean stop then exits 143 (or 130), which supervisors
read as a crash. Here a stop asked for by a signal is a success: the server logs `stopping`
(with the signal), finishes in-flight requests and stops the platform, logs `stopped` with how
long that took, and `itvision serve` exits 0.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Iterator
from types import FrameType

import structlog
import uvicorn
from uvicorn.server import HANDLED_SIGNALS

log = structlog.get_logger("itvision.serve")


class HttpServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stop_signal: signal.Signals | None = None
        self._stop_asked_at: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # A signal handler: note the signal, log later from the event loop (writing to a
        # stream that the interrupted code may be writing to is not safe here).
        if self._stop_asked_at is None:
            self.stop_signal = signal.Signals(sig)
            self._stop_asked_at = time.monotonic()
        super().handle_exit(sig, frame)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn's, without raising the captured signal again at the end."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        began = self._stop_asked_at or time.monotonic()
        log.info("stopping", signal=self.stop_signal.name if self.stop_signal else None)
        await super().shutdown(sockets)
        log.info("stopped", seconds=round(time.monotonic() - began, 3))
