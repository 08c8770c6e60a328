from typing import Any

from django.http import HttpRequest


def look(request: HttpRequest) -> dict[str, Any]:
    """The theme a person chose ("" follows the system's prefers-color-scheme)."""
    return {"theme": getattr(request, "theme", "")}
