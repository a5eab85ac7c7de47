"""The Audiences app: the table of audiences, and its pop-ups (details, edit, rename, duplicate, delete,
compare)."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import organization_required
from history.actors import Actor
from iqm_portal.dialogs import dialog_closed, render_dialog
from iqm_portal.exceptions import ApplicationError
from iqm_portal.query import parse_ids
from iqm_portal.tables import build_table, table_response

from .extensions import (
    audience_feeds,
    audience_load_progress_attach,
    audience_notices_attach,
    audience_selection_actions,
    audience_uses,
)
from .forms import AudienceEditForm, AudienceRenameForm
from .models import AudienceStatus, AudienceType
from .overlap import AudienceOverlap, audience_overlap
from .selectors import audience_list, audience_type_counts
from .services import audience_delete, audience_delete_many, audience_duplicate, audience_update
from .tables import AudienceFilter, AudienceTable
from .tables import name_cell as name_cell_html

# While an audience on the page loads, the table checks for changes this often (its progress bar moves).
LOADING_POLL_SECONDS = 2
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


def _empty_text(request) -> str:
    return format_html(
        "No audiences of this type yet. In L2 DataMapping, name a universe <code>IQM_{}_YourSegment</code> "
        "and press SEND UNIVERSE: it appears here as a Segmented audience.",
        request.organization.account_id,
    )


def _prepare(request, table) -> None:
    """What the rows shown need beyond their columns: the progress of a load and the notices of the apps
    above; while any of them loads, the table checks for changes every 2 seconds rather than every 10."""
    audiences = table.records
    audience_load_progress_attach(audiences=audiences)
    audience_notices_attach(request=request, audiences=audiences, place="row")
    table.can_edit = request.membership.can_edit
    table.row_actions = audience_selection_actions(request=request)
    if any(a.load_progress is not None or a.status == AudienceStatus.PROCESSING for a in audiences):
        table.poll_seconds = LOADING_POLL_SECONDS


def _audience_table(request, *, path: str | None = None):
    table = build_table(
        request,
        table_class=AudienceTable,
        queryset=audience_list(organization=request.organization),
        filterset_class=AudienceFilter,
        path=path,
        caption="Audiences",
        empty_text=_empty_text(request),
    )
    _prepare(request, table)
    return table


def _page_context(request, table) -> dict:
    """The page around the table: the panel of types with their counts, the title, the bulk actions."""
    counts = audience_type_counts(organization=request.organization)
    selected = table.filterset.audience_type
    return {
        "types": [
            {
                "label": label,
                "count": counts.get(value, 0),
                "url": table.state.url(type=value, q=None, status=None, size=None, page=None),
                "current": value == selected,
            }
            for value, label in AudienceType.choices
        ],
        "total": sum(counts.values()),
        "all_url": table.state.url(type="all", q=None, status=None, size=None, page=None),
        "all_current": not selected,
        "title": f"{AudienceType(selected).label} Audience" if selected else "All Audiences",
        "can_edit": request.membership.can_edit,
        "selection_actions": table.row_actions,
    }


@organization_required
@require_GET
def home(request):
    """Audiences home: the panel of audience types with counts, and the table of the chosen type."""
    table = _audience_table(request)
    context = _page_context(request, table)
    return table_response(request, table, template_name="audiences/home.html", context=context)


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
    table = _audience_table(request, path=reverse("audiences:home"))
    page = {**_page_context(request, table), "table": table, "filter": table.filterset}
    return render(request, "audiences/home.html", {**page, **context, "modal": "audiences/_details.html"})


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def edit(request, audience_id: int):
    """Edit Segmented Audience: name and notes, Save or Cancel."""
    audience = _audience(request, audience_id)
    form = AudienceEditForm(request.POST or None, initial={"name": audience.name, "notes": audience.notes})
    if request.method == "POST" and form.is_valid():
        try:
            audience_update(
                actor=Actor.of_user(request.user),
                audience=audience,
                name=form.cleaned_data["name"],
                notes=form.cleaned_data["notes"],
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
        copy = audience_duplicate(audience=audience, actor=Actor.of_user(request.user))
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
            audience_delete(audience=audience, actor=Actor.of_user(request.user))
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
            audience_update(
                audience=audience, name=form.cleaned_data["name"], actor=Actor.of_user(request.user)
            )
        except ApplicationError as error:
            form.add_error("name", error.message)
        else:
            response = HttpResponse(name_cell_html(audience, can_edit=True))
            response["HX-Trigger"] = json.dumps({"showMessage": {"text": f"Renamed “{audience.name}”."}})
            return response
    return render(request, "audiences/_name_form.html", {"audience": audience, "form": form})


@organization_required
@require_GET
def name_cell(request, audience_id: int):
    """The name cell as shown (a rename cancelled)."""
    audience = _audience(request, audience_id)
    return HttpResponse(name_cell_html(audience, can_edit=request.membership.can_edit))


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def bulk_delete(request):
    """Delete the ticked audiences: those no campaign uses go; the others are listed with their campaigns."""
    data = request.POST if request.method == "POST" else request.GET
    ids = parse_ids(data.getlist("audience"))
    if request.method == "POST":
        result = audience_delete_many(
            organization=request.organization, audience_ids=ids, actor=Actor.of_user(request.user)
        )
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


# The Venn diagram of the Compare pop-up, drawn in its SVG's own units (it scales to the pop-up's width):
# circles (x, y, r) by letter, where each circle's letter goes, and where each region's count goes (the
# middle of the region's width through its centroid, so a long number stays inside it).
VENN = {
    2: {
        "view_box": "0 0 400 240",
        "circles": {"A": (150, 120, 100), "B": (250, 120, 100)},
        "letters": {"A": (66, 38), "B": (334, 38)},
        "counts": {"A": (100, 120), "B": (300, 120), "AB": (200, 120)},
    },
    3: {
        "view_box": "0 0 420 330",
        "circles": {"A": (160, 130, 100), "B": (260, 130, 100), "C": (210, 217, 100)},
        "letters": {"A": (76, 46), "B": (344, 46), "C": (124, 304)},
        "counts": {
            "A": (112, 106),
            "B": (308, 106),
            "C": (210, 266),
            "AB": (210, 90),
            "AC": (148, 193),
            "BC": (272, 193),
            "ABC": (210, 158),
        },
    },
}


def _venn(overlap: AudienceOverlap) -> dict:
    layout = VENN[len(overlap.audiences)]
    return {
        "view_box": layout["view_box"],
        "circles": [
            {"letter": letter, "cx": cx, "cy": cy, "r": r, "at": layout["letters"][letter]}
            for letter, (cx, cy, r) in layout["circles"].items()
        ],
        "counts": [{"region": region, "at": layout["counts"][region.letters]} for region in overlap.regions],
    }


def _share(voters: int, union: int) -> str:
    return f"{100 * voters / union:.1f} %" if union else "—"


@organization_required
@require_GET
def compare(request):
    """Compare the 2 or 3 ticked audiences: how many voters are in each region of their Venn diagram, drawn
    and listed. A read: any member may, viewers too."""
    ids = parse_ids(request.GET.getlist("audience"))
    try:
        overlap = audience_overlap(organization=request.organization, audience_ids=ids)
    except ApplicationError as error:
        context = {"refusal": error.message}
    else:
        context = {
            "overlap": overlap,
            "venn": _venn(overlap),
            "rows": [{"region": r, "share": _share(r.voters, overlap.union)} for r in overlap.regions],
        }
    return render_dialog(request, "audiences/_compare.html", context, back=_home_url())
