"""`skylocker share`, `links`, `unshare` and `request`: share links and file requests."""

import os

import click

from skylocker_cli.client import Api

LINK = {"id": str, "file_name": str, "expires_at": str, "downloads": int, "has_password": bool,
        "state": str}
CREATED_LINK = {**LINK, "url": str}
REQUEST = {"id": str, "expires_at": str, "files_received": int, "max_files": int, "state": str}
CREATED_REQUEST = {**REQUEST, "url": str}

days_option = click.option(
    "--days", type=click.IntRange(min=1), default=None,
    help="Days the link works (default 7; the server's limit, 90 unless set otherwise).",
)
password_option = click.option(
    "--password", "ask_password", is_flag=True,
    help="Ask for a password the link's user must give (or take SKYLOCKER_LINK_PASSWORD).",
)


def link_password(ask: bool) -> str | None:
    """With --password: SKYLOCKER_LINK_PASSWORD, else asked twice on the terminal."""
    if not ask:
        return None
    return os.environ.get("SKYLOCKER_LINK_PASSWORD") or click.prompt(
        "Link password", hide_input=True, confirmation_prompt=True
    )


@click.command()
@click.argument("file_id", type=click.UUID)
@days_option
@password_option
@click.option("--max-downloads", type=click.IntRange(min=1), default=None,
              help="The link stops working after this many downloads.")
@click.option("--note", default="", help="A note shown on the link's page.")
def share(file_id, days, ask_password, max_downloads, note):
    """Make a share link to a file and print its URL (shown only now: keep it)."""
    api = Api.from_config()
    body = {"note": note}
    if days is not None:
        body["days"] = days
    if max_downloads is not None:
        body["max_downloads"] = max_downloads
    if password := link_password(ask_password):
        body["password"] = password
    link = api.json("POST", f"/api/v1/files/{file_id}/links", CREATED_LINK, json=body)
    click.echo(link["url"])
    click.echo(f"Link {link['id']} to {link['file_name']}, until {when(link['expires_at'])}.",
               err=True)


@click.command()
def links():
    """List your share links and file requests (staff: everyone's)."""
    api = Api.from_config()
    found = api.json_list("GET", "/api/v1/links", LINK)
    asked = api.json_list("GET", "/api/v1/requests", REQUEST)
    for link in found:
        limit = link.get("max_downloads")
        downloads = f"{link['downloads']}/{limit}" if limit else str(link["downloads"])
        lock = "  password" if link["has_password"] else ""
        click.echo(
            f"{link['id']}  link     {link['state']:<12} {when(link['expires_at'])}  "
            f"{downloads:>7} downloads  {link['file_name']}{lock}"
        )
    for request in asked:
        files = f"{request['files_received']}/{request['max_files']}"
        click.echo(
            f"{request['id']}  request  {request['state']:<12} {when(request['expires_at'])}  "
            f"{files:>7} files      {request.get('message', '')[:40]}"
        )
    if not found and not asked:
        click.echo("No links or file requests.", err=True)


@click.command()
@click.argument("link_id", type=click.UUID)
def unshare(link_id):
    """Revoke a share link (or, given a file request's id, that request)."""
    api = Api.from_config()
    response = api.request("DELETE", f"/api/v1/links/{link_id}", accept=(404,))
    if response.status_code == 404:
        api.delete(f"/api/v1/requests/{link_id}")
        click.echo(f"Revoked file request {link_id}.")
        return
    click.echo(f"Revoked link {link_id}.")


@click.command("request")
@days_option
@password_option
@click.option("--max-files", type=click.IntRange(min=1), default=None,
              help="Files the link takes at most (default 10).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest file taken, in bytes (default and at most the upload limit).")
@click.option("--message", default="", help="Shown on the upload page.")
def file_request(days, ask_password, max_files, max_bytes, message):
    """Make a file request (an upload link for people without an account); print its URL."""
    api = Api.from_config()
    body = {"message": message}
    for key, value in (("days", days), ("max_files", max_files), ("max_bytes", max_bytes)):
        if value is not None:
            body[key] = value
    if password := link_password(ask_password):
        body["password"] = password
    asked = api.json("POST", "/api/v1/requests", CREATED_REQUEST, json=body)
    click.echo(asked["url"])
    click.echo(f"File request {asked['id']}, up to {asked['max_files']} files, until "
               f"{when(asked['expires_at'])}.", err=True)


def when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


COMMANDS = [share, links, unshare, file_request]
