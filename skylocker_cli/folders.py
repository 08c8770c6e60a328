"""Folders for the command line: paths such as /reports/2026 read through the API.

Names are matched as the server compares them (NFC-normalised, casefolded), so
`/Reports` and `/reports` name one folder.
"""

import unicodedata

import click

from skylocker_cli.client import EXIT_NOT_FOUND, FILE, FOLDER, FOLDER_PAGE, PAGE, Api, Failure


def key(name: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def parts(path: str) -> list[str]:
    found = [part for part in path.replace("\\", "/").split("/") if part]
    if any(part in (".", "..") for part in found):
        raise click.BadParameter(f"{path}: no . or .. in a Skylocker path")
    return found


def pages(api: Api, path: str, shape: dict, params: dict) -> list[dict]:
    page = api.json("GET", path, shape, params={**params, "page_size": 500})
    rows = list(page["results"])
    while page["next"]:
        page = api.json("GET", page["next"], shape)
        rows.extend(page["results"])
    return rows


def children(api: Api, folder: dict | None) -> list[dict]:
    """The folders directly in `folder` (None: the top)."""
    params = {"parent": folder["id"] if folder else "root"}
    return pages(api, "/api/v1/folders", FOLDER_PAGE, params)


def files_in(api: Api, folder: dict | None) -> list[dict]:
    return pages(api, "/api/v1/files", PAGE, {"folder": folder["id"] if folder else "root"})


def find(api: Api, path: str) -> tuple[str, dict | None]:
    """("folder", folder), ("root", None) or ("file", file) at `path`; Failure when none."""
    folder: dict | None = None
    names = parts(path)
    for index, name in enumerate(names):
        match = next((f for f in children(api, folder) if key(f["name"]) == key(name)), None)
        if match is not None:
            folder = match
            continue
        if index == len(names) - 1:
            found = [f for f in files_in(api, folder) if key(f["name"]) == key(name)]
            if found:
                return "file", max(found, key=lambda f: f["updated_at"])
        raise Failure(f"There is no {path} in your locker.", EXIT_NOT_FOUND)
    return ("folder", folder) if folder else ("root", None)


def resolve_folder(api: Api, path: str) -> dict | None:
    """The folder at `path` (None: the top); Failure when it is a file or missing."""
    kind, found = find(api, path)
    if kind == "file":
        raise Failure(f"{path} is a file, not a folder.")
    return found


def make(api: Api, path: str, parents: bool) -> dict:
    """The folder at `path`, made (and, with `parents`, those above it too)."""
    names = parts(path)
    if not names:
        raise click.BadParameter("give a folder path such as /reports")
    folder: dict | None = None
    for index, name in enumerate(names):
        last = index == len(names) - 1
        match = next((f for f in children(api, folder) if key(f["name"]) == key(name)), None)
        if match is not None and (parents or not last):
            folder = match
            continue
        if match is None and not last and not parents:
            shown = "/" + "/".join(names[: index + 1])
            raise Failure(f"There is no {shown}; use -p to make it too.", EXIT_NOT_FOUND)
        body = {"name": name, "parent": folder["id"] if folder else None}
        folder = api.json("POST", "/api/v1/folders", FOLDER, json=body)
    assert folder is not None
    return folder


def move(api: Api, file_id: str, folder: dict | None, name: str | None) -> dict:
    body = {"folder": folder["id"] if folder else None, **({"name": name} if name else {})}
    return api.json("PATCH", f"/api/v1/files/{file_id}", FILE, json=body)


def move_folder(api: Api, folder_id: str, parent: dict | None, name: str | None) -> dict:
    body = {"parent": parent["id"] if parent else None, **({"name": name} if name else {})}
    return api.json("PATCH", f"/api/v1/folders/{folder_id}", FOLDER, json=body)
