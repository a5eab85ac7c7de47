"""The Audiences app: the table, its pop-ups (details, edit, delete, add to campaign, create campaign)."""

import json

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import organization_required
from iqm_portal.dialogs import dialog_closed, render_dialog
from iqm_portal.exceptions import ApplicationError
from iqm_portal.query import parse_id, parse_ids

from .extensions import (
    audience_feeds,
    audience_load_progress_attach,
    audience_notices_attach,
    audience_selection_actions,
    audience_uses,
)
from .forms import AudienceEditForm, AudienceRenameForm
from .models import AudienceStatus, AudienceType
from .selectors import SIZES, AudienceQuery, audience_list, audience_table, audience_type_counts
from .services import audience_delete, audience_delete_many, audience_duplicate, audience_update

PAGE_SIZES = (25, 50, 100)
CHART_TITLES = [
    ("party", "Party"),
    ("gender", "Gender"),
    ("age_band", "Age"),
    ("state", "State"),
    ("county", "Top counties"),
    ("congressional_district", "Congressional district"),
]


def _home_url() -> str:
    return reverse("audiences:home")


def _audience(request, audience_id: int):
    return get_object_or_404(audience_list(organization=request.organization), pk=audience_id)


def _query_url(request, **changes) -> str:
    params = request.GET.copy()
    for name, value in changes.items():
        if value in (None, ""):
            params.pop(name, None)
        else:
            params[name] = value
    if "page" not in changes:
        params.pop("page", None)
    return f"{reverse('audiences:home')}?{params.urlencode()}" if params else reverse("audiences:home")


def _columns(request, query: AudienceQuery) -> list[dict]:
    """Sortable headers: the link each leads to and the aria-sort the current one carries."""
    columns = []
    for key, label, numeric in [
        ("id", "ID", False),
        ("name", "Audience Name", False),
        (None, "Status", False),
        ("voters", "Voters", True),
        ("households", "Households", True),
        ("cpm", "Data CPM", True),
        ("created", "Created", False),
        ("refreshed", "Last refreshed", False),
        ("allowlisted", "Allow\u00adlisted", True),
        ("blocklisted", "Block\u00adlisted", True),
    ]:
        column = {"label": label, "numeric": numeric, "key": key}
        if key:
            current = query.sort.lstrip("-") == key
            descending = query.sort.startswith("-")
            column["aria_sort"] = ("descending" if descending else "ascending") if current else None
            # Names sort A→Z first; figures and dates, largest and newest first.
            first = key if key == "name" else f"-{key}"
            column["url"] = _query_url(request, sort=(key if descending else f"-{key}") if current else first)
        columns.append(column)
    return columns


def _table_context(request) -> dict:
    organization = request.organization
    query = AudienceQuery.from_params(request.GET)
    page_size = parse_id(request.GET.get("page_size", ""))
    page_size = page_size if page_size in PAGE_SIZES else 50
    paginator = Paginator(audience_table(organization=organization, query=query), page_size)
    # A page that is no number in ASCII digits is the first one (int() would read "２" as 2).
    page = paginator.get_page(parse_id(request.GET.get("page", "")))
    audiences = list(page.object_list)
    audience_load_progress_attach(audiences=audiences)
    audience_notices_attach(request=request, audiences=audiences, place="row")
    return {
        "query": query,
        "page": page,
        "audiences": audiences,
        "columns": _columns(request, query),
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "prev_url": _query_url(request, page=page.previous_page_number()) if page.has_previous() else None,
        "next_url": _query_url(request, page=page.next_page_number()) if page.has_next() else None,
        "table_url": request.get_full_path(),
        "statuses": AudienceStatus.choices,
        "sizes": [(value, label) for value, (label, _, _) in SIZES.items()],
        "can_edit": request.membership.can_edit,
        "row_actions": audience_selection_actions(request=request),
    }


def _home_context(request) -> dict:
    context = _table_context(request)
    counts = audience_type_counts(organization=request.organization)
    selected = context["query"].audience_type
    context["types"] = [
        {
            "label": label,
            "count": counts.get(value, 0),
            "url": _query_url(request, type=value, q="", status=""),
            "current": value == selected,
        }
        for value, label in AudienceType.choices
    ]
    context["total"] = sum(counts.values())
    context["all_url"] = _query_url(request, type="all", q="", status="")
    context["title"] = f"{AudienceType(selected).label} Audience" if selected else "All Audiences"
    context["selection_actions"] = context["row_actions"]
    return context


@organization_required
@require_GET
def home(request):
    """Audiences home: the panel of audience types with counts, and the table of the chosen type."""
    if request.htmx and not request.htmx.history_restore_request and request.htmx.target == "audience-table":
        return render(request, "audiences/_table.html", {**_table_context(request), "partial": True})
    return render(request, "audiences/home.html", _home_context(request))


@organization_required
@require_GET
def row(request, audience_id: int):
    """One table row, polled while its audience loads so the progress bar advances on its own."""
    audience = get_object_or_404(audience_list(organization=request.organization), pk=audience_id)
    audience_load_progress_attach(audiences=[audience])
    audience_notices_attach(request=request, audiences=[audience], place="row")
    return render(
        request,
        "audiences/_row.html",
        {
            "audience": audience,
            "checked": request.GET.get("audience") == str(audience.pk),
            "can_edit": request.membership.can_edit,
            "row_actions": audience_selection_actions(request=request),
        },
    )


def _charts(stats: dict) -> list[dict]:
    charts = []
    for key, title in CHART_TITLES:
        rows = stats.get(key)
        if not rows:
            continue
        total = sum(n for _, n in rows) or 1
        top = max(n for _, n in rows) or 1
        charts.append(
            {
                "title": title,
                "rows": [
                    {"label": label, "count": n, "share": n / total, "width": round(100 * n / top, 1)}
                    for label, n in rows
                ],
            }
        )
    return charts


@organization_required
@require_GET
def details(request, audience_id: int):
    """The Audience Details pop-up: figures, L2 origin, version history, campaigns, make-up charts."""
    audience = get_object_or_404(
        audience_list(organization=request.organization).select_related("current_version", "duplicated_from"),
        pk=audience_id,
    )
    version = audience.current_version
    audience_load_progress_attach(audiences=[audience])
    audience_notices_attach(request=request, audiences=[audience], place="details")
    context = {
        "audience": audience,
        "version": version,
        "feeds": audience_feeds(audience=audience),
        "uses": audience_uses(audience_ids=[audience.pk])[audience.pk],
        "charts": _charts(version.stats if version else {}),
        "can_edit": request.membership.can_edit,
    }
    if request.htmx:
        return render(request, "audiences/_details.html", context)
    # Opened from a bookmark: the table, with the pop-up open over it.
    return render(
        request,
        "audiences/home.html",
        {**_home_context(request), **context, "modal": "audiences/_details.html"},
    )


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def edit(request, audience_id: int):
    """Edit Segmented Audience: name and notes, Save or Cancel."""
    audience = _audience(request, audience_id)
    form = AudienceEditForm(request.POST or None, initial={"name": audience.name, "notes": audience.notes})
    if request.method == "POST" and form.is_valid():
        try:
            audience_update(
                audience=audience, name=form.cleaned_data["name"], notes=form.cleaned_data["notes"]
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            return dialog_closed(
                request, audiencesChanged=True, message=f"Saved “{audience.name}”.", back=_home_url()
            )
    return render_dialog(
        request, "audiences/_edit.html", {"audience": audience, "form": form}, back=_home_url()
    )


@organization_required(edit=True)
@require_POST
def duplicate(request, audience_id: int):
    audience = _audience(request, audience_id)
    try:
        copy = audience_duplicate(audience=audience)
    except ApplicationError as error:
        return dialog_closed(request, message=error.message, level="error", back=_home_url())
    return dialog_closed(
        request,
        audiencesChanged=True,
        message=f"Duplicated as “{copy.name}” (ID {copy.pk}), on the same voters; L2 refreshes only the original.",
        back=_home_url(),
    )


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def delete(request, audience_id: int):
    """Delete, after a confirmation; refused, with the campaigns named, while any campaign uses it."""
    audience = _audience(request, audience_id)
    refusal = None
    if request.method == "POST":
        try:
            audience_delete(audience=audience)
        except ApplicationError as error:
            refusal = error.message
        else:
            return dialog_closed(
                request, audiencesChanged=True, message=f"Deleted “{audience.name}”.", back=_home_url()
            )
    uses = audience_uses(audience_ids=[audience.pk])[audience.pk]
    return render_dialog(
        request,
        "audiences/_delete.html",
        {"audience": audience, "uses": uses, "refusal": refusal},
        back=_home_url(),
    )


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def rename(request, audience_id: int):
    """Inline rename in the table: the name cell becomes a one-field form; Save keeps it, Esc goes back."""
    audience = _audience(request, audience_id)
    form = AudienceRenameForm(request.POST or None, initial={"name": audience.name})
    if request.method == "POST" and form.is_valid():
        try:
            audience_update(audience=audience, name=form.cleaned_data["name"])
        except ApplicationError as error:
            form.add_error("name", error.message)
        else:
            response = render(request, "audiences/_name_cell.html", {"audience": audience, "can_edit": True})
            response["HX-Trigger"] = json.dumps({"showMessage": {"text": f"Renamed “{audience.name}”."}})
            return response
    return render(request, "audiences/_name_form.html", {"audience": audience, "form": form})


@organization_required
@require_GET
def name_cell(request, audience_id: int):
    """The name cell as shown (a rename cancelled)."""
    audience = _audience(request, audience_id)
    return render(
        request, "audiences/_name_cell.html", {"audience": audience, "can_edit": request.membership.can_edit}
    )


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def bulk_delete(request):
    """Delete the ticked audiences: those no campaign uses go; the others are listed with their campaigns."""
    data = request.POST if request.method == "POST" else request.GET
    ids = parse_ids(data.getlist("audience"))
    if request.method == "POST":
        result = audience_delete_many(organization=request.organization, audience_ids=ids)
        response = render_dialog(
            request, "audiences/_bulk_delete_result.html", {"result": result}, back=_home_url()
        )
        response["HX-Trigger"] = json.dumps({"audiencesChanged": True})
        return response
    audiences = list(audience_list(organization=request.organization).filter(pk__in=ids).order_by("name"))
    uses = audience_uses(audience_ids=[a.pk for a in audiences])
    context = {
        "deletable": [a for a in audiences if not uses.get(a.pk)],
        "in_use": [(a, uses[a.pk]) for a in audiences if uses.get(a.pk)],
    }
    return render_dialog(request, "audiences/_bulk_delete.html", context, back=_home_url())
