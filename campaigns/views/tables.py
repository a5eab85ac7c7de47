"""Search, status filter, sorting and pagination of the Campaigns app's tables, from the query string."""

from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode

from iqm_portal.query import parse_id, search_text

PAGE_SIZE = 25


def table_state(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    sorts: dict[str, str],
    default_sort: str,
    target: str,
    statuses,
    search,
) -> dict:
    """The table's rows for this request, and what its template needs to link to other views of it.

    ``sorts`` maps the names the query string uses to model fields; ``search(queryset, text)`` filters.
    An unknown sort or status is ignored rather than an error: these come from links people edit.
    """
    params = request.GET
    text = search_text(params.get("q"))
    status = params.get("status", "")
    sort = params.get("sort", default_sort)
    if sort.lstrip("-") not in sorts:
        sort = default_sort
    if text:
        queryset = search(queryset, text)
    if status in dict(statuses):
        queryset = queryset.filter(status=status)
    field = sorts[sort.lstrip("-")]
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    queryset = queryset.order_by(order, "-pk" if sort.startswith("-") else "pk")
    # A page that is no number in ASCII digits is the first one (int() would read "２" as 2).
    page = Paginator(queryset, PAGE_SIZE).get_page(parse_id(params.get("page", "")))
    current = {"q": text, "status": status, "sort": sort, "page": page.number}

    def url(**changes) -> str:
        query = {k: v for k, v in {**current, **changes}.items() if v not in (None, "")}
        if query.get("page") == 1:
            del query["page"]
        if query.get("sort") == default_sort:
            del query["sort"]
        return f"?{urlencode(query)}"

    return {
        "page": page,
        "rows": page.object_list,
        "q": text,
        "status": status,
        "statuses": statuses,
        "sort": sort,
        "url": url,
        "target": target,
        "previous_url": url(page=page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page=page.next_page_number()) if page.has_next() else None,
    }
