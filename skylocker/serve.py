"""The web server: uvicorn (httptools, uvloop) serving skylocker/asgi.py.

`python -m skylocker.serve --host H --port P --workers N` is what `make run` (bin/serve), the
tests over HTTP (tests/live.py) and the AWS instances run.
"""

import argparse
import asyncio

import uvicorn
from django.conf import settings
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request headers never complete.

    uvicorn times out idle keep-alive connections only; a client that opens a connection and
    sends its headers a byte at a time would hold it forever. Headers are small, so they get
    BODY_TIMEOUT seconds in all from their first byte (or from the connection, if none comes).
    """

    header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.await_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.header_timer is None:
            self.await_headers()

    def on_headers_complete(self) -> None:
        self.stop_waiting()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_waiting()
        super().connection_lost(exc)

    def await_headers(self) -> None:
        self.header_timer = self.loop.call_later(settings.BODY_TIMEOUT, self.headers_stalled)

    def stop_waiting(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def headers_stalled(self) -> None:
        self.header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="web processes")
    args = parser.parse_args(argv)
    uvicorn.run(
        "skylocker.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="skylocker.serve:HttpProtocol",
        loop="uvloop",
        lifespan="on",
        # The client's address is the socket's: settings.py decides which proxies to trust.
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=5,
        # A stop lets requests in flight finish, for at most this long (gunicorn's default).
        timeout_graceful_shutdown=30,
        # The parent kills a web process that misses a health ping for this long (uvicorn's
        # default is 5 s): long enough that a busy machine does not cut off requests in flight,
        # short enough that a stop, which waits for the pings under way, stays prompt.
        timeout_worker_healthcheck=10,
    )


if __name__ == "__main__":
    main()
