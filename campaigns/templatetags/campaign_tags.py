"""Template helpers of the Campaigns app: sortable table headers, money and reach wording."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.inclusion_tag("campaigns/_sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False):
    """A column header that sorts the table by ``key`` (a second click reverses the order)."""
    table = context["table"]
    current = table["sort"]
    if current == key:
        next_sort, aria = f"-{key}", "ascending"
    elif current == f"-{key}":
        next_sort, aria = key, "descending"
    else:
        next_sort, aria = key, None
    return {
        "label": label,
        "aria_sort": aria,
        "url": table["url"](sort=next_sort, page=None),
        "numeric": numeric,
        "target": table["target"],
    }


@register.filter
def dollars(value) -> str:
    if value in (None, ""):
        return "—"
    return f"${intcomma(f'{Decimal(value):.2f}')}"


@register.filter
def budget(io) -> str:
    """An IO's total, in its budget type's unit."""
    if io.budget_type == "impressions":
        return f"{intcomma(int(io.budget_total))} impressions"
    return dollars(io.budget_total)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(str(key))
