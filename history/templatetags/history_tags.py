from django import template

from ..pages import HistoryPanel

register = template.Library()


@register.inclusion_tag("history/_panel.html", takes_context=True)
def history_panel(context, *, subject: str, object_id: int, url: str, dom_id: str):
    """An object's History section on its own page: the panel, rendered with the page, from its URL."""
    request = context["request"]
    panel = HistoryPanel(
        request, subject=subject, object_id=object_id, url=url, dom_id=dom_id, page_path=request.path
    )
    return {"history": panel, "request": request}
