"""The portal's one table engine: django-tables2 tables, django-filter filters, htmx in place.

A table is a ``PortalTable`` subclass (its columns, key, element id, optional columns, default order)
and a ``TableFilterSet`` subclass (its toolbar). A view answers with ``table_page``; its template
includes ``tables/_toolbar.html`` and renders the table with ``{% render_table table %}``. Sorting,
search, filters, page size, pagination, the empty state, the column chooser (remembered per user) and
live refreshes (portal.js, "Tables") then come from here.
"""

from .base import PAGE_SIZES, PortalTable, TableState, registry
from .columns import DateColumn, NumberColumn, SelectionColumn, TextColumn
from .filters import SearchFilter, TableFilterSet
from .views import build_table, table_page, table_response

__all__ = [
    "PAGE_SIZES",
    "DateColumn",
    "NumberColumn",
    "PortalTable",
    "SearchFilter",
    "SelectionColumn",
    "TableFilterSet",
    "TableState",
    "TextColumn",
    "build_table",
    "registry",
    "table_page",
    "table_response",
]
