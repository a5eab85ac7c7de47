"""Pop-ups: htmx loads a ``<dialog class="modal">`` into ``#modal-root``; a plain request gets a page with it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def render_dialog(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The dialog alone for htmx; without JavaScript, a page that shows it (portal.js opens it, or it
    reads as a plain form)."""
    if request.htmx:
        return render(request, template, context)
    return render(request, "campaigns/dialog_page.html", {**context, "dialog_template": template})


def dialog_done(request: HttpRequest, url: str) -> HttpResponse:
    """After a pop-up's form succeeded: go to ``url`` (htmx follows HX-Redirect, a plain form a 302)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def safe_next(request: HttpRequest, default: str) -> str:
    """Where a form said to go back to, if that is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default
