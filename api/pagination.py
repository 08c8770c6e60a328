from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from locker.listing import PAGE_SIZE, Pages, SearchPages


class FilePagination(PageNumberPagination):
    django_paginator_class = Pages  # deep pages without stepping over every earlier row
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """A search's pages are read by the search's own way (listing.Pages, text_search)."""
        searched = bool(request.query_params.get("search", "").strip())
        self.django_paginator_class = SearchPages if searched else Pages
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int | None:
        """Like DRF's, but a page_size that is not a positive number is an error, not ignored."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise ValidationError({"page_size": ["Give a whole number from 1 to 500."]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                # Larger asks are served 500 a page, not refused: no `maximum` in the schema.
                parameter["schema"]["default"] = self.page_size
                parameter["description"] = (
                    f"Files per page: {self.page_size} unless asked, at most {self.max_page_size} "
                    "(a larger number gets that many)."
                )
        return parameters
