"""A thin httpx client for the Skylocker API that turns failures into messages, not tracebacks."""

import click
import httpx

from skylocker_cli import config

TIMEOUT = httpx.Timeout(30.0, connect=10.0)

# Exit codes a script can tell apart.
EXIT_ERROR = 1
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_TOO_LARGE = 5
EXIT_UNREACHABLE = 6


class Failure(click.ClickException):
    def __init__(self, message: str, exit_code: int = EXIT_ERROR):
        super().__init__(message)
        self.exit_code = exit_code


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
    if response.is_success or response.is_redirect:
        return response
    if not response.headers.get("content-type", "").startswith("application/json"):
        raise Failure(
            f"{response.request.url} did not answer like a Skylocker server "
            f"(HTTP {response.status_code}). Check the URL.",
            EXIT_UNREACHABLE,
        )
    code = {401: EXIT_AUTH, 404: EXIT_NOT_FOUND, 413: EXIT_TOO_LARGE}.get(
        response.status_code, EXIT_ERROR
    )
    message = detail(response)
    if response.status_code == 401:
        message += "\nRun `skylocker login URL` to get a new token."
    raise Failure(message, code)


class Api:
    def __init__(self, url: str, token: str | None = None):
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=TIMEOUT)

    @classmethod
    def from_config(cls) -> "Api":
        saved = config.load()
        if not saved.get("token"):
            raise Failure("Not logged in. Run `skylocker login URL` first.", EXIT_AUTH)
        return cls(saved["url"], saved["token"])

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            return check(self.http.request(method, path, **kwargs))
        except httpx.TransportError as exc:
            raise Failure(f"Cannot reach {self.url}: {exc}", EXIT_UNREACHABLE) from None

    def stream(self, method: str, path: str, **kwargs):
        try:
            return self.http.stream(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise Failure(f"Cannot reach {self.url}: {exc}", EXIT_UNREACHABLE) from None
