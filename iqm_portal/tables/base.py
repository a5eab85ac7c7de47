"""PortalTable: a django-tables2 Table with the portal's defaults, and the state a request gives it.

The state of a table lives in its URL, under names that bookmarks rely on: ``q``, ``status`` and the
other filters (the table's FilterSet), ``sort``, ``page`` and ``page_size``. Every link a table renders
(a column header, a page, "Clear filters") is that URL with one thing changed; values equal to the
defaults are left out, so a URL names only what differs.
"""

from dataclasses import dataclass

import django_tables2 as tables
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.http import QueryDict
from django_tables2.data import TableQuerysetData
from django_tables2.tables import TableOptions
from django_tables2.utils import OrderBy

from iqm_portal.query import parse_id

from .cells import cell_reader, render_once_inspected
from .columns import SelectionColumn

PAGE_SIZES = (25, 50, 100)

# Every table by its key: the column chooser's view checks the key and the column names against it.
registry: dict[str, type["PortalTable"]] = {}


@dataclass(frozen=True)
class TableState:
    """What the query string asks of a table; what it asks wrongly is read as the default."""

    path: str
    params: QueryDict
    sort: str
    default_sort: str
    page: int
    page_size: int
    default_page_size: int

    @classmethod
    def from_request(
        cls,
        request,
        table_class: type["PortalTable"],
        *,
        path: str | None = None,
        params: QueryDict | None = None,
    ) -> "TableState":
        params = request.GET if params is None else params
        sort = params.get("sort", "") or table_class.default_sort
        if sort.lstrip("-") not in table_class.sortable_names():
            sort = table_class.default_sort
        # Numbers in ASCII digits only: int() would read "２" as 2 (see iqm_portal.query.parse_id).
        page_size = parse_id(params.get("page_size", ""))
        return cls(
            path=path or request.path,
            params=params,
            sort=sort,
            default_sort=table_class.default_sort,
            page=parse_id(params.get("page", "")) or 1,
            page_size=page_size if page_size in PAGE_SIZES else table_class.page_size,
            default_page_size=table_class.page_size,
        )

    @property
    def current_url(self) -> str:
        """The URL of the table as asked for, unchanged: what its live refreshes ask again."""
        query = self.params.urlencode()
        return f"{self.path}?{query}" if query else self.path

    def url(self, **changes) -> str:
        """This table's URL with ``changes`` made (None or "" removes a parameter), defaults left out."""
        params = self.params.copy()
        for name, value in changes.items():
            params.setlist(name, [] if value in (None, "") else [str(value)])
        for name in list(params):
            values = [value for value in params.getlist(name) if value != ""]
            default = {"sort": self.default_sort, "page": "1", "page_size": str(self.default_page_size)}.get(
                name
            )
            if not values or values == [default]:
                del params[name]
            else:
                params.setlist(name, values)
        query = params.urlencode()
        return f"{self.path}?{query}" if query else self.path


class PortalTable(tables.Table):
    """The base of every table of the portal: its template, sorting, paging, empty state and columns.

    A subclass names itself (``key``, stable: users' column choices are stored under it), its element
    (``dom_id``), what its rows are (``noun``), the columns people may hide (``optional_columns``, and
    ``hidden_by_default`` among them) and its default order. Build it with ``iqm_portal.tables.table_page``.
    """

    key: str = ""
    dom_id: str = ""
    noun: str = "rows"
    default_sort: str = "-created"
    page_size: int = PAGE_SIZES[0]  # one of PAGE_SIZES
    optional_columns: tuple[str, ...] = ()
    hidden_by_default: tuple[str, ...] = ()
    # Seconds between two checks for changed rows while the page is visible; None: TABLE_POLL_SECONDS;
    # 0: the table does not poll. Body events (HX-Trigger) that refresh it at once: refresh_on.
    poll_seconds: int | None = None
    refresh_on: tuple[str, ...] = ()
    empty_filtered_text = "Nothing matches these filters."

    class Meta:
        template_name = "tables/table.html"
        attrs = {"class": "table"}
        order_by_field = "sort"
        page_field = "page"
        per_page_field = "page_size"
        per_page = PAGE_SIZES[0]
        empty_text = "Nothing here yet."

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "Meta" not in cls.__dict__:
            # django-tables2 reads only a class's own Meta: without one, a table keeps the portal's.
            cls._meta = TableOptions(cls.Meta, cls.__name__)
        if cls.key:
            registry[cls.key] = cls

    def __init__(
        self,
        data,
        *,
        state: TableState,
        filterset=None,
        visible=None,
        caption: str = "",
        poll_seconds: int | None = None,
        **kwargs,
    ):
        self.state = state
        if poll_seconds is not None:
            self.poll_seconds = poll_seconds
        self.filterset = filterset
        self.caption = caption
        super().__init__(data, order_by=state.sort, **kwargs)
        for column in self.columns.iterall():
            column.render = render_once_inspected(column.render)
        shown = self.default_visible() if visible is None else set(visible)
        for name in self.optional_columns:
            if name not in shown:
                self.columns.hide(name)

    # --- Sorting ---------------------------------------------------------------------------------

    @classmethod
    def sortable_names(cls) -> set[str]:
        orderable = cls._meta.orderable
        return {
            name
            for name, column in cls.base_columns.items()
            if (column.orderable if column.orderable is not None else orderable)
        }

    def _order(self, value):
        # django-tables2 checks the sort against the columns and orders by their accessors; the portal
        # then puts empty values last either way and breaks ties by ID, so that pages never overlap. A
        # table that orders a column its own way (order_<column>, as django-tables2 has it) keeps its order.
        tables.Table.order_by.fset(self, value)
        if not self._order_by or not isinstance(self.data, TableQuerysetData):
            return
        if any(hasattr(self, f"order_{OrderBy(alias).bare}") for alias in self._order_by):
            return
        expressions = []
        for alias in self._order_by:
            for accessor in self.columns[OrderBy(alias).bare].order_by:
                field = F(accessor.bare.replace(".", "__"))
                expressions.append(
                    field.desc(nulls_last=True) if accessor.is_descending else field.asc(nulls_last=True)
                )
        expressions.append("-pk" if self._order_by[0].startswith("-") else "pk")
        self.data.data = self.data.data.order_by(*expressions)

    order_by = property(tables.Table.order_by.fget, _order)

    @property
    def sort_param(self) -> str:
        """The sort the next search keeps (the toolbar's hidden field); empty for the default one."""
        return "" if self.state.sort == self.default_sort else self.state.sort

    @property
    def headers(self) -> list[dict]:
        """Each shown column's header: its label, its attributes, the link that sorts by it, aria-sort."""
        cells = []
        for column in self.columns:
            cell = {"column": column, "label": column.header, "url": None, "aria_sort": None}
            if isinstance(column.column, SelectionColumn):
                cell["label"] = column.column.header_html(self.noun)
            elif column.orderable:
                if column.is_ordered:
                    descending = column.order_by_alias.is_descending
                    cell["aria_sort"] = "descending" if descending else "ascending"
                cell["url"] = self.state.url(sort=column.order_by_alias.next, page=None)
            cells.append(cell)
        return cells

    # --- Paging ----------------------------------------------------------------------------------

    def paginate_from_state(self):
        """The page the state names; past the last page, the last one (a bookmark may outlive rows)."""
        self.paginator = Paginator(self.rows, self.state.page_size)
        self.page = self.paginator.get_page(self.state.page)
        return self

    @property
    def body(self) -> list[tuple]:
        """The rows shown, as (row, [(the cell's attributes, its content), …]) for the template."""
        readers = [cell_reader(self, column) for column in self.columns]
        return [(row, [read(row) for read in readers]) for row in self.paginated_rows]

    @property
    def records(self) -> list:
        """The records of the rows shown (the current page)."""
        return [row.record for row in self.paginated_rows]

    @property
    def previous_url(self) -> str | None:
        return self.state.url(page=self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.state.url(page=self.page.next_page_number()) if self.page.has_next() else None

    @property
    def page_sizes(self) -> list[tuple[str, int, bool]]:
        """The page size choices: (value sent, rows, selected); the default one sends nothing."""
        return [
            ("" if size == self.state.default_page_size else str(size), size, size == self.state.page_size)
            for size in PAGE_SIZES
        ]

    # --- Filters and the empty state -------------------------------------------------------------

    @property
    def filtered(self) -> bool:
        return bool(self.filterset is not None and self.filterset.active)

    @property
    def search(self) -> str:
        if self.filterset is None or not self.filterset.form.is_valid():
            return ""
        return self.filterset.form.cleaned_data.get("q") or ""

    @property
    def caption_text(self) -> str:
        return f"{self.caption} matching “{self.search}”" if self.search else self.caption

    @property
    def clear_url(self) -> str:
        """The URL without the toolbar's filters; a hidden one (chosen elsewhere on the page) stays."""
        fields = self.filterset.form.fields if self.filterset is not None else {}
        shown = [name for name, field in fields.items() if not field.widget.is_hidden]
        return self.state.url(page=None, **dict.fromkeys(shown))

    # --- Columns people choose -------------------------------------------------------------------

    @classmethod
    def default_visible(cls) -> set[str]:
        return set(cls.optional_columns) - set(cls.hidden_by_default)

    @property
    def column_choices(self) -> list[dict]:
        """The optional columns, in the table's order, for the column chooser."""
        return [
            {"name": name, "label": self.columns[name].header, "shown": self.columns[name].visible}
            for name in self.sequence
            if name in self.optional_columns
        ]

    # --- Live rows -------------------------------------------------------------------------------

    @property
    def poll_every(self) -> int:
        if not settings.TABLE_POLL_SECONDS:
            return 0  # turned off for every table
        return settings.TABLE_POLL_SECONDS if self.poll_seconds is None else self.poll_seconds
