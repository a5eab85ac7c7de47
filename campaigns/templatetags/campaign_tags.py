"""Template helpers of the Campaigns app: money and reach wording."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


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
