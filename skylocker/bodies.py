"""Receiving a request body on the event loop, before any web thread is involved.

A client on a slow or stalled connection then costs an open socket and a little memory, not one
of the few threads that run Django. A body over the limit is refused before it is read (never
buffered whole); one within it is kept in memory while small and spooled to an unnamed temp
file past that (so a killed server leaves nothing behind), and given up on after a stretch
without a single byte.
"""

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from typing import IO, Any

from django.conf import settings

# Bodies up to this size stay in memory; larger ones go to a temp file as they arrive. Together
# with the server's own read buffer (64 KiB before it stops reading) this bounds a connection's
# memory.
IN_MEMORY_BYTES = 64 * 1024
# An upload's body is its file plus the multipart framing and the small form fields (the CSRF
# token, a description of at most 255 characters): the upload handler counts the file's bytes
# exactly and answers for bodies near the limit; this layer refuses only what cannot fit.
FORM_ALLOWANCE = 64 * 1024
# Where a body without Content-Length is read (and counted) rather than left unread: WebDAV
# clients (davfs2, Finder, rclone for streams) send PUTs chunked when they do not know the length.
CHUNKED_READ_PREFIXES = ("/dav/",)


Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]


class BodyTooLarge(Exception):
    """More bytes than any acceptable request carries: declared, or counted as they came."""


class BodyStalled(Exception):
    """No byte of the body arrived for BODY_TIMEOUT seconds."""


class ClientGone(Exception):
    """The client closed the connection before its body was complete."""


def body_limit() -> int:
    return settings.MAX_UPLOAD_BYTES + FORM_ALLOWANCE


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number; None when absent (a chunked body, or none)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value)  # the HTTP parser has already refused one that is not a number
    return None


def has_header(scope: Scope, name: bytes) -> bool:
    return any(header == name for header, _ in scope["headers"])


def reads_chunked(scope: Scope) -> bool:
    """Whether a body without Content-Length is read here: under CHUNKED_READ_PREFIXES."""
    return declared_length(scope) is None and scope["path"].startswith(CHUNKED_READ_PREFIXES)


async def receive_body(scope: Scope, receive: Receive, *, limit: int, timeout: float) -> IO[bytes]:
    """The whole body as a file positioned at its start; it is the caller's to close.

    A body with a Content-Length is read: the HTTP parser hands over no more than the
    declared length, so checking it is counting the bytes: a body over the limit is refused
    before its first byte is read. (The upload handler still counts the file's bytes for its
    exact answer near the limit.) A chunked body is read only where `reads_chunked` says so
    (WebDAV), counted as it arrives and refused at the first byte over the limit; elsewhere
    Skylocker refuses chunked bodies (the app's 411 says so), and leaving one unread costs
    nothing.
    """
    length = declared_length(scope)
    if length is not None and length > limit:
        raise BodyTooLarge()
    chunked = reads_chunked(scope)
    received = 0
    body = tempfile.SpooledTemporaryFile(
        max_size=IN_MEMORY_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="body-"
    )
    try:
        more = bool(length) or chunked
        while more:
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise BodyStalled() from None
            if message["type"] == "http.disconnect":
                raise ClientGone()
            chunk = message.get("body", b"")
            received += len(chunk)
            if chunked and received > limit:
                raise BodyTooLarge()
            body.write(chunk)
            more = message.get("more_body", False)
    except BaseException:
        body.close()
        raise
    body.seek(0)
    return body
