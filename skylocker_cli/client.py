"""A thin httpx client for the Skylocker API that turns failures into messages, not tracebacks."""

import re
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version

import click
import httpx

from skylocker_cli import config

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def user_agent() -> str:
    """How the server's audit log tells the command line from other API clients."""
    try:
        return f"skylocker-cli/{version('skylocker')}"
    except PackageNotFoundError:
        return "skylocker-cli/dev"

# Exit codes a script can tell apart.
EXIT_ERROR = 1
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_TOO_LARGE = 5
EXIT_UNREACHABLE = 6


# What the CLI reads from the API's answers: each field with its JSON type. An answer without
# them comes from some other server, whatever its status says.
LOGIN = {"url": str, "token": str}  # the saved config
TOKEN = {"token": str, "expires_at": str}
ME = {"username": str, "first_name": str, "last_name": str, "email": str, "is_staff": bool}
FILE = {"id": str, "name": str, "size": int, "sha256": str, "description": str, "updated_at": str}
PAGE = {"results": [FILE], "next": (str, type(None))}
TICKET = {"id": str, "url": str, "fields": dict, "max_bytes": int}
FOLDER = {"id": str, "name": str, "path": str, "parent": (str, type(None))}
FOLDER_PAGE = {"results": [FOLDER], "next": (str, type(None))}
TRASH_ITEM = {"id": str, "name": str, "size": int, "deleted_at": str, "deleted_by": str,
              "purge_at": str}
TRASH_PAGE = {"results": [TRASH_ITEM], "next": (str, type(None))}
VERSION = {"id": str, "name": str, "size": int, "sha256": str, "stored_at": str,
           "replaced_by": str}


class Failure(click.ClickException):
    def __init__(self, message: str, exit_code: int = EXIT_ERROR):
        super().__init__(message)
        self.exit_code = exit_code


def fits(value, shape) -> bool:
    """Whether JSON `value` has `shape`: a dict of fields, a one-item list for a list, or types."""
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(fits(value.get(k), s) for k, s in shape.items())
    if isinstance(shape, list):
        return isinstance(value, list) and all(fits(item, shape[0]) for item in value)
    return isinstance(value, shape)


def not_skylocker(response: httpx.Response) -> Failure:
    return Failure(
        f"{response.request.url} did not answer like a Skylocker server "
        f"(HTTP {response.status_code}). Check the URL.",
        EXIT_UNREACHABLE,
    )


def shaped(response: httpx.Response, shape):
    """The answer's JSON object if it has `shape`; otherwise the server is not Skylocker."""
    try:
        body = response.json()
    except ValueError:
        raise not_skylocker(response) from None
    if not fits(body, shape):
        raise not_skylocker(response)
    return body


def detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    fields = [
        f"{name}: {' '.join(map(str, messages))}"
        for name, messages in body.items()
        if name != "detail" and isinstance(messages, list)
    ]
    return "\n".join([str(body.get("detail", f"HTTP {response.status_code}")), *fields])


def check(response: httpx.Response) -> httpx.Response:
    """The answer if it is the API's success; otherwise a Failure saying what went wrong.

    The API never redirects: a redirect means a wrong address (often http:// for a server
    that wants https://), and a page that is not JSON means something other than Skylocker.
    """
    is_json = response.headers.get("content-type", "").startswith("application/json")
    if response.is_redirect:
        raise Failure(
            f"{response.request.url} redirects to {response.headers.get('location', '?')}: "
            "that is not a Skylocker API address. Check the URL (https:// rather than http://?).",
            EXIT_UNREACHABLE,
        )
    if response.is_success and (is_json or response.status_code == 204):
        return response
    if not is_json:
        raise not_skylocker(response)
    code = {401: EXIT_AUTH, 404: EXIT_NOT_FOUND, 413: EXIT_TOO_LARGE}.get(
        response.status_code, EXIT_ERROR
    )
    message = detail(response)
    if response.status_code == 401 and "authorization" in response.request.headers:
        # A refused token. At login no token is sent: the server says the password is wrong.
        message += "\nRun `skylocker login URL` to get a new token."
    raise Failure(message, code)


class Api:
    def __init__(self, url: str, token: str | None = None):
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers["User-Agent"] = user_agent()
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=TIMEOUT)

    @classmethod
    def from_config(cls) -> "Api":
        saved = config.load()
        if not fits(saved, LOGIN):
            raise Failure("Not logged in. Run `skylocker login URL` first.", EXIT_AUTH)
        return cls(saved["url"], saved["token"])

    def request(self, method: str, path: str, *, accept=(), **kwargs) -> httpx.Response:
        """The answer, checked; one whose status is in `accept` is handed back as it is."""
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise Failure(f"Cannot reach {self.url}: {exc}", EXIT_UNREACHABLE) from None
        return response if response.status_code in accept else check(response)

    def json(self, method: str, path: str, shape: dict, **kwargs) -> dict:
        """The answer's JSON object, checked, which must have `shape`."""
        return shaped(self.request(method, path, **kwargs), shape)

    def json_list(self, method: str, path: str, item: dict, **kwargs) -> list:
        """The answer's JSON list, checked, each item of which must have the shape `item`."""
        return shaped(self.request(method, path, **kwargs), [item])

    def delete(self, path: str, missing_ok: bool = False) -> None:
        """A DELETE, which Skylocker answers with 204 and nothing else (or 404, if allowed)."""
        response = self.request("DELETE", path, accept=(404,) if missing_ok else ())
        if response.status_code == 404:
            shaped(response, {"detail": str})
        elif response.status_code != 204:
            raise not_skylocker(response)

    @contextmanager
    def download(self, path: str):
        """The streamed answer with a file's bytes: from Skylocker itself, or from the storage URL
        it redirects to (S3, CloudFront). The token is never sent there: it is for Skylocker."""
        try:
            with self.http.stream("GET", path) as response:
                if not response.is_redirect:
                    if not response.is_success:
                        response.read()
                        check(response)
                    yield response
                    return
                location = str(response.url.join(response.headers["location"]))
        except httpx.TransportError as exc:
            raise Failure(f"Cannot reach {self.url}: {exc}", EXIT_UNREACHABLE) from None
        try:
            with (
                httpx.Client(timeout=TIMEOUT, follow_redirects=True) as storage,
                storage.stream("GET", location) as response,
            ):
                if not response.is_success:
                    response.read()
                    raise storage_refusal("download", response)
                yield response
        except httpx.TransportError as exc:
            raise Failure(f"Cannot reach the storage: {exc}", EXIT_UNREACHABLE) from None


def post_to_storage(url: str, fields: dict, files: dict) -> None:
    """A direct upload: the ticket's fields, then the file, as multipart to the storage's URL.

    httpx streams a file object's part in 64 KiB reads with a Content-Length from its size, so
    the file is never held in memory. No Skylocker token goes with it."""
    try:
        with httpx.Client(timeout=TIMEOUT) as storage:
            response = storage.post(url, data=fields, files=files)
    except httpx.TransportError as exc:
        raise Failure(f"Cannot reach the storage at {url}: {exc}", EXIT_UNREACHABLE) from None
    if not response.is_success:
        raise storage_refusal("upload", response)


def storage_refusal(what: str, response: httpx.Response) -> Failure:
    """S3's XML error as one line: `The storage refused the upload (Code: Message).`"""
    found = {
        tag: re.search(rf"<{tag}>([^<]*)</{tag}>", response.text) for tag in ("Code", "Message")
    }
    code = found["Code"].group(1) if found["Code"] else f"HTTP {response.status_code}"
    words = f": {found['Message'].group(1)}" if found["Message"] else ""
    exit_code = EXIT_TOO_LARGE if code == "EntityTooLarge" else EXIT_ERROR
    return Failure(f"The storage refused the {what} ({code}{words}).", exit_code)
