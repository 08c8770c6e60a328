"""Skylocker for an ASGI server (uvicorn, see skylocker/serve.py).

Each request's body is received on the event loop (skylocker/bodies.py); only then does the
unchanged WSGI app run, in a small thread pool, with the complete body as `wsgi.input`. Django's
own ASGI handler would funnel every sync view through one thread per process; this keeps the
threads gunicorn gave us while no thread ever waits on a client's upload.
"""

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import unquote_to_bytes

from django.conf import settings

from skylocker.bodies import (
    BodyStalled,
    BodyTooLarge,
    ClientGone,
    Receive,
    Scope,
    body_limit,
    declared_length,
    has_header,
    reads_chunked,
    receive_body,
)
from skylocker.wsgi import application as wsgi_application

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse

Send = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]
Message = dict[str, Any]

# How long a refused request's remaining body is read and dropped before the connection closes.
LINGER = 2
# Downloads stream from a file in blocks this large: each block is one hand-over from a web
# thread to the event loop. 1 MiB against 256 KiB: a 10 MiB download 1.3x nginx's time instead
# of 1.4-1.5x, for about 3 MiB more at the peak of a download (bench/transfer.py, bench/memory.py).
FILE_BLOCK = 1024 * 1024


def refusal_text(status: int) -> str:
    from locker.forms import over_limit_message

    if status == 413:
        return over_limit_message()
    seconds = f"{settings.BODY_TIMEOUT} second" + ("" if settings.BODY_TIMEOUT == 1 else "s")
    return (
        f"The request's body stopped arriving for {seconds}, so the "
        "connection was closed. Nothing was stored; please try again."
    )


async def refuse(scope: Scope, receive: Receive, send: Send, status: int) -> None:
    """Answer without reading the body, then close: the client is told why at once."""
    text = refusal_text(status)
    if scope["path"].startswith("/api/"):
        content, kind = json.dumps({"detail": text}).encode(), b"application/json"
    else:
        content, kind = text.encode(), b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(content)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content, "more_body": True})
    # A lingering close: what the client is still sending is read and dropped for a moment, or
    # its kernel could meet our close with a reset that swallows the answer before it is read.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(LINGER if status == 413 else 0):
            while (await receive()).get("more_body"):
                pass
    await send({"type": "http.response.body", "body": b""})


def build_environ(scope: Scope, body: IO[bytes]) -> dict[str, Any]:
    """PEP 3333's environ from the ASGI scope: the path as raw bytes, headers as HTTP_*."""
    server, port = scope.get("server") or ("localhost", 80)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(scope.get("raw_path") or scope["path"]).decode("latin1"),
        "QUERY_STRING": scope["query_string"].decode("latin1"),
        "SERVER_NAME": server,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
    }
    if client := scope.get("client"):
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = f"HTTP_{name}"
        value = raw_value.decode("latin1")
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    return environ


class FileWrapper:
    """`wsgi.file_wrapper`: a download read in large blocks instead of Django's 4 KiB ones."""

    def __init__(self, filelike: IO[bytes], block_size: int = FILE_BLOCK):
        self.filelike = filelike

    def __iter__(self) -> Iterable[bytes]:
        while block := self.filelike.read(FILE_BLOCK):
            yield block

    def close(self) -> None:
        self.filelike.close()


class Response:
    """One WSGI call, run on a web thread; it sends to the event loop only when it must.

    A response of one chunk (nearly all of them) returns to the loop whole. A longer one (a
    download) is sent chunk by chunk from the same thread, which waits for the loop, so a
    slow reader holds back the thread rather than filling memory. The app's iterable is closed
    on that thread too: Django closes the request's database connections there.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        send: Send,
        client_gone: asyncio.Event,
        *,
        close: bool,
    ):
        self.loop = loop
        self.send = send
        self.client_gone = client_gone
        self.close = close
        self.start: Message = {}

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> None:
        raw = [(k.lower().encode("latin1"), v.encode("latin1")) for k, v in headers]
        if self.close:
            raw.append((b"connection", b"close"))
        self.start = {
            "type": "http.response.start",
            "status": int(status.split(" ", 1)[0]),
            "headers": raw,
        }

    def run(self, environ: dict[str, Any]) -> list[Message] | None:
        """The messages to send, or None once this thread has sent them itself."""
        # Django's handler never calls the write() that PEP 3333's start_response returns.
        chunks = wsgi_application(environ, cast("StartResponse", self.start_response))
        try:
            iterator = iter(chunks)
            first = next(iterator, b"")
            second = next(iterator, None)
            if second is None:
                return [self.start, {"type": "http.response.body", "body": first}]
            self.hand_over(self.start)
            for chunk in (first, second):
                self.hand_over({"type": "http.response.body", "body": chunk, "more_body": True})
            for chunk in iterator:
                self.hand_over({"type": "http.response.body", "body": chunk, "more_body": True})
            self.hand_over({"type": "http.response.body", "body": b""})
            return None
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    def hand_over(self, message: Message) -> None:
        if self.client_gone.is_set():
            raise ClientGone()
        asyncio.run_coroutine_threadsafe(self.send(message), self.loop).result()


class Application:
    def __init__(self, threads: int):
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="web")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets
        try:
            body = await receive_body(
                scope, receive, limit=body_limit(), timeout=settings.BODY_TIMEOUT
            )
        except BodyTooLarge:
            await refuse(scope, receive, send, 413)
            return
        except BodyStalled:
            await refuse(scope, receive, send, 408)
            return
        except ClientGone:
            return
        try:
            await self.respond(scope, receive, send, body)
        finally:
            body.close()

    async def respond(self, scope: Scope, receive: Receive, send: Send, body: IO[bytes]) -> None:
        loop = asyncio.get_running_loop()
        client_gone = asyncio.Event()
        watcher = loop.create_task(self.watch_disconnect(receive, client_gone))
        try:
            # A chunked body was left unread (the app refuses it): the connection is not reused.
            chunked = declared_length(scope) is None and has_header(scope, b"transfer-encoding")
            read = reads_chunked(scope)
            response = Response(loop, send, client_gone, close=chunked and not read)
            environ = build_environ(scope, body)
            if chunked and read:
                # Received whole and counted: the app gets it as a body of known length.
                environ["CONTENT_LENGTH"] = str(body.seek(0, 2))
                body.seek(0)
                del environ["HTTP_TRANSFER_ENCODING"]
            messages = await loop.run_in_executor(self.pool, response.run, environ)
        except ClientGone:
            return
        finally:
            watcher.cancel()
        for message in messages or ():
            await send(message)

    @staticmethod
    async def watch_disconnect(receive: Receive, client_gone: asyncio.Event) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        client_gone.set()

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.pool.shutdown(wait=True)
                await send({"type": "lifespan.shutdown.complete"})
                return


application = Application(threads=settings.WEB_THREADS)
