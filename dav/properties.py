"""Dead properties (PROPPATCH) in the database, per owner, for every web process alike.

WsgiDAV's property-manager interface; WsgiDAV passes each call the request's environ, whose
`skylocker.user` (set by dav/views.py) owns the properties. Paths are the user's own.
"""

from typing import Any

from django.db import transaction

from dav.models import DavProperty


def owned(environ: dict[str, Any] | None) -> Any:
    assert environ is not None, "WsgiDAV passes the environ"
    return DavProperty.objects.filter(owner_id=environ["skylocker.user"].pk)


def below(url: str) -> str:
    return url.rstrip("/") + "/"


class DatabasePropertyManager:
    def __repr__(self) -> str:
        return self.__class__.__name__

    def get_properties(self, norm_url: str, environ: dict[str, Any] | None = None) -> list[str]:
        return list(owned(environ).filter(url=norm_url).values_list("name", flat=True))

    def get_property(
        self, norm_url: str, name: str, environ: dict[str, Any] | None = None
    ) -> bytes | None:
        """The property's XML element, serialised, as WsgiDAV gave it (see write_property)."""
        found = owned(environ).filter(url=norm_url, name=name).values_list("value", flat=True)
        value = found.first()
        return value.encode() if value is not None else None

    def write_property(
        self, norm_url: str, name: str, property_value: bytes, dry_run: bool = False,
        environ: dict[str, Any] | None = None,
    ) -> None:
        """`property_value` is the element as etree.tostring gives it: ASCII, the rest escaped."""
        if dry_run:
            return
        with transaction.atomic():
            owned(environ).filter(url=norm_url, name=name).delete()
            DavProperty.objects.create(
                owner=environ["skylocker.user"], url=norm_url, name=name,  # type: ignore[index]
                value=property_value.decode(),
            )

    def remove_property(
        self, norm_url: str, name: str, dry_run: bool = False,
        environ: dict[str, Any] | None = None,
    ) -> None:
        if not dry_run:
            owned(environ).filter(url=norm_url, name=name).delete()

    def remove_properties(self, norm_url: str, environ: dict[str, Any] | None = None) -> None:
        owned(environ).filter(url=norm_url).delete()
        owned(environ).filter(url__startswith=below(norm_url)).delete()

    def copy_properties(
        self, src_url: str, dest_url: str, environ: dict[str, Any] | None = None
    ) -> None:
        with transaction.atomic():
            owned(environ).filter(url=dest_url).delete()
            DavProperty.objects.bulk_create(
                DavProperty(owner_id=p.owner_id, url=dest_url, name=p.name, value=p.value)
                for p in owned(environ).filter(url=src_url)
            )

    def move_properties(
        self, src_url: str, dest_url: str, with_children: bool,
        environ: dict[str, Any] | None = None,
    ) -> None:
        with transaction.atomic():
            owned(environ).filter(url=dest_url).delete()
            owned(environ).filter(url=src_url).update(url=dest_url)
            if with_children:
                for prop in owned(environ).filter(url__startswith=below(src_url)):
                    prop.url = below(dest_url) + prop.url[len(below(src_url)) :]
                    prop.save(update_fields=["url"])
