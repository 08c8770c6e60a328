"""`skylocker`: the command-line client. It talks only to the API (/api/v1/…)."""

import glob
import hashlib
import json
import os
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import click
from tqdm import tqdm

from skylocker_cli import config, folders
from skylocker_cli import sharing as cli_sharing
from skylocker_cli.client import (
    EXIT_NOT_FOUND,
    EXIT_TOO_LARGE,
    FILE,
    LOGIN,
    ME,
    PAGE,
    TICKET,
    TOKEN,
    TRASH_PAGE,
    VERSION,
    Api,
    Failure,
    check,
    fits,
    post_to_storage,
    shaped,
)

FILE_ID = click.UUID


def progress(enabled: bool | None, total: int, label: str, position: int | None = None) -> dict:
    # Shown when asked, or when a person is watching the terminal; several files, several lines.
    show = sys.stderr.isatty() if enabled is None else enabled
    return {
        "total": total,
        "desc": label,
        "unit": "B",
        "unit_scale": True,
        "unit_divisor": 1024,
        "disable": not show,
        "file": sys.stderr,
        "position": position,
        "leave": True,
    }


progress_option = click.option(
    "--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal)."
)


@click.group()
@click.version_option(package_name="skylocker")
def cli():
    """Skylocker from the command line: log in once, then put, ls, get, replace, rename, mv and
    rm files, mkdir folders, share files and ask for files."""


@cli.command()
@click.argument("url")
@click.option("-u", "--username", prompt=True)
@click.option("--password", prompt=True, hide_input=True, envvar="SKYLOCKER_PASSWORD")
@click.option(
    "--otp",
    envvar="SKYLOCKER_OTP",
    default=None,
    help="Two-factor sign-in: the code from your authenticator app, or a recovery code "
    "(asked for when the account needs one and this is not given).",
)
def login(url, username, password, otp):
    """Log in to the Skylocker at URL and keep the token in your config folder (mode 0600).

    An account with two-factor sign-in also needs a code from its authenticator app (or a
    recovery code): give it with --otp, or type it when asked."""
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(
            "give the full address, such as https://skylocker.example.com", param_hint="URL"
        )
    api = Api(url)
    credentials = {"username": username, "password": password}
    if otp:
        credentials["otp"] = otp.strip()
    answer = api.request("POST", "/api/v1/auth/token", accept=(401,), json=credentials)
    if answer.status_code == 401 and "otp" not in credentials and wants_otp(answer):
        code = click.prompt("Two-factor code (from your authenticator app, or a recovery code)")
        credentials["otp"] = code.strip()
        answer = api.request("POST", "/api/v1/auth/token", json=credentials)
    elif answer.status_code == 401:
        check(answer)  # a Failure saying why (a wrong password, or a wrong code)
    body = shaped(answer, TOKEN)
    path = config.save(
        {
            "url": api.url,
            "token": body["token"],
            "expires_at": body["expires_at"],
            "username": username,
        }
    )
    click.echo(f"Logged in to {api.url} as {username}; the token expires {body['expires_at']}.")
    click.echo(f"Token kept in {path}.", err=True)


def wants_otp(answer) -> bool:
    """The server's 401 says the account needs its second factor (not that the password is
    wrong)."""
    try:
        return answer.json().get("otp_required") is True
    except ValueError:
        return False


@cli.command()
def logout():
    """Revoke the token on the server and forget it here."""
    saved = config.load()
    if not fits(saved, LOGIN):
        click.echo("Not logged in.")
        return
    try:
        Api(saved["url"], saved["token"]).delete("/api/v1/auth/token")
    except Failure as exc:
        click.echo(
            f"The server did not revoke the token ({exc.message.splitlines()[0]}).", err=True
        )
    config.forget()
    click.echo("Logged out.")


@cli.command()
def whoami():
    """Who the saved token belongs to."""
    api = Api.from_config()
    me = api.json("GET", "/api/v1/me", ME)
    staff = " (staff)" if me["is_staff"] else ""
    click.echo(
        f"{me['username']}{staff}: {me['first_name']} {me['last_name']} <{me['email']}> ({api.url})"
    )


@cli.command("ls")
@click.option(
    "-s",
    "--search",
    default="",
    help="Only files with every word of this in their name or description.",
)
@click.option("--owner", default=None, help="Staff only: files of this username.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, for scripts.")
@click.argument("folder", required=False, default=None)
def list_files(search, owner, as_json, folder):
    """List your files (staff: everyone's), newest first, each with its path; with FOLDER
    (a path such as /reports), the folders and files directly in it."""
    api = Api.from_config()
    params = {"search": search, "page_size": 500}
    if owner:
        params["owner"] = owner
    if folder is not None:
        found = folders.resolve_folder(api, folder)
        params["folder"] = found["id"] if found else "root"
        for sub in folders.children(api, found):
            shown = f"{sub['id']}  {'folder':>10}  {sub['path']}/"
            click.echo(json.dumps(sub) if as_json else shown)
    page = api.json("GET", "/api/v1/files", PAGE, params=params)
    rows = list(page["results"])
    while page["next"]:
        page = api.json("GET", page["next"], PAGE)
        rows.extend(page["results"])
    for row in rows:
        if as_json:
            click.echo(json.dumps(row))
        else:
            when = row["updated_at"][:16].replace("T", " ")
            where = row.get("path") or row["name"]
            click.echo(f"{row['id']}  {row['size']:>10}  {when}  {where}  {row['description']}")
    if not rows and not as_json:
        click.echo("No files.", err=True)


@cli.command()
@click.argument("files", metavar="FILE... [FOLDER/]", nargs=-1, required=True)
@click.option("-d", "--description", default="", help="A short description (up to 255 characters).")
@click.option(
    "-t", "--to", "to", default=None,
    help="The folder to put them in, as a path such as /reports (default: the top).",
)
@click.option(
    "--through-app",
    is_flag=True,
    help="Send the bytes through the Skylocker server even when it stores files on S3.",
)
@click.option(
    "-j", "--jobs", default=3, show_default=True, type=click.IntRange(1, 8),
    help="How many files travel at a time.",
)  # fmt: skip
@progress_option
def put(files, description, to, through_app, jobs, progress):
    """Upload each FILE (names or quoted globs such as '*.pdf'); prints each new file's id.

    A last argument ending in "/" (`skylocker put a.pdf /reports/`) or --to names the folder
    of yours they go into; it must exist (make it with `skylocker mkdir`).

    Several files go a few at a time, each with its own progress bar; one that fails does not
    stop the others, and the exit code is that of the first failure. When the server keeps
    its files on S3, the bytes go straight to the bucket and the server then checks them
    against the SHA-256 computed here; otherwise they go through the server.
    """
    if to is None and len(files) > 1 and files[-1].endswith("/"):
        files, to = files[:-1], files[-1]
    paths = expand(files)
    api = Api.from_config()
    target = folders.resolve_folder(api, to) if to is not None else None

    def put_one(numbered: tuple[int, Path]) -> dict:
        position, file = numbered
        show = {"show": progress, "position": position if len(paths) > 1 else None}
        stored = None if through_app else send_direct(api, file, description, **show)
        if stored is None:
            fields = {"description": description, **({"folder": target["id"]} if target else {})}
            stored = send(api, "POST", "/api/v1/files", file, fields, **show)
        elif target is not None:  # straight to the bucket, then into its folder
            stored = folders.move(api, stored["id"], target, None)
        return stored

    if len(paths) == 1:
        click.echo(put_one((0, paths[0]))["id"])
        return
    failures = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(put_one, numbered) for numbered in enumerate(paths)]
        for file, future in zip(paths, futures, strict=True):
            try:
                stored = future.result()
            except Failure as exc:
                failures.append(exc)
                click.echo(f"{file}: {exc.message}", err=True)
            else:
                click.echo(f"{stored['id']}  {file}")
    if failures:
        raise Failure(
            f"{len(paths) - len(failures)} uploaded, {len(failures)} refused.",
            failures[0].exit_code,
        )


def expand(arguments: tuple[str, ...]) -> list[Path]:
    """The files named, with globs the shell left alone (quoted, or on Windows) expanded."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        matches = [path] if path.exists() else [Path(m) for m in sorted(glob.glob(argument))]
        if not matches:
            raise click.BadParameter(f"no file matches {argument}", param_hint="FILE")
        for match in matches:
            if not match.is_file():
                raise click.BadParameter(f"{match} is not a file", param_hint="FILE")
            if match not in found:
                found.append(match)
    return found


@cli.command()
@click.argument("file_id", metavar="ID", type=FILE_ID)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write (default: its name here).",
)
@click.option("-f", "--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--version", "version_id", type=FILE_ID, help="An earlier version's id (see `versions`)."
)
@progress_option
def get(file_id, output, force, progress, version_id):
    """Download a file (or one of its earlier versions) and check its SHA-256."""
    api = Api.from_config()
    content = f"/api/v1/files/{file_id}/content"
    if version_id is None:
        meta = api.json("GET", f"/api/v1/files/{file_id}", FILE)
    else:
        meta = version_meta(api, file_id, version_id)
        content = f"/api/v1/files/{file_id}/versions/{version_id}/content"
    name = local_name(meta["name"], file_id)
    target = output or Path(name)
    if target.is_dir():
        target = target / name
    if target.exists() and not force:
        raise Failure(f"{target} exists; use --force to overwrite it.")
    partial = target.with_name(target.name + ".part")
    try:
        if download(api, content, partial, progress_bar(progress, meta)) != meta["sha256"]:
            raise Failure(
                f"The download of {meta['name']} was damaged (SHA-256 differs); nothing written."
            )
        os.replace(partial, target)
    except OSError as exc:  # no such folder, not writable, disk full
        raise Failure(f"Cannot write {target}: {exc.strerror or exc}.") from None
    finally:
        if partial.exists():  # whatever stopped it, no half-written file is left
            partial.unlink()
    click.echo(str(target))


def local_name(name: str, file_id) -> str:
    """The last part of the name the server gave: never a path that leads out of the folder."""
    last = PurePosixPath(name.replace("\\", "/")).name
    return last if last not in {"", ".", ".."} else str(file_id)


def version_meta(api: Api, file_id, version_id) -> dict:
    for version in api.json_list("GET", f"/api/v1/files/{file_id}/versions", VERSION):
        if version["id"] == str(version_id):
            return version
    raise Failure(f"File {file_id} has no version {version_id}.", EXIT_NOT_FOUND)


def download(api: Api, content: str, partial: Path, bar_options: dict) -> str:
    """The bytes at the `content` path written to `partial`; their SHA-256."""
    digest = hashlib.sha256()
    with api.download(content) as response:
        with open(partial, "wb") as out, tqdm(**bar_options) as bar:
            for chunk in response.iter_bytes():
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    return digest.hexdigest()


def progress_bar(enabled, meta) -> dict:
    return progress(enabled, meta["size"], meta["name"])


@cli.command()
@click.argument("file_id", metavar="ID", type=FILE_ID)
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("-d", "--description", default=None, help="A new description.")
@progress_option
def replace(file_id, file, description, progress):
    """Replace a file's content (FILE) and/or its description (-d); the name stays.

    A new FILE always goes through the Skylocker server, also when it keeps its files on S3.
    """
    if file is None and description is None:
        raise click.UsageError("Give a new FILE, a new --description, or both.")
    api = Api.from_config()
    path = f"/api/v1/files/{file_id}"
    if file is None:
        stored = api.json("PATCH", path, FILE, json={"description": description})
    else:
        fields = {} if description is None else {"description": description}
        stored = send(api, "PATCH", path, file, fields, progress)
    click.echo(f"Replaced {stored['name']} ({stored['size']} bytes).")


@cli.command()
@click.argument("file_id", metavar="ID", type=FILE_ID)
@click.argument("name")
def rename(file_id, name):
    """Give a file a new NAME; its content and id stay."""
    api = Api.from_config()
    stored = api.json("PATCH", f"/api/v1/files/{file_id}", FILE, json={"name": name})
    click.echo(f"Renamed to {stored['name']}.")


@cli.command()
@click.argument("file_id", metavar="ID", type=FILE_ID)
@click.option(
    "--permanent", is_flag=True, help="Delete for good: the file, or its trash item, and versions."
)
def rm(file_id, permanent):
    """Move a file to the trash (the administrators are told); --permanent deletes for good."""
    api = Api.from_config()
    if not permanent:
        api.delete(f"/api/v1/files/{file_id}")
        click.echo(f"Moved {file_id} to the trash.")
        return
    # A current file goes through the trash first, so both doors record the same deletion.
    api.delete(f"/api/v1/files/{file_id}", missing_ok=True)
    api.delete(f"/api/v1/trash/{file_id}")
    click.echo(f"Deleted {file_id} permanently.")


@cli.command()
@click.option("--owner", default=None, help="Staff only: this username's trash.")
def trash(owner):
    """List your trash (staff: everyone's), newest deletion first."""
    api = Api.from_config()
    params = {"page_size": 500, **({"owner": owner} if owner else {})}
    page = api.json("GET", "/api/v1/trash", TRASH_PAGE, params=params)
    rows = list(page["results"])
    while page["next"]:
        page = api.json("GET", page["next"], TRASH_PAGE)
        rows.extend(page["results"])
    for row in rows:
        deleted, purge = (row[key][:16].replace("T", " ") for key in ("deleted_at", "purge_at"))
        click.echo(
            f"{row['id']}  {row['size']:>10}  deleted {deleted} by {row['deleted_by']}  "
            f"purged {purge}  {row['name']}"
        )
    if not rows:
        click.echo("The trash is empty.", err=True)


@cli.command()
@click.argument("file_id", metavar="ID", type=FILE_ID)
def restore(file_id):
    """Put a file back from the trash, with its id, content and versions."""
    api = Api.from_config()
    stored = api.json("POST", f"/api/v1/trash/{file_id}/restore", FILE)
    click.echo(f"Restored {stored['name']} ({stored['size']} bytes).")


@cli.command()
@click.argument("file_id", metavar="ID", type=FILE_ID)
def versions(file_id):
    """List a file's earlier versions, newest first (get one with `get ID --version VID`)."""
    api = Api.from_config()
    rows = api.json_list("GET", f"/api/v1/files/{file_id}/versions", VERSION)
    for row in rows:
        stored = row["stored_at"][:16].replace("T", " ")
        click.echo(
            f"{row['id']}  {row['size']:>10}  {stored}  {row['name']}  "
            f"(replaced by {row['replaced_by']})"
        )
    if not rows:
        click.echo("No earlier versions.", err=True)


def send(api: Api, method: str, path: str, file: Path, fields: dict, show, position=None) -> dict:
    """A multipart upload streamed from disk with a known length (the server needs one)."""
    size = file.stat().st_size
    with (
        open(file, "rb") as raw,
        tqdm.wrapattr(raw, "read", **progress(show, size, file.name, position)) as f,
    ):
        files = {"file": (file.name, f, "application/octet-stream")}
        return api.json(method, path, FILE, data=fields, files=files)


def send_direct(api: Api, file: Path, description: str, show, position=None) -> dict | None:
    """Straight to S3: a ticket, the bytes to the bucket, then finalize with the SHA-256.

    None when the server keeps its files on local disk (it answers 409): send through it then.
    """
    answer = api.request(
        "POST",
        "/api/v1/uploads",
        json={"name": file.name, "description": description},
        accept=(409,),
    )
    if answer.status_code == 409:
        return None
    ticket = shaped(answer, TICKET)
    size = file.stat().st_size
    refuse_over_limit(file, size, ticket["max_bytes"])
    checksum = sha256_of(file)
    with (
        open(file, "rb") as raw,
        tqdm.wrapattr(raw, "read", **progress(show, size, file.name, position)) as f,
    ):
        post_to_storage(
            ticket["url"], ticket["fields"], {"file": (file.name, f, "application/octet-stream")}
        )
    finalize = f"/api/v1/uploads/{ticket['id']}/finalize"
    return api.json("POST", finalize, FILE, json={"sha256": checksum})


def refuse_over_limit(file: Path, size: int, limit: int) -> None:
    if size > limit:
        raise Failure(
            f"{file.name} has {size} bytes, larger than the server's limit of {limit} bytes; "
            "nothing was sent.",
            EXIT_TOO_LARGE,
        )


def sha256_of(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


@cli.command()
@click.argument("path")
@click.option("-p", "--parents", is_flag=True, help="Make the folders above it too, as needed.")
def mkdir(path, parents):
    """Make a folder, such as /reports/2026 (names are unique in a folder, ignoring case)."""
    api = Api.from_config()
    made = folders.make(api, path, parents)
    click.echo(f"{made['id']}  {made['path']}/")


@cli.command()
@click.argument("source", metavar="SRC")
@click.argument("dest", metavar="DEST")
def mv(source, dest):
    """Move SRC (a file's id or path, or a folder's path) into the folder DEST, or to DEST as
    its new path (a move and a rename at once), as `mv` does."""
    api = Api.from_config()
    try:
        file_id = uuid.UUID(source)
    except ValueError:
        kind, found = folders.find(api, source)
    else:
        kind, found = "file", api.json("GET", f"/api/v1/files/{file_id}", FILE)
    if kind == "root":
        raise Failure("The top folder cannot be moved.")
    into, name = where_to(api, dest)
    if kind == "file":
        moved = folders.move(api, found["id"], into, name)
    else:
        moved = folders.move_folder(api, found["id"], into, name)
    click.echo(f"Moved to {moved['path']}.")


def where_to(api: Api, dest: str) -> tuple[dict | None, str | None]:
    """DEST as (folder, new name): an existing folder (or a path ending in /) is moved into,
    anything else is the new path of what moves."""
    if dest.endswith("/"):
        return folders.resolve_folder(api, dest), None
    try:
        kind, found = folders.find(api, dest)
    except Failure:
        kind, found = "missing", None
    if kind in ("folder", "root"):
        return found, None
    if kind == "file":
        raise Failure(f"{dest} exists already; nothing was moved.")
    names = folders.parts(dest)
    parent = folders.resolve_folder(api, "/" + "/".join(names[:-1]))
    return parent, names[-1]


for _command in cli_sharing.COMMANDS:
    cli.add_command(_command)
