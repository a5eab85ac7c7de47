"""The notices pages: the bell's count and panel in the top bar, the Notices page, marking read, and the
Notice emails section of My Profile (docs/notices.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import organization_required
from iqm_portal.query import parse_id
from iqm_portal.tables.views import SIGNATURE_HEADER

from .context_processors import NoticeBell
from .forms import EmailPreferencesForm
from .panels import SECTION_ID
from .selectors import email_preferences, notice_list
from .services import email_preferences_set, notices_mark_read

PANEL_SIZE = 8
PAGE_SIZE = 25


def _here(request) -> str:
    """The page the person is on: for an htmx request, the page that sent it."""
    htmx = getattr(request, "htmx", None)
    return (htmx and htmx.current_url_abs_path) or request.get_full_path()


def _next(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notices:list")


@require_safe
def bell(request):
    """The bell's count, checked by the page as often as its tables (static/js/portal.js, "Tables"): 204
    while the count is the one the page shows (sent as the check's signature), so nothing moves."""
    user = request.user
    if not user.is_authenticated or not request.membership:
        # Signed out since the page loaded, or no organization: the page has no bell to keep current.
        return HttpResponse(status=204)
    notice_bell = NoticeBell(user)
    if request.headers.get(SIGNATURE_HEADER) == str(notice_bell.unread):
        return HttpResponse(status=204)
    return render(request, "notices/_bell_count.html", {"notice_bell": notice_bell})


def _panel(request):
    notices = list(notice_list(user=request.user)[:PANEL_SIZE])
    return render(
        request,
        "notices/_panel.html",
        {
            "notices": notices,
            "notice_bell": NoticeBell(request.user),
            "up_to": notices[0].pk if notices else None,
            "here": _here(request),
        },
    )


@organization_required
@require_safe
def panel(request):
    """The latest notices, for the panel the bell opens (loaded each time it opens)."""
    return _panel(request)


@organization_required
@require_safe
def notice_page(request):
    """Every notice of the user, newest first, a page at a time; ``?unread=1`` for the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(notice_list(user=request.user, unread=unread_only), PAGE_SIZE)
    page = paginator.get_page(parse_id(request.GET.get("page", "")) or 1)

    def url(number: int | None = None, unread: bool = unread_only) -> str:
        query = "&".join(
            part
            for part in ["unread=1" if unread else "", f"page={number}" if number and number > 1 else ""]
            if part
        )
        return f"{reverse('notices:list')}?{query}" if query else reverse("notices:list")

    return render(
        request,
        "notices/home.html",
        {
            "page": page,
            "unread_only": unread_only,
            "all_url": url(unread=False),
            "unread_url": url(unread=True),
            "previous_url": url(page.previous_page_number()) if page.has_previous() else None,
            "next_url": url(page.next_page_number()) if page.has_next() else None,
            # "Mark all read" on the first page marks what it shows and anything older, not what arrives
            # after the page was drawn.
            "up_to": page[0].pk if page.number == 1 and page.object_list else None,
            "here": request.get_full_path(),
        },
    )


@organization_required
@require_POST
def notice_read(request, notice_id: int):
    """Mark one of the user's notices read. Only the user's own: another's ID is not found."""
    notice = get_object_or_404(notice_list(user=request.user), pk=notice_id)
    notices_mark_read(user=request.user, notice_ids=[notice.pk])
    if request.htmx:
        notice.refresh_from_db(fields=["read_at"])
        return render(
            request,
            "notices/_marked_read.html",
            {"notice": notice, "notice_bell": NoticeBell(request.user), "here": _here(request)},
        )
    return redirect(_next(request))


@organization_required
@require_POST
def notices_read_all(request):
    """Mark all the user's notices read: with ``up_to``, those up to the newest one the person saw."""
    up_to = parse_id(request.POST.get("up_to", ""))
    notice_ids = None
    if up_to is not None:
        notice_ids = (
            notice_list(user=request.user, unread=True).filter(pk__lte=up_to).values_list("pk", flat=True)
        )
    notices_mark_read(user=request.user, notice_ids=notice_ids)
    if request.htmx:
        return _panel(request)
    return redirect(_next(request))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request):
    """The Notice emails section of My Profile saves here; the section itself is shown on My Profile."""
    if request.method == "POST":
        preferences = email_preferences(user=request.user)
        form = EmailPreferencesForm(request.POST, preferences=preferences)
        if form.is_valid():  # checkboxes: anything sent reads as on or off
            email_preferences_set(user=request.user, choices=form.changes(preferences))
            messages.success(request, "Your notice emails are saved.")
    return redirect(f"{reverse('accounts:profile')}#{SECTION_ID}")
