"""Column types every table shares, on top of django-tables2's own (Column, TemplateColumn, …)."""

import datetime as dt

import django_tables2 as tables
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join


def _with_class(attrs: dict | None, cell_class: str, *, header: bool = True) -> dict:
    attrs = {key: dict(value) for key, value in (attrs or {}).items()}
    for tag in ("th", "td") if header else ("td",):
        classes = attrs.setdefault(tag, {}).get("class", "")
        attrs[tag]["class"] = f"{classes} {cell_class}".strip()
    return attrs


class TextColumn(tables.Column):
    """Text that may be long: one line, cut with an ellipsis, the whole of it in a title (a tooltip).

    ``link`` is a function of the row's record giving the URL the text leads to (a link then carries the
    title); ``link_attrs`` likewise gives the link's other attributes (hx-get, …) as a dict.
    """

    def __init__(self, *args, link=None, link_attrs=None, **kwargs):
        kwargs["attrs"] = _with_class(kwargs.get("attrs"), "text-cell", header=False)
        super().__init__(*args, **kwargs)
        self.link_to = link
        self.link_attrs = link_attrs

    def render(self, value, record):
        if self.link_to is None:
            return format_html('<span class="cell-text" title="{0}">{0}</span>', value)
        extra = self.link_attrs(record) if self.link_attrs else {}
        attributes = format_html_join("", ' {}="{}"', extra.items())
        return format_html(
            '<a class="cell-text" href="{0}" title="{1}"{2}>{1}</a>', self.link_to(record), value, attributes
        )


class DateColumn(tables.Column):
    """A date or a moment, as ``format`` (the ``date`` filter's letters) spells it, in the current time zone.

    Rendered in Python: django-tables2's own DateColumn compiles a template for every cell.
    """

    def __init__(self, *args, format: str = "M j, Y", **kwargs):
        super().__init__(*args, **kwargs)
        self.format = format

    def render(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, self.format)


class NumberColumn(tables.Column):
    """Figures: right-aligned, in tabular digits; a sort by them starts with the largest."""

    def __init__(self, *args, **kwargs):
        kwargs["attrs"] = _with_class(kwargs.get("attrs"), "num")
        kwargs.setdefault("initial_sort_descending", True)
        super().__init__(*args, **kwargs)


class SelectionColumn(tables.Column):
    """A checkbox per row for bulk actions (``name`` is the input's name, its value the row's ID).

    The header's checkbox ticks every row of the page (portal.js, ``data-select-all``). Ticks survive the
    table's live refreshes (see the tables section of portal.js).
    """

    def __init__(self, *, name: str, label: str = "Select", **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("verbose_name", "")
        super().__init__(**kwargs)
        self.input_name = name
        self.label = label

    def header_html(self, noun: str):
        return format_html(
            '<input type="checkbox" data-select-all aria-label="Select all {} on this page">', noun
        )

    def render(self, value, record):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" data-row-select aria-label="{} {}">',
            self.input_name,
            value,
            self.label,
            getattr(record, "name", value),
        )
