"""One object's history on the pages, for the app that owns the object to register (docs/history.md).

The history app knows no audience nor campaign: the app whose pages show the object registers this view in
its URLconf with the object's kind (``subject``), its selector of the organization's objects (``objects``)
and, if the panel stands on the object's page, that page's URL name (``page_url_name``).
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from accounts.permissions import organization_required

from .pages import HistoryPanel


@method_decorator(organization_required, name="dispatch")
class ObjectHistoryView(View):
    """The panel (a History tab opening), or its entries alone (its filter and pages: ``HX-Target``)."""

    http_method_names = ["get"]
    subject = ""
    objects = None  # the owning app's selector: objects(organization=…) → the organization's objects
    dom_id = ""
    page_url_name = ""

    def get(self, request, pk: int):
        if not self.objects(organization=request.organization).filter(pk=pk).exists():
            raise Http404
        panel = HistoryPanel(
            request,
            subject=self.subject,
            object_id=pk,
            url=request.path,
            dom_id=self.dom_id,
            page_path=reverse(self.page_url_name, args=[pk]) if self.page_url_name else "",
        )
        if panel.page_path and not request.htmx:
            # Reached without htmx (a link opened in a new tab): the object's page, showing these entries.
            return redirect(panel.page_url())
        entries_only = request.htmx and request.htmx.target == panel.entries_id
        template = "history/_entries.html" if entries_only else "history/_panel.html"
        response = render(request, template, {"history": panel})
        if request.htmx and panel.page_path:
            # The object's page keeps what its panel shows in its URL (replaced, not pushed: the page's
            # own scripts start on a full load only, which Back to it is).
            response["HX-Replace-Url"] = panel.page_url()
        return response
