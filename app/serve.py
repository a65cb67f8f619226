"""Run the service under uvicorn, draining connections and exiting 0 on SIGTERM or SIGINT.

``python -m app.serve [uvicorn options]`` is ``uvicorn app.main:app [options]`` (same flags, same
``UVICORN_*`` environment variables) with two differences, both in a single-process server:

- Since 0.29, uvicorn re-raises the signal it caught once it has shut down, so a process that
  stopped cleanly still dies "of SIGTERM" (exit status 143, or -15 from Python). Orchestrators and
  CI read that as a crash; a clean, requested shutdown exits 0 here. A start-up failure still
  exits non-zero (3 for a refused model).
- Requests that arrive on open keep-alive connections just after the signal are answered, not
  reset (``GracefulServer.shutdown``).

With several workers uvicorn's supervisor owns the signals (and exits 0); its workers are spawned
processes that build uvicorn's own server, so the drain does not apply inside them.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import threading
from collections.abc import Generator
from contextlib import contextmanager
from importlib import import_module

import uvicorn
from uvicorn.server import HANDLED_SIGNALS

__all__ = ["GracefulServer", "main"]

APP = "app.main:app"

#: Seconds after the signal during which requests arriving on open keep-alive connections are still
#: read and answered (with ``Connection: close``) before idle connections are closed.
DRAIN_SECONDS = 0.5


class GracefulServer(uvicorn.Server):
    """A uvicorn server that drains keep-alive connections and exits 0 after a shutdown signal."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn closes idle keep-alive connections at once, so a request a client has just sent
        # on one (still unread in the socket) is lost with a reset. Stop accepting first, then for
        # a short window answer whatever arrives on open connections, each answer closing its
        # connection, so only connections idle for the whole window are closed unread.
        for server in self.servers:
            server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_SECONDS
        while self.server_state.connections and loop.time() < deadline and not self.force_exit:
            for connection in list(self.server_state.connections):
                cycle = getattr(connection, "cycle", None)
                if cycle is not None and not cycle.response_complete:
                    cycle.keep_alive = False
            await asyncio.sleep(0.005)
        await super().shutdown(sockets)

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> None:
    """Parse uvicorn's own command line (the app defaults to ours) and serve."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        args.insert(0, APP)
    # uvicorn.run builds its server from the name `Server` in uvicorn.main (the module, which the
    # package shadows with the click command of the same name).
    import_module("uvicorn.main").Server = GracefulServer  # type: ignore[attr-defined]
    uvicorn.main.main(args=args, prog_name="python -m app.serve")


if __name__ == "__main__":
    main()
