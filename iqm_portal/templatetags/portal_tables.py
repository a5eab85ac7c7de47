"""The element a table lives in: {% table_container table %}…{% endtable_container %}.

It carries what the table's live refreshes need (see the "Tables" section of static/js/portal.js): the
table's own URL and the signature of what it shows, a hash of the rendered rows. A refresh sends the
signature back; the view answers 204 while it is unchanged.
"""

import hashlib

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


class TableContainerNode(template.Node):
    def __init__(self, table, nodelist):
        self.table = table
        self.nodelist = nodelist

    def render(self, context):
        table = self.table.resolve(context)
        inner = self.nodelist.render(context)
        table.signature = hashlib.sha256(inner.encode()).hexdigest()[:24]
        attrs = {
            "id": table.dom_id,
            "class": "table-block",
            "data-table": table.key,
            "data-table-url": table.state.current_url,
            "data-signature": table.signature,
        }
        if table.poll_every:
            attrs["data-table-live"] = True
            attrs["data-poll-seconds"] = str(table.poll_every)
        if table.refresh_on:
            attrs["data-refresh-on"] = " ".join(table.refresh_on)
        # In this order, id first (flatatt would sort them): the element reads as the table it is.
        html = "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
        )
        return format_html("<div{}>{}</div>", mark_safe(html), mark_safe(inner))


@register.tag
def table_container(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% table_container table %} takes the table.")
    nodelist = parser.parse(("endtable_container",))
    parser.delete_first_token()
    return TableContainerNode(parser.compile_filter(bits[1]), nodelist)
