"""Answering a table's requests: the whole page, the table alone for htmx, and the column chooser."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .base import PortalTable, TableState, registry
from .preferences import table_columns_choose, table_columns_chosen

# Sent by portal.js when it polls a table: the signature of the rows it shows. Unchanged rows are
# answered 204 No Content, so nothing on the page moves.
SIGNATURE_HEADER = "X-Table-Signature"


def build_table(
    request,
    *,
    table_class: type[PortalTable],
    queryset,
    filterset_class,
    path: str | None = None,
    **table_kwargs,
) -> PortalTable:
    """The table of ``queryset`` as the request's query string filters, sorts and pages it.

    ``path`` is the URL the table answers at, where the page shown is another one (a pop-up's own URL
    opened from a bookmark shows the table behind it). ``table_kwargs`` go to the table (caption,
    empty_text, …).
    """
    params = request.GET
    filterset = filterset_class(params, queryset=queryset, request=request)
    if not filterset.is_valid():
        # A filter value that names nothing (an edited link) is dropped, so the toolbar shows "all".
        params = params.copy()
        for name in filterset.form.errors:
            params.pop(name, None)
        filterset = filterset_class(params, queryset=queryset, request=request)
    # Each toolbar's fields get ids of their own: two tables may share a page.
    filterset.form.auto_id = f"{table_class.dom_id}-%s"
    state = TableState.from_request(request, table_class, path=path, params=params)
    table = table_class(
        filterset.qs,
        state=state,
        filterset=filterset,
        visible=table_columns_chosen(user=request.user, table=table_class.key),
        **table_kwargs,
    )
    return table.paginate_from_state()


def wants_table_only(request, table: PortalTable) -> bool:
    """An htmx request aimed at the table (a sort, a page, a search, a refresh) gets the table alone.

    A history restore (Back, Forward: htmx keeps no snapshots, see base.html) gets the whole page, so that
    the toolbar shows the filters of the URL together with the table.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == table.dom_id


def table_response(request, table: PortalTable, *, template_name: str, context: dict | None = None):
    """The page ``template_name`` with the table (``table``, ``filter``), or the table alone for htmx."""
    context = {**(context or {}), "table": table, "filter": table.filterset}
    if not wants_table_only(request, table):
        return render(request, template_name, context)
    response = render(request, "tables/partial.html", context)
    sent = request.headers.get(SIGNATURE_HEADER)
    if sent and sent == table.signature:
        return HttpResponse(status=204)
    return response


def table_page(
    request,
    *,
    table_class: type[PortalTable],
    queryset,
    filterset_class,
    template_name: str,
    context: dict | None = None,
    prepare=None,
    **table_kwargs,
):
    """A page showing one table: build it from the request, let ``prepare(table)`` add to the rows shown
    (figures computed in Python, for ``table.records``; a shorter ``table.poll_seconds`` while some row is
    still changing), and answer with the page or the table alone."""
    table = build_table(
        request, table_class=table_class, queryset=queryset, filterset_class=filterset_class, **table_kwargs
    )
    if prepare is not None:
        prepare(table)
    return table_response(request, table, template_name=template_name, context=context)


@login_required
@require_POST
def table_columns(request, key: str):
    """The column chooser: remember which optional columns this user shows in this table.

    htmx gets 204 and a ``tableColumnsChanged`` event, on which the page's table refreshes itself; a
    plain form post goes back to the page it came from.
    """
    table_class = registry.get(key)
    if table_class is None:
        raise Http404("No such table.")
    wanted = set(request.POST.getlist("columns"))
    table_columns_choose(
        user=request.user,
        table=key,
        columns=[name for name in table_class.optional_columns if name in wanted],
    )
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps({"tableColumnsChanged": {"table": key}})
        return response
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)
