"""Pop-ups, one way for every app: open, submit, errors, result, close.

A pop-up is a ``<dialog class="modal">`` template extending ``_modal.html`` (or ``_modal_form.html`` for a
form). htmx loads it into ``#modal-root`` and portal.js opens it with the focus inside; its form posts with
htmx and the answer replaces the dialog's inside, so a refused form shows its errors where it was and a
result shows in the same pop-up. When it is done, the view either closes it (``dialog_closed``: the page
hears what changed and says so) or goes to a page (``dialog_done``). Reached without htmx (a link opened
in a new tab), the same template is shown on a page of its own.
"""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def render_dialog(request: HttpRequest, template: str, context: dict, *, back: str = "") -> HttpResponse:
    """The dialog alone for htmx; without it, a page that shows the dialog (``back``: where Close goes)."""
    if request.htmx:
        return render(request, template, context)
    return render(request, "dialog_page.html", {**context, "dialog_template": template, "back": back or "/"})


def dialog_done(request: HttpRequest, url: str) -> HttpResponse:
    """After a pop-up's form succeeded: go to ``url`` (htmx follows HX-Redirect, a plain form a 302)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def dialog_closed(
    request: HttpRequest, *, message: str = "", level: str = "success", back: str = "/", **events
) -> HttpResponse:
    """After a pop-up's action succeeded on the page it was opened from: close it, tell the page which
    events happened (``audiencesChanged=True`` refreshes what listens to it), and say ``message``."""
    if not request.htmx:
        if message:
            messages.add_message(request, messages.ERROR if level == "error" else messages.SUCCESS, message)
        return redirect(back)
    if message:
        events["showMessage"] = {"text": message, "level": level}
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps({"closeModal": True, **events})
    return response


def safe_next(request: HttpRequest, default: str) -> str:
    """Where a form said to go back to, if that is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default
