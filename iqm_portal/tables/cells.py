"""Rendering a table's cells: what django-tables2 works out for every cell, worked out once per column.

django-tables2 reads each cell's render function's arguments with inspect.signature, merges each cell's
attributes anew, and looks its column and model field up again for every cell: most of the time of a page
of a hundred rows. Here the same steps run with what does not change from row to row computed once per
column; a column django-tables2 treats specially (links, many-to-many, an accessor through a relation) is
left to its own ``row.get_cell``. tests/portal/test_tables.py checks that both give the same cells.
"""

import inspect

from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import A, signature

# What django-tables2 reads of a render function that takes whatever it is given.
_TAKES_ANYTHING = inspect.Signature([inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)])


def render_once_inspected(render):
    """``render``, its arguments read once rather than for every cell.

    django-tables2 passes a cell's render function only the arguments it names (value, record, …). The
    wrapper names none, so is given them all, and passes on what ``render`` takes, as django-tables2 would.
    """
    names, catch_all = signature(render)
    if catch_all:
        return render

    def call(**given):
        if any(name not in given for name in names):
            return None
        return render(**{name: given[name] for name in names})

    call.__signature__ = _TAKES_ANYTHING
    return call


def _attributes(column):
    """The cell's attributes as HTML, or None where they depend on the row (callables)."""
    own = column.column.attrs
    if any(callable(value) for value in own.get("td", own.get("cell", {})).values()):
        return None
    return column.attrs["td"].as_html()


def cell_reader(table, column):
    """A function of a row giving (the cell's attributes as HTML, its content) for ``column``."""
    attributes = _attributes(column)
    model = getattr(table.data, "model", None)
    accessor = A(column.accessor)
    special = (
        model is None
        or len(accessor.bits) > 1
        or column.link
        or isinstance(column.column, (BaseLinkColumn, ManyToManyColumn))
    )
    if attributes is None or special:

        def own(row):
            content = row.get_cell(column.name)
            if attributes is not None:
                return attributes, content
            column.current_record, column.current_value = row.record, content
            return column.attrs["td"].as_html(), content

        return own

    field = accessor.get_field(model)
    # A field with choices shows its label, as django-tables2 does (get_<field>_display).
    display = (
        f"get_{column.accessor}_display" if field is not None and getattr(field, "choices", None) else None
    )
    empty, default, render = column.column.empty_values, column.default, column.render

    def read(row):
        record = row.record
        try:
            value = getattr(record, display)() if display else accessor.resolve(record)
        except Exception:  # as django-tables2: a value it cannot read is an empty one
            value = None
        if value in empty:
            return attributes, default
        content = render(
            value=value, record=record, column=column.column, bound_column=column, bound_row=row, table=table
        )
        return attributes, content

    return read
